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
import { accuracy, cosineLr, crossEntropy, DeviceData, evaluateSplit, l2, MetricBuffer, recipeText, type TrainedResult } from '../nn/trainer';
import { formatCell, type Nb201Cell } from '../spaces/nb201';
import type { Evaluation, Evaluator, EvaluatorState, FinalReport } from './types';





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
  /** Called with the trained network before it is freed (the final retrain hands its weights over here). */
  onTrained?: (net: CellNetwork) => Promise<void>,
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
    await onTrained?.(net);
    return result;
  } finally {
    metrics.dispose();
    updater.discard();
    opt.dispose();
    net.dispose();
  }
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

  // Each candidate trains from scratch from its own stream: the only state is how many came before.
  async snapshot(): Promise<EvaluatorState> {
    return { weights: [] };
  }

  async restore(): Promise<void> {
    this.data = new DeviceData(this.dataset);
  }

  replayed(): void {
    this.count++;
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
  const keep = ctx.keepRetrained;
  const onTrained = keep && (async (net: CellNetwork) => keep({ space: 'nb201', arch: formatCell(cell), macro: { ...macro, inputShape: [...macro.inputShape] }, weights: await net.store.read() }));
  const r = await trainStandalone(ctx, cell, s, data, macro, ctx.rng.fork(`final/${formatCell(cell)}`), 'final', true, onTrained);
  return {
    metrics: { testAcc: r.testAcc!, valAcc: r.valAcc, testLoss: r.testLoss!, valLoss: r.valLoss, trainLoss: r.trainLoss },
    cost: nb201Cost(cell, macro),
    recipe: recipeText(s),
  };
}
