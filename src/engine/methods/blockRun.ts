import * as tf from '@tensorflow/tfjs';
import { checkConfig, type RunConfig } from '../core/config';
import type { RunEvent } from '../core/events';
import { makeContext, type RunContext, type RunController, StopRequested } from '../core/runLoop';
import type { Dataset } from '../data/datasets';
import { DeviceData } from '../evaluate/standalone';

export interface BlockRunSpec {
  /** For messages: "DNA", "Cream". */
  name: string;
  dataset: Dataset | undefined;
  trainArch?: string;
  /** Reasons the run cannot start beyond checkConfig's (settings, budget); empty when it can. */
  problems(): string[];
  /** The run itself, after run-start: a search, or training `trainArch`. What it pushes to `owned` is released at the end. */
  body(ctx: RunContext, data: DeviceData, owned: { dispose(): void }[]): Promise<void>;
}

/**
 * The lifecycle DNA and Cream share (runSearch has the same one for the NB-201 methods): refuse
 * what cannot run before anything starts, emit run-start, turn a stop or an error into run-end,
 * release what the run owns, and warn when a tensor outlives it.
 */
export async function runBlockMethod(config: RunConfig, controller: RunController, sink: (e: RunEvent) => void, spec: BlockRunSpec): Promise<void> {
  const backend = tf.getBackend();
  const ctx = makeContext(config, controller, sink, backend);
  const configProblems = checkConfig(config);
  const problems = configProblems.length ? configProblems : spec.problems();
  if (problems.length > 0) {
    ctx.emit({ type: 'run-end', status: 'error', message: `cannot start: ${problems.join('; ')}` });
    return;
  }
  const startTensors = tf.memory().numTensors;
  controller.speed = config.speed;
  if (controller.state === 'idle') controller.start();
  const owned: { dispose(): void }[] = [];
  try {
    const dataset = spec.dataset;
    if (!dataset) throw new Error(`${spec.name} needs the dataset "${config.dataset}" loaded`);
    const data = new DeviceData(dataset);
    owned.push(data);
    ctx.emit({
      type: 'run-start',
      config,
      backend,
      tfjsVersion: tf.version.tfjs,
      datasetSizes: { train: dataset.train.n, val: dataset.val.n, test: dataset.test.n },
      preprocessing: dataset.preprocessing,
      trainArch: spec.trainArch,
    });
    await spec.body(ctx, data, owned);
    ctx.emit({ type: 'phase', phase: 'done', detail: 'search finished' });
    ctx.emit({ type: 'run-end', status: 'completed' });
  } catch (err) {
    if (err instanceof StopRequested) ctx.emit({ type: 'run-end', status: 'stopped' });
    else ctx.emit({ type: 'run-end', status: 'error', message: err instanceof Error ? err.message : String(err) });
  } finally {
    for (const o of owned.reverse()) o.dispose();
    controller.finish();
    const leaked = tf.memory().numTensors - startTensors;
    if (leaked !== 0) sink({ type: 'log', t: 0, level: 'warn', message: `${leaked} tensor(s) outlived the run` });
  }
}
