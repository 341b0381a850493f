import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/core/rng';
import { installFastDepthwiseKernels } from '../src/engine/nn/cpuKernelsDepthwise';
import { fastKernelHits, resetFastKernelHits } from '../src/engine/nn/cpuKernelOverride';
import { cpu } from './helpers';

const rnd = (rng: Rng, shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1), 1), shape);

/** Depthwise convolutions of the block space's shapes (odd sizes, both strides, both kernels), forward and both gradients. */
function workload(rng: Rng): Float32Array[] {
  const out: Float32Array[] = [];
  const cases: [number, number, number, number, number][] = [
    // k, stride, h, w, channels
    [3, 1, 8, 8, 6],
    [5, 1, 7, 5, 4],
    [3, 2, 8, 8, 12],
    [5, 2, 7, 7, 9],
    [5, 2, 2, 3, 5],
    [3, 1, 1, 1, 3],
  ];
  for (const [k, s, h, w, c] of cases) {
    const x = rnd(rng, [3, h, w, c]);
    const f = rnd(rng, [k, k, c, 1]);
    const dyScale = rnd(rng, [3, Math.ceil(h / s), Math.ceil(w / s), c]);
    const y = tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, 'same');
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, 'same'), dyScale)))([x, f]);
    out.push(y.dataSync() as Float32Array, dx.dataSync() as Float32Array, df.dataSync() as Float32Array);
    const yValid = tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid');
    if (yValid.size > 0) out.push(yValid.dataSync() as Float32Array);
  }
  // A channel multiplier of 2 falls back to the original kernels.
  const x = rnd(rng, [2, 5, 5, 3]);
  const f = rnd(rng, [3, 3, 3, 2]);
  const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'))))([x, f]);
  out.push(dx.dataSync() as Float32Array, df.dataSync() as Float32Array);
  return out;
}

describe('fast depthwise CPU kernels', () => {
  beforeAll(() => cpu(false));

  it('give bit-identical results to tfjs-backend-cpu (forward, input and filter gradients)', () => {
    const before = tf.tidy(() => workload(new Rng(5)));
    const original = tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'cpu')!.kernelFunc;
    installFastDepthwiseKernels();
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'cpu')!.kernelFunc).not.toBe(original);
    resetFastKernelHits();
    const after = tf.tidy(() => workload(new Rng(5)));
    expect(after.length).toBe(before.length);
    after.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(before[i])));
    // The fast paths ran: one of each gradient per unit-multiplier case (6), none for the
    // multiplier-2 case, which defers to the original.
    const hits = fastKernelHits();
    expect(hits.DepthwiseConv2dNativeBackpropFilter).toBe(6);
    expect(hits.DepthwiseConv2dNativeBackpropInput).toBe(6);
    expect(hits.DepthwiseConv2dNative).toBeGreaterThanOrEqual(12);
  });
});
