import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/core/rng';
import { installFastCpuKernels } from '../src/engine/nn/cpuKernels';
import { fastKernelHits, resetFastKernelHits } from '../src/engine/nn/cpuKernelOverride';
import { avgPool3x3 } from '../src/engine/nn/pool';
import { cpu } from './helpers';

const rnd = (rng: Rng, shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1), 1), shape);

/** Every op whose cpu kernel is replaced, run through gradients so the backward kernels run too. */
function workload(rng: Rng): Float32Array[] {
  const out: Float32Array[] = [];
  const cases: [number, number, number, number, number][] = [
    [3, 1, 8, 3, 5],
    [3, 2, 7, 4, 6],
    [1, 1, 6, 5, 3],
    [3, 2, 8, 8, 16],
  ];
  for (const [k, s, hw, ci, co] of cases) {
    const x = rnd(rng, [4, hw, hw, ci]);
    const w = rnd(rng, [k, k, ci, co]);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, 'same'))))([x, w]);
    out.push(dx.dataSync() as Float32Array, dw.dataSync() as Float32Array);
  }
  const x = rnd(rng, [3, 4, 5, 6]);
  for (const other of [[6], [1, 1, 1, 6], [3, 1, 1, 1], [1, 4, 5, 6], [3, 4, 5, 6], []]) {
    const y = rnd(rng, other);
    out.push(tf.add(x, y).dataSync() as Float32Array, tf.sub(y, x).dataSync() as Float32Array);
    out.push(tf.mul(x, y).dataSync() as Float32Array, tf.div(x, tf.add(tf.abs(y), 1)).dataSync() as Float32Array);
  }
  for (const axes of [[0], [0, 1, 2], [0, 1], [3], [1, 2]]) {
    out.push(tf.sum(x, axes).dataSync() as Float32Array, tf.mean(x, axes, true).dataSync() as Float32Array);
  }
  const m = tf.moments(x, [0, 1, 2]);
  out.push(m.mean.dataSync() as Float32Array, m.variance.dataSync() as Float32Array);
  return out;
}

describe('fast CPU kernels', () => {
  beforeAll(() => cpu(false));

  it('give bit-identical results to tfjs-backend-cpu on every replaced op', () => {
    const before = workload(new Rng(11));
    expect(fastKernelHits()).toEqual({});
    installFastCpuKernels();
    resetFastKernelHits();
    const after = workload(new Rng(11));
    expect(after.length).toBe(before.length);
    after.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(before[i])));
    // Equal results alone would also hold if every replacement deferred to the original kernel:
    // each one must have taken its fast path on this workload.
    const hits = fastKernelHits();
    for (const name of ['Add', 'Sub', 'Multiply', 'RealDiv', 'Sum', 'Mean', 'Conv2DBackpropFilter']) {
      expect(hits[name] ?? 0, `${name} fast-path hits`).toBeGreaterThan(0);
    }
    // 4 convolutions, one filter gradient each.
    expect(hits.Conv2DBackpropFilter).toBe(4);
  });

  it('avg_pool_3x3 has the gradient of its forward pass (padding excluded from the count)', () => {
    const rng = new Rng(3);
    const x = rnd(rng, [2, 5, 4, 3]) as tf.Tensor4D;
    const dy = rnd(rng, [2, 5, 4, 3]);
    const f = (t: tf.Tensor) => tf.sum(tf.mul(avgPool3x3(t as tf.Tensor4D), dy));
    const g = tf.grad(f)(x).dataSync();
    // central differences (float32 forward) at every input element
    const xv = x.dataSync().slice();
    const eps = 1e-2;
    for (let i = 0; i < xv.length; i++) {
      const plus = xv.slice();
      plus[i] += eps;
      const minus = xv.slice();
      minus[i] -= eps;
      const num = (f(tf.tensor(plus, x.shape)).dataSync()[0] - f(tf.tensor(minus, x.shape)).dataSync()[0]) / (2 * eps);
      expect(Math.abs(num - g[i])).toBeLessThan(2e-3);
    }
  });
});
