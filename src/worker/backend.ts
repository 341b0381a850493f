import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { Dataset } from '../engine/data/datasets';
import { StopRequested } from '../engine/core/runLoop';
import { measureSupernetThroughput } from '../engine/evaluate/throughput';
import { installFastCpuKernels } from '../engine/nn/cpuKernels';
import type { BackendChoice, BackendName, BackendRate, BackendReport } from './protocol';

const ORDER: BackendName[] = ['webgpu', 'webgl', 'cpu'];

/** The calibration: the run's own code path (SupernetEvaluator.train) on the digits supernet, batch 64. */
export const CALIBRATION = { steps: 2, warmup: 1, batchSize: 64, coverOps: false } as const;
/**
 * A backend still warming up after this long (and 10 CPU steps) is not kept: a software renderer
 * compiles its shaders for tens of seconds, a real GPU's warm-up takes a few.
 */
const GPU_DEADLINE_MS = 6000;

/**
 * Starts a backend for the worker.
 *
 * A forced choice is tried first and, if it fails, the next one down (webgpu → webgl → cpu), so the
 * worker always ends up running. 'auto' does not trust the order: a browser's WebGL or WebGPU may
 * be a software renderer (SwiftShader) several times slower than the CPU backend, so every backend
 * that starts is timed on a few real training steps and the fastest is kept. The page remembers
 * the winner per browser and passes it back as `remembered`, which is started without measuring.
 * A lone usable backend is not timed here: the worker times it after 'ready' for the estimates.
 */
export async function chooseBackend(
  choice: BackendChoice,
  calibrationData: () => Promise<Dataset>,
  opts: { remembered?: BackendName | null; timeSoftware?: boolean } = {},
): Promise<BackendReport> {
  const { remembered, timeSoftware = false } = opts;
  const skipped: string[] = [];
  const base = { tfjsVersion: tf.version.tfjs };
  if (choice !== 'auto') {
    for (const name of ORDER.slice(ORDER.indexOf(choice))) {
      const why = await tryStart(name);
      if (!why) return { ...base, name, skipped, forced: true };
      skipped.push(`${name}: ${why}`);
    }
    throw new Error(`no backend could start: ${skipped.join('; ')}`);
  }
  if (remembered && ORDER.includes(remembered) && !(await tryStart(remembered))) return { ...base, name: remembered, skipped, forced: false, remembered: true };

  const usable: BackendName[] = [];
  for (const name of ORDER) {
    // A software renderer's shaders take tens of seconds to compile and its steps run slower than
    // the CPU backend's (docs/benchmarks.md), so it is not timed unless asked for.
    const software = name === 'cpu' || timeSoftware ? null : await softwareRenderer(name);
    if (software) {
      skipped.push(`${name}: a software renderer (${software}), slower than the cpu backend; not timed`);
      continue;
    }
    const why = await tryStart(name);
    if (why) skipped.push(`${name}: ${why}`);
    else usable.push(name);
  }
  if (usable.length === 0) throw new Error(`no backend could start: ${skipped.join('; ')}`);
  // Nothing to choose between: the worker times it after 'ready', so the page is not kept waiting.
  if (usable.length === 1) return { ...base, name: usable[0], skipped, forced: false };

  const data = await calibrationData();
  const measured: BackendRate[] = [];
  // CPU first: it is always there and quick, and it bounds how long the others may take.
  const order = [...usable].sort((a, b) => (a === 'cpu' ? -1 : b === 'cpu' ? 1 : 0));
  for (const name of order) {
    // Started and smoke-tested above (the CPU's fast kernels installed then): switching back is all it needs.
    await tf.setBackend(name);
    const cpu = measured.find((m) => m.name === 'cpu');
    const deadlineMs = name === 'cpu' || !cpu ? undefined : Math.max(GPU_DEADLINE_MS, 10 * cpu.msPerStep);
    try {
      const r = await measureSupernetThroughput(data, { ...CALIBRATION, deadlineMs });
      measured.push({ name, msPerStep: r.msPerStep });
    } catch (err) {
      if (err instanceof StopRequested) skipped.push(`${name}: still warming up after ${(deadlineMs! / 1000).toFixed(0)} s (cpu: ${cpu!.msPerStep.toFixed(0)} ms per training step)`);
      else skipped.push(`${name}: the calibration steps failed (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  if (measured.length === 0) throw new Error(`no backend could train: ${skipped.join('; ')}`);
  measured.sort((a, b) => a.msPerStep - b.msPerStep);
  const best = measured[0];
  for (const m of measured.slice(1)) skipped.push(`${m.name}: measured ${m.msPerStep.toFixed(0)} ms per training step, slower than ${best.name}'s ${best.msPerStep.toFixed(0)} ms`);
  await tf.setBackend(best.name);
  return { ...base, name: best.name, skipped, forced: false, measured, measuredAt: new Date().toISOString() };
}

/** The renderer's name when `name` would run on a software rasteriser (SwiftShader, llvmpipe …), else null. */
async function softwareRenderer(name: BackendName): Promise<string | null> {
  const soft = /swiftshader|llvmpipe|softpipe|basic render driver|software/i;
  try {
    if (name === 'webgpu') {
      const adapter = await webgpuAdapter();
      if (!adapter) return null;
      const info = adapter.info ?? {};
      const label = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
      return adapter.isFallbackAdapter || soft.test(label) ? label || 'a fallback adapter' : null;
    }
    if (name === 'webgl' && typeof OffscreenCanvas !== 'undefined') {
      const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
      if (!gl) return null;
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      gl.getExtension('WEBGL_lose_context')?.loseContext();
      return soft.test(renderer) ? renderer.slice(0, 80) : null;
    }
  } catch {
    // Unknown: time it like any other backend.
  }
  return null;
}

/** Makes `name` the active backend; returns why not, or null once it is running and can train. */
async function tryStart(name: BackendName): Promise<string | null> {
  const why = await unavailable(name);
  if (why) return why;
  try {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error('setBackend returned false');
    await tf.ready();
    await smokeTest();
    if (name === 'cpu') installFastCpuKernels();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

type Adapter = { isFallbackAdapter?: boolean; info?: { vendor?: string; architecture?: string; description?: string } };
const gpu = () => (navigator as unknown as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
let adapterRequest: Promise<Adapter | null> | null = null;

/** The WebGPU adapter, asked for once per worker: the availability check and the renderer check share it. */
function webgpuAdapter(): Promise<Adapter | null> {
  adapterRequest ??= gpu()?.requestAdapter().catch(() => null) ?? Promise.resolve(null);
  return adapterRequest;
}

async function unavailable(name: BackendName): Promise<string | null> {
  if (name === 'webgpu') {
    if (!gpu()) return 'navigator.gpu is missing (WebGPU not enabled in this browser)';
    if (!(await webgpuAdapter())) return 'no WebGPU adapter was offered';
  }
  if (name === 'webgl' && typeof OffscreenCanvas === 'undefined') return 'OffscreenCanvas is missing in this worker';
  return null;
}

/** One tiny conv forward/backward, so a backend that registers but cannot train is skipped. */
async function smokeTest(): Promise<void> {
  const r = tf.tidy(() => {
    const x = tf.ones([1, 4, 4, 1]);
    const w = tf.variable(tf.ones([3, 3, 1, 2]));
    const g = tf.variableGrads(() => tf.sum(tf.conv2d(x as tf.Tensor4D, w as unknown as tf.Tensor4D, 1, 'same')) as tf.Scalar, [w]);
    const out = g.grads[w.name].sum();
    w.dispose();
    return out;
  });
  const v = (await r.data())[0];
  r.dispose();
  if (!Number.isFinite(v) || v <= 0) throw new Error(`smoke test gave ${v}`);
}
