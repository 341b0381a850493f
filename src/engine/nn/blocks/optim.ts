import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNEL, type AdamAttrs, fusedUpdateApplies } from '../cpuOptim';

/**
 * Adam with its moments keyed by variable name (and a step count per variable), for supernets
 * whose variable list changes from step to step: tfjs's own optimizers index their state by
 * position in that list. A variable a step does not touch keeps its moments and its count, as
 * PyTorch's Adam does for parameters without a gradient. DNA trains its student supernets with
 * Adam (the official runs: lr 0.002).
 */
export class PathAdam {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private readonly steps = new Map<string, number>();

  constructor(
    public lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
    /** Decoupled weight decay on kernels (rank ≥ 2), as AdamW; 0 turns it off. */
    private readonly weightDecay = 0,
  ) {}

  /** Computes f's gradient w.r.t. `vars`, applies the update, returns the (kept) loss. */
  minimize(f: () => tf.Scalar, vars: tf.Variable[]): tf.Scalar {
    const { value, grads } = tf.variableGrads(f, vars);
    tf.tidy(() => {
      for (const variable of vars) {
        const g = grads[variable.name];
        if (!g) continue;
        const key = variable.name;
        let m = this.m.get(key);
        let v = this.v.get(key);
        if (!m || !v) {
          m = tf.variable(tf.zerosLike(variable), false);
          v = tf.variable(tf.zerosLike(variable), false);
          this.m.set(key, m);
          this.v.set(key, v);
        }
        const t = (this.steps.get(key) ?? 0) + 1;
        this.steps.set(key, t);
        const stepSize = (this.lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
        const decays = this.weightDecay > 0 && variable.rank >= 2;
        if (fusedUpdateApplies(ADAM_KERNEL, variable, m, v, g)) {
          // The same update as the chain below, as one kernel (nn/cpuOptim.ts).
          const attrs: AdamAttrs = { beta1: this.beta1, beta2: this.beta2, eps: this.eps, stepSize, decay: decays ? this.lr * this.weightDecay : 0 };
          const [nm, nv, next] = tf.engine().runKernel(ADAM_KERNEL, { w: variable, m, v, g }, attrs as never) as tf.Tensor[];
          m.assign(nm);
          v.assign(nv);
          variable.assign(next);
          continue;
        }
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        let next = tf.sub(variable, tf.mul(tf.div(m, tf.add(tf.sqrt(v), this.eps)), stepSize));
        if (decays) next = tf.sub(next, tf.mul(variable, this.lr * this.weightDecay));
        variable.assign(next);
      }
    });
    for (const g of Object.values(grads)) g.dispose();
    return value;
  }

  dispose(): void {
    for (const b of [...this.m.values(), ...this.v.values()]) b.dispose();
    this.m.clear();
    this.v.clear();
    this.steps.clear();
  }
}
