import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { withDefaults } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import { makeContext, RunController } from '../src/engine/core/runLoop';
import type { Dataset } from '../src/engine/data/datasets';
import { SupernetEvaluator } from '../src/engine/evaluate/supernet';
import { defaultMacro } from '../src/engine/nn/macro';
import { NB201_OPS, sampleCell } from '../src/engine/spaces/nb201';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import { cpu } from './helpers';

let digits: Dataset;

function context(steps: number, batchSize: number, events: RunEvent[]) {
  const config = withDefaults({ supernet: { steps, batchSize, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, evalBatch: 128 } });
  const controller = new RunController();
  controller.start();
  return makeContext(config, controller, (e) => events.push(e), 'cpu');
}

describe('weight-sharing supernet on the digits', () => {
  beforeAll(async () => {
    await cpu();
    digits = await loadDatasetFromDisk('digits');
  });

  it('loads the digits with a fixed split and standardised pixels', () => {
    expect(digits.train.n + digits.val.n + digits.test.n).toBe(1797);
    expect(digits.train.x.length).toBe(digits.train.n * 64);
    const mean = digits.train.x.reduce((s, v) => s + v, 0) / digits.train.x.length;
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(new Set(digits.test.y).size).toBe(10);
  });

  it('training loss falls and shared-weight accuracy beats chance', async () => {
    const events: RunEvent[] = [];
    const ctx = context(150, 32, events);
    const ev = new SupernetEvaluator(digits, defaultMacro('digits'));
    await ev.prepare(ctx);
    const losses = events.filter((e): e is Extract<RunEvent, { type: 'train' }> => e.type === 'train').map((e) => e.loss);
    expect(losses.length).toBe(150);
    const head = losses.slice(0, 20).reduce((a, b) => a + b, 0) / 20;
    const tail = losses.slice(-20).reduce((a, b) => a + b, 0) / 20;
    expect(tail).toBeLessThan(head * 0.75);
    const vals = events.filter((e): e is Extract<RunEvent, { type: 'val' }> => e.type === 'val');
    expect(vals.length).toBe(3);
    expect(vals[vals.length - 1].acc).toBeGreaterThan(25); // chance is 10%
    ev.dispose();
  });

  it('keeps tf.memory().numTensors flat over 200 steps and candidate scorings', async () => {
    const events: RunEvent[] = [];
    const ctx = context(0, 16, events);
    const ev = new SupernetEvaluator(digits, defaultMacro('digits'));
    await ev.prepare(ctx);
    const rng = ctx.rng.fork('test/paths');
    // Five uniform cells touch every op on every edge: all weights and momentum buffers exist after them.
    let k = 0;
    await ev.train(ctx, 5, () => ({ ops: new Array(6).fill(NB201_OPS[k++ % 5]) }));
    await ev.train(ctx, 15, () => sampleCell(rng));
    const after20 = tf.memory().numTensors;
    await ev.train(ctx, 180, () => sampleCell(rng));
    for (let i = 0; i < 20; i++) await ev.evaluate(sampleCell(rng));
    expect(tf.memory().numTensors).toBe(after20);
    const before = tf.memory().numTensors;
    ev.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });
});
