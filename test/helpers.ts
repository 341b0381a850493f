import { installFastCpuKernels } from '../src/engine/nn/cpuKernels';
import { useCpuBackend } from '../src/cli/nodeIo';
import type { RunEvent } from '../src/engine/core/events';
import { checkMethodPayload } from '../src/engine/export/architectureFile';

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

/**
 * Checks a real run's method events as an imported file carries them (a JSON round trip writes
 * NaN as null) against their methods' payload schemas: the messages of those that fail, and how
 * many were checked (a log with none proves nothing).
 */
export function payloadProblems(events: RunEvent[]): { checked: number; problems: string[] } {
  const json: unknown = JSON.parse(JSON.stringify(events));
  const problems: string[] = [];
  let checked = 0;
  (json as Extract<RunEvent, { type: 'method' }>[]).forEach((e, i) => {
    if (e.type !== 'method') return;
    checked++;
    const r = checkMethodPayload(e.method, e.kind, e.data);
    if (!r.ok) problems.push(...r.errors.map((m) => `log[${i}] ${m}`));
  });
  return { checked, problems };
}
