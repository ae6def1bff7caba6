import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { shapleyValueSampling } from './shapley-value-sampling.js';
import { bruteShapley, counting, lcgValues, polynomial, polynomialModel, type Term } from './testing-internal/models.js';

const P = 5;
const PAIRWISE: Term[] = [
  { coef: 1.5, idx: [0] },
  { coef: -2, idx: [3] },
  { coef: 3, idx: [0, 1] },
  { coef: -1, idx: [2, 4] },
  { coef: 0.5, idx: [1, 3] },
];
const TRIPLE: Term[] = [...PAIRWISE, { coef: 4, idx: [0, 2, 4] }];
const IDENTITY = [0, 1, 2, 3, 4];

describeBackends('shapleyValueSampling', () => {
  it('one antithetic pair is exact on a model with pairwise interactions only (independent brute force)', async () => {
    const xs = lcgValues(2 * P, 5);
    const bs = lcgValues(P, 6);
    await expectNoLeaks(async () => {
      const x = tf.tensor(xs, [2, P]);
      const b = tf.tensor(bs, [1, P]);
      const { attributions } = await shapleyValueSampling(polynomialModel(PAIRWISE, P), x, { samples: 2, baseline: b, seed: 4 });
      const a = attributions.dataSync();
      for (let i = 0; i < 2; i++) {
        const exact = bruteShapley((r) => polynomial(PAIRWISE, r), xs.slice(i * P, (i + 1) * P), bs, IDENTITY, P);
        exact.forEach((v, g) => expect(a[i * P + g]).toBeCloseTo(v, 4));
      }
      tf.dispose([x, b, attributions]);
    });
  });

  it('efficiency holds exactly for any number of samples; the estimate converges to the exact values', async () => {
    const xs = lcgValues(P, 21);
    const x = tf.tensor(xs, [1, P]);
    const f = polynomialModel(TRIPLE, P);
    const exact = bruteShapley((r) => polynomial(TRIPLE, r), xs, new Array(P).fill(0), IDENTITY, P);
    const total = polynomial(TRIPLE, xs) - polynomial(TRIPLE, new Array(P).fill(0));
    let previous = Infinity;
    for (const samples of [1, 3, 400]) {
      const { attributions } = await shapleyValueSampling(f, x, { samples, seed: 9 });
      const a = Array.from(attributions.dataSync());
      expect(a.reduce((s, v) => s + v, 0)).toBeCloseTo(total, 4);
      const err = Math.max(...a.map((v, g) => Math.abs(v - exact[g]!)));
      if (samples === 400) {
        expect(err).toBeLessThan(0.15 * Math.max(...exact.map(Math.abs)));
        expect(err).toBeLessThan(previous);
      }
      previous = Math.min(previous, err);
      attributions.dispose();
    }
    x.dispose();
  });

  it('each permutation walked costs M + 1 model rows', async () => {
    const x = tf.tensor(lcgValues(2 * P, 1), [2, P]);
    const counted = counting(polynomialModel(PAIRWISE, P));
    const mask = new Int32Array([0, 0, 1, 1, 2]);
    const r = await shapleyValueSampling(counted.f, x, { samples: 5, featureMask: mask, batchSize: 100000 });
    expect(counted.calls).toEqual([2 * 5 * (3 + 1)]);
    tf.dispose([x, r.attributions]);
  });
});
