import type { Rng } from './rng';
import { quantile } from './stats';

/**
 * Ranking metrics used to judge evaluators and predictors against ground truth.
 */

/**
 * Kendall's τ-b: concordant minus discordant pairs, normalised with the tie correction
 * sqrt((n0 − n1)(n0 − n2)), so ties in either ranking do not inflate or deflate τ.
 * Returns NaN when either side is constant (τ is undefined there).
 *
 * Knight's O(n log n) algorithm (as scipy computes it): sort by (x, y), count the ties in x and
 * the joint ties, then merge-sort y counting the swaps — each swap is one discordant pair. The
 * bootstrap resamples NAS-Bench-201's 15,625 cells a thousand times, which the pairwise O(n²)
 * count could not do in minutes.
 */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new Error(`kendallTau: lengths differ (${x.length} vs ${y.length})`);
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  const tiedPairs = (same: (a: number, b: number) => boolean, idx: ArrayLike<number>) => {
    let pairs = 0;
    let run = 1;
    for (let i = 1; i <= n; i++) {
      if (i < n && same(idx[i - 1], idx[i])) run++;
      else {
        pairs += (run * (run - 1)) / 2;
        run = 1;
      }
    }
    return pairs;
  };
  const tiesX = tiedPairs((a, b) => x[a] === x[b], order);
  const tiesXY = tiedPairs((a, b) => x[a] === x[b] && y[a] === y[b], order);
  // Merge sort of y in (x, y) order: a later element smaller than an earlier one is a discordant pair.
  let ys = Float64Array.from(order, (i) => y[i]);
  let buf = new Float64Array(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (ys[j] < ys[i]) {
          swaps += mid - i;
          buf[k++] = ys[j++];
        } else buf[k++] = ys[i++];
      }
      while (i < mid) buf[k++] = ys[i++];
      while (j < hi) buf[k++] = ys[j++];
    }
    [ys, buf] = [buf, ys];
  }
  let tiesY = 0;
  let run = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && ys[i] === ys[i - 1]) run++;
    else {
      tiesY += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const s = n0 - tiesX - tiesY + tiesXY - 2 * swaps;
  const denom = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
  return denom === 0 ? NaN : s / denom;
}

/** Fraction of pairs (with distinct truth) that the prediction orders the same way. */
export function pairwiseAccuracy(pred: readonly number[], truth: readonly number[]): number {
  let right = 0;
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    for (let j = i + 1; j < truth.length; j++) {
      const dt = truth[i] - truth[j];
      if (dt === 0) continue;
      total++;
      if (Math.sign(pred[i] - pred[j]) === Math.sign(dt)) right++;
    }
  }
  return total === 0 ? NaN : right / total;
}

/** |top-k by a ∩ top-k by b| / k (indices, higher is better on both). */
export function topKOverlap(a: readonly number[], b: readonly number[], k: number): number {
  const top = (v: readonly number[]) =>
    new Set(
      v
        .map((value, i) => ({ value, i }))
        .sort((p, q) => q.value - p.value || p.i - q.i)
        .slice(0, k)
        .map((p) => p.i),
    );
  const ta = top(a);
  let hit = 0;
  for (const i of top(b)) if (ta.has(i)) hit++;
  return hit / Math.min(k, a.length);
}

/** τ with its bootstrap interval: `tau` is the estimate on the whole sample, [lo, hi] the percentile interval. */
export interface TauInterval {
  tau: number;
  lo: number;
  hi: number;
  /** Coverage of [lo, hi], e.g. 0.95. */
  level: number;
  resamples: number;
  /** Items (architectures) and evaluator seeds the interval resamples. */
  items: number;
  seeds: number;
}

/**
 * Kendall τ-b of an evaluator's scores against a truth, with a percentile-bootstrap interval over
 * the architectures and, when the evaluator was trained with several seeds, over those seeds too:
 * each resample draws n architectures and k seeds with replacement, and its τ is the mean over the
 * drawn seeds of τ on the drawn architectures. The estimate is the mean τ over the seeds on every
 * architecture. One seed gives the interval over architectures alone, which understates the
 * uncertainty of a trained evaluator (a new seed moves τ as much as a new sample does).
 * Cost: resamples · k · n² / 2 pair comparisons (1,000 resamples of 64 architectures × 3 seeds ≈ 6 M).
 */
export function kendallTauBootstrap(scoresBySeed: readonly (readonly number[])[], truth: readonly number[], rng: Rng, { resamples = 1000, level = 0.95 } = {}): TauInterval {
  const k = scoresBySeed.length;
  const n = truth.length;
  if (k === 0) throw new Error('kendallTauBootstrap: no scores');
  for (const s of scoresBySeed) if (s.length !== n) throw new Error(`kendallTauBootstrap: ${s.length} scores for ${n} truths`);
  const tau = scoresBySeed.reduce((acc, s) => acc + kendallTau(s, truth), 0) / k;
  const taus: number[] = [];
  const draw = resampler(truth, rng);
  for (let b = 0; b < resamples; b++) {
    draw.items();
    const t = draw.tau(scoresBySeed);
    // A resample whose truth is constant has no τ; it says nothing about the interval.
    if (Number.isFinite(t)) taus.push(t);
  }
  const tail = (1 - level) / 2;
  return { tau, lo: quantile(taus, tail), hi: quantile(taus, 1 - tail), level, resamples: taus.length, items: n, seeds: k };
}

/** One bootstrap stream over a truth: draw the items, then the mean τ of an evaluator's drawn seeds on them. */
function resampler(truth: readonly number[], rng: Rng) {
  const n = truth.length;
  const x = new Array<number>(n);
  const y = new Array<number>(n);
  const pick = new Array<number>(n);
  return {
    items() {
      for (let i = 0; i < n; i++) pick[i] = rng.int(n);
      for (let i = 0; i < n; i++) y[i] = truth[pick[i]];
    },
    tau(scoresBySeed: readonly (readonly number[])[]) {
      const k = scoresBySeed.length;
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const s = scoresBySeed[rng.int(k)];
        for (let i = 0; i < n; i++) x[i] = s[pick[i]];
        sum += kendallTau(x, y);
      }
      return sum / k;
    },
  };
}

/** τ(a) − τ(b) with its bootstrap interval: does one evaluator rank better than another? */
export interface TauDifference {
  diff: number;
  lo: number;
  hi: number;
  level: number;
  resamples: number;
  items: number;
}

/**
 * The difference in Kendall τ-b between two evaluators on the same architectures, paired: each
 * resample draws one set of architectures for both (so what makes a sample easy or hard to rank
 * cancels) and each evaluator's seeds independently. A claim such as "DNA ranks better than a
 * plain supernet" holds at this scale when the interval lies above 0.
 */
export function kendallTauDiffBootstrap(a: readonly (readonly number[])[], b: readonly (readonly number[])[], truth: readonly number[], rng: Rng, { resamples = 1000, level = 0.95 } = {}): TauDifference {
  const n = truth.length;
  if (a.length === 0 || b.length === 0) throw new Error('kendallTauDiffBootstrap: no scores');
  for (const s of [...a, ...b]) if (s.length !== n) throw new Error(`kendallTauDiffBootstrap: ${s.length} scores for ${n} truths`);
  const meanTau = (bySeed: readonly (readonly number[])[]) => bySeed.reduce((acc, s) => acc + kendallTau(s, truth), 0) / bySeed.length;
  const diffs: number[] = [];
  const draw = resampler(truth, rng);
  for (let r = 0; r < resamples; r++) {
    draw.items();
    const d = draw.tau(a) - draw.tau(b);
    if (Number.isFinite(d)) diffs.push(d);
  }
  const tail = (1 - level) / 2;
  return { diff: meanTau(a) - meanTau(b), lo: quantile(diffs, tail), hi: quantile(diffs, 1 - tail), level, resamples: diffs.length, items: n };
}

/** "0.412 [0.301, 0.515]": τ and its interval, for tables and the page. */
export function formatTauInterval(t: TauInterval, digits = 3): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(digits).replace('-', '−') : '–');
  return `${f(t.tau)} [${f(t.lo)}, ${f(t.hi)}]`;
}

// mean and std live with the other summary statistics (stats.ts); re-exported for existing callers.
export { mean, std } from './stats';
