import * as tf from '@tensorflow/tfjs';
import { installFastGradients } from './cpuGradients';
import { batchNormNhwc, installFusedBatchNorm } from './cpuBatchNorm';
import { installFusedL2, installFusedOptimizerKernels } from './cpuOptim';
import { countFastKernelHit, f32, overrideCpuKernel as override, type CpuBackend } from './cpuKernelOverride';
import { installFastDepthwiseKernels } from './cpuKernelsDepthwise';
import { conv2dFilterGradWasm, conv2dForwardWasm, conv2dInputGradWasm } from './wasm/convWasm';

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
 *
 * The three convolution kernels run their WebAssembly SIMD versions first (wasm/convWasm.ts: the
 * same sums in the same order and rounding, ~3–5× faster); the JS loops below are the fallback
 * where wasm is unavailable or a channel count is off its path, and the reference the tests hold
 * the wasm kernels to.
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
    const x = f32(backend, inputs.x);
    const dy = f32(backend, inputs.dy);
    const dW = wasmRan('Conv2DBackpropFilter', conv2dFilterGradWasm(x, dy, info)) ?? conv2dFilterGradNhwc(x, dy, info);
    return backend.makeTensorInfo(info.filterShape, 'float32', dW);
  });
  override('Conv2D', ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as ConvAttrs;
    const { x, filter } = inputs;
    if (a.dataFormat === 'NCHW' || !unitDilation(a.dilations) || x.dtype !== 'float32' || filter.dtype !== 'float32') return null;
    if (filter.shape[3] % 8 !== 0) return null; // the loops run eight output channels at a time
    const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, filter.shape as Shape4, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    const xs = f32(backend, x);
    const ws = f32(backend, filter);
    const y = wasmRan('Conv2D', conv2dForwardWasm(xs, ws, info)) ?? conv2dForwardNhwc(xs, ws, info);
    return backend.makeTensorInfo(info.outShape, 'float32', y);
  });
  override('Conv2DBackpropInput', ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as ConvAttrs & { inputShape: Shape4 };
    const { dy, filter } = inputs;
    if (a.dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
    if (filter.shape[2] % 4 !== 0) return null; // the loops run four input channels at a time
    const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as Shape4, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    const dys = f32(backend, dy);
    const ws = f32(backend, filter);
    const dx = wasmRan('Conv2DBackpropInput', conv2dInputGradWasm(dys, ws, info)) ?? conv2dInputGradNhwc(dys, ws, info);
    return backend.makeTensorInfo(info.inShape, 'float32', dx);
  });
  override('Relu', ({ inputs, backend }) => {
    const { x } = inputs;
    if (x.dtype !== 'float32') return null;
    return backend.makeTensorInfo(x.shape, 'float32', reluBits(f32(backend, x)));
  });
  override('AvgPool', ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    const a = attrs as unknown as PoolAttrs;
    if (x.dtype !== 'float32') return null;
    const info = tf.backend_util.computePool2DInfo(x.shape as Shape4, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    if (info.filterWidth === 1 && info.filterHeight === 1 && tf.util.arraysEqual(info.inShape, info.outShape)) return null; // tfjs-cpu returns its input
    return backend.makeTensorInfo(info.outShape, 'float32', avgPoolNhwc(f32(backend, x), info));
  });
  override('AvgPoolGrad', ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs;
    const a = attrs as unknown as PoolAttrs;
    if (dy.dtype !== 'float32') return null;
    const info = tf.backend_util.computePool2DInfo(input.shape as Shape4, a.filterSize, a.strides, 1, a.pad);
    return backend.makeTensorInfo(input.shape, 'float32', avgPoolGradNhwc(f32(backend, dy), info));
  });
  override('FusedBatchNorm', ({ inputs, backend, attrs }) => {
    const { x, mean, variance, scale, offset } = inputs;
    const C = x.shape[x.shape.length - 1];
    const perChannel = [mean, variance, scale, offset].every((t) => t != null && t.dtype === 'float32' && t.shape.length === 1 && t.shape[0] === C);
    if (!perChannel || x.dtype !== 'float32') return null;
    const eps = (attrs.varianceEpsilon as number | undefined) ?? 0.001;
    const y = batchNormNhwc(f32(backend, x), f32(backend, mean), f32(backend, variance), f32(backend, scale), f32(backend, offset), eps);
    return backend.makeTensorInfo(x.shape, 'float32', y);
  });
  override('Tile', ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    if (x.dtype !== 'float32') return null;
    const reps = attrs.reps as number[];
    return backend.makeTensorInfo(x.shape.map((d, i) => d * reps[i]), 'float32', tileFlat(f32(backend, x), x.shape, reps));
  });
  installFastDepthwiseKernels();
  installFastGradients();
  installFusedOptimizerKernels();
  installFusedL2();
  installFusedBatchNorm();
  installed = true;
}

/**
 * tfjs-cpu's ReLU, Math.max(0, x), on the float32 bit patterns: a positive x (sign bit clear,
 * not zero: (b − 1) | b ≥ 0) keeps its bits, anything else becomes +0 — without the branch on
 * the sign that Math.max costs (half the activations are negative, so it mispredicts: ~3× slower
 * in a micro-benchmark). A NaN with the sign bit set takes Math.max itself (NaN).
 */
function reluBits(x: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  const xb = new Int32Array(x.buffer, x.byteOffset, x.length);
  const yb = new Int32Array(y.buffer);
  for (let i = 0; i < yb.length; i++) {
    const b = xb[i];
    if (b >>> 0 > 0xff800000) y[i] = Math.max(0, x[i]);
    else yb[i] = b & ~(((b - 1) | b) >> 31);
  }
  return y;
}

/**
 * A wasm kernel's result (null: wasm unavailable or the shape off its path, and the JS kernel
 * runs instead), counted as `<kernel>/wasm` so the tests know which of the two ran.
 */
function wasmRan(kernel: string, y: Float32Array | null): Float32Array | null {
  if (y) countFastKernelHit(`${kernel}/wasm`);
  return y;
}

/**
 * Tiling as block copies, one axis at a time from the innermost. tfjs-cpu's Tile converts every
 * output index to coordinates and back (tf.batchNorm's gradient tiles 1/σ to the activation's
 * full shape, ~20 ms of a 200 ms step); copying moves the same values, so results are identical.
 */
function tileFlat(v: Float32Array, shape: number[], reps: number[]): Float32Array {
  let cur = v;
  const curShape = shape.slice();
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = reps[d];
    if (n === 1) continue;
    const outer = curShape.slice(0, d).reduce((p, q) => p * q, 1);
    const inner = curShape.slice(d).reduce((p, q) => p * q, 1);
    const next = new Float32Array(outer * n * inner);
    for (let o = 0; o < outer; o++) {
      const block = cur.subarray(o * inner, (o + 1) * inner);
      for (let t = 0; t < n; t++) next.set(block, (o * n + t) * inner);
    }
    cur = next;
    curShape[d] *= n;
  }
  // A tile by all ones still returns a new tensor, not the input's storage.
  return cur === v ? v.slice() : cur;
}

type Shape4 = [number, number, number, number];

type PoolAttrs = {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'same' | 'valid' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/**
 * Average pooling, padding excluded from the count: each window summed as a JS number in (row,
 * column) order and divided by its count, as tfjs-cpu's pool() does, but four channels at a time
 * over contiguous memory with their sums in locals (tfjs-cpu runs the channel loop outermost,
 * striding through the input): avg_pool_3x3 on 64×8×8×8 ~1.2 ms → ~0.5 ms.
 */
function avgPoolNhwc(x: Float32Array, g: tf.backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight: sh, strideWidth: sw, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = g;
  const y = new Float32Array(batchSize * outHeight * outWidth * C);
  const C4 = C - (C % 4);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const xRCorner = yR * sh - g.padInfo.top;
      const xRMin = Math.max(0, xRCorner);
      const xRMax = Math.min(inHeight, fh + xRCorner);
      for (let yC = 0; yC < outWidth; yC++) {
        const xCCorner = yC * sw - g.padInfo.left;
        const xCMin = Math.max(0, xCCorner);
        const xCMax = Math.min(inWidth, fw + xCCorner);
        const count = (xRMax - xRMin) * (xCMax - xCMin);
        const out = ((b * outHeight + yR) * outWidth + yC) * C;
        // four channels at a time, their sums in locals; a remainder one at a time
        for (let d = 0; d < C; d += d < C4 ? 4 : 1) {
          const four = d < C4;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (let xR = xRMin; xR < xRMax; xR++) {
            for (let xC = xCMin; xC < xCMax; xC++) {
              const off = ((b * inHeight + xR) * inWidth + xC) * C + d;
              s0 += x[off];
              if (four) {
                s1 += x[off + 1];
                s2 += x[off + 2];
                s3 += x[off + 3];
              }
            }
          }
          y[out + d] = s0 / count;
          if (four) {
            y[out + d + 1] = s1 / count;
            y[out + d + 2] = s2 / count;
            y[out + d + 3] = s3 / count;
          }
        }
      }
    }
  }
  return y;
}

/**
 * tfjs-cpu's AvgPoolGrad (every window scaled by 1 / window size, padding included): dx sums the
 * dy of the windows that cover it as a JS number in (row, column) order, then scales — the same
 * order here, with the channel loop innermost (tfjs-cpu reads every element through
 * TensorBuffer.get, ~12 ms for one 64×8×8×8 reduction shortcut).
 */
function avgPoolGradNhwc(dy: Float32Array, g: tf.backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight: sh, strideWidth: sw, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = g;
  const padLeft = fw - 1 - g.padInfo.left;
  const padTop = fh - 1 - g.padInfo.top;
  const avgMultiplier = 1 / (g.filterHeight * g.filterWidth);
  const dx = new Float32Array(batchSize * inHeight * inWidth * C);
  const acc = new Float64Array(C);
  for (let b = 0; b < batchSize; b++) {
    for (let dxR = 0; dxR < inHeight; dxR++) {
      for (let dxC = 0; dxC < inWidth; dxC++) {
        acc.fill(0);
        for (let wR = 0; wR < fh; wR++) {
          const dyR = (dxR - padTop + wR) / sh;
          if (dyR < 0 || dyR >= outHeight || Math.floor(dyR) !== dyR) continue;
          for (let wC = 0; wC < fw; wC++) {
            const dyC = (dxC - padLeft + wC) / sw;
            if (dyC < 0 || dyC >= outWidth || Math.floor(dyC) !== dyC) continue;
            const off = ((b * outHeight + dyR) * outWidth + dyC) * C;
            for (let d = 0; d < C; d++) acc[d] += dy[off + d];
          }
        }
        const out = ((b * inHeight + dxR) * inWidth + dxC) * C;
        for (let d = 0; d < C; d++) dx[out + d] = acc[d] * avgMultiplier;
      }
    }
  }
  return dx;
}

type ConvAttrs = {
  strides: [number, number] | number;
  pad: 'same' | 'valid' | number;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

function unitDilation(d: ConvAttrs['dilations']): boolean {
  if (d == null) return true;
  return typeof d === 'number' ? d === 1 : d[0] === 1 && d[1] === 1;
}

export type ConvGeometry = FilterGradGeometry;

/**
 * y[b, yR, yC, o] = Σ_{r, c, i} x[b, yR·sh + r − top, yC·sw + c − left, i] · w[r, c, i, o] (NHWC,
 * zero padding). tfjs-cpu adds each product into the Float32Array output, so every partial sum
 * is rounded to float32, in (r, c, i) order; this does the same per output, eight output channels
 * at a time whose partial sums stay in locals (tfjs-cpu loads and stores each one per product,
 * through generic strides). Zero inputs (half of a post-ReLU one) are not skipped: the branch
 * mispredicts on random zeros and cost more than the products it saves. Measured on 64×8×8×8 → 8,
 * 3×3: 5.0 ms → 1.7 ms.
 */
export function conv2dForwardNhwc(x: Float32Array, w: Float32Array, g: ConvGeometry): Float32Array {
  const y = new Float32Array(g.batchSize * g.outHeight * g.outWidth * g.outChannels);
  for (let o = 0; o < g.outChannels; o += 8) forwardBlock8(x, w, y, g, o);
  return y;
}

/**
 * Output channels o … o + 7 of every output pixel, their partial sums held in locals across the
 * whole (r, c, i) sum (Math.fround after each add is the Float32Array store's rounding).
 */
function forwardBlock8(x: Float32Array, w: Float32Array, y: Float32Array, g: ConvGeometry, o: number): void {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  const top = g.padInfo.top;
  const left = g.padInfo.left;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const r0 = Math.max(0, top - yR * sh);
      const r1 = Math.min(fh, inHeight + top - yR * sh);
      for (let yC = 0; yC < outWidth; yC++) {
        const c0 = Math.max(0, left - yC * sw);
        const c1 = Math.min(fw, inWidth + left - yC * sw);
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (let r = r0; r < r1; r++) {
          const xRow = (b * inHeight + yR * sh + r - top) * inWidth;
          for (let c = c0; c < c1; c++) {
            const xOff = (xRow + yC * sw + c - left) * ci;
            let k = (r * fw + c) * ci * co + o;
            for (let i = 0; i < ci; i++, k += co) {
              const xv = x[xOff + i];
              a0 = Math.fround(a0 + xv * w[k]);
              a1 = Math.fround(a1 + xv * w[k + 1]);
              a2 = Math.fround(a2 + xv * w[k + 2]);
              a3 = Math.fround(a3 + xv * w[k + 3]);
              a4 = Math.fround(a4 + xv * w[k + 4]);
              a5 = Math.fround(a5 + xv * w[k + 5]);
              a6 = Math.fround(a6 + xv * w[k + 6]);
              a7 = Math.fround(a7 + xv * w[k + 7]);
            }
          }
        }
        const yOff = ((b * outHeight + yR) * outWidth + yC) * co + o;
        y[yOff] = a0;
        y[yOff + 1] = a1;
        y[yOff + 2] = a2;
        y[yOff + 3] = a3;
        y[yOff + 4] = a4;
        y[yOff + 5] = a5;
        y[yOff + 6] = a6;
        y[yOff + 7] = a7;
      }
    }
  }
}

/**
 * dx[b, xR, xC, i] = Σ_{yR, yC, o} dy[b, yR, yC, o] · w[xR + top − yR·sh, xC + left − yC·sw, i, o].
 * tfjs-cpu sums each dx element as a JS number (float64) over (yR, yC, o) and stores it once as
 * float32; this keeps that order per element, four input channels of two images at a time whose
 * sums stay in locals, over a copy of the filter transposed to [r, c, o, i] so the four weights
 * are contiguous. The bounds on yR and yC are tfjs-cpu's own expressions. Measured on
 * 64×8×8×8 → 8, 3×3: 4.0 ms → ~1.5 ms.
 */
export function conv2dInputGradNhwc(dy: Float32Array, w: Float32Array, g: ConvGeometry): Float32Array {
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co } = g;
  const wt = new Float32Array(w.length);
  for (let rc = 0; rc < fh * fw; rc++) {
    for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) wt[(rc * co + o) * ci + i] = w[(rc * ci + i) * co + o];
  }
  const dx = new Float32Array(g.batchSize * g.inHeight * g.inWidth * ci);
  for (let i = 0; i < ci; i += 4) inputGradPairs4(dy, wt, dx, g, i);
  return dx;
}

/**
 * Input channels i … i + 3 of two images at once (the same pixel of images b and b + 1 takes the
 * same taps, so each filter load serves both), float64 sums in locals. An odd last image pairs
 * with itself.
 */
function inputGradPairs4(dy: Float32Array, wt: Float32Array, dx: Float32Array, g: ConvGeometry, i: number): void {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  const topPad = fh - 1 - g.padInfo.top;
  const leftPad = fw - 1 - g.padInfo.left;
  const dyImage = outHeight * outWidth * co;
  const dxImage = inHeight * inWidth * ci;
  for (let b = 0; b < batchSize; b += 2) {
    const next = b + 1 < batchSize ? 1 : 0;
    for (let xR = 0; xR < inHeight; xR++) {
      const xRCorner = xR - topPad;
      const xRMin = Math.max(0, Math.ceil(xRCorner / sh));
      const yRMax = Math.min(outHeight, (fh + xRCorner) / sh);
      for (let xC = 0; xC < inWidth; xC++) {
        const xCCorner = xC - leftPad;
        const xCMin = Math.max(0, Math.ceil(xCCorner / sw));
        const yCMax = Math.min(outWidth, (fw + xCCorner) / sw);
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        for (let yR = xRMin; yR < yRMax; yR++) {
          const r = fh - 1 - (yR * sh - xRCorner);
          for (let yC = xCMin; yC < yCMax; yC++) {
            const c = fw - 1 - (yC * sw - xCCorner);
            const dyOff = ((b * outHeight + yR) * outWidth + yC) * co;
            const dyOff2 = dyOff + next * dyImage;
            let k = (r * fw + c) * co * ci + i;
            for (let o = 0; o < co; o++, k += ci) {
              const d = dy[dyOff + o];
              const e = dy[dyOff2 + o];
              const w0 = wt[k], w1 = wt[k + 1], w2 = wt[k + 2], w3 = wt[k + 3];
              a0 += d * w0;
              a1 += d * w1;
              a2 += d * w2;
              a3 += d * w3;
              b0 += e * w0;
              b1 += e * w1;
              b2 += e * w2;
              b3 += e * w3;
            }
          }
        }
        const off = ((b * inHeight + xR) * inWidth + xC) * ci + i;
        dx[off] = a0;
        dx[off + 1] = a1;
        dx[off + 2] = a2;
        dx[off + 3] = a3;
        if (next) {
          dx[off + dxImage] = b0;
          dx[off + dxImage + 1] = b1;
          dx[off + dxImage + 2] = b2;
          dx[off + dxImage + 3] = b3;
        }
      }
    }
  }
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

/**
 * dW[r, c, i, o] = Σ_{b, y, x} in[b, y·sh + r − top, x·sw + c − left, i] · dy[b, y, x, o] (NHWC, zero
 * padding), summed in float64 over (b, y, x) like tfjs-cpu's JS-number dot product, two input ×
 * four output channels at a time whose sums stay in locals (each input value and each dy value
 * loaded once serves two or four products; no skipping of zero inputs, see the forward pass).
 * Measured on the step's three 3×3 shapes (8×8×8, 4×4×16, 2×2×32, batch 64): ~6 ms in all for the
 * previous per-pixel loop with float64 accumulators in memory, 3.5 ms with eight output channels
 * in locals, ~20 % less again this way.
 */
export function conv2dFilterGradNhwc(x: ArrayLike<number>, dy: ArrayLike<number>, g: FilterGradGeometry): Float32Array {
  const dW = new Float32Array(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels);
  const xs = x instanceof Float32Array ? x : Float32Array.from(x);
  const dys = dy instanceof Float32Array ? dy : Float32Array.from(dy);
  if (g.outChannels % 8 === 0 && g.inChannels % 2 === 0) {
    for (let o = 0; o < g.outChannels; o += 8) filterGradBlock8(xs, dys, dW, g, o);
  } else {
    for (let o = 0; o < g.outChannels; o++) filterGradChannel(xs, dys, dW, g, o);
  }
  return dW;
}

/** Output channels o … o + 7, two input channels at a time (an even input channel count). */
function filterGradBlock8(x: Float32Array, dy: Float32Array, dW: Float32Array, g: FilterGradGeometry, o: number): void {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  const top = g.padInfo.top;
  const left = g.padInfo.left;
  for (let r = 0; r < fh; r++) {
    // output rows whose input row yR·sh + r − top lies inside the image
    const y0 = Math.max(0, Math.ceil((top - r) / sh));
    const y1 = Math.min(outHeight, Math.ceil((inHeight + top - r) / sh));
    for (let c = 0; c < fw; c++) {
      const x0 = Math.max(0, Math.ceil((left - c) / sw));
      const x1 = Math.min(outWidth, Math.ceil((inWidth + left - c) / sw));
      for (let i = 0; i < ci; i += 2) {
        for (let oo = o; oo < o + 8; oo += 4) {
          let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
          for (let b = 0; b < batchSize; b++) {
            for (let yR = y0; yR < y1; yR++) {
              const xRow = (b * inHeight + yR * sh + r - top) * inWidth;
              const dyRow = (b * outHeight + yR) * outWidth;
              for (let yC = x0; yC < x1; yC++) {
                const xi = (xRow + yC * sw + c - left) * ci + i;
                const xv = x[xi];
                const xw = x[xi + 1];
                const k = (dyRow + yC) * co + oo;
                const d0 = dy[k], d1 = dy[k + 1], d2 = dy[k + 2], d3 = dy[k + 3];
                a0 += xv * d0;
                a1 += xv * d1;
                a2 += xv * d2;
                a3 += xv * d3;
                b0 += xw * d0;
                b1 += xw * d1;
                b2 += xw * d2;
                b3 += xw * d3;
              }
            }
          }
          const w = ((r * fw + c) * ci + i) * co + oo;
          dW[w] = a0;
          dW[w + 1] = a1;
          dW[w + 2] = a2;
          dW[w + 3] = a3;
          dW[w + co] = b0;
          dW[w + co + 1] = b1;
          dW[w + co + 2] = b2;
          dW[w + co + 3] = b3;
        }
      }
    }
  }
}

/** Output channel o alone (channel counts that are not a multiple of 8, e.g. a test's odd ones). */
function filterGradChannel(x: Float32Array, dy: Float32Array, dW: Float32Array, g: FilterGradGeometry, o: number): void {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  const top = g.padInfo.top;
  const left = g.padInfo.left;
  for (let r = 0; r < fh; r++) {
    const y0 = Math.max(0, Math.ceil((top - r) / sh));
    const y1 = Math.min(outHeight, Math.ceil((inHeight + top - r) / sh));
    for (let c = 0; c < fw; c++) {
      const x0 = Math.max(0, Math.ceil((left - c) / sw));
      const x1 = Math.min(outWidth, Math.ceil((inWidth + left - c) / sw));
      for (let i = 0; i < ci; i++) {
        let a = 0;
        for (let b = 0; b < batchSize; b++) {
          for (let yR = y0; yR < y1; yR++) {
            const xRow = (b * inHeight + yR * sh + r - top) * inWidth;
            const dyRow = (b * outHeight + yR) * outWidth;
            for (let yC = x0; yC < x1; yC++) {
              const xv = x[(xRow + yC * sw + c - left) * ci + i];
              if (xv !== 0) a += xv * dy[(dyRow + yC) * co + o];
            }
          }
        }
        dW[((r * fw + c) * ci + i) * co + o] = a;
      }
    }
  }
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
  const av = f32(backend, a);
  const bv = f32(backend, b);
  const res = new Float32Array(size);
  // A full-size operand with one repeating along the trailing dims (a per-channel or scalar
  // factor: BatchNorm's statistics, every scaled update) runs without expanding the short one.
  if (la.kind === 'tail' && lb.kind === 'tail' && size > 0) {
    if (av.length === size && bv.length < size) {
      repeatingRight(name, av, bv, res);
      return backend.makeTensorInfo(out, 'float32', res);
    }
    if (bv.length === size && av.length < size) {
      repeatingLeft(name, av, bv, res);
      return backend.makeTensorInfo(out, 'float32', res);
    }
  }
  // Otherwise operands are expanded to full size first, so each op below is one monomorphic loop.
  const A = av.length === size ? av : expand(av, la, size);
  const B = bv.length === size ? bv : expand(bv, lb, size);
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

/** res = A op b, with b repeating every b.length elements of A. */
function repeatingRight(name: BinaryName, A: Float32Array, b: Float32Array, res: Float32Array): void {
  const n = b.length;
  for (let off = 0; off < res.length; off += n) {
    switch (name) {
      case 'Add':
        for (let j = 0; j < n; j++) res[off + j] = A[off + j] + b[j];
        break;
      case 'Sub':
        for (let j = 0; j < n; j++) res[off + j] = A[off + j] - b[j];
        break;
      case 'Multiply':
        for (let j = 0; j < n; j++) res[off + j] = A[off + j] * b[j];
        break;
      case 'RealDiv':
        for (let j = 0; j < n; j++) res[off + j] = A[off + j] / b[j];
        break;
    }
  }
}

/** res = a op B, with a repeating every a.length elements of B. */
function repeatingLeft(name: BinaryName, a: Float32Array, B: Float32Array, res: Float32Array): void {
  const n = a.length;
  for (let off = 0; off < res.length; off += n) {
    switch (name) {
      case 'Add':
        for (let j = 0; j < n; j++) res[off + j] = a[j] + B[off + j];
        break;
      case 'Sub':
        for (let j = 0; j < n; j++) res[off + j] = a[j] - B[off + j];
        break;
      case 'Multiply':
        for (let j = 0; j < n; j++) res[off + j] = a[j] * B[off + j];
        break;
      case 'RealDiv':
        for (let j = 0; j < n; j++) res[off + j] = a[j] / B[off + j];
        break;
    }
  }
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
 * Sum / mean over a run of consecutive axes that leaves at least one axis out: the leading ones
 * (e.g. [0, 1, 2] of NHWC — BatchNorm's moments and every bias gradient) or middle ones ([1, 2]:
 * the head's global average pool), without tfjs-cpu's transpose to make them innermost (and the
 * per-element index arithmetic of that transpose). Summation order per output matches the
 * original (the reduced elements in row-major order, which the transpose keeps); mean divides
 * each element by the count before summing, as tfjs-cpu's Mean does.
 */
function reduceLeading(x: tf.TensorInfo, backend: CpuBackend, axis: number | number[], keepDims: boolean, isMean: boolean): tf.TensorInfo | null {
  if (x.dtype !== 'float32') return null;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
  if (axes.length === 0 || axes.length === rank || !axes.every((ax, i) => ax === axes[0] + i)) return null;
  const first = axes[0];
  const last = axes[axes.length - 1];
  const outer = x.shape.slice(0, first).reduce((p, d) => p * d, 1);
  const mid = axes.reduce((p, ax) => p * x.shape[ax], 1);
  const innerShape = x.shape.slice(last + 1);
  const inner = innerShape.reduce((p, d) => p * d, 1);
  const v = backend.data.get(x.dataId).values;
  const out = new Float32Array(outer * inner);
  const acc = new Float64Array(inner);
  const scale = new Float32Array([mid])[0];
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const base = o * mid * inner;
    if (isMean) {
      for (let r = 0; r < mid; r++) {
        const off = base + r * inner;
        for (let j = 0; j < inner; j++) acc[j] += Math.fround(v[off + j] / scale);
      }
    } else {
      for (let r = 0; r < mid; r++) {
        const off = base + r * inner;
        for (let j = 0; j < inner; j++) acc[j] += v[off + j];
      }
    }
    out.set(acc, o * inner);
  }
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const shape = keepDims ? keptShape : x.shape.filter((_, i) => !axes.includes(i));
  return backend.makeTensorInfo(shape, 'float32', out);
}
