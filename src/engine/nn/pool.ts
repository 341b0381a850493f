import * as tf from '@tensorflow/tfjs';

/**
 * NB-201's avg_pool_3x3: 3×3 average, stride 1, 'same' padding, padding excluded from the count
 * (PyTorch count_include_pad=False). tfjs's forward pass excludes padding too, but its
 * AvgPoolGrad kernels scale every window by 1/9, so border gradients disagree with the forward
 * pass. This op keeps tfjs's forward and supplies the matching gradient:
 *   dx = count ⊙ avgPool(dy ⊘ count)   (avgPool·count is the window sum, and a stride-1 window sum is its own transpose).
 */
export function avgPool3x3(x: tf.Tensor4D): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x4 = args[0] as tf.Tensor4D;
    return {
      value: tf.avgPool(x4, 3, 1, 'same'),
      gradFunc: (dy: tf.Tensor) => {
        const count = windowCounts(x4.shape[1], x4.shape[2], x4.shape[3]);
        return tf.mul(tf.avgPool(tf.div(dy, count) as tf.Tensor4D, 3, 1, 'same'), count);
      },
    };
  });
  return op(x) as tf.Tensor4D;
}

/** [H, W, C] map of how many real pixels each 3×3 window covers (made inside the gradient's tidy, so it is freed with it). */
function windowCounts(h: number, w: number, c: number): tf.Tensor3D {
  const v = new Float32Array(h * w * c);
  for (let r = 0; r < h; r++) {
    const nr = Math.min(r + 1, h - 1) - Math.max(r - 1, 0) + 1;
    for (let q = 0; q < w; q++) {
      const n = nr * (Math.min(q + 1, w - 1) - Math.max(q - 1, 0) + 1);
      v.fill(n, (r * w + q) * c, (r * w + q + 1) * c);
    }
  }
  return tf.tensor3d(v, [h, w, c]);
}
