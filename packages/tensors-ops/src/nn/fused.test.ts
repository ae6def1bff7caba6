import { describe, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { createRng } from '../rng.js';
import { describeBackends, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import type { LayerSpec } from './layer-spec.js';
import { sequential, type Sequential } from './sequential.js';
import { FUSED_CONV2D_KERNEL, FUSED_DENSE_KERNEL } from './fused.js';

const SPECS: LayerSpec[] = [
  { type: 'conv2d', name: 'c1', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'glorotUniform' },
  { type: 'conv2d', name: 'c2', filters: 6, kernelSize: 3, strides: 2, padding: 'valid', biasInitializer: 'glorotUniform' },
  { type: 'conv2d', name: 'c3', filters: 5, kernelSize: 2, strides: [1, 2], padding: 'same', activation: 'relu', useBias: false },
  { type: 'flatten' },
  { type: 'dense', name: 'd1', units: 7, activation: 'relu', biasInitializer: 'glorotUniform' },
  { type: 'dense', name: 'd2', units: 4, useBias: false },
  { type: 'dense', name: 'logits', units: 3, biasInitializer: 'glorotUniform' },
];

function input(n: number): Tensor {
  return tf.tensor4d(createRng(5).uniformArray(n * 9 * 10 * 2, -1, 1), [n, 9, 10, 2]);
}

/** The same network as unfused ops (conv2d, add, relu, matMul) on the model's variables. */
function unfused(m: Sequential, x: Tensor): Tensor {
  const vars = (m as unknown as { vars: Map<string, Tensor> }).vars;
  const w = (name: string): Tensor => vars.get(name)!;
  return tf.tidy(() => {
    let h: Tensor = tf.conv2d(x as tf.Tensor4D, w('c1/kernel') as tf.Tensor4D, 1, 'same');
    h = tf.relu(tf.add(h, w('c1/bias')));
    h = tf.add(tf.conv2d(h as tf.Tensor4D, w('c2/kernel') as tf.Tensor4D, 2, 'valid'), w('c2/bias'));
    h = tf.relu(tf.conv2d(h as tf.Tensor4D, w('c3/kernel') as tf.Tensor4D, [1, 2], 'same'));
    h = tf.reshape(h, [h.shape[0]!, -1]);
    h = tf.relu(tf.add(tf.matMul(h, w('d1/kernel')), w('d1/bias')));
    h = tf.matMul(h, w('d2/kernel'));
    return tf.add(tf.matMul(h, w('logits/kernel')), w('logits/bias'));
  });
}

async function kernelsOf(f: () => Tensor | Tensor[]): Promise<string[]> {
  const info = await tf.profile(() => {
    tf.dispose(f());
  });
  return info.kernels.map((k) => k.name);
}

describeBackends('fused conv/dense layers in inference', () => {
  it('predict runs the fused kernels and equals the unfused ops', async () => {
    await expectNoLeaks(async () => {
      const m = sequential(SPECS, [9, 10, 2], { seed: 3 });
      const x = input(3);
      const names = await kernelsOf(() => m.predict(x));
      expect(names.filter((n) => n === FUSED_CONV2D_KERNEL)).toHaveLength(3);
      expect(names.filter((n) => n === FUSED_DENSE_KERNEL)).toHaveLength(3);
      const got = m.predict(x);
      const want = unfused(m, x);
      expectTensorClose(got, want, 1e-5, 1e-5);
      tf.dispose([got, want]);
      // Training mode keeps the unfused ops (trained weights do not depend on the fused kernels).
      const trainNames = await kernelsOf(() => m.apply(x, { training: true }));
      x.dispose();
      expect(trainNames).not.toContain(FUSED_CONV2D_KERNEL);
      expect(trainNames).not.toContain(FUSED_DENSE_KERNEL);
      m.dispose();
    });
  });

  it('gradients to the input and to every weight equal the unfused ones', async () => {
    await expectNoLeaks(() => {
      const m = sequential(SPECS, [9, 10, 2], { seed: 4 });
      const x = input(2);
      const loss = (f: (x: Tensor) => Tensor) => (xx: Tensor): tf.Scalar => tf.sum(tf.mul(f(xx), tf.tensor1d([1, -2, 0.5])));
      const gx = tf.grad(loss((xx) => m.predict(xx)))(x);
      const gxWant = tf.grad(loss((xx) => unfused(m, xx)))(x);
      expectTensorClose(gx, gxWant, 1e-5, 1e-5);
      const vars = m.trainableVariables();
      const { value, grads } = tf.variableGrads(() => loss((xx) => m.predict(xx))(x), vars);
      const { value: value2, grads: want } = tf.variableGrads(() => loss((xx) => unfused(m, xx))(x), vars);
      for (const v of vars) expectTensorClose(grads[v.name]!, want[v.name]!, 1e-5, 1e-5);
      tf.dispose([x, gx, gxWant, value, value2, ...Object.values(grads), ...Object.values(want)]);
      m.dispose();
    });
  });

  it('a gradient to the input computes no filter or weight gradients', async () => {
    const m = sequential(SPECS, [9, 10, 2], { seed: 5 });
    const x = input(2);
    const names = await kernelsOf(() => tf.grad((xx: Tensor) => tf.sum(m.predict(xx)))(x));
    expect(names).toContain('Conv2DBackpropInput');
    expect(names).not.toContain('Conv2DBackpropFilter');
    // dense: one product per layer backwards (to its input), none for its kernel
    const fwdProducts = (await kernelsOf(() => m.predict(x))).filter((n) => n === 'BatchMatMul').length;
    expect(names.filter((n) => n === 'BatchMatMul').length - fwdProducts).toBe(3);
    tf.dispose(x);
    m.dispose();
  });
});

describe('fused layers: fall back where they do not apply', () => {
  it('other activations and dilations run the unfused ops', async () => {
    const m = sequential(
      [
        { type: 'conv2d', filters: 2, kernelSize: 3, dilations: 2, activation: 'relu' },
        { type: 'conv2d', filters: 2, kernelSize: 1, activation: 'tanh' },
        { type: 'flatten' },
        { type: 'dense', units: 2, activation: 'sigmoid' },
      ],
      [7, 7, 1],
      { seed: 1 },
    );
    const x = tf.ones([1, 7, 7, 1]);
    const names = await kernelsOf(() => m.predict(x));
    expect(names).not.toContain(FUSED_CONV2D_KERNEL);
    expect(names).not.toContain(FUSED_DENSE_KERNEL);
    tf.dispose(x);
    m.dispose();
  });
});
