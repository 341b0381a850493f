import * as tf from '@tensorflow/tfjs';
import { countFastKernelHit, f32, type CpuBackend } from './cpuKernelOverride';

/**
 * tf.batchNorm's gradient (FusedBatchNorm) in one pass on the CPU backend. tfjs-core builds it
 * from ~9 activation-sized elementwise kernels (a Tile of 1/σ, Sub, a chain of Multiply) and four
 * Sums; on the supernet step they were a quarter of the kernel time. This computes the same
 * five gradients element by element with every intermediate rounded to float32 exactly where
 * tfjs-core's chain stores one, and each channel's sum accumulated in float64 over the leading
 * axes in row-major order as the Sum kernel does — so results are bit-identical
 * (test/cpuKernels checks it). The per-channel factors (1/σ, −½σ⁻³) are still computed by
 * tfjs-core's own ops. Other backends, and shapes other than NHWC with per-channel statistics,
 * keep tfjs-core's gradient.
 */
const KERNEL = 'NasFusedBatchNormGrad';
let installed = false;

export function installFastBatchNormGrad(): void {
  if (installed) return;
  const original = tf.getGradient('FusedBatchNorm');
  if (!original || !tf.getKernel('FusedBatchNorm', 'cpu')) return;
  tf.registerKernel({ kernelName: KERNEL, backendName: 'cpu', kernelFunc: ({ inputs, backend }) => batchNormGradKernel(inputs as never, backend as unknown as CpuBackend) });
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: original.inputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved;
      const d = dy as tf.Tensor;
      const fast = tf.getBackend() === 'cpu' && x.rank === 4 && mean.rank === 1 && variance.rank === 1 && scale != null && scale.rank === 1
        && [x, mean, variance, scale, d].every((t) => t.dtype === 'float32');
      if (!fast) return original.gradFunc(dy, saved, attrs);
      const r = tf.rsqrt(tf.add(variance, tf.scalar((attrs as { varianceEpsilon: number }).varianceEpsilon)));
      const minusHalfRCube = tf.mul(tf.mul(tf.mul(r, r), r), tf.scalar(-0.5));
      const negR = tf.mul(r, tf.scalar(-1));
      // One kernel call yields all five, here and not lazily: the tape runs each input's gradient
      // function in its own tidy, which would dispose the parts another input still needs. Parts
      // no input asks for go with the backward pass's scope.
      const [gx, gMean, gVar, gScale, gOffset] = tf.engine().runKernel(KERNEL, { x, dy: d, mean, scale, r, negR, minusHalfRCube }, {}) as tf.Tensor[];
      return { x: () => gx, mean: () => gMean, variance: () => gVar, scale: () => gScale, offset: () => gOffset };
    },
  });
  installed = true;
}

type Inputs = Record<'x' | 'dy' | 'mean' | 'scale' | 'r' | 'negR' | 'minusHalfRCube', tf.TensorInfo>;

function batchNormGradKernel(inputs: Inputs, backend: CpuBackend): tf.TensorInfo[] {
  const v = (t: tf.TensorInfo) => f32(backend, t);
  const x = v(inputs.x);
  const dy = v(inputs.dy);
  const mean = v(inputs.mean);
  const s = v(inputs.scale);
  const r = v(inputs.r);
  const negR = v(inputs.negR);
  const mhrc = v(inputs.minusHalfRCube);
  const C = mean.length;
  const n = x.length;
  const dx = new Float32Array(n);
  const accMean = new Float64Array(C);
  const accVar = new Float64Array(C);
  const accScale = new Float64Array(C);
  const accOffset = new Float64Array(C);
  const f = Math.fround;
  for (let off = 0; off < n; off += C) {
    for (let c = 0; c < C; c++) {
      const i = off + c;
      const g = dy[i];
      const xm = f(x[i] - mean[c]); // sub(x, mean)
      const gs = f(g * s[c]); // mul(dy, scale)
      dx[i] = f(g * r[c]) * s[c]; // mul(mul(dy, tile(1/σ)), scale); the store rounds
      accMean[c] += f(negR[c] * gs); // sum(mul(mul(1/σ, −1), dy·scale))
      accVar[c] += f(f(mhrc[c] * xm) * gs); // sum(mul(mul(−½σ⁻³, x − μ), dy·scale))
      accScale[c] += f(g * f(xm * r[c])); // sum(mul(dy, mul(x − μ, 1/σ)))
      accOffset[c] += g; // sum(dy)
    }
  }
  countFastKernelHit(KERNEL);
  const shape = [C];
  return [
    backend.makeTensorInfo(inputs.x.shape, 'float32', dx),
    backend.makeTensorInfo(shape, 'float32', Float32Array.from(accMean)),
    backend.makeTensorInfo(shape, 'float32', Float32Array.from(accVar)),
    backend.makeTensorInfo(shape, 'float32', Float32Array.from(accScale)),
    backend.makeTensorInfo(shape, 'float32', Float32Array.from(accOffset)),
  ];
}
