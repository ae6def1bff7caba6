import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { latentAttribution } from './latent-attribution.js';
import { normals, uniforms } from './testing-internal/models.js';

describeBackends('latentAttribution', () => {
  const D = 3;
  const W = normals(31, D * 4); // decoder z [N, 3] -> image [N, 2, 2, 1], linear: out = z W
  const decoder = (z: Tensor) => tf.tidy(() => tf.reshape(tf.matMul(z, tf.tensor2d(W, [D, 4])), [z.shape[0]!, 2, 2, 1]));
  const mask = [1, 0, 1, 1]; // three of the four pixels

  it('is z * (W mask) for a linear decoder (sum) and that divided by the mask size (mean)', async () => {
    const zv = uniforms(2, 2 * D, -1, 1);
    const z = tf.tensor2d(zv, [2, D]);
    const wm = Array.from({ length: D }, (_, d) => mask.reduce((acc, m, p) => acc + m * W[d * 4 + p]!, 0));
    await expectNoLeaks(async () => {
      const r = await latentAttribution(decoder, z, mask, { steps: 5 });
      expect(r.method).toBe('latentAttribution');
      expect(r.attributions.shape).toEqual([2, D]);
      expectTensorClose(r.attributions, zv.map((v, e) => v * wm[e % D]!), 1e-5);
      expectTensorClose(r.delta!, [0, 0], 1e-5);
      const mean = await latentAttribution(decoder, z, new Float32Array(mask), { reduce: 'mean', steps: 5 });
      expectTensorClose(mean.attributions, zv.map((v, e) => (v * wm[e % D]!) / 3), 1e-5);
      for (const t of [r.attributions, r.delta!, mean.attributions, mean.delta!]) t.dispose();
    });
    z.dispose();
  });

  it('attributes relative to the given baseline, and a tensor mask broadcasts over channels', async () => {
    const zv = uniforms(3, D, -1, 1);
    const z = tf.tensor2d(zv, [1, D]);
    const m = tf.tensor3d([1, 0, 1, 1], [2, 2, 1]);
    const b = tf.tensor2d([[0.5, -0.5, 0.25]]);
    const wm = Array.from({ length: D }, (_, d) => mask.reduce((acc, mm, p) => acc + mm * W[d * 4 + p]!, 0));
    const r = await latentAttribution({ predict: decoder }, z, m, { baseline: b, method: 'riemann_trapezoid', steps: 3 });
    expectTensorClose(r.attributions, zv.map((v, e) => (v - [0.5, -0.5, 0.25][e]!) * wm[e]!), 1e-5);
    for (const t of [r.attributions, r.delta!, z, m, b]) t.dispose();
  });

  it('rejects a z that is not [N, D], a mask of the wrong size and a bad reduce', async () => {
    const z3 = tf.zeros([2, 3, 1]);
    await expectGlassboxError(() => latentAttribution(decoder, z3, mask), 'SHAPE_MISMATCH', /z must be .*\[N, D\]/);
    const z = tf.zeros([2, 3]);
    await expectGlassboxError(() => latentAttribution(decoder, z, [1, 0, 1]), 'SHAPE_MISMATCH', /mask/);
    await expectGlassboxError(() => latentAttribution(decoder, z, mask, { reduce: 'max' as never }), 'INVALID_ARGUMENT', /reduce/);
    const nan = tf.tensor2d([[1, NaN, 0]]);
    await expectGlassboxError(() => latentAttribution(decoder, nan, mask), 'NON_FINITE', /z/);
    nan.dispose();
    z3.dispose();
    z.dispose();
  });

  it('takes the mask as options.mask: z * (W mask) for a linear decoder; a missing mask is refused', async () => {
    const zv = uniforms(2, 2 * D, -3, 1);
    const z = tf.tensor2d(zv, [2, D]);
    const wm = Array.from({ length: D }, (_, d) => mask.reduce((acc, m, p) => acc + m * W[d * 4 + p]!, 0));
    await expectNoLeaks(async () => {
      const r = await latentAttribution(decoder, z, { mask, steps: 5 });
      expectTensorClose(r.attributions, zv.map((v, i) => v * wm[i % D]!), 1e-4);
      tf.dispose([r.attributions, r.delta!]);
    });
    await expectNoLeaks(() => expectGlassboxError(() => latentAttribution(decoder, z, { steps: 5 }), 'INVALID_ARGUMENT', /options\.mask is required/));
    z.dispose();
  });
});
