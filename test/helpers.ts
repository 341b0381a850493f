import { installFastCpuKernels } from '../src/engine/nn/cpuKernels';
import { useCpuBackend } from '../src/cli/nodeIo';
import type { RunEvent } from '../src/engine/core/events';

export async function cpu(fast = true): Promise<void> {
  await useCpuBackend();
  if (fast) installFastCpuKernels();
}

/** The log without machine-dependent timing, for determinism comparisons. */
export function untimed(events: RunEvent[]): unknown[] {
  return events.map((e) => {
    const { t: _t, ...rest } = e as RunEvent & { t: number };
    return rest;
  });
}
