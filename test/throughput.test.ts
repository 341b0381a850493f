import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../src/engine/data/datasets';
import { SUPERNET_READ_EVERY, supernetProbes, supernetReadBacks } from '../src/engine/evaluate/supernet';
import { countGpuWork, measureSupernetThroughput } from '../src/engine/evaluate/throughput';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import { cpu } from './helpers';

let digits: Dataset;

describe('the bench counts read-backs and shader compiles (issue #16)', () => {
  beforeAll(async () => {
    await cpu();
    digits = await loadDatasetFromDisk('digits');
  });

  it('the read-back schedule: the first step, every k steps, the rest at the end, each probe', () => {
    expect(SUPERNET_READ_EVERY).toBe(10);
    expect(supernetReadBacks(0, 1)).toBe(1);
    expect(supernetReadBacks(0, 10)).toBe(2);
    expect(supernetReadBacks(0, 11)).toBe(2);
    expect(supernetReadBacks(0, 12)).toBe(3);
    // Step 49 (the 50th) flushes 4 rows and scores 4 probe paths.
    expect(supernetReadBacks(45, 12)).toBe(1 + (1 + 4) + 1);
    expect([supernetProbes(0, 49), supernetProbes(0, 50), supernetProbes(45, 12), supernetProbes(49, 101)]).toEqual([0, 1, 1, 3]);
  });

  it('on the cpu backend: no compiles to count (null), and the read-backs are exactly the scheduled ones', async () => {
    // 5 one-op warm-up steps + 40 → the timed steps are 45..56 and cross the probe at step 49.
    const r = await measureSupernetThroughput(digits, { steps: 12, warmup: 40, batchSize: 16 });
    expect(r.backend).toBe('cpu');
    expect(r.shaderCompiles).toBeNull();
    expect(r.readEvery).toBe(10);
    expect(r.readBacksScheduled).toBe(1 + (1 + 4) + 1 + 1);
    expect(r.readBacks).toBe(r.readBacksScheduled);
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
  });

  it('the counter sees a read inside its window, counts a nested read once, and restores the backend', async () => {
    const backend = tf.backend();
    const read = backend.read;
    const counter = countGpuWork(backend);
    const t = tf.ones([3]);
    t.dataSync();
    await t.data(); // the CPU backend's read calls readSync: one read-back
    const counts = counter.stop();
    expect(counts).toEqual({ compiles: null, reads: 2 });
    expect(backend.read).toBe(read);
    expect(Object.prototype.hasOwnProperty.call(backend, 'read')).toBe(false);
    t.dataSync();
    expect(counter.stop().reads).toBe(2);
    t.dispose();
  });
});
