import type * as tf from '@tensorflow/tfjs';
import type { StandaloneSettings } from '../../core/config';
import type { Phase, RunEvent, Untimed } from '../../core/events';
import type { Rng } from '../../core/rng';
import type { DeviceData, TrainedResult } from '../../nn/trainer';
import { BlockNetwork } from '../../nn/blockNetwork';
import { type Classifier, retainedBlockNetwork, trainClassifier } from '../../nn/blocks/train';
import type { RetrainedNetwork } from '../../core/formats';
import type { BnRecorder, Mode } from '../../nn/params';
import { type BlockArch, type BlockSpace, blockArchCost, formatBlockArch, sampleBlockArch } from '../../spaces/blocks';
import type { BudgetMetric } from './events';

/** A block-space architecture as a trainable classifier (weights only for the ops it uses). */
export function archClassifier(space: BlockSpace, arch: BlockArch, rng: Rng): Classifier & { dispose(): void } {
  const net = new BlockNetwork(space, rng, 'running');
  return {
    store: net.store,
    forward: (x: tf.Tensor4D, mode: Mode, rec?: BnRecorder) => net.forward(x, arch, mode, rec),
    variables: () => net.archVariables(arch),
    dispose: () => net.dispose(),
  };
}

export interface RetrainContext {
  emit(e: Untimed<RunEvent>): void;
  checkpoint(): Promise<void>;
}

/**
 * Trains one architecture from scratch with the standalone recipe; `emitTrain` sends the run's
 * train / val events; `keep` (the pick's retrain only) receives the trained weights.
 */
export async function retrainBlockArch(ctx: RetrainContext, space: BlockSpace, arch: BlockArch, data: DeviceData, s: StandaloneSettings, rng: Rng, phase: Phase, emitTrain: boolean, keep?: (net: RetrainedNetwork) => void): Promise<TrainedResult> {
  const net = archClassifier(space, arch, rng.fork('init'));
  try {
    const r = await trainClassifier(net, data, s, rng, { phase, emit: emitTrain ? ctx.emit : undefined, checkpoint: ctx.checkpoint, withTest: true });
    if (keep) keep(await retainedBlockNetwork(space, arch, net.store));
    return r;
  } finally {
    net.dispose();
  }
}

/**
 * Uniform samples from the architectures within the budget (rejection sampling from the uniform
 * distribution over the space), distinct from each other and from `exclude`.
 */
export function sampleWithinBudget(space: BlockSpace, metric: BudgetMetric, limit: number, count: number, rng: Rng, exclude: string[] = [], maxTries = 20_000): BlockArch[] {
  const seen = new Set(exclude);
  const out: BlockArch[] = [];
  for (let t = 0; t < maxTries && out.length < count; t++) {
    const a = sampleBlockArch(space, rng);
    const key = formatBlockArch(a);
    if (seen.has(key) || blockArchCost(a, space)[metric] > limit) continue;
    seen.add(key);
    out.push(a);
  }
  return out;
}
