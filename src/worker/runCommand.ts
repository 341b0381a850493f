import type { RunEvent } from '../engine/core/events';
import type { RunController } from '../engine/core/runLoop';
import type { Dataset, DatasetId } from '../engine/data/datasets';
import { parseBenchmarkCsv } from '../engine/evaluate/table';
import type { PublicFileReader } from '../engine/methods/contract';
import { loadRunResources, runSearch } from '../engine/run';
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
