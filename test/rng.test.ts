import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/core/rng';

describe('Rng', () => {
  it('replays the same stream for the same seed and differs for another', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 100 }, () => a.nextU32());
    expect(Array.from({ length: 100 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.nextU32())).not.toEqual(sa);
  });

  it('forks by label: a child stream does not depend on later draws of its parent', () => {
    const p1 = new Rng(7);
    const child1 = p1.fork('init');
    const p2 = new Rng(7);
    const child2 = p2.fork('init');
    p2.next(); // the parent drawing more must not disturb an existing fork
    expect(child1.normalArray(10, 1)).toEqual(child2.normalArray(10, 1));
    expect(new Rng(7).fork('a').next()).not.toEqual(new Rng(7).fork('b').next());
  });

  it('draws uniform integers and normals with the right moments', () => {
    const r = new Rng(1);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 50_000; i++) counts[r.int(5)]++;
    for (const c of counts) expect(Math.abs(c / 50_000 - 0.2)).toBeLessThan(0.01);
    const v = r.normalArray(50_000, 2);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 2)).toBeLessThan(0.05);
  });

  it('shuffles to a permutation', () => {
    const a = new Rng(3).shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
