import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { WASM_KERNELS_FILE, wasmKernelsModuleText } from '../scripts/gen-wasm-kernels';
import { Rng } from '../src/engine/core/rng';
import { installFastCpuKernels } from '../src/engine/nn/cpuKernels';
import { fastKernelHits, originalCpuKernel, resetFastKernelHits } from '../src/engine/nn/cpuKernelOverride';
import { setWasmConvEnabled, wasmConvAvailable } from '../src/engine/nn/wasm/convWasm';
import { BlockNetwork } from '../src/engine/nn/blockNetwork';
import { PathAdam } from '../src/engine/nn/blocks/optim';
import { CellNetwork } from '../src/engine/nn/cellNetwork';
import { defaultMacro } from '../src/engine/nn/macro';
import { PathSgd } from '../src/engine/nn/optim';
import { avgPool3x3 } from '../src/engine/nn/pool';
import { crossEntropy, l2 } from '../src/engine/nn/trainer';
import { blockPaths, defaultBlockSpace } from '../src/engine/spaces/blocks';
import { sampleCell } from '../src/engine/spaces/nb201';
import { cpu } from './helpers';

const rnd = (rng: Rng, shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1), 1), shape);

/**
 * [kernel, stride, height = width, in channels, out channels]: the step's shapes (8×8 / 4×4 / 2×2,
 * C 8–32, 3×3 and 1×1, stride 1 and 2), odd sizes and an odd batch (the input gradient pairs
 * images), and channel counts off the fast path (Conv2D needs a multiple of 8 output channels,
 * Conv2DBackpropInput a multiple of 4 input channels; otherwise they defer to tfjs-cpu).
 */
const CONV_CASES: [number, number, number, number, number][] = [
  [3, 1, 8, 3, 5],
  [3, 2, 7, 4, 6],
  [1, 1, 6, 5, 3],
  [3, 2, 8, 8, 16],
  [3, 1, 8, 8, 8],
  [3, 1, 4, 16, 16],
  [3, 1, 2, 32, 32],
  [1, 2, 8, 8, 16],
  [1, 1, 4, 16, 32],
  [3, 2, 5, 16, 8],
  [3, 1, 7, 8, 24],
  [3, 1, 8, 1, 8],
];
const fastForward = CONV_CASES.filter(([, , , , co]) => co % 8 === 0).length;
const fastInputGrad = CONV_CASES.filter(([, , , ci]) => ci % 4 === 0).length;
const wasmFilterGrad = CONV_CASES.filter(([, , , ci, co]) => ci % 2 === 0 && co % 8 === 0).length;

const TILE_CASES: [number[], number[]][] = [
  [[1, 1, 1, 8], [4, 5, 3, 1]],
  [[2, 3], [3, 2]],
  [[3, 1, 2], [1, 4, 1]],
  [[5], [1]],
];

const POOL_CASES: [number[], number, number, 'same' | 'valid'][] = [
  [[4, 8, 8, 8], 2, 2, 'same'],
  [[3, 4, 4, 16], 3, 1, 'same'],
  [[2, 5, 7, 3], 2, 2, 'same'],
  [[2, 5, 7, 3], 3, 2, 'valid'],
];

/** Every op whose cpu kernel is replaced, run through gradients so the backward kernels run too. */
function workload(rng: Rng): Float32Array[] {
  const out: Float32Array[] = [];
  for (const [k, s, hw, ci, co] of CONV_CASES) {
    const x = rnd(rng, [hw % 2 === 1 ? 3 : 4, hw, hw, ci]); // odd sizes with an odd batch
    const w = rnd(rng, [k, k, ci, co]);
    // ReLU first, as in the step: inputs with zeros (and −0 products).
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(tf.relu(a) as tf.Tensor4D, b as tf.Tensor4D, s, 'same'))))([x, w]);
    out.push(dx.dataSync() as Float32Array, dw.dataSync() as Float32Array);
  }
  // ReLU and its gradient on zeros, ±0, a NaN and ±Infinity as well as random values
  const rx = tf.concat([rnd(rng, [40]), tf.tensor([0, -0, NaN, Infinity, -Infinity, 1e-30, -1e-30])]);
  const rdy = tf.concat([rnd(rng, [40]), tf.tensor([-1, 2, 3, -4, 5, -6, 7])]);
  const [rg] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), rdy)))([rx]);
  out.push(tf.relu(rx).dataSync() as Float32Array, rg.dataSync() as Float32Array);
  // average pooling and its gradient: the reduction shortcut's 2×2 stride 2, avg_pool_3x3's
  // stride-1 3×3, odd sizes, 'valid'
  for (const [shape, k, st, pad] of POOL_CASES) {
    const px = rnd(rng, shape);
    const [pg] = tf.grads((a: tf.Tensor) => tf.sum(tf.square(tf.avgPool(a as tf.Tensor4D, k, st, pad))))([px]);
    out.push(tf.avgPool(px as tf.Tensor4D, k, st, pad).dataSync() as Float32Array, pg.dataSync() as Float32Array);
  }
  out.push(tf.grad((a: tf.Tensor) => tf.sum(tf.square(avgPool3x3(a as tf.Tensor4D))))(rnd(rng, [2, 5, 4, 8])).dataSync() as Float32Array);
  // Mean over leading axes (BatchNorm's moments) and Square, through their gradients; Mean over
  // other axes keeps tfjs-core's gradient
  for (const axes of [[0, 1, 2], [0], [1, 2]]) {
    const [mg] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(tf.mean(tf.square(a), axes), tf.mean(a, axes, true))))([rnd(rng, [3, 4, 5, 8])]);
    out.push(mg.dataSync() as Float32Array);
  }
  const [sq] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(tf.square(a), rdy)))([rx]);
  out.push(sq.dataSync() as Float32Array);
  for (const [shape, reps] of TILE_CASES) out.push(tf.tile(rnd(rng, shape), reps).dataSync() as Float32Array);
  // tf.batchNorm's gradient, which tiles 1/σ over the activation.
  const bx = rnd(rng, [4, 5, 3, 8]);
  const [gx, gg, gb] = tf.grads((a: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
    const m = tf.moments(a, [0, 1, 2]);
    return tf.sum(tf.square(tf.batchNorm4d(a as tf.Tensor4D, m.mean as tf.Tensor1D, m.variance as tf.Tensor1D, beta as tf.Tensor1D, gamma as tf.Tensor1D, 1e-5)));
  })([bx, rnd(rng, [8]), rnd(rng, [8])]);
  out.push(gx.dataSync() as Float32Array, gg.dataSync() as Float32Array, gb.dataSync() as Float32Array);
  const x = rnd(rng, [3, 4, 5, 6]);
  for (const other of [[6], [1, 1, 1, 6], [3, 1, 1, 1], [1, 4, 5, 6], [3, 4, 5, 6], []]) {
    const y = rnd(rng, other);
    out.push(tf.add(x, y).dataSync() as Float32Array, tf.sub(y, x).dataSync() as Float32Array);
    out.push(tf.mul(x, y).dataSync() as Float32Array, tf.div(x, tf.add(tf.abs(y), 1)).dataSync() as Float32Array);
  }
  for (const axes of [[0], [0, 1, 2], [0, 1], [3], [1, 2]]) {
    out.push(tf.sum(x, axes).dataSync() as Float32Array, tf.mean(x, axes, true).dataSync() as Float32Array);
  }
  const m = tf.moments(x, [0, 1, 2]);
  out.push(m.mean.dataSync() as Float32Array, m.variance.dataSync() as Float32Array);
  return out;
}

/**
 * The supernet's training step end to end (the digits macro skeleton, batch 16, a sampled path per
 * step, SGD with Nesterov momentum and L2): each step's loss and the path's weights afterwards.
 */
function supernetSteps(rng: Rng): Float32Array[] {
  const net = new CellNetwork(defaultMacro('digits'), rng.fork('net'), 'batch');
  const opt = new PathSgd(0.05, 0.9);
  const x = tf.tensor4d(rng.normalArray(16 * 8 * 8, 1), [16, 8, 8, 1]);
  const y = tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 10), 'int32');
  const out: Float32Array[] = [];
  for (let step = 0; step < 4; step++) {
    const cell = sampleCell(rng);
    const vars = net.pathVariables(cell);
    const loss = opt.minimize(() => tf.add(crossEntropy(net.forward(x, cell, 'train'), y), l2(vars, 5e-4)) as tf.Scalar, vars);
    out.push(loss.dataSync() as Float32Array, ...vars.map((v) => v.dataSync() as Float32Array));
  }
  net.dispose();
  return out.concat(studentSteps(rng));
}

/**
 * DNA's student step (block 2 of the default block space, MBConv layers with depthwise convs and
 * broadcast BatchNorm, MSE, PathAdam — with and without weight decay): losses and weights.
 */
function studentSteps(rng: Rng): Float32Array[] {
  const space = defaultBlockSpace('digits');
  const paths = blockPaths(space, 1);
  const out: Float32Array[] = [];
  for (const decay of [0, 1e-2]) {
    const net = new BlockNetwork(space, rng.fork(`student ${decay}`), 'running');
    const opt = new PathAdam(0.05, 0.9, 0.999, 1e-8, decay);
    const x = tf.tensor4d(rng.normalArray(4 * 8 * 8 * 8, 1), [4, 8, 8, 8]);
    const target = tf.tensor4d(rng.normalArray(4 * 4 * 4 * 16, 1), [4, 4, 4, 16]);
    for (let step = 0; step < 3; step++) {
      const ops = rng.choice(paths);
      const vars = net.studentVariables(1, ops);
      const loss = opt.minimize(() => tf.losses.meanSquaredError(target, net.student(1, x, ops, 'train')) as tf.Scalar, vars);
      out.push(loss.dataSync() as Float32Array, ...vars.map((v) => v.dataSync() as Float32Array));
    }
    opt.dispose();
    net.dispose();
  }
  return out;
}

describe('fast CPU kernels', () => {
  beforeAll(() => cpu(false));

  it('give bit-identical results to tfjs-backend-cpu on every replaced op', () => {
    const before = workload(new Rng(11));
    const stepsBefore = supernetSteps(new Rng(12));
    expect(fastKernelHits()).toEqual({});
    installFastCpuKernels();
    resetFastKernelHits();
    const after = workload(new Rng(11));
    expect(after.length).toBe(before.length);
    after.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(before[i])));
    // Equal results alone would also hold if every replacement deferred to the original kernel:
    // each one must have taken its fast path on this workload.
    const hits = fastKernelHits();
    for (const name of ['Add', 'Sub', 'Multiply', 'RealDiv', 'Sum', 'Mean', 'Conv2DBackpropFilter', 'Conv2D', 'Conv2DBackpropInput', 'NasFusedBatchNormGrad', 'Relu', 'NasReluGrad', 'AvgPool', 'AvgPoolGrad', 'NasMeanGrad', 'NasSquareGrad', 'FusedBatchNorm']) {
      expect(hits[name] ?? 0, `${name} fast-path hits`).toBeGreaterThan(0);
    }
    // One filter gradient per convolution; forward and input gradient only where the channel
    // count allows (the others went to tfjs-cpu's kernel: the fallback is tested too).
    expect(hits.Conv2DBackpropFilter).toBe(CONV_CASES.length);
    expect(hits.Conv2D).toBe(fastForward);
    expect(hits.Conv2DBackpropInput).toBe(fastInputGrad);
    expect(fastForward).toBeLessThan(CONV_CASES.length);
    // The WebAssembly kernels ran wherever their shape allows (the JS kernels elsewhere).
    expect(hits['Conv2D/wasm']).toBe(fastForward);
    expect(hits['Conv2DBackpropInput/wasm']).toBe(fastInputGrad);
    expect(hits['Conv2DBackpropFilter/wasm']).toBe(wasmFilterGrad);
    // the explicit tiles (batchNorm's gradient no longer tiles)
    expect(hits.Tile).toBe(TILE_CASES.length);
    expect(hits.NasFusedBatchNormGrad).toBe(1);

    // The supernet's and a DNA student's training steps through every replacement: the same
    // losses and weights.
    resetFastKernelHits();
    const stepsAfter = supernetSteps(new Rng(12));
    expect(stepsAfter.length).toBe(stepsBefore.length);
    stepsAfter.forEach((a, i) => expect(Array.from(a), `training step output ${i}`).toEqual(Array.from(stepsBefore[i])));
    const stepHits = fastKernelHits();
    for (const name of ['Conv2D', 'Conv2D/wasm', 'Conv2DBackpropInput', 'Conv2DBackpropInput/wasm', 'Conv2DBackpropFilter', 'Conv2DBackpropFilter/wasm', 'NasBatchNormTrain', 'NasBatchNormTrainGrad', 'NasBatchNormPlainTrain', 'NasBatchNormPlainTrainGrad', 'NasReluGrad', 'NasL2', 'NasL2Grad', 'AvgPool', 'AvgPoolGrad', 'DepthwiseConv2dNative', 'NasSgdUpdate', 'NasAdamUpdate']) {
      expect(stepHits[name] ?? 0, `${name} fast-path hits in the supernet steps`).toBeGreaterThan(0);
    }
  });

  it('avg_pool_3x3 has the gradient of its forward pass (padding excluded from the count)', () => {
    const rng = new Rng(3);
    const x = rnd(rng, [2, 5, 4, 3]) as tf.Tensor4D;
    const dy = rnd(rng, [2, 5, 4, 3]);
    const f = (t: tf.Tensor) => tf.sum(tf.mul(avgPool3x3(t as tf.Tensor4D), dy));
    const g = tf.grad(f)(x).dataSync();
    // central differences (float32 forward) at every input element
    const xv = x.dataSync().slice();
    const eps = 1e-2;
    for (let i = 0; i < xv.length; i++) {
      const plus = xv.slice();
      plus[i] += eps;
      const minus = xv.slice();
      minus[i] -= eps;
      const num = (f(tf.tensor(plus, x.shape)).dataSync()[0] - f(tf.tensor(minus, x.shape)).dataSync()[0]) / (2 * eps);
      expect(Math.abs(num - g[i])).toBeLessThan(2e-3);
    }
  });
});

/**
 * [batch, height = width, in channels, out channels, kernel, stride, padding]: the step's shapes
 * (batch 64), then odd ones — batch 1 and odd batches (the forward and input gradient pair
 * images), C = 3 in or out (off a wasm kernel's path: the JS kernel or tfjs-cpu runs), stride 2,
 * 'valid' and explicit padding, 12 input channels (the input gradient's four-channel variant).
 */
const WASM_CASES: [number, number, number, number, number, number, 'same' | 'valid' | number][] = [
  [64, 8, 8, 8, 3, 1, 'same'],
  [64, 4, 16, 16, 3, 1, 'same'],
  [64, 2, 32, 32, 3, 1, 'same'],
  [64, 8, 8, 16, 3, 2, 'same'],
  [64, 8, 8, 8, 1, 1, 'same'],
  [64, 4, 16, 32, 1, 1, 'same'],
  [64, 2, 32, 32, 1, 1, 'same'],
  [1, 5, 8, 8, 3, 1, 'valid'],
  [3, 7, 8, 16, 3, 2, 'valid'],
  [3, 7, 16, 8, 3, 2, 'same'],
  [2, 6, 3, 8, 3, 1, 'same'],
  [2, 5, 8, 3, 3, 1, 'same'],
  [5, 4, 4, 8, 1, 2, 'valid'],
  [2, 9, 12, 24, 3, 2, 'same'],
  [3, 6, 8, 8, 3, 1, 1],
  [1, 3, 8, 8, 3, 2, 'valid'],
];

/**
 * ±2^e with e in {−25, 0, 25}: products exact, sums spanning more than float64's 53 bits whose large terms often cancel, so a
 * sum taken in another order (which float64 accumulation hides from normal data almost always:
 * the difference seldom survives the final rounding to float32) gives other bits.
 */
/**
 * [batch, height = width, channels, kernel, stride, pad]: the MBConv depthwise layers of the block
 * networks (batch 16 / 32 / 64, cin·expansion 3 or 6 channels, 8×8 / 4×4 / 2×2, 3×3 / 5×5, stride
 * 1 / 2), then odd ones: C ≡ 2 mod 4 (one f64x2 a step), odd C (the JS kernel), 'valid', a
 * numeric pad, a 1×1 image.
 */
const DW_CASES: [number, number, number, number, number, 'same' | 'valid' | number][] = [
  [16, 8, 24, 3, 1, 'same'],
  [32, 8, 48, 5, 1, 'same'],
  [64, 8, 48, 3, 2, 'same'],
  [16, 4, 72, 5, 1, 'same'],
  [64, 4, 96, 3, 1, 'same'],
  [32, 4, 144, 5, 2, 'same'],
  [64, 2, 144, 3, 1, 'same'],
  [16, 2, 96, 5, 1, 'same'],
  [3, 7, 6, 3, 2, 'valid'],
  [3, 7, 18, 5, 2, 'same'],
  [2, 6, 10, 5, 2, 'same'],
  [2, 5, 9, 3, 1, 'same'],
  [2, 5, 8, 3, 1, 1],
  [1, 1, 4, 3, 1, 'same'],
];

const wide = (rng: Rng, shape: number[]) =>
  tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng.next() < 0.5 ? -1 : 1) * 2 ** (25 * (rng.int(3) - 1))), shape);

const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

describe('WebAssembly convolution kernels', () => {
  beforeAll(async () => {
    await cpu(false);
    installFastCpuKernels();
  });

  it('the committed module is the one scripts/gen-wasm-kernels.ts generates', () => {
    expect(readFileSync(WASM_KERNELS_FILE, 'utf8'), `${WASM_KERNELS_FILE} is stale: run npx tsx scripts/gen-wasm-kernels.ts`).toBe(wasmKernelsModuleText());
  });

  it('are skipped, not fatal, where the module cannot be compiled (a page policy without wasm-unsafe-eval)', async () => {
    vi.resetModules();
    const { Memory, Instance, CompileError } = WebAssembly;
    let refused = 0;
    vi.stubGlobal('WebAssembly', {
      Memory,
      Instance,
      CompileError,
      Module: function () {
        refused++;
        throw new CompileError("Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source");
      },
    });
    try {
      const fresh = await import('../src/engine/nn/wasm/convWasm');
      const g = tf.backend_util.computeConv2DInfo([2, 4, 4, 8], [3, 3, 8, 8], 1, 1, 'same');
      expect(fresh.wasmConvAvailable()).toBe(false);
      expect(fresh.conv2dForwardWasm(new Float32Array(256), new Float32Array(576), g)).toBeNull();
      expect(fresh.conv2dInputGradWasm(new Float32Array(256), new Float32Array(576), g)).toBeNull();
      expect(fresh.conv2dFilterGradWasm(new Float32Array(256), new Float32Array(256), g)).toBeNull();
      const d = tf.backend_util.computeConv2DInfo([2, 4, 4, 8], [3, 3, 8, 1], 1, 1, 'same', undefined, true);
      expect(fresh.depthwiseForwardWasm(new Float32Array(256), new Float32Array(72), d)).toBeNull();
      expect(fresh.depthwiseInputGradWasm(new Float32Array(256), new Float32Array(72), d)).toBeNull();
      expect(fresh.depthwiseFilterGradWasm(new Float32Array(256), new Float32Array(256), d)).toBeNull();
      expect(refused).toBe(1); // tried once, not on every call
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });

  it('give the bits of tfjs-cpu\'s kernel and of the JS kernel, on the step\'s shapes and odd ones', () => {
    expect(wasmConvAvailable()).toBe(true); // Node 20 has wasm SIMD: a silent JS fallback would pass the rest
    const backend = tf.backend();
    const original = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) => {
      const out = originalCpuKernel(name)!.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
      const v = backend.readSync(out.dataId) as Float32Array;
      backend.disposeData(out.dataId);
      return v;
    };
    const registered = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>, wasm: boolean) => {
      setWasmConvEnabled(wasm);
      resetFastKernelHits();
      try {
        const t = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
        const v = t.dataSync() as Float32Array;
        t.dispose();
        return { v, hits: fastKernelHits() };
      } finally {
        setWasmConvEnabled(true);
      }
    };
    const rng = new Rng(21);
    const ran = { Conv2D: 0, Conv2DBackpropInput: 0, Conv2DBackpropFilter: 0 };
    for (const [[batch, hw, ci, co, k, s, pad], data] of WASM_CASES.flatMap((c) => [[c, rnd], [c, wide]] as const)) {
      const label = `${batch}×${hw}×${hw}×${ci} → ${co}, ${k}×${k} stride ${s} pad ${pad}, ${data === wide ? 'wide-range' : 'normal'} data`;
      tf.tidy(() => {
        const x = tf.relu(data(rng, [batch, hw, hw, ci])); // zeros and −0 products, as in the step
        const w = data(rng, [k, k, ci, co]);
        const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], [k, k, ci, co], s, 1, pad);
        const dy = data(rng, [batch, info.outHeight, info.outWidth, co]);
        const common = { strides: [s, s], pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
        const calls: [keyof typeof ran, Record<string, tf.Tensor>, Record<string, unknown>, boolean][] = [
          ['Conv2D', { x, filter: w }, { ...common, dilations: [1, 1] }, co % 8 === 0],
          ['Conv2DBackpropInput', { dy, filter: w }, { ...common, inputShape: x.shape }, ci % 4 === 0],
          ['Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: [k, k, ci, co] }, ci % 2 === 0 && co % 8 === 0],
        ];
        for (const [name, inputs, attrs, onPath] of calls) {
          const want = bits(original(name, inputs, attrs));
          const js = registered(name, inputs, attrs, false);
          const wasm = registered(name, inputs, attrs, true);
          expect(js.hits[`${name}/wasm`], `${name} ${label}: the JS kernel ran`).toBeUndefined();
          expect(wasm.hits[`${name}/wasm`], `${name} ${label}: the wasm kernel ran`).toBe(onPath ? 1 : undefined);
          expect(bits(js.v), `${name} ${label}: JS kernel against tfjs-cpu`).toEqual(want);
          expect(bits(wasm.v), `${name} ${label}: wasm kernel against tfjs-cpu`).toEqual(want);
          if (onPath) ran[name]++;
        }
      });
    }
    expect(Object.values(ran).every((n) => n >= 16), JSON.stringify(ran)).toBe(true);
  });

  it('depthwise: give the bits of tfjs-cpu\'s kernel and of the JS kernel, on the block networks\' shapes and odd ones', () => {
    expect(wasmConvAvailable()).toBe(true);
    const backend = tf.backend();
    const original = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) => {
      const out = originalCpuKernel(name)!.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
      const v = backend.readSync(out.dataId) as Float32Array;
      backend.disposeData(out.dataId);
      return v;
    };
    const registered = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>, wasm: boolean) => {
      setWasmConvEnabled(wasm);
      resetFastKernelHits();
      try {
        const t = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
        const v = t.dataSync() as Float32Array;
        t.dispose();
        return { v, hits: fastKernelHits() };
      } finally {
        setWasmConvEnabled(true);
      }
    };
    const rng = new Rng(22);
    const ran = { DepthwiseConv2dNative: 0, DepthwiseConv2dNativeBackpropInput: 0, DepthwiseConv2dNativeBackpropFilter: 0 };
    for (const [[batch, hw, c, k, s, pad], data] of DW_CASES.flatMap((d) => [[d, rnd], [d, wide]] as const)) {
      const label = `${batch}×${hw}×${hw}×${c}, ${k}×${k} stride ${s} pad ${pad}, ${data === wide ? 'wide-range' : 'normal'} data`;
      tf.tidy(() => {
        const x = tf.relu(data(rng, [batch, hw, hw, c]));
        const w = data(rng, [k, k, c, 1]);
        const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], [k, k, c, 1], s, 1, pad, undefined, true);
        const dy = data(rng, [batch, info.outHeight, info.outWidth, c]);
        const common = { strides: [s, s], pad, dilations: [1, 1], dimRoundingMode: undefined };
        const calls: [keyof typeof ran, Record<string, tf.Tensor>, Record<string, unknown>][] = [
          ['DepthwiseConv2dNative', { x, filter: w }, common],
          ['DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...common, inputShape: x.shape }],
          ['DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape: [k, k, c, 1] }],
        ];
        const onPath = c % 2 === 0;
        for (const [name, inputs, attrs] of calls) {
          const want = bits(original(name, inputs, attrs));
          const js = registered(name, inputs, attrs, false);
          const wasm = registered(name, inputs, attrs, true);
          expect(js.hits[name], `${name} ${label}: the fast kernel ran`).toBe(1);
          expect(js.hits[`${name}/wasm`], `${name} ${label}: the JS kernel ran`).toBeUndefined();
          expect(wasm.hits[`${name}/wasm`], `${name} ${label}: the wasm kernel ran`).toBe(onPath ? 1 : undefined);
          expect(bits(js.v), `${name} ${label}: JS kernel against tfjs-cpu`).toEqual(want);
          expect(bits(wasm.v), `${name} ${label}: wasm kernel against tfjs-cpu`).toEqual(want);
          if (onPath) ran[name]++;
        }
      });
    }
    expect(Object.values(ran).every((n) => n >= 24), JSON.stringify(ran)).toBe(true);
  });
});
