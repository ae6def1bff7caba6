/**
 * The attention explanations on both pretrained text models of @glassbox/models-transformer (a devDependency:
 * explainers never import models outside tests): shapes, the properties of raw attention, scores >= 0, padding
 * and the future scored 0, and nothing leaks.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { loadNames } from '@glassbox/datasets';
import { loadPretrained, type GPT, type TextClassifier } from '@glassbox/models-transformer';
import { attentionMaps } from './attention-maps.js';
import { attentionRollout } from './attention-rollout.js';
import { gradientWeightedAttention } from './gradient-weighted-attention.js';

describeBackends('attention explanations of the pretrained text models', () => {
  let gpt: GPT;
  let clf: TextClassifier;
  let names: string[];
  beforeAll(async () => {
    gpt = await loadPretrained('names-gpt');
    clf = await loadPretrained('spam-encoder');
    names = await loadNames({ split: 'test', limit: 2 });
  });
  afterAll(() => {
    gpt.dispose();
    clf.dispose();
  });

  it('names-gpt: maps [N, 2, 4, T, T] causal, rows sum to 1; rollout and gradient-weighted attention [N, T] at the last position', async () => {
    await expectNoLeaks(async () => {
      // Two prefixes of four characters after [START].
      const rows = names.map((s) => Array.from(gpt.encode(s.slice(0, 4)).ids));
      const t = rows[0]!.length;
      expect(rows.map((r) => r.length)).toEqual([t, t]);
      const ids = tf.tensor2d(rows, [2, t], 'int32');
      const maps = attentionMaps(gpt, ids);
      expect(maps.shape).toEqual([2, gpt.layers.length, gpt.heads, t, t]);
      for (const head of (maps.arraySync() as number[][][][][]).flat(2)) {
        head.forEach((row, i) => {
          expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
          row.forEach((v, j) => j > i && expect(v).toBe(0));
        });
      }
      const rollout = await attentionRollout(gpt, ids);
      expect(rollout.attributions.shape).toEqual([2, t]);
      expect(rollout.position).toBe(t - 1);
      for (const row of rollout.attributions.arraySync() as number[][]) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      // Explain the most likely next character of each row.
      const next = gpt.nextToken(ids);
      const best = tf.argMax(next, 1);
      const target = Array.from(best.dataSync());
      best.dispose();
      const gwa = await gradientWeightedAttention(gpt, ids, { target, returnRollout: true });
      expect(gwa.attributions.shape).toEqual([2, t]);
      expect(gwa.rollout!.shape).toEqual([2, t, t]);
      expect(Math.min(...gwa.attributions.dataSync())).toBeGreaterThanOrEqual(0);
      expect(Math.max(...gwa.attributions.dataSync())).toBeGreaterThan(0);
      tf.dispose([ids, maps, rollout.attributions, next, gwa.attributions, gwa.rollout!]);
    });
  });

  it('spam-encoder: [CLS] row by default, padded words score 0, scores >= 0', async () => {
    await expectNoLeaks(async () => {
      const a = Array.from(clf.encode('Click here to claim your free prize now').ids);
      const b = Array.from(clf.encode('see you at the meeting').ids);
      const t = a.length;
      const ids = tf.tensor2d([a, [...b, ...new Array<number>(t - b.length).fill(clf.padId)]], [2, t], 'int32');
      const maps = attentionMaps(clf, ids);
      expect(maps.shape).toEqual([2, clf.layers.length, clf.heads, t, t]);
      for (const method of ['rollout', 'gwa'] as const) {
        const r = method === 'rollout' ? await attentionRollout(clf, ids) : await gradientWeightedAttention(clf, ids, { target: 1 });
        expect(r.attributions.shape).toEqual([2, t]);
        expect(r.position).toBe(0);
        const v = r.attributions.arraySync() as number[][];
        expect(Math.min(...v.flat())).toBeGreaterThanOrEqual(0);
        expect(v[1]!.slice(b.length).every((x) => x === 0), method).toBe(true);
        r.attributions.dispose();
      }
      await expectGlassboxError(() => gradientWeightedAttention(clf, ids, { target: 2 }), 'TARGET_OUT_OF_RANGE');
      await expectGlassboxError(() => attentionRollout(clf, ids, { position: t }), 'TARGET_OUT_OF_RANGE');
      tf.dispose([ids, maps]);
    });
  });
});
