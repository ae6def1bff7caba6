import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { insertionCurve } from './insertion-curve.js';
import { exactLinearAttributions, linearModel, linearScores, seededMatrix } from './testing-internal/fixtures.js';

const D = 10;
const W = Array.from({ length: D }, (_, j) => Math.sin(j + 1) * 2);
const XS = seededMatrix(2, D, 5, 0.1, 1);

describeBackends('insertionCurve', () => {
  it('follows the closed form of a linear model and rises faster than a random order', async () => {
    const f = linearModel(W, 0.3);
    const x = tf.tensor2d(XS);
    const A = exactLinearAttributions(XS, W, 0, -0.2);
    const a = tf.tensor2d(A);
    const res = await expectNoLeaks(() => insertionCurve(f, x, a, { steps: 5, baseline: -0.2, seed: 1 }));
    for (let i = 0; i < XS.length; i++) {
      const order = A[i]!.map((v, j) => [v, j] as const).sort((p, q) => q[0] - p[0] || p[1] - q[1]).map(([, j]) => j);
      const fb = linearScores([new Array(D).fill(-0.2)], W, 0, 0.3)[0]!;
      const want = Array.from({ length: 6 }, (_, k) => fb + order.slice(0, 2 * k).reduce((s, j) => s + A[i]![j]!, 0));
      res.curves[i]!.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 4));
      expect(want[5]).toBeCloseTo(linearScores([XS[i]!], W, 0, 0.3)[0]!, 10);
      const area = want.reduce((s, v, k) => (k === 0 ? s : s + (v + want[k - 1]!) / 10), 0);
      expect(res.auc[i]!).toBeCloseTo(area / Math.abs(want[5]!), 4);
      expect(res.auc[i]!).toBeGreaterThan(res.randomAuc![i]!);
    }
    tf.dispose([x, a]);
  });

  it('rejects bad input', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const a = tf.tensor2d(XS);
    const wrong = tf.zeros([2, D, 1]);
    await expectGlassboxError(() => insertionCurve(f, x, wrong), 'SHAPE_MISMATCH');
    await expectGlassboxError(() => insertionCurve(f, x, a, { steps: -1 }), 'INVALID_ARGUMENT', /insertionCurve: options.steps/);
    tf.dispose([x, a, wrong]);
  });
});
