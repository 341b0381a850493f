import type { BlockStructure } from '../core/formats';
import { configProblemsAboveCore } from './configCheck';
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../core/config';
import type { RunEvent } from '../core/events';
import { type Owned, runLifecycle } from '../core/lifecycle';
import type { RunContext, RunController } from '../core/runLoop';
import { quote } from '../core/quote';
import type { Dataset, DatasetId } from '../data/datasets';
import { DeviceData } from '../nn/trainer';
import { type BlockArch, blockArchFromString, type BlockSpace, trainableBlockArch } from '../spaces/blocks';

export interface BlockRunSpec {
  /** For messages: "DNA", "Cream". */
  name: string;
  dataset: Dataset | undefined;
  trainArch?: string;
  /** Reasons the run cannot start beyond checkConfig's (the method's settings schema, its budget); empty when it can. */
  problems(): string[];
  /** The run itself, after run-start: a search, or training `trainArch`. What it pushes to `owned` is released at the end. */
  body(ctx: RunContext, data: DeviceData, owned: Owned[]): Promise<void>;
}

/**
 * What DNA and Cream add to the shared run lifecycle: their settings are checked by their schema,
 * the dataset is put on the device, and run-start names the trained architecture.
 */
export async function runBlockMethod(config: RunConfig, controller: RunController, sink: (e: RunEvent) => void, spec: BlockRunSpec): Promise<void> {
  await runLifecycle(config, controller, sink, {
    problems: () => {
      const above = configProblemsAboveCore(config);
      return above.length > 0 ? above : spec.problems();
    },
    body: async (ctx, owned) => {
      const dataset = spec.dataset;
      if (!dataset) throw new Error(`${spec.name} needs the dataset "${config.dataset}" loaded`);
      const data = new DeviceData(dataset);
      owned.push(data);
      ctx.emit({
        type: 'run-start',
        config,
        backend: ctx.backend,
        tfjsVersion: tf.version.tfjs,
        datasetSizes: { train: dataset.train.n, val: dataset.val.n, test: dataset.test.n },
        preprocessing: dataset.preprocessing,
        trainArch: spec.trainArch,
      });
      await spec.body(ctx, data, owned);
    },
  });
}

/**
 * What a block method's "train this one architecture" builds, checked before anything trains:
 * with an imported file's structure, that structure (trainableBlockArch: buildable, fits the
 * dataset, the same ops as the arch string), so Train trains the network the file describes;
 * without one (the CLI's --train-arch), the arch string in the method's own space.
 */
export function blockTrainTarget(text: string, structure: BlockStructure | undefined, dataset: DatasetId, space: () => BlockSpace): { arch: BlockArch; space: BlockSpace } {
  try {
    if (structure) return trainableBlockArch(structure, text, dataset);
    const s = space();
    return { arch: blockArchFromString(text, s), space: s };
  } catch (err) {
    throw new Error(`cannot train ${quote(text)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
