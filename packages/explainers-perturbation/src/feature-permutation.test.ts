import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { featurePermutation } from './feature-permutation.js';
import { counting, lcgValues, linearModel } from './testing-internal/models.js';

const N = 8;
const P = 3;
const W = [2, -1, 0];

describeBackends('featurePermutation', () => {
  it('linear model: each column of x - A / w is a permutation of that column of x; a dummy feature gets 0', async () => {
    const xs = lcgValues(N * P, 7);
    await expectNoLeaks(async () => {
      const x = tf.tensor(xs, [N, P]);
      const { attributions, importance, method } = await featurePermutation(linearModel(W), x, { seed: 3 });
      expect(method).toBe('featurePermutation');
      const a = attributions.dataSync();
      for (let j = 0; j < 2; j++) {
        const column = Array.from({ length: N }, (_, i) => xs[i * P + j]!).sort((p, q) => p - q);
        // A_ij = w_j (x_ij - x_pi(i)j) -> x_pi(i)j = x_ij - A_ij / w_j
        const moved = Array.from({ length: N }, (_, i) => xs[i * P + j]! - a[i * P + j]! / W[j]!).sort((p, q) => p - q);
        moved.forEach((v, k) => expect(v).toBeCloseTo(column[k]!, 4));
        // A permutation of a column: the drops sum to zero over the rows
        expect(Array.from({ length: N }, (_, i) => a[i * P + j]!).reduce((s, v) => s + v, 0)).toBeCloseTo(0, 4);
        const meanAbs = Array.from({ length: N }, (_, i) => Math.abs(a[i * P + j]!)).reduce((s, v) => s + v, 0) / N;
        expect(importance[j]).toBeCloseTo(meanAbs, 5);
        expect(importance[j]).toBeGreaterThan(0);
      }
      for (let i = 0; i < N; i++) expect(a[i * P + 2]).toBe(0);
      expect(importance[2]).toBe(0);
      attributions.dispose();
      x.dispose();
    });
  });

  it('repeats average independent permutations; N (1 + repeats M) model rows', async () => {
    const x = tf.tensor(lcgValues(N * P, 9), [N, P]);
    const counted = counting(linearModel(W));
    const one = await featurePermutation(counted.f, x, { seed: 1, repeats: 4, batchSize: 10000 });
    expect(counted.calls).toEqual([N * (1 + 4 * P)]);
    expect(one.importance.length).toBe(P);
    tf.dispose([x, one.attributions]);
  });

  it('needs two rows, takes no baseline, checks repeats', async () => {
    const f = linearModel(W);
    const x1 = tf.tensor([[1, 2, 3]]);
    const x = tf.tensor(lcgValues(N * P, 2), [N, P]);
    await expectGlassboxError(() => featurePermutation(f, x1), 'SHAPE_MISMATCH', /at least 2 rows/);
    await expectGlassboxError(() => featurePermutation(f, x, { baseline: 0 } as never), 'INVALID_ARGUMENT', /options\.baseline/);
    await expectGlassboxError(() => featurePermutation(f, x, { repeats: 0 }), 'INVALID_ARGUMENT', /options\.repeats/);
    tf.dispose([x1, x]);
  });
});
