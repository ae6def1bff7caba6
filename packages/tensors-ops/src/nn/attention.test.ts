import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { computeOn } from '../testing-internal/parity-helpers.js';
import { attentionSeq, expectRelClose, flat, lcgRows, lcgValues, type AttentionRef, type Rows } from '../testing-internal/reference-blocks.js';
import { multiHeadAttention, type AttentionParams } from './attention.js';

/** Random projections D -> heads*keyDim -> Dout, with biases, as float64 rows and as tensors. */
function randomParams(seed: number, d: number, inner: number, out: number): { ref: AttentionRef; make: () => AttentionParams } {
  const ref: AttentionRef = {
    wq: lcgRows(seed, d, inner),
    wk: lcgRows(seed + 1, d, inner),
    wv: lcgRows(seed + 2, d, inner),
    wo: lcgRows(seed + 3, inner, out),
    bq: lcgValues(seed + 4, inner, -0.5, 0.5),
    bk: lcgValues(seed + 5, inner, -0.5, 0.5),
    bv: lcgValues(seed + 6, inner, -0.5, 0.5),
    bo: lcgValues(seed + 7, out, -0.5, 0.5),
  };
  const make = (): AttentionParams => ({
    wq: tf.tensor2d(ref.wq),
    wk: tf.tensor2d(ref.wk),
    wv: tf.tensor2d(ref.wv),
    wo: tf.tensor2d(ref.wo),
    bq: tf.tensor1d(ref.bq!),
    bk: tf.tensor1d(ref.bk!),
    bv: tf.tensor1d(ref.bv!),
    bo: tf.tensor1d(ref.bo!),
  });
  return { ref, make };
}

function disposeParams(p: AttentionParams): void {
  tf.dispose(Object.values(p).filter((t): t is tf.Tensor => t != null));
}

describeBackends('multiHeadAttention', () => {
  it('one head with identity projections is softmax(X Xᵀ / √d) X, by hand', async () => {
    await expectNoLeaks(() => {
      // X = [[1, 0], [0, 1], [1, 1]], d = 2. Scores S = X Xᵀ / √2:
      //   row 0: [1, 0, 1] / √2;  row 1: [0, 1, 1] / √2;  row 2: [1, 1, 2] / √2.
      const s = 1 / Math.SQRT2;
      const e = Math.exp(s);
      const e2 = Math.exp(2 * s);
      // softmax rows: row 0 = [e, 1, e] / (2e + 1); row 1 = [1, e, e] / (2e + 1); row 2 = [e, e, e2] / (2e + e2).
      const p0 = [e, 1, e].map((v) => v / (2 * e + 1));
      const p1 = [1, e, e].map((v) => v / (2 * e + 1));
      const p2 = [e, e, e2].map((v) => v / (2 * e + e2));
      // output row i = sum_j P[i, j] X[j]: X rows are [1, 0], [0, 1], [1, 1].
      const out = [p0, p1, p2].map((p) => [p[0]! + p[2]!, p[1]! + p[2]!]);
      const x = tf.tensor3d([[[1, 0], [0, 1], [1, 1]]]);
      const eye = tf.eye(2);
      const r = multiHeadAttention(x, { wq: eye, wk: eye, wv: eye, wo: eye }, { heads: 1, returnProbs: true });
      expect(r.probs.shape).toEqual([1, 1, 3, 3]);
      expectTensorClose(r.probs, [...p0, ...p1, ...p2], 1e-6);
      expectTensorClose(r.output, out.flat(), 1e-6);
      tf.dispose([x, eye, r.output, r.probs]);
    });
  });

  it('several heads with biases and I != D equal the definition (float64 reference)', async () => {
    await expectNoLeaks(() => {
      const [n, t, d, heads, keyDim, out] = [2, 4, 5, 3, 2, 4];
      const xs: Rows[] = [lcgRows(61, t, d, -1.5, 1.5), lcgRows(62, t, d, -1.5, 1.5)];
      const { ref, make } = randomParams(70, d, heads * keyDim, out);
      const p = make();
      const x = tf.tensor3d(xs.flat().flat(), [n, t, d]);
      const r = multiHeadAttention(x, p, { heads, returnProbs: true });
      const want = xs.map((s) => attentionSeq(s, ref, heads, false));
      expect(r.output.shape).toEqual([n, t, out]);
      expect(r.probs.shape).toEqual([n, heads, t, t]);
      expectTensorClose(r.output, flat(want.map((w) => w.out)), 2e-5);
      expectTensorClose(r.probs, flat(want.map((w) => w.probs)), 2e-6);
      // Without returnProbs there is no probs key (and nothing extra to dispose).
      const plain = multiHeadAttention(x, p, { heads });
      expect(Object.keys(plain)).toEqual(['output']);
      expectTensorClose(plain.output, r.output, 0);
      tf.dispose([x, r.output, r.probs, plain.output]);
      disposeParams(p);
    });
  });

  it('causal: probabilities above the diagonal are exactly 0, and output t does not depend on inputs after t (gradient exactly 0)', async () => {
    await expectNoLeaks(() => {
      const [t, d, heads] = [5, 4, 2];
      const xs = lcgRows(81, t, d, -2, 2);
      const { ref, make } = randomParams(90, d, d, d);
      const p = make();
      const x = tf.tensor3d([xs]);
      const r = multiHeadAttention(x, p, { heads, causal: true, returnProbs: true });
      const probs = r.probs.arraySync() as number[][][][];
      for (let h = 0; h < heads; h++) {
        for (let i = 0; i < t; i++) {
          for (let j = i + 1; j < t; j++) expect(probs[0]![h]![i]![j]).toBe(0);
          expect(probs[0]![h]![i]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
        }
      }
      expectTensorClose(r.output, flat(attentionSeq(xs, ref, heads, true).out), 2e-5);
      for (let pos = 0; pos < t; pos++) {
        const g = tf.grad((v: tf.Tensor) => tf.sum(tf.slice(multiHeadAttention(v, p, { heads, causal: true }).output, [0, pos, 0], [1, 1, d])))(x);
        const rows = (g.arraySync() as number[][][])[0]!;
        rows.forEach((row, later) => {
          if (later > pos) expect(row.every((v) => v === 0), `d out[${pos}] / d x[${later}]`).toBe(true);
          else expect(row.some((v) => v !== 0), `d out[${pos}] / d x[${later}]`).toBe(true);
        });
        g.dispose();
      }
      tf.dispose([x, r.output, r.probs]);
      disposeParams(p);
    });
  });

  it('padding mask: padded keys get probability exactly 0, and real positions see what they would see without the padding', async () => {
    await expectNoLeaks(() => {
      const [t, d, heads] = [5, 4, 2];
      const a = lcgRows(101, t, d, -2, 2);
      const b = lcgRows(102, t, d, -2, 2);
      const keep = [
        [1, 1, 1, 0, 0],
        [1, 1, 1, 1, 1],
      ];
      const { ref, make } = randomParams(110, d, d, d);
      const p = make();
      const x = tf.tensor3d([a, b]);
      for (const [dtype, causal] of [['int32', false], ['bool', true], ['float32', false]] as const) {
        const mask = tf.tensor2d(keep, [2, t], dtype);
        const r = multiHeadAttention(x, p, { heads, causal, paddingMask: mask, returnProbs: true });
        const probs = r.probs.arraySync() as number[][][][];
        for (let h = 0; h < heads; h++) for (let i = 0; i < t; i++) for (const j of [3, 4]) expect(probs[0]![h]![i]![j]).toBe(0);
        const want = [attentionSeq(a, ref, heads, causal, keep[0]!), attentionSeq(b, ref, heads, causal, keep[1]!)];
        expectTensorClose(r.output, flat(want.map((w) => w.out)), 2e-5);
        // The first three positions of row 0 equal attention over the 3-token sequence alone.
        const short = tf.tensor3d([a.slice(0, 3)]);
        const alone = multiHeadAttention(short, p, { heads, causal });
        const firstThree = tf.slice(r.output, [0, 0, 0], [1, 3, d]);
        expectTensorClose(firstThree, alone.output, 2e-6);
        tf.dispose([mask, r.output, r.probs, short, alone.output, firstThree]);
      }
      x.dispose();
      disposeParams(p);
    });
  });

  it('has the gradient of the definition (central differences of the float64 reference)', async () => {
    await expectNoLeaks(() => {
      const [t, d, heads] = [3, 4, 2];
      const xs = lcgRows(121, t, d, -1, 1);
      const { ref, make } = randomParams(130, d, d, d);
      const w = lcgRows(140, t, d);
      const loss = (xr: Rows, r: AttentionRef): number => {
        const o = attentionSeq(xr, r, heads, true).out;
        return o.reduce((acc, row, i) => acc + row.reduce((s, v, j) => s + v * w[i]![j]!, 0), 0);
      };
      const p = make();
      const x = tf.tensor3d([xs]);
      const wt = tf.tensor3d([w]);
      const [gx, gwq] = tf.grads((v: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(multiHeadAttention(v, { ...p, wq: q }, { heads, causal: true }).output, wt)))([
        x,
        p.wq,
      ]);
      const h = 1e-5;
      const gxv = gx!.dataSync();
      const gqv = gwq!.dataSync();
      for (let i = 0; i < t; i++) {
        for (let j = 0; j < d; j++) {
          const plus = xs.map((row) => row.slice());
          const minus = xs.map((row) => row.slice());
          plus[i]![j]! += h;
          minus[i]![j]! -= h;
          expect(Math.abs(gxv[i * d + j]! - (loss(plus, ref) - loss(minus, ref)) / (2 * h))).toBeLessThan(2e-4);
          const qp = ref.wq.map((row) => row.slice());
          const qm = ref.wq.map((row) => row.slice());
          qp[i]![j]! += h;
          qm[i]![j]! -= h;
          expect(Math.abs(gqv[i * d + j]! - (loss(xs, { ...ref, wq: qp }) - loss(xs, { ...ref, wq: qm })) / (2 * h))).toBeLessThan(2e-4);
        }
      }
      tf.dispose([x, wt, gx!, gwq!]);
      disposeParams(p);
    });
  });

  it('dropout on the probabilities is seeded and off at rate 0', async () => {
    await expectNoLeaks(() => {
      const { make } = randomParams(150, 4, 4, 4);
      const p = make();
      const x = tf.tensor3d([lcgRows(151, 6, 4)]);
      const plain = multiHeadAttention(x, p, { heads: 2 });
      const zero = multiHeadAttention(x, p, { heads: 2, dropout: 0, seed: 9 });
      const a = multiHeadAttention(x, p, { heads: 2, dropout: 0.5, seed: 9 });
      const b = multiHeadAttention(x, p, { heads: 2, dropout: 0.5, seed: 9 });
      const c = multiHeadAttention(x, p, { heads: 2, dropout: 0.5, seed: 10 });
      expectTensorClose(zero.output, plain.output, 0);
      expectTensorClose(a.output, b.output, 0);
      const gap = (u: tf.Tensor, v: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(u, v))).dataSync()[0]!);
      expect(gap(a.output, c.output)).toBeGreaterThan(1e-3);
      expect(gap(a.output, plain.output)).toBeGreaterThan(1e-3);
      tf.dispose([x, plain.output, zero.output, a.output, b.output, c.output]);
      disposeParams(p);
    });
  });

  it('refuses bad shapes, masks and options', async () => {
    const { make } = randomParams(160, 4, 4, 4);
    const p = make();
    const x = tf.zeros([2, 3, 4]);
    const x2 = tf.zeros([3, 4]);
    const wrong = tf.zeros([5, 4]);
    const maskShape = tf.ones([2, 4]);
    const maskValues = tf.tensor2d([[1, 2, 0], [1, 1, 1]]);
    const ints = tf.zeros([2, 3, 4], 'int32');
    await expectGlassboxError(() => multiHeadAttention(x2, p, { heads: 2 }), 'SHAPE_MISMATCH', /x must have rank 3/);
    await expectGlassboxError(() => multiHeadAttention(ints, p, { heads: 2 }), 'INVALID_ARGUMENT', /float32/);
    await expectGlassboxError(() => multiHeadAttention(x, { ...p, wq: wrong }, undefined as never), 'INVALID_ARGUMENT', /options.heads/);
    await expectGlassboxError(() => multiHeadAttention(x, { ...p, wq: wrong }, { heads: 2 }), 'SHAPE_MISMATCH', /params.wq must have shape \[4, k\]/);
    await expectGlassboxError(() => multiHeadAttention(x, { ...p, wk: wrong }, { heads: 2 }), 'SHAPE_MISMATCH', /params.wk must have shape \[4, 4\]/);
    await expectGlassboxError(() => multiHeadAttention(x, p, { heads: 3 }), 'INVALID_ARGUMENT', /heads must divide the 4 columns/);
    await expectGlassboxError(() => multiHeadAttention(x, p, { heads: 2, paddingMask: maskShape }), 'SHAPE_MISMATCH', /paddingMask must have shape \[2, 3\]/);
    await expectGlassboxError(() => multiHeadAttention(x, p, { heads: 2, paddingMask: maskValues }), 'INVALID_ARGUMENT', /only 0 \(padding\) and 1.*got 2 at flat index 1/);
    await expectGlassboxError(() => multiHeadAttention(x, p, { heads: 2, dropout: 1 }), 'INVALID_ARGUMENT', /options.dropout/);
    await expectGlassboxError(() => multiHeadAttention(x, p, { heads: 2, casual: true } as never), 'INVALID_ARGUMENT', /unknown key 'casual' in options/);
    tf.dispose([x, x2, wrong, maskShape, maskValues, ints]);
    disposeParams(p);
  });
});

describe('multiHeadAttention gradients: wasm equals cpu', () => {
  it('x and all eight parameters, causal with a padding mask (1e-4 relative)', async () => {
    const run = (): tf.Tensor[] => {
      const [n, t, d] = [3, 6, 8];
      const x = tf.tensor3d(lcgValues(171, n * t * d, -2, 2), [n, t, d]);
      const names = ['wq', 'wk', 'wv', 'wo'];
      const ws = names.map((_, i) => tf.tensor2d(lcgValues(172 + i, d * d), [d, d]));
      const bs = names.map((_, i) => tf.tensor1d(lcgValues(180 + i, d)));
      const mask = tf.tensor2d([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0], [1, 1, 0, 0, 0, 0]], [n, t], 'int32');
      const w = tf.tensor3d(lcgValues(190, n * t * d), [n, t, d]);
      const wp = tf.tensor4d(lcgValues(191, n * 2 * t * t), [n, 2, t, t]);
      return tf.grads((...a: tf.Tensor[]) => {
        const r = multiHeadAttention(
          a[0]!,
          { wq: a[1]!, wk: a[2]!, wv: a[3]!, wo: a[4]!, bq: a[5]!, bk: a[6]!, bv: a[7]!, bo: a[8]! },
          { heads: 2, causal: true, paddingMask: mask, returnProbs: true },
        );
        // Through the output and through the probabilities (what attention explainers differentiate).
        return tf.add(tf.sum(tf.mul(r.output, w)), tf.sum(tf.mul(r.probs, wp)));
      })([x, ...ws, ...bs]);
    };
    const cpu = await computeOn('cpu', run);
    const wasm = await computeOn('wasm', run);
    ['x', 'wq', 'wk', 'wv', 'wo', 'bq', 'bv', 'bo'].forEach((name) => {
      const i = ['x', 'wq', 'wk', 'wv', 'wo', 'bq', 'bk', 'bv', 'bo'].indexOf(name);
      expectRelClose(wasm.values[i]!, cpu.values[i]!, 1e-4, name);
    });
    // bk shifts every score of a row by the same q·bk, which the softmax ignores: its gradient is exactly 0 by
    // the definition, so both backends must give only rounding noise (relative to the other gradients).
    let scale = 0;
    for (const v of cpu.values[0]!) scale = Math.max(scale, Math.abs(v));
    for (const g of [cpu.values[6]!, wasm.values[6]!]) for (const v of g) expect(Math.abs(v)).toBeLessThanOrEqual(1e-4 * scale);
  });
});
