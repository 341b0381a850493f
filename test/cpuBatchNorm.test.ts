import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/core/rng';
import { BN_PLAIN_TRAIN, BN_PLAIN_TRAIN_GRAD, BN_TRAIN, BN_TRAIN_GRAD, batchNormPlainTrain, batchNormTrain, setFusedBatchNormEnabled } from '../src/engine/nn/cpuBatchNorm';
import { installFastCpuKernels } from '../src/engine/nn/cpuKernels';
import { fastKernelHits, resetFastKernelHits } from '../src/engine/nn/cpuKernelOverride';
import { CellNetwork } from '../src/engine/nn/cellNetwork';
import { defaultMacro } from '../src/engine/nn/macro';
import { BN_EPS, RunningStatsUpdater } from '../src/engine/nn/params';
import { PathSgd } from '../src/engine/nn/optim';
import { crossEntropy, l2 } from '../src/engine/nn/trainer';
import { sampleCell } from '../src/engine/spaces/nb201';
import { cpu } from './helpers';

const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

/** Normal values with some ×2^±12 and exact zeros: a sum or rounding taken elsewhere shows in the bits. */
function wide(rng: Rng, shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => {
    const r = rng.next();
    return r < 0.05 ? 0 : rng.normal() * (r < 0.2 ? 2 ** 12 : r < 0.35 ? 2 ** -12 : 1);
  }), shape);
}

/**
 * y, μ, σ² and the gradients w.r.t. x, γ and β of Σ y·c (+ Σ x·k, an earlier reader of x, whose
 * gradient the tape adds after BatchNorm's), through the fused kernels or the chain they replace.
 */
function bnOutputs(fused: boolean, rng: Rng, shape: number[], earlierReader: boolean, plain = false): number[][] {
  const C = shape[3];
  const x = wide(rng, shape);
  const gamma = tf.add(wide(rng, [C]), 1);
  const beta = wide(rng, [C]);
  const c = wide(rng, shape);
  const k = wide(rng, shape);
  const bn = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    if (fused) return (plain ? batchNormPlainTrain : batchNormTrain)(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, BN_EPS);
    const m = tf.moments(a, [0, 1, 2]);
    if (plain) {
      // blocks/bn.ts's chain
      const scale = tf.mul(g, tf.rsqrt(tf.add(m.variance, BN_EPS)));
      return { y: tf.add(tf.mul(tf.sub(a, m.mean), scale), b), mean: m.mean, variance: m.variance };
    }
    return { y: tf.batchNorm4d(a as tf.Tensor4D, m.mean as tf.Tensor1D, m.variance as tf.Tensor1D, b as tf.Tensor1D, g as tf.Tensor1D, BN_EPS), mean: m.mean, variance: m.variance };
  };
  const f = bn(x, gamma, beta);
  const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const early = earlierReader ? tf.sum(tf.mul(a, k)) : tf.scalar(0);
    return tf.add(early, tf.sum(tf.mul(bn(a, g, b).y, c)));
  })([x, gamma, beta]);
  return [f.y, f.mean, f.variance, ...grads].map((t) => bits(t.dataSync()));
}

describe('fused training BatchNorm (one CPU kernel forward, one backward)', () => {
  beforeAll(async () => {
    await cpu(false);
    installFastCpuKernels();
  });

  const shapes = [[64, 8, 8, 8], [3, 5, 7, 16], [1, 1, 1, 4], [2, 4, 4, 3]];
  for (const shape of shapes) {
    for (const earlier of [false, true]) {
      it(`give the bits of tf.moments + tf.batchNorm4d and their gradients, ${shape.join('×')}${earlier ? ', x read earlier too' : ''}`, () => {
        setFusedBatchNormEnabled(false);
        const chain = tf.tidy(() => bnOutputs(false, new Rng(shape[0] * 7 + shape[3]), shape, earlier));
        resetFastKernelHits();
        const fused = tf.tidy(() => bnOutputs(true, new Rng(shape[0] * 7 + shape[3]), shape, earlier));
        setFusedBatchNormEnabled(true);
        expect(fastKernelHits()[BN_TRAIN]).toBe(2);
        expect(fastKernelHits()[BN_TRAIN_GRAD]).toBe(1);
        fused.forEach((a, i) => expect(a, ['y', 'mean', 'variance', 'dx', 'dγ', 'dβ'][i]).toEqual(chain[i]));
      });
    }
  }

  for (const shape of shapes) {
    for (const earlier of [false, true]) {
      it(`give the bits of blocks/bn.ts's broadcast chain and its gradients, ${shape.join('×')}${earlier ? ', x read earlier too' : ''}`, () => {
        setFusedBatchNormEnabled(false);
        const chain = tf.tidy(() => bnOutputs(false, new Rng(shape[0] * 5 + shape[3]), shape, earlier, true));
        resetFastKernelHits();
        const fused = tf.tidy(() => bnOutputs(true, new Rng(shape[0] * 5 + shape[3]), shape, earlier, true));
        setFusedBatchNormEnabled(true);
        expect(fastKernelHits()[BN_PLAIN_TRAIN]).toBe(2);
        expect(fastKernelHits()[BN_PLAIN_TRAIN_GRAD]).toBe(1);
        fused.forEach((a, i) => expect(a, ['y', 'mean', 'variance', 'dx', 'dγ', 'dβ'][i]).toEqual(chain[i]));
      });
    }
  }

  it('refuse a loss that reads the batch mean (its gradient would be dropped)', () => {
    const x = tf.randomNormal([2, 3, 3, 4]);
    const g = tf.ones([4]);
    const b = tf.zeros([4]);
    expect(() => tf.grad((a: tf.Tensor) => tf.sum(batchNormTrain(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, BN_EPS).mean))(x)).toThrow(/must not feed the loss/);
    tf.dispose([x, g, b]);
  });

  it('train the supernet (batch and running statistics) to the same losses, weights and running statistics', () => {
    const run = (bnMode: 'batch' | 'running') => {
      const rng = new Rng(21);
      const net = new CellNetwork(defaultMacro('digits'), rng.fork('net'), bnMode);
      const opt = new PathSgd(0.05, 0.9);
      const x = tf.tensor4d(rng.normalArray(8 * 8 * 8, 1), [8, 8, 8, 1]);
      const y = tf.tensor1d(Array.from({ length: 8 }, (_, i) => i % 10), 'int32');
      const stats = new RunningStatsUpdater(net.store);
      const out: number[][] = [];
      for (let step = 0; step < 3; step++) {
        const cell = sampleCell(rng);
        const vars = net.pathVariables(cell);
        const loss = opt.minimize(() => tf.add(crossEntropy(net.forward(x, cell, 'train', stats), y), l2(vars, 5e-4)) as tf.Scalar, vars);
        stats.apply();
        out.push(bits(loss.dataSync()), ...vars.map((v) => bits(v.dataSync())));
        loss.dispose();
        out.push(...[...net.store.stats.values()].map((s) => bits(s.dataSync())));
        if (bnMode === 'running') out.push(bits(tf.tidy(() => net.forward(x, cell, 'eval')).dataSync()));
      }
      opt.dispose();
      net.dispose();
      tf.dispose([x, y]);
      return out;
    };
    for (const bnMode of ['batch', 'running'] as const) {
      setFusedBatchNormEnabled(false);
      const chain = run(bnMode);
      setFusedBatchNormEnabled(true);
      resetFastKernelHits();
      const fused = run(bnMode);
      expect(fastKernelHits()[BN_TRAIN_GRAD] ?? 0).toBeGreaterThan(0);
      expect(fused.length).toBe(chain.length);
      fused.forEach((a, i) => expect(a, `${bnMode}: output ${i}`).toEqual(chain[i]));
    }
  });
});
