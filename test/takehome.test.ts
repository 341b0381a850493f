import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import type { Dataset } from '../src/engine/data/datasets';
import { comparePredictions, loadLayersModelFiles } from '../src/engine/export/layersModel';
import { exportModel } from '../src/engine/export/modelExport';
import { graphParams, modelGraph, samePad } from '../src/engine/export/modelGraph';
import { defaultMacro, nb201Cost } from '../src/engine/nn/macro';
import { DeviceData } from '../src/engine/nn/trainer';
import { installFastDepthwiseKernels } from '../src/engine/nn/cpuKernelsDepthwise';
import { BLOCK_OPS, blockArchCost, blockArchFromString, defaultBlockSpace } from '../src/engine/spaces/blocks';
import { BLOCK_ARCH, CELLS, recipe, retrainedBlocks, retrainedCell, small } from './exportHelpers';
import { parseCell } from '../src/engine/spaces/nb201';
import { cpu } from './helpers';
import { withDefaults } from '../src/engine/core/config';
import type { RetrainedNetwork } from '../src/engine/core/formats';
import type { RunEvent } from '../src/engine/core/events';
import { RunController } from '../src/engine/core/runLoop';
import { runSearch } from '../src/engine/run';

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
        const graph = modelGraph(net);
        expect(graphParams(graph) + graph.deadParams).toBe(nb201Cost(cell.cell, defaultMacro(dataset.info.id)).params);
        // The third cell's dead 3×3 conv (and its BN) in each stage: 8, 16 and 32 channels.
        expect(graph.deadParams).toBe(i === 2 ? [8, 16, 32].reduce((n, c) => n + 9 * c * c + 2 * c, 0) : 0);
        const files = await exportModel(net);
        expect(JSON.parse(files.modelJson).format).toBe('layers-model');
        const before = tf.memory().numTensors;
        const model = await loadLayersModelFiles(files);
        const check = await comparePredictions(model, net, data.test.x);
        model.dispose();
        expect(tf.memory().numTensors).toBe(before);
        console.log(`cell ${i + 1} on ${dataset.info.id}: tf.loadLayersModel vs playground, max |Δ| over ${check.images} images = ${check.maxAbsDiff.toExponential(2)}`);
        expect(check.images).toBe(96);
        expect(check.maxAbsDiff).toBeLessThanOrEqual(1e-4);
        expect(check.sameClass).toBe(96);
      }
    }, 120_000);
  }

  it("a run hands its final retrain's network to the controller's onRetrained, once, and it exports", async () => {
    const config = withDefaults({ method: 'random', evaluator: 'supernet', budget: 3, seed: 5, supernet: { steps: 4 }, final: recipe });
    const controller = new RunController();
    const kept: RetrainedNetwork[] = [];
    controller.onRetrained = (n) => kept.push(n);
    const events: RunEvent[] = [];
    await runSearch(config, { dataset: digits }, controller, (e) => events.push(e));
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    const final = events.find((e) => e.type === 'final');
    expect(kept.length).toBe(1);
    expect(kept[0].arch).toBe(final?.type === 'final' ? final.arch.arch : null);
    const model = await loadLayersModelFiles(await exportModel(kept[0]));
    const check = await comparePredictions(model, kept[0], digitsData.test.x);
    model.dispose();
    expect(check.maxAbsDiff).toBeLessThanOrEqual(1e-4);
  }, 120_000);

  it('MBConv block chain: exported, loaded, predicts as the playground within 1e-4', async () => {
    for (const [dataset, data] of [[fashion, fashionData], [digits, digitsData]] as const) {
      const net = await retrainedBlocks(data, dataset);
      if (net.space !== 'blocks') throw new Error('not a block chain');
      const space = defaultBlockSpace(dataset.info.id, [...BLOCK_OPS]);
      expect(graphParams(modelGraph(net))).toBe(blockArchCost(blockArchFromString(BLOCK_ARCH, space), space).params);
      const model = await loadLayersModelFiles(await exportModel(net));
      const check = await comparePredictions(model, net, data.test.x);
      model.dispose();
      console.log(`blocks on ${dataset.info.id}: tf.loadLayersModel vs playground, max |Δ| over ${check.images} images = ${check.maxAbsDiff.toExponential(2)}`);
      expect(check.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      expect(check.sameClass).toBe(96);
    }
  }, 120_000);
});
