import { RunController } from '../../src/engine/core/runLoop';
import { type MethodId, withDefaults } from '../../src/engine/core/config';
import type { RunEvent } from '../../src/engine/core/events';
import { type BenchmarkTable, tableOptimum } from '../../src/engine/evaluate/table';
import { runSearch } from '../../src/engine/run';
import type { Nb201Op } from '../../src/engine/spaces/nb201';

export interface TableSearchSpec {
  method: MethodId;
  table: BenchmarkTable;
  /** Shipped table id, or 'custom' for a table read from elsewhere. */
  source: string;
  searchColumn: string;
  reportColumn: string;
  ops: Nb201Op[];
  budget: number;
  seed: number;
  methodSettings?: Record<string, unknown>;
}

export interface TableSearchResult {
  events: RunEvent[];
  /** The reported column of the architecture the search picked (best by search column). */
  reported: number;
  optimum: number;
  regret: number;
  finalArch: string;
  /** Per query: the candidate's search score and reported value, in order. */
  queries: { arch: string; score: number; reported: number }[];
}

/**
 * One search on a tabular benchmark through runSearch — the same path the page's worker takes —
 * with the final step a table lookup of the reported column.
 */
export async function searchOnTable(spec: TableSearchSpec): Promise<TableSearchResult> {
  const config = withDefaults({
    method: spec.method,
    evaluator: 'table',
    budget: spec.budget,
    seed: spec.seed,
    speed: 'max',
    space: { ops: spec.ops },
    table: { source: spec.source, searchColumn: spec.searchColumn, reportColumn: spec.reportColumn },
    methodSettings: spec.methodSettings ?? {},
  });
  const events: RunEvent[] = [];
  await runSearch(config, { table: spec.table }, new RunController(), (e) => events.push(e));
  const end = events.find((e) => e.type === 'run-end');
  if (!end || end.status !== 'completed') {
    throw new Error(`${spec.method} on ${spec.table.name} (seed ${spec.seed}) did not complete: ${end && 'message' in end ? end.message : 'no run-end event'}`);
  }
  const final = events.find((e): e is Extract<RunEvent, { type: 'final' }> => e.type === 'final');
  if (!final) throw new Error(`${spec.method} on ${spec.table.name}: no final event`);
  const optimum = tableOptimum(spec.table, spec.reportColumn).value;
  const reported = final.metrics.reported;
  const queries = events
    .filter((e): e is Extract<RunEvent, { type: 'candidate' }> => e.type === 'candidate')
    .map((e) => ({ arch: e.arch.arch, score: e.score, reported: e.metrics[spec.reportColumn] }));
  return { events, reported, optimum, regret: optimum - reported, finalArch: final.arch.arch, queries };
}
