import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { bceWithLogits, discriminatorLoss, discriminatorLossFloor, leastSquares, meanAbs, nonSaturatingLoss, pickColumns } from './losses.js';

const L = [-3, -0.5, 0, 0.7, 4];
const sigmoid = (l: number): number => 1 / (1 + Math.exp(-l));
/** Binary cross-entropy from its definition, in float64. */
const bce = (l: number, t: number): number => -(t * Math.log(sigmoid(l)) + (1 - t) * Math.log(1 - sigmoid(l)));
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const scalar = (t: tf.Tensor): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describeBackends('models-gan losses', () => {
  it('bceWithLogits, the discriminator and the non-saturating losses equal their definitions', async () => {
    await expectNoLeaks(() => {
      const l = tf.tensor1d(L);
      for (const t of [0, 0.9, 1]) expect(scalar(bceWithLogits(l, t))).toBeCloseTo(mean(L.map((x) => bce(x, t))), 5);
      const fake = tf.tensor1d([0.3, -2]);
      expect(scalar(discriminatorLoss(l, fake, 0.1))).toBeCloseTo(mean(L.map((x) => bce(x, 0.9))) + mean([0.3, -2].map((x) => bce(x, 0))), 5);
      expect(scalar(nonSaturatingLoss(fake))).toBeCloseTo(mean([0.3, -2].map((x) => -Math.log(sigmoid(x)))), 5);
      tf.dispose([l, fake]);
    });
  });

  it('discriminatorLossFloor is the loss when D outputs the targets exactly', () => {
    const t = 0.9;
    const real = tf.tensor1d([Math.log(t / (1 - t))]); // sigmoid = 0.9
    const fake = tf.tensor1d([-40]); // sigmoid ~ 0
    expect(scalar(discriminatorLoss(real, fake, 0.1))).toBeCloseTo(discriminatorLossFloor(0.1), 5);
    expect(discriminatorLossFloor(0)).toBe(0);
    tf.dispose([real, fake]);
  });

  it('leastSquares, meanAbs and pickColumns', () => {
    const s = tf.tensor1d([0.5, 2, -1]);
    expect(scalar(leastSquares(s, 1))).toBeCloseTo((0.25 + 1 + 4) / 3, 6);
    expect(scalar(leastSquares(s, 0))).toBeCloseTo((0.25 + 4 + 1) / 3, 6);
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const b = tf.tensor2d([0, 4, 3, 3], [2, 2]);
    expect(scalar(meanAbs(a, b))).toBeCloseTo((1 + 2 + 0 + 1) / 4, 6);
    const picked = pickColumns(a, tf.tensor2d([0, 1, 1, 0], [2, 2]));
    expect(picked.shape).toEqual([2, 1]);
    expect(Array.from(picked.dataSync())).toEqual([2, 3]);
    tf.dispose([s, a, b, picked]);
  });
});
