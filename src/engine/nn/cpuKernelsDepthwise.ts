import * as tf from '@tensorflow/tfjs';
import { countFastKernelHit, f32, overrideCpuKernel as override } from './cpuKernelOverride';
import { depthwiseFilterGradWasm, depthwiseForwardWasm, depthwiseInputGradWasm } from './wasm/convWasm';

/**
 * Faster CPU kernels for depthwise convolution (the MBConv ops of the block space). Each computes
 * the same sums in the same order as tfjs-backend-cpu 4.22, so results are bit-identical
 * (test/blocksDepthwise checks it), and defers to the original outside its fast path
 * (channel multiplier ≠ 1, dilation ≠ 1).
 *
 * Measured with tf.profile on this 2-core machine (64×8×8×48, 3×3, stride 1): the original
 * DepthwiseConv2dNativeBackpropFilter took 147 ms against 8 ms for the forward pass — it reads
 * every element through TensorBuffer.get — and BackpropInput 13 ms; at 64×8×8×96 with 5×5 the
 * filter gradient took 1.46 s. The replacements run the same sums over flat typed arrays with the
 * channel loop innermost.
 *
 * Summation order, kernel by kernel, as in tfjs-backend-cpu:
 *  - forward: y[b,r,c,d] accumulates in float32 (`+=` on a Float32Array), taps in (wR, wC) order;
 *  - input gradient: dx accumulates in a float64 `dotProd` over (yR, yC), stored once as float32;
 *  - filter gradient: dW accumulates in float64 over (b, yR, yC), stored once as float32.
 *
 * Each registered kernel runs its WebAssembly SIMD version first (wasm/convWasm.ts, the same sums
 * in the same order and precision, two channels per f64x2; counted as `<kernel>/wasm`), and the
 * JS kernel below where wasm is unavailable or the channel count is odd; the tests hold the wasm
 * kernels to the JS ones and to tfjs-cpu's.
 */
let installed = false;

type ConvAttrs = {
  strides: [number, number] | number;
  pad: 'same' | 'valid' | number;
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

function unitDilation(d: ConvAttrs['dilations']): boolean {
  if (d == null) return true;
  return typeof d === 'number' ? d === 1 : d[0] === 1 && d[1] === 1;
}

function convInfo(xShape: number[], filterShape: number[], a: ConvAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    true,
  );
}

/** Installs the depthwise replacements on the cpu backend (idempotent; a no-op without one). */
export function installFastDepthwiseKernels(): void {
  if (installed) return;
  if (!tf.getKernel('DepthwiseConv2dNative', 'cpu')) return;
  override('DepthwiseConv2dNative', ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as ConvAttrs;
    const { x, filter } = inputs;
    if (!unitDilation(a.dilations) || x.dtype !== 'float32' || filter.shape[3] !== 1) return null;
    const info = convInfo(x.shape, filter.shape, a);
    const xs = f32(backend, x);
    const ws = f32(backend, filter);
    const y = wasmRan('DepthwiseConv2dNative', depthwiseForwardWasm(xs, ws, info)) ?? depthwiseForward(xs, ws, info);
    return backend.makeTensorInfo(info.outShape, 'float32', y);
  });
  override('DepthwiseConv2dNativeBackpropInput', ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
    const { dy, filter } = inputs;
    if (!unitDilation(a.dilations) || filter.shape[3] !== 1) return null;
    const info = convInfo(a.inputShape, filter.shape, a);
    const dys = f32(backend, dy);
    const ws = f32(backend, filter);
    const dx = wasmRan('DepthwiseConv2dNativeBackpropInput', depthwiseInputGradWasm(dys, ws, info)) ?? depthwiseInputGrad(dys, ws, info);
    return backend.makeTensorInfo(info.inShape, 'float32', dx);
  });
  override('DepthwiseConv2dNativeBackpropFilter', ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
    const { x, dy } = inputs;
    if (!unitDilation(a.dilations) || a.filterShape[3] !== 1) return null;
    const info = convInfo(x.shape, a.filterShape, a);
    const xs = f32(backend, x);
    const dys = f32(backend, dy);
    const dW = wasmRan('DepthwiseConv2dNativeBackpropFilter', depthwiseFilterGradWasm(xs, dys, info)) ?? depthwiseFilterGrad(xs, dys, info);
    return backend.makeTensorInfo(info.filterShape, 'float32', dW);
  });
  installed = true;
}

/** A wasm kernel's result (null: the JS kernel runs instead), counted as `<kernel>/wasm`. */
function wasmRan(kernel: string, y: Float32Array | null): Float32Array | null {
  if (y) countFastKernelHit(`${kernel}/wasm`);
  return y;
}

type Geometry = Pick<
  tf.backend_util.Conv2DInfo,
  'batchSize' | 'inHeight' | 'inWidth' | 'inChannels' | 'outHeight' | 'outWidth' | 'filterHeight' | 'filterWidth' | 'strideHeight' | 'strideWidth' | 'padInfo'
>;

/** y[b, r, c, d] = Σ_{wR, wC} x[b, r·sh + wR − top, c·sw + wC − left, d] · w[wR, wC, d] (channel multiplier 1). */
export function depthwiseForward(x: ArrayLike<number>, w: ArrayLike<number>, g: Geometry): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  const top = g.padInfo.top;
  const left = g.padInfo.left;
  const y = new Float32Array(batchSize * outHeight * outWidth * C);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const yOff = ((b * outHeight + yR) * outWidth + yC) * C;
        for (let wR = 0; wR < fh; wR++) {
          const xR = yR * sh + wR - top;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < fw; wC++) {
            const xC = yC * sw + wC - left;
            if (xC < 0 || xC >= inWidth) continue;
            const xOff = ((b * inHeight + xR) * inWidth + xC) * C;
            const wOff = (wR * fw + wC) * C;
            for (let d = 0; d < C; d++) y[yOff + d] += x[xOff + d] * w[wOff + d];
          }
        }
      }
    }
  }
  return y;
}

/** dx[b, xR, xC, d] = Σ_{yR, yC} dy[b, yR, yC, d] · w[xR − yR·sh + top, xC − yC·sw + left, d], in tfjs-cpu's (yR, yC) order. */
export function depthwiseInputGrad(dy: ArrayLike<number>, w: ArrayLike<number>, g: Geometry): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  // tfjs-cpu works with the flipped filter and these paddings; the bounds below are its own.
  const topPad = fh - 1 - g.padInfo.top;
  const leftPad = fw - 1 - g.padInfo.left;
  const dx = new Float32Array(batchSize * inHeight * inWidth * C);
  const acc = new Float64Array(C);
  for (let b = 0; b < batchSize; b++) {
    for (let xR = 0; xR < inHeight; xR++) {
      const xRCorner = xR - topPad;
      const xRMin = Math.max(0, Math.ceil(xRCorner / sh));
      const yRMax = Math.min(outHeight, (fh + xRCorner) / sh);
      for (let xC = 0; xC < inWidth; xC++) {
        const xCCorner = xC - leftPad;
        const xCMin = Math.max(0, Math.ceil(xCCorner / sw));
        const yCMax = Math.min(outWidth, (fw + xCCorner) / sw);
        acc.fill(0);
        for (let yR = xRMin; yR < yRMax; yR++) {
          const wR = yR * sh - xRCorner;
          for (let yC = xCMin; yC < yCMax; yC++) {
            const wC = yC * sw - xCCorner;
            const dyOff = ((b * outHeight + yR) * outWidth + yC) * C;
            const wOff = ((fh - 1 - wR) * fw + (fw - 1 - wC)) * C;
            for (let d = 0; d < C; d++) acc[d] += dy[dyOff + d] * w[wOff + d];
          }
        }
        const off = ((b * inHeight + xR) * inWidth + xC) * C;
        for (let d = 0; d < C; d++) dx[off + d] = acc[d];
      }
    }
  }
  return dx;
}

/** dW[wR, wC, d] = Σ_{b, yR, yC} x[b, yR·sh + wR − top, yC·sw + wC − left, d] · dy[b, yR, yC, d], in (b, yR, yC) order. */
export function depthwiseFilterGrad(x: ArrayLike<number>, dy: ArrayLike<number>, g: Geometry): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  const top = g.padInfo.top;
  const left = g.padInfo.left;
  const acc = new Float64Array(fh * fw * C);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const dyOff = ((b * outHeight + yR) * outWidth + yC) * C;
        for (let wR = 0; wR < fh; wR++) {
          const xR = yR * sh + wR - top;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < fw; wC++) {
            const xC = yC * sw + wC - left;
            if (xC < 0 || xC >= inWidth) continue;
            const xOff = ((b * inHeight + xR) * inWidth + xC) * C;
            const aOff = (wR * fw + wC) * C;
            for (let d = 0; d < C; d++) acc[aOff + d] += x[xOff + d] * dy[dyOff + d];
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}
