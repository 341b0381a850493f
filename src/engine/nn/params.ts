import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/rng';
import type { NamedValues } from '../core/formats';
import { batchNormTrain, fusedBatchNormApplies } from './cpuBatchNorm';

export type { NamedValues } from '../core/formats';

/**
 * Named trainable variables with seeded initialisation. Weight-sharing supernets and standalone
 * networks both keep their weights here, so "which weights does this path use" is a list of names.
 */
export class ParamStore {
  readonly vars = new Map<string, tf.Variable>();
  /** BatchNorm running statistics: not trainable, updated after each training step. */
  readonly stats = new Map<string, tf.Variable>();

  constructor(private readonly rng: Rng) {}

  /** He-normal conv kernel [k, k, cin, cout]. */
  conv(name: string, k: number, cin: number, cout: number): tf.Variable {
    return this.get(name, () => {
      const std = Math.sqrt(2 / (k * k * cin));
      return tf.tensor4d(this.rng.fork(name).normalArray(k * k * cin * cout, std), [k, k, cin, cout]);
    });
  }

  /** Glorot-uniform dense weights [nin, nout]. */
  dense(name: string, nin: number, nout: number): tf.Variable {
    return this.get(name, () => {
      const r = this.rng.fork(name);
      const lim = Math.sqrt(6 / (nin + nout));
      const v = new Float32Array(nin * nout);
      for (let i = 0; i < v.length; i++) v[i] = r.uniform(-lim, lim);
      return tf.tensor2d(v, [nin, nout]);
    });
  }

  constant(name: string, shape: number[], value: number): tf.Variable {
    return this.get(name, () => tf.fill(shape, value));
  }

  runningStat(name: string, c: number, value: number): tf.Variable {
    let v = this.stats.get(name);
    if (!v) {
      v = tf.variable(tf.fill([c], value), false, `${name}_${uid++}`);
      this.stats.set(name, v);
    }
    return v;
  }

  private get(name: string, init: () => tf.Tensor): tf.Variable {
    let v = this.vars.get(name);
    if (!v) {
      const t = init();
      // tfjs variable names are global; a store-unique suffix lets several networks coexist.
      v = tf.variable(t, true, `${name}_${uid++}`);
      t.dispose();
      this.vars.set(name, v);
    }
    return v;
  }

  /**
   * Every weight and running statistic, read back as Float32Arrays (a checkpoint): call it between
   * training steps, never inside one. Names are the store's own, without tfjs's unique suffix.
   */
  async read(): Promise<NamedValues[]> {
    const out: NamedValues[] = [];
    for (const [kind, map] of [['weight', this.vars], ['stat', this.stats]] as const) {
      for (const [name, v] of map) out.push({ name, kind, shape: [...v.shape], values: (await v.data()) as Float32Array });
    }
    return out;
  }

  /**
   * Creates the variables of a checkpoint (`read`'s output) in an empty store. Weights it does not
   * hold are still created on first use from their seeded init, as in the run that saved it.
   */
  load(values: readonly NamedValues[]): void {
    if (this.vars.size > 0 || this.stats.size > 0) throw new Error('a checkpoint loads into an empty parameter store only');
    for (const { name, kind, shape, values: data } of values) {
      const size = shape.reduce((a, b) => a * b, 1);
      if (data.length !== size) throw new Error(`checkpoint weight ${name}: ${data.length} values for shape [${shape.join(', ')}]`);
      const t = tf.tensor(data, shape, 'float32');
      const v = tf.variable(t, kind === 'weight', `${name}_${uid++}`);
      t.dispose();
      (kind === 'weight' ? this.vars : this.stats).set(name, v);
    }
  }

  /** Total number of scalars in the named trainable variables. */
  count(names?: Iterable<string>): number {
    let n = 0;
    for (const name of names ?? this.vars.keys()) n += this.vars.get(name)?.size ?? 0;
    return n;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    for (const v of this.stats.values()) v.dispose();
    this.vars.clear();
    this.stats.clear();
  }
}

let uid = 0;

export type Mode = 'train' | 'eval';

/**
 * BatchNorm statistics handling. 'batch': always normalise with the current batch's moments
 * (weight-sharing supernets, as NAS-Bench-201's search code does with track_running_stats=False).
 * 'running': standalone networks keep running averages for evaluation.
 */
export type BnMode = 'batch' | 'running';

/** Collects batch moments seen in a training forward pass so running stats update afterwards. */
export interface BnRecorder {
  record(name: string, mean: tf.Tensor1D, variance: tf.Tensor1D): void;
}

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

export function batchNorm(
  store: ParamStore,
  name: string,
  x: tf.Tensor4D,
  mode: Mode,
  bnMode: BnMode,
  recorder?: BnRecorder,
): tf.Tensor4D {
  const c = x.shape[3];
  const gamma = store.constant(`${name}.gamma`, [c], 1);
  const beta = store.constant(`${name}.beta`, [c], 0);
  let mean: tf.Tensor;
  let variance: tf.Tensor;
  if (bnMode === 'running' && mode === 'eval') {
    mean = store.runningStat(`${name}.mean`, c, 0);
    variance = store.runningStat(`${name}.var`, c, 1);
  } else {
    // On the CPU backend one kernel forward and one backward (nn/cpuBatchNorm.ts) with the bits
    // of the moments + batchNorm4d chain below; x is the tensor just computed for this BatchNorm.
    const fused = fusedBatchNormApplies(x, gamma, beta) ? batchNormTrain(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, BN_EPS) : null;
    const m = fused ?? tf.moments(x, [0, 1, 2]);
    mean = m.mean;
    variance = m.variance;
    if (bnMode === 'running' && mode === 'train' && recorder) {
      store.runningStat(`${name}.mean`, c, 0);
      store.runningStat(`${name}.var`, c, 1);
      recorder.record(name, mean as tf.Tensor1D, variance as tf.Tensor1D);
    }
    if (fused) return fused.y;
  }
  return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, beta as tf.Tensor1D, gamma as tf.Tensor1D, BN_EPS);
}

/**
 * Holds the moments of one training step (kept past the step's tidy) and folds them into the
 * running statistics afterwards — on the device, with no read-back.
 */
export class RunningStatsUpdater implements BnRecorder {
  private pending: { name: string; mean: tf.Tensor1D; variance: tf.Tensor1D }[] = [];

  constructor(private readonly store: ParamStore) {}

  record(name: string, mean: tf.Tensor1D, variance: tf.Tensor1D): void {
    this.pending.push({ name, mean: tf.keep(mean), variance: tf.keep(variance) });
  }

  apply(momentum = BN_MOMENTUM): void {
    for (const p of this.pending) {
      const rm = this.store.stats.get(`${p.name}.mean`)!;
      const rv = this.store.stats.get(`${p.name}.var`)!;
      tf.tidy(() => {
        rm.assign(rm.mul(1 - momentum).add(p.mean.mul(momentum)));
        rv.assign(rv.mul(1 - momentum).add(p.variance.mul(momentum)));
      });
      p.mean.dispose();
      p.variance.dispose();
    }
    this.pending = [];
  }

  /** Drops recorded moments without applying them (e.g. a look-ahead step). */
  discard(): void {
    for (const p of this.pending) {
      p.mean.dispose();
      p.variance.dispose();
    }
    this.pending = [];
  }
}

export function reluConvBn(
  store: ParamStore,
  name: string,
  x: tf.Tensor4D,
  k: number,
  cout: number,
  stride: number,
  mode: Mode,
  bnMode: BnMode,
  recorder?: BnRecorder,
): tf.Tensor4D {
  const w = store.conv(`${name}.conv`, k, x.shape[3], cout);
  const y = tf.conv2d(tf.relu(x), w as tf.Tensor4D, stride, 'same');
  return batchNorm(store, `${name}.bn`, y, mode, bnMode, recorder);
}
