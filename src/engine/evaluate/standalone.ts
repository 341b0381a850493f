import * as tf from '@tensorflow/tfjs';
import type { StandaloneSettings } from '../core/config';
import type { Phase } from '../core/events';
import type { RunContext } from '../core/runLoop';
import type { Rng } from '../core/rng';
import { BatchSampler, type Dataset } from '../data/datasets';
import { CellNetwork } from '../nn/cellNetwork';
import { type MacroConfig, nb201Cost } from '../nn/macro';
import { RunningStatsUpdater } from '../nn/params';
import { PathSgd } from '../nn/optim';
import { accuracy, cosineLr, crossEntropy, DeviceSplit, MetricBuffer } from '../nn/trainer';
import { formatCell, type Nb201Cell } from '../spaces/nb201';
import type { Evaluation, Evaluator, FinalReport } from './types';

export function recipeText(s: StandaloneSettings): string {
  return `SGD momentum ${s.momentum} (Nesterov), lr ${s.lr} cosine to 0, weight decay ${s.weightDecay}, batch ${s.batchSize}, ${s.epochs} epoch(s), BN running stats for evaluation`;
}

export interface TrainedResult {
  trainLoss: number;
  valAcc: number;
  valLoss: number;
  testAcc?: number;
  testLoss?: number;
}

/** Device copies of the three splits, shared by every network trained in a run. */
export class DeviceData {
  readonly train: DeviceSplit;
  readonly val: DeviceSplit;
  readonly test: DeviceSplit;

  constructor(readonly dataset: Dataset) {
    const shape = dataset.info.inputShape;
    this.train = new DeviceSplit(dataset.train, shape);
    this.val = new DeviceSplit(dataset.val, shape);
    this.test = new DeviceSplit(dataset.test, shape);
  }

  dispose(): void {
    this.train.dispose();
    this.val.dispose();
    this.test.dispose();
  }
}

/** Accuracy (%) and mean loss of a network over a whole split, read back once at the end. */
export async function evaluateSplit(
  forward: (x: tf.Tensor4D) => tf.Tensor2D,
  split: DeviceSplit,
  batchSize = 512,
): Promise<{ acc: number; loss: number }> {
  const sums: tf.Tensor1D[] = [];
  for (let start = 0; start < split.n; start += batchSize) {
    const size = Math.min(batchSize, split.n - start);
    sums.push(
      tf.tidy(() => {
        const x = split.x.slice([start, 0, 0, 0], [size, -1, -1, -1]) as tf.Tensor4D;
        const y = split.y.slice([start], [size]) as tf.Tensor1D;
        const logits = forward(x);
        return tf.stack([accuracy(logits, y).mul(size), crossEntropy(logits, y).mul(size)]) as tf.Tensor1D;
      }),
    );
  }
  const total = tf.tidy(() => tf.addN(sums));
  const [accSum, lossSum] = await total.data();
  total.dispose();
  sums.forEach((s) => s.dispose());
  return { acc: (100 * accSum) / split.n, loss: lossSum / split.n };
}

/**
 * Trains one architecture from scratch with a fixed recipe: the standalone evaluator's inner loop
 * and every method's final retrain.
 */
export async function trainStandalone(
  ctx: RunContext,
  cell: Nb201Cell,
  settings: StandaloneSettings,
  data: DeviceData,
  macro: MacroConfig,
  rng: Rng,
  phase: Phase,
  withTest: boolean,
): Promise<TrainedResult> {
  const net = new CellNetwork(macro, rng.fork('init'), 'running');
  const sampler = new BatchSampler(data.train.n, settings.batchSize, rng.fork('batches'));
  const totalSteps = settings.epochs * sampler.batchesPerEpoch;
  const opt = new PathSgd(settings.lr, settings.momentum);
  const vars = net.pathVariables(cell);
  const updater = new RunningStatsUpdater(net.store);
  const metrics = new MetricBuffer(phase, ctx.emit, 10, ctx.held);
  let last = { loss: NaN, acc: NaN };
  try {
    for (let step = 0; step < totalSteps; step++) {
      await ctx.checkpoint();
      const lr = cosineLr(settings.lr, step, totalSteps);
      opt.lr = lr;
      const { x, y } = data.train.batch(sampler.next());
      let acc: tf.Scalar | null = null;
      const loss = opt.minimize(
        () => {
          const logits = net.forward(x, cell, 'train', updater);
          acc = tf.keep(accuracy(logits, y));
          return tf.add(crossEntropy(logits, y), l2(vars, settings.weightDecay)) as tf.Scalar;
        },
        vars,
      );
      updater.apply();
      x.dispose();
      y.dispose();
      const flushed = await metrics.push(step, loss, acc!, lr);
      if (flushed) last = flushed;
      if ((step + 1) % sampler.batchesPerEpoch === 0 && phase === 'final') {
        const v = await evaluateSplit((xx) => net.forward(xx, cell, 'eval'), data.val);
        ctx.emit({ type: 'val', phase, step, acc: v.acc, loss: v.loss });
      }
    }
    last = (await metrics.flush()) ?? last;
    const val = await evaluateSplit((xx) => net.forward(xx, cell, 'eval'), data.val);
    const result: TrainedResult = { trainLoss: last.loss, valAcc: val.acc, valLoss: val.loss };
    if (withTest) {
      const test = await evaluateSplit((xx) => net.forward(xx, cell, 'eval'), data.test);
      result.testAcc = test.acc;
      result.testLoss = test.loss;
    }
    return result;
  } finally {
    metrics.dispose();
    updater.discard();
    opt.dispose();
    net.dispose();
  }
}

/** ½·wd·Σ‖w‖² over conv and dense kernels (BN affine parameters are not decayed). */
export function l2(vars: tf.Variable[], wd: number): tf.Scalar {
  if (wd === 0) return tf.scalar(0);
  const kernels = vars.filter((v) => v.rank >= 2);
  return tf.mul(0.5 * wd, tf.addN(kernels.map((v) => tf.sum(tf.square(v))))) as tf.Scalar;
}

/** Scores a candidate by training it from scratch with the short standalone recipe. */
export class StandaloneEvaluator implements Evaluator<Nb201Cell> {
  readonly id = 'standalone' as const;
  readonly scoreLabel = 'val acc % (trained from scratch)';
  private data: DeviceData | null = null;
  private count = 0;

  constructor(
    private readonly dataset: Dataset,
    private readonly macro: MacroConfig,
  ) {}

  async prepare(ctx: RunContext): Promise<void> {
    this.data = new DeviceData(this.dataset);
    ctx.emit({ type: 'log', level: 'info', message: `standalone recipe: ${recipeText(ctx.config.standalone)}` });
  }

  async evaluate(cell: Nb201Cell, ctx: RunContext): Promise<Evaluation> {
    const rng = ctx.rng.fork(`standalone/${this.count++}/${formatCell(cell)}`);
    const r = await trainStandalone(ctx, cell, ctx.config.standalone, this.data!, this.macro, rng, 'search', false);
    return { score: r.valAcc, metrics: { valAcc: r.valAcc, valLoss: r.valLoss, trainLoss: r.trainLoss }, cost: nb201Cost(cell, this.macro) };
  }

  async finalize(cell: Nb201Cell, ctx: RunContext): Promise<FinalReport> {
    return finalRetrain(cell, ctx, this.data!, this.macro);
  }

  dispose(): void {
    this.data?.dispose();
    this.data = null;
  }
}

export async function finalRetrain(cell: Nb201Cell, ctx: RunContext, data: DeviceData, macro: MacroConfig): Promise<FinalReport> {
  const s = ctx.config.final;
  const r = await trainStandalone(ctx, cell, s, data, macro, ctx.rng.fork(`final/${formatCell(cell)}`), 'final', true);
  return {
    metrics: { testAcc: r.testAcc!, valAcc: r.valAcc, testLoss: r.testLoss!, valLoss: r.valLoss, trainLoss: r.trainLoss },
    cost: nb201Cost(cell, macro),
    recipe: recipeText(s),
  };
}
