import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { surrogate } from './surrogate.js';
import { lcgValues, linearModel } from './testing-internal/models.js';

const N = 40;
const P = 4;
const W = [1.5, -2, 0.5, 0];

describeBackends('surrogate', () => {
  it('ridge on a linear model recovers the weights and the bias with fidelity 1', async () => {
    const xs = lcgValues(N * P, 3);
    await expectNoLeaks(async () => {
      const X = tf.tensor(xs, [N, P]);
      const s = await surrogate(linearModel(W, 1, [0.3]), X, { alpha: 0, seed: 1 });
      expect(s.kind).toBe('ridge');
      s.coefficients.forEach((c, i) => expect(c).toBeCloseTo(W[i]!, 4));
      expect(s.intercept).toBeCloseTo(0.3, 4);
      expect(s.fidelity).toBeCloseTo(1, 6);
      expect(s.trainFidelity).toBeCloseTo(1, 6);
      expect(s.holdoutRows.length).toBe(8);
      expect(s.trainRows.length).toBe(32);
      expect(new Set([...s.holdoutRows, ...s.trainRows]).size).toBe(N);
      const pred = s.predict(X);
      const truth = Array.from({ length: N }, (_, i) => W.reduce((a, w, j) => a + w * xs[i * P + j]!, 0.3));
      expectTensorClose(pred, truth, 1e-4);
      tf.dispose([X, pred]);
    });
  });

  it('feature groups use the group mean: coefficient = sum of the weights in the group', async () => {
    const X = tf.tensor(lcgValues(N * P, 4), [N, P]);
    const s = await surrogate(linearModel([1, 1, 3, 3]), X, { alpha: 0, featureMask: [0, 0, 1, 1] });
    expect(s.coefficients.length).toBe(2);
    // x0 + x1 + 3 x2 + 3 x3 = 2 mean(x0, x1) + 6 mean(x2, x3): the group-mean fit is exact
    expect(s.coefficients[0]).toBeCloseTo(2, 3);
    expect(s.coefficients[1]).toBeCloseTo(6, 3);
    expect(s.fidelity).toBeCloseTo(1, 6);
    X.dispose();
  });

  it('a depth-1 tree finds a step at the right threshold; importances name the feature', async () => {
    const xs = lcgValues(N * P, 5, 0, 1);
    const X = tf.tensor(xs, [N, P]);
    const step = (t: Tensor): Tensor => tf.tidy(() => tf.cast(tf.greater(tf.reshape(tf.slice(t, [0, 2], [-1, 1]), [-1]), 0.5), 'float32'));
    const s = await surrogate(step, X, { kind: 'tree', maxDepth: 1, minLeaf: 1, holdout: 0.25, seed: 2 });
    expect(s.tree?.feature).toBe(2);
    const train = s.trainRows.map((i) => xs[i * P + 2]!);
    const below = Math.max(...train.filter((v) => v <= 0.5));
    const above = Math.min(...train.filter((v) => v > 0.5));
    expect(s.tree?.threshold).toBeCloseTo((below + above) / 2, 6);
    expect(s.coefficients).toEqual([0, 0, 1, 0]);
    expect(s.trainFidelity).toBeCloseTo(1, 6);
    expect(s.fidelity).toBeGreaterThan(0.5);
    X.dispose();
  });

  it('the split is seeded; holdout 0 measures fidelity on the training rows', async () => {
    const X = tf.tensor(lcgValues(N * P, 6), [N, P]);
    const f = (t: Tensor): Tensor => tf.tidy(() => tf.sum(tf.sin(tf.mul(t, 3)), 1));
    const a = await surrogate(f, X, { seed: 9 });
    const b = await surrogate(f, X, { seed: 9 });
    const c = await surrogate(f, X, { seed: 10 });
    expect(b.holdoutRows).toEqual(a.holdoutRows);
    expect(b.coefficients).toEqual(a.coefficients);
    expect(c.holdoutRows).not.toEqual(a.holdoutRows);
    const all = await surrogate(f, X, { holdout: 0 });
    expect(all.holdoutRows).toEqual([]);
    expect(all.fidelity).toBe(all.trainFidelity);
    expect(all.fidelity).toBeLessThan(1);
    X.dispose();
  });

  it('bad options name the argument', async () => {
    const X = tf.tensor(lcgValues(N * P, 7), [N, P]);
    const f = linearModel(W);
    await expectGlassboxError(() => surrogate(f, X, { holdout: 1 }), 'INVALID_ARGUMENT', /options\.holdout/);
    await expectGlassboxError(() => surrogate(f, X, { kind: 'forest' as never }), 'INVALID_ARGUMENT', /options\.kind/);
    await expectGlassboxError(() => surrogate(f, X, { maxDepth: 0 }), 'INVALID_ARGUMENT', /options\.maxDepth/);
    await expectGlassboxError(() => surrogate(f, X, { baseline: 0 } as never), 'INVALID_ARGUMENT', /options\.baseline/);
    const two = tf.tensor([[1, 2, 3, 4], [5, 6, 7, 8]]);
    await expectGlassboxError(() => surrogate(f, two, { holdout: 0.5 }), 'SHAPE_MISMATCH', /training rows/);
    const s = await surrogate(f, X);
    const wrong = tf.zeros([2, 3]);
    await expectGlassboxError(() => s.predict(wrong), 'SHAPE_MISMATCH', /surrogate\.predict/);
    tf.dispose([X, two, wrong]);
  });
});
