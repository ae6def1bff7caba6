import { expect, it, vi } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { infidelity } from './infidelity.js';
import { exactLinearAttributions, linearModel, seededMatrix } from './testing-internal/fixtures.js';

const D = 16;
const W = Array.from({ length: D }, (_, j) => Math.cos(1.3 * j) * 1.5 + 0.2);
const XS = seededMatrix(4, D, 21, -1, 1);

/** E[(F(x) - F(x - I))^2] can be read from the result of a zero attribution: u = 0 -> infidelity = E[d^2]. */
async function meanSquaredChange(f: ReturnType<typeof linearModel>, x: tf.Tensor, options: Parameters<typeof infidelity>[3]) {
  const zero = tf.zerosLike(x);
  try {
    return (await infidelity(f, x, zero, options)).infidelity;
  } finally {
    zero.dispose();
  }
}

describeBackends('infidelity', () => {
  it("is ~0 for the exact attributions of a linear model under 'subtract', and large for wrong ones", async () => {
    const f = linearModel(W, 0.7);
    const x = tf.tensor2d(XS);
    const exact = tf.tensor2d(exactLinearAttributions(XS, W, 0, 0.25));
    const wrong = tf.tensor2d(exactLinearAttributions(XS, W.slice().reverse(), 0, 0.25));
    const opts = { perturbation: 'subtract' as const, baseline: 0.25, samples: 24, seed: 5 };
    const good = await expectNoLeaks(() => infidelity(f, x, exact, opts));
    const bad = await infidelity(f, x, wrong, opts);
    const scale = await meanSquaredChange(f, x, opts);
    for (let i = 0; i < XS.length; i++) {
      expect(scale[i]!).toBeGreaterThan(0.01);
      expect(good.infidelity[i]! / scale[i]!).toBeLessThan(1e-6);
      expect(good.scaledInfidelity[i]! / scale[i]!).toBeLessThan(1e-6);
      expect(good.scale[i]!).toBeCloseTo(1, 5);
      expect(bad.infidelity[i]! / scale[i]!).toBeGreaterThan(0.05);
    }
    tf.dispose([x, exact, wrong]);
  });

  it("treats gradient-like attributions with multiplyByInputs: false (gaussian): w is exact, 2w is off by a factor 2", async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const grad = tf.tensor2d(XS.map(() => W));
    const twice = tf.tensor2d(XS.map(() => W.map((v) => 2 * v)));
    const opts = { perturbation: 'gaussian' as const, stdev: 0.3, samples: 20, seed: 2, multiplyByInputs: false };
    const g = await infidelity(f, x, grad, opts);
    const t = await infidelity(f, x, twice, opts);
    const ed2 = await meanSquaredChange(f, x, opts);
    for (let i = 0; i < XS.length; i++) {
      expect(g.infidelity[i]! / ed2[i]!).toBeLessThan(1e-6);
      // u = 2 d: E[(2d - d)^2] = E[d^2]; the best scale is 1/2 and fits exactly
      expect(t.infidelity[i]!).toBeCloseTo(ed2[i]!, 4);
      expect(t.scale[i]!).toBeCloseTo(0.5, 5);
      expect(t.scaledInfidelity[i]! / ed2[i]!).toBeLessThan(1e-6);
    }
    tf.dispose([x, grad, twice]);
  });

  it('accepts a perturbation function (closed form for a constant perturbation)', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const ones = tf.ones([4, D]);
    // I = 0.5 everywhere: u = 0.5 sum(a) = 0.5 D, d = F(x) - F(x - I) = 0.5 sum(w); every sample is the same
    const calls: number[][] = [];
    const res = await expectNoLeaks(() =>
      infidelity(f, x, ones, {
        perturbation: (row, ctx) => {
          calls.push([ctx.row, ctx.sample]);
          expect(row.shape).toEqual([1, D]);
          return tf.fill([1, D], 0.5);
        },
        samples: 3,
        multiplyByInputs: false,
      }),
    );
    const sumW = W.reduce((s, v) => s + v, 0);
    for (let i = 0; i < 4; i++) {
      expect(res.infidelity[i]!).toBeCloseTo((0.5 * D - 0.5 * sumW) ** 2, 3);
      expect(res.scale[i]!).toBeCloseTo(sumW / D, 5);
    }
    expect(calls.length).toBe(12);
    expect(calls.slice(0, 4)).toEqual([[0, 0], [0, 1], [0, 2], [1, 0]]);
    tf.dispose([x, ones]);
  });

  it('does not depend on batchSize, is seeded, reports progress and aborts without leaks', async () => {
    const f = linearModel(W.map((v) => [v, -v]));
    const x = tf.tensor2d(XS);
    const a = tf.tensor2d(seededMatrix(4, D, 3));
    const progress = vi.fn();
    const base = { target: [0, 1, 1, 0], samples: 6, seed: 8 };
    const r1 = await infidelity(f, x, a, { ...base, batchSize: 5, onProgress: progress });
    const r2 = await infidelity(f, x, a, { ...base, batchSize: 64 });
    const r3 = await infidelity(f, x, a, { ...base, seed: 9 });
    const g1 = await infidelity(f, x, a, { ...base, perturbation: 'gaussian', batchSize: 3 });
    const g2 = await infidelity(f, x, a, { ...base, perturbation: 'gaussian', batchSize: 100 });
    expect(r2).toEqual(r1);
    expect(g2).toEqual(g1);
    expect(r3.infidelity).not.toEqual(r1.infidelity);
    expect(progress.mock.calls.at(-1)).toEqual([4 + 24, 4 + 24]);
    const controller = new AbortController();
    await expectGlassboxError(
      () => infidelity(f, x, a, { ...base, batchSize: 4, signal: controller.signal, onProgress: (d) => d > 8 && controller.abort() }),
      'ABORTED',
    );
    tf.dispose([x, a]);
  });

  it('rejects bad input', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const a = tf.tensor2d(XS);
    const wrong = tf.zeros([4, D + 1]);
    await expectGlassboxError(() => infidelity(f, x, wrong), 'SHAPE_MISMATCH', /attributions/);
    await expectGlassboxError(() => infidelity(f, x, a, { samples: 0 }), 'INVALID_ARGUMENT', /options.samples/);
    await expectGlassboxError(() => infidelity(f, x, a, { stdev: 0 }), 'INVALID_ARGUMENT', /options.stdev/);
    await expectGlassboxError(() => infidelity(f, x, a, { fraction: 0 }), 'INVALID_ARGUMENT', /options.fraction/);
    await expectGlassboxError(() => infidelity(f, x, a, { perturbation: 'uniform' as never }), 'INVALID_ARGUMENT', /'gaussian', 'subtract'/);
    await expectGlassboxError(() => infidelity(f, x, a, { perturbation: () => tf.zeros([D]) }), 'SHAPE_MISMATCH', /options.perturbation/);
    await expectGlassboxError(() => infidelity(f, x, a, { perturbation: () => tf.fill([1, D], NaN) }), 'NON_FINITE');
    await expectGlassboxError(() => infidelity(f, x, a, { target: 1 }), 'TARGET_OUT_OF_RANGE');
    await expectGlassboxError(() => infidelity(f, x, a, { multiplyByInputs: 1 as never }), 'INVALID_ARGUMENT');
    await expectGlassboxError(() => infidelity(f, x, a, null as never), 'INVALID_ARGUMENT');
    tf.dispose([x, a, wrong]);
  });
});
