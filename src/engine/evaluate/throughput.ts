import * as tf from '@tensorflow/tfjs';
import { withDefaults } from '../core/config';
import { makeContext, RunController } from '../core/runLoop';
import type { Dataset } from '../data/datasets';
import { defaultMacro } from '../nn/macro';
import { sampleCell } from '../spaces/nb201';
import { SupernetEvaluator } from './supernet';

export interface ThroughputResult {
  backend: string;
  dataset: string;
  batchSize: number;
  steps: number;
  warmup: number;
  msPerStep: number;
  stepsPerSec: number;
  /** Tensors alive before and after the measured steps: equal when nothing leaks. */
  tensorsBefore: number;
  tensorsAfter: number;
}

/**
 * Supernet training throughput on the current backend: the same model, batch and code path as a
 * run (SupernetEvaluator.train). Warm-up steps build every path's weights and compile kernels
 * first; one read-back at the end waits for queued GPU work before the clock stops.
 */
export async function measureSupernetThroughput(
  dataset: Dataset,
  opts: {
    steps: number;
    warmup: number;
    batchSize: number;
    seed?: number;
    /** Give up (StopRequested) at the first step boundary past this many ms. */
    deadlineMs?: number;
    /** Lets the caller give up early too (StopRequested), e.g. when a run is started. */
    controller?: RunController;
  },
): Promise<ThroughputResult> {
  const config = withDefaults({ seed: opts.seed ?? 1, supernet: { ...withDefaults().supernet, steps: 0, batchSize: opts.batchSize } });
  // A caller's controller is the caller's to start: starting it here would undo an early stop.
  const controller = opts.controller ?? new RunController();
  if (!opts.controller) controller.start();
  const deadline = opts.deadlineMs === undefined ? null : setTimeout(() => controller.stop(), opts.deadlineMs);
  const ctx = makeContext(config, controller, () => {}, tf.getBackend());
  const ev = new SupernetEvaluator(dataset, defaultMacro(dataset.info.id));
  try {
    await ev.prepare(ctx);
    const rng = ctx.rng.fork('throughput/paths');
    await ev.train(ctx, opts.warmup, () => sampleCell(rng));
    await sync();
    const tensorsBefore = tf.memory().numTensors;
    const t0 = performance.now();
    await ev.train(ctx, opts.steps, () => sampleCell(rng));
    await sync();
    const ms = performance.now() - t0;
    return {
      backend: tf.getBackend(),
      dataset: dataset.info.id,
      batchSize: opts.batchSize,
      steps: opts.steps,
      warmup: opts.warmup,
      msPerStep: ms / opts.steps,
      stepsPerSec: (1000 * opts.steps) / ms,
      tensorsBefore,
      tensorsAfter: tf.memory().numTensors,
    };
  } finally {
    if (deadline !== null) clearTimeout(deadline);
    ev.dispose();
  }
}

async function sync(): Promise<void> {
  const t = tf.zeros([1]);
  await t.data();
  t.dispose();
}
