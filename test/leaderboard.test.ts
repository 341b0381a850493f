import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/core/rng';
import { firstK } from '../src/app/panels/Leaderboard';

describe('leaderboard ranking', () => {
  it('firstK gives what a full sort then slice gives, ties and NaN included', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(rng.next() * 60);
      const items = Array.from({ length: n }, (_, i) => ({ i, v: rng.next() < 0.1 ? NaN : Math.floor(rng.next() * 10) }));
      const cmp = (a: { i: number; v: number }, b: { i: number; v: number }) => (Number.isNaN(a.v) !== Number.isNaN(b.v) ? (Number.isNaN(a.v) ? 1 : -1) : b.v - a.v || a.i - b.i);
      const k = 1 + Math.floor(rng.next() * 25);
      expect(firstK(items, k, cmp)).toEqual([...items].sort(cmp).slice(0, k));
    }
  });
});
