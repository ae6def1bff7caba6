/** The loss terms of the autoencoders and VAEs, per row (nats), inside the caller's tf.tidy. */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';

function rowAxes(x: Tensor): number[] {
  return Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
}

/**
 * Bernoulli negative log-likelihood of the pixel intensities x in [0, 1] under sigmoid(logits), summed over
 * each row's pixels: sum_j softplus(l_j) - x_j l_j  (= binary cross-entropy, stable for any logit). [N].
 */
export function bernoulliNll(logits: Tensor, x: Tensor): Tensor {
  return tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), rowAxes(x));
}

/** Mean squared error of sigmoid(logits) against x over each row's pixels. [N]. */
export function squaredError(logits: Tensor, x: Tensor): Tensor {
  return tf.mean(tf.squaredDifference(tf.sigmoid(logits), x), rowAxes(x));
}

/** KL(N(mean, exp(logVar)) || N(0, I)) per latent dimension: (mean^2 + exp(logVar) - 1 - logVar) / 2. [N, L]. */
export function gaussianKlPerDim(mean: Tensor, logVar: Tensor): Tensor {
  return tf.mul(tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(logVar, 1)), 0.5);
}
