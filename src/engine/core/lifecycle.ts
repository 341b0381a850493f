import * as tf from '@tensorflow/tfjs';
import { checkConfig, type RunConfig } from './config';
import type { RunEvent } from './events';
import { makeContext, type RunContext, type RunController, StopRequested } from './runLoop';

/** Something a run holds on the device until it ends (an evaluator, device data, a supernet). */
export interface Owned {
  dispose(): void;
}

export interface RunLifecycle {
  /** Reasons beyond checkConfig's that the run cannot start (settings, budget); asked only when checkConfig has none. */
  problems?: () => string[];
  /** The run itself; emits run-start. What it pushes to `owned` is released at the end, last first. */
  body(ctx: RunContext, owned: Owned[]): Promise<void>;
}

/**
 * The lifecycle every run shares (runSearch for the NB-201 methods, runBlockMethod for DNA and
 * Cream): refuse what cannot run before anything starts, turn a stop or an error into run-end
 * instead of a throw (the page shows it), release what the run owns, and warn when a tensor
 * outlives it.
 */
export async function runLifecycle(config: RunConfig, controller: RunController, sink: (e: RunEvent) => void, run: RunLifecycle): Promise<void> {
  const ctx = makeContext(config, controller, sink, tf.getBackend());
  const configProblems = checkConfig(config);
  const problems = configProblems.length || !run.problems ? configProblems : run.problems();
  if (problems.length > 0) {
    ctx.emit({ type: 'run-end', status: 'error', message: `cannot start: ${problems.join('; ')}` });
    return;
  }
  const startTensors = tf.memory().numTensors;
  controller.speed = config.speed;
  // A controller that was paused or stepped before the start keeps that state.
  if (controller.state === 'idle') controller.start();
  const owned: Owned[] = [];
  try {
    await run.body(ctx, owned);
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
