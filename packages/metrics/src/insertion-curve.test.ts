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
      // normalised from F(b) in units of |F(x) - F(b)| (the fractions span 0..1)
      expect(res.auc[i]!).toBeCloseTo((area - fb) / Math.abs(want[5]! - fb), 4);
      expect(res.rawAuc[i]!).toBeCloseTo(area, 4);
      expect(res.baselineScores[i]!).toBeCloseTo(fb, 4);
      expect(res.inputScores[i]!).toBeCloseTo(want[5]!, 4);
      expect(res.auc[i]!).toBeGreaterThan(res.randomAuc![i]!);
    }
    tf.dispose([x, a]);
  });

  it('negative scores: 0 = stays at F(b), 1 = back to F(x) at once; higher is better for either sign of F(x) - F(b)', async () => {
    // F(x) = w.x + c with c = -10 and baseline 0, so F(b) = -10. Row 0: contributions [2, -1, 0.5, 3]
    // (F(x) = -5.5 > F(b)); row 1: [-3, 1, -2, 0.5] (F(x) = -13.5 < F(b)).
    const w = [1, -1, 0.5, 1];
    const rows = [
      [2, 1, 1, 3],
      [-3, -1, -4, 0.5],
    ];
    const c = -10;
    const contributions = rows.map((r) => r.map((v, j) => w[j]! * v));
    const x = tf.tensor2d(rows);
    const good = tf.tensor2d(contributions);
    const reversed = tf.tensor2d(contributions.map((r) => r.map((v) => -v)));
    const f = linearModel(w, c);
    const res = await expectNoLeaks(() => insertionCurve(f, x, good, { steps: 4, seed: 4 }));
    const rev = await insertionCurve(f, x, reversed, { steps: 4, random: false });
    // By hand, highest contribution first: row 0 inserts 3, 2, 0.5, -1; row 1 inserts 1, 0.5, -2, -3.
    const raw = [
      [0, 3, 5, 5.5, 4.5].map((v) => c + v),
      [0, 1, 1.5, -0.5, -3.5].map((v) => c + v),
    ];
    const gap = [4.5, 3.5];
    const trap = (ys: number[]) => ys.reduce((s, v, k) => (k === 0 ? s : s + (v + ys[k - 1]!) / 8), 0);
    for (let i = 0; i < 2; i++) {
      res.curves[i]!.forEach((v, k) => expect(v).toBeCloseTo(raw[i]![k]!, 4));
      const norm = raw[i]!.map((v) => (v - c) / gap[i]!);
      res.normalizedCurves[i]!.forEach((v, k) => expect(v).toBeCloseTo(norm[k]!, 5));
      expect(res.auc[i]!).toBeCloseTo(trap(norm), 5);
      expect(res.auc[i]!).toBeGreaterThan(rev.auc[i]!);
      expect(res.auc[i]!).toBeGreaterThan(res.randomAuc![i]!);
    }
    expect(res.normalizedCurves[0]![4]).toBeCloseTo(1, 5);
    expect(res.normalizedCurves[1]![4]).toBeCloseTo(-1, 5);
    tf.dispose([x, good, reversed]);
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
