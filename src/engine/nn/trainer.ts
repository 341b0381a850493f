import * as tf from '@tensorflow/tfjs';
import { fusedL2 } from './cpuOptim';
import type { StandaloneSettings } from '../core/config';
import type { Dataset, Split } from '../data/datasets';
import type { Phase, RunEvent, Untimed } from '../core/events';

/** A split uploaded to the backend once, so a step gathers its batch on the device. */
export class DeviceSplit {
  readonly x: tf.Tensor4D;
  readonly y: tf.Tensor1D;
  readonly n: number;

  constructor(split: Split, shape: [number, number, number]) {
    this.n = split.n;
    this.x = tf.tensor4d(split.x, [split.n, ...shape]);
    this.y = tf.tensor1d(split.y, 'int32');
  }

  batch(indices: number[]): { x: tf.Tensor4D; y: tf.Tensor1D } {
    return tf.tidy(() => {
      const idx = tf.tensor1d(indices, 'int32');
      return { x: tf.gather(this.x, idx) as tf.Tensor4D, y: tf.gather(this.y, idx) as tf.Tensor1D };
    });
  }

  /** The first n examples (a fixed evaluation batch). */
  head(n: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
    const m = Math.min(n, this.n);
    return tf.tidy(() => ({
      x: this.x.slice([0, 0, 0, 0], [m, -1, -1, -1]) as tf.Tensor4D,
      y: this.y.slice([0], [m]) as tf.Tensor1D,
    }));
  }

  dispose(): void {
    this.x.dispose();
    this.y.dispose();
  }
}

export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]), logits) as tf.Scalar;
}

export function accuracy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'float32')) as tf.Scalar;
}

/** Half-cosine decay from lr to 0 over `total` steps (the NAS-Bench-201 recipe's schedule). */
export function cosineLr(lr: number, step: number, total: number): number {
  return 0.5 * lr * (1 + Math.cos((Math.PI * Math.min(step, total)) / Math.max(total, 1)));
}

/**
 * Keeps the scalar tensors of recent training steps and reads them back together, off the
 * training step: one `data()` per flush instead of one sync per step.
 */
export class MetricBuffer {
  private rows: { step: number; loss: tf.Scalar; acc: tf.Scalar; lr: number }[] = [];

  constructor(
    private readonly phase: Phase,
    private readonly emit: (e: Untimed<RunEvent>) => void,
    private readonly every = 10,
    /** True while the run is paused or single-stepping: then every step is shown at once. */
    private readonly held: () => boolean = () => false,
  ) {}

  /** Returns the last flushed values when this push triggered a flush, else null. */
  async push(step: number, loss: tf.Scalar, acc: tf.Scalar, lr: number): Promise<{ loss: number; acc: number } | null> {
    this.rows.push({ step, loss, acc, lr });
    // The first step of a training is read back at once: the chart's first point should not wait
    // for `every` steps (a class watching a cold start), and one extra read-back costs nothing.
    const first = !this.started;
    this.started = true;
    return first || this.rows.length >= this.every || this.held() ? this.flush() : null;
  }

  private started = false;

  async flush(): Promise<{ loss: number; acc: number } | null> {
    if (this.rows.length === 0) return null;
    const rows = this.rows;
    this.rows = [];
    // Padded to `every` rows with a zero made where the losses are (on the GPU: a texture, so the
    // stack stays on the GPU): every flush reads back one shape, and on a GPU backend its stack
    // and download compile once, not again for each remainder's size (issue #16).
    const stacked = tf.tidy(() => {
      const zero = tf.zerosLike(rows[0].loss);
      const pad = Array.from({ length: 2 * Math.max(0, this.every - rows.length) }, () => zero);
      return tf.stack([...rows.flatMap((r) => [r.loss, r.acc]), ...pad]);
    });
    const values = await stacked.data();
    stacked.dispose();
    rows.forEach((r, i) => {
      r.loss.dispose();
      r.acc.dispose();
      this.emit({ type: 'train', phase: this.phase, step: r.step, loss: values[2 * i], acc: values[2 * i + 1], lr: r.lr });
    });
    const last = rows.length - 1;
    return { loss: values[2 * last], acc: values[2 * last + 1] };
  }

  dispose(): void {
    for (const r of this.rows) {
      r.loss.dispose();
      r.acc.dispose();
    }
    this.rows = [];
  }
}

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

/** ½·wd·Σ‖w‖² over conv and dense kernels (BN affine parameters are not decayed). */
export function l2(vars: tf.Variable[], wd: number): tf.Scalar {
  if (wd === 0) return tf.scalar(0);
  const kernels = vars.filter((v) => v.rank >= 2);
  // On the CPU backend one kernel each way with the chain's bits (nn/cpuOptim.ts).
  return fusedL2(kernels, 0.5 * wd) ?? (tf.mul(0.5 * wd, sumInOrder(kernels.map((v) => tf.sum(tf.square(v))))) as tf.Scalar);
}

/**
 * t0 + t1 + … added left to right, as tf.addN adds them, but one two-input kernel at a time: a
 * GPU backend compiles a shader per addN arity, so a sum whose length changes with the sampled
 * path (the path's kernels in the L2 term) would compile a new program at each new length.
 */
export function sumInOrder<T extends tf.Tensor>(ts: T[]): T {
  if (ts.length === 0) throw new Error('sumInOrder: nothing to add');
  return ts.slice(1).reduce((acc, t) => tf.add(acc, t) as T, ts[0]);
}
