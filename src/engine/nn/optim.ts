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
      // On the CPU backend the whole step's updates run as one kernel (nn/cpuOptim.ts), each
      // variable's the same as the chain below; a variable listed twice keeps the chain (its
      // second update must see the first).
      const batch: { v: tf.Variable; buf: tf.Variable; g: tf.Tensor }[] = [];
      const once = new Set(vars.map((v) => v.name)).size === vars.length;
      for (const v of vars) {
        const g = grads[v.name];
        if (!g) continue;
        let buf = this.buffers.get(v.name);
        if (!buf) {
          buf = tf.variable(tf.zerosLike(v), false);
          this.buffers.set(v.name, buf);
        }
        if (once && fusedUpdateApplies(SGD_KERNEL, v, buf, g)) {
          batch.push({ v, buf, g });
          continue;
        }
        const m = tf.add(tf.mul(buf, this.momentum), g);
        buf.assign(m);
        const update = this.nesterov ? tf.add(g, tf.mul(m, this.momentum)) : m;
        v.assign(tf.sub(v, tf.mul(update, this.lr)));
      }
      if (batch.length === 0) return;
      const inputs: Record<string, tf.Tensor> = {};
      batch.forEach(({ v, buf, g }, k) => Object.assign(inputs, { [`v${k}`]: v, [`buf${k}`]: buf, [`g${k}`]: g }));
      const attrs: SgdAttrs = { momentum: this.momentum, lr: this.lr, nesterov: this.nesterov };
      const outs = tf.engine().runKernel(SGD_KERNEL, inputs, attrs as never) as tf.Tensor[];
      batch.forEach(({ v, buf }, k) => {
        buf.assign(outs[2 * k]);
        v.assign(outs[2 * k + 1]);
      });
    });
    for (const g of Object.values(grads)) g.dispose();
    return value;
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
