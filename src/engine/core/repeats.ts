import { type PairedDifference, type Summary, pairedDifference, quantile, summarize } from './stats';

/** One finished run of a repeat over seeds: a method, a seed, its best-so-far curve and its pick's reported value. */
export interface RepeatRun {
  method: string;
  seed: number;
  /** After each query, the reported column of the best candidate so far by the search column. */
  bestSoFar: number[];
  /** The reported column of the method's final pick. */
  reported: number;
}

export interface RepeatBand {
  /** Queries spent (1-based). */
  query: number;
  median: number;
  q1: number;
  q3: number;
}

export interface RepeatMethodSummary {
  method: string;
  seeds: number[];
  /** The final picks' reported values over the seeds. */
  final: Summary;
  /** Final reported minus the baseline's, paired by seed; null for the baseline itself or when it has no runs. */
  vsBaseline: PairedDifference | null;
  /** Median and quartiles over seeds of the best-so-far curve, per query. */
  band: RepeatBand[];
}

/**
 * Per method: the final reported value over seeds (mean ± std …), the paired difference against
 * `baseline` (random search) by seed, and the median / quartile band of best-so-far per query.
 * A run that ended before its budget (NAO may) keeps its last best-so-far to the longest run's
 * length: after more queries it would be at least as good, so the band does not flatter it.
 */
export function summarizeRepeats(runs: readonly RepeatRun[], baseline = 'random'): RepeatMethodSummary[] {
  const byMethod = new Map<string, RepeatRun[]>();
  for (const r of runs) byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), r]);
  const base = new Map((byMethod.get(baseline) ?? []).map((r) => [r.seed, r.reported]));
  return [...byMethod.entries()].map(([method, rs]) => {
    const length = Math.max(0, ...rs.map((r) => r.bestSoFar.length));
    const band: RepeatBand[] = [];
    for (let i = 0; i < length; i++) {
      const at = rs.filter((r) => r.bestSoFar.length > 0).map((r) => r.bestSoFar[Math.min(i, r.bestSoFar.length - 1)]);
      band.push({ query: i + 1, median: quantile(at, 0.5), q1: quantile(at, 0.25), q3: quantile(at, 0.75) });
    }
    const own = new Map(rs.map((r) => [r.seed, r.reported]));
    return {
      method,
      seeds: rs.map((r) => r.seed),
      final: summarize(rs.map((r) => r.reported)),
      vsBaseline: method === baseline || base.size === 0 ? null : pairedDifference(own, base),
      band,
    };
  });
}
