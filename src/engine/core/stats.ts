/**
 * Summary statistics over repeated runs (seeds), shared by the page's "Repeat over seeds" panel
 * and `npm run bench`, so both print the same numbers for the same seeds. Depends only on the
 * engine's Rng (the bootstrap's draws).
 */
import { Rng } from './rng';

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

/** A mean with its percentile-bootstrap interval. */
export interface MeanInterval {
  mean: number;
  lo: number;
  hi: number;
  /** Coverage of [lo, hi], e.g. 0.95. */
  level: number;
}

/**
 * The mean of `v` with a percentile-bootstrap interval: `resamples` means of n values drawn with
 * replacement, and their (1 − level)/2 and (1 + level)/2 quantiles. For per-seed differences it
 * asks no normality of them (a few seeds where one method finds the optimum and the other does not
 * make them skewed). The draws come from a fixed seed, so a table prints the same interval each run.
 */
export function bootstrapMean(v: readonly number[], { resamples = 10_000, level = 0.95, seed = 'bootstrap-mean' }: { resamples?: number; level?: number; seed?: string } = {}): MeanInterval {
  const n = v.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, level };
  const rng = new Rng(seed);
  const means = new Array<number>(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += v[rng.int(n)];
    means[b] = sum / n;
  }
  const tail = (1 - level) / 2;
  return { mean: mean(v), lo: quantile(means, tail), hi: quantile(means, 1 - tail), level };
}

/** "+0.42 ± 0.13" (mean ± standard error, signed): how the bench and the page print a paired difference. */
export function formatPaired(d: PairedDifference, digits = 2): string {
  return `${d.mean >= 0 ? '+' : ''}${d.mean.toFixed(digits)} ± ${d.se.toFixed(digits)}`;
}
