import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/rng';
import { ParamStore } from '../../nn/params';

/**
 * The meta matching network M: one linear layer from the difference between the student's and a
 * board entry's predicted class probabilities on that entry's stored images (S images × C
 * classes, flattened) to a scalar score — the original's `meta_layer = Linear(C·SLICE, 1)`.
 * Its variable list never changes, so tfjs's own Adam (state indexed by position) is safe here.
 */
export class MetaMatchingNetwork {
  private readonly store: ParamStore;
  readonly w: tf.Variable;
  readonly b: tf.Variable;

  private readonly optimizer: tf.AdamOptimizer;

  constructor(
    readonly inputSize: number,
    rng: Rng,
    lr: number,
  ) {
    this.optimizer = tf.train.adam(lr);
    this.store = new ParamStore(rng);
    this.w = this.store.dense('meta.w', inputSize, 1);
    this.b = this.store.constant('meta.b', [1], 0);
  }

  variables(): tf.Variable[] {
    return [this.w, this.b];
  }

  /** Scores of K differences [K, S·C] → [K]. */
  scores(diff: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(tf.add(tf.matMul(diff, this.w as tf.Tensor2D), this.b), [diff.shape[0]]) as tf.Tensor1D);
  }

  /** ρ = sigmoid(score) of one difference [1, S·C], as a scalar. */
  rho(diff: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => tf.reshape(tf.sigmoid(this.scores(diff)), []) as tf.Scalar);
  }

  /**
   * One Adam step of M given dL/dρ, the derivative of the look-ahead validation loss with respect
   * to the chosen entry's ρ: by the chain rule dL/dθ = dL/dρ · dρ/dθ, i.e. the gradient of the
   * surrogate (dL/dρ) · ρ(θ) with dL/dρ held constant (it is made outside the differentiated
   * function, so the tape does not see through it). Everything stays on the device.
   *
   * The original steps M with the supernet's SGD after clipping the gradient norm to 1. Here
   * dL/dρ is tiny (about 10⁻²) and its sign noisy, so plain SGD would leave M where it started
   * for a whole playground run; Adam moves each weight by about `lr` per update whatever the
   * gradient's scale, so the learner sees M learn.
   */
  step(diff: tf.Tensor2D, dLossDRho: tf.Scalar): void {
    const cost = this.optimizer.minimize(() => tf.mul(dLossDRho, this.rho(diff)) as tf.Scalar, true, this.variables());
    cost?.dispose();
  }

  dispose(): void {
    this.optimizer.dispose();
    this.store.dispose();
  }
}
