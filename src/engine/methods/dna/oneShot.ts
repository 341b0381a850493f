import * as tf from '@tensorflow/tfjs';
import type { SupernetSettings } from '../../core/config';
import { Rng } from '../../core/rng';
import { BatchSampler, type Dataset } from '../../data/datasets';
import { DeviceData, l2, accuracy, crossEntropy } from '../../nn/trainer';
import { BlockNetwork } from '../../nn/blockNetwork';
import { PathSgd } from '../../nn/optim';
import { type BlockArch, type BlockSpace, sampleBlockArch } from '../../spaces/blocks';

/**
 * The plain weight-sharing baseline DNA argues against (SPOS / RSPS on the block space): one
 * supernet over whole architectures, trained with cross-entropy along one uniformly sampled
 * architecture per step, then every candidate scored by its accuracy with the shared weights on
 * a fixed validation batch — BatchNorm with that batch's own statistics, as the NB-201 supernet
 * evaluator does. Used to put DNA's ranking quality beside it on the same architectures.
 */
export type OneShotSettings = SupernetSettings;

export const DEFAULT_ONE_SHOT: OneShotSettings = { steps: 400, batchSize: 16, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, evalBatch: 256 };

export interface OneShotRanking {
  /** Validation accuracy (%) of each architecture with the shared weights (higher is better). */
  scores: number[];
  losses: number[];
  steps: number;
  seconds: number;
  /** The scores after each of `stages` steps (the last is `scores`): the ranking as training goes on. */
  stages: { steps: number; scores: number[] }[];
}

/**
 * Trains the supernet `s.steps` steps and scores `archs`; with `stages` (increasing step counts,
 * the last one the total) it scores them after each stage too. Scoring draws nothing from the
 * training's random streams (a weight is initialised from its own name), so the stages do not
 * change the run.
 */
export async function oneShotRanking(archs: readonly BlockArch[], space: BlockSpace, dataset: Dataset, seed: number, s: OneShotSettings = DEFAULT_ONE_SHOT, yieldEvery = 20, stages: readonly number[] = [s.steps]): Promise<OneShotRanking> {
  if (stages.length === 0 || stages.some((n, i) => !Number.isInteger(n) || (i === 0 ? n < 0 : n <= stages[i - 1]))) throw new Error(`oneShotRanking: stages must be increasing whole step counts, not [${stages.join(', ')}]`);
  const t0 = Date.now();
  const rng = new Rng(seed).fork('oneshot');
  const data = new DeviceData(dataset);
  const net = new BlockNetwork(space, rng.fork('init'), 'batch');
  const opt = new PathSgd(s.lr, s.momentum);
  const sampler = new BatchSampler(data.train.n, s.batchSize, rng.fork('batches'));
  const pathRng = rng.fork('paths');
  const evalBatch = data.val.head(s.evalBatch);
  const scoreAll = async () => {
    const out = tf.tidy(() =>
      tf.stack(
        archs.flatMap((a) => {
          net.archVariables(a);
          const logits = net.forward(evalBatch.x, a, 'eval');
          return [accuracy(logits, evalBatch.y), crossEntropy(logits, evalBatch.y)];
        }),
      ),
    );
    const v = await out.data();
    out.dispose();
    return { scores: archs.map((_, i) => 100 * v[2 * i]), losses: archs.map((_, i) => v[2 * i + 1]) };
  };
  try {
    const done: OneShotRanking['stages'] = [];
    let last = { scores: [] as number[], losses: [] as number[] };
    let i = 0;
    for (const target of stages) {
      for (; i < target; i++) {
        const arch = sampleBlockArch(space, pathRng);
        const vars = net.archVariables(arch);
        const { x, y } = data.train.batch(sampler.next());
        const loss = opt.minimize(() => tf.add(crossEntropy(net.forward(x, arch, 'train'), y), l2(vars, s.weightDecay)) as tf.Scalar, vars);
        x.dispose();
        y.dispose();
        loss.dispose();
        if (i % yieldEvery === 0) await new Promise((r) => setTimeout(r, 0));
      }
      last = await scoreAll();
      done.push({ steps: target, scores: last.scores });
    }
    return { ...last, steps: i, seconds: (Date.now() - t0) / 1000, stages: done };
  } finally {
    evalBatch.x.dispose();
    evalBatch.y.dispose();
    opt.dispose();
    net.dispose();
    data.dispose();
  }
}
