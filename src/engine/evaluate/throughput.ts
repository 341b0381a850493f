import * as tf from '@tensorflow/tfjs';
import { withDefaults } from '../core/config';
import { makeContext, RunController } from '../core/runLoop';
import type { Dataset } from '../data/datasets';
import { defaultMacro } from '../nn/macro';
import { NB201_EDGES, NB201_OPS, sampleCell, type Nb201Cell } from '../spaces/nb201';
import { SUPERNET_READ_EVERY, SupernetEvaluator, supernetProbes, supernetReadBacks } from './supernet';

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
  /**
   * Shader programs the backend compiled during the timed steps (after the warm-up ran every op):
   * WebGL's compiled-program cache, WebGPU's pipeline cache, grown by this many. 0 means no
   * recompile; null where the backend compiles none (cpu).
   */
  shaderCompiles: number | null;
  /**
   * Read-backs during the timed steps: the backend's read / readSync / readToGPU calls (a call
   * made inside another one, e.g. the CPU backend's read calling readSync, counts once; on the
   * cpu backend a kernel's access to its own input is no read-back), including the final sync.
   */
  readBacks: number;
  /**
   * The read-backs the timed steps schedule: the loss every `readEvery` steps as in a run (and
   * the first step's, and any validation probe's: supernetReadBacks), plus the final sync.
   * readBacks ≤ this shows that no step reads anything back inside itself.
   */
  readBacksScheduled: number;
  readEvery: number;
}

/**
 * Supernet training throughput on the current backend: the same model, batch and code path as a
 * run (SupernetEvaluator.train). Warm-up steps build every path's weights and compile kernels
 * first (one path per op, then `warmup` random ones); one read-back at the end waits for queued
 * GPU work before the clock stops. Over the timed steps it counts the shader programs compiled
 * and the read-backs (countGpuWork), to be held against the loss read-back schedule.
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
    /**
     * Warm up on one path per op first (every edge that op), so that every op's kernels are
     * compiled before the clock starts and a compile in the timed steps is a real recompile.
     * Default true; the backend calibration (worker/backend.ts) keeps its few steps without.
     */
    coverOps?: boolean;
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
    const ops = NB201_OPS.map((op): Nb201Cell => ({ ops: NB201_EDGES.map(() => op) }));
    if (opts.coverOps ?? true) {
      let k = 0;
      await ev.train(ctx, ops.length, () => ops[k++]);
    }
    await ev.train(ctx, opts.warmup, () => sampleCell(rng));
    // A validation probe in the timed steps scores paths on the eval batch (another shape): its
    // kernels are warmed too.
    if ((opts.coverOps ?? true) && supernetProbes(ev.stepsDone, opts.steps) > 0) for (const cell of ops) await ev.score(cell);
    await sync();
    const tensorsBefore = tf.memory().numTensors;
    const stepsDone = ev.stepsDone;
    const counter = countGpuWork(tf.backend());
    let ms: number;
    let counts: { compiles: number | null; reads: number };
    try {
      const t0 = performance.now();
      await ev.train(ctx, opts.steps, () => sampleCell(rng));
      await sync();
      ms = performance.now() - t0;
    } finally {
      counts = counter.stop();
    }
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
      shaderCompiles: counts.compiles,
      readBacks: counts.reads,
      readBacksScheduled: supernetReadBacks(stepsDone, opts.steps) + 1,
      readEvery: SUPERNET_READ_EVERY,
    };
  } finally {
    if (deadline !== null) clearTimeout(deadline);
    ev.dispose();
  }
}

/** The backend's compiled-program cache, where it has one: tfjs-backend-webgl's `binaryCache`, tfjs-backend-webgpu's `pipelineCache`. */
function programCache(backend: object): object | null {
  const b = backend as { binaryCache?: object; pipelineCache?: object };
  return b.binaryCache ?? b.pipelineCache ?? null;
}

const READ_METHODS = ['read', 'readSync', 'readToGPU'] as const;

/**
 * Counts, from now until stop(), the shader programs `backend` compiles (its program cache's
 * growth; null without one) and its read-backs: read / readSync / readToGPU are wrapped on the
 * instance and put back by stop(). A read made while another is running (CPU: read calls
 * readSync; WebGL: a slice read through a clone) counts once. On a GPU backend a kernel's own
 * read (WebGL runs some small ops on the CPU after reading their inputs) counts: it is a read-back
 * inside the step; on the cpu backend it is an array access and does not.
 */
export function countGpuWork(backend: tf.KernelBackend): { stop(): { compiles: number | null; reads: number } } {
  const cache = programCache(backend);
  const before = cache === null ? 0 : Object.keys(cache).length;
  // Without a program cache the backend keeps its tensors in host memory (cpu): a kernel's own
  // readSync of its input (tfjs-cpu's GatherV2 does, through bufferSync) reads no device.
  const hostMemory = cache === null;
  const engine = tf.engine() as unknown as { state: { kernelDepth: number } };
  const target = backend as unknown as Record<string, unknown>;
  const saved: { name: string; own: boolean; value: unknown }[] = [];
  let reads = 0;
  let depth = 0;
  for (const name of READ_METHODS) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    saved.push({ name, own: Object.prototype.hasOwnProperty.call(target, name), value: original });
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (depth === 0 && !(hostMemory && engine.state.kernelDepth > 0)) reads++;
      depth++;
      try {
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } finally {
        depth--;
      }
    };
  }
  return {
    stop() {
      for (const { name, own, value } of saved.reverse()) {
        if (own) target[name] = value;
        else delete target[name];
      }
      saved.length = 0;
      return { compiles: cache === null ? null : Object.keys(cache).length - before, reads };
    },
  };
}

async function sync(): Promise<void> {
  const t = tf.zeros([1]);
  await t.data();
  t.dispose();
}
