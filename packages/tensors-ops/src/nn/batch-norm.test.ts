import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { batchNorm, batchNormMoments, updateMovingAverage } from './batch-norm.js';

// Three rows, two channels.
const rows = [
  [1, 10],
  [2, 20],
  [6, 60],
];
const gammaV = [2, 0.5];
const betaV = [0.1, -1];
const eps = 1e-3;

function byHandTraining(): { y: number[]; mean: number[]; variance: number[] } {
  const mean = [0, 1].map((c) => rows.reduce((a, r) => a + r[c]!, 0) / rows.length);
  const variance = [0, 1].map((c) => rows.reduce((a, r) => a + (r[c]! - mean[c]!) ** 2, 0) / rows.length);
  const y = rows.flatMap((r) => r.map((v, c) => (gammaV[c]! * (v - mean[c]!)) / Math.sqrt(variance[c]! + eps) + betaV[c]!));
  return { y, mean, variance };
}

describeBackends('batchNorm', () => {
  const params = () => ({
    gamma: tf.tensor1d(gammaV),
    beta: tf.tensor1d(betaV),
    movingMean: tf.tensor1d([1, -2]),
    movingVariance: tf.tensor1d([4, 0.25]),
  });

  it('training mode normalises with the batch statistics (biased variance)', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor2d(rows);
      const p = params();
      const y = batchNorm(x, p, { training: true, epsilon: eps });
      const want = byHandTraining();
      expectTensorClose(y, want.y, 1e-4);
      const m = batchNormMoments(x);
      expectTensorClose(m.mean, want.mean, 1e-5);
      expectTensorClose(m.variance, want.variance, 1e-3);
      tf.dispose([x, y, m.mean, m.variance, ...Object.values(p)]);
    });
  });

  it('inference mode uses the moving statistics', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor2d(rows);
      const p = params();
      const y = batchNorm(x, p);
      const mm = [1, -2];
      const mv = [4, 0.25];
      const want = rows.flatMap((r) => r.map((v, c) => (gammaV[c]! * (v - mm[c]!)) / Math.sqrt(mv[c]! + 1e-3) + betaV[c]!));
      expectTensorClose(y, want, 1e-4);
      tf.dispose([x, y, ...Object.values(p)]);
    });
  });

  it('normalises images per channel (statistics over N, H, W)', async () => {
    await expectNoLeaks(() => {
      const vals = Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => ((i * 7) % 11) - 5);
      const x = tf.tensor4d(vals, [2, 2, 2, 3]);
      const p = {
        gamma: tf.ones([3]),
        beta: tf.zeros([3]),
        movingMean: tf.zeros([3]),
        movingVariance: tf.ones([3]),
      };
      const y = batchNorm(x, p, { training: true, epsilon: 1e-5 });
      const want: number[] = new Array(vals.length);
      for (let c = 0; c < 3; c++) {
        const idx = vals.map((_, i) => i).filter((i) => i % 3 === c);
        const mean = idx.reduce((a, i) => a + vals[i]!, 0) / idx.length;
        const variance = idx.reduce((a, i) => a + (vals[i]! - mean) ** 2, 0) / idx.length;
        for (const i of idx) want[i] = (vals[i]! - mean) / Math.sqrt(variance + 1e-5);
      }
      expectTensorClose(y, want, 1e-4);
      tf.dispose([x, y, ...Object.values(p)]);
    });
  });

  it('training-mode gradient flows through the batch statistics', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor2d(rows);
      const p = params();
      const w = tf.tensor2d([[1, -2], [0.5, 3], [-1, 1]]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(batchNorm(t, p, { training: true, epsilon: eps }), w)))(x);
      // dL/dx = gamma / sqrt(var + eps) * (dy - mean(dy) - xhat * mean(dy * xhat)), per channel, by hand.
      const { mean, variance } = byHandTraining();
      const dy = [[1, -2], [0.5, 3], [-1, 1]];
      const want: number[][] = rows.map(() => [0, 0]);
      for (let c = 0; c < 2; c++) {
        const inv = 1 / Math.sqrt(variance[c]! + eps);
        const xhat = rows.map((r) => (r[c]! - mean[c]!) * inv);
        const mdy = dy.reduce((a, r) => a + r[c]!, 0) / 3;
        const mdyx = dy.reduce((a, r, i) => a + r[c]! * xhat[i]!, 0) / 3;
        rows.forEach((_, i) => (want[i]![c] = gammaV[c]! * inv * (dy[i]![c]! - mdy - xhat[i]! * mdyx)));
      }
      expectTensorClose(g, want.flat(), 1e-4);
      tf.dispose([x, w, g, ...Object.values(p)]);
    });
  });

  it('updateMovingAverage blends in place, also inside a gradient tape', async () => {
    await expectNoLeaks(() => {
      const init = tf.tensor1d([1, 2]);
      const moving = tf.variable(init, false);
      init.dispose();
      const value = tf.tensor1d([3, -2]);
      updateMovingAverage(moving, value, 0.9);
      expectTensorClose(moving, [0.9 * 1 + 0.1 * 3, 0.9 * 2 - 0.1 * 2], 1e-6);
      const ones = tf.ones([2]);
      const w = tf.variable(ones);
      ones.dispose();
      const { value: loss, grads } = tf.variableGrads(() => {
        updateMovingAverage(moving, value, 0.5);
        return tf.sum(tf.mul(w, value)) as tf.Scalar;
      }, [w]);
      expectTensorClose(moving, [0.5 * 1.2 + 1.5, 0.5 * 1.6 - 1], 1e-6);
      expectTensorClose(grads[w.name]!, [3, -2], 1e-6);
      tf.dispose([moving, value, w, loss, grads[w.name]!]);
    });
  });

  it('refuses parameters that do not fit', async () => {
    const x = tf.tensor2d(rows);
    const p = params();
    const wrong = tf.zeros([3]);
    const v = tf.tensor1d([1, 2]);
    await expectGlassboxError(() => batchNorm(x, { ...p, beta: wrong }), 'SHAPE_MISMATCH', /params.beta must have shape \[2\]/);
    await expectGlassboxError(() => batchNorm(x, p, { epsilon: 0 }), 'INVALID_ARGUMENT', /epsilon/);
    await expectGlassboxError(() => batchNorm(wrong, p), 'SHAPE_MISMATCH', /rank >= 2/);
    await expectGlassboxError(() => updateMovingAverage(v as tf.Variable, v, 0.9), 'INVALID_ARGUMENT', /tf.Variable/);
    const z = tf.zeros([2]);
    const mv = tf.variable(z, false);
    z.dispose();
    await expectGlassboxError(() => updateMovingAverage(mv, wrong, 0.9), 'SHAPE_MISMATCH', /value must have/);
    await expectGlassboxError(() => updateMovingAverage(mv, v, 1.5), 'INVALID_ARGUMENT', /momentum/);
    expect(mv.isDisposed).toBe(false);
    tf.dispose([x, wrong, v, mv, ...Object.values(p)]);
  });
});
