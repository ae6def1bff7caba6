import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { bernoulliNll, gaussianKlPerDim, squaredError } from './losses.js';

const sigmoid = (l: number): number => 1 / (1 + Math.exp(-l));

describeBackends('models-ae-vae losses', () => {
  it('bernoulliNll and squaredError equal their definitions per row', async () => {
    await expectNoLeaks(() => {
      const logits = [[-2, 0.5, 3], [1, -1, 0]];
      const x = [[0, 0.25, 1], [1, 0.5, 0]];
      const l = tf.tensor3d(logits.map((r) => r.map((v) => [v])), [2, 3, 1]);
      const xt = tf.tensor3d(x.map((r) => r.map((v) => [v])), [2, 3, 1]);
      const nll = tf.tidy(() => bernoulliNll(l, xt));
      const se = tf.tidy(() => squaredError(l, xt));
      expect(nll.shape).toEqual([2]);
      logits.forEach((row, i) => {
        const want = row.reduce((a, v, j) => a - (x[i]![j]! * Math.log(sigmoid(v)) + (1 - x[i]![j]!) * Math.log(1 - sigmoid(v))), 0);
        expect(nll.dataSync()[i]!).toBeCloseTo(want, 5);
        const mse = row.reduce((a, v, j) => a + (sigmoid(v) - x[i]![j]!) ** 2, 0) / row.length;
        expect(se.dataSync()[i]!).toBeCloseTo(mse, 6);
      });
      tf.dispose([l, xt, nll, se]);
    });
  });

  it('gaussianKlPerDim is the closed form, 0 at the prior', () => {
    const mean = tf.tensor2d([0, 1, -2, 0.5], [2, 2]);
    const logVar = tf.tensor2d([0, 0, 1, -1], [2, 2]);
    const kl = tf.tidy(() => gaussianKlPerDim(mean, logVar));
    const want = [0, 1, -2, 0.5].map((m, i) => { const lv = [0, 0, 1, -1][i]!; return 0.5 * (m * m + Math.exp(lv) - 1 - lv); });
    Array.from(kl.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    expect(kl.dataSync()[0]).toBe(0);
    tf.dispose([mean, logVar, kl]);
  });
});
