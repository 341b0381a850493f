import * as tf from '@tensorflow/tfjs';
import { countFastKernelHit, f32, type CpuBackend } from './cpuKernelOverride';

/**
 * Training-mode BatchNorm of the supernets (params.batchNorm: tf.moments over N, H, W, then
 * tf.batchNorm4d) as one CPU kernel forward and one backward (issue #16). tfjs records ~8
 * kernels forward (Mean, Cast, Reshape, Sub, Square, Mean, Reshape, FusedBatchNorm, Reshape) and
 * ~20 backward (the FusedBatchNorm gradient and its per-channel factors, then the moments'
 * gradients: Mean's and Square's, a Sum, Neg, Identity, Reshapes, and three Adds that accumulate
 * x's and the mean's gradients), most of them over the whole activation.
 *
 * Bit-identical to that chain on the CPU backend with the project's kernels (which are
 * bit-identical to tfjs-cpu's): the same float64 sums in row-major order, every value that a kernel
 * of the chain stores rounded to float32 here at the same point, and x's gradient accumulated in
 * the tape's order — BatchNorm's own dx, plus the gradient through x − μ, plus the gradient
 * through μ, each sum rounded. That order holds when nothing recorded after the BatchNorm reads
 * x (the tape would add its gradient first); in the networks x is the convolution (or node sum)
 * just computed for it. The batch mean and variance are outputs too (the running statistics
 * record them) but must not feed the loss: their gradient has to be zero, and the backward kernel
 * checks it. test/cpuBatchNorm compares both kernels with the chain (wide-range data, x read
 * before the BatchNorm too) and supernet steps with and without them; test/cpuKernels' training
 * steps run through them.
 */
export const BN_TRAIN = 'NasBatchNormTrain';
export const BN_TRAIN_GRAD = 'NasBatchNormTrainGrad';

let installed = false;
let enabled = true;

/** Turns the fused BatchNorm off (tf.moments and tf.batchNorm4d run) or back on: for tests. */
export function setFusedBatchNormEnabled(on: boolean): void {
  enabled = on;
}

/** Whether batchNormTrain runs as one kernel for these tensors (CPU backend, NHWC float32, per-channel γ, β). */
export function fusedBatchNormApplies(x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor): boolean {
  const C = x.shape[x.rank - 1];
  return enabled && tf.getBackend() === 'cpu' && tf.getKernel(BN_TRAIN, 'cpu') !== undefined && x.rank === 4
    && [x, scale, offset].every((t) => t.dtype === 'float32') && scale.rank === 1 && offset.rank === 1 && scale.shape[0] === C && offset.shape[0] === C;
}

/** y, the batch mean and the batch (biased) variance, as tf.moments(x, [0, 1, 2]) and tf.batchNorm4d give them. */
export function batchNormTrain(x: tf.Tensor4D, scale: tf.Tensor1D, offset: tf.Tensor1D, varianceEpsilon: number): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const [y, mean, variance] = tf.engine().runKernel(BN_TRAIN, { x, scale, offset }, { varianceEpsilon }) as tf.Tensor[];
  return { y: y as tf.Tensor4D, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

export function installFusedBatchNorm(): void {
  if (installed || !tf.getKernel('FusedBatchNorm', 'cpu')) return;
  tf.registerKernel({
    kernelName: BN_TRAIN,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => forwardKernel(inputs as never, backend as unknown as CpuBackend, (attrs as { varianceEpsilon: number }).varianceEpsilon),
  });
  tf.registerKernel({
    kernelName: BN_TRAIN_GRAD,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => gradKernel(inputs as never, backend as unknown as CpuBackend, (attrs as { varianceEpsilon: number }).varianceEpsilon),
  });
  tf.registerGradient({
    kernelName: BN_TRAIN,
    inputsToSave: ['x', 'scale'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, scale, mean, variance] = saved;
      const [dy, dMean, dVar] = dys as tf.Tensor[];
      const [dx, dScale, dOffset] = tf.engine().runKernel(BN_TRAIN_GRAD, { x, dy, mean, variance, scale, dMean, dVar }, attrs as tf.NamedAttrMap) as tf.Tensor[];
      return { x: () => dx, scale: () => dScale, offset: () => dOffset };
    },
  });
  installFusedBatchNormPlain();
  installed = true;
}

/*
 * Both kernels run channel by channel (rows inner, stride C): a channel's sums depend only on the
 * order of its own rows, which stays row-major, so the results are those of the chain's
 * row-major loops, while each sum lives in a local instead of a typed-array slot per element,
 * and a channel's later passes follow its sums at once.
 */
function forwardKernel(inputs: Record<'x' | 'scale' | 'offset', tf.TensorInfo>, backend: CpuBackend, eps: number): tf.TensorInfo[] {
  const x = f32(backend, inputs.x);
  const scale = f32(backend, inputs.scale);
  const offset = f32(backend, inputs.offset);
  const f = Math.fround;
  const C = scale.length;
  const n = x.length;
  const count = f(n / C); // Mean divides each element by the reduced count as a float32
  const mean = new Float32Array(C);
  const variance = new Float32Array(C);
  const y = new Float32Array(n);
  for (let c = 0; c < C; c++) {
    let accMean = 0;
    for (let i = c; i < n; i += C) accMean += f(x[i] / count);
    const m = f(accMean);
    let accVar = 0;
    for (let i = c; i < n; i += C) {
      const d = f(x[i] - m); // sub(x, mean)
      accVar += f(f(d * d) / count); // mean(square(·))
    }
    const v = f(accVar);
    mean[c] = m;
    variance[c] = v;
    // FusedBatchNorm as batchNormNhwc computes it
    const sd = Math.sqrt(v + eps);
    const g = scale[c];
    const o = offset[c];
    for (let i = c; i < n; i += C) y[i] = o + ((x[i] - m) * g) / sd;
  }
  countFastKernelHit(BN_TRAIN);
  return [backend.makeTensorInfo(inputs.x.shape, 'float32', y), backend.makeTensorInfo([C], 'float32', mean), backend.makeTensorInfo([C], 'float32', variance)];
}

type GradInputs = Record<'x' | 'dy' | 'mean' | 'variance' | 'scale' | 'dMean' | 'dVar', tf.TensorInfo>;

function gradKernel(inputs: GradInputs, backend: CpuBackend, eps: number): tf.TensorInfo[] {
  const x = f32(backend, inputs.x);
  const dy = f32(backend, inputs.dy);
  const mean = f32(backend, inputs.mean);
  const variance = f32(backend, inputs.variance);
  const s = f32(backend, inputs.scale);
  for (const t of [inputs.dMean, inputs.dVar]) {
    if (f32(backend, t).some((v) => v !== 0)) throw new Error(`${BN_TRAIN}: the batch mean and variance it returns must not feed the loss (their gradient is not zero)`);
  }
  const f = Math.fround;
  const C = mean.length;
  const n = x.length;
  const count = f(n / C);
  // tf.batchNorm's gradient's per-channel factors, as its tf ops compute them (nn/cpuGradients.ts)
  const r = new Float32Array(C);
  const negR = new Float32Array(C);
  const mhrc = new Float32Array(C);
  const epsf = f(eps);
  for (let c = 0; c < C; c++) {
    r[c] = 1 / Math.sqrt(f(variance[c] + epsf)); // rsqrt(add(variance, ε))
    negR[c] = -r[c]; // mul(r, −1)
    mhrc[c] = f(f(r[c] * r[c]) * r[c]) * -0.5; // mul(mul(mul(r, r), r), −½)
  }
  const dx = new Float32Array(n);
  const dScale = new Float32Array(C);
  const dOffset = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const m = mean[c];
    const sc = s[c];
    const rc = r[c];
    const nr = negR[c];
    const mh = mhrc[c];
    // 1. tf.batchNorm's gradient (NasFusedBatchNormGrad's loop): dx, and the sums for μ, σ², γ, β
    let accMean = 0;
    let accVar = 0;
    let accScale = 0;
    let accOffset = 0;
    for (let i = c; i < n; i += C) {
      const g = dy[i];
      const xm = f(x[i] - m);
      const gs = f(g * sc);
      dx[i] = f(g * rc) * sc;
      accMean += f(nr * gs);
      accVar += f(f(mh * xm) * gs);
      accScale += f(g * f(xm * rc));
      accOffset += g;
    }
    dScale[c] = accScale;
    dOffset[c] = accOffset;
    // 2. through σ² = mean(square(x − μ)): Mean's gradient dσ²/count, Square's (x − μ)·2; the
    // result reaches x (added to dx) and, negated and summed, μ
    const dSq = f(f(accVar) / count);
    let accDev = 0;
    for (let i = c; i < n; i += C) {
      const d = f(dSq * f(f(x[i] - m) * 2));
      accDev += d; // sum(·, [0, 1, 2]) for sub's gradient w.r.t. μ
      dx[i] = dx[i] + d; // x's gradient so far + cast's clone of sub's gradient w.r.t. x
    }
    // 3. through μ = mean(x): μ's gradient (batchNorm's + the negated sum above) / count
    const dMeanX = f(f(f(accMean) + -f(accDev)) / count);
    for (let i = c; i < n; i += C) dx[i] = dx[i] + dMeanX;
  }
  countFastKernelHit(BN_TRAIN_GRAD);
  return [
    backend.makeTensorInfo(inputs.x.shape, 'float32', dx),
    backend.makeTensorInfo([C], 'float32', dScale),
    backend.makeTensorInfo([C], 'float32', dOffset),
  ];
}

/**
 * tfjs-cpu's FusedBatchNorm, off + (x − μ) · γ / √(σ² + ε) per element in float64 and stored as
 * float32, with the square root taken once per channel (the same float64 value) instead of once
 * per element, and no wrap-around index bookkeeping.
 */
export function batchNormNhwc(x: Float32Array, mean: Float32Array, variance: Float32Array, scale: Float32Array, offset: Float32Array, eps: number): Float32Array {
  const C = mean.length;
  const sd = new Float64Array(C);
  for (let c = 0; c < C; c++) sd[c] = Math.sqrt(variance[c] + eps);
  const y = new Float32Array(x.length);
  for (let off = 0; off < x.length; off += C) {
    for (let c = 0; c < C; c++) y[off + c] = offset[c] + ((x[off + c] - mean[c]) * scale[c]) / sd[c];
  }
  return y;
}

/**
 * The block networks' BatchNorm (blocks/bn.ts: tf.moments, then (x − μ) · γ·rsqrt(σ² + ε) + β from
 * broadcasting ops) in training mode as one CPU kernel forward and one backward, bit-identical
 * to that chain under the same conditions as batchNormTrain (nothing recorded after it reads x;
 * the returned μ and σ² do not feed the loss).
 */
export const BN_PLAIN_TRAIN = 'NasBatchNormPlainTrain';
export const BN_PLAIN_TRAIN_GRAD = 'NasBatchNormPlainTrainGrad';

/** y, the batch mean and variance, as blocks/bn.ts's batchNormPlain computes them in training mode. */
export function batchNormPlainTrain(x: tf.Tensor4D, scale: tf.Tensor1D, offset: tf.Tensor1D, varianceEpsilon: number): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const [y, mean, variance] = tf.engine().runKernel(BN_PLAIN_TRAIN, { x, scale, offset }, { varianceEpsilon }) as tf.Tensor[];
  return { y: y as tf.Tensor4D, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

export function fusedBatchNormPlainApplies(x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor): boolean {
  return fusedBatchNormApplies(x, scale, offset) && tf.getKernel(BN_PLAIN_TRAIN, 'cpu') !== undefined;
}

function installFusedBatchNormPlain(): void {
  tf.registerKernel({
    kernelName: BN_PLAIN_TRAIN,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => plainForwardKernel(inputs as never, backend as unknown as CpuBackend, (attrs as { varianceEpsilon: number }).varianceEpsilon),
  });
  tf.registerKernel({
    kernelName: BN_PLAIN_TRAIN_GRAD,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => plainGradKernel(inputs as never, backend as unknown as CpuBackend, (attrs as { varianceEpsilon: number }).varianceEpsilon),
  });
  tf.registerGradient({
    kernelName: BN_PLAIN_TRAIN,
    inputsToSave: ['x', 'scale'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, scale, mean, variance] = saved;
      const [dy, dMean, dVar] = dys as tf.Tensor[];
      const [dx, dScale, dOffset] = tf.engine().runKernel(BN_PLAIN_TRAIN_GRAD, { x, dy, mean, variance, scale, dMean, dVar }, attrs as tf.NamedAttrMap) as tf.Tensor[];
      return { x: () => dx, scale: () => dScale, offset: () => dOffset };
    },
  });
}

/** The batch moments of one channel, as tf.moments computes them (Mean, Sub, Square, Mean). */
function channelMoments(x: Float32Array, c: number, C: number, count: number): [number, number] {
  const f = Math.fround;
  const n = x.length;
  let accMean = 0;
  for (let i = c; i < n; i += C) accMean += f(x[i] / count);
  const m = f(accMean);
  let accVar = 0;
  for (let i = c; i < n; i += C) {
    const d = f(x[i] - m);
    accVar += f(f(d * d) / count);
  }
  return [m, f(accVar)];
}

function plainForwardKernel(inputs: Record<'x' | 'scale' | 'offset', tf.TensorInfo>, backend: CpuBackend, eps: number): tf.TensorInfo[] {
  const x = f32(backend, inputs.x);
  const gamma = f32(backend, inputs.scale);
  const beta = f32(backend, inputs.offset);
  const f = Math.fround;
  const C = gamma.length;
  const n = x.length;
  const count = f(n / C);
  const epsf = f(eps);
  const mean = new Float32Array(C);
  const variance = new Float32Array(C);
  const y = new Float32Array(n);
  for (let c = 0; c < C; c++) {
    const [m, v] = channelMoments(x, c, C, count);
    mean[c] = m;
    variance[c] = v;
    const sc = f(gamma[c] * f(1 / Math.sqrt(f(v + epsf)))); // mul(γ, rsqrt(add(σ², ε)))
    const b = beta[c];
    for (let i = c; i < n; i += C) y[i] = f(f(x[i] - m) * sc) + b; // add(mul(sub(x, μ), scale), β)
  }
  countFastKernelHit(BN_PLAIN_TRAIN);
  return [backend.makeTensorInfo(inputs.x.shape, 'float32', y), backend.makeTensorInfo([C], 'float32', mean), backend.makeTensorInfo([C], 'float32', variance)];
}

/**
 * The chain's gradient, by tape order (last op first): add(·, β) passes dy on (β: Σdy); mul(x − μ,
 * scale) gives dy·scale to x − μ and Σ dy·(x − μ) to scale; sub(x, μ) gives that to x and −Σ of it
 * to μ; mul(γ, r) gives dscale·γ to r = rsqrt(σ² + ε) (γ: dscale·r); rsqrt's −dr / ((σ² + ε)^1.5 · 2)
 * reaches σ², then the moments' gradients as in gradKernel. x's gradient: ((sub's + the
 * variance path's) + the mean path's), each sum rounded.
 */
function plainGradKernel(inputs: GradInputs, backend: CpuBackend, eps: number): tf.TensorInfo[] {
  const x = f32(backend, inputs.x);
  const dy = f32(backend, inputs.dy);
  const mean = f32(backend, inputs.mean);
  const variance = f32(backend, inputs.variance);
  const gamma = f32(backend, inputs.scale);
  for (const t of [inputs.dMean, inputs.dVar]) {
    if (f32(backend, t).some((v) => v !== 0)) throw new Error(`${BN_PLAIN_TRAIN}: the batch mean and variance it returns must not feed the loss (their gradient is not zero)`);
  }
  const f = Math.fround;
  const C = mean.length;
  const n = x.length;
  const count = f(n / C);
  const epsf = f(eps);
  const dx = new Float32Array(n);
  const dGamma = new Float32Array(C);
  const dBeta = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const m = mean[c];
    const ve = f(variance[c] + epsf);
    const r = f(1 / Math.sqrt(ve));
    const sc = f(gamma[c] * r);
    let accBeta = 0;
    let accScale = 0;
    let accXm = 0;
    for (let i = c; i < n; i += C) {
      const g = dy[i];
      const xm = f(x[i] - m);
      const dxm = f(g * sc); // mul's gradient w.r.t. x − μ
      dx[i] = dxm; // sub's gradient w.r.t. x
      accXm += dxm; // sum for sub's gradient w.r.t. μ
      accScale += f(g * xm); // sum for mul's gradient w.r.t. scale
      accBeta += g;
    }
    dBeta[c] = accBeta;
    const dScale = f(accScale);
    dGamma[c] = dScale * r;
    const dR = f(dScale * gamma[c]);
    const dVe = -f(dR / f(f(Math.pow(ve, 1.5)) * 2)); // neg(div(dy, mul(pow(x, 1.5), 2)))
    const dSq = f(dVe / count);
    let accDev = 0;
    for (let i = c; i < n; i += C) {
      const d = f(dSq * f(f(x[i] - m) * 2));
      accDev += d;
      dx[i] = dx[i] + d;
    }
    const dMeanX = f(f(-f(accXm) + -f(accDev)) / count);
    for (let i = c; i < n; i += C) dx[i] = dx[i] + dMeanX;
  }
  countFastKernelHit(BN_PLAIN_TRAIN_GRAD);
  return [backend.makeTensorInfo(inputs.x.shape, 'float32', dx), backend.makeTensorInfo([C], 'float32', dGamma), backend.makeTensorInfo([C], 'float32', dBeta)];
}
