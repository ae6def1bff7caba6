/**
 * The adversarial and reconstruction losses of the GAN and the CycleGAN, as small differentiable functions
 * of logits and images. All return a scalar (the mean over every element).
 */
import { tf, type Tensor } from '@glassbox/tensors-ops';

/**
 * Binary cross-entropy of logits against a constant target t, in the stable form
 * softplus(l) - t * l = -t log sigmoid(l) - (1 - t) log(1 - sigmoid(l)). Mean over all elements.
 */
export function bceWithLogits(logits: Tensor, target: number): Tensor {
  return tf.tidy(() => {
    const sp = tf.softplus(logits);
    return tf.mean(target === 0 ? sp : tf.sub(sp, tf.mul(logits, target)));
  });
}

/**
 * The discriminator's loss of a GAN (Goodfellow et al. 2014): -log D(x) - log(1 - D(G(z))), with one-sided
 * label smoothing (Salimans et al. 2016, arXiv:1606.03498): the real target is 1 - smoothing, the fake
 * target stays 0.
 */
export function discriminatorLoss(realLogits: Tensor, fakeLogits: Tensor, smoothing: number): Tensor {
  return tf.tidy(() => tf.add(bceWithLogits(realLogits, 1 - smoothing), bceWithLogits(fakeLogits, 0)));
}

/** The non-saturating generator loss -log D(G(z)) (Goodfellow et al. 2014, section 3). */
export function nonSaturatingLoss(fakeLogits: Tensor): Tensor {
  return bceWithLogits(fakeLogits, 1);
}

/** The smallest value `discriminatorLoss` can take: the binary entropy of the real target 1 - smoothing. */
export function discriminatorLossFloor(smoothing: number): number {
  const t = 1 - smoothing;
  if (t <= 0 || t >= 1) return 0;
  return -(t * Math.log(t) + (1 - t) * Math.log(1 - t));
}

/** Least-squares GAN loss (Mao et al. 2017, arXiv:1611.04076) against a constant target: mean((s - t)^2). */
export function leastSquares(scores: Tensor, target: number): Tensor {
  return tf.tidy(() => tf.mean(tf.square(target === 0 ? scores : tf.sub(scores, target))));
}

/** Mean absolute difference, the L1 loss of cycle consistency and identity. */
export function meanAbs(a: Tensor, b: Tensor): Tensor {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))));
}

/** Logits of the given classes: row i of [N, K] at column labels[i] -> [N, 1]. */
export function pickColumns(logits: Tensor, oneHot: Tensor): Tensor {
  return tf.tidy(() => tf.sum(tf.mul(logits, oneHot), 1, true));
}
