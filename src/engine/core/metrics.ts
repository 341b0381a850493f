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

// mean and std live with the other summary statistics (stats.ts); re-exported for existing callers.
export { mean, std } from './stats';
