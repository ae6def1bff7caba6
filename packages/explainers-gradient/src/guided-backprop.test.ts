import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { guidedBackprop } from './guided-backprop.js';
import { saliency } from './saliency.js';
import { normals, uniforms } from './testing-internal/models.js';

describeBackends('guidedBackprop', () => {
  it('guidedBackprop passes only positive gradient through each ReLU (two ReLU layers, by hand)', async () => {
    const P = 4;
    const H1 = 5;
    const H2 = 3;
    const W1 = normals(11, P * H1);
    const W2 = normals(12, H1 * H2);
    const v = normals(13, H2);
    const f = (t: Tensor) =>
      tf.tidy(() => tf.matMul(tf.relu(tf.matMul(tf.relu(tf.matMul(t, tf.tensor2d(W1, [P, H1]))), tf.tensor2d(W2, [H1, H2]))), tf.tensor2d(v, [H2, 1])));
    const xv = uniforms(14, 3 * P, -1, 1);
    const x = tf.tensor2d(xv, [3, P]);
    const relu = tf.getGradient('Relu');
    await expectNoLeaks(async () => {
      const { attributions, method } = await guidedBackprop(f, x);
      expect(method).toBe('guidedBackprop');
      const expected = new Float32Array(3 * P);
      for (let i = 0; i < 3; i++) {
        const z1 = Array.from({ length: H1 }, (_, h) => xv.subarray(i * P, i * P + P).reduce((s, xj, j) => s + xj * W1[j * H1 + h]!, 0));
        const a1 = z1.map((z) => Math.max(z, 0));
        const z2 = Array.from({ length: H2 }, (_, m) => a1.reduce((s, ah, h) => s + ah * W2[h * H2 + m]!, 0));
        const g2 = z2.map((z, m) => (z > 0 ? Math.max(v[m]!, 0) : 0)); // at the input of relu 2
        const g1 = z1.map((z, h) => (z > 0 ? Math.max(g2.reduce((s, g, m) => s + g * W2[h * H2 + m]!, 0), 0) : 0));
        for (let j = 0; j < P; j++) expected[i * P + j] = g1.reduce((s, g, h) => s + g * W1[j * H1 + h]!, 0);
      }
      expectTensorClose(attributions, expected, 1e-5);
      attributions.dispose();
    });
    // The ordinary ReLU gradient is back afterwards.
    expect(tf.getGradient('Relu')).toBe(relu);
    const plain = await saliency(f, x, { abs: false });
    const guided = await guidedBackprop(f, x);
    const differs = tf.tidy(() => tf.max(tf.abs(tf.sub(plain.attributions, guided.attributions))).dataSync()[0]!);
    expect(differs).toBeGreaterThan(1e-4);
    for (const t of [plain.attributions, guided.attributions, x]) t.dispose();
  });

  it('restores the ReLU gradient when the model throws', async () => {
    const relu = tf.getGradient('Relu');
    const x = tf.zeros([2, 3]);
    await expectGlassboxError(() => guidedBackprop((t: Tensor) => tf.relu(tf.concat([t, t], 0)), x), 'SHAPE_MISMATCH');
    expect(tf.getGradient('Relu')).toBe(relu);
    x.dispose();
  });
});
