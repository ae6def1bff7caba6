/**
 * Integrated gradients over the embeddings of the two pretrained text models (issue 15, item 1): completeness
 * within 1e-3 relative at 64 Gauss-Legendre steps, with F(e) and F(e_b) computed here from the models' own
 * functions (predict / nextToken and forwardFromEmbeddings), on names-gpt (the next character of a few names)
 * and on spam-encoder (two short e-mails of different lengths, so one row is padded).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { loadPretrained } from '@glassbox/models-transformer';
import type { GPT, TextClassifier } from '@glassbox/models-transformer';
import { loadSpam } from '@glassbox/datasets';
import { integratedGradients } from '../src/index.js';

let gpt: GPT;
let clf: TextClassifier;
let emails: string[];
beforeAll(async () => {
  // The first words of two test e-mails in English (one spam, one ham), of different lengths.
  const test = await loadSpam({ split: 'test', limit: 60 });
  const head = (text: string, words: number) => text.split(/\s+/).filter(Boolean).slice(0, words).join(' ');
  const english = (r: { text: string }) => /^[\x20-\x7e]+$/.test(head(r.text, 12));
  const spam = test.find((r) => r.label === 1 && english(r))!;
  const ham = test.find((r) => r.label === 0 && english(r))!;
  emails = [head(spam.text, 12), head(ham.text, 7)];
});

function expectComplete(attr: Float32Array | number[], t: number, gaps: number[]): void {
  gaps.forEach((gap, i) => {
    let sum = 0;
    for (let p = i * t; p < (i + 1) * t; p++) sum += attr[p]!;
    expect(Math.abs(gap), `row ${i}: F(e) - F(e_b) should not be ~0 for the check to mean anything`).toBeGreaterThan(0.1);
    expect(Math.abs(sum - gap), `row ${i}: sum ${sum} vs F(e) - F(e_b) ${gap}`).toBeLessThanOrEqual(1e-3 * Math.abs(gap));
  });
}

describeBackends('integratedGradients over the embeddings of the pretrained text models', () => {
  // Loaded on each backend (after describeBackends started it).
  beforeAll(async () => {
    gpt = await loadPretrained('names-gpt');
    clf = await loadPretrained('spam-encoder');
  });
  afterAll(() => {
    gpt?.dispose();
    clf?.dispose();
  });

  it('names-gpt: the next character of three names; complete within 1e-3 at 64 Gauss-Legendre steps, batching does not matter', async () => {
    const names = ['mar', 'ann', 'eli'];
    const rows = names.map((s) => Array.from(gpt.encode(s).ids));
    const t = rows[0]!.length;
    const ids = tf.tensor2d(rows.flat(), [rows.length, t], 'int32');
    await expectNoLeaks(async () => {
      // The explained scores: the logit of the most likely next character of each name.
      const next = gpt.nextToken(ids);
      const logits = (await next.array()) as number[][];
      next.dispose();
      const target = logits.map((r) => r.indexOf(Math.max(...r)));
      // F(e_b): the mask token's embedding at every position, through forwardFromEmbeddings (last position).
      const base = tf.tidy(() => {
        const e = gpt.embed(tf.fill([rows.length, t], gpt.maskId, 'int32'));
        return gpt.forwardFromEmbeddings(e);
      });
      const fb = (await base.array()) as number[][][];
      base.dispose();
      const gaps = target.map((k, i) => logits[i]![k]! - fb[i]![t - 1]![k]!);

      const r = await integratedGradients(gpt, ids, { target, steps: 64, method: 'gausslegendre' });
      const small = await integratedGradients(gpt, ids, { target, steps: 64, batchSize: 5 });
      try {
        expect(r.attributions.shape).toEqual([3, t]);
        const a = (await r.attributions.data()) as Float32Array;
        expectComplete(a, t, gaps);
        expect(Array.from(await small.attributions.data())).toEqual(Array.from(a));
        expect(Array.from(await small.delta!.data())).toEqual(Array.from(await r.delta!.data()));
        for (const d of await r.delta!.data()) expect(Math.abs(d)).toBeLessThanOrEqual(1e-3 * Math.max(...gaps.map(Math.abs)));
      } finally {
        tf.dispose([r.attributions, r.delta!, small.attributions, small.delta!]);
      }
    });
    ids.dispose();
  });

  it('spam-encoder: two e-mails, one padded; complete within 1e-3, the padding gets 0, the padded row explains as the row alone', async () => {
    const rows = emails.map((s) => Array.from(clf.encode(s).ids));
    const t = Math.max(...rows.map((r) => r.length));
    const lengths = rows.map((r) => r.length);
    expect(lengths[0]).not.toBe(lengths[1]);
    const padded = rows.map((r) => [...r, ...new Array<number>(t - r.length).fill(clf.padId)]);
    const ids = tf.tensor2d(padded.flat(), [2, t], 'int32');
    const short = 1;
    const alone = tf.tensor2d(rows[short]!, [1, lengths[short]!], 'int32');
    await expectNoLeaks(async () => {
      const out = clf.predict(ids);
      const logits = (await out.array()) as number[][];
      out.dispose();
      const target = [1, 0]; // each e-mail's own class: spam for the first, ham for the second
      // F(e_b): the mask token where a row has a token, the pad token where it is padded (the same id here,
      // clf.maskId is [PAD]), run with the rows' padding mask.
      const base = tf.tidy(() => {
        const bIds = tf.tensor2d(padded.map((r, i) => r.map((_, p) => (p < lengths[i]! ? clf.maskId : clf.padId))).flat(), [2, t], 'int32');
        const mask = tf.tensor2d(padded.map((r, i) => r.map((_, p) => (p < lengths[i]! ? 1 : 0))).flat(), [2, t]);
        return clf.forwardFromEmbeddings(clf.embed(bIds), { paddingMask: mask });
      });
      const fb = (await base.array()) as number[][];
      base.dispose();
      const gaps = [0, 1].map((i) => logits[i]![target[i]!]! - fb[i]![target[i]!]!);

      const r = await integratedGradients(clf, ids, { target, steps: 64 });
      const one = await integratedGradients(clf, alone, { target: target[short]!, steps: 64 });
      try {
        expect(r.attributions.shape).toEqual([2, t]);
        const a = (await r.attributions.data()) as Float32Array;
        expectComplete(a, t, gaps);
        const padding = Array.from(a.subarray(short * t + lengths[short]!, (short + 1) * t));
        expect(padding.length).toBeGreaterThan(0);
        expect(padding.every((v) => v === 0)).toBe(true);
        const own = Array.from(await one.attributions.data());
        const scale = Math.max(...own.map(Math.abs));
        Array.from(a.subarray(short * t, short * t + lengths[short]!)).forEach((v, p) => expect(Math.abs(v - own[p]!)).toBeLessThanOrEqual(1e-3 * scale));
      } finally {
        tf.dispose([r.attributions, r.delta!, one.attributions, one.delta!]);
      }
    });
    tf.dispose([ids, alone]);
  });
});
