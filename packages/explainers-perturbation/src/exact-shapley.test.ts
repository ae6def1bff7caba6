import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { exactShapley } from './exact-shapley.js';
import { bruteShapley, counting, lcgValues, linearModel, polynomial, polynomialModel, type Term } from './testing-internal/models.js';

// Features 0 and 1 enter symmetrically, feature 5 is a dummy; interactions of order 2 and 3.
const P = 6;
const TERMS: Term[] = [
  { coef: 2, idx: [0] },
  { coef: 2, idx: [1] },
  { coef: 1.5, idx: [0, 1] },
  { coef: -3, idx: [0, 2, 3] },
  { coef: -3, idx: [1, 2, 3] },
  { coef: 0.7, idx: [4] },
  { coef: 1.1, idx: [3, 4] },
];

describeBackends('exactShapley', () => {
  it('efficiency, symmetry and dummy on a model with interactions; equals the permutation definition', async () => {
    const xs = [0.8, 0.8, -1.2, 0.5, 1.3, 2.0];
    const bs = [0.1, 0.1, 0.3, -0.2, 0.4, -0.7];
    await expectNoLeaks(async () => {
      const x = tf.tensor(xs, [1, P]);
      const b = tf.tensor(bs, [1, P]);
      const { attributions, method } = await exactShapley(polynomialModel(TERMS, P), x, { baseline: b });
      expect(method).toBe('exactShapley');
      const a = Array.from(attributions.dataSync());
      const total = polynomial(TERMS, xs) - polynomial(TERMS, bs);
      expect(a.reduce((s, v) => s + v, 0)).toBeCloseTo(total, 4); // efficiency
      expect(a[0]).toBeCloseTo(a[1]!, 5); // symmetry
      expect(a[5]).toBeCloseTo(0, 6); // dummy
      const brute = bruteShapley((r) => polynomial(TERMS, r), xs, bs, [0, 1, 2, 3, 4, 5], P);
      brute.forEach((v, g) => expect(a[g]).toBeCloseTo(v, 4));
      tf.dispose([x, b, attributions]);
    });
  });

  it('groups: the values of the game between groups (independent brute force), 2^M rows per row', async () => {
    const xs = lcgValues(2 * P, 3);
    const x = tf.tensor(xs, [2, P]);
    const groups = [0, 1, 1, 2, 0, 3];
    const counted = counting(polynomialModel(TERMS, P));
    const { attributions } = await exactShapley(counted.f, x, { featureMask: new Int32Array(groups), batchSize: 1000 });
    expect(counted.calls).toEqual([2 * 16]);
    const a = attributions.dataSync();
    for (let i = 0; i < 2; i++) {
      const brute = bruteShapley((r) => polynomial(TERMS, r), xs.slice(i * P, (i + 1) * P), new Array(P).fill(0), groups, 4);
      groups.forEach((g, e) => expect(a[i * P + e]).toBeCloseTo(brute[g]!, 4));
    }
    tf.dispose([x, attributions]);
  });

  it('more than 16 groups is INVALID_ARGUMENT', async () => {
    const x = tf.zeros([1, 17]);
    const f = linearModel(new Array(17).fill(1));
    await expectGlassboxError(() => exactShapley(f, x), 'INVALID_ARGUMENT', /options\.featureMask is required/);
    const mask = Array.from({ length: 17 }, (_, i) => i);
    await expectGlassboxError(() => exactShapley(f, x, { featureMask: mask }), 'INVALID_ARGUMENT', /17 groups.*at most 16/);
    x.dispose();
  });
});
