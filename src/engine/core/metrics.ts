import type { Rng } from './rng';
import { quantile } from './stats';

/**
 * Ranking metrics used to judge evaluators and predictors against ground truth.
 */

/**
 * Kendall's τ-b: concordant minus discordant pairs, normalised with the tie correction
 * sqrt((n0 − n1)(n0 − n2)), so ties in either ranking do not inflate or deflate τ.
 * Returns NaN when either side is constant (τ is undefined there).
 */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new Error(`kendallTau: lengths differ (${x.length} vs ${y.length})`);
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denom === 0 ? NaN : (concordant - discordant) / denom;
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
  const x = new Array<number>(n);
  const y = new Array<number>(n);
  const pick = new Array<number>(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) pick[i] = rng.int(n);
    for (let i = 0; i < n; i++) y[i] = truth[pick[i]];
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const s = scoresBySeed[rng.int(k)];
      for (let i = 0; i < n; i++) x[i] = s[pick[i]];
      sum += kendallTau(x, y);
    }
    // A resample whose truth is constant has no τ; it says nothing about the interval.
    if (Number.isFinite(sum)) taus.push(sum / k);
  }
  const tail = (1 - level) / 2;
  return { tau, lo: quantile(taus, tail), hi: quantile(taus, 1 - tail), level, resamples: taus.length, items: n, seeds: k };
}

/** "0.412 [0.301, 0.515]": τ and its interval, for tables and the page. */
export function formatTauInterval(t: TauInterval, digits = 3): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(digits).replace('-', '−') : '–');
  return `${f(t.tau)} [${f(t.lo)}, ${f(t.hi)}]`;
}

// mean and std live with the other summary statistics (stats.ts); re-exported for existing callers.
export { mean, std } from './stats';
