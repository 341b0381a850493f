import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { withDefaults, type RunConfig } from '../src/engine/core/config';
import type { RunEvent, Untimed } from '../src/engine/core/events';
import { RunController } from '../src/engine/core/runLoop';
import { Rng } from '../src/engine/core/rng';
import type { Dataset } from '../src/engine/data/datasets';
import { DeviceData } from '../src/engine/nn/trainer';
import { admission, type BoardCandidate, PriorityBoard } from '../src/engine/methods/cream/board';
import type { BoardData, FinalPickData, StepsData } from '../src/engine/methods/cream/events';
import { randomOfSimilarFlops } from '../src/engine/methods/cream/final';
import { creamLoss, softCrossEntropy } from '../src/engine/methods/cream/losses';
import { creamRankingScores } from '../src/engine/methods/cream/ranking';
import { creamSpace, runCream } from '../src/engine/methods/cream/run';
import type { RetrainedNetwork } from '../src/engine/core/formats';
import { opCounts, samplePath } from '../src/engine/methods/cream/sampling';
import { type CreamSettingsInput, checkCreamSettings, defaultCreamSettings, mergeCreamSettings } from '../src/engine/methods/cream/settings';
import { CreamSupernet, lookaheadGradient, pathVariables } from '../src/engine/methods/cream/supernet';
import { installFastDepthwiseKernels } from '../src/engine/nn/cpuKernelsDepthwise';
import { setFusedBatchNormEnabled } from '../src/engine/nn/cpuBatchNorm';
import { fastKernelHits, resetFastKernelHits } from '../src/engine/nn/cpuKernelOverride';
import { setFusedOptimizerEnabled } from '../src/engine/nn/cpuOptim';
import { crossEntropy } from '../src/engine/nn/trainer';
import { type BlockArch, blockArchCost, formatBlockArch, layerOps, parseBlockArch, validateBlockArch } from '../src/engine/spaces/blocks';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import { cpu, untimed, payloadProblems } from './helpers';

let digits: Dataset;

/** A chain small enough for the CPU backend on a shared 2-core machine: 2 blocks, 3 layers, the default ops and skip. */
const TINY: CreamSettingsInput = {
  ops: ['mb3_k3', 'mb3_k5', 'mb6_k3', 'mb6_k5', 'skip'],
  stemChannels: 4,
  stages: [
    { channels: 4, stride: 1, layers: 2 },
    { channels: 8, stride: 2, layers: 1 },
  ],
  supernet: { steps: 16, warmup: 4, batchSize: 16, flushEvery: 4 },
  board: { size: 3, valBatch: 32 },
  meta: { every: 2, trainImages: 8, valImages: 8 },
};
const tiny = (over: CreamSettingsInput = {}) => mergeCreamSettings(mergeCreamSettings(defaultCreamSettings('digits'), TINY), over);

const quiet = { emit: () => {}, checkpoint: async () => {} };

describe('the prioritized path board', () => {
  const c = (acc: number, flops: number, arch = `a${acc}-${flops}`): BoardCandidate => ({ arch, acc, flops });
  const board = [c(90, 300), c(80, 200), c(70, 250)]; // sorted best first: the worst is 70% at 250 FLOPs

  it('admits anything while the board is not full', () => {
    expect(admission(board, 4, 5, c(10, 999))).toBe('not-full');
    expect(admission([], 1, 5, c(0, 1))).toBe('not-full');
  });

  it('on a full board: beating the worst by more than the gap, or beating it with fewer FLOPs', () => {
    expect(admission(board, 3, 5, c(75.5, 999))).toBe('gap');
    expect(admission(board, 3, 5, c(75, 999))).toBeNull(); // exactly the gap is not more than it
    expect(admission(board, 3, 5, c(71, 249))).toBe('fewer-flops');
    expect(admission(board, 3, 5, c(71, 250))).toBeNull(); // equal FLOPs are not fewer
    expect(admission(board, 3, 5, c(70, 10))).toBeNull(); // a tie on accuracy does not beat the worst
    expect(admission(board, 3, 5, c(69, 10))).toBeNull();
    expect(admission(board, 3, 0, c(70.1, 999))).toBe('gap');
  });

  it('keeps K entries sorted by accuracy (fewer FLOPs first on ties), evicting and releasing the worst', () => {
    const released: string[] = [];
    const b = new PriorityBoard<string>(3, 5, (m) => released.push(m));
    expect(b.offer(c(60, 100, 'p'), 0, 'mp').admitted).toBe('not-full');
    expect(b.offer(c(80, 300, 'q'), 1, 'mq').admitted).toBe('not-full');
    expect(b.offer(c(80, 200, 'r'), 2, 'mr').admitted).toBe('not-full');
    expect(b.entries.map((e) => e.arch)).toEqual(['r', 'q', 'p']);
    expect(b.full).toBe(true);
    // 62 beats 60 by less than the gap and costs more: turned away, memory stays with the caller.
    const no = b.offer(c(62, 150, 's'), 3, 'ms');
    expect(no).toEqual({ admitted: null, entry: null, evicted: [] });
    expect(released).toEqual([]);
    // 62 with fewer FLOPs than the worst's 100 enters and pushes p out.
    const yes = b.offer(c(62, 90, 't'), 4, 'mt');
    expect(yes.admitted).toBe('fewer-flops');
    expect(yes.evicted.map((e) => e.arch)).toEqual(['p']);
    expect(released).toEqual(['mp']);
    expect(b.entries.map((e) => [e.arch, e.acc])).toEqual([
      ['r', 80],
      ['q', 80],
      ['t', 62],
    ]);
    // A path already on the board is re-measured in place, never listed twice.
    const again = b.offer(c(95, 300, 'q'), 5, 'mq2');
    expect(again.admitted).toBe('refresh');
    expect(released).toEqual(['mp', 'mq']);
    expect(b.entries.map((e) => e.arch)).toEqual(['q', 'r', 't']);
    expect(b.entries[0].step).toBe(5);
    b.dispose();
    expect(released.sort()).toEqual(['mp', 'mq', 'mq2', 'mr', 'mt']);
  });
});

describe('path sampling and the final pick', () => {
  const space = creamSpace({ dataset: 'digits' }, tiny());

  it('draws valid paths in every mode, reproducibly from the seed', () => {
    for (const mode of ['uniform', 'prior', 'board'] as const) {
      const a = Array.from({ length: 20 }, ((r) => () => samplePath(space, r, mode, { mb6_k5: 1, skip: 1 }, []))(new Rng(3)));
      const b = Array.from({ length: 20 }, ((r) => () => samplePath(space, r, mode, { mb6_k5: 1, skip: 1 }, []))(new Rng(3)));
      expect(a.map(formatBlockArch)).toEqual(b.map(formatBlockArch));
      for (const arch of a) expect(validateBlockArch(arch, space)).toBeNull();
    }
    // The prior puts weight only on mb6_k5 and skip: layers that allow skip get one of the two, others mb6_k5.
    const r = new Rng(4);
    for (let i = 0; i < 20; i++) {
      const a = samplePath(space, r, 'prior', { mb6_k5: 1, skip: 1 }, []);
      a.blocks.forEach((ops, b) => ops.forEach((op, l) => expect(layerOps(space, b, l).includes('skip') ? ['mb6_k5', 'skip'] : ['mb6_k5']).toContain(op)));
    }
  });

  it("'board' sampling follows the board's op frequencies layer by layer", () => {
    const onBoard: BlockArch[] = Array.from({ length: 6 }, () => ({ blocks: [['mb3_k3', 'skip'], ['mb6_k5']] }));
    const counts = opCounts(space, onBoard);
    expect(counts[0][1]).toEqual({ skip: 6 });
    const r = new Rng(5);
    let hits = 0;
    for (let i = 0; i < 200; i++) if (samplePath(space, r, 'board', {}, onBoard).blocks[1][0] === 'mb6_k5') hits++;
    // (6 + 1) / (6 + 4) = 70% with add-one smoothing over the 4 ops the strided layer allows.
    expect(hits / 200).toBeGreaterThan(0.55);
    expect(hits / 200).toBeLessThan(0.85);
  });

  it('draws the random comparison path within the FLOPs tolerance of the pick', () => {
    const pick: BlockArch = { blocks: [['mb6_k3', 'mb3_k5'], ['mb6_k5']] };
    const flops = blockArchCost(pick, space).flops;
    const a = randomOfSimilarFlops(space, flops, 0.1, new Rng(6), formatBlockArch(pick));
    expect(Math.abs(blockArchCost(a, space).flops - flops) / flops).toBeLessThanOrEqual(0.1);
    expect(formatBlockArch(a)).not.toBe(formatBlockArch(pick));
  });

  it('refuses settings that cannot run, with reasons', () => {
    expect(checkCreamSettings(tiny())).toEqual([]);
    const bad = checkCreamSettings(tiny({ supernet: { warmup: 16 }, board: { size: 0, metric: 'test' as never }, ops: ['skip'] }));
    expect(bad.join('; ')).toMatch(/warm-up \(16\) must be shorter/);
    expect(bad.join('; ')).toMatch(/board size must be an integer ≥ 1/);
    expect(bad.join('; ')).toMatch(/board metric/);
    expect(bad.join('; ')).toMatch(/at least one MBConv op/);
  });
});

describe('Cream on the digits (CPU backend)', () => {
  beforeAll(async () => {
    await cpu();
    installFastDepthwiseKernels();
    digits = await loadDatasetFromDisk('digits');
  });

  it("computes the paper's loss: (ρ·KD + (2−ρ)·CE) / 2, KD the cross-entropy to the teacher's softmax at T = 1", () => {
    const logits = [
      [2, -1, 0.5],
      [0, 0.3, -2],
    ];
    const labels = [0, 2];
    const teacher = [
      [0.7, 0.2, 0.1],
      [0.1, 0.6, 0.3],
    ];
    const logSoftmax = (z: number[]) => {
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
      return z.map((v) => v - lse);
    };
    const ceHand = -logits.reduce((s, z, i) => s + logSoftmax(z)[labels[i]], 0) / 2;
    const kdHand = -logits.reduce((s, z, i) => s + logSoftmax(z).reduce((a, l, c) => a + teacher[i][c] * l, 0), 0) / 2;
    const t = tf.tensor2d(logits);
    const p = tf.tensor2d(teacher);
    const y = tf.tensor1d(labels, 'int32');
    const ce = crossEntropy(t, y);
    const kd = softCrossEntropy(t, p);
    expect(ce.dataSync()[0]).toBeCloseTo(ceHand, 5);
    expect(kd.dataSync()[0]).toBeCloseTo(kdHand, 5);
    for (const rho of [0, 0.3, 0.5, 1]) {
      const l = creamLoss(ce, kd, rho);
      expect(l.dataSync()[0]).toBeCloseTo((rho * kdHand + (2 - rho) * ceHand) / 2, 5);
      l.dispose();
    }
    [t, p, y, ce, kd].forEach((x) => x.dispose());
  });

  it("the meta network's update changes its weights, and its sign lowers the look-ahead validation loss", async () => {
    const settings = tiny({ supernet: { steps: 40, warmup: 4 } });
    const data = new DeviceData(digits);
    const before = tf.memory().numTensors;
    const sn = new CreamSupernet(creamSpace({ dataset: 'digits' }, settings), data, settings, new Rng(11));
    try {
      // Warm up and fill the board, so an entry can teach.
      while (sn.board.entries.length < settings.board.size) await sn.trainChunk(quiet);
      const r = new Rng(12);
      const student = sn.nextPath();
      const entry = sn.board.entries[0];
      const teacher = sn.archOf(entry.arch);
      const vars = pathVariables(sn.net, student);
      const xs = data.train.batch(Array.from({ length: 8 }, () => r.int(data.train.n)));
      const val = data.val.batch(Array.from({ length: 16 }, () => r.int(data.val.n)));
      const diff = sn.matchDiff(student, entry.memory);
      const eta = 0.5; // a large simulated step makes the look-ahead loss clearly depend on ρ
      const look = () => {
        const out = lookaheadGradient(sn.net, student, vars, sn.meta, diff, xs.x, teacher, val, eta);
        const v = { loss: out.lookahead.dataSync()[0], grad: out.dLossDRho.dataSync()[0], rho: out.rhoBefore.dataSync()[0] };
        [out.lookahead, out.dLossDRho, out.rhoBefore].forEach((t) => t.dispose());
        return v;
      };
      const weightsBefore = sn.meta.w.dataSync().slice();
      const first = look();
      // The weights are restored after the simulated step: measuring twice gives the same numbers.
      expect(look()).toEqual(first);
      expect(Math.abs(first.grad)).toBeGreaterThan(1e-7);

      // dL/dρ agrees with a central difference of the look-ahead loss in ρ (ρ moved by shifting M's bias).
      const eps = 0.05;
      const lossAtRho = (rho: number) => {
        const saved = sn.meta.b.dataSync()[0];
        const logit = (q: number) => Math.log(q / (1 - q));
        tf.tidy(() => sn.meta.b.assign(tf.tensor1d([saved + logit(rho) - logit(first.rho)])));
        const v = look();
        tf.tidy(() => sn.meta.b.assign(tf.tensor1d([saved])));
        return v.loss;
      };
      const numeric = (lossAtRho(first.rho + eps) - lossAtRho(first.rho - eps)) / (2 * eps);
      expect(Math.abs(numeric - first.grad)).toBeLessThan(0.15 * Math.abs(first.grad) + 1e-4);

      // One update: M moves, ρ moves against dL/dρ, and the look-ahead loss falls.
      const c = tf.scalar(first.grad);
      sn.meta.step(diff, c);
      c.dispose();
      const after = look();
      expect(Array.from(sn.meta.w.dataSync())).not.toEqual(Array.from(weightsBefore));
      expect(Math.sign(after.rho - first.rho)).toBe(-Math.sign(first.grad));
      expect(after.loss).toBeLessThan(first.loss);
      [xs.x, xs.y, val.x, val.y, diff].forEach((t) => t.dispose());
    } finally {
      sn.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });

  it('keeps tf.memory().numTensors flat over many steps with distillation and meta updates', async () => {
    const settings = tiny({ supernet: { steps: 1000, warmup: 4 } });
    const data = new DeviceData(digits);
    const before = tf.memory().numTensors;
    const space = creamSpace({ dataset: 'digits' }, settings);
    const sn = new CreamSupernet(space, data, settings, new Rng(21));
    // Every op at every layer it is allowed: all weights and momentum buffers exist after this.
    const everyOp = settings.ops.map((op) => ({ blocks: space.stages.map((st, b) => Array.from({ length: st.layers }, (_, l) => (layerOps(space, b, l).includes(op) ? op : 'mb3_k3'))) }) as BlockArch);
    await sn.trainChunk(quiet, everyOp);
    while (sn.board.entries.length < settings.board.size) await sn.trainChunk(quiet);
    await sn.trainChunk(quiet);
    const settled = tf.memory().numTensors;
    const steps: StepsData[] = [];
    const ctx = { emit: (e: Untimed<RunEvent>) => void (e.type === 'method' && e.kind === 'steps' && steps.push(e.data as StepsData)), checkpoint: async () => {} };
    for (let i = 0; i < 8; i++) await sn.trainChunk(ctx);
    expect(tf.memory().numTensors).toBe(settled);
    const rows = steps.flatMap((s) => s.rows);
    expect(rows).toHaveLength(32);
    expect(rows.every((r) => r.teacherId !== null && r.kd !== null && r.rho! > 0 && r.rho! < 1)).toBe(true);
    expect(steps.flatMap((s) => s.metas).length).toBe(16);
    sn.dispose();
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });

  const config = (seed: number, over: CreamSettingsInput = {}): RunConfig =>
    withDefaults({
      method: 'cream',
      seed,
      final: { enabled: true, epochs: 1, batchSize: 128, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
      methodSettings: { cream: mergeCreamSettings(tiny(), over) },
    });
  /** `kept` collects what the run hands the controller's onRetrained (the model export's weights). */
  const run = async (c: RunConfig, kept?: RetrainedNetwork[]) => {
    const events: RunEvent[] = [];
    const controller = new RunController();
    if (kept) controller.onRetrained = (n) => kept.push(n);
    await runCream(c, { dataset: digits }, controller, (e) => events.push(e));
    return events;
  };

  it('gives the same log with the fused CPU kernels (optimizer updates, L2, BatchNorm) as with the op chains they replace', async () => {
    resetFastKernelHits();
    const fused = await run(config(9));
    const hits = fastKernelHits();
    for (const k of ['NasSgdUpdate', 'NasL2', 'NasBatchNormPlainTrain', 'NasBatchNormPlainTrainGrad']) expect(hits[k] ?? 0, k).toBeGreaterThan(0);
    setFusedOptimizerEnabled(false);
    setFusedBatchNormEnabled(false);
    try {
      const chains = await run(config(9));
      expect(untimed(fused)).toEqual(untimed(chains));
    } finally {
      setFusedOptimizerEnabled(true);
      setFusedBatchNormEnabled(true);
    }
  });

  it('runs end to end reproducibly by seed, leaks no tensor, and reports the pick beside a random path of similar FLOPs', async () => {
    const before = tf.memory().numTensors;
    const kept: RetrainedNetwork[] = [];
    const a = await run(config(7), kept);
    expect(tf.memory().numTensors).toBe(before);
    // As an imported file or saved run carries them, every method event passes its payload schema.
    const payloads = payloadProblems(a);
    expect(payloads.problems).toEqual([]);
    expect(payloads.checked).toBeGreaterThan(0);
    const b = await run(config(7));
    const c = await run(config(8));
    expect(a.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    expect(untimed(b)).toEqual(untimed(a));
    expect(untimed(c)).not.toEqual(untimed(a));
    expect(a.some((e) => e.type === 'log' && e.message.includes('outlived'))).toBe(false);
    expect(tf.memory().numTensors).toBe(before);

    const method = (kind: string) => a.filter((e): e is Extract<RunEvent, { type: 'method' }> => e.type === 'method' && e.kind === kind).map((e) => e.data);
    const rows = (method('steps') as StepsData[]).flatMap((s) => s.rows);
    expect(rows.map((r) => r.step)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(rows.slice(0, 4).every((r) => r.phase === 'warmup' && r.kd === null && r.admitted === null)).toBe(true);
    expect(rows.slice(8).every((r) => r.teacherId !== null && r.kd !== null)).toBe(true);
    const boards = method('board') as BoardData[];
    expect(boards.at(-1)!.entries).toHaveLength(3);
    const candidates = a.filter((e) => e.type === 'candidate');
    expect(candidates.length).toBe(rows.filter((r) => r.admitted && r.admitted !== 'refresh').length);
    expect(candidates.every((e) => e.type === 'candidate' && e.arch.space === 'blocks')).toBe(true);
    const pick = method('final-pick')[0] as FinalPickData;
    const [chosen, random] = pick.entries;
    expect(chosen.role).toBe('chosen');
    expect(chosen.flops).toBeLessThanOrEqual(pick.flopsLimit);
    expect(Math.abs(random.flops - chosen.flops) / chosen.flops).toBeLessThanOrEqual(0.1);
    // One short epoch of a tiny network: the numbers exist, their size is not the point here.
    expect(Number.isFinite(chosen.testAcc) && Number.isFinite(random.testAcc)).toBe(true);
    const final = a.find((e) => e.type === 'final');
    expect(final).toMatchObject({ arch: { space: 'blocks', arch: chosen.arch } });
    // The pick's retrained weights are kept for the export, not the random path's.
    expect(kept.map((k) => k.arch)).toEqual([chosen.arch]);
  });

  it('with distillation off trains plain one-shot (no teacher, M untouched) and still keeps the board', async () => {
    const events = await run({ ...config(7, { distill: { enabled: false } }), final: { ...config(7).final, enabled: false } });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    const steps = events.filter((e) => e.type === 'method' && e.kind === 'steps').map((e) => (e as { data: StepsData }).data);
    const rows = steps.flatMap((s) => s.rows);
    expect(rows.every((r) => r.kd === null && r.teacherId === null && r.rho === null)).toBe(true);
    expect(steps.every((s) => s.metas.length === 0)).toBe(true);
    expect(rows.filter((r) => r.admitted).length).toBeGreaterThanOrEqual(3);
    expect(events.find((e) => e.type === 'final')).toMatchObject({ recipe: expect.stringContaining('disabled') });
  });

  it('refuses impossible settings with a clear message and runs nothing', async () => {
    const events = await run(config(1, { board: { size: 0 } }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'run-end', status: 'error' });
    expect((events[0] as { message: string }).message).toContain('board size must be an integer ≥ 1');
  });

  it('scores block architectures by supernet path accuracy for the bench', async () => {
    const space = creamSpace({ dataset: 'digits' }, tiny());
    const archs = ['mb3_k3-skip|mb6_k5', 'mb6_k5-mb6_k5|mb3_k3', 'mb3_k5-mb6_k3|mb6_k3'];
    for (const a of archs) expect(parseBlockArch(a, space).ok).toBe(true);
    const before = tf.memory().numTensors;
    const out = await creamRankingScores(archs, digits, 3, true, TINY);
    expect(out.scores).toHaveLength(3);
    for (const s of out.scores) expect(s).toBeGreaterThanOrEqual(0);
    expect(out.note).toContain('distillation on');
    expect(tf.memory().numTensors).toBe(before);
  });
});
