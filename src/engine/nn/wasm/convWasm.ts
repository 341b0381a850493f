import type { FilterGradGeometry } from '../cpuKernels';
import { WASM_KERNELS_BASE64 } from './kernels.generated';

/**
 * The WebAssembly SIMD convolution kernels (scripts/gen-wasm-kernels.ts) behind the JS kernels'
 * signatures: the same sums in the same order and precision, so the same bits (test/cpuKernels).
 * Operands are copied into the module's memory promoted to float64 (each is read many times; the
 * promotion is exact), the result copied out into a fresh Float32Array (tfjs owns its arrays).
 * Each function returns null when wasm is unavailable (no WebAssembly, no SIMD, a policy that
 * forbids compiling) or the shape is off its path; the caller then runs the JS kernel.
 */

/** The geometry the kernels read (a subset of tf.backend_util.Conv2DInfo): the JS kernels' own. */
export type WasmConvGeometry = FilterGradGeometry;

type Kernel = (a: number, b: number, out: number, rtab: number, ctab: number, ...geometry: number[]) => void;

interface Kernels {
  memory: WebAssembly.Memory;
  conv_fwd: Kernel;
  conv_dx4: Kernel;
  conv_dx8: Kernel;
  conv_dw: Kernel;
  dw_fwd1: DwKernel;
  dw_fwd2: DwKernel;
  dw_dx1: DwKernel;
  dw_dx2: DwKernel;
  dw_dw1: DwKernel;
  dw_dw2: DwKernel;
}

type DwKernel = (a: number, b: number, out: number, rtab: number, ctab: number, acc: number, ...geometry: number[]) => void;

let kernels: Kernels | null | undefined; // undefined: not tried yet; null: unavailable
let enabled = true;

function decode(b64: string): Uint8Array {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** Compiled once, synchronously (a 7 KB module), on first use. */
function load(): Kernels | null {
  if (kernels !== undefined) return kernels;
  kernels = null;
  try {
    if (typeof WebAssembly !== 'object') return null;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(decode(WASM_KERNELS_BASE64) as BufferSource), { env: { memory } });
    const e = instance.exports as unknown as Omit<Kernels, 'memory'>;
    kernels = {
      memory,
      conv_fwd: e.conv_fwd,
      conv_dx4: e.conv_dx4,
      conv_dx8: e.conv_dx8,
      conv_dw: e.conv_dw,
      dw_fwd1: e.dw_fwd1,
      dw_fwd2: e.dw_fwd2,
      dw_dx1: e.dw_dx1,
      dw_dx2: e.dw_dx2,
      dw_dw1: e.dw_dw1,
      dw_dw2: e.dw_dw2,
    };
  } catch {
    kernels = null; // e.g. a Content-Security-Policy without 'wasm-unsafe-eval', or no SIMD
  }
  return kernels;
}

/** Whether the wasm kernels are compiled and in use. */
export function wasmConvAvailable(): boolean {
  return enabled && load() !== null;
}

/** Turns the wasm kernels off (the JS kernels run) or back on: for the tests and the bench. */
export function setWasmConvEnabled(on: boolean): void {
  enabled = on;
}

/** Byte offsets of consecutive 16-byte-aligned regions, the memory grown to hold them all. */
function layout(k: Kernels, sizes: number[]): number[] {
  const offsets: number[] = [];
  let end = 0;
  for (const s of sizes) {
    offsets.push(end);
    end += Math.ceil(s / 16) * 16;
  }
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
  return offsets;
}

function geometry(g: WasmConvGeometry, top: number, left: number): number[] {
  return [g.batchSize, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels, g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, top, left];
}

/** [lo, hi) pairs as i32 at byte offset `at`. */
function writeBounds(k: Kernels, at: number, n: number, bounds: (j: number) => [number, number]): void {
  const t = new Int32Array(k.memory.buffer, at, 2 * n);
  for (let j = 0; j < n; j++) [t[2 * j], t[2 * j + 1]] = bounds(j);
}

function readF32(k: Kernels, at: number, n: number): Float32Array {
  return new Float32Array(k.memory.buffer, at, n).slice();
}

/** cpuKernels.ts conv2dForwardNhwc (Co a multiple of 8). */
export function conv2dForwardWasm(x: Float32Array, w: Float32Array, g: WasmConvGeometry): Float32Array | null {
  const k = enabled ? load() : null;
  if (!k || g.outChannels % 8 !== 0) return null;
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  const { top, left } = g.padInfo;
  const ySize = g.batchSize * OH * OW * g.outChannels;
  const [xp, wp, yp, rp, cp] = layout(k, [8 * x.length, 8 * w.length, 4 * ySize, 8 * OH, 8 * OW]);
  new Float64Array(k.memory.buffer, xp, x.length).set(x);
  new Float64Array(k.memory.buffer, wp, w.length).set(w);
  writeBounds(k, rp, OH, (yR) => [Math.max(0, top - yR * sh), Math.min(fh, H + top - yR * sh)]);
  writeBounds(k, cp, OW, (yC) => [Math.max(0, left - yC * sw), Math.min(fw, W + left - yC * sw)]);
  k.conv_fwd(xp, wp, yp, rp, cp, ...geometry(g, top, left));
  return readF32(k, yp, ySize);
}

/** cpuKernels.ts conv2dInputGradNhwc (Ci a multiple of 4). */
export function conv2dInputGradWasm(dy: Float32Array, w: Float32Array, g: WasmConvGeometry): Float32Array | null {
  const k = enabled ? load() : null;
  const { inHeight: H, inWidth: W, inChannels: ci, outChannels: co, outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  if (!k || ci % 4 !== 0) return null;
  const topPad = fh - 1 - g.padInfo.top;
  const leftPad = fw - 1 - g.padInfo.left;
  const dxSize = g.batchSize * H * W * ci;
  const [dp, wp, xp, rp, cp] = layout(k, [8 * dy.length, 8 * w.length, 4 * dxSize, 8 * H, 8 * W]);
  new Float64Array(k.memory.buffer, dp, dy.length).set(dy);
  // the filter transposed to [r, c, o, i], so a run of input channels is contiguous
  const wt = new Float64Array(k.memory.buffer, wp, w.length);
  for (let rc = 0; rc < fh * fw; rc++) {
    for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) wt[(rc * co + o) * ci + i] = w[(rc * ci + i) * co + o];
  }
  // the JS kernel's bounds: yR from max(0, ⌈(xR − topPad) / sh⌉) while yR < min(OH, (fh + xR − topPad) / sh)
  writeBounds(k, rp, H, (xR) => [Math.max(0, Math.ceil((xR - topPad) / sh)), Math.min(OH, Math.ceil((fh + xR - topPad) / sh))]);
  writeBounds(k, cp, W, (xC) => [Math.max(0, Math.ceil((xC - leftPad) / sw)), Math.min(OW, Math.ceil((fw + xC - leftPad) / sw))]);
  (ci % 8 === 0 ? k.conv_dx8 : k.conv_dx4)(dp, wp, xp, rp, cp, ...geometry(g, topPad, leftPad));
  return readF32(k, xp, dxSize);
}

/** cpuKernels.ts conv2dFilterGradNhwc's block path (Ci even, Co a multiple of 8). */
export function conv2dFilterGradWasm(x: Float32Array, dy: Float32Array, g: WasmConvGeometry): Float32Array | null {
  const k = enabled ? load() : null;
  const { inHeight: H, inWidth: W, inChannels: ci, outChannels: co, outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  if (!k || co % 8 !== 0 || ci % 2 !== 0) return null;
  const { top, left } = g.padInfo;
  const dwSize = fh * fw * ci * co;
  const [xp, dp, wp, rp, cp] = layout(k, [8 * x.length, 8 * dy.length, 4 * dwSize, 8 * fh, 8 * fw]);
  new Float64Array(k.memory.buffer, xp, x.length).set(x);
  new Float64Array(k.memory.buffer, dp, dy.length).set(dy);
  writeBounds(k, rp, fh, (r) => [Math.max(0, Math.ceil((top - r) / sh)), Math.min(OH, Math.ceil((H + top - r) / sh))]);
  writeBounds(k, cp, fw, (c) => [Math.max(0, Math.ceil((left - c) / sw)), Math.min(OW, Math.ceil((W + left - c) / sw))]);
  k.conv_dw(xp, dp, wp, rp, cp, ...geometry(g, top, left));
  return readF32(k, wp, dwSize);
}

/*
 * The depthwise kernels (cpuKernelsDepthwise.ts; channel multiplier 1, so Ci = Co = C): C even.
 * The sweeps take two f64x2 a step where C is a multiple of 4. `acc` is a scratch row of C float64.
 */

/** cpuKernelsDepthwise.ts depthwiseForward (C even). */
export function depthwiseForwardWasm(x: Float32Array, w: Float32Array, g: WasmConvGeometry): Float32Array | null {
  const k = enabled ? load() : null;
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  if (!k || C % 2 !== 0 || g.outChannels !== C) return null;
  const { top, left } = g.padInfo;
  const ySize = g.batchSize * OH * OW * C;
  const [xp, wp, yp, rp, cp, ap] = layout(k, [8 * x.length, 8 * w.length, 4 * ySize, 8 * OH, 8 * OW, 8 * C]);
  new Float64Array(k.memory.buffer, xp, x.length).set(x);
  new Float64Array(k.memory.buffer, wp, w.length).set(w);
  writeBounds(k, rp, OH, (yR) => [Math.max(0, top - yR * sh), Math.min(fh, H + top - yR * sh)]);
  writeBounds(k, cp, OW, (yC) => [Math.max(0, left - yC * sw), Math.min(fw, W + left - yC * sw)]);
  (C % 4 === 0 ? k.dw_fwd2 : k.dw_fwd1)(xp, wp, yp, rp, cp, ap, ...geometry(g, top, left));
  return readF32(k, yp, ySize);
}

/** cpuKernelsDepthwise.ts depthwiseInputGrad (C even). */
export function depthwiseInputGradWasm(dy: Float32Array, w: Float32Array, g: WasmConvGeometry): Float32Array | null {
  const k = enabled ? load() : null;
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  if (!k || C % 2 !== 0 || g.outChannels !== C) return null;
  const topPad = fh - 1 - g.padInfo.top;
  const leftPad = fw - 1 - g.padInfo.left;
  const dxSize = g.batchSize * H * W * C;
  const [dp, wp, xp, rp, cp, ap] = layout(k, [8 * dy.length, 8 * w.length, 4 * dxSize, 8 * H, 8 * W, 8 * C]);
  new Float64Array(k.memory.buffer, dp, dy.length).set(dy);
  new Float64Array(k.memory.buffer, wp, w.length).set(w);
  writeBounds(k, rp, H, (xR) => [Math.max(0, Math.ceil((xR - topPad) / sh)), Math.min(OH, Math.ceil((fh + xR - topPad) / sh))]);
  writeBounds(k, cp, W, (xC) => [Math.max(0, Math.ceil((xC - leftPad) / sw)), Math.min(OW, Math.ceil((fw + xC - leftPad) / sw))]);
  (C % 4 === 0 ? k.dw_dx2 : k.dw_dx1)(dp, wp, xp, rp, cp, ap, ...geometry(g, topPad, leftPad));
  return readF32(k, xp, dxSize);
}

/** cpuKernelsDepthwise.ts depthwiseFilterGrad (C even). */
export function depthwiseFilterGradWasm(x: Float32Array, dy: Float32Array, g: WasmConvGeometry): Float32Array | null {
  const k = enabled ? load() : null;
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  if (!k || C % 2 !== 0 || g.outChannels !== C) return null;
  const { top, left } = g.padInfo;
  const dwSize = fh * fw * C;
  const [xp, dp, wp, rp, cp, ap] = layout(k, [8 * x.length, 8 * dy.length, 4 * dwSize, 8 * fh, 8 * fw, 8 * C]);
  new Float64Array(k.memory.buffer, xp, x.length).set(x);
  new Float64Array(k.memory.buffer, dp, dy.length).set(dy);
  writeBounds(k, rp, fh, (r) => [Math.max(0, Math.ceil((top - r) / sh)), Math.min(OH, Math.ceil((H + top - r) / sh))]);
  writeBounds(k, cp, fw, (c) => [Math.max(0, Math.ceil((left - c) / sw)), Math.min(OW, Math.ceil((W + left - c) / sw))]);
  (C % 4 === 0 ? k.dw_dw2 : k.dw_dw1)(xp, dp, wp, rp, cp, ap, ...geometry(g, top, left));
  return readF32(k, wp, dwSize);
}
