import type { BlockStructure } from '../../core/formats';
import type { RunConfig } from '../../core/config';
import { blockTrainTarget, runBlockMethod } from '../blockRun';
import type { RunEvent, Untimed } from '../../core/events';
import type { RunContext, RunController } from '../../core/runLoop';
import { datasetInfo, type Dataset } from '../../data/datasets';
import { DeviceData, recipeText } from '../../nn/trainer';
import { type BlockSpace, blockArchCost, blockArchToJson, blockSpaceShape, blockSpaceSize, describeBlockSpace, formatBlockArch } from '../../spaces/blocks';
import { CREAM_METHOD, type CreamEvent, isCreamEvent, type FinalPickData, type FinalPickEntry, LOOKAHEAD_TEXT } from './events';
import { flopsLimit, flopsRange, randomOfSimilarFlops, retrainArch } from './final';
import { checkCreamSettings, type CreamSettings, creamSettingsOf } from './settings';
import { CreamSupernet } from './supernet';

/** What a Cream run needs from outside the engine: the loaded dataset. */
export interface CreamResources {
  dataset?: Dataset;
}

const method = (e: CreamEvent): Untimed<RunEvent> => ({ type: 'method', method: CREAM_METHOD, kind: e.kind, data: e.data });

/** The block space a Cream run searches: the settings' skeleton and ops on the dataset's images. */
export function creamSpace(config: Pick<RunConfig, 'dataset'>, s: CreamSettings): BlockSpace {
  const info = datasetInfo(config.dataset);
  return { inputShape: [...info.inputShape], stemChannels: s.stemChannels, stages: s.stages.map((st) => ({ ...st })), ops: [...s.ops], numClasses: info.classes.length };
}

/**
 * Runs Cream end to end — supernet warm-up, prioritized board, matching and distillation, final
 * pick under the FLOPs budget retrained from scratch beside a random path of similar FLOPs —
 * emitting the same RunEvent types as runSearch (architectures as `{ space: 'blocks', arch }`).
 * Errors become a `run-end` event with status 'error'. With `trainArch`, trains that one
 * block-space architecture from scratch instead (an imported file's "train it"), built from
 * `trainStructure` when the file carries one (blockTrainTarget).
 */
export async function runCream(config: RunConfig, res: CreamResources, controller: RunController, sink: (e: RunEvent) => void, trainArch?: string, trainStructure?: BlockStructure): Promise<void> {
  const settings = creamSettingsOf(config);
  await runBlockMethod(config, controller, sink, {
    name: 'Cream',
    dataset: res.dataset,
    trainArch,
    problems: () => checkCreamSettings(settings),
    body: (ctx, data, owned) => (trainArch !== undefined ? trainOne(ctx, settings, data, trainArch, trainStructure) : search(ctx, settings, data, owned)),
  });
}

async function search(ctx: RunContext, settings: CreamSettings, data: DeviceData, owned: { dispose(): void }[]): Promise<void> {
  const config = ctx.config;
  const space = creamSpace(config, settings);
  const s = settings.supernet;
  const range = flopsRange(space);
  const limit = flopsLimit(space, settings.final);
  const distill = settings.distill.enabled;
  ctx.emit({ type: 'phase', phase: 'setup', detail: `Cream on ${config.dataset}: ${describeBlockSpace(space)}; distillation ${distill ? 'on' : 'off (plain one-shot, SPOS-like)'}` });
  ctx.emit(
    method({
      kind: 'setup',
      data: {
        dataset: config.dataset,
        ...blockSpaceShape(space),
        spaceSize: blockSpaceSize(space),
        summary: describeBlockSpace(space),
        minFlops: range.min,
        maxFlops: range.max,
        flopsLimit: limit,
        steps: s.steps,
        warmup: s.warmup,
        batchSize: s.batchSize,
        sampling: s.sampling,
        boardSize: settings.board.size,
        gap: settings.board.gap,
        boardMetric: settings.board.metric,
        valBatch: settings.board.valBatch,
        distill,
        matchImages: settings.distill.matchImages,
        metaEvery: settings.meta.every,
        flushEvery: s.flushEvery,
        lookahead: LOOKAHEAD_TEXT,
      },
    }),
  );
  if (limit < range.min) throw new Error(`the FLOPs budget ${limit} is below the cheapest architecture (${range.min} FLOPs)`);

  const supernet = new CreamSupernet(space, data, settings, ctx.rng.fork('cream'));
  owned.push(supernet);
  ctx.emit({
    type: 'phase',
    phase: 'supernet',
    detail: `training the one-shot supernet: ${s.steps} steps of one ${s.sampling === 'uniform' ? 'uniformly sampled' : s.sampling === 'prior' ? 'prior-sampled' : 'board-frequency-sampled'} path each, the first ${s.warmup} with cross-entropy only`,
    total: s.steps,
  });
  let candidates = 0;
  const candidateIndex = new Map<string, number>();
  let opened = false;
  const trainCtx = {
    emit: (e: Untimed<RunEvent>) => {
      ctx.emit(e);
      // Every path that enters the board is a candidate of the search.
      if (isCreamEvent(e) && e.kind === 'steps') {
        for (const r of e.data.rows) {
          if (!r.admitted || r.admitted === 'refresh') continue;
          const arch = supernet.archOf(r.arch);
          candidateIndex.set(r.arch, candidates);
          ctx.emit({
            type: 'candidate',
            index: candidates++,
            arch: { space: 'blocks', arch: r.arch },
            score: r.acc,
            metrics: { supernetAcc: r.acc, step: r.step },
            cost: blockArchCost(arch, space),
            origin: `entered the board at step ${r.step} (${r.admitted === 'not-full' ? 'board not full' : r.admitted === 'gap' ? `beat the worst entry by more than ${settings.board.gap} points` : 'beat the worst entry with fewer FLOPs'})`,
          });
        }
      }
    },
    checkpoint: ctx.checkpoint,
    held: () => ctx.held?.() ?? false,
  };
  while (supernet.stepsDone < s.steps) {
    if (!opened && supernet.warm) {
      opened = true;
      ctx.emit({ type: 'log', level: 'info', message: `warm-up over after ${s.warmup} steps: the board opens${distill ? ', and its best paths start teaching' : ' (distillation is off: the board only ranks)'}` });
    }
    await supernet.trainChunk(trainCtx);
    ctx.emit({ type: 'progress', done: supernet.stepsDone, total: s.steps, unit: 'steps' });
  }
  await finalPick(ctx, settings, supernet, space, data, limit, candidateIndex);
}

async function finalPick(ctx: RunContext, settings: CreamSettings, supernet: CreamSupernet, space: BlockSpace, data: DeviceData, limit: number, candidateIndex: Map<string, number>): Promise<void> {
  const config = ctx.config;
  const board = supernet.board.entries.map((e) => ({ ...e, params: blockArchCost(supernet.archOf(e.arch), space).params }));
  if (board.length === 0) throw new Error('the board is empty: no path was offered (is the warm-up as long as the training?)');
  ctx.emit({ type: 'phase', phase: 'search', detail: `choosing the best board entry within ${limit.toLocaleString('en-US')} FLOPs` });
  const finalAccs = await supernet.scoreArchs(board.map((e) => supernet.archOf(e.arch)), settings.final.valImages);
  let chosen = board.find((e) => e.flops <= limit) ?? null;
  if (!chosen) {
    chosen = board.reduce((a, e) => (e.flops < a.flops ? e : a));
    ctx.emit({ type: 'log', level: 'warn', message: `no board entry fits the budget of ${limit} FLOPs: taking the cheapest entry (${chosen.flops} FLOPs)` });
  }
  const chosenArch = supernet.archOf(chosen.arch);
  const random = randomOfSimilarFlops(space, chosen.flops, settings.final.randomTolerance, ctx.rng.fork('cream/final/random'), chosen.arch);
  const [randomSupernet] = await supernet.scoreArchs([random], settings.final.valImages);
  const randomCost = blockArchCost(random, space);
  const pct = Math.round(settings.final.randomTolerance * 100);
  const pick: FinalPickData = {
    flopsLimit: limit,
    valImages: Math.min(settings.final.valImages, data.val.n),
    board: board.map((e, i) => ({ id: e.id, arch: e.arch, acc: e.acc, flops: e.flops, params: e.params, step: e.step, finalValAcc: finalAccs[i].acc, underBudget: e.flops <= limit })),
    chosenId: chosen.id,
    randomRule: `uniform draws until one is within ±${pct}% of the pick's FLOPs (else the closest of 5,000)`,
    recipe: config.final.enabled ? recipeText(config.final) : null,
    entries: [
      { role: 'chosen', arch: chosen.arch, flops: chosen.flops, params: chosen.params, supernetValAcc: finalAccs[board.indexOf(chosen)].acc },
      { role: 'random', arch: formatBlockArch(random), flops: randomCost.flops, params: randomCost.params, supernetValAcc: randomSupernet.acc },
    ],
  };
  const finalEvent = (metrics: Record<string, number>, recipe: string) =>
    ctx.emit({ type: 'final', arch: { space: 'blocks', arch: chosen!.arch }, candidateIndex: candidateIndex.get(chosen!.arch) ?? -1, score: chosen!.acc, metrics: { boardAcc: chosen!.acc, supernetValAcc: pick.entries[0].supernetValAcc, ...metrics }, cost: blockArchCost(chosenArch, space), recipe, structure: blockArchToJson(chosenArch, space) });
  if (!config.final.enabled) {
    ctx.emit(method({ kind: 'final-pick', data: pick }));
    finalEvent({}, 'final retrain disabled: board accuracy with shared weights only');
    return;
  }
  const results: FinalPickEntry[] = [];
  for (const [i, arch] of [chosenArch, random].entries()) {
    const e = pick.entries[i];
    ctx.emit({ type: 'phase', phase: 'final', detail: `retraining ${i === 0 ? 'the pick' : `a random path of similar FLOPs (${e.flops.toLocaleString('en-US')})`} from scratch for ${config.final.epochs} epochs: ${e.arch}` });
    const r = await retrainArch(ctx, space, arch, data, config.final, ctx.rng.fork(`cream/final/${e.arch}`), 'final', true, i === 0 ? ctx.keepRetrained : undefined);
    results.push({ ...e, testAcc: r.testAcc!, valAcc: r.valAcc });
  }
  pick.entries = results;
  ctx.emit(method({ kind: 'final-pick', data: pick }));
  const [c, r] = results;
  finalEvent({ testAcc: c.testAcc!, valAcc: c.valAcc!, randomTestAcc: r.testAcc!, randomValAcc: r.valAcc!, randomFlops: r.flops }, recipeText(config.final));
}

async function trainOne(ctx: RunContext, settings: CreamSettings, data: DeviceData, text: string, structure: BlockStructure | undefined): Promise<void> {
  const { space, arch } = blockTrainTarget(text, structure, ctx.config.dataset, () => creamSpace(ctx.config, settings));
  const name = formatBlockArch(arch);
  ctx.emit({ type: 'phase', phase: 'final', detail: `training ${name} from scratch for ${ctx.config.final.epochs} epochs` });
  const r = await retrainArch(ctx, space, arch, data, ctx.config.final, ctx.rng.fork(`cream/final/${name}`), 'final', true, ctx.keepRetrained);
  ctx.emit({
    type: 'final',
    arch: { space: 'blocks', arch: name },
    candidateIndex: -1,
    score: r.valAcc,
    metrics: { testAcc: r.testAcc!, valAcc: r.valAcc, testLoss: r.testLoss!, valLoss: r.valLoss, trainLoss: r.trainLoss },
    cost: blockArchCost(arch, space),
    recipe: recipeText(ctx.config.final),
    structure: blockArchToJson(arch, space),
  });
}
