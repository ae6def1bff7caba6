/**
 * The conformance table: every explainer of the package passes the same contract checks (targets, batching,
 * seeds, progress, abort, leaks, argument errors, closed forms on a linear model, cpu == wasm).
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { initBackend, tf, type Attribution, type ForwardFn, type Predictable } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { occlusion } from './occlusion.js';
import { featureAblation } from './feature-ablation.js';
import { featurePermutation } from './feature-permutation.js';
import { shapleyValueSampling } from './shapley-value-sampling.js';
import { exactShapley } from './exact-shapley.js';
import { kernelShap } from './kernel-shap.js';
import { lime } from './lime.js';
import { counting, linearModel } from './testing-internal/models.js';

type Run = (f: Predictable, x: Tensor, options: Record<string, unknown>) => Promise<Attribution>;

interface Case {
  name: string;
  run: Run;
  /** Options every call needs. */
  base: Record<string, unknown>;
  /** Answers w_i (x_i - b_i) on a linear model. */
  linear: boolean;
  /** Takes options.featureMask. */
  mask: boolean;
  /** Takes options.samples. */
  samples: boolean;
  /** Takes options.baseline. */
  baseline: boolean;
  /** Draws random numbers (options.seed matters). */
  random: boolean;
  /** Also takes int32 token ids x [N, T] (with baseline a token id; see tokens.test.ts). */
  tokens: boolean;
}

const CASES: Case[] = [
  { name: 'occlusion', run: occlusion as unknown as Run, base: { window: [1] }, linear: true, mask: false, samples: false, baseline: true, random: false, tokens: true },
  { name: 'featureAblation', run: featureAblation as Run, base: {}, linear: true, mask: true, samples: false, baseline: true, random: false, tokens: true },
  { name: 'featurePermutation', run: featurePermutation as Run, base: {}, linear: false, mask: true, samples: false, baseline: false, random: true, tokens: false },
  { name: 'shapleyValueSampling', run: shapleyValueSampling as Run, base: { samples: 3 }, linear: true, mask: true, samples: true, baseline: true, random: true, tokens: true },
  { name: 'exactShapley', run: exactShapley as Run, base: {}, linear: true, mask: true, samples: false, baseline: true, random: false, tokens: true },
  { name: 'kernelShap', run: kernelShap as Run, base: { samples: 40 }, linear: true, mask: true, samples: true, baseline: true, random: true, tokens: true },
  { name: 'kernelShap plain', run: kernelShap as Run, base: { samples: 40, variant: 'plain' }, linear: true, mask: true, samples: true, baseline: true, random: true, tokens: true },
  { name: 'lime', run: lime as Run, base: { samples: 64, alpha: 0 }, linear: true, mask: true, samples: true, baseline: true, random: true, tokens: true },
];

const P = 6;
const W = [0.5, -1, 2, 3, -0.25, 1.5];
const XS = [1, 2, 3, 4, 5, 6, -1, 0.5, 2, -3, 1, 0, 0.2, 0.4, -0.6, 0.8, 1, -1.2];
const BS = [0.1, 0.2, 0.3, -0.4, 0.5, 0.6];
/** Two outputs: column 0 = -w . x, column 1 = w . x + 1. */
const W2 = W.flatMap((w) => [-w, w]);

function closedForm(targetSign: number[]): number[] {
  return XS.map((v, i) => targetSign[Math.floor(i / P)]! * W[i % P]! * (v - BS[i % P]!));
}

function expectClose(actual: number[], expected: number[], atol: number, rtol = 0): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const tol = atol + rtol * Math.abs(expected[i]!);
    expect(Math.abs(a - expected[i]!), `index ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(tol);
  });
}

async function values(run: () => Promise<Attribution>): Promise<number[]> {
  const r = await run();
  const v = Array.from(r.attributions.dataSync());
  r.attributions.dispose();
  r.delta?.dispose();
  return v;
}

describeBackends('conformance', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const withInputs = async <T>(fn: (x: Tensor, o: (e?: Record<string, unknown>) => Record<string, unknown>) => Promise<T>): Promise<T> => {
        const x = tf.tensor(XS, [3, P]);
        const b = tf.tensor(BS, [1, P]);
        const o = (e: Record<string, unknown> = {}): Record<string, unknown> => ({ ...c.base, ...(c.baseline ? { baseline: b } : {}), ...e });
        try {
          return await fn(x, o);
        } finally {
          tf.dispose([x, b]);
        }
      };

      if (c.linear) {
        it('linear model: w_i (x_i - b_i), for one target and per-row targets', async () => {
          await expectNoLeaks(() =>
            withInputs(async (x, o) => {
              const f = linearModel(W2, 2, [0, 1]);
              expectClose(await values(() => c.run(f, x, o({ target: 1 }))), closedForm([1, 1, 1]), 1e-4);
              expectClose(await values(() => c.run(f, x, o({ target: [1, 0, 1] }))), closedForm([1, -1, 1]), 1e-4);
            }),
          );
        });
      }

      it('f returning [N] or [N, 1] needs no target; an object with predict is accepted', async () => {
        await withInputs(async (x, o) => {
          const col = linearModel(W);
          const flat: ForwardFn = (t) => tf.tidy(() => tf.reshape(col(t), [-1]));
          const a = await values(() => c.run(col, x, o()));
          const b = await values(() => c.run(flat, x, o()));
          const d = await values(() => c.run({ predict: col }, x, o()));
          expect(b).toEqual(a);
          expect(d).toEqual(a);
          expect(a.length).toBe(XS.length);
        });
      });

      it('target errors: required for K > 1, out of range, wrong count', async () => {
        await withInputs(async (x, o) => {
          const f = linearModel(W2, 2);
          await expectGlassboxError(() => c.run(f, x, o()), 'INVALID_ARGUMENT', /options\.target is required/);
          await expectGlassboxError(() => c.run(f, x, o({ target: 2 })), 'TARGET_OUT_OF_RANGE', /options\.target/);
          await expectGlassboxError(() => c.run(f, x, o({ target: -1 })), 'TARGET_OUT_OF_RANGE', /options\.target/);
          await expectGlassboxError(() => c.run(f, x, o({ target: [0, 5, 1] })), 'TARGET_OUT_OF_RANGE', /options\.target\[1\]/);
          await expectGlassboxError(() => c.run(f, x, o({ target: [0, 1] })), 'SHAPE_MISMATCH', /options\.target/);
          await expectGlassboxError(() => c.run(f, x, o({ target: 0.5 })), 'INVALID_ARGUMENT', /options\.target/);
        });
      });

      it('batched == unbatched, and at most batchSize rows per model call', async () => {
        await withInputs(async (x, o) => {
          const counted = counting(linearModel(W2, 2));
          const one = await values(() => c.run(counted.f, x, o({ target: 1, batchSize: 1, seed: 5 })));
          const rows = counted.calls.length;
          counted.calls.length = 0;
          const seven = await values(() => c.run(counted.f, x, o({ target: 1, batchSize: 7, seed: 5 })));
          expect(counted.calls.length).toBe(Math.ceil(rows / 7));
          expect(Math.max(...counted.calls)).toBeLessThanOrEqual(7);
          const all = await values(() => c.run(linearModel(W2, 2), x, o({ target: 1, batchSize: 100000, seed: 5 })));
          expect(seven).toEqual(one);
          expect(all).toEqual(one);
        });
      });

      if (c.random) {
        it('same seed, same result; another seed, another sample', async () => {
          await withInputs(async (x, o) => {
            const f = (t: Tensor): Tensor => tf.tidy(() => tf.sum(tf.mul(tf.sin(t), tf.square(t)), 1));
            const a = await values(() => c.run(f, x, o({ seed: 11 })));
            const b = await values(() => c.run(f, x, o({ seed: 11 })));
            const d = await values(() => c.run(f, x, o({ seed: 12 })));
            expect(b).toEqual(a);
            expect(d).not.toEqual(a);
          });
        });
      }

      it('onProgress after each batch, monotone, ending at the total', async () => {
        await withInputs(async (x, o) => {
          const seen: [number, number][] = [];
          await values(() => c.run(linearModel(W), x, o({ batchSize: 4, onProgress: (d: number, t: number) => seen.push([d, t]) })));
          expect(seen.length).toBeGreaterThan(1);
          const total = seen[0]![1];
          expect(seen.every(([, t]) => t === total)).toBe(true);
          expect(seen.map(([d]) => d)).toEqual(seen.map((_, k) => Math.min(total, (k + 1) * 4)));
          expect(seen[seen.length - 1]![0]).toBe(total);
        });
      });

      it('abort between batches rejects with ABORTED and leaks nothing; a fired signal runs no model', async () => {
        await withInputs(async (x, o) => {
          const ctrl = new AbortController();
          const counted = counting(linearModel(W));
          await expectGlassboxError(
            () => c.run(counted.f, x, o({ batchSize: 2, signal: ctrl.signal, onProgress: () => ctrl.abort() })),
            'ABORTED',
          );
          expect(counted.calls.length).toBe(1);
          counted.calls.length = 0;
          await expectGlassboxError(() => c.run(counted.f, x, o({ signal: ctrl.signal })), 'ABORTED');
          expect(counted.calls.length).toBe(0);
        });
      });

      it('a model returning the wrong batch size is SHAPE_MISMATCH; a throwing model leaks nothing', async () => {
        await withInputs(async (x, o) => {
          const wrong: ForwardFn = (t) => tf.tidy(() => tf.zeros([t.shape[0]! + 1]));
          await expectGlassboxError(() => c.run(wrong, x, o()), 'SHAPE_MISMATCH', /f returned shape/);
          const throwing: ForwardFn = (t) => {
            tf.square(t); // a tensor made before the failure must not leak
            throw new Error('model failed');
          };
          const before = tf.memory().numTensors;
          await expect(c.run(throwing, x, o())).rejects.toThrow('model failed');
          expect(tf.memory().numTensors).toBe(before);
        });
      });

      it('bad x: NaN is NON_FINITE, int32 is INVALID_ARGUMENT (token ids: a float baseline is no token id), rank 1 is SHAPE_MISMATCH', async () => {
        await withInputs(async (_x, o) => {
          const f = linearModel(W);
          const nan = tf.tensor([[1, 2, NaN, 4, 5, 6]]);
          const int = tf.tensor([[1, 2, 3, 4, 5, 6]], [1, 6], 'int32');
          const r1 = tf.tensor([1, 2, 3, 4, 5, 6]);
          await expectGlassboxError(() => c.run(f, nan, o()), 'NON_FINITE', /x must be finite/);
          await expectGlassboxError(() => c.run(f, int, o()), 'INVALID_ARGUMENT', c.tokens ? /options\.baseline must be a token id/ : /x must be a float32/);
          await expectGlassboxError(() => c.run(f, r1, o()), 'SHAPE_MISMATCH', /x must have rank >= 2/);
          await expectGlassboxError(() => c.run(f, nan, 'nope' as never), 'INVALID_ARGUMENT', /options must be an object/);
          tf.dispose([nan, int, r1]);
        });
      });

      if (c.baseline) {
        it('bad baseline: NaN is NON_FINITE, wrong shape is SHAPE_MISMATCH', async () => {
          await withInputs(async (x) => {
            const f = linearModel(W);
            const nanB = tf.tensor([[0, 0, NaN, 0, 0, 0]]);
            const badB = tf.tensor([[0, 0, 0]]);
            await expectGlassboxError(() => c.run(f, x, { ...c.base, baseline: nanB }), 'NON_FINITE', /options\.baseline/);
            await expectGlassboxError(() => c.run(f, x, { ...c.base, baseline: NaN }), 'NON_FINITE', /options\.baseline/);
            await expectGlassboxError(() => c.run(f, x, { ...c.base, baseline: badB }), 'SHAPE_MISMATCH', /options\.baseline/);
            tf.dispose([nanB, badB]);
          });
        });
      }

      if (c.mask) {
        it('featureMask: groups share one value; wrong shape, non-integers and gaps are refused', async () => {
          await withInputs(async (x, o) => {
            const f = linearModel(W);
            const mask = tf.tensor([[0, 0, 1, 1, 2, 2]], [1, 6], 'int32');
            const a = await values(() => c.run(f, x, o({ featureMask: mask })));
            for (let i = 0; i < 3; i++) for (let g = 0; g < 3; g++) expect(a[i * P + 2 * g]).toBeCloseTo(a[i * P + 2 * g + 1]!, 5);
            const arr = await values(() => c.run(f, x, o({ featureMask: new Int32Array([0, 0, 1, 1, 2, 2]) })));
            expect(arr).toEqual(a);
            const wrongShape = tf.tensor([[0, 1, 2]], [1, 3], 'int32');
            const floatMask = tf.tensor([[0, 0, 1, 1, 2, 2]]);
            await expectGlassboxError(() => c.run(f, x, o({ featureMask: wrongShape })), 'SHAPE_MISMATCH', /options\.featureMask/);
            await expectGlassboxError(() => c.run(f, x, o({ featureMask: [0, 1, 2] })), 'SHAPE_MISMATCH', /options\.featureMask/);
            await expectGlassboxError(() => c.run(f, x, o({ featureMask: floatMask })), 'INVALID_ARGUMENT', /options\.featureMask/);
            await expectGlassboxError(() => c.run(f, x, o({ featureMask: [0, 0.5, 1, 1, 2, 2] })), 'INVALID_ARGUMENT', /options\.featureMask/);
            await expectGlassboxError(() => c.run(f, x, o({ featureMask: [0, 0, 2, 2, 3, 3] })), 'INVALID_ARGUMENT', /group 1 is missing/);
            tf.dispose([mask, wrongShape, floatMask]);
          });
        });
      }

      if (c.samples) {
        it('samples < 1 or non-integer is INVALID_ARGUMENT', async () => {
          await withInputs(async (x, o) => {
            const f = linearModel(W);
            await expectGlassboxError(() => c.run(f, x, o({ samples: 0 })), 'INVALID_ARGUMENT', /options\.samples/);
            await expectGlassboxError(() => c.run(f, x, o({ samples: 2.5 })), 'INVALID_ARGUMENT', /options\.samples/);
          });
        });
      }

      it('batchSize and seed are checked', async () => {
        await withInputs(async (x, o) => {
          const f = linearModel(W);
          await expectGlassboxError(() => c.run(f, x, o({ batchSize: 0 })), 'INVALID_ARGUMENT', /options\.batchSize/);
          await expectGlassboxError(() => c.run(f, x, o({ seed: -1 })), 'INVALID_ARGUMENT', /options\.seed/);
        });
      });
    });
  }
});

describe('cpu and wasm give the same numbers', () => {
  it('every method, a non-linear model', async () => {
    const f = (t: Tensor): Tensor => tf.tidy(() => tf.sum(tf.mul(tf.tanh(t), tf.square(t)), 1));
    const results: Record<string, number[][]> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend, fallback: false });
      const x = tf.tensor(XS, [3, P]);
      const b = tf.tensor(BS, [1, P]);
      for (const c of CASES) {
        const o = { ...c.base, ...(c.baseline ? { baseline: b } : {}), seed: 3 };
        (results[c.name] ??= []).push(await values(() => c.run(f, x, o)));
      }
      tf.dispose([x, b]);
    }
    for (const c of CASES) {
      const [cpu, wasm] = results[c.name]!;
      expectClose(wasm!, cpu!, 1e-5, 1e-5);
    }
  });
});
