import { expect, it, vi } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { completeness } from './completeness.js';
import { exactLinearAttributions, linearModel, linearScores, seededMatrix } from './testing-internal/fixtures.js';

const D = 8;
const W = [[1, -2], [0.5, 1], [-1, 0], [2, 0.25], [0, -1], [1.5, 1], [-0.5, 2], [1, 1]];
const XS = seededMatrix(3, D, 4);

describeBackends('completeness', () => {
  it('is ~0 for exact attributions and |F(x) - F(b)| for zero attributions (closed forms)', async () => {
    const f = linearModel(W, [0.3, -0.1]);
    const x = tf.tensor2d(XS);
    const exact = tf.tensor2d(exactLinearAttributions(XS, W, 1, 0.5));
    const zero = tf.zeros([3, D]);
    const ones = tf.ones([3, D]);
    const good = await expectNoLeaks(() => completeness(exact, f, x, 0.5, { target: 1 }));
    good.forEach((v) => expect(v).toBeLessThan(1e-5));
    const gap = await completeness({ attributions: zero, method: 'zero' }, f, x, 0.5, { target: 1 });
    const fx = linearScores(XS, W, 1);
    const fb = linearScores([new Array(D).fill(0.5)], W, 1)[0]!;
    gap.forEach((v, i) => expect(v).toBeCloseTo(Math.abs(fx[i]! - fb), 5));
    // one target per row, a tensor baseline broadcast over rows: gap = |D - (F(x) - F(b))|
    const b = tf.tensor1d(new Array(D).fill(-1));
    const perRow = await completeness(ones, f, x, b, { target: [0, 1, 0] });
    const fb2 = [0, 1, 0].map((t) => linearScores([new Array(D).fill(-1)], W, t)[0]!);
    const fx2 = [0, 1, 0].map((t, i) => linearScores([XS[i]!], W, t)[0]!);
    perRow.forEach((v, i) => expect(v).toBeCloseTo(Math.abs(D - (fx2[i]! - fb2[i]!)), 4));
    tf.dispose([x, exact, zero, ones, b]);
  });

  it('does not depend on batchSize and reports progress over the 2N rows', async () => {
    const f = linearModel(W.map((r) => r[0]!));
    const x = tf.tensor2d(XS);
    const a = tf.tensor2d(seededMatrix(3, D, 9));
    const progress = vi.fn();
    const one = await completeness(a, f, x, undefined, { batchSize: 1, onProgress: progress });
    const all = await completeness(a, f, x);
    one.forEach((v, i) => expect(v).toBeCloseTo(all[i]!, 6));
    expect(progress.mock.calls.length).toBe(6);
    expect(progress.mock.calls.at(-1)).toEqual([6, 6]);
    tf.dispose([x, a]);
  });

  it('rejects bad input', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const a = tf.tensor2d(XS);
    const wrong = tf.zeros([2, D]);
    const badBaseline = tf.zeros([3]);
    await expectGlassboxError(() => completeness(wrong, f, x, 0, { target: 0 }), 'SHAPE_MISMATCH', /attribution/);
    await expectGlassboxError(() => completeness(a, f, x, 0), 'INVALID_ARGUMENT', /target is required/);
    await expectGlassboxError(() => completeness(a, f, x, 0, { target: 5 }), 'TARGET_OUT_OF_RANGE');
    await expectGlassboxError(() => completeness(a, f, x, badBaseline, { target: 0 }), 'SHAPE_MISMATCH', /baseline/);
    await expectGlassboxError(() => completeness(a, f, x, NaN, { target: 0 }), 'NON_FINITE');
    await expectGlassboxError(() => completeness(a, f, x, 0, { target: 0, batchSize: 0 }), 'INVALID_ARGUMENT');
    const controller = new AbortController();
    controller.abort();
    await expectGlassboxError(() => completeness(a, f, x, 0, { target: 0, signal: controller.signal }), 'ABORTED');
    tf.dispose([x, a, wrong, badBaseline]);
  });

  it('(f, x, attribution, { baseline }) is the closed form |sum a - (F(x) - F(b))|; the baseline given twice is refused', async () => {
    const f = linearModel(W, [0.3, -0.1]);
    const x = tf.tensor2d(XS);
    const zero = tf.zeros([3, D]);
    const gap = await expectNoLeaks(() => completeness(f, x, zero, { target: 1, baseline: 0.5 }));
    const fx = linearScores(XS, W, 1);
    const fb = linearScores([new Array(D).fill(0.5)], W, 1)[0]!;
    gap.forEach((v, i) => expect(v).toBeCloseTo(Math.abs(fx[i]! - fb), 5));
    await expectNoLeaks(() => expectGlassboxError(() => completeness(zero, f, x, 0.5, { baseline: 0.5 } as never), 'INVALID_ARGUMENT', /baseline is given twice/));
    tf.dispose([x, zero]);
  });
});
