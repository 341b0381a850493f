import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetFromDisk, REPO_ROOT } from '../src/cli/nodeIo';
import { type RunConfig, withDefaults } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import type { RetrainedNetwork } from '../src/engine/core/formats';
import { RunController } from '../src/engine/core/runLoop';
import { Rng } from '../src/engine/core/rng';
import type { Dataset } from '../src/engine/data/datasets';
import { DeviceData } from '../src/engine/nn/trainer';
import type { BlockScoresData } from '../src/engine/methods/dna/events';
import { runDna } from '../src/engine/methods/dna/run';
import { type DnaSettingsInput, defaultDnaSettings, mergeDnaSettings } from '../src/engine/methods/dna/settings';
import { StudentSupernets } from '../src/engine/methods/dna/students';
import { loadTeacherFiles, type TeacherFiles, teacherFromFiles } from '../src/engine/methods/dna/teacher';
import type { TeacherNetwork } from '../src/engine/nn/blocks/teacher';
import { installFastDepthwiseKernels } from '../src/engine/nn/cpuKernelsDepthwise';
import { blockPaths, type BlockSpace, defaultBlockSpace } from '../src/engine/spaces/blocks';
import { cpu, untimed, payloadProblems } from './helpers';
import { setFusedBatchNormEnabled } from '../src/engine/nn/cpuBatchNorm';
import { fastKernelHits, resetFastKernelHits } from '../src/engine/nn/cpuKernelOverride';
import { setFusedOptimizerEnabled } from '../src/engine/nn/cpuOptim';

let digits: Dataset;
let files: TeacherFiles;

const readPublic = async (rel: string) => new Uint8Array(await readFile(path.join(REPO_ROOT, 'public', rel)));

/** Tiny settings: 2 ops (4 paths per block), a few steps — the logic of a full run at a fraction of the cost. */
const tiny: DnaSettingsInput = {
  ops: ['mb3_k3', 'mb6_k5'],
  students: { stepsPerBlock: 12, batchSize: 8, featureEvery: 6 },
  rating: { calibration: 16, heldOut: 32 },
  final: { randomBaselines: 1 },
};

const tinyConfig = (seed: number, dna: DnaSettingsInput = tiny, final = true): RunConfig =>
  withDefaults({
    method: 'dna',
    seed,
    final: { enabled: final, epochs: 1, batchSize: 256, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
    methodSettings: { dna: dna as Record<string, unknown> },
  });

/** `kept` collects what the run hands the controller's onRetrained (the model export's weights). */
async function run(config: RunConfig, kept?: RetrainedNetwork[]): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  const controller = new RunController();
  if (kept) controller.onRetrained = (n) => kept.push(n);
  await runDna(config, { dataset: digits, teacher: files }, controller, (e) => events.push(e));
  return events;
}

const methodData = <T>(events: RunEvent[], kind: string): T[] => events.filter((e) => e.type === 'method' && e.kind === kind).map((e) => (e as { data: T }).data);
const ctxOf = (events: RunEvent[] = []) => ({ emit: (e: unknown) => events.push(e as RunEvent), checkpoint: async () => {} });

describe('DNA on the digits (CPU backend)', () => {
  let teacher: TeacherNetwork;
  let data: DeviceData;
  let space: BlockSpace;

  beforeAll(async () => {
    await cpu();
    installFastDepthwiseKernels();
    digits = await loadDatasetFromDisk('digits');
    files = await loadTeacherFiles('digits', readPublic);
    teacher = teacherFromFiles(files, new Rng(0));
    data = new DeviceData(digits);
    space = defaultBlockSpace('digits');
  });

  it('loads the shipped teacher, which classifies the digits as its manifest says', async () => {
    expect(files.manifest.dataset).toBe('digits');
    expect(files.manifest.weights.tensors.length).toBeGreaterThan(20);
    const logits = tf.tidy(() => teacher.forward(data.test.x, 'eval').argMax(1));
    const pred = await logits.data();
    logits.dispose();
    const acc = (100 * Array.from(pred).filter((p, i) => p === digits.test.y[i]).length) / digits.test.n;
    expect(acc).toBeCloseTo(files.manifest.accuracy.test, 1);
    expect(acc).toBeGreaterThan(95);
  });

  it("a student block's loss falls against the fixed teacher", async () => {
    const settings = mergeDnaSettings(defaultDnaSettings('digits'), { students: { stepsPerBlock: 60, batchSize: 16, featureEvery: 0 } });
    const st = new StudentSupernets(space, teacher, data, settings, new Rng(5));
    const events: RunEvent[] = [];
    for (let i = 0; i < 60; i++) await st.step(ctxOf(events), 2);
    await st.flush(ctxOf(events));
    st.dispose();
    const losses = methodData<{ points: { block: number; loss: number }[] }>(events, 'block-loss').flatMap((d) => d.points.map((p) => p.loss));
    expect(losses).toHaveLength(60);
    const head = losses.slice(0, 10).reduce((a, b) => a + b, 0) / 10;
    const tail = losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
    expect(tail).toBeLessThan(head * 0.6);
  });

  it('rates every path of every block exactly once, with BN recalibrated, and keeps tf.memory() flat', async () => {
    const settings = mergeDnaSettings(defaultDnaSettings('digits'), { students: { stepsPerBlock: 200, batchSize: 8, featureEvery: 10 }, rating: { calibration: 16, heldOut: 32 } });
    const st = new StudentSupernets(space, teacher, data, settings, new Rng(6));
    const ctx = ctxOf();
    // Warm-up: every op of every layer trained once, so all weights and optimiser moments exist.
    for (let i = 0; i < 20; i++) for (let b = 0; b < 3; b++) await st.step(ctx, b);
    // Rating creates each path's BatchNorm running statistics once.
    const scores0 = await st.rate(ctx, 0);
    for (let b = 1; b < 3; b++) await st.rate(ctx, b);
    await st.flush(ctx);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) for (let b = 0; b < 3; b++) await st.step(ctx, b);
    const rated: BlockScoresData[] = [];
    for (let b = 0; b < 3; b++) rated.push(await st.rate(ctx, b));
    const cal = st.calibrationInput(1);
    await st.emitFeatureMap(ctx, 1, rated[1].candidates[0].ops, 'rated', cal);
    cal.dispose();
    await st.flush(ctx);
    expect(tf.memory().numTensors).toBe(before);
    for (const r of rated) {
      const paths = blockPaths(space, r.block).map((p) => p.join('-'));
      expect(r.candidates.map((c) => c.key)).toEqual(paths);
      expect(new Set(r.candidates.map((c) => c.key)).size).toBe(16);
      expect(r.candidates.map((c) => c.index)).toEqual(paths.map((_, i) => i));
      for (const c of r.candidates) {
        expect(Number.isFinite(c.score) && c.score > 0).toBe(true);
        expect(c.mseOverVar).toBeCloseTo(c.mse / r.targetStd ** 2, 6);
      }
      expect(new Set(r.candidates.map((c) => c.score.toFixed(6))).size).toBeGreaterThan(8);
    }
    // Rating has no randomness of its own: the same weights give the same scores.
    expect(await st.rate(ctx, 2)).toEqual(rated[2]);
    expect(scores0.candidates.length).toBe(16);
    st.dispose();
  });

  it('trains the blocks the same in sequence or interleaved (each block has its own random streams)', async () => {
    const settings = (schedule: 'sequential' | 'interleaved') =>
      mergeDnaSettings(defaultDnaSettings('digits'), { ops: ['mb3_k3', 'mb6_k5'], students: { stepsPerBlock: 6, batchSize: 8, featureEvery: 0, schedule }, rating: { calibration: 16, heldOut: 32 } });
    const result = async (schedule: 'sequential' | 'interleaved') => {
      const s = settings(schedule);
      const sp = defaultBlockSpace('digits', s.ops);
      const st = new StudentSupernets(sp, teacher, data, s, new Rng(8));
      const out: BlockScoresData[] = [];
      await st.train(ctxOf(), async (b) => {
        out[b] = await st.rate(ctxOf(), b);
      });
      st.dispose();
      return out;
    };
    expect(await result('interleaved')).toEqual(await result('sequential'));
  });

  it('gives the same log with the fused CPU kernels (optimizer updates, L2, BatchNorm) as with the op chains they replace', { timeout: 300_000 }, async () => {
    resetFastKernelHits();
    const fused = await run(tinyConfig(13));
    const hits = fastKernelHits();
    for (const k of ['NasAdamUpdate', 'NasSgdUpdate', 'NasL2', 'NasBatchNormPlainTrainGrad']) expect(hits[k] ?? 0, k).toBeGreaterThan(0);
    setFusedOptimizerEnabled(false);
    setFusedBatchNormEnabled(false);
    try {
      const chains = await run(tinyConfig(13));
      expect(untimed(fused)).toEqual(untimed(chains));
    } finally {
      setFusedOptimizerEnabled(true);
      setFusedBatchNormEnabled(true);
    }
  });

  it('runs end to end: reproducible by seed, events in order, no tensor outlives the run', { timeout: 300_000 }, async () => {
    const before = tf.memory().numTensors;
    const kept: RetrainedNetwork[] = [];
    const a = await run(tinyConfig(11), kept);
    expect(a.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    // As an imported file or saved run carries them, every method event passes its payload schema.
    const payloads = payloadProblems(a);
    expect(payloads.problems).toEqual([]);
    expect(payloads.checked).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.some((e) => e.type === 'log' && e.message.includes('outlived'))).toBe(false);
    const b = await run(tinyConfig(11));
    expect(untimed(b)).toEqual(untimed(a));
    // Another seed: other batches, paths and weights (its final retrain is skipped to save time).
    const lossesOf = (ev: RunEvent[]) => methodData<{ points: { loss: number }[] }>(ev, 'block-loss').flatMap((d) => d.points.map((p) => p.loss));
    const c = await run(tinyConfig(12, tiny, false));
    expect(c.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    expect(lossesOf(c)).toHaveLength(lossesOf(a).length);
    expect(lossesOf(c)).not.toEqual(lossesOf(a));

    const kinds = a.filter((e) => e.type === 'method').map((e) => (e as { kind: string }).kind);
    expect(kinds[0]).toBe('setup');
    expect(kinds.indexOf('teacher-ready')).toBeLessThan(kinds.indexOf('block-loss'));
    expect(kinds.filter((k) => k === 'block-scores')).toHaveLength(3);
    expect(kinds.indexOf('search')).toBeGreaterThan(kinds.lastIndexOf('block-scores'));
    expect(kinds.at(-1)).toBe('final-check');
    const losses = methodData<{ points: unknown[] }>(a, 'block-loss').flatMap((d) => d.points);
    expect(losses).toHaveLength(3 * 12);
    const search = methodData<{ exact: { arch: string; cost: number }; limit: number }>(a, 'search')[0];
    expect(search.exact.cost).toBeLessThanOrEqual(search.limit);
    const final = a.find((e) => e.type === 'final');
    expect(final).toMatchObject({ type: 'final', arch: { space: 'blocks', arch: search.exact.arch }, candidateIndex: 0 });
    const candidates = a.filter((e) => e.type === 'candidate');
    expect(candidates[0]).toMatchObject({ index: 0, arch: { space: 'blocks', arch: search.exact.arch } });
    const check = methodData<{ entries: { role: string; testAcc: number }[] }>(a, 'final-check')[0];
    expect(check.entries.map((e) => e.role)).toEqual(['chosen', 'random', 'teacher']);
    // The chosen architecture's retrained weights are kept for the export, not the random baseline's.
    expect(kept.map((k) => k.arch)).toEqual([search.exact.arch]);
    // One epoch of 4 steps trains little; the numbers are real accuracies all the same.
    expect(check.entries.every((e) => e.testAcc >= 0 && e.testAcc <= 100)).toBe(true);
    expect(check.entries.find((e) => e.role === 'teacher')!.testAcc).toBeCloseTo(files.manifest.accuracy.test, 1);
  });

  it('refuses a budget no architecture meets before training anything', async () => {
    const events = await run(tinyConfig(1, { ...tiny, search: { metric: 'flops', limit: 1000, fraction: 0.5 } }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'run-end', status: 'error' });
    const msg = (events[0] as { message: string }).message;
    expect(msg).toMatch(/^cannot start: no architecture meets the budget of 1,000 FLOPs: the cheapest one costs [\d,]+ FLOPs/);
    expect(msg).toContain('Raise the budget to at least');
  });

  it('trains the teacher live when asked, and reports its accuracy curve', { timeout: 300_000 }, async () => {
    const events = await run(
      withDefaults({
        method: 'dna',
        seed: 3,
        final: { enabled: false, epochs: 1, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
        methodSettings: { dna: { ...tiny, teacher: { source: 'train', epochs: 2, batchSize: 64 }, students: { stepsPerBlock: 2, batchSize: 8, featureEvery: 0 } } },
      }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    const epochs = methodData<{ epoch: number; valAcc: number }>(events, 'teacher-epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    const curve = methodData<{ rows: { step: number }[] }>(events, 'teacher-curve').flatMap((d) => d.rows);
    expect(curve.map((r) => r.step)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    const ready = methodData<{ source: string; valAcc: number }>(events, 'teacher-ready')[0];
    expect(ready.source).toBe('train');
    expect(ready.valAcc).toBeGreaterThan(30);
    expect(events.find((e) => e.type === 'final')).toMatchObject({ recipe: 'final retrain disabled: search score only' });
  });
});
