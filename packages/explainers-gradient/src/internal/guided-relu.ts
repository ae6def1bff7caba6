/**
 * Guided backpropagation's ReLU rule as a tensors-ops nonlinearity rule: the gradient of every relu passes only
 * where both its input and the incoming gradient are positive, dz = relu(dy) * [z > 0]. tensors-ops applies it
 * to every relu the gradient meets, whatever kernel computed it (tf.relu, the nn blocks' fused conv/dense +
 * relu kernels, tfjs-core's fused ops); the other activations keep their ordinary gradient (as Captum's
 * GuidedBackprop, which overrides ReLU modules only).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf, withNonlinearityRule } from '@glassbox/tensors-ops';
import type { NonlinearityGradient } from '@glassbox/tensors-ops';

export function guidedRelu(g: NonlinearityGradient): Tensor | null {
  return g.activation.fn === 'relu' ? tf.mul(tf.relu(g.dy), tf.step(g.z)) : null;
}

/** Runs a synchronous gradient computation with guided ReLU gradients. */
export function withGuidedRelu<T>(fn: () => T): T {
  return withNonlinearityRule(guidedRelu, fn);
}
