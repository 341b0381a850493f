import * as tf from '@tensorflow/tfjs';
import { overrideCpuKernel as override, type CpuBackend } from './cpuKernelOverride';
import { installFastDepthwiseKernels } from './cpuKernelsDepthwise';

/**
 * Faster CPU kernels for the ops that dominate a playground training step. Each one computes the
 * same sums in the same order as tfjs-backend-cpu (results are bit-identical; test/cpuKernels
 * checks it) and falls back to the original kernel outside its fast path.
 *
 * tfjs-backend-cpu's Conv2DBackpropFilter reads every element through TensorBuffer.get with
 * index arithmetic, which makes a 3×3 conv's filter gradient ~20× slower than its forward pass
 * (148 ms vs 7 ms for 64×8×8×8 on this 2-core machine). This replacement runs the same sum
 * over flat typed arrays in cache order and accumulates in float64, like the original's
 * JS-number dot product. Only channels-last is rewritten; anything else falls back.
 */
let installed = false;

export function installFastCpuKernels(): void {
  if (installed) return;
  if (!tf.getKernel('Conv2DBackpropFilter', 'cpu')) return; // no cpu backend in this bundle
  for (const name of ['Add', 'Sub', 'Multiply', 'RealDiv'] as const) {
    override(name, ({ inputs, backend }) => broadcastBinary(name, inputs.a, inputs.b, backend));
  }
  override('Sum', ({ inputs, backend, attrs }) => reduceLeading(inputs.x, backend, attrs.axis as number | number[], attrs.keepDims as boolean, false));
  override('Mean', ({ inputs, backend, attrs }) => reduceLeading(inputs.x, backend, attrs.axis as number | number[], attrs.keepDims as boolean, true));
  override('Conv2DBackpropFilter', ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as { strides: [number, number] | number; pad: 'same' | 'valid' | number; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
    if (a.dataFormat === 'NCHW') return null;
    const info = tf.backend_util.computeConv2DInfo(inputs.x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    const dW = conv2dFilterGradNhwc(backend.data.get(inputs.x.dataId).values, backend.data.get(inputs.dy.dataId).values, info);
    return backend.makeTensorInfo(info.filterShape, 'float32', dW);
  });
  installFastDepthwiseKernels();
  installed = true;
}

export interface FilterGradGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padInfo: { top: number; left: number };
}

/** dW[r, c, i, o] = Σ_{b, y, x} in[b, y·sh + r − top, x·sw + c − left, i] · dy[b, y, x, o] (NHWC, zero padding). */
export function conv2dFilterGradNhwc(x: ArrayLike<number>, dy: ArrayLike<number>, g: FilterGradGeometry): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  const top = g.padInfo.top;
  const left = g.padInfo.left;
  const acc = new Float64Array(fh * fw * ci * co);
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      for (let yc = 0; yc < outWidth; yc++) {
        const dyOff = ((b * outHeight + yr) * outWidth + yc) * co;
        for (let r = 0; r < fh; r++) {
          const xr = yr * sh + r - top;
          if (xr < 0 || xr >= inHeight) continue;
          for (let c = 0; c < fw; c++) {
            const xc = yc * sw + c - left;
            if (xc < 0 || xc >= inWidth) continue;
            const xOff = ((b * inHeight + xr) * inWidth + xc) * ci;
            const wBase = (r * fw + c) * ci * co;
            for (let i = 0; i < ci; i++) {
              const xv = x[xOff + i];
              if (xv === 0) continue; // post-ReLU inputs are often zero
              const wOff = wBase + i * co;
              for (let o = 0; o < co; o++) acc[wOff + o] += xv * dy[dyOff + o];
            }
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}

/**
 * How an operand maps onto the output's flat index: 'same' (identical shape), 'tail' (its shape
 * is the output's trailing dims, leading ones 1: index i % size) or 'head' (the output's leading
 * dims, trailing ones 1: index ⌊i / inner⌋). tfjs-cpu handles only the first two when the operand
 * has lower rank; a kept-dims [1,1,1,C] or [N,1,1,1] operand goes through per-element index
 * arithmetic, which made Multiply the slowest op of a training step.
 */
function layout(shape: number[], out: number[]): { kind: 'tail' } | { kind: 'head'; inner: number } | null {
  const padded = [...new Array(out.length - shape.length).fill(1), ...shape];
  let k = 0;
  while (k < out.length && padded[k] === 1) k++;
  if (padded.slice(k).every((d, i) => d === out[k + i])) return { kind: 'tail' };
  let e = out.length;
  while (e > 0 && padded[e - 1] === 1) e--;
  if (padded.slice(0, e).every((d, i) => d === out[i])) {
    return { kind: 'head', inner: out.slice(e).reduce((a, b) => a * b, 1) };
  }
  return null;
}

type BinaryName = 'Add' | 'Sub' | 'Multiply' | 'RealDiv';

function broadcastBinary(name: BinaryName, a: tf.TensorInfo, b: tf.TensorInfo, backend: CpuBackend): tf.TensorInfo | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const out = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const la = layout(a.shape, out);
  const lb = layout(b.shape, out);
  if (!la || !lb) return null;
  const size = out.reduce((p, d) => p * d, 1);
  const av = backend.data.get(a.dataId).values;
  const bv = backend.data.get(b.dataId).values;
  // Operands are expanded to full size first, so each op below is one monomorphic loop.
  const A = av.length === size ? av : expand(av, la, size);
  const B = bv.length === size ? bv : expand(bv, lb, size);
  const res = new Float32Array(size);
  switch (name) {
    case 'Add':
      for (let i = 0; i < size; i++) res[i] = A[i] + B[i];
      break;
    case 'Sub':
      for (let i = 0; i < size; i++) res[i] = A[i] - B[i];
      break;
    case 'Multiply':
      for (let i = 0; i < size; i++) res[i] = A[i] * B[i];
      break;
    case 'RealDiv':
      for (let i = 0; i < size; i++) res[i] = A[i] / B[i];
      break;
  }
  return backend.makeTensorInfo(out, 'float32', res);
}

function expand(v: ArrayLike<number>, l: { kind: 'tail' } | { kind: 'head'; inner: number }, size: number): Float32Array {
  const out = new Float32Array(size);
  const n = v.length;
  if (l.kind === 'tail') {
    for (let off = 0; off < size; off += n) for (let j = 0; j < n; j++) out[off + j] = v[j];
  } else {
    for (let r = 0; r < n; r++) out.fill(v[r], r * l.inner, (r + 1) * l.inner);
  }
  return out;
}

/**
 * Sum / mean over leading axes (e.g. [0, 1, 2] of NHWC — BatchNorm's moments and every bias
 * gradient) without tfjs-cpu's transpose to make them innermost. Summation order per output
 * matches the original (reduced elements in row-major order); mean divides each element by the
 * count before summing, as tfjs-cpu's Mean does.
 */
function reduceLeading(x: tf.TensorInfo, backend: CpuBackend, axis: number | number[], keepDims: boolean, isMean: boolean): tf.TensorInfo | null {
  if (x.dtype !== 'float32') return null;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
  if (axes.length === 0 || !axes.every((ax, i) => ax === i) || axes.length === rank) return null;
  const outer = axes.reduce((p, ax) => p * x.shape[ax], 1);
  const innerShape = x.shape.slice(axes.length);
  const inner = innerShape.reduce((p, d) => p * d, 1);
  const v = backend.data.get(x.dataId).values;
  const acc = new Float64Array(inner);
  if (isMean) {
    const scale = new Float32Array([outer])[0];
    for (let r = 0; r < outer; r++) {
      const off = r * inner;
      for (let j = 0; j < inner; j++) acc[j] += Math.fround(v[off + j] / scale);
    }
  } else {
    for (let r = 0; r < outer; r++) {
      const off = r * inner;
      for (let j = 0; j < inner; j++) acc[j] += v[off + j];
    }
  }
  const shape = keepDims ? [...axes.map(() => 1), ...innerShape] : innerShape;
  return backend.makeTensorInfo(shape, 'float32', Float32Array.from(acc));
}
