import { RunController } from '../../src/engine/core/runLoop';
import type { RunEvent } from '../../src/engine/core/events';
import { tableOptimum } from '../../src/engine/evaluate/table';
import { searchTable, type TableSearchSpec } from '../../src/engine/run';

export type { TableSearchSpec } from '../../src/engine/run';

export interface TableSearchResult {
  events: RunEvent[];
  /** The reported column of the architecture the search picked (best by search column). */
  reported: number;
  optimum: number;
  regret: number;
  finalArch: string;
  /** Per query: the candidate's search score and reported value, in order. */
  queries: { arch: string; score: number; reported: number }[];
  /** Per query: the reported column of the best candidate so far (the page's repeat panel draws this). */
  bestSoFar: number[];
}

/**
 * One search on a tabular benchmark through the engine's `searchTable` — the code the page's
 * "Repeat over seeds" runs in the worker — keeping the whole event log for the bench.
 */
export async function searchOnTable(spec: TableSearchSpec): Promise<TableSearchResult> {
  const events: RunEvent[] = [];
  const out = await searchTable(spec, new RunController(), (e) => events.push(e));
  const optimum = tableOptimum(spec.table, spec.reportColumn).value;
  const queries = events
    .filter((e): e is Extract<RunEvent, { type: 'candidate' }> => e.type === 'candidate')
    .map((e) => ({ arch: e.arch.arch, score: e.score, reported: e.metrics[spec.reportColumn] }));
  return { events, reported: out.reported, optimum, regret: optimum - out.reported, finalArch: out.finalArch, queries, bestSoFar: out.bestSoFar };
}
