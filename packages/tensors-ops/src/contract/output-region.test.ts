import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { outputRegion } from './output-region.js';

// A "generator" from a 2-d code to a 2x2 image: pixel p = z0 * a_p + z1 * b_p.
const A = [1, 2, 3, 4];
const B = [10, 20, 30, 40];
const gen = (z: tf.Tensor) =>
  tf.tidy(() => tf.reshape(tf.matMul(z, tf.tensor2d([A, B])), [z.shape[0]!, 2, 2]));

describeBackends('outputRegion', () => {
  it('sums and averages the output over a mask, per row', async () => {
    const z = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const mask = [1, 0, 0, 1]; // top-left and bottom-right
    await expectNoLeaks(() => {
      const s = outputRegion(gen, mask, 'sum')(z);
      expect(Array.from(s.dataSync())).toEqual([1 + 4, 10 + 40]);
      const m = outputRegion(gen, new Float32Array(mask), 'mean')(z);
      expect(Array.from(m.dataSync())).toEqual([2.5, 25]);
      tf.dispose([s, m]);
    });
    // A mask tensor [2, 1] broadcast over the last axis selects the first image row.
    const col = tf.tensor2d([[1], [0]]);
    const c = outputRegion(gen, col, 'mean')(z);
    expect(Array.from(c.dataSync())).toEqual([(1 + 2) / 2, (10 + 20) / 2]);
    tf.dispose([z, col, c]);
  });

  it('is differentiable: the gradient w.r.t. the code is the masked sum of the generator weights', () => {
    const z = tf.tensor2d([[0.3, -0.2]]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(outputRegion(gen, [0, 1, 1, 0])(v)))(z);
    expect(Array.from(g.dataSync())).toEqual([2 + 3, 20 + 30]);
    tf.dispose([z, g]);
  });

  it('rejects bad masks', async () => {
    const z = tf.zeros([1, 2]);
    await expectGlassboxError(() => outputRegion(gen, [1, 1, 1])(z), 'SHAPE_MISMATCH', /3 elements.*\[2, 2\]/);
    await expectGlassboxError(() => outputRegion(gen, [0, 0, 0, 0], 'mean'), 'INVALID_ARGUMENT', /sums to 0/);
    await expectGlassboxError(() => outputRegion(gen, [0, Number.NaN, 0, 0]), 'NON_FINITE', /mask/);
    await expectGlassboxError(() => outputRegion(gen, [1, 0, 0, 0], 'max' as never), 'INVALID_ARGUMENT', /reduce/);
    await expectGlassboxError(() => outputRegion(42 as never, [1]), 'INVALID_ARGUMENT', /outputRegion: f must be/);
    z.dispose();
  });
});
