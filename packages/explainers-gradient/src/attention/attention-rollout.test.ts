import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { methodInfoOf, optionDefault, tf } from '@glassbox/tensors-ops';
import type { TokenModel } from '@glassbox/tensors-ops';
import { abortAtRead, describeBackends, expectGlassboxError, expectNoLeaks, expectOptionTypoRefused, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { attentionRollout } from './attention-rollout.js';
import { attentionMaps } from './attention-maps.js';
import { encoderBody, eyeJs, fixedAttentionModel, gptBody, matmulJs, residualTokenModel, type AttentionTokenModel } from '../testing-internal/attention-models.js';

/** Rollout by its definition, in plain JS, from the raw maps [L][H][T][T] of one row. */
function rolloutJs(maps: number[][][][], fusion: 'mean' | 'max' | 'min', alpha: number): number[][] {
  const t = maps[0]![0]!.length;
  let r = eyeJs(t);
  for (const layer of maps) {
    const fused = layer[0]!.map((row, i) =>
      row.map((_, j) => {
        const v = layer.map((h) => h[i]![j]!);
        return fusion === 'mean' ? v.reduce((s, x) => s + x, 0) / v.length : fusion === 'max' ? Math.max(...v) : Math.min(...v);
      }),
    );
    const mixed = fused.map((row, i) => row.map((v, j) => (1 - alpha) * v + (i === j ? alpha : 0)));
    const normed = mixed.map((row) => {
      const s = row.reduce((a, b) => a + b, 0);
      return row.map((v) => v / s);
    });
    r = matmulJs(normed, r);
  }
  return r;
}

const dummyWeights = (layers: number, t: number) => Array.from({ length: layers }, () => [[Array.from({ length: t }, () => new Array<number>(t).fill(0))]]);

describeBackends('attentionRollout', () => {
  let gpt1: AttentionTokenModel;
  let gpt2: AttentionTokenModel;
  let enc: AttentionTokenModel;
  beforeAll(() => {
    gpt1 = residualTokenModel(9, 8, gptBody(1, 9), 3);
    gpt2 = residualTokenModel(9, 8, gptBody(2, 9), 4);
    enc = residualTokenModel(9, 8, encoderBody(2, 3, 4), 5, 0);
  });
  afterAll(() => [gpt1, gpt2, enc].forEach((m) => m.dispose()));

  it('by hand: one and two layers of known attention', async () => {
    await expectNoLeaks(async () => {
      // Layer 1: A = [[1, 0], [0.5, 0.5]] -> Â = 0.5 A + 0.5 I = [[1, 0], [0.25, 0.75]].
      // Layer 2: A = [[1, 0], [0.2, 0.8]] -> Â = [[1, 0], [0.1, 0.9]].
      // R = Â2 Â1 = [[1, 0], [0.1 + 0.9 * 0.25, 0.9 * 0.75]] = [[1, 0], [0.325, 0.675]].
      const a1 = [[[1, 0], [0.5, 0.5]]];
      const a2 = [[[1, 0], [0.2, 0.8]]];
      const ids = tf.tensor2d([[1, 2]], [1, 2], 'int32');
      const one = fixedAttentionModel([a1], dummyWeights(1, 2), 5, true);
      const r1 = await attentionRollout(one, ids, { returnRollout: true });
      expect(r1.position).toBe(1); // [N, T, K] output: the last position
      expectTensorClose(r1.attributions, [0.25, 0.75], 1e-6);
      expectTensorClose(r1.rollout!, [1, 0, 0.25, 0.75], 1e-6);
      const two = fixedAttentionModel([a1, a2], dummyWeights(2, 2), 5, true);
      const r2 = await attentionRollout(two, ids, { returnRollout: true });
      expectTensorClose(r2.attributions, [0.325, 0.675], 1e-6);
      expectTensorClose(r2.rollout!, [1, 0, 0.325, 0.675], 1e-6);
      // An [N, K] output explains position 0 by default: row 0 = [1, 0].
      const cls = fixedAttentionModel([a1, a2], dummyWeights(2, 2), 5, false);
      const r3 = await attentionRollout(cls, ids);
      expect(r3.position).toBe(0);
      expect(r3.rollout).toBeUndefined();
      expectTensorClose(r3.attributions, [1, 0], 1e-6);
      // residualWeight 0: the plain product of attentions, A2 A1 row 1 = [0.2 + 0.8 * 0.5, 0.8 * 0.5] = [0.6, 0.4].
      const r4 = await attentionRollout(two, ids, { residualWeight: 0 });
      expectTensorClose(r4.attributions, [0.6, 0.4], 1e-6);
      tf.dispose([ids, r1.attributions, r1.rollout!, r2.attributions, r2.rollout!, r3.attributions, r4.attributions]);
    });
  });

  it('equals the product computed in plain JS from the raw maps (1 and 2 layers, every fusion, padding)', async () => {
    await expectNoLeaks(async () => {
      const ids = tf.tensor2d([[1, 5, 3, 8, 2], [7, 2, 6, 4, 4]], [2, 5], 'int32');
      const padded = tf.tensor2d([[1, 5, 3, 0, 0], [7, 2, 6, 4, 4]], [2, 5], 'int32');
      const cases: [AttentionTokenModel, Tensor, 'mean' | 'max' | 'min', number, number][] = [
        [gpt1, ids, 'mean', 0.5, 4],
        [gpt2, ids, 'mean', 0.5, 4],
        [gpt2, ids, 'max', 0.3, 4],
        [gpt2, ids, 'min', 0.8, 4],
        [enc, padded, 'mean', 0.5, 0],
        [enc, padded, 'max', 0, 0],
      ];
      for (const [model, x, fusion, alpha, position] of cases) {
        const maps = attentionMaps(model, x);
        const raw = maps.arraySync() as number[][][][][];
        maps.dispose();
        const r = await attentionRollout(model, x, { headFusion: fusion, residualWeight: alpha, returnRollout: true });
        expect(r.position).toBe(position);
        const want = raw.map((row) => rolloutJs(row, fusion, alpha));
        expectTensorClose(r.rollout!, want.flat(2), 1e-5);
        expectTensorClose(r.attributions, want.map((m) => m[position]!).flat(), 1e-5);
        // Every row of the rollout sums to 1 and is >= 0.
        for (const m of r.rollout!.arraySync() as number[][][]) for (const row of m) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        expect(Math.min(...r.attributions.dataSync())).toBeGreaterThanOrEqual(0);
        if (model === enc) {
          // Padded keys of row 0 (positions 3, 4) get nothing.
          const a = r.attributions.arraySync() as number[][];
          expect([a[0]![3], a[0]![4]]).toEqual([0, 0]);
        } else {
          // Causal: a position p only gathers from tokens <= p.
          const rr = r.rollout!.arraySync() as number[][][];
          for (const m of rr) m.forEach((row, i) => row.forEach((v, j) => j > i && expect(v).toBe(0)));
        }
        tf.dispose([r.attributions, r.rollout!]);
      }
      tf.dispose([ids, padded]);
    });
  });

  it('position picks a row; batched equals unbatched; the declared defaults are the ones used', async () => {
    await expectNoLeaks(async () => {
      const ids = tf.tensor2d([[1, 5, 3, 8], [7, 2, 6, 4], [3, 3, 1, 2]], [3, 4], 'int32');
      const full = await attentionRollout(gpt2, ids, { returnRollout: true });
      const at2 = await attentionRollout(gpt2, ids, { position: 2 });
      const rows = (full.rollout!.arraySync() as number[][][]).map((m) => m[2]!);
      expectTensorClose(at2.attributions, rows.flat(), 1e-6);
      const batched = await attentionRollout(gpt2, ids, { batchSize: 2 });
      expect(Array.from(batched.attributions.dataSync())).toEqual(Array.from(full.attributions.dataSync()));
      const info = methodInfoOf(attentionRollout)!;
      const declared = await attentionRollout(gpt2, ids, {
        headFusion: optionDefault<'mean' | 'max' | 'min'>(info, 'headFusion'),
        residualWeight: optionDefault<number>(info, 'residualWeight'),
        returnRollout: optionDefault<boolean>(info, 'returnRollout'),
      });
      expect(declared.rollout).toBeUndefined();
      expect(Array.from(declared.attributions.dataSync())).toEqual(Array.from(full.attributions.dataSync()));
      const other = await attentionRollout(gpt2, ids, { residualWeight: 0.9 });
      expect(Array.from(other.attributions.dataSync())).not.toEqual(Array.from(full.attributions.dataSync()));
      tf.dispose([ids, full.attributions, full.rollout!, at2.attributions, batched.attributions, declared.attributions, other.attributions]);
    });
  });

  it('refuses bad input with a GlassboxError naming it; nothing leaks; abort rejects ABORTED', async () => {
    const ok = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    const float = tf.tensor2d([[1, 2, 3]], [1, 3]);
    const empty = tf.tensor2d([], [1, 0], 'int32');
    const big = tf.tensor2d([[1, 2, 30]], [1, 3], 'int32');
    const noAttention: TokenModel = { vocabSize: 9, embed: gpt2.embed, forwardFromEmbeddings: gpt2.forwardFromEmbeddings };
    await expectGlassboxError(() => attentionRollout(gpt2, float), 'INVALID_ARGUMENT', /attentionRollout: ids must hold int32/);
    await expectGlassboxError(() => attentionRollout(gpt2, empty), 'INVALID_ARGUMENT', /empty sequence/);
    await expectGlassboxError(() => attentionRollout(gpt2, big), 'INVALID_ARGUMENT', /got 30 at row 0, position 2/);
    await expectGlassboxError(() => attentionRollout(noAttention, ok), 'INVALID_ARGUMENT', /attentionRollout: model must expose its attention probabilities/);
    await expectGlassboxError(() => attentionRollout(gpt2, ok, { position: 3 }), 'TARGET_OUT_OF_RANGE', /options\.position must be a position of the sequence, in 0\.\.2 .*got 3/);
    await expectGlassboxError(() => attentionRollout(gpt2, ok, { position: -1 }), 'INVALID_ARGUMENT', /options\.position/);
    await expectGlassboxError(() => attentionRollout(gpt2, ok, { position: 1.5 }), 'INVALID_ARGUMENT', /options\.position/);
    await expectGlassboxError(() => attentionRollout(gpt2, ok, { headFusion: 'median' as never }), 'INVALID_ARGUMENT', /options\.headFusion/);
    await expectGlassboxError(() => attentionRollout(gpt2, ok, { residualWeight: 1.5 }), 'INVALID_ARGUMENT', /options\.residualWeight/);
    await expectGlassboxError(() => attentionRollout(gpt2, ok, { returnRollout: 1 as never }), 'INVALID_ARGUMENT', /options\.returnRollout/);
    await expectOptionTypoRefused((o) => attentionRollout(gpt2, ok, o), 'headfusion', 'headFusion');
    const aborted = abortAtRead(2); // passes the check before the first batch, aborts before the second
    const three = tf.tensor2d([[1, 2, 3], [1, 2, 3], [1, 2, 3]], [3, 3], 'int32');
    await expectGlassboxError(() => attentionRollout(gpt2, three, { batchSize: 1, signal: aborted.signal }), 'ABORTED');
    tf.dispose([ok, float, empty, big, three]);
  });
});
