import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import { Rng } from '../src/engine/core/rng';
import { DEFAULT_ONE_SHOT, oneShotRanking } from '../src/engine/methods/dna/oneShot';
import { defaultBlockSpace, sampleBlockArch } from '../src/engine/spaces/blocks';
import { cpu } from './helpers';

/**
 * The block one-shot supernet scored in stages (the bench's ranking-over-training curve): the
 * stages score the run as it goes without changing it — the last stage is the unstaged run, bit
 * for bit — and the scores do move with training.
 */
describe('one-shot ranking in stages', () => {
  it('scores after each stage, the last equal to a run without stages, leaving no tensor behind', { timeout: 120_000 }, async () => {
    await cpu();
    const digits = await loadDatasetFromDisk('digits');
    const space = defaultBlockSpace('digits');
    const rng = new Rng(5);
    const archs = Array.from({ length: 4 }, () => sampleBlockArch(space, rng));
    const s = { ...DEFAULT_ONE_SHOT, steps: 12, evalBatch: 64 };
    const before = tf.memory().numTensors;
    const plain = await oneShotRanking(archs, space, digits, 3, s);
    const staged = await oneShotRanking(archs, space, digits, 3, s, 20, [2, 12]);
    expect(tf.memory().numTensors).toBe(before);
    expect(plain.stages.map((x) => x.steps)).toEqual([12]);
    expect(staged.stages.map((x) => x.steps)).toEqual([2, 12]);
    expect(staged.scores).toEqual(plain.scores);
    expect(staged.losses).toEqual(plain.losses);
    expect(staged.stages[1].scores).toEqual(plain.scores);
    expect(staged.stages[0].scores).toHaveLength(4);
    expect(staged.stages[0].scores).not.toEqual(staged.stages[1].scores);
    await expect(oneShotRanking(archs, space, digits, 3, s, 20, [5, 5])).rejects.toThrow(/stages must be increasing/);
  });
});
