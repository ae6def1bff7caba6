/**
 * Guided backpropagation's ReLU rule, installed for the duration of a synchronous gradient computation: the
 * gradient of every tf.relu passes only where both the input and the incoming gradient are positive,
 * dx = relu(dy) * step(x). The global gradient registry entry of the 'Relu' kernel is swapped and restored
 * in `finally`; since gradients are computed synchronously (no await inside), nothing else can observe it.
 * ReLUs fused into other kernels (tf.fused.matMul / conv2d with activation 'relu', e.g. tfjs-layers Dense
 * layers) are not affected.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';

const RELU = 'Relu';

export function withGuidedRelu<T>(fn: () => T): T {
  const original = tf.getGradient(RELU);
  tf.registerGradient({
    kernelName: RELU,
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const x = saved[0]!;
      return { x: () => tf.mul(tf.relu(dy as Tensor), tf.cast(tf.step(x), 'float32')) };
    },
  });
  try {
    return fn();
  } finally {
    if (original != null) tf.registerGradient(original);
    else tf.unregisterGradient(RELU);
  }
}
