import * as tf from '@tensorflow/tfjs';
import type { StandaloneSettings } from '../../core/config';
import type { Phase, RunEvent, Untimed } from '../../core/events';
import type { Rng } from '../../core/rng';
import type { RetrainedNetwork } from '../../core/formats';
import { type BlockArch, type BlockSpace, blockArchToJson, formatBlockArch } from '../../spaces/blocks';
import { BatchSampler } from '../../data/datasets';
import { type DeviceData, evaluateSplit, l2, type TrainedResult } from '../trainer';
import { PathSgd } from '../optim';
import { type BnRecorder, type Mode, type ParamStore, RunningStatsUpdater } from '../params';
import { accuracy, cosineLr, crossEntropy, MetricBuffer } from '../trainer';

/** A classifier over images: a block-space network on one architecture, or DNA's teacher. */
export interface Classifier {
  readonly store: ParamStore;
  forward(x: tf.Tensor4D, mode: Mode, rec?: BnRecorder): tf.Tensor2D;
  variables(): tf.Variable[];
}

export interface TrainHooks {
  phase: Phase;
  /** Receives the run's `train` / `val` events (pass ctx.emit, or a filter, or nothing). */
  emit?: (e: Untimed<RunEvent>) => void;
  /** Called after every flush of training metrics (every 10 steps) with the flushed rows. */
  onTrainRows?: (rows: { step: number; loss: number; acc: number }[]) => void;
  /** Called after each epoch with the validation accuracy (%) and loss. */
  onEpoch?: (epoch: number, step: number, val: { acc: number; loss: number }) => void;
  checkpoint: () => Promise<void>;
  withTest: boolean;
}

/**
 * Trains a classifier from scratch with the playground's standalone recipe (SGD with Nesterov
 * momentum, cosine learning rate to 0, weight decay on kernels, BN running statistics for
 * evaluation): the teacher, DNA's final retrain and the random baselines all go through this.
 */
export async function trainClassifier(net: Classifier, data: DeviceData, s: StandaloneSettings, rng: Rng, hooks: TrainHooks): Promise<TrainedResult> {
  const sampler = new BatchSampler(data.train.n, s.batchSize, rng.fork('batches'));
  const totalSteps = s.epochs * sampler.batchesPerEpoch;
  const opt = new PathSgd(s.lr, s.momentum);
  const vars = net.variables();
  const updater = new RunningStatsUpdater(net.store);
  const rows: { step: number; loss: number; acc: number }[] = [];
  const emit = (e: Untimed<RunEvent>) => {
    if (e.type === 'train') rows.push({ step: e.step, loss: e.loss, acc: e.acc });
    hooks.emit?.(e);
  };
  const metrics = new MetricBuffer(hooks.phase, emit, 10);
  const flushed = () => {
    if (rows.length > 0) hooks.onTrainRows?.(rows.splice(0));
  };
  let last = { loss: NaN, acc: NaN };
  try {
    for (let step = 0; step < totalSteps; step++) {
      await hooks.checkpoint();
      const lr = cosineLr(s.lr, step, totalSteps);
      opt.lr = lr;
      const { x, y } = data.train.batch(sampler.next());
      let acc: tf.Scalar | null = null;
      const loss = opt.minimize(() => {
        const logits = net.forward(x, 'train', updater);
        acc = tf.keep(accuracy(logits, y));
        return tf.add(crossEntropy(logits, y), l2(vars, s.weightDecay)) as tf.Scalar;
      }, vars);
      updater.apply();
      x.dispose();
      y.dispose();
      const f = await metrics.push(step, loss, acc!, lr);
      if (f) {
        last = f;
        flushed();
      }
      if ((step + 1) % sampler.batchesPerEpoch === 0 && (hooks.onEpoch || hooks.emit)) {
        const v = await evaluateSplit((xx) => net.forward(xx, 'eval'), data.val);
        hooks.emit?.({ type: 'val', phase: hooks.phase, step, acc: v.acc, loss: v.loss });
        hooks.onEpoch?.((step + 1) / sampler.batchesPerEpoch, step, v);
      }
    }
    last = (await metrics.flush()) ?? last;
    flushed();
    const val = await evaluateSplit((xx) => net.forward(xx, 'eval'), data.val);
    const result: TrainedResult = { trainLoss: last.loss, valAcc: val.acc, valLoss: val.loss };
    if (hooks.withTest) {
      const test = await evaluateSplit((xx) => net.forward(xx, 'eval'), data.test);
      result.testAcc = test.acc;
      result.testLoss = test.loss;
    }
    return result;
  } finally {
    metrics.dispose();
    updater.discard();
    opt.dispose();
  }
}

/** A trained block network as the export keeps it: its structure and every weight and running statistic, read back once. */
export async function retainedBlockNetwork(space: BlockSpace, arch: BlockArch, store: ParamStore): Promise<RetrainedNetwork> {
  return { space: 'blocks', arch: formatBlockArch(arch), structure: blockArchToJson(arch, space), weights: await store.read() };
}
