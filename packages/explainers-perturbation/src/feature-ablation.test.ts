import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { featureAblation } from './feature-ablation.js';
import { counting, linearModel, polynomialModel } from './testing-internal/models.js';

describeBackends('featureAblation', () => {
  it('groups on a linear model: each element gets its group total sum_{j in g} w_j (x_j - b_j)', async () => {
    const w = [1, 2, -1, 0.5, 3, -2];
    const xs = [1, 1, 2, 2, 3, 3];
    const b = 0.5;
    await expectNoLeaks(async () => {
      const x = tf.tensor(xs, [1, 6]);
      const mask = tf.tensor([0, 0, 1, 2, 2, 1], [1, 6], 'int32');
      const { attributions } = await featureAblation(linearModel(w), x, { featureMask: mask, baseline: b });
      const g = [0, 0, 1, 2, 2, 1];
      const total = [0, 0, 0];
      xs.forEach((v, i) => (total[g[i]!]! += w[i]! * (v - b)));
      expectTensorClose(attributions, g.map((k) => total[k]!), 1e-5);
      tf.dispose([x, mask, attributions]);
    });
  });

  it('an interaction is credited in full to each of its features (hand-computed)', async () => {
    // F = 2 x0 x1 + x2; x = [3, 4, 5], b = 0: removing x0 or x1 removes 24, removing x2 removes 5
    const x = tf.tensor([[3, 4, 5]]);
    const { attributions } = await featureAblation(polynomialModel([{ coef: 2, idx: [0, 1] }, { coef: 1, idx: [2] }], 3), x);
    expectTensorClose(attributions, [24, 24, 5], 1e-5);
    tf.dispose([x, attributions]);
  });

  it('runs N (1 + M) model rows', async () => {
    const x = tf.tensor(Array.from({ length: 12 }, (_, i) => i), [3, 4]);
    const counted = counting(linearModel([1, 1, 1, 1]));
    const mask = new Int32Array([0, 1, 1, 0]);
    const r = await featureAblation(counted.f, x, { featureMask: mask, batchSize: 1000 });
    expect(counted.calls).toEqual([3 * (1 + 2)]);
    tf.dispose([x, r.attributions]);
  });
});
