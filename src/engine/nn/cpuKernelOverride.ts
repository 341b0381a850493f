import * as tf from '@tensorflow/tfjs';

/** The cpu backend's tensor storage as the replacement kernels read and write it. */
export type CpuBackend = {
  data: { get(id: unknown): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
};

export type FastKernel = (args: { inputs: Record<string, tf.TensorInfo>; backend: CpuBackend; attrs: Record<string, unknown> }) => tf.TensorInfo | null;

/**
 * How often each replaced kernel took its fast path, by kernel name. A fast kernel that silently
 * defers to the original every time is still bit-identical, so the tests count these to know the
 * replacements actually run.
 */
const hits = new Map<string, number>();

export function fastKernelHits(): Record<string, number> {
  return Object.fromEntries(hits);
}

/** Counts a fast path taken outside overrideCpuKernel (a kernel of the project's own). */
export function countFastKernelHit(name: string): void {
  hits.set(name, (hits.get(name) ?? 0) + 1);
}

/** A float32 tensor's storage as a Float32Array, so the loops that read it see one array type (monomorphic). */
export function f32(backend: CpuBackend, t: tf.TensorInfo): Float32Array {
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

export function resetFastKernelHits(): void {
  hits.clear();
}

const originals = new Map<string, tf.KernelConfig>();

/** tfjs-cpu's own kernel that overrideCpuKernel replaced (the tests compare against it). */
export function originalCpuKernel(name: string): tf.KernelConfig | undefined {
  return originals.get(name);
}

/** Swaps a cpu kernel for `fast`, which returns null to defer to the original. */
export function overrideCpuKernel(name: string, fast: FastKernel): void {
  const original = tf.getKernel(name, 'cpu');
  if (!original) return;
  originals.set(name, original);
  tf.unregisterKernel(name, 'cpu');
  tf.registerKernel({
    kernelName: name,
    backendName: 'cpu',
    kernelFunc: (args) => {
      const out = fast(args as never);
      if (out === null) return original.kernelFunc(args) as tf.TensorInfo;
      countFastKernelHit(name);
      return out;
    },
  });
}
