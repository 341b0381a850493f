import * as tf from '@tensorflow/tfjs';
import { l2Normalize, type EncoderPredictorDecoder } from './model';

export interface Decoded {
  /** Row-major [B, T] tokens. */
  tokens: Int32Array;
  /** Row-major [B, H] embeddings (e_x, or e' after a move). */
  embeddings: Float32Array;
  /** f(e) in (0, 1), one per row. */
  predicted: Float32Array;
}

async function readBack(tok: tf.Tensor, e: tf.Tensor, f: tf.Tensor): Promise<Decoded> {
  try {
    const [tokens, embeddings, predicted] = await Promise.all([tok.data(), e.data(), f.data()]);
    return { tokens: tokens as Int32Array, embeddings: embeddings as Float32Array, predicted: predicted as Float32Array };
  } finally {
    tok.dispose();
    e.dispose();
    f.dispose();
  }
}

/** Encodes cells, predicts, and decodes them back without moving: reconstruction and the embedding. */
export async function encodePredictDecode(model: EncoderPredictorDecoder, tokens: number[][]): Promise<Decoded> {
  const [tok, e, f] = tf.tidy(() => {
    const steps = model.encodeSteps(tf.tensor2d(tokens, undefined, 'int32'));
    const emb = model.pool(steps);
    return [model.greedyDecode(emb, steps), emb, model.predict(emb)];
  });
  return readBack(tok, e, f);
}

/** The predictor on arbitrary points of the space, re-normalised onto the sphere e_x lives on. */
export async function predictAt(model: EncoderPredictorDecoder, points: Float32Array, dim: number): Promise<Float32Array> {
  const f = tf.tidy(() => model.predict(l2Normalize(tf.tensor2d(points, [points.length / dim, dim]))));
  try {
    return (await f.data()) as Float32Array;
  } finally {
    f.dispose();
  }
}

/**
 * NAO's inference for a batch of seeds. The gradient ∂f/∂h_t is taken once, on every per-step
 * encoder output of the seed (not on the pooled e_x); a step η then gives h'_t = h_t + η·∂f/∂h_t,
 * each h'_t re-normalised, e' = normalise(mean h'_t), and the decoder starts from e' attending
 * over the moved h'_t. Holds two tensors until disposed.
 */
export class SeedMover {
  private readonly steps: tf.Tensor3D;
  private readonly grad: tf.Tensor3D;

  constructor(
    private readonly model: EncoderPredictorDecoder,
    tokens: number[][],
  ) {
    const [steps, grad] = tf.tidy(() => {
      const s = model.encodeSteps(tf.tensor2d(tokens, undefined, 'int32'));
      // Σ over the batch: each seed's f depends only on its own h_t, so this is every seed's gradient.
      const g = tf.grad((h: tf.Tensor) => tf.sum(model.predict(model.pool(h as tf.Tensor3D))))(s) as tf.Tensor3D;
      return [s, g];
    });
    this.steps = steps;
    this.grad = grad;
  }

  async move(eta: number): Promise<Decoded> {
    const [tok, e, f] = tf.tidy(() => {
      const moved = l2Normalize(tf.add(this.steps, tf.mul(this.grad, eta)) as tf.Tensor3D);
      const emb = this.model.pool(moved);
      return [this.model.greedyDecode(emb, moved), emb, this.model.predict(emb)];
    });
    return readBack(tok, e, f);
  }

  dispose(): void {
    this.steps.dispose();
    this.grad.dispose();
  }
}
