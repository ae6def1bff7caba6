// A model whose outputs leave float32's range gives NaN curves and areas; the metrics that score the model
// refuse it with NON_FINITE naming the output column and the row of x instead. Nothing leaks.
import { expect, it } from 'vitest';
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { deletionCurve } from './deletion-curve.js';
import { insertionCurve } from './insertion-curve.js';
import { completeness } from './completeness.js';
import { infidelity } from './infidelity.js';

/** [N, 3] -> [N, 2]: column 0 = 2e38 * (x0 + x1 + x2) overflows once the row sums past 1.7; column 1 = x0 - x2 stays finite. */
const f = (x: Tensor): Tensor =>
  tf.tidy(() => tf.matMul(x, tf.tensor2d([2e38, 1, 2e38, 0, 2e38, -1], [3, 2])));

describeBackends('metrics refuse non-finite model outputs', () => {
  it('deletionCurve, insertionCurve, completeness and infidelity name column 0 and row 1 of x', async () => {
    const x = tf.tensor2d([
      [0.1, 0.2, 0.3],
      [1, 1, 1],
    ]);
    const a = tf.tensor2d([
      [3, 2, 1],
      [1, 2, 3],
    ]);
    const rowOne = /^(deletionCurve|insertionCurve|completeness|infidelity): f must return finite outputs, got Infinity in output column 0 for row 1 of x;/;
    await expectGlassboxError(() => deletionCurve(f, x, a, { target: 0 }), 'NON_FINITE', rowOne);
    await expectGlassboxError(() => insertionCurve(f, x, a, { target: 0, random: false }), 'NON_FINITE', rowOne);
    await expectGlassboxError(() => completeness(a, f, x, 0, { target: 0 }), 'NON_FINITE', rowOne);
    await expectGlassboxError(() => infidelity(f, x, a, { target: 0, samples: 4 }), 'NON_FINITE', rowOne);
    // Column 1 is finite everywhere: the same calls succeed on it.
    await expectNoLeaks(async () => {
      const curve = await deletionCurve(f, x, a, { target: 1 });
      expect(curve.auc.every(Number.isFinite)).toBe(true);
      const gaps = await completeness(a, f, x, 0, { target: 1 });
      expect(gaps.every(Number.isFinite)).toBe(true);
    });
    tf.dispose([x, a]);
  });
});
