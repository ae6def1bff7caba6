/**
 * The elementwise activations of tensors-ops' nn blocks (same ops, so the same numbers as the model's own
 * forward pass), their ordinary derivatives, and DeepLIFT's rescale rule as a custom gradient. Local because
 * tensors-ops does not export its private `applyActivation`.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';

export interface ActivationLike {
  readonly fn: string;
  readonly alpha?: number;
}

/** Activations whose multipliers the rescale rule replaces (elementwise ones; softmax is not). */
export const RESCALE_ACTIVATIONS: ReadonlySet<string> = new Set(['relu', 'leakyRelu', 'sigmoid', 'tanh', 'softplus', 'elu']);

/** act(z), exactly as tensors-ops' nn computes it. */
export function applyElementwise(z: Tensor, act: ActivationLike): Tensor {
  switch (act.fn) {
    case 'relu':
      return tf.relu(z);
    case 'leakyRelu':
      return tf.leakyRelu(z, act.alpha ?? 0.2);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'tanh':
      return tf.tanh(z);
    case 'softplus':
      return tf.softplus(z);
    case 'elu': {
      const alpha = act.alpha ?? 1;
      if (alpha === 1) return tf.elu(z);
      return tf.add(tf.relu(z), tf.mul(tf.scalar(alpha), tf.elu(tf.minimum(z, tf.scalar(0)))));
    }
    default:
      throw new Error(`no elementwise activation '${act.fn}'`);
  }
}

/** act'(z), the ordinary derivative (the subgradient 0 at the kink of relu, as tfjs-core's gradient). */
export function derivative(z: Tensor, act: ActivationLike): Tensor {
  const positive = tf.cast(tf.greater(z, 0), 'float32');
  switch (act.fn) {
    case 'relu':
      return positive;
    case 'leakyRelu': {
      const a = act.alpha ?? 0.2;
      return tf.add(tf.mul(positive, 1 - a), a);
    }
    case 'sigmoid': {
      const s = tf.sigmoid(z);
      return tf.mul(s, tf.sub(1, s));
    }
    case 'tanh':
      return tf.sub(1, tf.square(tf.tanh(z)));
    case 'softplus':
      return tf.sigmoid(z);
    case 'elu': {
      const a = act.alpha ?? 1;
      return tf.where(tf.greater(z, 0), tf.onesLike(z), tf.mul(tf.exp(tf.minimum(z, 0)), a));
    }
    default:
      throw new Error(`no elementwise activation '${act.fn}'`);
  }
}

/**
 * act(z) whose gradient is DeepLIFT's rescale multiplier (act(z) - act(zb)) / (z - zb), or act'(z) where
 * |z - zb| <= eps. zb is the pre-activation of the reference input (a constant of the same shape).
 */
export function rescaled(z: Tensor, zb: Tensor, act: ActivationLike, eps: number): Tensor {
  // Only tensors that live outside the gradient computation (zb) or are saved may be used in gradFunc:
  // whatever the forward function makes is disposed before the backward pass.
  const f = tf.customGrad((input: Tensor | ((save: Tensor[]) => void), save: Tensor | ((save: Tensor[]) => void)) => {
    const zz = input as Tensor;
    (save as (s: Tensor[]) => void)([zz]);
    return {
      value: applyElementwise(zz, act),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const s = saved[0]!;
        const dz = tf.sub(s, zb);
        const far = tf.greater(tf.abs(dz), eps);
        const ratio = tf.div(tf.sub(applyElementwise(s, act), applyElementwise(zb, act)), tf.where(far, dz, tf.onesLike(dz)));
        return [tf.mul(dy as Tensor, tf.where(far, ratio, derivative(s, act)))];
      },
    };
  });
  return f(z);
}
