import type { RunContext } from '../../core/runLoop';
import { kendallTau, pairwiseAccuracy } from '../../core/metrics';
import { SupernetEvaluator } from '../../evaluate/supernet';
import type { Evaluator } from '../../evaluate/types';
import { formatCell, sampleCell, spaceOps, type Nb201Cell } from '../../spaces/nb201';
import { type Candidate, CandidateLog, reportFinal } from '../common';
import type { SearchMethod } from '../types';
import { equivalentTwin, SEQ_LEN, TokenCodec } from './encoding';
import type { NaoEventData, NaoMode, NaoPoolPoint, NaoPoolSummary } from './events';
import { generate, type Seed } from './generate';
import { encodePredictDecode, predictAt } from './infer';
import { EncoderPredictorDecoder } from './model';
import { fitPca, project, type Projection, unproject } from './pca';
import { NAO_SETTING_HELP, parseNaoSettings, planRounds } from './settings';
import { targetScale } from './targets';
import { trainEpd } from './train';

export { NAO_DEFAULTS, NAO_SETTING_HELP, parseNaoSettings, planRounds, type NaoSettings } from './settings';
export type * from './events';

interface PoolEntry {
  cell: Nb201Cell;
  arch: string;
  tokens: number[];
  /** The candidate holding its latest score (NAO-WS re-scores the pool every round). */
  candidate: Candidate;
  iterationAdded: number;
  origin: string;
}

const AUGMENTATION =
  'NB-201 fixes every edge’s endpoints, so the only equivalent encoding is the swap of nodes 1 and 2 when edge 1→2 is "none" (same function, same parameters, different sequence); that twin is added with the same target.';

export const nao: SearchMethod = {
  run: (ctx, evaluator) => runNao(ctx, evaluator),
};

async function runNao(ctx: RunContext, evaluator: Evaluator<Nb201Cell>): Promise<void> {
  const s = parseNaoSettings(ctx.config.methodSettings.nao);
  const codec = new TokenCodec(spaceOps(ctx.config.space));
  const supernet = evaluator instanceof SupernetEvaluator ? evaluator : null;
  const mode: NaoMode = supernet ? 'ws' : evaluator.id === 'table' ? 'table' : 'fixed';
  const rescore = mode === 'ws' && s.wsRescorePool;
  const log = new CandidateLog(ctx, evaluator, ctx.config.budget);
  const emit = (e: NaoEventData) => ctx.emit({ type: 'method', method: 'nao', kind: e.kind, data: e.data });
  const poolBound = Math.min(s.initialPool, codec.ops.length ** SEQ_LEN, ctx.config.budget);
  const plan = planRounds(s, poolBound, ctx.config.budget, rescore);
  emit({
    kind: 'plan',
    data: { mode, scoreLabel: evaluator.scoreLabel, settings: s, help: NAO_SETTING_HELP, ops: [...codec.ops], vocab: codec.vocab, budget: ctx.config.budget, plannedRounds: plan.rounds, plannedEvaluations: plan.evaluations, augmentation: AUGMENTATION },
  });
  if (plan.rounds === 0 && s.iterations > 0) {
    ctx.emit({ type: 'log', level: 'warn', message: `NAO: a budget of ${ctx.config.budget} covers only the initial pool of ${poolBound}${rescore ? ' and no round of NAO-WS, which re-scores the whole pool every round' : ''}; raise the budget or lower initialPool to see NAO search` });
  }

  const pool: PoolEntry[] = [];
  const inPool = new Set<string>();
  const add = (e: PoolEntry) => {
    pool.push(e);
    inPool.add(e.arch);
  };
  const summary = (e: PoolEntry): NaoPoolSummary => ({ arch: e.arch, score: e.candidate.score, candidateIndex: e.candidate.index, iterationAdded: e.iterationAdded, origin: e.origin });
  const best = (entries: PoolEntry[]) => entries.reduce((a, b) => (better(b.candidate.score, a.candidate.score) ? b : a));
  const emitPool = (iteration: number, added: number) => {
    emit({ kind: 'pool', data: { iteration, size: pool.length, added, evaluationsUsed: log.spent, best: summary(best(pool)), bestInitial: summary(best(pool.filter((e) => e.iterationAdded === 0))) } });
  };
  const wsPaths = ctx.rng.fork('nao/ws-paths');
  const trainSupernet = async (cells: Nb201Cell[], iteration: number) => {
    if (!supernet || s.wsStepsPerIteration === 0) return;
    ctx.emit({ type: 'phase', phase: 'supernet', detail: `NAO-WS round ${iteration}: ${s.wsStepsPerIteration} supernet steps, each on a cell drawn uniformly from the pool of ${cells.length}`, total: s.wsStepsPerIteration });
    await supernet.train(ctx, s.wsStepsPerIteration, () => wsPaths.choice(cells));
  };

  // Iteration 0: the initial random pool.
  const sampler = ctx.rng.fork('nao/pool');
  const initial: Nb201Cell[] = [];
  const drawn = new Set<string>();
  for (let tries = 0; initial.length < poolBound && tries < 100 * poolBound; tries++) {
    const cell = sampleCell(sampler, codec.ops);
    const arch = formatCell(cell);
    if (!drawn.has(arch)) {
      drawn.add(arch);
      initial.push(cell);
    }
  }
  ctx.emit({ type: 'phase', phase: 'search', detail: `NAO: evaluating an initial pool of ${initial.length} random cells`, total: ctx.config.budget });
  await trainSupernet(initial, 0);
  for (const cell of initial) {
    const candidate = await log.evaluate(cell, 'nao initial random pool');
    add({ cell, arch: candidate.arch, tokens: codec.encode(cell), candidate, iterationAdded: 0, origin: candidate.origin });
  }
  emitPool(0, pool.length);

  const model = new EncoderPredictorDecoder(
    { vocab: codec.vocab, seqLen: SEQ_LEN, embeddingSize: s.embeddingSize, hiddenSize: s.hiddenSize, mlpLayers: s.mlpLayers, mlpHidden: s.mlpHidden, mlpDropout: s.mlpDropout, decodeMask: codec.opMask() },
    ctx.rng.fork('nao/init'),
  );
  const trainRng = ctx.rng.fork('nao/train');
  const holdoutTau: { iteration: number; tau: number }[] = [];
  const acceptedByEta = new Map<number, number>();
  let iterationsRun = 0;
  let etaShortRounds = 0;
  try {
    for (let it = 1; it <= s.iterations; it++) {
      const remaining = log.budget - log.spent;
      const quota = Math.min(s.newPerIteration, remaining - (rescore ? pool.length : 0));
      if (quota <= 0) {
        ctx.emit({
          type: 'log',
          level: 'info',
          message:
            remaining > 0
              ? `NAO stopped after ${it - 1} round(s) with ${remaining} of ${log.budget} evaluations left: a round re-scores the pool of ${pool.length} first (NAO-WS), which the rest cannot pay for`
              : `NAO: budget spent after ${it - 1} round(s) (${log.spent}/${log.budget} evaluations)`,
        });
        break;
      }
      const scored = pool.filter((e) => Number.isFinite(e.candidate.score));
      if (scored.length < 2) {
        ctx.emit({ type: 'log', level: 'warn', message: 'NAO: fewer than two scored cells; the predictor has nothing to learn from' });
        break;
      }

      // Train the encoder–predictor–decoder on the pool (warm start), targets scaled to [0, 1].
      const { norm, toScore, range } = targetScale(scored.map((e) => e.candidate.score), s.targets);
      const tokens: number[][] = [];
      const targets: number[] = [];
      for (const e of scored) {
        tokens.push(e.tokens);
        targets.push(norm(e.candidate.score));
        const twin = s.augment ? equivalentTwin(e.cell) : null;
        if (twin) {
          tokens.push(codec.encode(twin));
          targets.push(norm(e.candidate.score));
        }
      }
      const epochs = it === 1 ? s.epochs : s.warmEpochs;
      ctx.emit({ type: 'phase', phase: 'search', detail: `NAO round ${it}: training the encoder–predictor–decoder on ${scored.length} cells (${tokens.length} sequences) for ${epochs} epochs${it > 1 ? ', from the previous round’s weights' : ''}` });
      const finalLoss = await trainEpd(
        model,
        tokens,
        targets,
        { epochs, batchSize: s.batchSize, lr: s.lr, weightDecay: s.weightDecay, gradClip: s.gradClip, lambda: s.lambda, reportEvery: 5 },
        trainRng,
        () => ctx.checkpoint(),
        (rows) => emit({ kind: 'loss', data: { iteration: it, rows } }),
      );

      // Where the pool sits in the continuous space, how well the predictor fits, what decodes back.
      const fit = await encodePredictDecode(model, scored.map((e) => e.tokens));
      const pca = fitPca(fit.embeddings, s.hiddenSize);
      const xy = project(pca, fit.embeddings);
      const predicted = Array.from(fit.predicted, toScore);
      let tokenHits = 0;
      const reconstructed = scored.map((e, i) => {
        let same = true;
        for (let t = 0; t < SEQ_LEN; t++) {
          if (fit.tokens[i * SEQ_LEN + t] === e.tokens[t]) tokenHits++;
          else same = false;
        }
        return same;
      });
      const order = scored.map((_, i) => i).sort((a, b) => scored[b].candidate.score - scored[a].candidate.score || scored[a].candidate.index - scored[b].candidate.index);
      const seedIdx = order.slice(0, Math.min(s.topK, scored.length));
      const isSeed = new Set(seedIdx);
      const points: NaoPoolPoint[] = scored.map((e, i) => ({
        arch: e.arch,
        candidateIndex: e.candidate.index,
        x: xy[i][0],
        y: xy[i][1],
        score: e.candidate.score,
        predicted: predicted[i],
        iterationAdded: e.iterationAdded,
        origin: e.origin,
        seed: isSeed.has(i),
        reconstructed: reconstructed[i],
      }));
      const measured = scored.map((e) => e.candidate.score);
      emit({
        kind: 'embedding',
        data: {
          iteration: it,
          explained: pca.explained,
          points,
          fit: {
            pairwise: pairwiseAccuracy(predicted, measured),
            tau: kendallTau(predicted, measured),
            reconstructionTokens: tokenHits / (scored.length * SEQ_LEN),
            reconstructionCells: reconstructed.filter(Boolean).length / scored.length,
            finalLoss,
          },
          scoreRange: range,
          trainingCells: tokens.length,
        },
      });

      // Move the top-k seeds along the predictor's gradient and decode, η = step, 2·step, …
      ctx.emit({ type: 'phase', phase: 'search', detail: `NAO round ${it}: moving the top ${seedIdx.length} cells along the predictor's gradient, looking for ${quota} new cells` });
      const seeds: Seed[] = seedIdx.map((i) => ({ arch: scored[i].arch, tokens: scored[i].tokens, candidateIndex: scored[i].candidate.index, score: scored[i].candidate.score, predicted: predicted[i], x: xy[i][0], y: xy[i][1] }));
      const gen = await generate(model, codec, seeds, pca, { quota, etaStep: s.etaStep, etaMax: s.etaMax, inPool: (a) => inPool.has(a), toScore, checkpoint: () => ctx.checkpoint() });
      const fresh = gen.accepted.length > 0 ? await encodePredictDecode(model, gen.accepted.map((a) => a.tokens)) : null;
      const accepted = gen.accepted.map((a, i) => ({ ...a, predicted: toScore(fresh!.predicted[i]), cell: codec.decode(a.tokens) }));
      for (const a of accepted) acceptedByEta.set(a.eta, (acceptedByEta.get(a.eta) ?? 0) + 1);
      emit({
        kind: 'generation',
        data: {
          iteration: it,
          quota: gen.quota,
          etaReached: gen.etaReached,
          stoppedBecause: gen.stoppedBecause,
          trajectories: gen.trajectories,
          accepted: accepted.map((a) => ({ arch: a.arch, eta: a.eta, seedArch: seeds[a.seed].arch, predictedAtMove: a.predictedAtMove, predicted: a.predicted, x: a.x, y: a.y })),
          reproducedSeedByEta: gen.reproducedSeedByEta,
        },
      });
      if (gen.accepted.length < quota) {
        ctx.emit({ type: 'log', level: 'info', message: `NAO round ${it}: η reached its cap (${s.etaMax}) with ${gen.accepted.length} of ${quota} new cells` });
        etaShortRounds++;
      }
      emit({ kind: 'landscape', data: { iteration: it, ...(await landscape(model, pca, points, gen.trajectories, s.landscapeGrid, toScore)) } });

      // Evaluate the new cells and add them to the pool (NAO-WS: train the shared weights on the grown pool, re-score it).
      const origin = (a: (typeof accepted)[number]) => `nao η=${a.eta} from #${seeds[a.seed].candidateIndex} (round ${it})`;
      const before = pool.length;
      const fresh2: { arch: string; candidateIndex: number; predicted: number; measured: number }[] = [];
      if (mode === 'ws') {
        await trainSupernet([...pool.map((e) => e.cell), ...accepted.map((a) => a.cell)], it);
        if (rescore) for (const e of pool) e.candidate = await log.evaluate(e.cell, `nao-ws re-score (round ${it})`);
      }
      if (accepted.length > 0) ctx.emit({ type: 'phase', phase: 'search', detail: `NAO round ${it}: evaluating ${accepted.length} new cells` });
      for (const a of accepted) {
        const candidate = await log.evaluate(a.cell, origin(a));
        add({ cell: a.cell, arch: a.arch, tokens: a.tokens, candidate, iterationAdded: it, origin: candidate.origin });
        fresh2.push({ arch: a.arch, candidateIndex: candidate.index, predicted: a.predicted, measured: candidate.score });
      }
      const tau = kendallTau(fresh2.map((p) => p.predicted), fresh2.map((p) => p.measured));
      holdoutTau.push({ iteration: it, tau });
      emit({ kind: 'holdout', data: { iteration: it, points: fresh2, tau, pairwise: pairwiseAccuracy(fresh2.map((p) => p.predicted), fresh2.map((p) => p.measured)) } });
      emitPool(it, pool.length - before);
      iterationsRun = it;
    }
  } finally {
    model.dispose();
  }

  // Ending before the budget is the method working as designed, but a class needs to hear why.
  if (log.spent < log.budget && iterationsRun === s.iterations) {
    const eta = etaShortRounds > 0 ? `; in ${etaShortRounds} of them η reached its cap (${s.etaMax}) before the round's quota of new cells was found` : '';
    ctx.emit({ type: 'log', level: 'info', message: `NAO ended at ${log.spent}/${log.budget} evaluations: all ${s.iterations} rounds (the iterations setting) have run${eta}` });
  }
  const pick = best(pool);
  const bestInitial = best(pool.filter((e) => e.iterationAdded === 0));
  emit({
    kind: 'summary',
    data: {
      iterationsRun,
      final: summary(pick),
      fromInitialPool: pick.iterationAdded === 0,
      bestInitial: summary(bestInitial),
      acceptedByEta: [...acceptedByEta.entries()].sort((a, b) => a[0] - b[0]).map(([eta, count]) => ({ eta, count })),
      holdoutTau,
    },
  });
  await reportFinal(ctx, evaluator, pick.candidate);
}

/** Higher wins; a NaN score never does. */
function better(a: number, b: number): boolean {
  return Number.isFinite(a) && (!Number.isFinite(b) || a > b);
}


/**
 * The predictor over the 2-D plane: each grid point is mapped back through the projection's
 * inverse, re-normalised onto the unit sphere the embeddings live on, and scored by f. The
 * plane is a slice through a high-dimensional space, so this is a picture, not the whole truth.
 */
async function landscape(
  model: EncoderPredictorDecoder,
  pca: Projection,
  points: { x: number; y: number }[],
  trajectories: { steps: { x: number; y: number }[] }[],
  n: number,
  toScore: (f: number) => number,
) {
  const xs = [...points.map((p) => p.x), ...trajectories.flatMap((t) => t.steps.map((p) => p.x))];
  const ys = [...points.map((p) => p.y), ...trajectories.flatMap((t) => t.steps.map((p) => p.y))];
  const pad = (lo: number, hi: number): [number, number] => {
    const m = Math.max((hi - lo) * 0.08, 1e-3);
    return [lo - m, hi + m];
  };
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const grid: [number, number][] = [];
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) grid.push([x0 + ((i + 0.5) * (x1 - x0)) / n, y0 + ((j + 0.5) * (y1 - y0)) / n]);
  const f = await predictAt(model, unproject(pca, grid), pca.dim);
  return { x0, x1, y0, y1, nx: n, ny: n, values: Array.from(f, toScore) };
}
