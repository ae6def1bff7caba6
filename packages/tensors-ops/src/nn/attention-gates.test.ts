/**
 * Attention gates: a multiplicative gate G on the attention probabilities A (the values are mixed with A ⊙ G).
 * Gates of ones change nothing (bit for bit), and d y / d G at G = 1 is A ⊙ d y / d A, checked against a
 * float64 closed form (one attention) and against central finite differences in G (a two-layer GPT).
 */
import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { lcgRows, lcgValues, type Rows } from '../testing-internal/reference-blocks.js';
import { multiHeadAttention } from './attention.js';
import { transformerBlock } from './transformer-block.js';
import { residualModel } from './residual-model.js';
import type { BlockSpec } from './block-spec.js';

const same = (a: Tensor, b: Tensor): void => expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));

function gptBlocks(): BlockSpec[] {
  return [
    { type: 'tokenEmbedding', name: 'tokens', vocabSize: 9, dim: 8 },
    { type: 'positionalEmbedding', name: 'positions', maxLength: 6 },
    { type: 'transformerBlock', name: 'h0', heads: 2, causal: true, hidden: 12 },
    { type: 'transformerBlock', name: 'h1', heads: 2, causal: true, hidden: 12 },
    { type: 'layerNorm', name: 'lnF' },
    { type: 'dense', name: 'logits', units: 9 },
  ];
}

function encoderBlocks(): BlockSpec[] {
  return [
    { type: 'tokenEmbedding', name: 'tokens', vocabSize: 9, dim: 8, padId: 0 },
    { type: 'positionalEmbedding', name: 'positions', maxLength: 6 },
    { type: 'transformerBlock', name: 'enc', heads: 4 },
    { type: 'attention', name: 'att', heads: 2 },
    { type: 'sequencePool', name: 'pool', mode: 'first' },
    { type: 'dense', name: 'classes', units: 2 },
  ];
}

describeBackends('attention gates', () => {
  it('multiHeadAttention: gates of ones are bit-identical, gates of zeros leave the output bias', async () => {
    await expectNoLeaks(() => {
      const [n, t, d, heads, kd] = [2, 4, 6, 3, 2];
      const x = tf.tensor3d(lcgValues(1, n * t * d, -1, 1), [n, t, d]);
      const p = {
        wq: tf.tensor2d(lcgRows(2, d, heads * kd)),
        wk: tf.tensor2d(lcgRows(3, d, heads * kd)),
        wv: tf.tensor2d(lcgRows(4, d, heads * kd)),
        wo: tf.tensor2d(lcgRows(5, heads * kd, d)),
        bo: tf.tensor1d(lcgValues(6, d, -0.5, 0.5)),
      };
      const ones = tf.ones([n, heads, t, t]);
      const zeros = tf.zeros([n, heads, t, t]);
      for (const causal of [false, true]) {
        const plain = multiHeadAttention(x, p, { heads, causal, returnProbs: true });
        const gated = multiHeadAttention(x, p, { heads, causal, returnProbs: true, attentionGate: ones });
        same(gated.output, plain.output);
        same(gated.probs, plain.probs);
        const off = multiHeadAttention(x, p, { heads, causal, attentionGate: zeros });
        const bias = tf.tidy(() => tf.mul(tf.onesLike(x), p.bo));
        expectTensorClose(off.output, bias, 1e-6);
        tf.dispose([plain, gated, off, bias]);
      }
      tf.dispose([x, ...Object.values(p), ones, zeros]);
    });
  });

  it('multiHeadAttention: d y / d G at ones equals A ⊙ d y / d A (float64 closed form)', async () => {
    await expectNoLeaks(() => {
      // y = sum(W ⊙ out), out[i] = sum_h sum_j A_h[i, j] V_h[j] Wo_h + bo, so
      // d y / d A_h[i, j] = sum_c (W[i] · Wo_h[c]) V_h[j, c], with Wo_h the rows of head h.
      const [t, d, heads, kd] = [4, 5, 2, 3];
      const inner = heads * kd;
      const xr = lcgRows(11, t, d);
      const wv = lcgRows(12, d, inner);
      const bv = lcgValues(13, inner, -0.5, 0.5);
      const wo = lcgRows(14, inner, d);
      const w = lcgRows(15, t, d);
      const x = tf.tensor3d([xr]);
      const p = {
        wq: tf.tensor2d(lcgRows(16, d, inner)),
        wk: tf.tensor2d(lcgRows(17, d, inner)),
        wv: tf.tensor2d(wv),
        wo: tf.tensor2d(wo),
        bv: tf.tensor1d(bv),
      };
      const wt = tf.tensor3d([w]);
      const ones = tf.ones([1, heads, t, t]);
      const { output, probs } = multiHeadAttention(x, p, { heads, returnProbs: true });
      output.dispose();
      const a = probs.arraySync() as number[][][][];
      const grad = tf.grad((g: Tensor) => tf.sum(tf.mul(wt, multiHeadAttention(x, p, { heads, attentionGate: g }).output)))(ones);
      const v: Rows = xr.map((row) => Array.from({ length: inner }, (_, c) => bv[c]! + row.reduce((s, xv, k) => s + xv * wv[k]![c]!, 0)));
      const want: number[] = [];
      for (let h = 0; h < heads; h++) {
        for (let i = 0; i < t; i++) {
          for (let j = 0; j < t; j++) {
            let dA = 0;
            for (let c = h * kd; c < (h + 1) * kd; c++) {
              const u = w[i]!.reduce((s, wi, k) => s + wi * wo[c]![k]!, 0);
              dA += u * v[j]![c]!;
            }
            want.push(a[0]![h]![i]![j]! * dA);
          }
        }
      }
      expectTensorClose(grad, want, 1e-5, 1e-4);
      expect(want.some((g) => Math.abs(g) > 1e-2)).toBe(true);
      tf.dispose([x, ...Object.values(p), wt, ones, probs, grad]);
    });
  });

  it('transformerBlock: gates of ones are bit-identical', async () => {
    await expectNoLeaks(() => {
      const [n, t, d] = [2, 3, 4];
      const m = (s: number, r: number, c: number) => tf.tensor2d(lcgRows(s, r, c));
      const params = {
        ln1: { gamma: tf.ones([d]), beta: tf.zeros([d]) },
        attention: { wq: m(1, d, d), wk: m(2, d, d), wv: m(3, d, d), wo: m(4, d, d) },
        ln2: { gamma: tf.ones([d]), beta: tf.zeros([d]) },
        mlp: { w1: m(5, d, 8), w2: m(6, 8, d) },
      };
      const x = tf.tensor3d(lcgValues(7, n * t * d, -1, 1), [n, t, d]);
      const ones = tf.ones([n, 2, t, t]);
      const a = transformerBlock(x, params, { heads: 2, causal: true });
      const b = transformerBlock(x, params, { heads: 2, causal: true, attentionGate: ones });
      same(b.output, a.output);
      tf.dispose([a, b, x, ones, params]);
    });
  });

  it('ResidualModel: gates of ones are bit-identical in apply and in a split head', async () => {
    await expectNoLeaks(() => {
      const cases = [
        { blocks: gptBlocks(), ids: [[1, 5, 3, 3, 8], [7, 2, 2, 6, 4]], padded: false },
        { blocks: encoderBlocks(), ids: [[1, 5, 3, 0, 0], [7, 2, 2, 6, 4]], padded: true },
      ];
      for (const { blocks, ids, padded } of cases) {
        const model = residualModel(blocks, [null], { seed: 4 });
        const x = tf.tensor2d(ids, [2, 5], 'int32');
        const maps = model.attention(x);
        const ones = maps.map((a) => tf.onesLike(a));
        const plain = model.apply(x);
        const gated = model.apply(x, { attentionGates: ones });
        same(gated, plain);
        const { features, head } = model.split('positions');
        const e = features(x);
        const mask = padded ? tf.tidy(() => tf.cast(tf.notEqual(x, 0), 'float32')) : null;
        const h0 = head(e, { paddingMask: mask });
        const h1 = head(e, { paddingMask: mask, attentionGates: ones });
        same(h1, h0);
        same(h0, plain);
        // The features part runs no attention: the gates are checked but not used.
        const e1 = features(x, { attentionGates: ones });
        same(e1, e);
        tf.dispose([x, ...maps, ...ones, plain, gated, e, e1, h0, h1, mask ?? []]);
        model.dispose();
      }
    });
  });

  it('ResidualModel: d y / d G at ones equals central finite differences in G (two causal layers)', async () => {
    const model = residualModel(gptBlocks(), [null], { seed: 9 });
    const [n, t, heads] = [1, 4, 2];
    const x = tf.tensor2d([[3, 1, 4, 1]], [n, t], 'int32');
    // y = logit 5 at the last position, as a function of the gates of both layers (stacked [2, N, H, T, T]).
    const y = (g: Tensor): Tensor =>
      tf.tidy(() => {
        const out = model.apply(x, { attentionGates: tf.unstack(g) });
        return tf.sum(tf.slice(out, [0, t - 1, 5], [1, 1, 1]));
      });
    const g0 = tf.ones([2, n, heads, t, t]);
    const grad = tf.grad(y)(g0);
    const analytic = grad.dataSync();
    const eps = 1e-2;
    const base = g0.dataSync();
    let checked = 0;
    let largest = 0;
    for (let k = 0; k < base.length; k++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[k] = 1 + eps;
      minus[k] = 1 - eps;
      const fd = tf.tidy(() => (y(tf.tensor(plus, g0.shape)).dataSync()[0]! - y(tf.tensor(minus, g0.shape)).dataSync()[0]!) / (2 * eps));
      expect(analytic[k]!, `gate ${k}`).toBeCloseTo(fd, 2);
      largest = Math.max(largest, Math.abs(fd));
      checked++;
    }
    expect(checked).toBe(2 * heads * t * t);
    expect(largest).toBeGreaterThan(1e-2);
    // Above the diagonal A = 0, so the gate there has no effect: exactly 0.
    const g = grad.arraySync() as number[][][][][];
    for (const layer of g) for (const row of layer[0]!) for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) expect(row[i]![j] === 0).toBe(true);
    tf.dispose([x, g0, grad]);
    model.dispose();
  });

  it('refuses gates that do not fit, and leaks nothing', async () => {
    const model = residualModel(gptBlocks(), [null], { seed: 4 });
    const x = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    const ok = tf.ones([1, 2, 3, 3]);
    const wrongShape = tf.ones([1, 2, 3, 4]);
    const ints = tf.ones([1, 2, 3, 3], 'int32');
    await expectGlassboxError(() => model.apply(x, { attentionGates: [ok] }), 'INVALID_ARGUMENT', /attentionGates must be an array of 2 tensors.*'h0\/attention', 'h1\/attention'/);
    await expectGlassboxError(() => model.apply(x, { attentionGates: [ok, wrongShape] }), 'SHAPE_MISMATCH', /attentionGates\[1\] \(of 'h1\/attention'\) must have shape \[1, 2, 3, 3\]/);
    await expectGlassboxError(() => model.apply(x, { attentionGates: [ints, ok] }), 'INVALID_ARGUMENT', /attentionGates\[0\].*float32/);
    await expectGlassboxError(() => model.apply(x, { attentionGates: [ok, 'x' as unknown as Tensor] }), 'INVALID_ARGUMENT', /attentionGates\[1\]/);
    const xf = tf.ones([1, 3, 4]);
    const p = { wq: tf.ones([4, 4]), wk: tf.ones([4, 4]), wv: tf.ones([4, 4]), wo: tf.ones([4, 4]) };
    await expectGlassboxError(() => multiHeadAttention(xf, p, { heads: 2, attentionGate: wrongShape }), 'SHAPE_MISMATCH', /options.attentionGate must have shape \[1, 2, 3, 3\]/);
    tf.dispose([x, ok, wrongShape, ints, xf, p]);
    model.dispose();
  });
});
