import { describe, expect, it } from 'vitest';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import { parseIdx } from '../src/engine/data/idx';
import { BatchSampler } from '../src/engine/data/datasets';
import { Rng } from '../src/engine/core/rng';

describe('datasets', () => {
  it('splits Fashion-MNIST into train / val from its train file and keeps its test file, at 14×14', async () => {
    const ds = await loadDatasetFromDisk('fashion');
    expect([ds.train.n, ds.val.n, ds.test.n]).toEqual([8000, 2000, 2000]);
    expect(ds.train.x.length).toBe(8000 * 196);
    const counts = new Array(10).fill(0);
    for (const y of ds.test.y) counts[y]++;
    expect(counts).toEqual(new Array(10).fill(200));
    expect(ds.preprocessing.standardise.std).toBeGreaterThan(0);
  });

  it('splits the same way every time, whatever the run seed', async () => {
    const a = await loadDatasetFromDisk('digits');
    const b = await loadDatasetFromDisk('digits');
    expect(Array.from(a.val.y)).toEqual(Array.from(b.val.y));
    expect(a.test.x.slice(0, 64)).toEqual(b.test.x.slice(0, 64));
  });

  it('refuses malformed IDX data with a reason', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8]))).toThrow(/too short/);
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 1, 5]))).toThrow(/magic/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 5]))).toThrow(/header says 3 values, file holds 1/);
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 5]))).toThrow(/not unsigned byte/);
  });

  it('samples every example once per epoch, reshuffled each epoch from its own stream', () => {
    const s = new BatchSampler(10, 3, new Rng(1));
    const epoch1 = [...s.next(), ...s.next(), ...s.next()];
    expect(new Set(epoch1).size).toBe(9);
    const epoch2 = [...s.next(), ...s.next(), ...s.next()];
    expect(s.epoch).toBe(1);
    expect(epoch2).not.toEqual(epoch1);
  });
});
