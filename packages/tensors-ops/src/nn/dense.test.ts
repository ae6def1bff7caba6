import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { dense } from './dense.js';

describeBackends('dense', () => {
  // y = x W + b, by hand:
  //   row 0: [1*0.5 + 2*2 + 0.1, 1*(-1) + 2*0.25 - 0.2] = [4.6, -0.7]
  //   row 1: [3*0.5 - 4*2 + 0.1, 3*(-1) - 4*0.25 - 0.2] = [-6.4, -4.2]
  const x = () => tf.tensor2d([[1, 2], [3, -4]]);
  const w = () => tf.tensor2d([[0.5, -1], [2, 0.25]]);
  const b = () => tf.tensor1d([0.1, -0.2]);

  it('computes x W + b on a 2x2 example', async () => {
    await expectNoLeaks(() => {
      const [xt, wt, bt] = [x(), w(), b()];
      const y = dense(xt, wt, bt);
      expect(y.shape).toEqual([2, 2]);
      expectTensorClose(y, [4.6, -0.7, -6.4, -4.2], 1e-5);
      const r = dense(xt, wt, bt, 'relu');
      expectTensorClose(r, [4.6, 0, 0, 0], 1e-5);
      const l = dense(xt, wt, null, { fn: 'leakyRelu', alpha: 0.5 });
      expectTensorClose(l, [4.5, -0.25, -6.5 * 0.5, -4 * 0.5], 1e-5);
      tf.dispose([xt, wt, bt, y, r, l]);
    });
  });

  it('has the gradients of a linear map', async () => {
    await expectNoLeaks(() => {
      const [xt, wt, bt] = [x(), w(), b()];
      const [gx, gw, gb] = tf.grads((a: tf.Tensor, k: tf.Tensor, c: tf.Tensor) => tf.sum(dense(a, k, c)))([xt, wt, bt]);
      // d sum / dx[n,i] = sum_j W[i,j]; d/dW[i,j] = sum_n x[n,i]; d/db[j] = N.
      expectTensorClose(gx!, [-0.5, 2.25, -0.5, 2.25], 1e-6);
      expectTensorClose(gw!, [4, 4, -2, -2], 1e-6);
      expectTensorClose(gb!, [2, 2], 1e-6);
      tf.dispose([xt, wt, bt, gx!, gw!, gb!]);
    });
  });

  it('refuses shapes that do not fit', async () => {
    const [xt, wt, bt] = [x(), w(), b()];
    const w3 = tf.zeros([3, 2]);
    const b3 = tf.zeros([3]);
    const x4 = tf.zeros([1, 2, 2, 1]);
    const xi = tf.zeros([2, 2], 'int32');
    await expectGlassboxError(() => dense(xt, w3), 'SHAPE_MISMATCH', /kernel must have shape \[2, units\]/);
    await expectGlassboxError(() => dense(xt, wt, b3), 'SHAPE_MISMATCH', /bias must have shape \[2\]/);
    await expectGlassboxError(() => dense(x4, wt), 'SHAPE_MISMATCH', /x must have rank 2/);
    await expectGlassboxError(() => dense(xi, wt), 'INVALID_ARGUMENT', /float32/);
    await expectGlassboxError(() => dense(xt, wt, bt, 'swish' as never), 'INVALID_ARGUMENT', /activation must be one of/);
    tf.dispose([xt, wt, bt, w3, b3, x4, xi]);
  });
});
