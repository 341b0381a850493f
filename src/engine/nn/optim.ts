import * as tf from '@tensorflow/tfjs';
import { fusedUpdateApplies, SGD_KERNEL, type SgdAttrs } from './cpuOptim';

/**
 * SGD with (Nesterov) momentum whose state is keyed by variable name. tfjs's own optimizers
 * index their accumulators by position in the variable list, which breaks as soon as the list
 * changes from step to step — exactly what a weight-sharing supernet does (each step trains a
 * different path). Untouched variables keep their momentum, as in PyTorch.
 */
export class PathSgd {
  private readonly buffers = new Map<string, tf.Variable>();

  constructor(
    public lr: number,
    private readonly momentum: number,
    private readonly nesterov = true,
  ) {}

  /** Computes f's gradient w.r.t. `vars`, applies the update, returns the (kept) loss. */
  minimize(f: () => tf.Scalar, vars: tf.Variable[]): tf.Scalar {
    const { value, grads } = tf.variableGrads(f, vars);
    tf.tidy(() => {
      for (const v of vars) {
        const g = grads[v.name];
        if (!g) continue;
        let buf = this.buffers.get(v.name);
        if (!buf) {
          buf = tf.variable(tf.zerosLike(v), false);
          this.buffers.set(v.name, buf);
        }
        if (fusedUpdateApplies(SGD_KERNEL, v, buf, g)) {
          // The same update as the chain below, as one kernel (nn/cpuOptim.ts).
          const attrs: SgdAttrs = { momentum: this.momentum, lr: this.lr, nesterov: this.nesterov };
          const [m, next] = tf.engine().runKernel(SGD_KERNEL, { v, buf, g }, attrs as never) as tf.Tensor[];
          buf.assign(m);
          v.assign(next);
          continue;
        }
        const m = tf.add(tf.mul(buf, this.momentum), g);
        buf.assign(m);
        const update = this.nesterov ? tf.add(g, tf.mul(m, this.momentum)) : m;
        v.assign(tf.sub(v, tf.mul(update, this.lr)));
      }
    });
    for (const g of Object.values(grads)) g.dispose();
    return value;
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
