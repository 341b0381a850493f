import type { NaoTargets } from './settings';

/** A map from measured scores to predictor targets in [0, 1] and back (for drawing f in score units). */
export interface TargetScale {
  norm: (score: number) => number;
  toScore: (f: number) => number;
  range: [number, number];
}

/**
 * 'minmax' is NAO's own scaling. On NAS-Bench-201 one dead cell (10 %) next to cells at 85–91 %
 * squeezes every useful cell into the top tenth of [0, 1], so the MSE spends itself on the
 * outlier. 'rank' spreads the pool evenly: rank / (n − 1), ties averaged; its inverse
 * interpolates linearly between the pool's sorted scores, so it is monotone like minmax's.
 */
export function targetScale(scores: number[], kind: NaoTargets): TargetScale {
  const lo = Math.min(...scores);
  const hi = Math.max(...scores);
  const span = hi - lo;
  if (kind === 'minmax' || scores.length < 2 || span === 0) {
    return { norm: (v) => (span > 0 ? (v - lo) / span : 0.5), toScore: (f) => lo + f * span, range: [lo, hi] };
  }
  const sorted = [...scores].sort((a, b) => a - b);
  const n = sorted.length;
  // Ties share their average (0-based) rank: a run of equal scores from i to j gets (i + j) / 2.
  const rank = new Map<number, number>();
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    rank.set(sorted[i], (i + j) / 2 / (n - 1));
    i = j + 1;
  }
  // Only the pool's own scores are ever scaled; anything else is a caller's mistake.
  const norm = (v: number) => {
    const r = rank.get(v);
    if (r === undefined) throw new Error(`rank targets: ${v} is not a score of the pool`);
    return r;
  };
  const toScore = (f: number) => {
    const x = Math.min(1, Math.max(0, f)) * (n - 1);
    const i = Math.min(n - 2, Math.floor(x));
    return sorted[i] + (x - i) * (sorted[i + 1] - sorted[i]);
  };
  return { norm, toScore, range: [lo, hi] };
}
