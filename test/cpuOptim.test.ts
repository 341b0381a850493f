import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/core/rng';
import { installFastCpuKernels } from '../src/engine/nn/cpuKernels';
import { fastKernelHits, resetFastKernelHits } from '../src/engine/nn/cpuKernelOverride';
import { ADAM_KERNEL, L2_GRAD_KERNEL, L2_KERNEL, setFusedOptimizerEnabled, SGD_KERNEL } from '../src/engine/nn/cpuOptim';
import { l2 } from '../src/engine/nn/trainer';
import { PathAdam } from '../src/engine/nn/blocks/optim';
import { PathSgd } from '../src/engine/nn/optim';
import { cpu } from './helpers';

const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

/**
 * Values over a wide range (normal values, ±2^±20 and exact zeros, −0 included): an update that
 * rounds at another point, or adds in another order, shows in the bits.
 */
function wideArray(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const r = rng.next();
    if (r < 0.05) return rng.next() < 0.5 ? 0 : -0;
    const scale = r < 0.2 ? 2 ** 20 : r < 0.35 ? 2 ** -20 : 1;
    return rng.normal() * scale;
  });
}

interface Optimizer { minimize(f: () => tf.Scalar, vars: tf.Variable[]): tf.Scalar; dispose(): void }

/**
 * A few steps of `make()`'s optimizer on variables of a kernel's and a bias's shape, with
 * gradients set directly (loss Σ w·c, so the gradient is c, new wide data every step); a step
 * may leave a variable out (it keeps its state, as on a supernet path). Returns the losses and
 * the weights after every step.
 */
function run(make: () => Optimizer, seed: number): number[][] {
  const rng = new Rng(seed);
  const shapes = [[3, 3, 4, 8], [8], [5, 7]];
  const vars = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(wideArray(rng, s.reduce((a, b) => a * b, 1)), s), true, `opt-test-${seed}-${i}`)));
  const opt = make();
  const out: number[][] = [];
  for (let step = 0; step < 5; step++) {
    const used = step === 2 ? vars.slice(0, 2) : vars;
    const cs = used.map((v) => tf.tensor(wideArray(rng, v.size), v.shape));
    const loss = opt.minimize(() => tf.addN(used.map((v, i) => tf.sum(tf.mul(v, cs[i])))) as tf.Scalar, used);
    out.push(bits(loss.dataSync()), ...vars.map((v) => bits(v.dataSync())));
    loss.dispose();
    tf.dispose(cs);
  }
  opt.dispose();
  tf.dispose(vars);
  return out;
}

describe('fused optimizer updates (one CPU kernel per variable)', () => {
  beforeAll(async () => {
    await cpu(false);
    installFastCpuKernels();
  });

  const cases: [string, string, () => Optimizer][] = [
    ['PathSgd, Nesterov', SGD_KERNEL, () => new PathSgd(0.05, 0.9)],
    ['PathSgd, plain momentum', SGD_KERNEL, () => new PathSgd(0.1, 0.8, false)],
    ['PathSgd, lr 1 and momentum 0', SGD_KERNEL, () => new PathSgd(1, 0)],
    ['PathAdam', ADAM_KERNEL, () => new PathAdam(0.05)],
    ['PathAdam with decoupled weight decay', ADAM_KERNEL, () => new PathAdam(0.002, 0.8, 0.99, 1e-6, 0.01)],
  ];
  for (const [name, kernel, make] of cases) {
    it(`${name}: the bits of the op chain it replaces`, () => {
      setFusedOptimizerEnabled(false);
      resetFastKernelHits();
      const chain = run(make, 5);
      expect(fastKernelHits()[kernel] ?? 0).toBe(0);
      setFusedOptimizerEnabled(true);
      const fused = run(make, 5);
      // 3 variables for 4 steps, 2 in the step that leaves one out
      expect(fastKernelHits()[kernel]).toBe(14);
      expect(fused.length).toBe(chain.length);
      fused.forEach((a, i) => expect(a, `output ${i}`).toEqual(chain[i]));
    });
  }

  it('the L2 term and its gradients: the bits of the chain it replaces (kernels read elsewhere too, a scaled loss)', () => {
    const outputs = () => {
      const rng = new Rng(9);
      const shapes = [[3, 3, 8, 8], [8], [1, 1, 8, 16], [16, 10], [3, 3, 1, 8]];
      const vars = shapes.map((sh) => tf.tensor(wideArray(rng, sh.reduce((a, b) => a * b, 1)), sh));
      const c = vars.map((v) => tf.tensor(wideArray(rng, v.size), v.shape));
      const out: number[][] = [];
      for (const wd of [5e-4, 3e-5, 1]) {
        out.push(Array.from(l2(vars as tf.Variable[], wd).dataSync()));
        // the term, a reader of every weight before it and one after it, times 3
        const grads = tf.grads((...vs: tf.Tensor[]) => {
          const before = tf.addN(vs.map((v, i) => tf.sum(tf.mul(v, c[i]))));
          const term = l2(vs as tf.Variable[], wd);
          const after = tf.sum(tf.mul(vs[0], c[4].sum()));
          return tf.add(tf.add(before, tf.mul(term, 3)), after) as tf.Scalar;
        })(vars);
        out.push(...grads.map((g) => bits(g.dataSync())));
      }
      // AddN rounds after each kernel's Σw²: 2^24 + 1 + 1 + 1 is 2^24 in float32 that way
      out.push(Array.from(l2([tf.tensor2d([[4096]]), ...[1, 2, 3].map(() => tf.tensor2d([[1]]))] as tf.Variable[], 2).dataSync()));
      return out;
    };
    setFusedOptimizerEnabled(false);
    const chain = tf.tidy(outputs);
    setFusedOptimizerEnabled(true);
    resetFastKernelHits();
    const fused = tf.tidy(outputs);
    expect(fastKernelHits()[L2_KERNEL]).toBe(7);
    expect(fastKernelHits()[L2_GRAD_KERNEL]).toBe(3);
    fused.forEach((a, i) => expect(a, `output ${i}`).toEqual(chain[i]));
    expect(fused[fused.length - 1]).toEqual([2 ** 24]);
  });

  it('the supernet and DNA student optimizers keep no more tensors than the chain did', () => {
    for (const make of [() => new PathSgd(0.05, 0.9), () => new PathAdam(0.05)]) {
      const n0 = tf.memory().numTensors;
      run(make, 7);
      expect(tf.memory().numTensors).toBe(n0);
    }
  });
});
