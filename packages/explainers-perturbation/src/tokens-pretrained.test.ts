/**
 * Occlusion on the pretrained spam classifier of @glassbox/models-transformer (a TokenModel), on the first 12
 * tokens of a held-out spam e-mail: every token gets the drop of the spam logit when it is replaced by the mask
 * id, as the model's own predict computes it; padding the row changes nothing and its padding gets 0; nothing
 * leaks. (A test-only dependency: explainers never import models.)
 */
import { expect, it } from 'vitest';
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { loadSpam } from '@glassbox/datasets';
import { loadPretrained } from '@glassbox/models-transformer';
import { occlusion } from './occlusion.js';

// Read once for both backends (parsing the e-mail corpus takes seconds).
let firstSpam: Promise<string> | undefined;
const spamText = () => (firstSpam ??= loadSpam({ split: 'test', limit: 40 }).then((rows) => rows.find((r) => r.label === 1 && r.text.length > 200)!.text));

describeBackends('token occlusion on the pretrained spam-encoder', () => {
  it('explains each token of a short e-mail by the drop of the spam logit; padding changes nothing', async () => {
    const clf = await loadPretrained('spam-encoder');
    try {
      // The first held-out spam e-mail, cut to its first 12 tokens ([CLS] included) to keep the test light.
      const ids = Array.from(clf.encode(await spamText()).ids.subarray(0, 12));
      const t = ids.length;
      expect(t).toBe(12);
      expect(t).toBeLessThanOrEqual(clf.context);
      const spam = clf.labels.indexOf('spam');
      await expectNoLeaks(async () => {
        const x = tf.tensor2d(ids, [1, t], 'int32');
        const r = await occlusion(clf, x, { window: [1], target: spam });
        expect(r.attributions.shape).toEqual([1, t]);
        const got = Array.from(r.attributions.dataSync());
        r.attributions.dispose();
        expect(got.every(Number.isFinite)).toBe(true);
        expect(got.some((v) => Math.abs(v) > 1e-4)).toBe(true);
        // The definition, through the model's predict: F(x) - F(x with token t replaced by the mask id).
        const rows = [ids, ...ids.map((_, k) => ids.map((id, j) => (j === k ? clf.maskId : id)))];
        const batch = tf.tensor2d(rows, [t + 1, t], 'int32');
        const logits = clf.predict(batch) as Tensor;
        const scores = (logits.arraySync() as number[][]).map((row) => row[spam]!);
        tf.dispose([batch, logits]);
        got.forEach((v, k) => expect(Math.abs(v - (scores[0]! - scores[k + 1]!)), `token ${k}`).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(v))));
        // The same e-mail padded at the end: same numbers, 0 on the padding.
        const padded = tf.tensor2d([...ids, clf.padId, clf.padId, clf.padId], [1, t + 3], 'int32');
        const rp = await occlusion(clf, padded, { window: [1], target: spam, batchSize: 5 });
        const gotPadded = Array.from(rp.attributions.dataSync());
        rp.attributions.dispose();
        expect(gotPadded.slice(t)).toEqual([0, 0, 0]);
        gotPadded.slice(0, t).forEach((v, k) => expect(Math.abs(v - got[k]!), `token ${k}`).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(v))));
        tf.dispose([x, padded]);
      });
    } finally {
      clf.dispose();
    }
  });
});
