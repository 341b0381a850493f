import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/engine/core/events';
import { formatTauInterval, kendallTau, kendallTauBootstrap, kendallTauDiffBootstrap, mean, pairwiseAccuracy, std, topKOverlap } from '../src/engine/core/metrics';
import { Rng } from '../src/engine/core/rng';
import { candidatesOf, regretSeries, type TableInfo } from '../src/app/panels/benchmark/regret';

// Expected values are counted by hand below (C concordant, D discordant, Tx / Ty pairs tied in
// x only / y only); each also equals scipy.stats.kendalltau (τ-b) on the same input.
describe('kendallTau (τ-b)', () => {
  it('is 1 for the same order and −1 for the reverse', () => {
    expect(kendallTau([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('counts one swapped pair out of six: (5 − 1) / 6', () => {
    expect(kendallTau([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 12);
  });

  it('corrects for a tie in each ranking: C=4, D=0, Tx=1, Ty=1 → 4 / √(5·5) = 0.8', () => {
    expect(kendallTau([1, 2, 2, 3], [1, 2, 3, 3])).toBeCloseTo(0.8, 12);
  });

  it('handles a pair tied in both rankings: n0=6, n1=1, n2=2 → 4 / √(5·4)', () => {
    expect(kendallTau([1, 1, 2, 3], [1, 1, 2, 2])).toBeCloseTo(4 / Math.sqrt(20), 12);
  });

  it('mixes discordance and ties: C=6, D=3, Ty=1 → 3 / √(9·10)', () => {
    expect(kendallTau([1, 2, 3, 4, 5], [3, 1, 2, 2, 5])).toBeCloseTo(3 / Math.sqrt(90), 12);
  });

  it('is symmetric in its arguments and invariant to monotone transforms', () => {
    const x = [0.3, 0.1, 0.9, 0.5, 0.5, 0.2];
    const y = [10, 30, 20, 50, 40, 40];
    expect(kendallTau(x, y)).toBeCloseTo(kendallTau(y, x), 12);
    expect(kendallTau(x.map((v) => Math.exp(3 * v)), y)).toBeCloseTo(kendallTau(x, y), 12);
  });

  it('equals the pairwise count of its definition on random lists full of ties, at every length from 0 to 60', () => {
    // The definition, pair by pair: what the O(n log n) merge count must reproduce exactly.
    const pairwise = (x: number[], y: number[]) => {
      let c = 0, d = 0, tx = 0, ty = 0;
      for (let i = 0; i < x.length; i++)
        for (let j = i + 1; j < x.length; j++) {
          const dx = Math.sign(x[i] - x[j]);
          const dy = Math.sign(y[i] - y[j]);
          if (dx === 0 && dy === 0) continue;
          if (dx === 0) tx++;
          else if (dy === 0) ty++;
          else if (dx === dy) c++;
          else d++;
        }
      const den = Math.sqrt((c + d + tx) * (c + d + ty));
      return den === 0 ? NaN : (c - d) / den;
    };
    const rng = new Rng('tau-pairwise');
    for (let n = 0; n <= 60; n++) {
      for (const levels of [3, 8, 1000]) {
        const x = Array.from({ length: n }, () => rng.int(levels));
        const y = Array.from({ length: n }, (_, i) => (rng.next() < 0.5 ? x[i] : rng.int(levels)));
        const want = pairwise(x, y);
        if (Number.isNaN(want)) expect(kendallTau(x, y)).toBeNaN();
        else expect(kendallTau(x, y)).toBeCloseTo(want, 12);
      }
    }
  });

  it('is NaN when a side is constant and refuses lists of different length', () => {
    expect(kendallTau([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => kendallTau([1, 2], [1, 2, 3])).toThrow(/lengths differ/);
  });
});

describe('kendallTauBootstrap', () => {
  // Independent scores: τ's sampling sd is √(2(2n+5) / (9n(n−1))) (Kendall 1938), 0.110 at n = 40,
  // so a 95 % interval is about ±0.22 around the estimate.
  const noise = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.normal());

  it('gives an interval as wide as τ\'s sampling error, around the estimate, and the same one for the same seed', () => {
    const rng = new Rng(7);
    const truth = noise(rng, 40);
    const scores = noise(rng, 40);
    const a = kendallTauBootstrap([scores], truth, new Rng(1), { resamples: 1000 });
    expect(a.tau).toBeCloseTo(kendallTau(scores, truth), 12);
    expect(a.lo).toBeLessThan(a.tau);
    expect(a.hi).toBeGreaterThan(a.tau);
    const sd = Math.sqrt((2 * (2 * 40 + 5)) / (9 * 40 * 39));
    expect(a.hi - a.lo).toBeGreaterThan(2 * 1.96 * sd * 0.7);
    expect(a.hi - a.lo).toBeLessThan(2 * 1.96 * sd * 1.3);
    expect(kendallTauBootstrap([scores], truth, new Rng(1), { resamples: 1000 })).toEqual(a);
    expect(a).toMatchObject({ level: 0.95, items: 40, seeds: 1, resamples: 1000 });
  });

  it('excludes 0 for an evaluator that ranks well, and includes it for one that guesses', () => {
    const rng = new Rng(3);
    const truth = noise(rng, 60);
    const good = truth.map((t) => t + 0.5 * rng.normal());
    const guess = noise(rng, 60);
    const g = kendallTauBootstrap([good], truth, new Rng(2));
    const r = kendallTauBootstrap([guess], truth, new Rng(2));
    expect(g.lo).toBeGreaterThan(0.4);
    expect(r.lo).toBeLessThan(0);
    expect(r.hi).toBeGreaterThan(0);
  });

  it('widens when the evaluator\'s seeds disagree: the seeds are resampled too', () => {
    const rng = new Rng(5);
    const truth = noise(rng, 40);
    // Three seeds of one evaluator: one ranks well, one guesses, one ranks backwards.
    const seeds = [truth.map((t) => t + 0.3 * rng.normal()), noise(rng, 40), truth.map((t) => -t + 0.3 * rng.normal())];
    const all = kendallTauBootstrap(seeds, truth, new Rng(4));
    const one = kendallTauBootstrap([seeds[1]], truth, new Rng(4));
    expect(all.tau).toBeCloseTo((kendallTau(seeds[0], truth) + kendallTau(seeds[1], truth) + kendallTau(seeds[2], truth)) / 3, 12);
    expect(all.seeds).toBe(3);
    expect(all.hi - all.lo).toBeGreaterThan(2 * (one.hi - one.lo));
  });

  it('is written τ [lo, hi], and refuses scores that do not match the truth', () => {
    expect(formatTauInterval({ tau: 0.4123, lo: -0.05, hi: 0.6, level: 0.95, resamples: 10, items: 5, seeds: 1 })).toBe('0.412 [−0.050, 0.600]');
    expect(() => kendallTauBootstrap([[1, 2]], [1, 2, 3], new Rng(1))).toThrow(/2 scores for 3 truths/);
    expect(() => kendallTauBootstrap([], [1, 2, 3], new Rng(1))).toThrow(/no scores/);
  });
});

describe('kendallTauDiffBootstrap', () => {
  const noise = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.normal());

  it('estimates τ(a) − τ(b) over the seeds, and excludes 0 only when one evaluator really ranks better', () => {
    const rng = new Rng(11);
    const truth = noise(rng, 60);
    const good = [0, 1, 2].map(() => truth.map((t) => t + 0.5 * rng.normal()));
    const guess = [0, 1, 2].map(() => noise(rng, 60));
    const d = kendallTauDiffBootstrap(good, guess, truth, new Rng(1));
    const meanTau = (xs: number[][]) => mean(xs.map((x) => kendallTau(x, truth)));
    expect(d.diff).toBeCloseTo(meanTau(good) - meanTau(guess), 12);
    expect(d.lo).toBeGreaterThan(0.3);
    expect(d).toMatchObject({ level: 0.95, items: 60, resamples: 1000 });
    // Backwards it is the negative, and two guessers are not told apart.
    const back = kendallTauDiffBootstrap(guess, good, truth, new Rng(1));
    expect(back.diff).toBeCloseTo(-d.diff, 12);
    expect(back.hi).toBeLessThan(-0.3);
    const two = kendallTauDiffBootstrap(guess, [0, 1, 2].map(() => noise(rng, 60)), truth, new Rng(1));
    expect(two.lo).toBeLessThan(0);
    expect(two.hi).toBeGreaterThan(0);
  });

  it('is paired over the architectures: an evaluator against itself differs by exactly 0, and a shared error cancels', () => {
    const rng = new Rng(12);
    const truth = noise(rng, 40);
    const one = [truth.map((t) => t + rng.normal())];
    expect(kendallTauDiffBootstrap(one, one, truth, new Rng(3))).toMatchObject({ diff: 0, lo: 0, hi: 0 });
    // Two evaluators sharing most of their error, one slightly better: the paired interval is far
    // narrower than the two separate intervals put together.
    const shared = noise(rng, 40);
    const a = [truth.map((t, i) => t + shared[i])];
    const b = [truth.map((t, i) => t + shared[i] + 0.3 * rng.normal())];
    const d = kendallTauDiffBootstrap(a, b, truth, new Rng(3));
    const ia = kendallTauBootstrap(a, truth, new Rng(3));
    const ib = kendallTauBootstrap(b, truth, new Rng(3));
    expect(d.hi - d.lo).toBeLessThan(0.5 * (ia.hi - ia.lo + ib.hi - ib.lo));
  });

  it('refuses scores that do not match the truth', () => {
    expect(() => kendallTauDiffBootstrap([[1, 2, 3]], [[1, 2]], [1, 2, 3], new Rng(1))).toThrow(/2 scores for 3 truths/);
    expect(() => kendallTauDiffBootstrap([], [[1, 2, 3]], [1, 2, 3], new Rng(1))).toThrow(/no scores/);
  });
});

describe('ranking helpers', () => {
  it('topKOverlap counts shared members of the two top-k sets', () => {
    const a = [5, 4, 3, 2, 1];
    const b = [1, 2, 3, 4, 5];
    expect(topKOverlap(a, b, 2)).toBe(0);
    expect(topKOverlap(a, b, 3)).toBeCloseTo(1 / 3, 12);
    expect(topKOverlap(a, a, 3)).toBe(1);
  });

  it('pairwiseAccuracy skips pairs tied in the truth', () => {
    // distinct-truth pairs: (0,1) (0,2) (0,3) ordered right, (1,2) (2,3) wrong; (1,3) tied in the truth, skipped
    expect(pairwiseAccuracy([1, 3, 2, 4], [1, 2, 3, 2])).toBeCloseTo(3 / 5, 12);
  });

  it('mean and sample std', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(std([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(std([3])).toBe(0);
  });
});

describe('regret over queries', () => {
  const info: TableInfo = {
    name: 't',
    rows: 4,
    searchColumn: 'val',
    reportColumn: 'test',
    optimum: { arch: 'd', value: 95 },
    searchOptimum: { arch: 'c', value: 92 },
  };
  const cand = (index: number, arch: string, val: number, test: number): RunEvent => ({
    type: 'candidate',
    t: 0,
    index,
    arch: { space: 'nb201', arch },
    score: val,
    metrics: { val, test },
    cost: { params: 0, flops: 0 },
    origin: '',
  });

  it('follows the best by search score and charges its reported value', () => {
    const events: RunEvent[] = [cand(0, 'a', 80, 81), cand(1, 'b', 79, 94), cand(2, 'c', 92, 90), cand(3, 'c2', 92, 93)];
    const s = regretSeries(candidatesOf(events), info);
    expect(s.map((p) => p.bestIndex)).toEqual([0, 0, 2, 2]); // #1 reports better but searches worse; a tie keeps the first
    expect(s.map((p) => p.regret)).toEqual([14, 14, 5, 5]);
    expect(s.map((p) => p.reported)).toEqual([81, 94, 90, 93]);
  });
});
