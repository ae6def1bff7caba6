import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import type { TokenModel } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { attentionMaps } from './attention-maps.js';
import { encoderBody, gptBody, residualTokenModel, type AttentionTokenModel } from '../testing-internal/attention-models.js';

describeBackends('attentionMaps', () => {
  let gpt: AttentionTokenModel;
  let enc: AttentionTokenModel;
  beforeAll(() => {
    gpt = residualTokenModel(9, 8, gptBody(2, 9), 1);
    enc = residualTokenModel(9, 8, encoderBody(3), 2, 0);
  });
  afterAll(() => {
    gpt.dispose();
    enc.dispose();
  });

  it('stacks every layer and head [N, L, H, T, T]: rows sum to 1, a causal model is 0 above the diagonal, padded keys are 0', async () => {
    await expectNoLeaks(() => {
      const ids = tf.tensor2d([[1, 5, 3, 8], [7, 2, 6, 0]], [2, 4], 'int32');
      for (const [model, layers] of [[gpt, 2], [enc, 3]] as const) {
        const maps = attentionMaps(model, ids);
        expect(maps.shape).toEqual([2, layers, 2, 4, 4]);
        // The same numbers as model.attention(ids), layer by layer.
        const raw = model.attention(ids);
        const a = maps.arraySync() as number[][][][][];
        raw.forEach((r, l) => expect(a.map((row) => row[l])).toEqual(r.arraySync()));
        tf.dispose(raw);
        a.forEach((row, n) =>
          row.forEach((layer) =>
            layer.forEach((head) =>
              head.forEach((q, i) => {
                expect(q.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
                q.forEach((v, j) => {
                  if (model === gpt && j > i) expect(v).toBe(0);
                  else if (model === enc && n === 1 && j === 3) expect(v).toBe(0);
                  else expect(v).toBeGreaterThan(0);
                });
              }),
            ),
          ),
        );
        maps.dispose();
      }
      ids.dispose();
    });
  });

  it('refuses bad ids and models without attention, naming them; nothing leaks', async () => {
    const ok = tf.tensor2d([[1, 2]], [1, 2], 'int32');
    const float = tf.tensor2d([[1, 2]], [1, 2]);
    const empty = tf.tensor2d([], [1, 0], 'int32');
    const big = tf.tensor2d([[1, 9]], [1, 2], 'int32');
    const noAttention: TokenModel = { vocabSize: 9, embed: gpt.embed, forwardFromEmbeddings: gpt.forwardFromEmbeddings };
    await expectGlassboxError(() => attentionMaps(gpt, float), 'INVALID_ARGUMENT', /attentionMaps: ids must hold int32/);
    await expectGlassboxError(() => attentionMaps(gpt, empty), 'INVALID_ARGUMENT', /empty sequence/);
    await expectGlassboxError(() => attentionMaps(gpt, big), 'INVALID_ARGUMENT', /ids must hold token ids in 0\.\.8, got 9 at row 0, position 1/);
    await expectGlassboxError(() => attentionMaps(noAttention, ok), 'INVALID_ARGUMENT', /model must expose its attention probabilities, model\.attention\(ids\)/);
    await expectGlassboxError(() => attentionMaps(((x: Tensor) => x) as never, ok), 'INVALID_ARGUMENT', /model must be a TokenModel/);
    // A model whose maps do not fit the ids: refused, and its tensors are freed.
    const wrong = { ...noAttention, attention: (ids: Tensor) => [tf.ones([ids.shape[0]!, 2, 3, 3])] };
    await expectGlassboxError(() => attentionMaps(wrong, ok), 'SHAPE_MISMATCH', /model\.attention\(ids\)\[0\] must have shape \[1, H, 2, 2\]/);
    const mixed = { ...noAttention, attention: (ids: Tensor) => [tf.fill([ids.shape[0]!, 2, 2, 2], 0.5), tf.fill([ids.shape[0]!, 1, 2, 2], 0.5)] };
    await expectGlassboxError(() => attentionMaps(mixed, ok), 'SHAPE_MISMATCH', /same number of heads/);
    tf.dispose([ok, float, empty, big]);
  });
});
