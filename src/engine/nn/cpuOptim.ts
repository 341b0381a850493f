import * as tf from '@tensorflow/tfjs';
import { countFastKernelHit, f32, type CpuBackend } from './cpuKernelOverride';

/**
 * The optimizers' updates as one CPU kernel per variable (issue #16), in place of the chain of
 * tf ops PathSgd and PathAdam run on other backends: five to eleven kernels per variable, each
 * with its own output array, and ~40 variables a step. Bit-identical to the chain: every
 * intermediate that a tf op of the chain stores as float32 is rounded here with Math.fround at
 * the same point, with the same float32 constants (a number passed to a tf op becomes a float32
 * scalar tensor), in the same order; test/cpuKernels checks each kernel against its chain and
 * whole training steps with and without it.
 */
export const SGD_KERNEL = 'NasSgdUpdate';
export const ADAM_KERNEL = 'NasAdamUpdate';

let installed = false;
let enabled = true;

/** Turns the fused updates and L2 term off (the op chains run) or back on: for tests that compare the two. */
export function setFusedOptimizerEnabled(on: boolean): void {
  enabled = on;
}

export function installFusedOptimizerKernels(): void {
  if (installed || !tf.getKernel('Multiply', 'cpu')) return;
  tf.registerKernel({ kernelName: SGD_KERNEL, backendName: 'cpu', kernelFunc: ({ inputs, backend, attrs }) => sgdKernel(inputs as Record<string, tf.TensorInfo>, backend as unknown as CpuBackend, attrs as never) });
  tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'cpu', kernelFunc: ({ inputs, backend, attrs }) => adamKernel(inputs as never, backend as unknown as CpuBackend, attrs as never) });
  installed = true;
}

/** Whether `kernel` runs for these tensors: the CPU backend with the kernel installed, float32 throughout. */
export function fusedUpdateApplies(kernel: string, ...ts: tf.Tensor[]): boolean {
  return enabled && tf.getBackend() === 'cpu' && tf.getKernel(kernel, 'cpu') !== undefined && ts.every((t) => t.dtype === 'float32' && tf.util.arraysEqual(t.shape, ts[0].shape));
}

export interface SgdAttrs { momentum: number; lr: number; nesterov: boolean }

/**
 * PathSgd's chain for each variable k of a step (inputs v{k}, buf{k}, g{k}): m = buf·μ + g;
 * update = g + m·μ (Nesterov) or m; v − update·lr. One kernel for the whole step (one dispatch
 * instead of one per variable); returns [m₀, new v₀, m₁, new v₁, …]. Counted once per variable.
 */
function sgdKernel(inputs: Record<string, tf.TensorInfo>, backend: CpuBackend, attrs: SgdAttrs): tf.TensorInfo[] {
  const outs: tf.TensorInfo[] = [];
  for (let k = 0; inputs[`v${k}`] !== undefined; k++) {
    const [m, next] = sgdUpdate(f32(backend, inputs[`v${k}`]), f32(backend, inputs[`buf${k}`]), f32(backend, inputs[`g${k}`]), attrs);
    const shape = inputs[`v${k}`].shape;
    outs.push(backend.makeTensorInfo(shape, 'float32', m), backend.makeTensorInfo(shape, 'float32', next));
    countFastKernelHit(SGD_KERNEL);
  }
  return outs;
}

function sgdUpdate(v: Float32Array, buf: Float32Array, g: Float32Array, attrs: SgdAttrs): [Float32Array, Float32Array] {
  const f = Math.fround;
  const mu = f(attrs.momentum);
  const lr = f(attrs.lr);
  const n = v.length;
  const m = new Float32Array(n);
  const next = new Float32Array(n);
  if (attrs.nesterov) {
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const mi = f(f(buf[i] * mu) + gi); // add(mul(buf, μ), g)
      m[i] = mi;
      next[i] = v[i] - f(f(gi + f(mi * mu)) * lr); // sub(v, mul(add(g, mul(m, μ)), lr)); the store rounds
    }
  } else {
    for (let i = 0; i < n; i++) {
      const mi = f(f(buf[i] * mu) + g[i]);
      m[i] = mi;
      next[i] = v[i] - f(mi * lr);
    }
  }
  return [m, next];
}

export interface AdamAttrs { beta1: number; beta2: number; eps: number; stepSize: number; decay: number }

/**
 * PathAdam's chain: m = m·β₁ + g·(1 − β₁); v = v·β₂ + g²·(1 − β₂);
 * w − m / (√v + ε) · stepSize, then − w·decay where decay ≠ 0 (AdamW on kernels; `decay` is
 * lr·weightDecay, w the weights before the update). Returns [m, v, new w].
 */
function adamKernel(inputs: Record<'w' | 'm' | 'v' | 'g', tf.TensorInfo>, backend: CpuBackend, attrs: AdamAttrs): tf.TensorInfo[] {
  const w = f32(backend, inputs.w);
  const m0 = f32(backend, inputs.m);
  const v0 = f32(backend, inputs.v);
  const g = f32(backend, inputs.g);
  const f = Math.fround;
  const b1 = f(attrs.beta1);
  const c1 = f(1 - attrs.beta1);
  const b2 = f(attrs.beta2);
  const c2 = f(1 - attrs.beta2);
  const eps = f(attrs.eps);
  const step = f(attrs.stepSize);
  const n = w.length;
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  const next = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = f(f(m0[i] * b1) + f(gi * c1));
    const vi = f(f(v0[i] * b2) + f(f(gi * gi) * c2));
    m[i] = mi;
    v[i] = vi;
    next[i] = w[i] - f(f(mi / f(f(Math.sqrt(vi)) + eps)) * step);
  }
  if (attrs.decay !== 0) {
    const d = f(attrs.decay);
    for (let i = 0; i < n; i++) next[i] = next[i] - f(w[i] * d);
  }
  countFastKernelHit(ADAM_KERNEL);
  const shape = inputs.w.shape;
  return [backend.makeTensorInfo(shape, 'float32', m), backend.makeTensorInfo(shape, 'float32', v), backend.makeTensorInfo(shape, 'float32', next)];
}

/**
 * The L2 term of the supernets' losses, ½·wd·Σ‖w‖² (trainer.ts l2: per kernel Square and Sum,
 * then AddN and a Multiply — and backward the Multiply's, AddN's, Sum's and Square's gradients,
 * with a clone per saved tensor: ~8 kernels a variable), as one CPU kernel forward and one
 * backward. Forward: each Σ w² in float64 over float32 squares, rounded, added up in float32 as
 * AddN does, times ½·wd as a float32. Backward: each kernel's gradient dy·(½·wd) · (w·2), rounded
 * where the chain's kernels store — one tensor per kernel, which the tape adds to that kernel's
 * other gradients at the same point as the chain's (the term is recorded as one op where the
 * chain's ops were), so the sums keep their order.
 */
export const L2_KERNEL = 'NasL2';
export const L2_GRAD_KERNEL = 'NasL2Grad';

let l2Installed = false;

export function installFusedL2(): void {
  if (l2Installed || !tf.getKernel('Multiply', 'cpu')) return;
  tf.registerKernel({
    kernelName: L2_KERNEL,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const be = backend as unknown as CpuBackend;
      const f = Math.fround;
      let total = 0;
      for (const t of Object.values(inputs as Record<string, tf.TensorInfo>)) {
        const w = f32(be, t);
        let sum = 0;
        for (let i = 0; i < w.length; i++) sum += f(w[i] * w[i]); // sum(square(w))
        total = f(total + f(sum)); // addN
      }
      countFastKernelHit(L2_KERNEL);
      return be.makeTensorInfo([], 'float32', Float32Array.of(f((attrs as { scale: number }).scale) * total)); // mul(½·wd, ·)
    },
  });
  tf.registerKernel({
    kernelName: L2_GRAD_KERNEL,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const be = backend as unknown as CpuBackend;
      const f = Math.fround;
      const { dy, ...ws } = inputs as Record<string, tf.TensorInfo>;
      // mul's gradient dy·(½·wd); AddN's and Sum's pass it on (a clone, a product with ones)
      const c = f(f32(be, dy)[0] * f((attrs as { scale: number }).scale));
      const outs: tf.TensorInfo[] = [];
      for (let k = 0; k < Object.keys(ws).length; k++) {
        const t = ws[`w${k}`];
        const w = f32(be, t);
        const g = new Float32Array(w.length);
        for (let i = 0; i < w.length; i++) g[i] = c * f(w[i] * 2); // Square's gradient, rounded on store
        outs.push(be.makeTensorInfo(t.shape, 'float32', g));
      }
      countFastKernelHit(L2_GRAD_KERNEL);
      return outs;
    },
  });
  tf.registerGradient({
    kernelName: L2_KERNEL,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const inputs: Record<string, tf.Tensor> = { dy: dy as tf.Tensor };
      saved.forEach((w, k) => (inputs[`w${k}`] = w));
      const grads = tf.engine().runKernel(L2_GRAD_KERNEL, inputs, attrs as tf.NamedAttrMap) as tf.Tensor[];
      return Object.fromEntries(grads.map((g, k) => [k, () => g]));
    },
  });
  l2Installed = true;
}

/** scale·Σ‖w‖² (scale = ½·wd) as trainer.ts's l2 computes it, as one kernel on the CPU backend; null elsewhere (the chain runs). */
export function fusedL2(kernels: tf.Tensor[], scale: number): tf.Scalar | null {
  if (!enabled || kernels.length === 0 || tf.getBackend() !== 'cpu' || tf.getKernel(L2_KERNEL, 'cpu') === undefined || kernels.some((k) => k.dtype !== 'float32')) return null;
  return tf.engine().runKernel(L2_KERNEL, kernels as unknown as tf.NamedTensorMap, { scale }) as tf.Scalar;
}
