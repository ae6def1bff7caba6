import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { latentSensitivity } from './latent-sensitivity.js';
import { counting, lcgValues } from './testing-internal/models.js';

// Linear decoder z [N, 4] -> [N, 3]: moving z_d by delta changes pixel k by delta * B[d][k] whatever z is.
const B = [
  [1, -1, 0.5],
  [0, 0, 0],
  [3, 0, -3],
  [0.1, 0.2, 0.3],
];
const linear = (z: Tensor): Tensor => tf.tidy(() => tf.matMul(z, tf.tensor2d(B)));

describeBackends('latentSensitivity', () => {
  it('linear decoder: score_d = |delta| mean_k |B[d][k]|; the ignored dimension comes last', async () => {
    await expectNoLeaks(async () => {
      const zs = tf.tensor(lcgValues(5 * 4, 2), [5, 4]);
      const { scores, order } = await latentSensitivity(linear, zs, { delta: 0.5 });
      B.forEach((row, d) => expect(scores[d]).toBeCloseTo((0.5 * row.reduce((s, v) => s + Math.abs(v), 0)) / 3, 5));
      expect(order).toEqual([2, 0, 3, 1]);
      zs.dispose();
    });
  });

  it('non-linear decoder: matches the finite differences computed directly; N (D + 1) rows in batches', async () => {
    const zv = lcgValues(3 * 2, 4);
    const zs = tf.tensor(zv, [3, 2]);
    const dec = (z: Tensor): Tensor => tf.tidy(() => tf.stack([tf.tanh(tf.sum(z, 1)), tf.square(tf.reshape(tf.slice(z, [0, 1], [-1, 1]), [-1]))], 1));
    const js = (z: number[]): number[] => [Math.tanh(z[0]! + z[1]!), z[1]! * z[1]!];
    const counted = counting(dec);
    const { scores } = await latentSensitivity(counted.f, zs, { delta: -0.3, batchSize: 4 });
    expect(counted.calls).toEqual([4, 4, 1]);
    for (let d = 0; d < 2; d++) {
      let s = 0;
      for (let n = 0; n < 3; n++) {
        const z = zv.slice(n * 2, n * 2 + 2);
        const moved = z.map((v, k) => (k === d ? v - 0.3 : v));
        const a = js(z);
        const b = js(moved);
        s += (Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!)) / 2 / 3;
      }
      expect(scores[d]).toBeCloseTo(s, 5);
    }
    zs.dispose();
  });

  it('bad arguments', async () => {
    const zs = tf.tensor([[0, 0, 0, 0]]);
    const r1 = tf.tensor([0, 0, 0, 0]);
    await expectGlassboxError(() => latentSensitivity(linear, zs, { delta: 0 }), 'INVALID_ARGUMENT', /options\.delta/);
    await expectGlassboxError(() => latentSensitivity(linear, zs, { delta: Infinity }), 'INVALID_ARGUMENT', /options\.delta/);
    await expectGlassboxError(() => latentSensitivity(linear, r1), 'SHAPE_MISMATCH', /zs must be latent codes of shape \[N, D\]/);
    const wrong = (z: Tensor): Tensor => tf.tidy(() => tf.zeros([z.shape[0]! + 1, 3]));
    await expectGlassboxError(() => latentSensitivity(wrong, zs), 'SHAPE_MISMATCH', /decoder returned shape/);
    tf.dispose([zs, r1]);
  });

  it('options.epsilon (the new name of delta): score_d = |epsilon| mean_k |B[d][k]|; both names at once are refused', async () => {
    await expectNoLeaks(async () => {
      const zs = tf.tensor(lcgValues(4 * 4, 3), [4, 4]);
      const { scores } = await latentSensitivity(linear, zs, { epsilon: -2 });
      B.forEach((row, d) => expect(scores[d]).toBeCloseTo((2 * row.reduce((s, v) => s + Math.abs(v), 0)) / 3, 4));
      await expectGlassboxError(() => latentSensitivity(linear, zs, { epsilon: 1, delta: 1 }), 'INVALID_ARGUMENT', /old name of options\.epsilon/);
      await expectGlassboxError(() => latentSensitivity(linear, zs, { epsilon: 0 }), 'INVALID_ARGUMENT', /options\.epsilon/);
      zs.dispose();
    });
  });
});
