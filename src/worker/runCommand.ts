import type { RunEvent } from '../engine/core/events';
import type { RunController } from '../engine/core/runLoop';
import type { Dataset, DatasetId } from '../engine/data/datasets';
import { parseBenchmarkCsv } from '../engine/evaluate/table';
import type { PublicFileReader } from '../engine/methods/contract';
import type { RepeatRun } from '../engine/core/repeats';
import { type CheckpointHooks, loadRunResources, resumeSearch, runSearch, type RunCheckpoint, searchTable, type TableSearchOutcome } from '../engine/run';
import type { WorkerCommand } from './protocol';

/**
 * The worker's 'start' command, apart from the worker's globals so a test can drive it under Node:
 * the table the page sent, what the method's plugin says the run needs (read through `io`), then
 * the run. Nothing here names a method.
 */
export async function runStartCommand(
  cmd: Extract<WorkerCommand, { type: 'start' }>,
  io: {
    dataset: (id: DatasetId) => Promise<Dataset>;
    read: PublicFileReader;
    /** Where checkpoints are kept (IndexedDB in the worker); absent, none is written or read. */
    checkpoints?: { read(key: string): Promise<RunCheckpoint | null>; write(key: string, cp: RunCheckpoint): Promise<void> };
  },
  controller: RunController,
  sink: (e: RunEvent) => void,
): Promise<void> {
  const { checkpoints } = io;
  const key = cmd.checkpointKey;
  const hooks: CheckpointHooks | undefined = checkpoints && key ? { checkpoint: (cp) => checkpoints.write(key, cp) } : undefined;
  if (cmd.resume) {
    const saved = cmd.resume.saved;
    const cp = checkpoints ? await checkpoints.read(cmd.resume.key).catch(() => null) : null;
    if (!cp) {
      // Said in the run's own log, after the saved events, so the page shows what it restored and why it stops.
      for (const e of saved) sink(e);
      sink({ type: 'run-end', t: saved.at(-1)?.t ?? 0, status: 'error', message: 'cannot continue: the checkpoint of this run is no longer in this browser' });
      return;
    }
    const table = cmd.tableCsv ? parseBenchmarkCsv(cmd.tableCsv.text, cmd.tableCsv.name) : undefined;
    const res = await loadRunResources(cmd.config, { ...io, table });
    return resumeSearch(cmd.config, res, controller, sink, { checkpoint: cp, saved }, hooks);
  }
  const table = cmd.tableCsv ? parseBenchmarkCsv(cmd.tableCsv.text, cmd.tableCsv.name) : undefined;
  const res = await loadRunResources(cmd.config, { ...io, table });
  await runSearch(cmd.config, res, controller, sink, cmd.trainArch, cmd.trainStructure, hooks);
}

/** How a batch of table searches ended; never thrown. */
export type BatchEnd = { status: 'completed' | 'stopped' | 'error'; message?: string };

/**
 * The worker's batch commands ('repeat', 'compare'): each method for each seed, a table search
 * through the engine's `searchTable` (the bench's code), one after another. `onRun` gets each
 * finished run's outcome and, when `keepLog`, its events; `stopped()` is asked between runs and
 * `controller()` gives each run its own controller, so a stop ends the run in progress.
 */
async function runTableBatch(
  cmd: Extract<WorkerCommand, { type: 'repeat' | 'compare' }>,
  keepLog: boolean,
  controller: () => RunController,
  stopped: () => boolean,
  onRun: (method: string, seed: number, out: TableSearchOutcome, events: RunEvent[], ms: number) => void,
): Promise<BatchEnd> {
  try {
    const table = parseBenchmarkCsv(cmd.tableCsv.text, cmd.tableCsv.name);
    const { methods, seeds, ...rest } = cmd.spec;
    for (const method of methods) {
      for (const seed of seeds) {
        if (stopped()) return { status: 'stopped' };
        const t0 = performance.now();
        const c = controller();
        const events: RunEvent[] = [];
        try {
          const out = await searchTable({ ...rest, method, seed, table }, c, keepLog ? (e) => events.push(e) : undefined);
          onRun(method, seed, out, events, performance.now() - t0);
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

/** The worker's 'repeat' command: each finished run as its best-so-far curve and its pick's reported value. */
export function runRepeatCommand(
  cmd: Extract<WorkerCommand, { type: 'repeat' }>,
  controller: () => RunController,
  stopped: () => boolean,
  onRun: (run: RepeatRun, ms: number) => void,
): Promise<BatchEnd> {
  return runTableBatch(cmd, false, controller, stopped, (method, seed, out, _events, ms) => onRun({ method, seed, bestSoFar: out.bestSoFar, reported: out.reported }, ms));
}

/** The worker's 'compare' command: each finished run with its whole event log. */
export function runCompareCommand(
  cmd: Extract<WorkerCommand, { type: 'compare' }>,
  controller: () => RunController,
  stopped: () => boolean,
  onRun: (method: string, seed: number, events: RunEvent[], ms: number) => void,
): Promise<BatchEnd> {
  return runTableBatch(cmd, true, controller, stopped, (method, seed, _out, events, ms) => onRun(method, seed, events, ms));
}
