import type { RunEvent } from '../../../engine/core/events';
import { isTableEvent, type TableInfoData } from '../../../engine/evaluate/table';
import { foldBestSoFar } from '../../../engine/core/repeats';

/** The table evaluator's 'table-info' event (TableEvaluator.prepare). */
export type TableInfo = TableInfoData;

export interface RegretPoint {
  /** Queries spent (1-based). */
  query: number;
  /** Candidate index of the best-so-far by search score. */
  bestIndex: number;
  bestArch: string;
  bestScore: number;
  /** The best-so-far's value in the reported column. */
  bestReported: number;
  /** optimum − bestReported (≥ 0 when the optimum is of the same column). */
  regret: number;
  /** This query's own values, for the scatter behind the curve. */
  score: number;
  reported: number;
}

/** What the regret series needs of a candidate: the `candidate` event's fields (the page's CandidateRow has them too). */
export interface RegretCandidate {
  index: number;
  arch: string | { arch: string };
  score: number;
  metrics: Record<string, number>;
}

export function tableInfoOf(events: readonly RunEvent[]): TableInfo | null {
  for (const e of events) if (isTableEvent(e)) return e.data;
  return null;
}

/**
 * Regret over queries as NAS-Bench-201 reports it: the search keeps the candidate with the best
 * SEARCH score so far (the first one on ties, as CandidateLog does) and is judged by that
 * candidate's REPORTED value: regret = optimum of the reported column − that value.
 */
export function regretSeries(candidates: readonly RegretCandidate[], info: TableInfo): RegretPoint[] {
  return foldBestSoFar(candidates, info.reportColumn).map((p) => {
    const best = p.best ?? p.candidate;
    return {
      query: p.query,
      bestIndex: best.index,
      bestArch: typeof best.arch === 'string' ? best.arch : best.arch.arch,
      bestScore: p.score,
      bestReported: p.reported,
      regret: info.optimum.value - p.reported,
      score: p.candidate.score,
      reported: p.candidate.metrics[info.reportColumn],
    };
  });
}

/** The candidate events of a log, for regretSeries. */
export function candidatesOf(events: readonly RunEvent[]): Extract<RunEvent, { type: 'candidate' }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: 'candidate' }> => e.type === 'candidate');
}
