import type * as tf from '@tensorflow/tfjs';
import type { StandaloneSettings } from '../../core/config';
import type { Phase, RunEvent, Untimed } from '../../core/events';
import type { Rng } from '../../core/rng';
import type { DeviceData, TrainedResult } from '../../nn/trainer';
import { BlockNetwork } from '../../nn/blockNetwork';
import { retainedBlockNetwork, trainClassifier } from '../../nn/blocks/train';
import type { RetrainedNetwork } from '../../core/formats';
import type { BnRecorder, Mode } from '../../nn/params';
import { type BlockArch, type BlockSpace, blockArchCost, blockPaths, fixedCost, formatBlockArch, pathCost, sampleBlockArch } from '../../spaces/blocks';
import type { CreamSettings } from './settings';
import { pathVariables } from './supernet';

/** Cheapest and dearest architecture of the space in FLOPs. */
export function flopsRange(space: BlockSpace): { min: number; max: number } {
  let min = fixedCost(space).flops;
  let max = min;
  space.stages.forEach((_, b) => {
    const costs = blockPaths(space, b).map((ops) => pathCost(space, b, ops).flops);
    min += Math.min(...costs);
    max += Math.max(...costs);
  });
  return { min, max };
}

/** The final pick's FLOPs budget: the given limit, or `fraction` of the way from the cheapest to the dearest architecture. */
export function flopsLimit(space: BlockSpace, s: CreamSettings['final']): number {
  if (s.flopsLimit !== null) return s.flopsLimit;
  const { min, max } = flopsRange(space);
  return Math.round(min + s.fraction * (max - min));
}

/**
 * A random path of similar FLOPs: uniform draws until one lies within `tolerance` (relative) of
 * `flops` and differs from `exclude`; if none does in `tries` draws, the closest one drawn.
 */
export function randomOfSimilarFlops(space: BlockSpace, flops: number, tolerance: number, rng: Rng, exclude: string, tries = 5000): BlockArch {
  let closest: { arch: BlockArch; gap: number } | null = null;
  for (let t = 0; t < tries; t++) {
    const a = sampleBlockArch(space, rng);
    if (formatBlockArch(a) === exclude) continue;
    const gap = Math.abs(blockArchCost(a, space).flops - flops) / flops;
    if (gap <= tolerance) return a;
    if (!closest || gap < closest.gap) closest = { arch: a, gap };
  }
  if (!closest) throw new Error('the space has no architecture other than the pick');
  return closest.arch;
}

export interface RetrainContext {
  emit(e: Untimed<RunEvent>): void;
  checkpoint(): Promise<void>;
}

/**
 * Trains one block-space architecture from scratch with the standalone recipe (BN running
 * statistics for evaluation); `keep` (the pick's retrain only) receives the trained weights.
 */
export async function retrainArch(ctx: RetrainContext, space: BlockSpace, arch: BlockArch, data: DeviceData, s: StandaloneSettings, rng: Rng, phase: Phase, emitTrain: boolean, keep?: (net: RetrainedNetwork) => void): Promise<TrainedResult> {
  const net = new BlockNetwork(space, rng.fork('init'), 'running');
  const classifier = {
    store: net.store,
    forward: (x: tf.Tensor4D, mode: Mode, rec?: BnRecorder) => net.forward(x, arch, mode, rec),
    variables: () => pathVariables(net, arch),
  };
  try {
    const r = await trainClassifier(classifier, data, s, rng, { phase, emit: emitTrain ? ctx.emit : undefined, checkpoint: ctx.checkpoint, withTest: true });
    if (keep) keep(await retainedBlockNetwork(space, arch, net.store));
    return r;
  } finally {
    net.dispose();
  }
}
