/**
 * npx tsx --import ./scripts/tfjs-es2017.mjs scripts/bench-wasm-kernels.ts [--reps N]: each
 * convolution kernel alone, JS (src/engine/nn/cpuKernels.ts, and cpuKernelsDepthwise.ts for the
 * depthwise ones) against WebAssembly SIMD
 * (src/engine/nn/wasm/convWasm.ts), on a training step's shapes (batch 64, NHWC). Checks the two
 * agree bit for bit, then prints the median time of each (copies into and out of the wasm memory
 * included) and the ratio.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dFilterGradNhwc, conv2dForwardNhwc, conv2dInputGradNhwc } from '../src/engine/nn/cpuKernels';
import { depthwiseFilterGrad, depthwiseForward, depthwiseInputGrad } from '../src/engine/nn/cpuKernelsDepthwise';
import { conv2dFilterGradWasm, conv2dForwardWasm, conv2dInputGradWasm, depthwiseFilterGradWasm, depthwiseForwardWasm, depthwiseInputGradWasm } from '../src/engine/nn/wasm/convWasm';

const argReps = process.argv.indexOf('--reps');
const REPS = argReps > 0 ? Number(process.argv[argReps + 1]) : 30;

/** [kernel, stride, height = width, in channels, out channels] */
const SHAPES: [number, number, number, number, number][] = [
  [3, 1, 8, 8, 8],
  [3, 1, 4, 16, 16],
  [3, 1, 2, 32, 32],
  [3, 2, 8, 8, 16],
  [1, 1, 8, 8, 8],
  [1, 1, 4, 16, 16],
  [1, 1, 2, 32, 32],
];

function random(n: number, seed: number, zeros: boolean): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const v = (s / 2 ** 32) * 2 - 1;
    a[i] = zeros && v < 0 ? 0 : v; // a post-ReLU input: half zeros
  }
  return a;
}

function median(f: () => unknown): number {
  for (let i = 0; i < 5; i++) f();
  const t: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

console.log(`batch 64, median of ${REPS} (ms)`);
console.log('shape                      kernel          JS     wasm   JS/wasm');
const totals = { js: 0, wasm: 0 };
for (const [k, s, hw, ci, co] of SHAPES) {
  const info = tf.backend_util.computeConv2DInfo([64, hw, hw, ci], [k, k, ci, co], s, 1, 'same', undefined, false, 'channelsLast');
  const x = random(64 * hw * hw * ci, 1, true);
  const w = random(k * k * ci * co, 2, false);
  const dy = random(64 * info.outHeight * info.outWidth * co, 3, false);
  const runs: [string, () => Float32Array, () => Float32Array | null][] = [
    ['Conv2D', () => conv2dForwardNhwc(x, w, info), () => conv2dForwardWasm(x, w, info)],
    ['BackpropInput', () => conv2dInputGradNhwc(dy, w, info), () => conv2dInputGradWasm(dy, w, info)],
    ['BackpropFilter', () => conv2dFilterGradNhwc(x, dy, info), () => conv2dFilterGradWasm(x, dy, info)],
  ];
  for (const [name, js, wasm] of runs) {
    const a = js();
    const b = wasm();
    if (!b) throw new Error(`${name}: wasm unavailable for this shape`);
    if (!same(a, b)) throw new Error(`${name} ${k}x${k} s${s} ${hw}x${hw}x${ci}->${co}: wasm differs from JS`);
    const tj = median(js);
    const tw = median(wasm);
    if (k === 3) {
      totals.js += tj;
      totals.wasm += tw;
    }
    console.log(`${`${k}x${k} s${s} ${hw}x${hw}x${ci}->${co}`.padEnd(26)} ${name.padEnd(14)} ${tj.toFixed(3).padStart(6)} ${tw.toFixed(3).padStart(7)} ${(tj / tw).toFixed(2).padStart(8)}`);
  }
}
console.log(`3x3 shapes, all three kernels: JS ${totals.js.toFixed(2)} ms, wasm ${totals.wasm.toFixed(2)} ms, ${(totals.js / totals.wasm).toFixed(2)}x`);

/** depthwise: [kernel, stride, height = width, channels] — the MBConv layers' shapes */
const DW_SHAPES: [number, number, number, number][] = [
  [3, 1, 8, 48],
  [5, 1, 8, 48],
  [3, 2, 8, 96],
  [3, 1, 4, 96],
  [5, 1, 4, 96],
  [5, 2, 4, 144],
  [3, 1, 2, 144],
  [5, 1, 2, 144],
  [3, 1, 8, 18],
];
const dwTotals = { js: 0, wasm: 0 };
console.log('depthwise, batch 64');
for (const [k, s, hw, c] of DW_SHAPES) {
  const info = tf.backend_util.computeConv2DInfo([64, hw, hw, c], [k, k, c, 1], s, 1, 'same', undefined, true, 'channelsLast');
  const x = random(64 * hw * hw * c, 1, true);
  const w = random(k * k * c, 2, false);
  const dy = random(64 * info.outHeight * info.outWidth * c, 3, false);
  const runs: [string, () => Float32Array, () => Float32Array | null][] = [
    ['Depthwise', () => depthwiseForward(x, w, info), () => depthwiseForwardWasm(x, w, info)],
    ['BackpropInput', () => depthwiseInputGrad(dy, w, info), () => depthwiseInputGradWasm(dy, w, info)],
    ['BackpropFilter', () => depthwiseFilterGrad(x, dy, info), () => depthwiseFilterGradWasm(x, dy, info)],
  ];
  for (const [name, js, wasm] of runs) {
    const a = js();
    const b = wasm();
    if (!b) throw new Error(`${name}: wasm unavailable for this shape`);
    if (!same(a, b)) throw new Error(`depthwise ${name} ${k}x${k} s${s} ${hw}x${hw}x${c}: wasm differs from JS`);
    const tj = median(js);
    const tw = median(wasm);
    dwTotals.js += tj;
    dwTotals.wasm += tw;
    console.log(`${`dw ${k}x${k} s${s} ${hw}x${hw}x${c}`.padEnd(26)} ${name.padEnd(14)} ${tj.toFixed(3).padStart(6)} ${tw.toFixed(3).padStart(7)} ${(tj / tw).toFixed(2).padStart(8)}`);
  }
}
console.log(`depthwise shapes, all three kernels: JS ${dwTotals.js.toFixed(2)} ms, wasm ${dwTotals.wasm.toFixed(2)} ms, ${(dwTotals.js / dwTotals.wasm).toFixed(2)}x`);
