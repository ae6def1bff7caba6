import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { methodInfoOf, optionDefault, tf } from '@glassbox/tensors-ops';
import { abortAtRead, describeBackends, expectGlassboxError, expectNoLeaks, expectOptionTypoRefused, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { gradientWeightedAttention } from './gradient-weighted-attention.js';
import { encoderBody, eyeJs, fixedAttentionModel, gptBody, matmulJs, residualTokenModel, type AttentionTokenModel } from '../testing-internal/attention-models.js';

/** Chefer et al.'s accumulation in plain JS: R = (I + Ā_L) ··· (I + Ā_1), returned as R - I. */
function relevanceJs(bars: number[][][]): number[][] {
  const t = bars[0]!.length;
  let r = eyeJs(t);
  for (const bar of bars) r = matmulJs(bar.map((row, i) => row.map((v, j) => v + (i === j ? 1 : 0))), r);
  return r.map((row, i) => row.map((v, j) => v - (i === j ? 1 : 0)));
}

/** mean_h max(0, x_h) of [H][T][T]. */
function meanRelu(x: number[][][]): number[][] {
  return x[0]!.map((row, i) => row.map((_, j) => x.reduce((s, h) => s + Math.max(0, h[i]![j]!), 0) / x.length));
}

describeBackends('gradientWeightedAttention', () => {
  let gpt: AttentionTokenModel;
  let enc: AttentionTokenModel;
  beforeAll(() => {
    gpt = residualTokenModel(9, 8, gptBody(2, 9), 6);
    enc = residualTokenModel(9, 8, encoderBody(2, 3), 7, 0);
  });
  afterAll(() => [gpt, enc].forEach((m) => m.dispose()));

  it('closed form: a model linear in its gated attention (∂y_k/∂G_l = A_l ⊙ W_l[k]), two layers, two heads', async () => {
    await expectNoLeaks(async () => {
      // T = 3, H = 2, K = 2. Attention rows sum to 1; weights of both signs.
      const maps = [
        [[[0.5, 0.3, 0.2], [0.1, 0.6, 0.3], [0.2, 0.2, 0.6]], [[0.2, 0.2, 0.6], [0.7, 0.2, 0.1], [0.3, 0.3, 0.4]]],
        [[[0.4, 0.4, 0.2], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]], [[0.6, 0.3, 0.1], [0.25, 0.5, 0.25], [0.5, 0.25, 0.25]]],
      ];
      const w = (seed: number) => [0, 1].map((k) => [0, 1].map((h) => [0, 1, 2].map((i) => [0, 1, 2].map((j) => Math.sin(seed + 7 * k + 5 * h + 3 * i + j) * 2))));
      const weights = [w(1), w(2)];
      const ids = tf.tensor2d([[1, 2, 3], [4, 0, 2]], [2, 3], 'int32');
      const want = (k: number) => relevanceJs(maps.map((m, l) => meanRelu(m.map((h, hi) => h.map((row, i) => row.map((a, j) => a * weights[l]![k]![hi]![i]![j]!))))));
      // [N, K] output: position 0 by default; one target per row.
      const cls = fixedAttentionModel(maps, weights, 5, false);
      const r = await gradientWeightedAttention(cls, ids, { target: [0, 1], returnRollout: true });
      expect(r.position).toBe(0);
      expect(r.method).toBe('gradientWeightedAttention');
      expectTensorClose(r.attributions, [...want(0)[0]!, ...want(1)[0]!], 1e-5);
      expectTensorClose(r.rollout!, [...want(0), ...want(1)].map((row, i) => row.map((v, j) => v + ((i % 3) === j ? 1 : 0))).flat(), 1e-5);
      // [N, T, K] output: the last position by default, and any position on request.
      const lm = fixedAttentionModel(maps, weights, 5, true);
      const last = await gradientWeightedAttention(lm, ids, { target: 1 });
      expect(last.position).toBe(2);
      expectTensorClose(last.attributions, [...want(1)[2]!, ...want(1)[2]!], 1e-5);
      const mid = await gradientWeightedAttention(lm, ids, { target: 0, position: 1 });
      expectTensorClose(mid.attributions, [...want(0)[1]!, ...want(0)[1]!], 1e-5);
      // The test can fail: the two targets give different scores, and some are positive.
      expect(want(0)[0]).not.toEqual(want(1)[0]);
      expect(Math.max(...want(0)[0]!)).toBeGreaterThan(0.05);
      tf.dispose([ids, r.attributions, r.rollout!, last.attributions, mid.attributions]);
    });
  });

  it('on small Transformers: >= 0, [N, T], the gradient taken independently with tf.grads gives the same, causal / padded keys get 0', async () => {
    await expectNoLeaks(async () => {
      const cases: [AttentionTokenModel, number[][], number, number][] = [
        [gpt, [[1, 5, 3, 8, 2], [7, 2, 6, 4, 4]], 3, 4],
        [enc, [[1, 5, 3, 0, 0], [7, 2, 6, 4, 4]], 2, 0],
      ];
      for (const [model, rows, target, position] of cases) {
        const ids = tf.tensor2d(rows, [2, 5], 'int32');
        const r = await gradientWeightedAttention(model, ids, { target });
        expect(r.attributions.shape).toEqual([2, 5]);
        expect(r.position).toBe(position);
        const got = r.attributions.arraySync() as number[][];
        expect(Math.min(...got.flat())).toBeGreaterThanOrEqual(0);
        expect(Math.max(...got.flat())).toBeGreaterThan(0);
        // Independent path: row by row, d y / d gates with tf.grads on separate gate tensors, then the JS rule.
        rows.forEach((row, n) => {
          const one = tf.tensor2d([row], [1, 5], 'int32');
          const maps = model.attention(one);
          const ones = maps.map((m) => tf.onesLike(m));
          const grads = tf.grads((...g: Tensor[]) => {
            const out = model.forwardWithAttentionGates(one, g);
            return out.rank === 3 ? tf.sum(tf.slice(out, [0, position, target], [1, 1, 1])) : tf.sum(tf.slice(out, [0, target], [1, 1]));
          })(ones);
          const bars = grads.map((g) => meanRelu((g.arraySync() as number[][][][])[0]!));
          const mine = tf.slice(r.attributions, [n, 0], [1, 5]);
          expectTensorClose(mine, relevanceJs(bars)[position]!, 1e-5);
          tf.dispose([one, ...maps, ...ones, ...grads, mine]);
        });
        if (model === gpt) {
          // Position 2 of a causal model gathers nothing from positions 3, 4.
          const at2 = await gradientWeightedAttention(model, ids, { target, position: 2 });
          for (const row of at2.attributions.arraySync() as number[][]) expect([row[3], row[4]]).toEqual([0, 0]);
          at2.attributions.dispose();
        } else {
          expect([got[0]![3], got[0]![4]]).toEqual([0, 0]);
        }
        tf.dispose([ids, r.attributions]);
      }
    });
  });

  it('depends on the target; batched equals unbatched; the declared default is the one used', async () => {
    await expectNoLeaks(async () => {
      const ids = tf.tensor2d([[1, 5, 3, 8], [7, 2, 6, 4], [3, 3, 1, 2]], [3, 4], 'int32');
      const a = await gradientWeightedAttention(enc, ids, { target: 0 });
      const b = await gradientWeightedAttention(enc, ids, { target: 1 });
      expect(Array.from(a.attributions.dataSync())).not.toEqual(Array.from(b.attributions.dataSync()));
      const batched = await gradientWeightedAttention(enc, ids, { target: 0, batchSize: 2 });
      expectTensorClose(batched.attributions, a.attributions, 1e-6);
      const declared = await gradientWeightedAttention(enc, ids, { target: 0, returnRollout: optionDefault<boolean>(methodInfoOf(gradientWeightedAttention)!, 'returnRollout') });
      expect(declared.rollout).toBeUndefined();
      expect(Array.from(declared.attributions.dataSync())).toEqual(Array.from(a.attributions.dataSync()));
      tf.dispose([ids, a.attributions, b.attributions, batched.attributions, declared.attributions]);
    });
  });

  it('refuses bad input with a GlassboxError naming it; nothing leaks; abort rejects ABORTED', async () => {
    const ok = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    const float = tf.tensor2d([[1, 2, 3]], [1, 3]);
    const empty = tf.tensor2d([], [1, 0], 'int32');
    const big = tf.tensor2d([[1, 2, 9]], [1, 3], 'int32');
    const { forwardWithAttentionGates: _, ...noGates } = enc;
    const { attention: __, ...noAttention } = noGates;
    await expectGlassboxError(() => gradientWeightedAttention(enc, float, { target: 0 }), 'INVALID_ARGUMENT', /gradientWeightedAttention: ids must hold int32/);
    await expectGlassboxError(() => gradientWeightedAttention(enc, empty, { target: 0 }), 'INVALID_ARGUMENT', /empty sequence/);
    await expectGlassboxError(() => gradientWeightedAttention(enc, big, { target: 0 }), 'INVALID_ARGUMENT', /got 9 at row 0, position 2/);
    await expectGlassboxError(() => gradientWeightedAttention(noGates, ok, { target: 0 }), 'INVALID_ARGUMENT', /model must have forwardWithAttentionGates/);
    await expectGlassboxError(() => gradientWeightedAttention(noAttention, ok, { target: 0 }), 'INVALID_ARGUMENT', /model must expose its attention probabilities/);
    await expectGlassboxError(() => gradientWeightedAttention(enc, ok, { target: 3 }), 'TARGET_OUT_OF_RANGE', /options\.target must be in 0\.\.2/);
    await expectGlassboxError(() => gradientWeightedAttention(enc, ok), 'INVALID_ARGUMENT', /options\.target is required/);
    await expectGlassboxError(() => gradientWeightedAttention(enc, ok, { target: 0, position: 5 }), 'TARGET_OUT_OF_RANGE', /options\.position/);
    await expectGlassboxError(() => gradientWeightedAttention(gpt, ok, { target: 0, position: 3 }), 'TARGET_OUT_OF_RANGE', /options\.position/);
    await expectOptionTypoRefused((o) => gradientWeightedAttention(enc, ok, o), 'targt', 'target');
    const three = tf.tensor2d([[1, 2, 3], [1, 2, 3], [1, 2, 3]], [3, 3], 'int32');
    const aborted = abortAtRead(2); // passes the check before the first batch, aborts before the second
    await expectGlassboxError(() => gradientWeightedAttention(enc, three, { target: 0, batchSize: 1, signal: aborted.signal }), 'ABORTED');
    tf.dispose([ok, float, empty, big, three]);
  });
});
