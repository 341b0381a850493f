import { type PairedDifference, type Summary, pairedDifference, quantile, summarize } from './stats';

/** What the fold needs of a candidate: a `candidate` event's fields (the page's candidate rows have them too). */
export interface ScoredCandidate {
  index: number;
  score: number;
  metrics: Record<string, number>;
  /** Event time, ms since the run started (absent on rows that do not keep it). */
  t?: number;
}

/** The state of a search after one more candidate: what best-so-far curves are drawn from. */
export interface BestSoFarPoint<C extends ScoredCandidate = ScoredCandidate> {
  /** Candidates evaluated so far (1-based): the x of a curve over queries. */
  query: number;
  /** This candidate's event time (ms since the run started; NaN when not kept): the x of a curve over seconds. */
  t: number;
  /** This candidate. */
  candidate: C;
  /** The best candidate so far by score (the first of equal scores); null while none has a finite score. */
  best: C | null;
  /** Its score (the column or measure the search optimises); NaN while there is none. */
  score: number;
  /** Its `metrics[reportKey]` when a key is given (a table's reported column), else NaN. */
  reported: number;
}

/**
 * The one best-so-far fold over a run's candidates, in log order: after each candidate, the best
 * by score so far — the search's own notion of best, as CandidateLog keeps it (the first of equal
 * scores wins; a NaN score never does) — with that candidate's reported value. Repeats and the
 * bench (`searchTable`), the regret chart and the Compare view all read their curves from here.
 */
export function foldBestSoFar<C extends ScoredCandidate>(candidates: Iterable<C>, reportKey?: string): BestSoFarPoint<C>[] {
  const out: BestSoFarPoint<C>[] = [];
  let best: C | null = null;
  for (const c of candidates) {
    if (Number.isFinite(c.score) && (best === null || c.score > best.score)) best = c;
    out.push({
      query: out.length + 1,
      t: c.t ?? NaN,
      candidate: c,
      best,
      score: best ? best.score : NaN,
      reported: best && reportKey !== undefined ? (best.metrics[reportKey] ?? NaN) : NaN,
    });
  }
  return out;
}

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
