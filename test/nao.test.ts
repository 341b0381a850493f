import { payloadProblems } from './helpers';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetFromDisk, useCpuBackend } from '../src/cli/nodeIo';
import { NB201_CSV, nb201Present } from '../scripts/lib/tables';
import { withDefaults, type RunConfig } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import { Rng } from '../src/engine/core/rng';
import { RunController } from '../src/engine/core/runLoop';
import { parseBenchmarkCsv, type BenchmarkTable } from '../src/engine/evaluate/table';
import { equivalentTwin, SEQ_LEN, TokenCodec } from '../src/engine/methods/nao/encoding';
import type { NaoEmbeddingData, NaoGenerationData, NaoPoolData, NaoSummaryData } from '../src/engine/methods/nao/events';
import { encodePredictDecode, SeedMover } from '../src/engine/methods/nao/infer';
import { EncoderPredictorDecoder } from '../src/engine/methods/nao/model';
import { fitPca, jacobiEigen, project, unproject } from '../src/engine/methods/nao/pca';
import { NAO_DEFAULTS, parseNaoSettings } from '../src/engine/methods/nao/settings';
import { targetScale } from '../src/engine/methods/nao/targets';
import { trainEpd } from '../src/engine/methods/nao/train';
import { installFastCpuKernels } from '../src/engine/nn/cpuKernels';
import { runSearch } from '../src/engine/run';
import { cellAt, formatCell, NB201_OPS, type Nb201Cell, parseCell, sampleCell, validateCell } from '../src/engine/spaces/nb201';

const TABLE_PATH = NB201_CSV;
const hasTable = nb201Present('the NAO tests on the NAS-Bench-201 table');

beforeAll(async () => {
  installFastCpuKernels();
  await useCpuBackend(); // tf.setBackend('cpu'), without tfjs's hint about tfjs-node
});

const codec = new TokenCodec(NB201_OPS);

function smallModel(seed: number, c = codec, hiddenSize = 24) {
  return new EncoderPredictorDecoder(
    { vocab: c.vocab, seqLen: SEQ_LEN, embeddingSize: 12, hiddenSize, mlpLayers: 2, mlpHidden: 32, mlpDropout: 0.1, decodeMask: c.opMask() },
    new Rng(seed),
  );
}

function uniqueCells(n: number, rng: Rng): Nb201Cell[] {
  const seen = new Map<string, Nb201Cell>();
  while (seen.size < n) {
    const c = sampleCell(rng);
    seen.set(formatCell(c), c);
  }
  return [...seen.values()];
}

describe('NAO encoding', () => {
  it('round-trips every cell through tokens 1…|ops|', () => {
    for (const i of [0, 1, 777, 15624]) {
      const cell = cellAt(i);
      const t = codec.encode(cell);
      expect(t).toHaveLength(SEQ_LEN);
      expect(t.every((x) => x >= 1 && x < codec.vocab)).toBe(true);
      expect(formatCell(codec.decode(t))).toBe(formatCell(cell));
    }
    expect(codec.vocab).toBe(1 + NB201_OPS.length);
  });

  it('the equivalent twin swaps nodes 1 and 2 only when edge 1→2 is none', () => {
    const cell: Nb201Cell = { ops: ['nor_conv_3x3', 'skip_connect', 'none', 'avg_pool_3x3', 'nor_conv_1x1', 'none'] };
    expect(equivalentTwin(cell)!.ops).toEqual(['skip_connect', 'nor_conv_3x3', 'none', 'avg_pool_3x3', 'none', 'nor_conv_1x1']);
    expect(equivalentTwin(equivalentTwin(cell)!)!.ops).toEqual(cell.ops);
    expect(equivalentTwin({ ops: ['nor_conv_3x3', 'skip_connect', 'skip_connect', 'none', 'none', 'none'] })).toBeNull();
    expect(equivalentTwin({ ops: ['skip_connect', 'skip_connect', 'none', 'none', 'none', 'none'] })).toBeNull();
  });
});

describe('NAO settings and PCA', () => {
  it('parses defaults and names every bad field', () => {
    expect(parseNaoSettings(undefined)).toEqual(NAO_DEFAULTS);
    expect(parseNaoSettings({ lambda: 0.5 }).lambda).toBe(0.5);
    // One error naming every bad field, each with its value.
    const message = (() => {
      try {
        parseNaoSettings({ lambda: 2, topK: 0, nope: 1 });
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    })();
    expect(message).toMatch(/lambda must be .*\(got 2\)/);
    expect(message).toMatch(/topK must be .*\(got 0\)/);
    expect(message).toContain('unknown setting "nope"');
    expect(() => parseNaoSettings({ augment: 'yes' })).toThrow(/augment/);
    expect(parseNaoSettings({ targets: 'minmax' }).targets).toBe('minmax');
    expect(() => parseNaoSettings({ targets: 'ranked' })).toThrow(/targets must be "minmax" or "rank"/);
  });

  it('target scales: minmax is linear, rank spreads the pool evenly; both invert monotonically', () => {
    const scores = [10, 88, 89, 91, 89];
    const mm = targetScale(scores, 'minmax');
    expect(mm.norm(10)).toBe(0);
    expect(mm.norm(91)).toBe(1);
    expect(mm.norm(88)).toBeCloseTo(78 / 81, 12); // the outlier squeezes the useful cells together
    expect(mm.toScore(mm.norm(89))).toBeCloseTo(89, 12);
    const rk = targetScale(scores, 'rank');
    expect(scores.map(rk.norm)).toEqual([0, 0.25, 0.625, 1, 0.625]); // the two 89s share ranks 2 and 3
    expect(rk.toScore(0)).toBe(10);
    expect(rk.toScore(1)).toBe(91);
    expect(rk.toScore(0.25)).toBe(88);
    expect(rk.toScore(0.125)).toBeCloseTo(49, 12);
    const grid = Array.from({ length: 21 }, (_, i) => rk.toScore(i / 20));
    for (let i = 1; i < grid.length; i++) expect(grid[i]).toBeGreaterThanOrEqual(grid[i - 1]);
    expect(rk.range).toEqual([10, 91]);
    expect(targetScale([5, 5], 'rank').norm(5)).toBe(0.5); // no spread: the middle, as minmax does
  });

  it('Jacobi finds the eigenpairs; the projection keeps the main axes', () => {
    const { values } = jacobiEigen([Float64Array.from([2, 1, 0]), Float64Array.from([1, 2, 0]), Float64Array.from([0, 0, 5])]);
    expect([...values].sort((a, b) => a - b).map((v) => +v.toFixed(9))).toEqual([1, 3, 5]);
    const r = new Rng(3);
    const dim = 5;
    const rows = new Float32Array(200 * dim);
    for (let i = 0; i < 200; i++) {
      const a = r.normal() * 3;
      const b = r.normal();
      rows.set([a, b, 0.01 * r.normal(), 1 + 0.01 * r.normal(), -a], i * dim);
    }
    const p = fitPca(rows, dim);
    expect(p.explained[0] + p.explained[1]).toBeGreaterThan(0.99);
    const back = unproject(p, project(p, rows.subarray(0, dim)));
    for (let d = 0; d < dim; d++) expect(back[d]).toBeCloseTo(rows[d], 1);
  });
});

describe('NAO encoder–predictor–decoder', () => {
  const pool = uniqueCells(16, new Rng(11));
  const tokens = pool.map((c) => codec.encode(c));
  const targets = pool.map((_, i) => i / (pool.length - 1));
  let model: EncoderPredictorDecoder;

  beforeAll(async () => {
    model = smallModel(5);
    const rows: number[] = [];
    await trainEpd(model, tokens, targets, { epochs: 120, batchSize: 16, lr: 3e-3, weightDecay: 1e-4, gradClip: 5, lambda: 0.5, reportEvery: 40 }, new Rng(6), async () => {}, (r) => rows.push(...r.map((x) => x.loss)));
    expect(rows).toHaveLength(120);
    expect(rows[rows.length - 1]).toBeLessThan(rows[0]);
  });

  it('reconstructs its training pool (token accuracy ≥ 95%)', async () => {
    const d = await encodePredictDecode(model, tokens);
    let hits = 0;
    tokens.forEach((t, i) => t.forEach((tok, j) => (hits += d.tokens[i * SEQ_LEN + j] === tok ? 1 : 0)));
    expect(hits / (tokens.length * SEQ_LEN)).toBeGreaterThanOrEqual(0.95);
  });

  it('a small gradient step does not lower the prediction: f(e′) ≥ f(e)', async () => {
    const before = await encodePredictDecode(model, tokens);
    const mover = new SeedMover(model, tokens);
    try {
      for (const eta of [0.01, 0.1]) {
        const after = await mover.move(eta);
        for (let i = 0; i < tokens.length; i++) expect(after.predicted[i]).toBeGreaterThanOrEqual(before.predicted[i] - 1e-6);
      }
      // At η = 0 the move is the identity: same embedding, same decode.
      const still = await mover.move(0);
      for (let i = 0; i < before.embeddings.length; i++) expect(still.embeddings[i]).toBeCloseTo(before.embeddings[i], 5);
      expect(Array.from(still.tokens)).toEqual(Array.from(before.tokens));
    } finally {
      mover.dispose();
    }
  });

  it('every decode is a valid cell, however far the seed is pushed', async () => {
    const mover = new SeedMover(model, tokens);
    try {
      for (const eta of [1, 10, 100, 1e4]) {
        const d = await mover.move(eta);
        for (let i = 0; i < tokens.length; i++) {
          const cell = codec.decode(d.tokens.subarray(i * SEQ_LEN, (i + 1) * SEQ_LEN));
          expect(validateCell(cell)).toBeNull();
        }
      }
    } finally {
      mover.dispose();
    }
    // An untrained model over a three-op space decodes only those ops.
    const sub = new TokenCodec(['none', 'skip_connect', 'nor_conv_3x3']);
    const m = smallModel(9, sub);
    try {
      const d = await encodePredictDecode(m, [[1, 2, 3, 1, 2, 3], [3, 3, 3, 3, 3, 3]]);
      expect(Array.from(d.tokens).every((t) => t >= 1 && t <= 3)).toBe(true);
    } finally {
      m.dispose();
    }
  });

  it('training leaks no tensors', async () => {
    const n0 = tf.memory().numTensors;
    await trainEpd(model, tokens, targets, { epochs: 3, batchSize: 5, lr: 1e-3, weightDecay: 1e-4, gradClip: 5, lambda: 0.8, reportEvery: 2 }, new Rng(7), async () => {}, () => {});
    const mover = new SeedMover(model, tokens);
    await mover.move(2);
    mover.dispose();
    await encodePredictDecode(model, tokens);
    expect(tf.memory().numTensors).toBe(n0);
    model.dispose();
  });
});

const TINY = { initialPool: 8, iterations: 3, newPerIteration: 3, topK: 4, epochs: 12, warmEpochs: 6, batchSize: 16, hiddenSize: 16, embeddingSize: 8, mlpHidden: 16, mlpLayers: 2, etaMax: 20, landscapeGrid: 6 };

async function record(config: RunConfig, res: Parameters<typeof runSearch>[1], onEvent?: (e: RunEvent) => void): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  await runSearch(config, res, new RunController(), (e) => {
    events.push(e);
    onEvent?.(e);
  });
  return events;
}

const nao = (events: RunEvent[], kind: string) => events.filter((e) => e.type === 'method' && e.method === 'nao' && e.kind === kind).map((e) => (e as { data: unknown }).data);
const untimed = (events: RunEvent[]) => events.map(({ t: _t, ...rest }) => rest);

describe.skipIf(!hasTable)('NAO on the NAS-Bench-201 table', () => {
  let table: BenchmarkTable;
  beforeAll(() => {
    table = parseBenchmarkCsv(readFileSync(TABLE_PATH, 'utf8'), 'nb201_cifar10');
  });
  const config = (seed: number) => withDefaults({ method: 'nao', evaluator: 'table', budget: 17, seed, table: { source: 'nb201_cifar10', searchColumn: 'c10_valid_acc', reportColumn: 'c10_test_acc' }, methodSettings: { nao: TINY } });

  it('runs through runSearch with nothing but a config, reproducibly, with flat tensor memory', async () => {
    const n0 = tf.memory().numTensors;
    const atPool: number[] = [];
    const a = await record(config(4), { table }, (e) => {
      if (e.type === 'method' && e.kind === 'pool') atPool.push(tf.memory().numTensors);
    });
    expect(a.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    expect(a.filter((e) => e.type === 'log' && e.level === 'warn' && /outlived/.test(e.message))).toEqual([]);
    // As an imported file or saved run carries them, every method event passes its payload schema.
    const payloads = payloadProblems(a);
    expect(payloads.problems).toEqual([]);
    expect(payloads.checked).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(n0);
    // After round 1 the model's variables exist; nothing may accumulate from round to round.
    expect(atPool.length).toBe(4);
    expect(new Set(atPool.slice(1)).size).toBe(1);

    const candidates = a.filter((e) => e.type === 'candidate');
    expect(candidates.length).toBeLessThanOrEqual(17);
    expect(new Set(candidates.map((c) => (c as { arch: { arch: string } }).arch.arch)).size).toBe(candidates.length);
    const gens = nao(a, 'generation') as NaoGenerationData[];
    expect(gens.length).toBeGreaterThan(0);
    for (const g of gens) {
      for (const t of g.trajectories) for (const s of t.steps) expect(parseCell(s.arch).ok).toBe(true);
      expect(g.accepted.length).toBeLessThanOrEqual(g.quota);
    }
    const emb = nao(a, 'embedding') as NaoEmbeddingData[];
    expect(emb[0].points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
    const land = nao(a, 'landscape') as { values: number[]; nx: number; ny: number }[];
    expect(land[0].values).toHaveLength(land[0].nx * land[0].ny);
    const pool = nao(a, 'pool') as NaoPoolData[];
    const summary = nao(a, 'summary')[0] as NaoSummaryData;
    const final = a.find((e) => e.type === 'final')!;
    expect(final).toMatchObject({ arch: { arch: summary.final.arch } });
    expect(summary.final.score).toBe(pool.at(-1)!.best.score);

    const b = await record(config(4), { table });
    expect(untimed(b)).toEqual(untimed(a));
    const c = await record(config(5), { table });
    expect(untimed(c)).not.toEqual(untimed(a));
  });
});

describe('NAO-WS on the supernet', () => {
  it('trains the shared weights on the pool and re-scores it every round', async () => {
    const dataset = await loadDatasetFromDisk('digits');
    const cfg = withDefaults({
      method: 'nao',
      evaluator: 'supernet',
      dataset: 'digits',
      budget: 40,
      seed: 2,
      supernet: { steps: 4, batchSize: 16, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, evalBatch: 32 },
      final: { enabled: false, epochs: 1, batchSize: 16, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
      methodSettings: { nao: { ...TINY, initialPool: 5, iterations: 2, newPerIteration: 2, epochs: 4, warmEpochs: 2, wsStepsPerIteration: 3 } },
    });
    const n0 = tf.memory().numTensors;
    const ev = await record(cfg, { dataset });
    expect(ev.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    expect(tf.memory().numTensors).toBe(n0);
    const origins = ev.filter((e) => e.type === 'candidate').map((e) => (e as { origin: string }).origin);
    expect(origins.filter((o) => o.startsWith('nao initial'))).toHaveLength(5);
    expect(origins.filter((o) => o.startsWith('nao-ws re-score (round 1)'))).toHaveLength(5);
    const plan = nao(ev, 'plan')[0] as { mode: string };
    expect(plan.mode).toBe('ws');
    // Steps of the supernet: 4 warm-up + 3 on the initial pool + 3 per round.
    const trainSteps = ev.filter((e) => e.type === 'train' && e.phase === 'supernet').length;
    expect(trainSteps).toBe(4 + 3 + 3 * 2);
  });
});
