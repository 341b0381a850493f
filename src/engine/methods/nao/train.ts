import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/rng';
import type { EpochLoss } from './events';
import type { EncoderPredictorDecoder } from './model';

export interface EpdTrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  gradClip: number;
  lambda: number;
  /** Epochs between two read-backs of the losses (one `data()` per chunk, none inside a step). */
  reportEvery: number;
}


/**
 * One pass of NAO's controller training: minibatches of (tokens, normalised score), joint loss,
 * PyTorch-style Adam (weight decay added to the clipped gradient, as torch.optim.Adam does after
 * clip_grad_norm_). A fresh Adam per call, as the original builds one per iteration; the model's
 * weights carry over (warm start).
 */
export async function trainEpd(
  model: EncoderPredictorDecoder,
  tokens: number[][],
  targets: number[],
  o: EpdTrainOptions,
  rng: Rng,
  checkpoint: () => Promise<void>,
  onLosses: (rows: EpochLoss[]) => void,
): Promise<EpochLoss | null> {
  const n = tokens.length;
  if (n === 0 || o.epochs === 0) return null;
  const vars = model.variables;
  const opt = tf.train.adam(o.lr, 0.9, 0.999, 1e-8);
  const dropout = () => rng.seed();
  let pending: { epoch: number; sums: tf.Tensor1D }[] = [];
  let last: EpochLoss | null = null;
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    const stacked = tf.stack(rows.map((r) => r.sums));
    const v = await stacked.data();
    stacked.dispose();
    const out = rows.map((r, i) => ({ epoch: r.epoch, loss: v[3 * i], mse: v[3 * i + 1], nll: v[3 * i + 2] }));
    for (const r of rows) r.sums.dispose();
    last = out[out.length - 1];
    onLosses(out);
  };
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      await checkpoint();
      const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
      let sums: tf.Tensor1D = tf.zeros([3]);
      for (let start = 0; start < n; start += o.batchSize) {
        const idx = order.slice(start, start + o.batchSize);
        const step = trainStep(model, vars, opt, idx.map((i) => tokens[i]), idx.map((i) => targets[i]), o, dropout);
        const next = tf.tidy(() => tf.add(sums, tf.mul(step, idx.length / n)) as tf.Tensor1D);
        step.dispose();
        sums.dispose();
        sums = next;
      }
      pending.push({ epoch, sums });
      if (pending.length >= o.reportEvery || epoch === o.epochs - 1) await flush();
    }
  } finally {
    for (const r of pending) r.sums.dispose();
    opt.dispose();
  }
  return last;
}

/** One clipped Adam step; returns [loss, mse, nll] of the batch (on the device, not read back). */
function trainStep(
  model: EncoderPredictorDecoder,
  vars: tf.Variable[],
  opt: tf.AdamOptimizer,
  tokens: number[][],
  targets: number[],
  o: EpdTrainOptions,
  dropoutSeed: () => number,
): tf.Tensor1D {
  const tok = tf.tensor2d(tokens, undefined, 'int32');
  const tgt = tf.tensor1d(targets);
  let parts: tf.Tensor1D | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const l = model.losses(tok, tgt, o.lambda, dropoutSeed);
    parts = tf.keep(tf.stack([l.total, l.mse, l.nll]) as tf.Tensor1D);
    return l.total;
  }, vars);
  tf.tidy(() => {
    const gs = vars.map((v) => grads[v.name]);
    const norm = tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(1, tf.div(o.gradClip, tf.add(norm, 1e-6)));
    const clipped = vars.map((v, i) => ({
      name: v.name,
      tensor: o.weightDecay > 0 ? tf.add(tf.mul(gs[i], scale), tf.mul(v, o.weightDecay)) : tf.mul(gs[i], scale),
    }));
    opt.applyGradients(clipped);
  });
  for (const g of Object.values(grads)) g.dispose();
  value.dispose();
  tok.dispose();
  tgt.dispose();
  return parts!;
}
