import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/engine/core/events';
import { kendallTau, mean, pairwiseAccuracy, std, topKOverlap } from '../src/engine/core/metrics';
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

  it('is NaN when a side is constant and refuses lists of different length', () => {
    expect(kendallTau([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => kendallTau([1, 2], [1, 2, 3])).toThrow(/lengths differ/);
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
