/**
 * Summary statistics over repeated runs (seeds), shared by the page's "Repeat over seeds" panel
 * and `npm run bench`, so both print the same numbers for the same seeds. No dependencies.
 */

export function mean(v: readonly number[]): number {
  return v.length === 0 ? NaN : v.reduce((s, x) => s + x, 0) / v.length;
}

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export function std(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
}

/** Standard error of the mean: std / √n (NaN for no values, 0 for one). */
export function stdErr(v: readonly number[]): number {
  return v.length === 0 ? NaN : std(v) / Math.sqrt(v.length);
}

/**
 * The q-quantile (0 ≤ q ≤ 1) with linear interpolation between order statistics (R's type 7,
 * numpy's default): position (n − 1)·q in the sorted values. NaN for no values.
 */
export function quantile(v: readonly number[], q: number): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (v: readonly number[]): number => quantile(v, 0.5);

export interface Summary {
  n: number;
  mean: number;
  std: number;
  /** Standard error of the mean. */
  se: number;
  median: number;
  /** First and third quartiles (type 7). */
  q1: number;
  q3: number;
}

export function summarize(v: readonly number[]): Summary {
  return { n: v.length, mean: mean(v), std: std(v), se: stdErr(v), median: median(v), q1: quantile(v, 0.25), q3: quantile(v, 0.75) };
}

/** "mean ± std" with `digits` decimals: how the bench and the page print a spread over seeds. */
export function formatMeanStd(v: readonly number[], digits = 2): string {
  return `${mean(v).toFixed(digits)} ± ${std(v).toFixed(digits)}`;
}

export interface PairedDifference {
  /** Pairs used: keys present on both sides. */
  n: number;
  /** Mean of the per-pair differences a − b. */
  mean: number;
  std: number;
  /** Standard error of that mean: std / √n. */
  se: number;
}

/**
 * The paired difference a − b over the keys both sides share (seeds): mean, std and standard
 * error of the per-key differences. Pairing by seed removes the spread the two runs share.
 */
export function pairedDifference(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): PairedDifference {
  const d: number[] = [];
  for (const [k, x] of a) {
    const y = b.get(k);
    if (y !== undefined) d.push(x - y);
  }
  return { n: d.length, mean: mean(d), std: std(d), se: stdErr(d) };
}

/** "+0.42 ± 0.13" (mean ± standard error, signed): how the bench and the page print a paired difference. */
export function formatPaired(d: PairedDifference, digits = 2): string {
  return `${d.mean >= 0 ? '+' : ''}${d.mean.toFixed(digits)} ± ${d.se.toFixed(digits)}`;
}
