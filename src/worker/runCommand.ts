import type { RunEvent } from '../engine/core/events';
import type { RunController } from '../engine/core/runLoop';
import type { Dataset, DatasetId } from '../engine/data/datasets';
import { parseBenchmarkCsv } from '../engine/evaluate/table';
import type { PublicFileReader } from '../engine/methods/contract';
import type { RepeatRun } from '../engine/core/repeats';
import { loadRunResources, runSearch, searchTable } from '../engine/run';
import type { WorkerCommand } from './protocol';

/**
 * The worker's 'start' command, apart from the worker's globals so a test can drive it under Node:
 * the table the page sent, what the method's plugin says the run needs (read through `io`), then
 * the run. Nothing here names a method.
 */
export async function runStartCommand(
  cmd: Extract<WorkerCommand, { type: 'start' }>,
  io: { dataset: (id: DatasetId) => Promise<Dataset>; read: PublicFileReader },
  controller: RunController,
  sink: (e: RunEvent) => void,
): Promise<void> {
  const table = cmd.tableCsv ? parseBenchmarkCsv(cmd.tableCsv.text, cmd.tableCsv.name) : undefined;
  const res = await loadRunResources(cmd.config, { ...io, table });
  await runSearch(cmd.config, res, controller, sink, cmd.trainArch, cmd.trainStructure);
}

/**
 * The worker's 'repeat' command: each method for each seed, a table search through the engine's
 * `searchTable` (the bench's code), one after another. `onRun` gets each finished run's curve;
 * `stopped()` is asked between runs and `controller()` gives each run its own controller, so a
 * stop ends the run in progress. Resolves with how the repeat ended; never throws.
 */
export async function runRepeatCommand(
  cmd: Extract<WorkerCommand, { type: 'repeat' }>,
  controller: () => RunController,
  stopped: () => boolean,
  onRun: (run: RepeatRun, ms: number) => void,
): Promise<{ status: 'completed' | 'stopped' | 'error'; message?: string }> {
  try {
    const table = parseBenchmarkCsv(cmd.tableCsv.text, cmd.tableCsv.name);
    const { methods, seeds, ...rest } = cmd.spec;
    for (const method of methods) {
      for (const seed of seeds) {
        if (stopped()) return { status: 'stopped' };
        const t0 = performance.now();
        const c = controller();
        try {
          const out = await searchTable({ ...rest, method, seed, table }, c);
          onRun({ method, seed, bestSoFar: out.bestSoFar, reported: out.reported }, performance.now() - t0);
        } catch (err) {
          if (stopped()) return { status: 'stopped' };
          throw err;
        }
      }
    }
    return { status: 'completed' };
  } catch (err) {
    return { status: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
