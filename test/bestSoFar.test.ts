import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/engine/core/events';
import { foldBestSoFar } from '../src/engine/core/repeats';
import { candidatesOf } from '../src/app/panels/benchmark/regret';

/** The one best-so-far fold, on a recorded run's own log: every point checked against its candidate events. */
const log = (JSON.parse(readFileSync(path.join(__dirname, '..', 'public', 'runs', 'evolution-nb201.json'), 'utf8')) as { log: RunEvent[] }).log;

describe('foldBestSoFar', () => {
  it('after each candidate of a recorded evolution run: the max score so far, its first holder, and that holder’s reported column', () => {
    const cands = candidatesOf(log);
    const points = foldBestSoFar(cands, 'c10_test_acc');
    expect(cands.length).toBe(100);
    expect(points).toHaveLength(cands.length);
    for (let i = 0; i < cands.length; i++) {
      const seen = cands.slice(0, i + 1);
      const max = Math.max(...seen.map((c) => c.score));
      const first = seen.find((c) => c.score === max)!;
      expect(points[i].query).toBe(i + 1);
      expect(points[i].t).toBe(cands[i].t);
      expect(points[i].score).toBe(max);
      expect(points[i].best?.index).toBe(first.index);
      expect(points[i].reported).toBe(first.metrics.c10_test_acc);
    }
    // The curve ends at the candidate the run's final event names.
    const final = log.find((e): e is Extract<RunEvent, { type: 'final' }> => e.type === 'final')!;
    expect(points.at(-1)!.best!.index).toBe(final.candidateIndex);
    // It is a real step curve here: it rises more than once.
    expect(new Set(points.map((p) => p.score)).size).toBeGreaterThan(2);
  });

  it('never takes a NaN score and keeps the first of equal scores', () => {
    const c = (index: number, score: number) => ({ index, score, metrics: { r: index * 10 }, t: index });
    const points = foldBestSoFar([c(0, NaN), c(1, 5), c(2, 5), c(3, NaN), c(4, 7)], 'r');
    expect(points.map((p) => p.best?.index ?? -1)).toEqual([-1, 1, 1, 1, 4]);
    expect(points[0].score).toBeNaN();
    expect(points.map((p) => p.reported)).toEqual([NaN, 10, 10, 10, 40]);
    expect(foldBestSoFar([c(0, 1)]).map((p) => p.reported)).toEqual([NaN]);
  });
});
