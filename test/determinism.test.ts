import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { withDefaults, type RunConfig } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import { RunController } from '../src/engine/core/runLoop';
import type { Dataset } from '../src/engine/data/datasets';
import { runSearch } from '../src/engine/run';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import { cpu, untimed } from './helpers';

let digits: Dataset;

const small = (seed: number): RunConfig =>
  withDefaults({
    seed,
    budget: 4,
    supernet: { steps: 20, batchSize: 16, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, evalBatch: 64 },
    final: { enabled: true, epochs: 1, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
  });

async function run(config: RunConfig, controller = new RunController()): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  await runSearch(config, { dataset: digits }, controller, (e) => events.push(e));
  return events;
}

describe('a whole run on the CPU backend', () => {
  beforeAll(async () => {
    await cpu();
    digits = await loadDatasetFromDisk('digits');
  });

  it('gives the same event stream for the same seed, another for another seed, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const a = await run(small(7));
    const afterFirst = tf.memory().numTensors;
    const b = await run(small(7));
    const c = await run(small(8));
    expect(a.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    expect(untimed(b)).toEqual(untimed(a));
    expect(untimed(c)).not.toEqual(untimed(a));
    expect(a.filter((e) => e.type === 'candidate')).toHaveLength(4);
    const final = a.find((e) => e.type === 'final');
    expect(final && final.type === 'final' && final.metrics.testAcc).toBeGreaterThan(10);
    expect(afterFirst).toBe(before);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.some((e) => e.type === 'log' && e.message.includes('outlived'))).toBe(false);
  });

  it('pauses, single-steps and resumes, and a stop ends the run cleanly', async () => {
    const controller = new RunController();
    controller.startPaused();
    const events: RunEvent[] = [];
    const done = runSearch(small(3), { dataset: digits }, controller, (e) => events.push(e));
    await new Promise((r) => setTimeout(r, 200));
    const trainCount = () => events.filter((e) => e.type === 'train').length;
    expect(trainCount()).toBe(0);
    for (let i = 0; i < 10; i++) controller.step();
    // steps run one per checkpoint; metrics are flushed every 10 steps
    await waitFor(() => trainCount() === 10);
    await new Promise((r) => setTimeout(r, 300));
    expect(trainCount()).toBe(10);
    controller.resume();
    await waitFor(() => events.some((e) => e.type === 'candidate'));
    controller.stop();
    await done;
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'stopped' });
  });

  it('refuses an impossible budget with a clear message and runs nothing', async () => {
    const events = await run({ ...small(1), budget: 0 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'run-end', status: 'error' });
    expect((events[0] as { message: string }).message).toContain('budget must be an integer ≥ 1');
  });
});

async function waitFor(cond: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
