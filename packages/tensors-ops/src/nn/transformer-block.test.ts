import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { computeOn } from '../testing-internal/parity-helpers.js';
import { expectRelClose, flat, lcgRows, lcgValues, transformerSeq, type Rows, type TransformerRef } from '../testing-internal/reference-blocks.js';
import { transformerBlock, type TransformerBlockParams } from './transformer-block.js';

function randomBlock(seed: number, d: number, hidden: number): { ref: TransformerRef; make: () => TransformerBlockParams } {
  const ref: TransformerRef = {
    ln1: { gamma: lcgValues(seed, d, 0.5, 1.5), beta: lcgValues(seed + 1, d, -0.3, 0.3) },
    attention: {
      wq: lcgRows(seed + 2, d, d),
      wk: lcgRows(seed + 3, d, d),
      wv: lcgRows(seed + 4, d, d),
      wo: lcgRows(seed + 5, d, d),
      bq: lcgValues(seed + 6, d, -0.3, 0.3),
      bk: lcgValues(seed + 7, d, -0.3, 0.3),
      bv: lcgValues(seed + 8, d, -0.3, 0.3),
      bo: lcgValues(seed + 9, d, -0.3, 0.3),
    },
    ln2: { gamma: lcgValues(seed + 10, d, 0.5, 1.5), beta: lcgValues(seed + 11, d, -0.3, 0.3) },
    mlp: { w1: lcgRows(seed + 12, d, hidden), b1: lcgValues(seed + 13, hidden, -0.3, 0.3), w2: lcgRows(seed + 14, hidden, d), b2: lcgValues(seed + 15, d, -0.3, 0.3) },
  };
  const make = (): TransformerBlockParams => ({
    ln1: { gamma: tf.tensor1d(ref.ln1.gamma), beta: tf.tensor1d(ref.ln1.beta) },
    attention: {
      wq: tf.tensor2d(ref.attention.wq),
      wk: tf.tensor2d(ref.attention.wk),
      wv: tf.tensor2d(ref.attention.wv),
      wo: tf.tensor2d(ref.attention.wo),
      bq: tf.tensor1d(ref.attention.bq!),
      bk: tf.tensor1d(ref.attention.bk!),
      bv: tf.tensor1d(ref.attention.bv!),
      bo: tf.tensor1d(ref.attention.bo!),
    },
    ln2: { gamma: tf.tensor1d(ref.ln2.gamma), beta: tf.tensor1d(ref.ln2.beta) },
    mlp: { w1: tf.tensor2d(ref.mlp.w1), b1: tf.tensor1d(ref.mlp.b1!), w2: tf.tensor2d(ref.mlp.w2), b2: tf.tensor1d(ref.mlp.b2!) },
  });
  return { ref, make };
}

function disposeBlock(p: TransformerBlockParams): void {
  tf.dispose(Object.values(p).flatMap((group) => Object.values(group).filter((t): t is tf.Tensor => t != null)));
}

describeBackends('transformerBlock', () => {
  it('is x + MHA(LN1(x)), then + MLP(LN2(.)) (float64 reference), causal or with padding, both GELUs', async () => {
    await expectNoLeaks(() => {
      const [t, d, hidden, heads] = [4, 6, 10, 2];
      const seqs: Rows[] = [lcgRows(201, t, d, -2, 2), lcgRows(202, t, d, -2, 2)];
      const keep = [
        [1, 1, 1, 1],
        [1, 1, 0, 0],
      ];
      const { ref, make } = randomBlock(210, d, hidden);
      const p = make();
      const x = tf.tensor3d(seqs);
      const mask = tf.tensor2d(keep, [2, t], 'int32');
      for (const [causal, approximate, padded] of [
        [true, 'tanh', false],
        [false, 'none', true],
        [true, 'tanh', true],
      ] as const) {
        const r = transformerBlock(x, p, { heads, causal, approximate, paddingMask: padded ? mask : null, returnProbs: true, epsilon: 1e-5 });
        const want = seqs.map((s, i) => transformerSeq(s, ref, heads, causal, padded ? keep[i]! : null, 1e-5, approximate));
        expect(r.output.shape).toEqual([2, t, d]);
        expectTensorClose(r.output, flat(want.map((w) => w.out)), 5e-5);
        expectTensorClose(r.probs, flat(want.map((w) => w.probs)), 2e-6);
        tf.dispose([r.output, r.probs]);
      }
      tf.dispose([x, mask]);
      disposeBlock(p);
    });
  });

  it('causal: output t does not depend on inputs after t (gradient exactly 0)', async () => {
    await expectNoLeaks(() => {
      const [t, d] = [5, 4];
      const { make } = randomBlock(230, d, 8);
      const p = make();
      const x = tf.tensor3d([lcgRows(231, t, d, -2, 2)]);
      for (let pos = 0; pos < t; pos++) {
        const g = tf.grad((v: tf.Tensor) => tf.sum(tf.slice(transformerBlock(v, p, { heads: 2, causal: true }).output, [0, pos, 0], [1, 1, d])))(x);
        (g.arraySync() as number[][][])[0]!.forEach((row, later) => {
          if (later > pos) expect(row.every((v) => v === 0), `d y[${pos}] / d x[${later}]`).toBe(true);
          else expect(row.some((v) => v !== 0), `d y[${pos}] / d x[${later}]`).toBe(true);
        });
        g.dispose();
      }
      x.dispose();
      disposeBlock(p);
    });
  });

  it('dropout is seeded, and rate 0 is the plain block', async () => {
    await expectNoLeaks(() => {
      const { make } = randomBlock(240, 4, 8);
      const p = make();
      const x = tf.tensor3d([lcgRows(241, 5, 4)]);
      const plain = transformerBlock(x, p, { heads: 2 }).output;
      const zero = transformerBlock(x, p, { heads: 2, dropout: 0, seed: 3 }).output;
      const a = transformerBlock(x, p, { heads: 2, dropout: 0.3, seed: 3 }).output;
      const b = transformerBlock(x, p, { heads: 2, dropout: 0.3, seed: 3 }).output;
      expectTensorClose(zero, plain, 0);
      expectTensorClose(a, b, 0);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, plain))).dataSync()[0]!)).toBeGreaterThan(1e-3);
      tf.dispose([x, plain, zero, a, b]);
      disposeBlock(p);
    });
  });

  it('refuses parameters that do not fit and bad options', async () => {
    const { make } = randomBlock(250, 4, 8);
    const p = make();
    const x = tf.zeros([1, 3, 4]);
    const wo = tf.zeros([4, 5]);
    const w2 = tf.zeros([8, 5]);
    const g5 = tf.zeros([5]);
    await expectGlassboxError(() => transformerBlock(x, { ...p, attention: { ...p.attention, wo } }, { heads: 2 }), 'SHAPE_MISMATCH', /params.attention.wo must have 4 columns/);
    await expectGlassboxError(() => transformerBlock(x, { ...p, mlp: { ...p.mlp, w2 } }, { heads: 2 }), 'SHAPE_MISMATCH', /params.mlp.w2 must have shape \[8, 4\]/);
    await expectGlassboxError(() => transformerBlock(x, { ...p, ln2: { ...p.ln2, gamma: g5 } }, { heads: 2 }), 'SHAPE_MISMATCH', /params.ln2.gamma must have shape \[4\]/);
    await expectGlassboxError(() => transformerBlock(x, { ...p, ln1: undefined as never }, { heads: 2 }), 'INVALID_ARGUMENT', /params.ln1 must be an object/);
    await expectGlassboxError(() => transformerBlock(x, p, { heads: 2, approximate: 'exact' as never }), 'INVALID_ARGUMENT', /'tanh' or 'none'/);
    await expectGlassboxError(() => transformerBlock(x, p, { heads: 2, epsilon: -1 }), 'INVALID_ARGUMENT', /options.epsilon/);
    await expectGlassboxError(() => transformerBlock(x, p, { heads: 2, hidden: 8 } as never), 'INVALID_ARGUMENT', /unknown key 'hidden' in options/);
    tf.dispose([x, wo, w2, g5]);
    disposeBlock(p);
  });
});

describe('transformerBlock gradients: wasm equals cpu', () => {
  it('x and all sixteen parameters, causal with padding (1e-4 relative)', async () => {
    const names = ['x', 'ln1.gamma', 'ln1.beta', 'wq', 'wk', 'wv', 'wo', 'bq', 'bk', 'bv', 'bo', 'ln2.gamma', 'ln2.beta', 'w1', 'b1', 'w2', 'b2'];
    const run = (): tf.Tensor[] => {
      const { make } = randomBlock(260, 8, 16);
      const p = make();
      const x = tf.tensor3d(lcgValues(261, 3 * 6 * 8, -2, 2), [3, 6, 8]);
      const mask = tf.tensor2d([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]], [3, 6], 'int32');
      const w = tf.tensor3d(lcgValues(262, 3 * 6 * 8), [3, 6, 8]);
      const a = p.attention;
      const inputs = [x, p.ln1.gamma, p.ln1.beta, a.wq, a.wk, a.wv, a.wo, a.bq!, a.bk!, a.bv!, a.bo!, p.ln2.gamma, p.ln2.beta, p.mlp.w1, p.mlp.b1!, p.mlp.w2, p.mlp.b2!];
      return tf.grads((...v: tf.Tensor[]) => {
        const params: TransformerBlockParams = {
          ln1: { gamma: v[1]!, beta: v[2]! },
          attention: { wq: v[3]!, wk: v[4]!, wv: v[5]!, wo: v[6]!, bq: v[7]!, bk: v[8]!, bv: v[9]!, bo: v[10]! },
          ln2: { gamma: v[11]!, beta: v[12]! },
          mlp: { w1: v[13]!, b1: v[14]!, w2: v[15]!, b2: v[16]! },
        };
        return tf.sum(tf.mul(transformerBlock(v[0]!, params, { heads: 2, causal: true, paddingMask: mask }).output, w));
      })(inputs);
    };
    const cpu = await computeOn('cpu', run);
    const wasm = await computeOn('wasm', run);
    names.forEach((name, i) => {
      if (name !== 'bk') expectRelClose(wasm.values[i]!, cpu.values[i]!, 1e-4, name);
    });
    // bk's gradient is 0 by the definition (softmax ignores a shift shared by a row): rounding noise only.
    let scale = 0;
    for (const v of cpu.values[0]!) scale = Math.max(scale, Math.abs(v));
    for (const g of [cpu.values[8]!, wasm.values[8]!]) for (const v of g) expect(Math.abs(v)).toBeLessThanOrEqual(1e-4 * scale);
  });
});
