import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import { withDefaults } from '../src/engine/core/config';
import type { RetrainedNetwork } from '../src/engine/core/formats';
import { Rng } from '../src/engine/core/rng';
import type { RunContext } from '../src/engine/core/runLoop';
import type { Dataset, Split } from '../src/engine/data/datasets';
import { finalRetrain } from '../src/engine/evaluate/standalone';
import { comparePredictions, exportLayersModel, loadLayersModelFiles } from '../src/engine/export/layersModel';
import { graphParams, modelGraph, samePad } from '../src/engine/export/modelGraph';
import { retrainBlockArch } from '../src/engine/methods/dna/final';
import { defaultMacro, nb201Cost } from '../src/engine/nn/macro';
import { DeviceData } from '../src/engine/nn/trainer';
import { installFastDepthwiseKernels } from '../src/engine/nn/cpuKernelsDepthwise';
import { blockArchCost, blockArchFromString, defaultBlockSpace } from '../src/engine/spaces/blocks';
import { parseCell } from '../src/engine/spaces/nb201';
import { cpu } from './helpers';

/** The first n examples of a split: a few training steps, a few test images. */
const head = (s: Split, n: number, shape: number[]): Split => ({ x: s.x.slice(0, n * shape.reduce((a, b) => a * b, 1)), y: s.y.slice(0, n), n: Math.min(n, s.n) });
const small = (d: Dataset): Dataset => ({ ...d, train: head(d.train, 128, d.info.inputShape), val: head(d.val, 64, d.info.inputShape), test: head(d.test, 96, d.info.inputShape) });

const recipe = { enabled: true, epochs: 1, batchSize: 32, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 };

/** Every NB-201 op, and (second) a node no edge feeds: node 1 is zeros, which a 1×1 conv then reads. */
export const CELLS = ['|nor_conv_3x3~0|+|avg_pool_3x3~0|skip_connect~1|+|nor_conv_1x1~0|none~1|nor_conv_3x3~2|', '|none~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|'];
export const BLOCK_ARCH = 'mb3_k3-skip|mb6_k5-mb3_k5|mb6_k3-skip';

/** The final retrain of the playground (4 SGD steps, seeded) with the trained network kept, as the worker keeps it. */
export async function retrainedCell(data: DeviceData, dataset: Dataset, arch: string, seed = 7): Promise<RetrainedNetwork> {
  const parsed = parseCell(arch);
  if (!parsed.ok) throw new Error(parsed.reason);
  let kept: RetrainedNetwork | null = null;
  const config = withDefaults({ method: 'random', dataset: dataset.info.id, seed, final: recipe });
  const ctx: RunContext = { config, rng: new Rng(seed), emit: () => {}, checkpoint: async () => {}, held: () => false, backend: 'cpu', keepRetrained: (n) => (kept = n) };
  await finalRetrain(parsed.cell, ctx, data, defaultMacro(dataset.info.id));
  if (!kept) throw new Error('the final retrain kept no network');
  return kept;
}

export async function retrainedBlocks(data: DeviceData, dataset: Dataset, seed = 7): Promise<RetrainedNetwork> {
  const space = defaultBlockSpace(dataset.info.id, ['mb3_k3', 'mb3_k5', 'mb6_k3', 'mb6_k5', 'skip']);
  let kept: RetrainedNetwork | null = null;
  await retrainBlockArch({ emit: () => {}, checkpoint: async () => {} }, space, blockArchFromString(BLOCK_ARCH, space), data, recipe, new Rng(seed), 'final', false, (n) => (kept = n));
  if (!kept) throw new Error('the retrain kept no network');
  return kept;
}

describe('the retrained winner as a TensorFlow.js LayersModel (CPU backend)', () => {
  let fashion: Dataset;
  let digits: Dataset;
  let fashionData: DeviceData;
  let digitsData: DeviceData;

  beforeAll(async () => {
    await cpu();
    installFastDepthwiseKernels();
    // Fashion's 14×14 gives odd sizes (14 → 7 → 4): 'same' padding then puts the extra pixel bottom / right.
    fashion = small(await loadDatasetFromDisk('fashion'));
    digits = small(await loadDatasetFromDisk('digits'));
    fashionData = new DeviceData(fashion);
    digitsData = new DeviceData(digits);
  }, 60_000);

  it("TensorFlow's 'same' padding puts the odd pixel after", () => {
    expect(samePad(14, 3, 2)).toEqual([0, 1]);
    expect(samePad(7, 3, 2)).toEqual([1, 1]);
    expect(samePad(7, 2, 2)).toEqual([0, 1]);
    expect(samePad(8, 5, 1)).toEqual([2, 2]);
  });

  for (const [i, arch] of CELLS.entries()) {
    it(`NB-201 cell ${i + 1}: exported, loaded with tf.loadLayersModel, predicts as the playground within 1e-4`, async () => {
      for (const [dataset, data] of [[fashion, fashionData], [digits, digitsData]] as const) {
        const net = await retrainedCell(data, dataset, arch);
        const cell = parseCell(arch);
        if (!cell.ok) throw new Error(cell.reason);
        expect(graphParams(modelGraph(net))).toBe(nb201Cost(cell.cell, defaultMacro(dataset.info.id)).params);
        const files = await exportLayersModel(net);
        expect(JSON.parse(files.modelJson).format).toBe('layers-model');
        const before = tf.memory().numTensors;
        const model = await loadLayersModelFiles(files);
        const check = await comparePredictions(model, net, data.test.x);
        model.dispose();
        expect(tf.memory().numTensors).toBe(before);
        expect(check.images).toBe(96);
        expect(check.maxAbsDiff).toBeLessThanOrEqual(1e-4);
        expect(check.sameClass).toBe(96);
      }
    }, 120_000);
  }

  it('MBConv block chain: exported, loaded, predicts as the playground within 1e-4', async () => {
    for (const [dataset, data] of [[fashion, fashionData], [digits, digitsData]] as const) {
      const net = await retrainedBlocks(data, dataset);
      if (net.space !== 'blocks') throw new Error('not a block chain');
      const space = defaultBlockSpace(dataset.info.id, ['mb3_k3', 'mb3_k5', 'mb6_k3', 'mb6_k5', 'skip']);
      expect(graphParams(modelGraph(net))).toBe(blockArchCost(blockArchFromString(BLOCK_ARCH, space), space).params);
      const model = await loadLayersModelFiles(await exportLayersModel(net));
      const check = await comparePredictions(model, net, data.test.x);
      model.dispose();
      expect(check.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      expect(check.sameClass).toBe(96);
    }
  }, 120_000);
});
