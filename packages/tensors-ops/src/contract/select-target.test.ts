import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { checkModelOutput, resolveTargets, selectTarget } from './select-target.js';

describeBackends('targets', () => {
  it('resolveTargets expands one target or one per row', () => {
    expect(Array.from(resolveTargets(2, [3, 4], 3, 'fn'))).toEqual([2, 2, 2]);
    expect(Array.from(resolveTargets([0, 3, 1], [3, 4], 3, 'fn'))).toEqual([0, 3, 1]);
    expect(Array.from(resolveTargets(undefined, [3], 3, 'fn'))).toEqual([0, 0, 0]);
    expect(Array.from(resolveTargets(undefined, [3, 1], 3, 'fn'))).toEqual([0, 0, 0]);
  });

  it('resolveTargets rejects missing, out-of-range and mis-sized targets', async () => {
    await expectGlassboxError(() => resolveTargets(undefined, [3, 4], 3, 'fn'), 'INVALID_ARGUMENT', /target is required.*K = 4/);
    await expectGlassboxError(() => resolveTargets(4, [3, 4], 3, 'fn'), 'TARGET_OUT_OF_RANGE', /0\.\.3.*got 4/);
    await expectGlassboxError(() => resolveTargets(-1, [3, 4], 3, 'fn'), 'TARGET_OUT_OF_RANGE', /got -1/);
    await expectGlassboxError(() => resolveTargets([0, 9, 1], [3, 4], 3, 'fn'), 'TARGET_OUT_OF_RANGE', /target\[1\]/);
    await expectGlassboxError(() => resolveTargets(1.5, [3, 4], 3, 'fn'), 'INVALID_ARGUMENT', /integer/);
    await expectGlassboxError(() => resolveTargets([0, 1], [3, 4], 3, 'fn'), 'SHAPE_MISMATCH', /2 entries, expected one per row of x \(3\)/);
    await expectGlassboxError(() => resolveTargets(0, [3, 2, 2], 3, 'fn'), 'SHAPE_MISMATCH', /outputRegion/);
  });

  it('selectTarget picks the column per row and is differentiable', async () => {
    const out = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await expectNoLeaks(() => {
      const s = selectTarget(out, [2, 0]);
      expect(Array.from(s.dataSync())).toEqual([3, 4]);
      s.dispose();
      const g = tf.grad((o: tf.Tensor) => tf.sum(selectTarget(o, 1)))(out);
      expect(Array.from(g.dataSync())).toEqual([0, 1, 0, 0, 1, 0]);
      g.dispose();
    });
    out.dispose();
  });

  it('selectTarget: an infinite value in another column leaves the score and its gradient finite', async () => {
    // Log-probabilities with an impossible class: selecting column 1 must not compute -Infinity * 0 = NaN.
    const out = tf.tensor2d([
      [-Infinity, -0.5, -1],
      [-2, -Infinity, -0.25],
    ]);
    await expectNoLeaks(() => {
      const s = selectTarget(out, [1, 2]);
      expect(Array.from(s.dataSync())).toEqual([-0.5, -0.25]);
      s.dispose();
      const g = tf.grad((o: tf.Tensor) => tf.sum(selectTarget(o, [1, 2])))(out);
      expect(Array.from(g.dataSync())).toEqual([0, 1, 0, 0, 0, 1]);
      g.dispose();
    });
    out.dispose();
  });

  it('checkModelOutput checks batch size and dtype', async () => {
    const good = tf.zeros([4, 2]);
    checkModelOutput(good, 4, 'fn');
    await expectGlassboxError(() => checkModelOutput(good, 3, 'fn'), 'SHAPE_MISMATCH', /shape \[4, 2\] for a batch of 3 rows/);
    const ints = tf.zeros([4], 'int32');
    await expectGlassboxError(() => checkModelOutput(ints, 4, 'fn'), 'INVALID_ARGUMENT', /float32.*int32/);
    await expectGlassboxError(() => checkModelOutput([1, 2], 2, 'fn'), 'INVALID_ARGUMENT', /must return a tensor/);
    tf.dispose([good, ints]);
  });
});
