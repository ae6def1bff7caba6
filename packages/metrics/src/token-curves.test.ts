/**
 * Deletion and insertion curves over token ids: closed forms on a hand-made additive token model (each position
 * adds a score that depends on its token), the insertion / deletion duality that holds for any model, padding
 * neither removed nor counted, a plain function of ids, and bad input.
 */
import { expect, it } from 'vitest';
import { tf, type TokenModel } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import type { Tensor } from '@tensorflow/tfjs-core';
import { deletionCurve } from './deletion-curve.js';
import { insertionCurve } from './insertion-curve.js';

const V = 6;
const MASK = 0;
const PAD = 5;
const T = 6;
/** W[t][v]: what token v adds at position t (the mask token adds something too, so F(mask row) != 0). */
const W = Array.from({ length: T }, (_, t) => Array.from({ length: V }, (_, v) => Math.round(((t + 1) * 3.7 + v * (v - 2) * 1.3 - t * v) * 100) / 100));

/**
 * F(ids) = sum over the real positions t of W[t][ids_t]: embed is the one-hot code of the id ([N, T, V]),
 * forwardFromEmbeddings sums e[n, t, v] W[t, v] over t and v, with padding positions (paddingMask 0) left out.
 */
function additiveModel(opts: { maskId?: number; padId?: number } = { maskId: MASK, padId: PAD }): TokenModel {
  return {
    vocabSize: V,
    ...(opts.maskId !== undefined ? { maskId: opts.maskId } : {}),
    ...(opts.padId !== undefined ? { padId: opts.padId } : {}),
    embed: (ids: Tensor) => tf.cast(tf.oneHot(ids as tf.Tensor2D, V), 'float32'),
    forwardFromEmbeddings: (e: Tensor, o?: { paddingMask?: Tensor }) =>
      tf.tidy(() => {
        const [, t] = e.shape as [number, number, number];
        const perPosition = tf.sum(tf.mul(e, tf.tensor2d(W.slice(0, t))), 2); // [N, T]
        return tf.sum(o?.paddingMask === undefined ? perPosition : tf.mul(perPosition, o.paddingMask), 1); // [N]
      }),
  };
}

/** F on the host: the sum of W over the real (non-padding) positions. */
function score(ids: readonly number[]): number {
  return ids.reduce((s, id, t) => (id === PAD ? s : s + W[t]![id]!), 0);
}

/** Trapezoid area by hand. */
function area(xs: readonly number[], ys: readonly number[]): number {
  let s = 0;
  for (let k = 1; k < xs.length; k++) s += ((xs[k]! - xs[k - 1]!) * (ys[k]! + ys[k - 1]!)) / 2;
  return s;
}

// Two rows: six real tokens; three real tokens then padding.
const ROWS = [
  [1, 2, 3, 4, 2, 1],
  [3, 1, 4, PAD, PAD, PAD],
];
/** The exact attribution of a position of an additive model: what its token adds over the mask token. */
const exact = (ids: readonly number[], mask = MASK) => ids.map((id, t) => (id === PAD ? 0 : W[t]![id]! - W[t]![mask]!));

describeBackends('deletion and insertion curves over token ids', () => {
  it('an additive model with exact attributions: the deletion curve is F(x) minus the cumulative sum of the sorted attributions', async () => {
    const model = additiveModel();
    const x = tf.tensor2d(ROWS, [2, T], 'int32');
    // Attributions on the padding positions are huge: they must be ignored (padding is never removed).
    const a = tf.tensor2d(ROWS.map((r) => exact(r).map((v, t) => (r[t] === PAD ? 100 : v))));
    const del = await expectNoLeaks(() => deletionCurve(model, x, a, { intervals: 6, random: false }));
    expect(del.featureCounts).toEqual([6, 3]);
    expect(del.rowFractions![0]).toEqual([0, 1, 2, 3, 4, 5, 6].map((c) => c / 6));
    expect(del.rowFractions![1]).toEqual([0, 1, 1, 2, 2, 3, 3].map((c) => c / 3)); // round(k * 3 / 6)
    expect(del.fractions).toEqual([0, 1, 2, 3, 4, 5, 6].map((k) => k / 6)); // nominal: rows differ
    ROWS.forEach((row, i) => {
      const m = del.featureCounts![i]!;
      const sorted = exact(row).filter((_, t) => row[t] !== PAD).sort((p, q) => q - p);
      const fx = score(row);
      const fb = score(row.map((id) => (id === PAD ? PAD : MASK)));
      const counts = del.rowFractions![i]!.map((f) => Math.round(f * m));
      const want = counts.map((c) => fx - sorted.slice(0, c).reduce((s, v) => s + v, 0));
      del.curves[i]!.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 4));
      expect(del.inputScores[i]).toBeCloseTo(fx, 4);
      expect(del.baselineScores[i]).toBeCloseTo(fb, 4);
      const xs = counts.map((c) => c / m);
      expect(del.rawAuc[i]).toBeCloseTo(area(xs, want), 4);
      expect(del.auc[i]).toBeCloseTo(area(xs, want.map((v) => (v - fb) / Math.abs(fx - fb))), 4);
    });
    tf.dispose([x, a]);
  });

  it('insertion of an additive model is the mirror of deletion: the curves add up to F(x) + F(mask row), the areas to sign(F(x) - F(mask row))', async () => {
    const model = additiveModel();
    const x = tf.tensor2d(ROWS, [2, T], 'int32');
    const a = tf.tensor2d(ROWS.map((r) => exact(r)));
    const opts = { intervals: 3, seed: 4 };
    const del = await expectNoLeaks(() => deletionCurve(model, x, a, opts));
    const ins = await expectNoLeaks(() => insertionCurve(model, x, a, opts));
    expect(ins.rowFractions).toEqual(del.rowFractions);
    ROWS.forEach((row, i) => {
      const fx = score(row);
      const fb = score(row.map((id) => (id === PAD ? PAD : MASK)));
      expect(Math.abs(fx - fb)).toBeGreaterThan(1);
      ins.curves[i]!.forEach((v, k) => expect(v + del.curves[i]![k]!).toBeCloseTo(fx + fb, 4));
      // (F(x) - S_k - F(b)) / |F(x) - F(b)| + S_k / |F(x) - F(b)| = sign(F(x) - F(b)) at every point
      expect(ins.auc[i]! + del.auc[i]!).toBeCloseTo(Math.sign(fx - fb), 4);
      expect(ins.randomAuc![i]! + del.randomAuc![i]!).toBeCloseTo(Math.sign(fx - fb), 4); // the same random order, seeded
      // Exact attributions of an additive model are the best order: deletion below chance, insertion above.
      expect(del.auc[i]!).toBeLessThanOrEqual(del.randomAuc![i]! + 1e-9);
      expect(ins.auc[i]!).toBeGreaterThanOrEqual(ins.randomAuc![i]! - 1e-9);
    });
    tf.dispose([x, a]);
  });

  it('for any model, inserting the top M - k tokens of a gives the input of deleting the bottom k (the order of -a)', async () => {
    // Not additive: F = tanh(sum_t W[t][id]) * (1 + [token at 0 is 1] * sum), through a plain function of ids.
    const f = (ids: Tensor) =>
      tf.tidy(() => {
        const s = tf.sum(tf.mul(tf.cast(tf.oneHot(ids as tf.Tensor2D, V), 'float32'), tf.tensor2d(W)), [1, 2]);
        const first = tf.cast(tf.equal(tf.reshape(tf.slice(ids, [0, 0], [-1, 1]), [-1]), 1), 'float32');
        return tf.mul(tf.tanh(tf.div(s, 20)), tf.add(1, tf.mul(first, s)));
      });
    const x = tf.tensor2d([ROWS[0]!], [1, T], 'int32');
    const values = [0.3, -1.2, 2.5, 0.7, -0.4, 1.9];
    const a = tf.tensor2d([values]);
    const neg = tf.neg(a);
    const ins = await expectNoLeaks(() => insertionCurve(f, x, a, { baseline: 3, intervals: T, random: false }));
    const del = await expectNoLeaks(() => deletionCurve(f, x, neg, { baseline: 3, intervals: T, random: false }));
    expect(ins.featureCounts).toEqual([T]);
    for (let k = 0; k <= T; k++) expect(ins.curves[0]![T - k]).toBeCloseTo(del.curves[0]![k]!, 5);
    // And the first deletion point after F(x) is the input with the token of the lowest attribution (-1.2, position 1) masked.
    const masked = tf.tensor2d([ROWS[0]!.map((id, t) => (t === 1 ? 3 : id))], [1, T], 'int32');
    const y = f(masked);
    expect(del.curves[0]![1]).toBeCloseTo(y.dataSync()[0]!, 5);
    tf.dispose([x, a, neg, masked, y]);
  });

  it('padding does not count: a padded row gives the curve of the same row unpadded', async () => {
    const model = additiveModel();
    const short = tf.tensor2d([[3, 1, 4]], [1, 3], 'int32');
    const padded = tf.tensor2d([[3, 1, 4, PAD, PAD, PAD]], [1, 6], 'int32');
    const aShort = tf.tensor2d([[0.5, -2, 1]]);
    const aPadded = tf.tensor2d([[0.5, -2, 1, 9, -9, 9]]);
    for (const curve of [deletionCurve, insertionCurve]) {
      const r1 = await expectNoLeaks(() => curve(model, short, aShort, { intervals: 3, seed: 2 }));
      const r2 = await expectNoLeaks(() => curve(model, padded, aPadded, { intervals: 3, seed: 2 }));
      expect(r2.featureCounts).toEqual([3]);
      expect(r2.fractions).toEqual([0, 1 / 3, 2 / 3, 1]);
      r1.curves[0]!.forEach((v, k) => expect(r2.curves[0]![k]).toBeCloseTo(v, 5));
      r1.randomCurves![0]!.forEach((v, k) => expect(r2.randomCurves![0]![k]).toBeCloseTo(v, 5));
      expect(r2.auc[0]).toBeCloseTo(r1.auc[0]!, 5);
    }
    tf.dispose([short, padded, aShort, aPadded]);
  });

  it('the mask id: the model maskId by default, options.baseline instead; feature groups over positions', async () => {
    const model = additiveModel();
    const x = tf.tensor2d([ROWS[0]!], [1, T], 'int32');
    const a = tf.tensor2d([exact(ROWS[0]!, 2)]);
    const r = await expectNoLeaks(() => deletionCurve(model, x, a, { baseline: 2, intervals: 1, random: false }));
    expect(r.curves[0]![1]).toBeCloseTo(score(ROWS[0]!.map(() => 2)), 4);
    const g = await expectNoLeaks(() => deletionCurve(model, x, a, { featureMask: [0, 0, 1, 1, 2, 2], intervals: 3, random: false }));
    // groups {0,1}, {2,3}, {4,5} removed by their summed attribution (mask 0), highest first
    const sums = [0, 2, 4].map((t) => W[t]![ROWS[0]![t]!]! - W[t]![2]! + W[t + 1]![ROWS[0]![t + 1]!]! - W[t + 1]![2]!);
    const gain = [0, 2, 4].map((t) => W[t]![ROWS[0]![t]!]! - W[t]![MASK]! + W[t + 1]![ROWS[0]![t + 1]!]! - W[t + 1]![MASK]!);
    const order = [0, 1, 2].sort((p, q) => sums[q]! - sums[p]! || p - q);
    expect(g.featureCounts).toEqual([3]);
    let want = score(ROWS[0]!);
    expect(g.curves[0]![0]).toBeCloseTo(want, 4);
    order.forEach((grp, k) => {
      want -= gain[grp]!;
      expect(g.curves[0]![k + 1]).toBeCloseTo(want, 4);
    });
    tf.dispose([x, a]);
  });

  it('rejects bad token input with GlassboxErrors naming the argument, and leaks nothing', async () => {
    const model = additiveModel();
    const x = tf.tensor2d(ROWS, [2, T], 'int32');
    const a = tf.zeros([2, T]);
    const floatX = tf.tensor2d(ROWS);
    const outOfRange = tf.tensor2d([[1, 2, 9, 1, 1, 1]], [1, T], 'int32');
    const a1 = tf.zeros([1, T]);
    const negative = tf.tensor2d([[1, -2, 1, 1, 1, 1]], [1, T], 'int32');
    const allPad = tf.tensor2d([ROWS[0]!, [PAD, PAD, PAD, PAD, PAD, PAD]], [2, T], 'int32');
    const wide = tf.zeros([2, T + 1]);
    const intA = tf.zeros([2, T], 'int32');
    const empty = tf.zeros([1, 0], 'int32');
    const bTensor = tf.scalar(0, 'int32');
    await expectGlassboxError(() => deletionCurve(model, floatX, a), 'INVALID_ARGUMENT', /x must hold int32 token ids/);
    await expectGlassboxError(() => deletionCurve(model, outOfRange, a1), 'INVALID_ARGUMENT', /in 0\.\.5, got 9 at row 0, position 2/);
    await expectGlassboxError(() => insertionCurve(model, negative, a), 'INVALID_ARGUMENT', /got -2/);
    await expectGlassboxError(() => deletionCurve(model, empty, a), 'INVALID_ARGUMENT', /empty sequence/);
    await expectGlassboxError(() => deletionCurve(model, x, a, { baseline: 6 }), 'INVALID_ARGUMENT', /options\.baseline must be a token id, an integer in 0\.\.5, got 6/);
    await expectGlassboxError(() => insertionCurve(model, x, a, { baseline: 1.5 }), 'INVALID_ARGUMENT', /options\.baseline must be a token id/);
    await expectGlassboxError(() => deletionCurve(model, x, a, { baseline: bTensor }), 'INVALID_ARGUMENT', /options\.baseline must be a token id/);
    await expectGlassboxError(() => deletionCurve(additiveModel({ maskId: 7 }), x, a), 'INVALID_ARGUMENT', /f\.maskId must be a token id/);
    await expectGlassboxError(() => deletionCurve(additiveModel({}), x, a), 'INVALID_ARGUMENT', /declares no maskId/);
    await expectGlassboxError(() => deletionCurve(tokenFn, x, a), 'INVALID_ARGUMENT', /options\.baseline .* is required/);
    await expectGlassboxError(() => deletionCurve(model, x, wide), 'SHAPE_MISMATCH', /attributions must have x's shape \[2, 6\], got shape \[2, 7\]/);
    await expectGlassboxError(() => deletionCurve(model, x, intA), 'INVALID_ARGUMENT', /attributions/);
    await expectGlassboxError(() => insertionCurve(model, allPad, a), 'INVALID_ARGUMENT', /x row 1 holds only padding/);
    await expectGlassboxError(() => deletionCurve(model, x, a, { featureMask: [0, 0, 1] }), 'SHAPE_MISMATCH');
    tf.dispose([x, a, a1, floatX, outOfRange, negative, allPad, wide, intA, empty, bTensor]);
  });
});

/** A plain function of ids (no maskId): sum of W over every position. */
function tokenFn(ids: Tensor): Tensor {
  return tf.tidy(() => tf.sum(tf.mul(tf.cast(tf.oneHot(ids as tf.Tensor2D, V), 'float32'), tf.tensor2d(W)), [1, 2]));
}
