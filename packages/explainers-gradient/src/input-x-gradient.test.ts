import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { inputXGradient } from './input-x-gradient.js';
import { linearModel, quadraticModel, uniforms } from './testing-internal/models.js';

describeBackends('inputXGradient', () => {
  it('is x * W[:, t] for a linear model, so a row sums to F(x) - c_t', async () => {
    const m = linearModel(4, 2);
    const xv = uniforms(3, 3 * 4, -1, 1);
    const x = tf.tensor2d(xv, [3, 4]);
    await expectNoLeaks(async () => {
      const { attributions, method } = await inputXGradient(m.f, x, { target: 1, batchSize: 2 });
      expect(method).toBe('inputXGradient');
      const expected = xv.map((v, e) => v * m.w[(e % 4) * 2 + 1]!);
      expectTensorClose(attributions, expected, 1e-6);
      attributions.dispose();
    });
    x.dispose();
  });

  it('is x * (2 a x + c) for a quadratic model', async () => {
    const m = quadraticModel(3, 1);
    const xv = uniforms(4, 2 * 3, -1, 1);
    const x = tf.tensor2d(xv, [2, 3]);
    const { attributions } = await inputXGradient(m.f, x);
    const expected = xv.map((v, e) => v * (2 * m.a[e % 3]! * v + m.c[e % 3]!));
    expectTensorClose(attributions, expected, 1e-6);
    attributions.dispose();
    x.dispose();
  });
});
