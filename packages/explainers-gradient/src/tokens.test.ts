/**
 * The gradient methods over token embeddings (issue 15, item 1): closed forms on a linear embedding model
 * F(e) = sum_t e_t . w_k, completeness, batching, tokenReduction, padding and bad input.
 */
import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { methodInfoOf, tf } from '@glassbox/tensors-ops';
import type { Attribution, TokenModel } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { saliency } from './saliency.js';
import { inputXGradient } from './input-x-gradient.js';
import { integratedGradients } from './integrated-gradients.js';
import { gradientShap } from './gradient-shap.js';
import { noiseTunnel } from './noise-tunnel.js';
import { idsOf, linearTokenModel, tanhTokenModel } from './testing-internal/token-models.js';
import type { LinearTokenModel } from './testing-internal/token-models.js';
import { smoothMlp, uniforms } from './testing-internal/models.js';

type Run = (f: TokenModel, x: Tensor, o: Record<string, unknown>) => Promise<Attribution>;
const METHODS: Array<[string, Run]> = [
  ['saliency', saliency as Run],
  ['inputXGradient', inputXGradient as Run],
  ['integratedGradients', integratedGradients as Run],
  ['gradientShap', gradientShap as Run],
  ['noiseTunnel(integratedGradients)', noiseTunnel(integratedGradients, { samples: 3, stdev: 0.2 }) as unknown as Run],
  ['noiseTunnel(saliency)', noiseTunnel(saliency, { samples: 3, stdev: 0.2 }) as unknown as Run],
];

const ROWS = [
  [1, 2, 3, 4],
  [5, 5, 0, 2],
  [3, 1, 1, 4],
];

/** Per-token values v(row, t) as the expected [N, T] array. */
function perToken(rows: number[][], v: (i: number, t: number) => number): number[] {
  return rows.flatMap((r, i) => r.map((_, t) => v(i, t)));
}

/** (e_t - b_t) . w_k for a baseline row b (or a baseline token id). */
function igClosedForm(m: LinearTokenModel, rows: number[][], k: number, b: (i: number) => number[][]): number[] {
  return perToken(rows, (i, t) => {
    const e = m.embedRow(rows[i]!)[t]!;
    const bt = b(i)[t]!;
    return e.reduce((s, x, j) => s + (x - bt[j]!) * m.w[j]![k]!, 0);
  });
}

async function take(r: Attribution): Promise<{ a: number[]; shape: number[]; delta: number[] | null }> {
  try {
    return { a: Array.from(await r.attributions.data()), shape: r.attributions.shape, delta: r.delta ? Array.from(await r.delta.data()) : null };
  } finally {
    r.attributions.dispose();
    r.delta?.dispose();
  }
}

it("the five methods declare 'tokens' among their inputs and tokenReduction among their options", () => {
  for (const fn of [saliency, inputXGradient, integratedGradients, gradientShap, noiseTunnel]) {
    const info = methodInfoOf(fn)!;
    expect(info.inputs, info.name).toEqual(['image', 'tabular', 'tokens']);
    if (fn === noiseTunnel) continue;
    expect(info.optionKeys, info.name).toContain('tokenReduction');
    const o = info.options.find((x) => x.key === 'tokenReduction')!;
    expect(o.choices).toEqual(['sum', 'none']);
    // No declared default: the option applies to token inputs only (where it is 'sum'; see the 'sum' test below).
    expect(o.default).toBeUndefined();
  }
});

describeBackends('gradient methods over token embeddings', () => {
  it('saliency is the per-token sum of w_k (signed) and of |w_k| (abs), at every position', async () => {
    for (const causal of [false, true]) {
      const m = linearTokenModel({ maskId: 0, causal });
      const x = idsOf(ROWS);
      await expectNoLeaks(async () => {
        const signed = await take(await saliency(m, x, { target: 1, abs: false }));
        const abs = await take(await saliency(m, x, { target: 1 }));
        const sumW = m.w.reduce((s, r) => s + r[1]!, 0);
        const sumAbs = m.w.reduce((s, r) => s + Math.abs(r[1]!), 0);
        expect(signed.shape).toEqual([3, 4]);
        expect(signed.a).toEqual(perToken(ROWS, () => sumW).map((v) => expect.closeTo(v, 5)));
        expect(abs.a).toEqual(perToken(ROWS, () => sumAbs).map((v) => expect.closeTo(v, 5)));
        expect(signed.delta).toBeNull();
      });
      x.dispose();
    }
  });

  it('inputXGradient is e_t . w_k', async () => {
    const m = linearTokenModel({ maskId: 0 });
    const x = idsOf(ROWS);
    await expectNoLeaks(async () => {
      const r = await take(await inputXGradient(m, x, { target: [0, 1, 0] }));
      const k = [0, 1, 0];
      expect(r.a).toEqual(perToken(ROWS, (i, t) => m.embedRow(ROWS[i]!)[t]!.reduce((s, e, j) => s + e * m.w[j]![k[i]!]!, 0)).map((v) => expect.closeTo(v, 4)));
    });
    x.dispose();
  });

  it('integratedGradients is (e_t - b_t) . w_k exactly, sums to F(e) - F(b), for the default, a token id and a zero baseline', async () => {
    for (const causal of [false, true]) {
      const m = linearTokenModel({ maskId: 0, causal });
      const x = idsOf(ROWS);
      const zero = tf.scalar(0);
      const cases: Array<[unknown, (i: number) => number[][]]> = [
        [undefined, () => m.embedRow([0, 0, 0, 0])], // the mask token's embedding (with the positions)
        [3, () => m.embedRow([3, 3, 3, 3])],
        [zero, () => [0, 0, 0, 0].map(() => [0, 0, 0])],
      ];
      for (const [baseline, b] of cases) {
        await expectNoLeaks(async () => {
          const o: Record<string, unknown> = { target: 1, steps: 3 };
          if (baseline !== undefined) o.baseline = baseline;
          const r = await take(await integratedGradients(m, x, o));
          const expected = igClosedForm(m, ROWS, 1, b);
          expect(r.a).toEqual(expected.map((v) => expect.closeTo(v, 4)));
          for (let i = 0; i < ROWS.length; i++) {
            const gap = m.score(m.embedRow(ROWS[i]!), 1) - m.score(b(i), 1);
            const sum = r.a.slice(i * 4, i * 4 + 4).reduce((s, v) => s + v, 0);
            expect(sum).toBeCloseTo(gap, 4);
            expect(Math.abs(r.delta![i]!)).toBeLessThan(1e-4);
          }
        });
      }
      tf.dispose([x, zero]);
    }
  });

  it('a model without maskId has a zero-embedding baseline', async () => {
    const m = linearTokenModel();
    const x = idsOf(ROWS);
    await expectNoLeaks(async () => {
      const r = await take(await integratedGradients(m, x, { target: 0 }));
      expect(r.a).toEqual(igClosedForm(m, ROWS, 0, () => [0, 1, 2, 3].map(() => [0, 0, 0])).map((v) => expect.closeTo(v, 4)));
    });
    x.dispose();
  });

  it("tokenReduction 'none' is the [N, T, D] embedding attribution ((e - b)[t, d] w[d, k] for IG) and sums over D to 'sum'", async () => {
    const m = linearTokenModel({ maskId: 0 });
    const x = idsOf(ROWS);
    await expectNoLeaks(async () => {
      const full = await take(await integratedGradients(m, x, { target: 1, tokenReduction: 'none' }));
      expect(full.shape).toEqual([3, 4, 3]);
      const b = m.embedRow([0, 0, 0, 0]);
      const expected = ROWS.flatMap((r) => m.embedRow(r).flatMap((e, t) => e.map((v, j) => (v - b[t]![j]!) * m.w[j]![1]!)));
      expect(full.a).toEqual(expected.map((v) => expect.closeTo(v, 4)));
    });
    const nonlinear = tanhTokenModel({ maskId: 6 });
    for (const [name, run] of METHODS) {
      await expectNoLeaks(async () => {
        const o = { target: 2, seed: 4, steps: 5, samples: 4 };
        const opts = (extra: Record<string, unknown>) => {
          const r: Record<string, unknown> = { target: o.target, seed: o.seed, ...extra };
          if (name.includes('integrated')) r.steps = o.steps;
          if (name === 'gradientShap') Object.assign(r, { samples: o.samples, stdev: 0.1 });
          return r;
        };
        const none = await take(await run(nonlinear, x, opts({ tokenReduction: 'none' })));
        const sum = await take(await run(nonlinear, x, opts({})));
        const explicit = await take(await run(nonlinear, x, opts({ tokenReduction: 'sum' })));
        expect(explicit.a, name).toEqual(sum.a);
        expect(none.shape, name).toEqual([3, 4, 4]);
        expect(sum.shape, name).toEqual([3, 4]);
        const summed = sum.a.map((_, p) => none.a.slice(p * 4, p * 4 + 4).reduce((s, v) => s + v, 0));
        expect(sum.a, name).toEqual(summed.map((v) => expect.closeTo(v, 5)));
      });
    }
    x.dispose();
  });

  it('every method gives the same numbers batched and unbatched (and delta where it has one)', async () => {
    const m = tanhTokenModel({ maskId: 6, padId: 0 });
    const x = idsOf([[1, 2, 3, 0], [4, 5, 0, 0], [6, 1, 2, 3]]);
    for (const [name, run] of METHODS) {
      await expectNoLeaks(async () => {
        const o = (batchSize?: number) => {
          const r: Record<string, unknown> = { target: [0, 2, 1], seed: 9 };
          if (batchSize !== undefined) r.batchSize = batchSize;
          if (name.includes('integrated')) r.steps = 6;
          if (name === 'gradientShap') Object.assign(r, { samples: 5, stdev: 0.3 });
          return r;
        };
        const one = await take(await run(m, x, o(1)));
        const big = await take(await run(m, x, o()));
        const three = await take(await run(m, x, o(3)));
        expect(one.a, name).toEqual(big.a);
        expect(three.a, name).toEqual(big.a);
        expect(one.delta, name).toEqual(big.delta);
        // Padded positions get 0.
        expect([big.a[3], big.a[6], big.a[7]], name).toEqual([0, 0, 0]);
      });
    }
    x.dispose();
  });

  it('integratedGradients is complete on a non-linear model with padding, and a padded row explains as the row alone', async () => {
    const m = tanhTokenModel({ maskId: 6, padId: 0 });
    const x = idsOf([[1, 2, 3, 0], [4, 5, 0, 0]]);
    const alone = idsOf([[4, 5]]);
    await expectNoLeaks(async () => {
      const r = await take(await integratedGradients(m, x, { target: 1, steps: 64 }));
      const a = await take(await integratedGradients(m, alone, { target: 1, steps: 64 }));
      // F(e) - F(e_b) from the model itself: the baseline is the mask token where x has a token, x's own
      // embedding (the pad token's) where x has padding, run with x's padding mask.
      const gap = tf.tidy(() => {
        const e = m.embed(x);
        const b = m.embed(idsOf([[6, 6, 6, 0], [6, 6, 0, 0]]));
        const mask = tf.tensor2d([[1, 1, 1, 0], [1, 1, 0, 0]]);
        return tf.sub(m.forwardFromEmbeddings(e, { paddingMask: mask }), m.forwardFromEmbeddings(b, { paddingMask: mask }));
      });
      const g = (await gap.data()) as Float32Array;
      gap.dispose();
      for (let i = 0; i < 2; i++) {
        const sum = r.a.slice(i * 4, i * 4 + 4).reduce((s, v) => s + v, 0);
        expect(Math.abs(sum - g[i * 3 + 1]!)).toBeLessThanOrEqual(1e-3 * Math.abs(g[i * 3 + 1]!));
      }
      expect(r.a.slice(4, 6)).toEqual(a.a.map((v) => expect.closeTo(v, 4)));
      expect(r.a.slice(6, 8)).toEqual([0, 0]);
    });
    tf.dispose([x, alone]);
  });

  it('padding on the linear model: padded positions give 0, the rest the closed form', async () => {
    const m = linearTokenModel({ maskId: 4, padId: 0 });
    const rows = [[1, 2, 3], [3, 0, 0]];
    const x = idsOf(rows);
    await expectNoLeaks(async () => {
      const r = await take(await integratedGradients(m, x, { target: 0 }));
      const b = m.embedRow([4, 4, 4]);
      const expected = igClosedForm(m, rows, 0, () => b).map((v, p) => (rows[Math.floor(p / 3)]![p % 3] === 0 ? 0 : v));
      expect(r.a).toEqual(expected.map((v) => expect.closeTo(v, 4)));
      expect(Math.abs(r.delta![1]!)).toBeLessThan(1e-4);
      const s = await take(await saliency(m, x, { target: 0, abs: false }));
      const sumW = m.w.reduce((acc, w) => acc + w[0]!, 0);
      expect(s.a).toEqual([sumW, sumW, sumW, sumW, 0, 0].map((v) => expect.closeTo(v, 5)));
    });
    x.dispose();
  });

  it('gradientShap on the linear model: (e~ - b) . w per draw, so with stdev 0 it is IG and delta is 0', async () => {
    const m = linearTokenModel({ maskId: 0 });
    const x = idsOf(ROWS);
    await expectNoLeaks(async () => {
      const r = await take(await gradientShap(m, x, { target: 1, samples: 7, seed: 2 }));
      expect(r.a).toEqual(igClosedForm(m, ROWS, 1, () => m.embedRow([0, 0, 0, 0])).map((v) => expect.closeTo(v, 4)));
      const noisy = await take(await gradientShap(m, x, { target: 1, samples: 7, seed: 2, stdev: 0.5 }));
      expect(noisy.a).not.toEqual(r.a);
      for (const d of noisy.delta!) expect(Math.abs(d)).toBeLessThan(1e-4);
    });
    x.dispose();
  });

  it('noiseTunnel on the linear model: smoothgrad of saliency is saliency; of IG it has delta 0; with stdev 0 it is IG', async () => {
    const m = linearTokenModel({ maskId: 0 });
    const x = idsOf(ROWS);
    await expectNoLeaks(async () => {
      const s = await take(await noiseTunnel(saliency, { samples: 4, stdev: 0.3 })(m, x, { target: 0, seed: 1, abs: false }));
      const sumW = m.w.reduce((acc, w) => acc + w[0]!, 0);
      expect(s.a).toEqual(perToken(ROWS, () => sumW).map((v) => expect.closeTo(v, 4)));
      const ig = await take(await noiseTunnel(integratedGradients, { samples: 4, stdev: 0.3 })(m, x, { target: 0, seed: 1, baseline: 2 }));
      for (const d of ig.delta!) expect(Math.abs(d)).toBeLessThan(1e-4);
      const plain = await take(await noiseTunnel(integratedGradients, { samples: 2, stdev: 0 })(m, x, { target: 0, baseline: 2 }));
      expect(plain.a).toEqual(igClosedForm(m, ROWS, 0, () => m.embedRow([2, 2, 2, 2])).map((v) => expect.closeTo(v, 4)));
      const shap = await take(await noiseTunnel(gradientShap, { samples: 2, stdev: 0 })(m, x, { target: 0, samples: 3 }));
      expect(shap.a).toEqual(igClosedForm(m, ROWS, 0, () => m.embedRow([0, 0, 0, 0])).map((v) => expect.closeTo(v, 4)));
    });
    x.dispose();
  });

  it('refuses bad token input with a GlassboxError naming the argument, leaking nothing', async () => {
    const m = linearTokenModel({ maskId: 0 });
    const x = idsOf(ROWS);
    const floats = tf.tensor2d([[1, 2]]);
    const outOfRange = idsOf([[1, 6]]);
    const negative = idsOf([[-1, 2]]);
    const empty = tf.tensor2d([], [1, 0], 'int32');
    const wrongShape = tf.zeros([2, 3]);
    for (const [name, run] of METHODS) {
      await expectGlassboxError(() => run(m, floats, { target: 0 }), 'INVALID_ARGUMENT', /x must hold int32 token ids/);
      await expectGlassboxError(() => run(m, outOfRange, { target: 0 }), 'INVALID_ARGUMENT', /x must hold token ids in 0\.\.5, got 6 at row 0, position 1/);
      await expectGlassboxError(() => run(m, negative, { target: 0 }), 'INVALID_ARGUMENT', /got -1/);
      await expectGlassboxError(() => run(m, empty, { target: 0 }), 'INVALID_ARGUMENT', /empty sequence/);
      await expectGlassboxError(() => run(m, x, { target: 2 }), 'TARGET_OUT_OF_RANGE', /target/);
      await expectGlassboxError(() => run(m, x, { target: 0, tokenReduction: 'mean' }), 'INVALID_ARGUMENT', /options\.tokenReduction/);
      await expectGlassboxError(() => run(m, x, { target: 0, pool: {} }), 'INVALID_ARGUMENT', /options\.pool/);
      if (name === 'saliency' || name === 'inputXGradient' || name === 'noiseTunnel(saliency)') continue;
      await expectGlassboxError(() => run(m, x, { target: 0, baseline: 6 }), 'INVALID_ARGUMENT', /options\.baseline must be a token id, an integer in 0\.\.5, got 6/);
      await expectGlassboxError(() => run(m, x, { target: 0, baseline: 1.5 }), 'INVALID_ARGUMENT', /options\.baseline must be a token id/);
      await expectGlassboxError(() => run(m, x, { target: 0, baseline: wrongShape }), 'SHAPE_MISMATCH', /options\.baseline/);
    }
    tf.dispose([x, floats, outOfRange, negative, empty, wrongShape]);
  });

  it('refuses tokenReduction for a model that is not a token model', async () => {
    const f = smoothMlp(4, 2);
    const x = tf.tensor2d(uniforms(3, 8), [2, 4]);
    for (const [name, run] of METHODS) {
      await expectGlassboxError(() => (run as unknown as (f: unknown, x: Tensor, o: object) => Promise<Attribution>)(f, x, { target: 0, tokenReduction: 'sum' }), 'INVALID_ARGUMENT', /options\.tokenReduction applies only to token ids/).then(
        (e) => expect(e.message, name).toMatch(/tokenReduction/),
      );
    }
    x.dispose();
  });
});
