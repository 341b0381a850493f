import * as tf from '@tensorflow/tfjs';
import { countFastKernelHit, f32, type CpuBackend } from './cpuKernelOverride';

/**
 * Gradients tfjs-core builds from several activation-sized kernels, computed in one pass on the
 * CPU backend by a kernel of the project's, bit-identical (test/cpuKernels checks each against
 * tfjs-core's own gradient). Other backends keep tfjs-core's gradient.
 *
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

export function installFastGradients(): void {
  if (installed) return;
  installReluGrad();
  installMeanGrad();
  installSquareGrad();
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

/**
 * ReLU's gradient: tfjs-core's is mul(dy, cast(step(x))) — three kernels and two activation-sized
 * temporaries; this is dy · step(x) in one loop, with step's NaN rule (NaN stays NaN).
 */
function installReluGrad(): void {
  installElementwiseGrad('Relu', 'NasReluGrad', (g, x, out) => {
    // dy · step(x) on the bit patterns, without a branch on x's sign: for x > 0 (sign bit clear,
    // not zero) dy's bits, otherwise dy · 0 — a zero with dy's sign. Where x is NaN or dy is not
    // finite (dy · 0 is NaN) the float expression runs.
    const xb = new Int32Array(x.buffer, x.byteOffset, x.length);
    const gb = new Int32Array(g.buffer, g.byteOffset, g.length);
    const ob = new Int32Array(out.buffer, out.byteOffset, out.length);
    for (let i = 0; i < ob.length; i++) {
      const b = xb[i];
      const d = gb[i];
      if ((b & 0x7f800000) === 0x7f800000 || (d & 0x7f800000) === 0x7f800000) {
        const v = x[i];
        out[i] = g[i] * (v > 0 ? 1 : v !== v ? NaN : 0);
      } else {
        ob[i] = d & (~(((b - 1) | b) >> 31) | 0x80000000);
      }
    }
  });
}

/** Square's gradient: tfjs-core's mul(dy, mul(x, 2)) as one loop, x · 2 rounded to float32 as its kernel stores it. */
function installSquareGrad(): void {
  installElementwiseGrad('Square', 'NasSquareGrad', (g, x, out) => {
    for (let i = 0; i < out.length; i++) out[i] = g[i] * Math.fround(x[i] * 2);
  });
}

/**
 * A unary op's gradient of the form dy · f(x), element by element, as one CPU kernel (`kernel`);
 * other backends, dtypes or a broadcast dy keep tfjs-core's gradient. The output is rounded to
 * float32 once, on the store, as the last Multiply kernel of tfjs-core's chain stores it. `loop` holds
 * the whole loop, one per op: a per-element call of a function shared by both ops went
 * polymorphic and cost ~4× the loop itself (~10 ms of a 55 ms supernet step in a CPU profile).
 */
function installElementwiseGrad(op: 'Relu' | 'Square', kernel: string, loop: (dy: Float32Array, x: Float32Array, out: Float32Array) => void): void {
  const original = tf.getGradient(op);
  if (!original) return;
  tf.registerKernel({
    kernelName: kernel,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend }) => {
      const be = backend as unknown as CpuBackend;
      const { dy, x } = inputs as Record<'dy' | 'x', tf.TensorInfo>;
      const g = f32(be, dy);
      const xv = f32(be, x);
      const out = new Float32Array(g.length);
      loop(g, xv, out);
      countFastKernelHit(kernel);
      return be.makeTensorInfo(x.shape, 'float32', out);
    },
  });
  tf.registerGradient({
    kernelName: op,
    inputsToSave: original.inputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const d = dy as tf.Tensor;
      if (tf.getBackend() !== 'cpu' || x.dtype !== 'float32' || d.dtype !== 'float32' || !tf.util.arraysEqual(x.shape, d.shape)) return original.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(kernel, { dy: d, x }, {}) as tf.Tensor };
    },
  });
}

/**
 * Mean's gradient over a run of consecutive axes (leading: BatchNorm's moments; middle: the head's
 * global average pool): tfjs-core's div(mul(dy, ones(x.shape)),
 * n) makes a tensor of ones and two activation-sized temporaries; dy · 1 is dy exactly, so each
 * element is dy / n rounded once to float32, as the RealDiv kernel stores it.
 */
function installMeanGrad(): void {
  const original = tf.getGradient('Mean');
  if (!original) return;
  tf.registerKernel({
    kernelName: 'NasMeanGrad',
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const be = backend as unknown as CpuBackend;
      const g = f32(be, inputs.dy as tf.TensorInfo);
      const { shape, reduceSize, inner } = attrs as unknown as { shape: number[]; reduceSize: number; inner: number };
      const n = Math.fround(reduceSize);
      const out = new Float32Array(shape.reduce((p, q) => p * q, 1));
      // x as [outer, reduced, inner]: dy[o, i] / n to every reduced position
      const outer = g.length / inner;
      for (let o = 0; o < outer; o++) {
        for (let r = 0; r < reduceSize; r++) {
          const off = (o * reduceSize + r) * inner;
          for (let j = 0; j < inner; j++) out[off + j] = g[o * inner + j] / n;
        }
      }
      countFastKernelHit('NasMeanGrad');
      return be.makeTensorInfo(shape, 'float32', out);
    },
  });
  tf.registerGradient({
    kernelName: 'Mean',
    inputsToSave: original.inputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const d = dy as tf.Tensor;
      const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape).sort((p, q) => p - q);
      const run = axes.length > 0 && axes.length < x.rank && axes.every((ax, i) => ax === axes[0] + i);
      if (tf.getBackend() !== 'cpu' || !run || x.dtype !== 'float32' || d.dtype !== 'float32') return original.gradFunc(dy, saved, attrs);
      const reduceSize = axes.reduce((p, ax) => p * x.shape[ax], 1);
      const inner = x.shape.slice(axes[axes.length - 1] + 1).reduce((p, q) => p * q, 1);
      return { x: () => tf.engine().runKernel('NasMeanGrad', { dy: d }, { shape: x.shape, reduceSize, inner } as never) as tf.Tensor };
    },
  });
}
