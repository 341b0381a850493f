import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { installFastCpuKernels } from '../engine/nn/cpuKernels';
import type { BackendChoice, BackendName, BackendReport } from './protocol';

const ORDER: BackendName[] = ['webgpu', 'webgl', 'cpu'];

/**
 * Picks webgpu → webgl → cpu, recording why each faster one was skipped. A forced choice that
 * fails is reported, then the next one down is tried, so the worker always ends up running.
 */
export async function chooseBackend(choice: BackendChoice): Promise<BackendReport> {
  const skipped: string[] = [];
  const start = choice === 'auto' ? 0 : ORDER.indexOf(choice);
  for (const name of ORDER.slice(start)) {
    const why = await unavailable(name);
    if (why) {
      skipped.push(`${name}: ${why}`);
      continue;
    }
    try {
      const ok = await tf.setBackend(name);
      if (!ok) throw new Error('setBackend returned false');
      await tf.ready();
      await smokeTest();
      if (name === 'cpu') installFastCpuKernels();
      return { name, skipped, forced: choice !== 'auto', tfjsVersion: tf.version.tfjs };
    } catch (err) {
      skipped.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new Error(`no backend could start: ${skipped.join('; ')}`);
}

async function unavailable(name: BackendName): Promise<string | null> {
  if (name === 'webgpu') {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    if (!gpu) return 'navigator.gpu is missing (WebGPU not enabled in this browser)';
    const adapter = await gpu.requestAdapter().catch(() => null);
    if (!adapter) return 'no WebGPU adapter was offered';
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
