/**
 * Token inputs (int32 ids [N, T]) for occlusion, featureAblation, shapleyValueSampling, exactShapley, kernelShap
 * and lime: brute-force Shapley values on a nonlinear token model with interactions, coefficients of a model
 * additive over positions, occlusion and ablation by their definitions, word groups, padding, the default
 * baseline, a causal language model's last position, batch-size independence, seeds, bad inputs and leaks.
 * The references are computed here in plain JavaScript (float64) from the models' formulas.
 */
import { describe, expect, it } from 'vitest';
import { tf, type Attribution, type Predictable, type Tensor, type TokenModel } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { occlusion } from './occlusion.js';
import { featureAblation } from './feature-ablation.js';
import { shapleyValueSampling } from './shapley-value-sampling.js';
import { exactShapley } from './exact-shapley.js';
import { kernelShap } from './kernel-shap.js';
import { lime } from './lime.js';

type Run = (f: Predictable | TokenModel, x: Tensor, options: Record<string, unknown>) => Promise<Attribution>;
const METHODS: Array<{ name: string; run: Run; base: Record<string, unknown>; random: boolean }> = [
  { name: 'occlusion', run: occlusion as unknown as Run, base: { window: [1] }, random: false },
  { name: 'featureAblation', run: featureAblation as unknown as Run, base: {}, random: false },
  { name: 'shapleyValueSampling', run: shapleyValueSampling as unknown as Run, base: { samples: 6 }, random: true },
  { name: 'exactShapley', run: exactShapley as unknown as Run, base: {}, random: false },
  { name: 'kernelShap', run: kernelShap as unknown as Run, base: { samples: 20 }, random: true },
  { name: 'lime', run: lime as unknown as Run, base: { samples: 40 }, random: true },
];

const V = 7;
const MASK = 0;
const PAD = 6;
/** Embedding table [V, 2] of the nonlinear model (the mask and pad tokens embed to 0). */
const TABLE = [[0, 0], [1, 0.5], [-0.5, 1], [0.8, -1.2], [0.3, 0.7], [-1, -0.4], [0, 0]];
const alpha = (t: number) => 1 + 0.25 * t;

/**
 * A nonlinear token model with interactions between positions (padding positions left out of both sums):
 *   s0 = sum_t alpha_t e[t, 0],  s1 = sum_t e[t, 1]
 *   out[:, 0] = tanh(s0) + s0 s1,   out[:, 1] = s1 - 0.5 s0^2
 */
function nonlinearModel(opts: { padId?: number; maskId?: number } = { padId: PAD, maskId: MASK }): TokenModel {
  return {
    vocabSize: V,
    ...(opts.maskId === undefined ? {} : { maskId: opts.maskId }),
    ...(opts.padId === undefined ? {} : { padId: opts.padId }),
    embed: (ids) => tf.tidy(() => tf.gather(tf.tensor2d(TABLE), ids)),
    forwardFromEmbeddings: (e, o) =>
      tf.tidy(() => {
        const [n, t] = e.shape as [number, number, number];
        const m = o?.paddingMask === undefined ? e : tf.mul(e, tf.expandDims(o.paddingMask, 2));
        const a = tf.tensor1d(Array.from({ length: t }, (_, k) => alpha(k)));
        const s0 = tf.sum(tf.mul(tf.reshape(tf.slice(m, [0, 0, 0], [n, t, 1]), [n, t]), a), 1);
        const s1 = tf.sum(tf.reshape(tf.slice(m, [0, 0, 1], [n, t, 1]), [n, t]), 1);
        return tf.stack([tf.add(tf.tanh(s0), tf.mul(s0, s1)), tf.sub(s1, tf.mul(0.5, tf.square(s0)))], 1);
      }),
  };
}

/** The nonlinear model on one row of ids, in float64 (PAD positions left out). */
function nonlinear(ids: readonly number[], target: number): number {
  let s0 = 0;
  let s1 = 0;
  ids.forEach((id, t) => {
    if (id === PAD) return;
    s0 += alpha(t) * TABLE[id]![0]!;
    s1 += TABLE[id]![1]!;
  });
  return target === 0 ? Math.tanh(s0) + s0 * s1 : s1 - 0.5 * s0 * s0;
}

/**
 * Shapley values by enumerating every coalition (the definition): groups[t] is the feature of position t
 * (-1: none), v(S) = F(row with the positions of groups outside S set to b).
 */
function bruteShapley(row: readonly number[], groups: readonly number[], b: number, v: (ids: number[]) => number): number[] {
  const m = Math.max(...groups) + 1;
  const value = (s: number) => v(row.map((id, t) => (groups[t]! < 0 || (s >>> groups[t]!) & 1 ? id : b)));
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const phi = new Array<number>(m).fill(0);
  for (let s = 0; s < 2 ** m; s++) {
    const size = s.toString(2).split('').filter((c) => c === '1').length;
    for (let g = 0; g < m; g++) {
      if ((s >>> g) & 1) continue;
      phi[g]! += (fact(size) * fact(m - size - 1)) / fact(m) * (value(s | (1 << g)) - value(s));
    }
  }
  return groups.map((g) => (g < 0 ? 0 : phi[g]!));
}

/** W[t][id]: the model additive over positions, F(ids) = sum_t W[t][ids[t]] (T = 8). */
const W = Array.from({ length: 8 }, (_, t) => Array.from({ length: V }, (_, id) => Math.sin(1.3 * t + 0.7 * id) * (1 + 0.2 * t)));

/** The additive model as a plain function of int32 ids [N, 8] -> [N] (refuses any other dtype). */
const additive: Predictable = (ids: Tensor) => {
  if (ids.dtype !== 'int32') throw new Error(`additive model got ${ids.dtype} ids`);
  return tf.tidy(() => tf.sum(tf.mul(tf.oneHot(ids, V), tf.tensor2d(W)), [1, 2]));
};

function ids(rows: number[][]): Tensor {
  return tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');
}

async function values(run: () => Promise<Attribution>): Promise<number[][]> {
  const r = await run();
  const v = r.attributions.arraySync() as number[][];
  expect(r.attributions.dtype).toBe('float32');
  r.attributions.dispose();
  return v;
}

function expectClose(actual: number[][], expected: number[][], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) =>
    row.forEach((a, t) => expect(Math.abs(a - expected[i]![t]!), `row ${i}, position ${t}: ${a} vs ${expected[i]![t]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(expected[i]![t]!)))),
  );
}

const ROWS = [[3, 1, 4, 2, 5], [2, 5, 5, 1, 3]];

describeBackends('token inputs', () => {
  describe('exactShapley equals brute force on a nonlinear token model with interactions', () => {
    it('every position its own feature, one target and per-row targets', async () => {
      const f = nonlinearModel();
      await expectNoLeaks(async () => {
        const x = ids(ROWS);
        for (const target of [0, [1, 0]] as const) {
          const got = await values(() => exactShapley(f, x, { target: target as number | number[] }));
          const tg = (i: number) => (Array.isArray(target) ? target[i]! : target);
          const want = ROWS.map((row, i) => bruteShapley(row, row.map((_, t) => t), MASK, (r) => nonlinear(r, tg(i))));
          expectClose(got, want, 1e-4);
        }
        x.dispose();
      });
    });

    it('12 tokens (4096 coalitions), baseline another id', async () => {
      const row = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 3, 1];
      await expectNoLeaks(async () => {
        const x = ids([row]);
        const got = await values(() => exactShapley(nonlinearModel(), x, { target: 0, baseline: 4 }));
        // Scale the tolerance with the values' magnitude: s0 s1 reaches ~100 on 12 tokens.
        expectClose(got, [bruteShapley(row, row.map((_, t) => t), 4, (r) => nonlinear(r, 0))], 5e-4);
        x.dispose();
      });
    });

    it('word groups give the group value to every piece; one mask per row ([N, T]); padding positions get 0', async () => {
      const f = nonlinearModel();
      await expectNoLeaks(async () => {
        const x = ids(ROWS);
        const words = [0, 0, 1, 2, 2];
        const shared = tf.tensor1d(words, 'int32');
        const got = await values(() => exactShapley(f, x, { target: 1, featureMask: shared }));
        expectClose(got, ROWS.map((row) => bruteShapley(row, words, MASK, (r) => nonlinear(r, 1))), 1e-4);
        expect(got[0]![0]).toBe(got[0]![1]);
        const perRow = [[0, 0, 1, 2, 2], [0, 1, 1, 1, 2]];
        const mask = ids(perRow);
        const got2 = await values(() => exactShapley(f, x, { target: 1, featureMask: mask }));
        expectClose(got2, ROWS.map((row, i) => bruteShapley(row, perRow[i]!, MASK, (r) => nonlinear(r, 1))), 1e-4);
        const padded = ids([[3, 1, 4, PAD, PAD], [2, PAD, 5, 1, 3]]);
        const got3 = await values(() => exactShapley(f, padded, { target: 0 }));
        const grp = (row: number[]) => {
          let k = 0;
          return row.map((id) => (id === PAD ? -1 : k++));
        };
        const pr = padded.arraySync() as number[][];
        expectClose(got3, pr.map((row) => bruteShapley(row, grp(row), MASK, (r) => nonlinear(r, 0))), 1e-4);
        expect([got3[0]![3], got3[0]![4], got3[1]![1]]).toEqual([0, 0, 0]);
        tf.dispose([x, shared, mask, padded]);
      });
    });
  });

  it('kernelShap and lime recover the coefficients of a model additive over positions: W[t][x_t] - W[t][b]', async () => {
    const rows = [[1, 2, 3, 4, 5, 6, 0, 1], [6, 5, 4, 3, 2, 1, 1, 2]];
    const b = 3;
    const want = rows.map((row) => row.map((id, t) => W[t]![id]! - W[t]![b]!));
    await expectNoLeaks(async () => {
      const x = ids(rows);
      // 60 < 2^8 - 2 coalitions: sampled, yet exact on an additive model.
      for (const variant of ['leverage', 'plain'] as const) expectClose(await values(() => kernelShap(additive, x, { baseline: b, samples: 60, variant, seed: 2 })), want, 1e-4);
      expectClose(await values(() => lime(additive, x, { baseline: b, samples: 120, alpha: 0, seed: 2 })), want, 1e-4);
      expectClose(await values(() => shapleyValueSampling(additive, x, { baseline: b, samples: 2 })), want, 1e-4);
      x.dispose();
    });
  });

  it('occlusion with window 1 is F(x) - F(x with position t replaced); window 2 averages the windows that cover t', async () => {
    const f = nonlinearModel();
    await expectNoLeaks(async () => {
      const x = ids(ROWS);
      const got = await values(() => occlusion(f, x, { window: [1], target: 0 }));
      const replaced = (row: number[], from: number, len: number) => row.map((id, t) => (t >= from && t < from + len ? MASK : id));
      expectClose(got, ROWS.map((row) => row.map((_, t) => nonlinear(row, 0) - nonlinear(replaced(row, t, 1), 0))), 1e-4);
      const got2 = await values(() => occlusion(f, x, { window: [2], strides: [1], target: 1 }));
      const want2 = ROWS.map((row) => {
        const drop = [0, 1, 2, 3].map((s) => nonlinear(row, 1) - nonlinear(replaced(row, s, 2), 1));
        return row.map((_, t) => (t === 0 ? drop[0]! : t === 4 ? drop[3]! : (drop[t - 1]! + drop[t]!) / 2));
      });
      expectClose(got2, want2, 1e-4);
      x.dispose();
    });
  });

  it('featureAblation with word groups: every piece gets F(x) - F(x with its word replaced)', async () => {
    const f = nonlinearModel();
    const words = [0, 0, 1, 2, 2];
    await expectNoLeaks(async () => {
      const x = ids(ROWS);
      const mask = tf.tensor2d([words], [1, 5], 'int32');
      const got = await values(() => featureAblation(f, x, { featureMask: mask, target: 0, baseline: 5 }));
      const want = ROWS.map((row) => words.map((w) => nonlinear(row, 0) - nonlinear(row.map((id, t) => (words[t] === w ? 5 : id)), 0)));
      expectClose(got, want, 1e-4);
      tf.dispose([x, mask]);
    });
  });

  it('a causal language model ([N, T, K] output) is explained at its last position', async () => {
    // out[n, t, :] = the additive model's partial sums over positions <= t, in both columns (second one negated).
    const causal: TokenModel = {
      vocabSize: V,
      maskId: MASK,
      embed: (t) => tf.tidy(() => tf.cast(tf.oneHot(t, V), 'float32')),
      forwardFromEmbeddings: (e) =>
        tf.tidy(() => {
          const per = tf.sum(tf.mul(e, tf.tensor2d(W)), 2);
          const c = tf.cumsum(per, 1);
          return tf.stack([c, tf.neg(c)], 2);
        }),
    };
    const rows = [[1, 2, 3, 4, 5, 6, 1, 2]];
    await expectNoLeaks(async () => {
      const x = ids(rows);
      const got = await values(() => occlusion(causal, x, { window: [1], target: 1 }));
      expectClose(got, [rows[0]!.map((id, t) => -(W[t]![id]! - W[t]![MASK]!))], 1e-4);
      x.dispose();
    });
  });

  for (const m of METHODS) {
    describe(m.name, () => {
      it('padding positions get 0 and the other positions what the unpadded row gets; the default baseline is f.maskId', async () => {
        const f = nonlinearModel();
        await expectNoLeaks(async () => {
          const plain = ids([[3, 1, 4, 2, 5]]);
          const padded = ids([[3, 1, 4, 2, 5, PAD, PAD]]);
          const a = await values(() => m.run(f, plain, { ...m.base, target: 0, seed: 4 }));
          const b = await values(() => m.run(f, padded, { ...m.base, target: 0, seed: 4 }));
          expect(b[0]!.slice(5)).toEqual([0, 0]);
          expectClose([b[0]!.slice(0, 5)], a, 1e-5);
          const c = await values(() => m.run(f, plain, { ...m.base, target: 0, seed: 4, baseline: MASK }));
          expect(c).toEqual(a);
          tf.dispose([plain, padded]);
        });
      });

      it('rows of different lengths: batchSize does not change the result; the same seed gives the same result', async () => {
        const f = nonlinearModel();
        await expectNoLeaks(async () => {
          const x = ids([[3, 1, 4, 2, 5, PAD], [2, 5, 5, 1, 3, 4], [PAD, 1, PAD, 2, PAD, 3]]);
          const o = { ...m.base, target: [0, 1, 0], seed: 9 };
          const one = await values(() => m.run(f, x, { ...o, batchSize: 1 }));
          const all = await values(() => m.run(f, x, { ...o, batchSize: 1000 }));
          expect(one).toEqual(all);
          expect(await values(() => m.run(f, x, { ...o, batchSize: 7 }))).toEqual(all);
          expect([all[0]![5], all[2]![0], all[2]![2], all[2]![4]]).toEqual([0, 0, 0, 0]);
          expect(all[1]!.some((v) => v !== 0)).toBe(true);
          if (m.random) {
            // A row's result does not depend on the other rows (as when it is explained alone).
            const alone = ids([[3, 1, 4, 2, 5, PAD]]);
            expectClose(await values(() => m.run(f, alone, { ...m.base, target: 0, seed: 9 })), [all[0]!], 1e-5);
            alone.dispose();
          }
          x.dispose();
        });
      });

      it('bad inputs: float ids, ids out of range, an empty sequence, a baseline out of range or missing, groups with gaps, a target past the output, a pool; nothing leaks', async () => {
        const f = nonlinearModel();
        const x = ids(ROWS);
        const floatX = tf.tensor2d(ROWS);
        const high = ids([[3, 1, 7, 2, 5]]);
        const negative = ids([[3, -1, 4, 2, 5]]);
        const empty = tf.tensor2d([], [1, 0], 'int32');
        const o = (e: Record<string, unknown> = {}) => ({ ...m.base, target: 0, ...e });
        await expectGlassboxError(() => m.run(f, floatX, o()), 'INVALID_ARGUMENT', /x must hold int32 token ids.*float32/);
        await expectGlassboxError(() => m.run(f, high, o()), 'INVALID_ARGUMENT', /x must hold token ids in 0\.\.6, got 7 at row 0, position 2/);
        await expectGlassboxError(() => m.run(additive, negative, o({ baseline: 0 })), 'INVALID_ARGUMENT', /x must hold token ids >= 0, got -1/);
        await expectGlassboxError(() => m.run(f, empty, o()), 'INVALID_ARGUMENT', /empty sequence/);
        await expectGlassboxError(() => m.run(f, x, o({ baseline: 7 })), 'INVALID_ARGUMENT', /options\.baseline must be a token id, an integer in 0\.\.6, got 7/);
        await expectGlassboxError(() => m.run(f, x, o({ baseline: 1.5 })), 'INVALID_ARGUMENT', /options\.baseline must be a token id/);
        const eight = ids([[1, 2, 3, 4, 5, 6, 0, 1]]);
        await expectGlassboxError(() => m.run(additive, eight, o()), 'INVALID_ARGUMENT', /options\.baseline is required for token ids/);
        await expectGlassboxError(() => m.run(nonlinearModel({ padId: PAD }), x, o()), 'INVALID_ARGUMENT', /options\.baseline is required.*declares no maskId/);
        await expectGlassboxError(() => m.run(f, x, o({ target: 2 })), 'TARGET_OUT_OF_RANGE');
        await expectGlassboxError(() => m.run(f, x, o({ pool: {} })), 'INVALID_ARGUMENT', /options\.pool is not supported for a token model/);
        const allPad = ids([[PAD, PAD, PAD, PAD, PAD]]);
        if (m.name !== 'occlusion') {
          await expectGlassboxError(() => m.run(f, allPad, o()), 'INVALID_ARGUMENT', /row 0 of x holds only padding/);
          const gaps = tf.tensor1d([0, 0, 2, 2, 3], 'int32');
          await expectGlassboxError(() => m.run(f, x, o({ featureMask: gaps })), 'INVALID_ARGUMENT', /options\.featureMask must use every group id 0\.\.3 without gaps, but group 1 is missing/);
          const rowGaps = ids([[0, 1, 2, 3, 4], [0, 0, 2, 2, 2]]);
          await expectGlassboxError(() => m.run(f, x, o({ featureMask: rowGaps })), 'INVALID_ARGUMENT', /options\.featureMask \(row 1\) must use every group id/);
          const wrong = ids([[0, 1, 2], [0, 1, 2]]);
          await expectGlassboxError(() => m.run(f, x, o({ featureMask: wrong })), 'SHAPE_MISMATCH', /options\.featureMask/);
          tf.dispose([gaps, rowGaps, wrong]);
        } else {
          await expectGlassboxError(() => m.run(f, x, o({ window: [6] })), 'INVALID_ARGUMENT', /options\.window\[0\] must be an integer in 1\.\.5/);
          await expectGlassboxError(() => m.run(f, x, o({ window: [1, 1] })), 'SHAPE_MISMATCH', /options\.window/);
          // A row of padding only: nothing is perturbed, every attribution is 0.
          expect(await values(() => m.run(f, allPad, o()))).toEqual([[0, 0, 0, 0, 0]]);
        }
        // A model that throws leaks nothing.
        const throwing: Predictable = (t: Tensor) => {
          tf.cast(t, 'float32');
          throw new Error('model failed');
        };
        const before = tf.memory().numTensors;
        await expect(m.run(throwing, x, o({ baseline: 0 }))).rejects.toThrow('model failed');
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, floatX, high, negative, empty, allPad, eight]);
      });
    });
  }

  it('exactShapley refuses more than 16 tokens without a grouping', async () => {
    const x = ids([Array.from({ length: 17 }, (_, t) => 1 + (t % 5))]);
    await expectGlassboxError(() => exactShapley(nonlinearModel(), x, { target: 0 }), 'INVALID_ARGUMENT', /a row of x has 17 tokens.*at most 16/);
    const mask = tf.tensor1d(Array.from({ length: 17 }, (_, t) => Math.floor(t / 2)), 'int32');
    await expectNoLeaks(async () => {
      const got = await values(() => exactShapley(nonlinearModel(), x, { target: 0, featureMask: mask }));
      expect(got[0]![0]).toBe(got[0]![1]);
    });
    tf.dispose([x, mask]);
  });

  it('float x with a plain function stays a float input (ids are not assumed)', async () => {
    await expectNoLeaks(async () => {
      const x = tf.tensor2d([[1, 2, 3]]);
      const seen: string[] = [];
      const f: Predictable = (t: Tensor) => {
        seen.push(t.dtype);
        return tf.sum(t, 1);
      };
      expect(await values(() => occlusion(f, x, { window: [1] }))).toEqual([[1, 2, 3]]);
      expect(new Set(seen)).toEqual(new Set(['float32']));
      x.dispose();
    });
  });
});
