import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { flatten, reshapeRows } from './reshape.js';

describeBackends('flatten and reshapeRows', () => {
  it('flatten keeps the batch axis and the row-major order', async () => {
    await expectNoLeaks(() => {
      const vals = Array.from({ length: 2 * 2 * 3 * 2 }, (_, i) => i);
      const x = tf.tensor4d(vals, [2, 2, 3, 2]);
      const y = flatten(x);
      expect(y.shape).toEqual([2, 12]);
      expectTensorClose(y, vals, 0);
      tf.dispose([x, y]);
    });
  });

  it('reshapeRows reshapes every row, with one -1 inferred', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor2d([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
      const a = reshapeRows(x, [3, 2]);
      const b = reshapeRows(x, [-1, 3, 1]);
      expect(a.shape).toEqual([2, 3, 2]);
      expect(b.shape).toEqual([2, 2, 3, 1]);
      expectTensorClose(a, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 0);
      tf.dispose([x, a, b]);
    });
  });

  it('refuses sizes that do not fit', async () => {
    const x = tf.zeros([2, 6]);
    await expectGlassboxError(() => reshapeRows(x, [4]), 'SHAPE_MISMATCH', /has 4 elements, but rows of shape \[6\] have 6/);
    await expectGlassboxError(() => reshapeRows(x, [-1, 4]), 'SHAPE_MISMATCH', /cannot reshape/);
    await expectGlassboxError(() => reshapeRows(x, [-1, -1]), 'INVALID_ARGUMENT', /at most once/);
    await expectGlassboxError(() => reshapeRows(x, [0, 6]), 'INVALID_ARGUMENT', /integers >= 1/);
    const s = tf.scalar(1);
    await expectGlassboxError(() => flatten(s), 'SHAPE_MISMATCH', /rank >= 1/);
    tf.dispose([x, s]);
  });
});
