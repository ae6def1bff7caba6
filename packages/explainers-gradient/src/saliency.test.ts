import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { saliency } from './saliency.js';
import { linearModel, quadraticModel, uniforms } from './testing-internal/models.js';

describeBackends('saliency', () => {
  it('is |W[:, t]| for every row of a linear model', async () => {
    const m = linearModel(6, 3);
    const x = tf.tensor2d(uniforms(1, 4 * 6, -1, 1), [4, 6]);
    await expectNoLeaks(async () => {
      const { attributions, delta, method } = await saliency(m.f, x, { target: 2 });
      expect(method).toBe('saliency');
      expect(delta).toBeUndefined();
      const expected = new Float32Array(4 * 6);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) expected[i * 6 + j] = Math.abs(m.w[j * 3 + 2]!);
      expectTensorClose(attributions, expected, 1e-6);
      attributions.dispose();
    });
    x.dispose();
  });

  it('is the signed gradient 2 a x + c of a quadratic model with abs: false, per-row targets', async () => {
    const m = quadraticModel(5, 2);
    const xv = uniforms(2, 3 * 5, -2, 2);
    const x = tf.tensor3d(xv, [3, 5, 1]);
    const targets = [1, 0, 1];
    await expectNoLeaks(async () => {
      const { attributions } = await saliency(m.f, x, { target: targets, abs: false });
      expect(attributions.shape).toEqual([3, 5, 1]);
      const expected = new Float32Array(15);
      for (let i = 0; i < 3; i++) {
        const t = targets[i]!;
        for (let j = 0; j < 5; j++) expected[i * 5 + j] = 2 * m.a[t * 5 + j]! * xv[i * 5 + j]! + m.c[t * 5 + j]!;
      }
      expectTensorClose(attributions, expected, 1e-5);
      const { attributions: absolute } = await saliency(m.f, x, { target: targets });
      expectTensorClose(absolute, expected.map(Math.abs), 1e-5);
      attributions.dispose();
      absolute.dispose();
    });
    x.dispose();
  });

  it('needs no target for a model returning [N] and rejects a non-boolean abs', async () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const f = (t: tf.Tensor) => tf.sum(tf.square(t), 1);
    const { attributions } = await saliency(f, x);
    expectTensorClose(attributions, [2, 4, 6, 8], 1e-6);
    attributions.dispose();
    await expectGlassboxError(() => saliency(f, x, { abs: 1 as never }), 'INVALID_ARGUMENT', /options\.abs/);
    x.dispose();
  });

  it('reports a model whose output is not connected to x (it broke the tape), without leaking', async () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const detached = (t: tf.Tensor) => tf.tensor1d(Array.from(tf.tidy(() => tf.sum(t, 1)).dataSync()));
    await expectGlassboxError(() => saliency(detached, x), 'INVALID_ARGUMENT', /not differentiable/);
    const throwing = (t: tf.Tensor) => {
      tf.square(t);
      throw new Error('model failed');
    };
    await expect(expectNoLeaks(() => saliency(throwing, x).catch((e: Error) => e.message))).resolves.toBe('model failed');
    x.dispose();
  });
});
