import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { sparseness } from './sparseness.js';

describeBackends('sparseness', () => {
  it('is 1 - 1/n for a one-hot row, 0 for a constant row and in between otherwise', async () => {
    // n = 5: the Gini index of a one-hot vector is (n - 1) / n = 0.8
    const a = tf.tensor2d([
      [0, 0, -4, 0, 0],
      [2, 2, 2, 2, 2],
      [1, 0, 0, 0, 1],
    ]);
    const g = await expectNoLeaks(() => sparseness(a));
    expect(g[0]).toBeCloseTo(0.8, 6);
    expect(g[1]).toBeCloseTo(0, 6);
    // two equal entries out of five: mean |x_i - x_j| over pairs / (2 mean) = (2*2*3/25) / (2 * 0.4) = 0.6
    expect(g[2]).toBeCloseTo(0.6, 6);
    a.dispose();
  });

  it('takes each row of an image batch as one vector and accepts an Attribution', async () => {
    const a = tf.tensor4d([0, 0, 0, 0, 0, 0, 0, 3, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2]);
    const g = sparseness({ attributions: a, method: 'test' });
    expect(g[0]).toBeCloseTo(1 - 1 / 8, 6);
    expect(g[1]).toBeCloseTo(0, 6);
    a.dispose();
  });

  it('rejects bad input', async () => {
    const ints = tf.zeros([2, 3], 'int32');
    const vec = tf.zeros([3]);
    const nan = tf.tensor2d([[1, NaN]]);
    await expectGlassboxError(() => sparseness(ints), 'INVALID_ARGUMENT', /float32/);
    await expectGlassboxError(() => sparseness(vec), 'SHAPE_MISMATCH');
    await expectGlassboxError(() => sparseness(nan), 'NON_FINITE');
    await expectGlassboxError(() => sparseness([1, 2] as never), 'INVALID_ARGUMENT');
    tf.dispose([ints, vec, nan]);
  });
});
