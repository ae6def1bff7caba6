/**
 * forwardWithAttentionGates: with gates of ones both text models give their usual output bit for bit, a gate
 * of zeros on one key changes the output (the gates are used), the gradient with respect to the gates is zero
 * where the attention is zero (a GPT's future, a classifier's padding), and bad gates are refused.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { WordTokenizer, namesTokenizer } from '@glassbox/datasets';
import { createGPT, type GPT } from './gpt.js';
import { createTextClassifier, type TextClassifier } from './text-classifier.js';

const same = (a: Tensor, b: Tensor): void => expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
const words = WordTokenizer.fromTexts(['win cash now', 'free money offer', 'see you at the meeting', 'please review my code'], { minCount: 1 });

describeBackends('forwardWithAttentionGates', () => {
  let gpt: GPT;
  let clf: TextClassifier;
  beforeAll(async () => {
    gpt = createGPT({ tokenizer: await namesTokenizer(), dim: 16, layers: 2, heads: 2, context: 16, dropout: 0, seed: 1 });
    clf = createTextClassifier({ tokenizer: words, dim: 16, layers: 2, heads: 2, context: 8, dropout: 0, seed: 1 });
  });
  afterAll(() => {
    gpt.dispose();
    clf.dispose();
  });

  it('gates of ones give logits(ids) / predict(ids) bit for bit; other gates change them', async () => {
    await expectNoLeaks(() => {
      const cases: [GPT | TextClassifier, Tensor, Tensor][] = [];
      const gIds = tf.tensor2d([[1, 5, 6, 7], [1, 8, 9, 10]], [2, 4], 'int32');
      cases.push([gpt, gIds, gpt.logits(gIds)]);
      const a = Array.from(clf.encode('win cash now').ids);
      const b = Array.from(clf.encode('see you at the meeting').ids);
      const cIds = tf.tensor2d([[...a, 0, 0], b], [2, 6], 'int32');
      cases.push([clf, cIds, clf.predict(cIds)]);
      for (const [model, ids, want] of cases) {
        const maps = model.attention(ids);
        const ones = maps.map((m) => tf.onesLike(m));
        const got = model.forwardWithAttentionGates(ids, ones);
        same(got, want);
        // Halving every probability of the first layer halves its attention output: the result moves.
        const half = [tf.mul(ones[0]!, 0.5), ...ones.slice(1)];
        const moved = model.forwardWithAttentionGates(ids, half);
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(moved, want))).dataSync()[0]!);
        expect(diff).toBeGreaterThan(1e-4);
        tf.dispose([ids, want, ...maps, ...ones, got, half[0]!, moved]);
      }
    });
  });

  it('the gradient with respect to a gate is 0 where the attention is 0 (GPT future, classifier padding)', async () => {
    await expectNoLeaks(() => {
      const a = Array.from(clf.encode('free money offer').ids);
      const ids = tf.tensor2d([[...a, 0, 0]], [1, a.length + 2], 'int32');
      const t = ids.shape[1]!;
      const g = tf.ones([2, 1, 2, t, t]);
      const grad = tf.grad((x: Tensor) => tf.sum(tf.slice(clf.forwardWithAttentionGates(ids, tf.unstack(x)), [0, 1], [1, 1])))(g);
      const v = grad.arraySync() as number[][][][][];
      let nonzero = 0;
      for (const layer of v) {
        for (const head of layer[0]!) {
          head.forEach((row) => row.forEach((x, j) => (j >= a.length ? expect(x === 0).toBe(true) : x !== 0 && nonzero++)));
        }
      }
      expect(nonzero).toBeGreaterThan(0);
      tf.dispose([ids, g, grad]);
    });
  });

  it('refuses gates that are not one [N, heads, T, T] float32 per layer, naming them; nothing leaks', async () => {
    const ids = tf.tensor2d([[1, 5, 6]], [1, 3], 'int32');
    const ok = tf.ones([1, 2, 3, 3]);
    const bad = tf.ones([1, 2, 3, 2]);
    const ints = tf.ones([1, 2, 3, 3], 'int32');
    await expectGlassboxError(() => gpt.forwardWithAttentionGates(ids, [ok]), 'INVALID_ARGUMENT', /GPT.forwardWithAttentionGates: gates must be an array of 2 tensors \[1, 2, 3, 3\]/);
    await expectGlassboxError(() => gpt.forwardWithAttentionGates(ids, [ok, bad]), 'SHAPE_MISMATCH', /gates\[1\] must have shape \[1, 2, 3, 3\]/);
    await expectGlassboxError(() => gpt.forwardWithAttentionGates(ids, [ints, ok]), 'INVALID_ARGUMENT', /gates\[0\] must be float32/);
    await expectGlassboxError(() => gpt.forwardWithAttentionGates(ok, [ok, ok]), 'INVALID_ARGUMENT', /ids/);
    tf.dispose([ids, ok, bad, ints]);
  });
});
