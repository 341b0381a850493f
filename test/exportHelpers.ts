import { withDefaults } from '../src/engine/core/config';
import type { RetrainedNetwork } from '../src/engine/core/formats';
import { Rng } from '../src/engine/core/rng';
import type { RunContext } from '../src/engine/core/runLoop';
import type { Dataset, Split } from '../src/engine/data/datasets';
import { finalRetrain } from '../src/engine/evaluate/standalone';
import { retrainBlockArch } from '../src/engine/methods/dna/final';
import { defaultMacro } from '../src/engine/nn/macro';
import type { DeviceData } from '../src/engine/nn/trainer';
import { BLOCK_OPS, blockArchFromString, defaultBlockSpace } from '../src/engine/spaces/blocks';
import { parseCell } from '../src/engine/spaces/nb201';

/** Networks retrained as the final phase does, kept as the worker keeps them: what the export tests export. */

/** The first n examples of a split: a few training steps, a few test images. */
export const head = (s: Split, n: number, shape: number[]): Split => ({ x: s.x.slice(0, n * shape.reduce((a, b) => a * b, 1)), y: s.y.slice(0, n), n: Math.min(n, s.n) });
export const small = (d: Dataset): Dataset => ({ ...d, train: head(d.train, 128, d.info.inputShape), val: head(d.val, 64, d.info.inputShape), test: head(d.test, 96, d.info.inputShape) });

export const recipe = { enabled: true, epochs: 1, batchSize: 32, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 };

/**
 * Every NB-201 op; (second) a node no edge feeds: node 1 is zeros, which a 1×1 conv then reads;
 * (third) a dead op: node 1's 3×3 conv reaches nothing (every edge from node 1 is none).
 */
export const CELLS = [
  '|nor_conv_3x3~0|+|avg_pool_3x3~0|skip_connect~1|+|nor_conv_1x1~0|none~1|nor_conv_3x3~2|',
  '|none~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|',
  '|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|',
];
// Every kind of layer: 3×3 and 5×5 MBConvs, a pointwise one (1×1 depthwise) and skip.
export const BLOCK_ARCH = 'mb3_k3-skip|mb6_k5-mb3_k5|mb6_k3-mb3_k1';

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
  const space = defaultBlockSpace(dataset.info.id, [...BLOCK_OPS]);
  let kept: RetrainedNetwork | null = null;
  await retrainBlockArch({ emit: () => {}, checkpoint: async () => {} }, space, blockArchFromString(BLOCK_ARCH, space), data, recipe, new Rng(seed), 'final', false, (n) => (kept = n));
  if (!kept) throw new Error('the retrain kept no network');
  return kept;
}

