import * as tf from '@tensorflow/tfjs';

/**
 * Cross-entropy to a soft target, averaged over the batch: −(1/N) Σᵢ Σ_c pᵢ_c · log softmax(zᵢ)_c.
 * The original's `cross_entropy_loss_with_soft_target`; at temperature 1 it is the KD term.
 */
export function softCrossEntropy(logits: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/**
 * Cream's student loss (paper eq. 6, official lib/core/train.py):
 *   L = (ρ · KD + (2 − ρ) · CE) / 2
 * with ρ = sigmoid(matching score) of the chosen teacher. ρ = 1 weighs both terms equally; a
 * confident match (ρ → 1) leans on the teacher, a poor one (ρ → 0) on the labels. ρ is a number
 * (or a tensor made outside the differentiated function, hence a constant to it): the meta
 * network learns only by its look-ahead, not from this loss.
 */
export function creamLoss(ce: tf.Scalar, kd: tf.Scalar, rho: number | tf.Scalar): tf.Scalar {
  return tf.tidy(() => {
    const r = typeof rho === 'number' ? tf.scalar(rho) : rho;
    return tf.div(tf.add(tf.mul(r, kd), tf.mul(tf.sub(2, r), ce)), 2) as tf.Scalar;
  });
}
