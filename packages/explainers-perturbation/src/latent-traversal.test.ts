import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { latentTraversal } from './latent-traversal.js';
import { counting } from './testing-internal/models.js';

const D = 3;
// decoder: z [N, 3] -> image [N, 2, 2]: pixel k = tanh(sum_d A[d][k] z_d)
const A = [
  [1, 0, -1, 0.5],
  [0, 2, 0, -1],
  [0.3, 0.3, 0.3, 0.3],
];
const decoder = (z: Tensor): Tensor => tf.tidy(() => tf.reshape(tf.tanh(tf.matMul(z, tf.tensor2d(A))), [z.shape[0]!, 2, 2]));
const decodeJs = (z: number[]): number[] => [0, 1, 2, 3].map((k) => Math.tanh(z.reduce((s, v, d) => s + v * A[d]![k]!, 0)));

describeBackends('latentTraversal', () => {
  it('decodes z with each chosen dimension set to each value: [dims, values, ...outRow]', async () => {
    const zs = [0.2, -0.4, 0.9];
    await expectNoLeaks(async () => {
      const z = tf.tensor([zs]);
      const grid = await latentTraversal(decoder, z, { dims: [2, 0], values: [-1, 0.5], batchSize: 3 });
      expect(grid.shape).toEqual([2, 2, 2, 2]);
      const expected: number[] = [];
      for (const d of [2, 0]) for (const v of [-1, 0.5]) expected.push(...decodeJs(zs.map((u, k) => (k === d ? v : u))));
      expectTensorClose(grid, expected, 1e-5);
      tf.dispose([z, grid]);
    });
  });

  it('defaults: every dimension, values -3..3; batched in calls of batchSize', async () => {
    const z = tf.tensor([[0, 0, 0]]);
    const counted = counting(decoder);
    const grid = await latentTraversal(counted.f, z, { batchSize: 8 });
    expect(grid.shape).toEqual([D, 7, 2, 2]);
    expect(counted.calls).toEqual([8, 8, 5]);
    tf.dispose([z, grid]);
  });

  it('bad arguments; abort leaks nothing', async () => {
    const z = tf.tensor([[0, 0, 0]]);
    const two = tf.tensor([[0, 0, 0], [1, 1, 1]]);
    const nan = tf.tensor([[0, NaN, 0]]);
    await expectGlassboxError(() => latentTraversal(decoder, two), 'SHAPE_MISMATCH', /z must be one latent code of shape \[1, D\]/);
    await expectGlassboxError(() => latentTraversal(decoder, nan), 'NON_FINITE', /z must be finite/);
    await expectGlassboxError(() => latentTraversal(decoder, z, { dims: [3] }), 'INVALID_ARGUMENT', /options\.dims\[0\]/);
    await expectGlassboxError(() => latentTraversal(decoder, z, { dims: [] }), 'INVALID_ARGUMENT', /options\.dims/);
    await expectGlassboxError(() => latentTraversal(decoder, z, { values: [] }), 'INVALID_ARGUMENT', /options\.values/);
    await expectGlassboxError(() => latentTraversal(decoder, z, { values: [1, NaN] }), 'INVALID_ARGUMENT', /options\.values/);
    await expectGlassboxError(() => latentTraversal('decoder' as never, z), 'INVALID_ARGUMENT', /decoder must be a function/);
    const ctrl = new AbortController();
    await expectGlassboxError(() => latentTraversal(decoder, z, { batchSize: 2, signal: ctrl.signal, onProgress: () => ctrl.abort() }), 'ABORTED');
    tf.dispose([z, two, nan]);
  });
});
