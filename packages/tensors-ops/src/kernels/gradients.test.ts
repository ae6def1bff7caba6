/**
 * Gradient parity of whole small networks, wasm vs cpu: what training and the gradient explainers compute.
 * Every parameter's gradient and the input gradient (saliency) must agree within 1e-4.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { createRng } from '../rng.js';
import { computeOn, liveCount, maxAbsDiff, randomTensor } from '../testing-internal/parity-helpers.js';

type T = tf.Tensor;
type T4 = tf.Tensor4D;

/** Small CNN: conv s1 same → relu → batchNorm → maxPool → conv s2 same → leakyRelu → conv2dTranspose s2 → elu → avgPool → dense → logSoftmax. */
function cnnLoss(x: T, c1: T, b1: T, gamma: T, beta: T, c2: T, ct: T, w: T, b: T, labels: T): T {
  let h = tf.relu(tf.add(tf.conv2d(x as T4, c1 as T4, 1, 'same'), b1)); // [4, 12, 12, 8]
  const { mean, variance } = tf.moments(h, [0, 1, 2]);
  h = tf.batchNorm(h, mean, variance, beta, gamma, 1e-3);
  h = tf.maxPool(h as T4, 2, 2, 'same'); // [4, 6, 6, 8]
  h = tf.leakyRelu(tf.conv2d(h as T4, c2 as T4, 2, 'same'), 0.2); // [4, 3, 3, 12]
  h = tf.elu(tf.conv2dTranspose(h as T4, ct as T4, [4, 6, 6, 6], 2, 'same')); // [4, 6, 6, 6]
  h = tf.avgPool(h as T4, 2, 2, 'valid'); // [4, 3, 3, 6]
  const logits = tf.add(tf.matMul(tf.reshape(h, [4, 54]), w), b);
  return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1)));
}

function cnnGrads(seed: number): T[] {
  const rng = createRng(seed);
  const x = randomTensor(rng, [4, 12, 12, 3]);
  const params = [
    randomTensor(rng, [3, 3, 3, 8], -0.5, 0.5),
    randomTensor(rng, [8], -0.1, 0.1),
    randomTensor(rng, [8], 0.8, 1.2),
    randomTensor(rng, [8], -0.1, 0.1),
    randomTensor(rng, [3, 3, 8, 12], -0.3, 0.3),
    randomTensor(rng, [3, 3, 6, 12], -0.3, 0.3),
    randomTensor(rng, [54, 10], -0.3, 0.3),
    randomTensor(rng, [10], -0.1, 0.1),
  ];
  const labels = tf.oneHot(tf.tensor1d([1, 4, 7, 9], 'int32'), 10);
  const f = (...args: T[]) => cnnLoss(args[0]!, args[1]!, args[2]!, args[3]!, args[4]!, args[5]!, args[6]!, args[7]!, args[8]!, labels);
  const { value, grads } = tf.valueAndGrads(f)([x, ...params]);
  return [value, ...grads];
}

/** Dense net: tanh, sigmoid, softplus layers (matMul + bias), softmax, squared error. */
function denseGrads(seed: number): T[] {
  const rng = createRng(seed);
  const x = randomTensor(rng, [8, 20]);
  const params = [
    randomTensor(rng, [20, 32], -0.4, 0.4),
    randomTensor(rng, [32], -0.1, 0.1),
    randomTensor(rng, [32, 16], -0.4, 0.4),
    randomTensor(rng, [16], -0.1, 0.1),
    randomTensor(rng, [16, 5], -0.4, 0.4),
    randomTensor(rng, [5], -0.1, 0.1),
  ];
  const target = randomTensor(rng, [8, 5], 0, 0.4);
  const f = (...a: T[]) => {
    let h = tf.tanh(tf.add(tf.matMul(a[0]!, a[1]!), a[2]!));
    h = tf.softplus(tf.sigmoid(tf.add(tf.matMul(h, a[3]!), a[4]!)));
    const p = tf.softmax(tf.add(tf.matMul(h, a[5]!), a[6]!));
    return tf.mean(tf.square(tf.sub(p, target)));
  };
  const { value, grads } = tf.valueAndGrads(f)([x, ...params]);
  return [value, ...grads];
}

/** Autoencoder-shaped: conv s2 valid down, conv2dTranspose s2 valid up, a fused dense bottleneck. */
function autoencoderGrads(seed: number): T[] {
  const rng = createRng(seed);
  const x = randomTensor(rng, [3, 9, 9, 2], 0, 1);
  const params = [
    randomTensor(rng, [3, 3, 2, 6], -0.4, 0.4), // 9 -> 4
    randomTensor(rng, [96, 16], -0.2, 0.2),
    randomTensor(rng, [16, 96], -0.2, 0.2),
    randomTensor(rng, [3, 3, 2, 6], -0.4, 0.4), // 4 -> 9
  ];
  const f = (...a: T[]) => {
    const down = tf.relu(tf.conv2d(a[0] as T4, a[1] as T4, 2, 'valid')); // [3, 4, 4, 6]
    const z = tf.sigmoid(tf.matMul(tf.reshape(down, [3, 96]), a[2]!));
    const up = tf.reshape(tf.matMul(z, a[3]!), [3, 4, 4, 6]);
    const y = tf.sigmoid(tf.conv2dTranspose(up as T4, a[4] as T4, [3, 9, 9, 2], 2, 'valid'));
    return tf.mean(tf.square(tf.sub(y, a[0]!)));
  };
  const { value, grads } = tf.valueAndGrads(f)([x, ...params]);
  return [value, ...grads];
}

describe('gradient parity of small networks, wasm vs cpu', () => {
  for (const [name, fn] of [
    ['small CNN (conv2d s1/s2, batchNorm, maxPool, conv2dTranspose, avgPool, dense)', cnnGrads],
    ['dense net (tanh, sigmoid, softplus, softmax)', denseGrads],
    ['autoencoder (conv2d/conv2dTranspose valid, stride 2)', autoencoderGrads],
  ] as const) {
    it(name, async () => {
      const cpu = await computeOn('cpu', () => fn(42));
      const wasm = await computeOn('wasm', () => fn(42));
      expect(wasm.shapes).toEqual(cpu.shapes);
      for (let k = 0; k < cpu.values.length; k++) {
        const what = k === 0 ? 'loss' : k === 1 ? 'input gradient' : `gradient of parameter ${k - 2}`;
        expect(maxAbsDiff(wasm.values[k]!, cpu.values[k]!), what).toBeLessThanOrEqual(1e-4);
      }
      const before = liveCount();
      tf.dispose(tf.tidy(() => fn(43)));
      expect(liveCount()).toEqual(before);
    });
  }
});
