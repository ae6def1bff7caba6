import { expect, it, vi } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { deletionCurve } from './deletion-curve.js';
import { exactLinearAttributions, linearModel, linearScores, seededMatrix } from './testing-internal/fixtures.js';

const D = 12;
const W = Array.from({ length: D }, (_, j) => ((j * 7) % 5) - 1.5 + j / 10); // mixed signs, distinct
const XS = seededMatrix(3, D, 11, 0.2, 1.2);

/** The deletion curve of a linear model on the host: F(x) minus the running sum of the attributions removed. */
function expectedCurve(row: number[], a: number[], steps: number, baseline = 0): number[] {
  const order = a.map((v, j) => [v, j] as const).sort((p, q) => q[0] - p[0] || p[1] - q[1]).map(([, j]) => j);
  const fx = linearScores([row], W)[0]!;
  return Array.from({ length: steps + 1 }, (_, k) => {
    const removed = order.slice(0, Math.round((k * D) / steps));
    return fx - removed.reduce((s, j) => s + W[j]! * (row[j]! - baseline), 0);
  });
}

describeBackends('deletionCurve', () => {
  it('follows the closed form of a linear model and falls faster than a random order', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const A = exactLinearAttributions(XS, W);
    const a = tf.tensor2d(A);
    const res = await expectNoLeaks(() => deletionCurve(f, x, a, { steps: 6, seed: 3 }));
    expect(res.fractions).toEqual([0, 2, 4, 6, 8, 10, 12].map((c) => c / 12));
    for (let i = 0; i < XS.length; i++) {
      const want = expectedCurve(XS[i]!, A[i]!, 6);
      res.curves[i]!.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 4));
      expect(res.auc[i]!).toBeLessThan(res.randomAuc![i]!);
      // trapezoid of the closed-form curve over 0..1 in 6 equal steps, over |F(x)|
      const area = want.reduce((s, v, k) => (k === 0 ? s : s + (v + want[k - 1]!) / 12), 0);
      expect(res.auc[i]!).toBeCloseTo(area / Math.abs(want[0]!), 4);
      // the random curve starts at F(x) and ends at F(baseline) = 0
      expect(res.randomCurves![i]![0]).toBeCloseTo(want[0]!, 4);
      expect(res.randomCurves![i]![6]).toBeCloseTo(0, 4);
    }
    tf.dispose([x, a]);
  });

  it('normalises by |F(x) - F(baseline)| from F(baseline): a closed form with negative scores, lower is better for either sign of the gap', async () => {
    // F(x) = w.x + c on 4 features, baseline 0, so F(b) = c. Row 0: contributions w_j x_j = [2, -1, 0.5, 3],
    // F(x) = c + 4.5 > F(b) = c, both negative for c = -10. Row 1: contributions [-3, 1, -2, 0.5],
    // F(x) = c - 3.5 < F(b): deleting everything raises the score.
    const w = [1, -1, 0.5, 1];
    const rows = [
      [2, 1, 1, 3],
      [-3, -1, -4, 0.5],
    ];
    const c = -10;
    const contributions = rows.map((r) => r.map((v, j) => w[j]! * v));
    const good = tf.tensor2d(contributions);
    const reversed = tf.tensor2d(contributions.map((r) => r.map((v) => -v)));
    const x = tf.tensor2d(rows);
    const f = linearModel(w, c);
    const res = await expectNoLeaks(() => deletionCurve(f, x, good, { steps: 4, seed: 2 }));
    const rev = await deletionCurve(f, x, reversed, { steps: 4, random: false });
    // By hand. Row 0 removes 3, 2, 0.5, -1 (highest contribution first): scores c + [4.5, 1.5, -0.5, -1, 0].
    // Row 1 removes 1, 0.5, -2, -3: scores c + [-3.5, -4.5, -5, -3, 0].
    const raw = [
      [4.5, 1.5, -0.5, -1, 0].map((v) => c + v),
      [-3.5, -4.5, -5, -3, 0].map((v) => c + v),
    ];
    const gap = [4.5, 3.5]; // |F(x) - F(b)|
    const trap = (ys: number[]) => ys.reduce((s, v, k) => (k === 0 ? s : s + (v + ys[k - 1]!) / 8), 0);
    for (let i = 0; i < 2; i++) {
      res.curves[i]!.forEach((v, k) => expect(v).toBeCloseTo(raw[i]![k]!, 4));
      const norm = raw[i]!.map((v) => (v - c) / gap[i]!);
      res.normalizedCurves[i]!.forEach((v, k) => expect(v).toBeCloseTo(norm[k]!, 5));
      expect(res.auc[i]!).toBeCloseTo(trap(norm), 5);
      expect(res.rawAuc[i]!).toBeCloseTo(trap(raw[i]!), 4);
      expect(res.inputScores[i]!).toBeCloseTo(raw[i]![0]!, 4);
      expect(res.baselineScores[i]!).toBeCloseTo(c, 4);
      // lower is better whatever the signs: the faithful order beats the reversed one and the random one
      expect(res.auc[i]!).toBeLessThan(rev.auc[i]!);
      expect(res.auc[i]!).toBeLessThan(res.randomAuc![i]!);
      expect(res.randomNormalizedCurves![i]![0]).toBeCloseTo(norm[0]!, 5);
      expect(res.randomAuc![i]!).toBeCloseTo(trap(res.randomNormalizedCurves![i]!), 6);
      expect(res.randomRawAuc![i]!).toBeCloseTo(trap(res.randomCurves![i]!), 5);
    }
    // Row 0 runs from 1 to 0 (1 = no drop, 0 = the whole drop at once); row 1 from -1 to 0.
    expect(res.auc[0]!).toBeCloseTo((1 + 2 * (1.5 / 4.5) + 2 * (-0.5 / 4.5) + 2 * (-1 / 4.5) + 0) / 8, 5);
    expect(res.auc[1]!).toBeCloseTo((-1 + 2 * (-4.5 / 3.5) + 2 * (-5 / 3.5) + 2 * (-3 / 3.5) + 0) / 8, 5);
    // A constant added to the model changes no normalised number.
    const shifted = await deletionCurve(linearModel(w, c + 7), x, good, { steps: 4, seed: 2 });
    for (let i = 0; i < 2; i++) {
      expect(shifted.auc[i]!).toBeCloseTo(res.auc[i]!, 5);
      expect(shifted.randomAuc![i]!).toBeCloseTo(res.randomAuc![i]!, 5);
    }
    tf.dispose([x, good, reversed]);
  });

  it('when F(x) = F(baseline) the divisor is 1: the area above F(baseline) in model units', async () => {
    // F(x) = x0 - x2 + 2: at x = [1, 5, 1] and at the baseline 0 it is 2.
    const a = tf.tensor2d([[3, 2, 1]]);
    const x1 = tf.tensor2d([[1, 5, 1]]);
    const f = linearModel([1, 0, -1], 2);
    const res = await deletionCurve(f, x1, a, { steps: 3, random: false });
    // removes x0 (a = 3) then x1 then x2: scores 2, 1, 1, 2
    expect(res.curves[0]!.map((v) => Number(v.toFixed(4)))).toEqual([2, 1, 1, 2]);
    expect(res.normalizedCurves[0]!.map((v) => Number(v.toFixed(4)))).toEqual([0, -1, -1, 0]);
    expect(res.auc[0]!).toBeCloseTo((0 - 1 - 1 - 1 - 1 + 0) / 6, 5);
    tf.dispose([a, x1]);
  });

  it('does not depend on batchSize, reports progress per batch and is deterministic with a seed', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const a = tf.tensor2d(exactLinearAttributions(XS, W));
    const progress = vi.fn();
    const one = await deletionCurve(f, x, a, { steps: 4, seed: 9, batchSize: 4, onProgress: progress });
    const all = await deletionCurve(f, x, a, { steps: 4, seed: 9, batchSize: 1000 });
    const other = await deletionCurve(f, x, a, { steps: 4, seed: 10, batchSize: 7 });
    expect(all).toEqual(one);
    expect(other.curves).toEqual(one.curves);
    expect(other.randomCurves).not.toEqual(one.randomCurves);
    const total = 2 * 3 * 5;
    expect(progress.mock.calls.length).toBe(Math.ceil(total / 4));
    expect(progress.mock.calls.at(-1)).toEqual([total, total]);
    const noRandom = await deletionCurve(f, x, a, { steps: 4, random: false });
    expect(noRandom.randomCurves).toBeUndefined();
    expect(noRandom.curves).toEqual(one.curves);
    tf.dispose([x, a]);
  });

  it('removes feature groups together and uses the baseline and the target column', async () => {
    // Two outputs; target column 1 is W, column 0 is -W.
    const W2 = W.map((v) => [-v, v]);
    const f = linearModel(W2);
    const x = tf.tensor4d(XS.flat(), [3, 2, 3, 2]);
    const a = tf.tensor4d(exactLinearAttributions(XS, W2, 1, 0.5).flat(), [3, 2, 3, 2]);
    // one group per pixel: both channels of a pixel go together
    const mask = tf.tensor3d([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5], [2, 3, 2], 'int32');
    const res = await expectNoLeaks(() => deletionCurve(f, x, a, { target: 1, baseline: 0.5, featureMask: mask, steps: 6, random: false }));
    for (let i = 0; i < 3; i++) {
      const row = XS[i]!;
      const contrib = [0, 1, 2, 3, 4, 5].map((g) => W[2 * g]! * (row[2 * g]! - 0.5) + W[2 * g + 1]! * (row[2 * g + 1]! - 0.5));
      const order = contrib.map((v, g) => [v, g] as const).sort((p, q) => q[0] - p[0] || p[1] - q[1]).map(([, g]) => g);
      const fx = linearScores([row], W)[0]!;
      for (let k = 0; k <= 6; k++) {
        const want = fx - order.slice(0, k).reduce((s, g) => s + contrib[g]!, 0);
        expect(res.curves[i]![k]).toBeCloseTo(want, 4);
      }
    }
    tf.dispose([x, a, mask]);
  });

  it('aborts between batches without leaking', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const a = tf.tensor2d(exactLinearAttributions(XS, W));
    const controller = new AbortController();
    await expectGlassboxError(
      () => deletionCurve(f, x, a, { steps: 10, batchSize: 5, signal: controller.signal, onProgress: (done) => done >= 10 && controller.abort() }),
      'ABORTED',
    );
    tf.dispose([x, a]);
  });

  it('rejects bad input with GlassboxErrors and leaks nothing', async () => {
    const f = linearModel(W);
    const f2 = linearModel(W.map((v) => [v, -v]));
    const x = tf.tensor2d(XS);
    const a = tf.tensor2d(exactLinearAttributions(XS, W));
    const wrong = tf.zeros([3, D - 1]);
    const nan = tf.fill([3, D], NaN);
    const ints = tf.zeros([3, D], 'int32');
    const badBaseline = tf.zeros([2, D]);
    await expectGlassboxError(() => deletionCurve(f, x, wrong), 'SHAPE_MISMATCH', /attributions must have x's shape \[3, 12\], got shape \[3, 11\]/);
    await expectGlassboxError(() => deletionCurve(f, x, a, { steps: 0 }), 'INVALID_ARGUMENT', /options.steps/);
    await expectGlassboxError(() => deletionCurve(f, x, a, { steps: 2.5 }), 'INVALID_ARGUMENT', /options.steps/);
    await expectGlassboxError(() => deletionCurve(f, x, nan), 'NON_FINITE');
    await expectGlassboxError(() => deletionCurve(f, ints, a), 'INVALID_ARGUMENT', /float32/);
    await expectGlassboxError(() => deletionCurve(f2, x, a), 'INVALID_ARGUMENT', /target is required/);
    await expectGlassboxError(() => deletionCurve(f2, x, a, { target: 2 }), 'TARGET_OUT_OF_RANGE');
    await expectGlassboxError(() => deletionCurve(f2, x, a, { target: [0, 1] }), 'SHAPE_MISMATCH', /one per row/);
    await expectGlassboxError(() => deletionCurve(f, x, a, { baseline: badBaseline }), 'SHAPE_MISMATCH');
    await expectGlassboxError(() => deletionCurve(f, x, a, { random: 'yes' as unknown as boolean }), 'INVALID_ARGUMENT');
    await expectGlassboxError(() => deletionCurve('model' as never, x, a), 'INVALID_ARGUMENT');
    await expectGlassboxError(() => deletionCurve(f, x, a, { seed: -1 }), 'INVALID_ARGUMENT');
    await expectGlassboxError(() => deletionCurve((z) => tf.zeros([z.shape[0]! + 1]), x, a), 'SHAPE_MISMATCH');
    tf.dispose([x, a, wrong, nan, ints, badBaseline]);
  });

  it('options.intervals (the new name of steps): the closed form at intervals + 1 points; both names at once are refused', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const A = exactLinearAttributions(XS, W);
    const a = tf.tensor2d(A);
    const res = await expectNoLeaks(() => deletionCurve(f, x, a, { intervals: 4, random: false }));
    expect(res.fractions).toEqual([0, 3, 6, 9, 12].map((c) => c / 12));
    for (let i = 0; i < XS.length; i++) {
      const want = expectedCurve(XS[i]!, A[i]!, 4);
      res.curves[i]!.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 4));
    }
    await expectNoLeaks(() => expectGlassboxError(() => deletionCurve(f, x, a, { intervals: 4, steps: 4 }), 'INVALID_ARGUMENT', /old name of options\.intervals/));
    tf.dispose([x, a]);
  });
});
