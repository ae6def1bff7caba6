import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { loadNames, loadSpam } from '@glassbox/datasets';
import { loadUrl } from '@glassbox/tensors-ops/models';
import { bigramNll, fitBigramSelected } from '../scripts/baselines.mjs';
import { PRETRAINED_TRANSFORMERS, loadPretrained } from './pretrained.js';
import { GPT, planGPT } from './gpt.js';
import { TextClassifier } from './text-classifier.js';

const weights = new URL('../weights/', import.meta.url);
const gptMetrics = JSON.parse(readFileSync(new URL('names-gpt/metrics.json', weights), 'utf8')) as {
  test: { nllPerChar: number; names: number };
  firstTestNames: { names: number; nllPerChar: number; bigramNllPerChar: number };
  bigram: { testNllPerChar: number };
  samples: { first: string[]; empty: number; notInTrainFraction: number };
};
const spamMetrics = JSON.parse(readFileSync(new URL('spam-encoder/metrics.json', weights), 'utf8')) as {
  test: { accuracy: number; rows: number };
  firstTestEmails: { rows: number; accuracy: number; loss: number };
  logisticRegression: { testAccuracy: number };
};

/** A fetch that serves the weights folder under http://models.test/ and records the URLs asked for. */
function fakeFetch(calls: string[], rename: Record<string, string> = {}): typeof fetch {
  return (async (input: string) => {
    calls.push(String(input));
    const u = new URL(String(input));
    const path = rename[u.pathname] ?? u.pathname.slice(1);
    try {
      return new Response(readFileSync(new URL(path, weights)));
    } catch {
      return new Response('not found', { status: 404 });
    }
  }) as typeof fetch;
}

it('the README numbers meet the targets of the issue', () => {
  expect(gptMetrics.test.nllPerChar).toBeLessThanOrEqual(2.2);
  expect(gptMetrics.bigram.testNllPerChar - gptMetrics.test.nllPerChar).toBeGreaterThanOrEqual(0.25);
  expect(gptMetrics.samples.empty).toBe(0);
  expect(gptMetrics.samples.notInTrainFraction).toBeGreaterThanOrEqual(0.6);
  expect(spamMetrics.test.accuracy).toBeGreaterThanOrEqual(0.97);
});

describeBackends('loadPretrained', (backend) => {
  it(`'names-gpt' reproduces its metrics on ${backend === 'wasm' ? 'the whole test split' : 'the first test names'} and beats a bigram fitted here`, async () => {
    const before = tf.memory().numTensors;
    expect(PRETRAINED_TRANSFORMERS).toEqual(['names-gpt', 'spam-encoder']);
    const gpt = await loadPretrained('names-gpt');
    const slice = await gpt.evaluate('test', { limit: gptMetrics.firstTestNames.names });
    expect(Math.abs(slice.nllPerChar - gptMetrics.firstTestNames.nllPerChar)).toBeLessThanOrEqual(1e-3);
    // The baseline, refitted here on the training names (scripts/baselines.mjs, float64 counts).
    const tok = gpt.tokenizer;
    const rows = (names: string[]) => names.map((s) => tok.encode(s));
    const outputs = [tok.endId, ...tok.tokens.map((_, id) => id).filter((id) => id > tok.unknownId)];
    const bigram = fitBigramSelected(rows(await loadNames({ split: 'train' })), tok.vocabSize, outputs);
    const testNames = await loadNames({ split: 'test', limit: gptMetrics.firstTestNames.names });
    const bigramSlice = bigramNll(bigram.model, rows(testNames));
    expect(bigramSlice).toBeCloseTo(gptMetrics.firstTestNames.bigramNllPerChar, 3);
    expect(bigramSlice - slice.nllPerChar).toBeGreaterThanOrEqual(0.25);
    if (backend === 'wasm') {
      const all = await gpt.evaluate('test');
      expect(all.names).toBe(gptMetrics.test.names);
      expect(Math.abs(all.nllPerChar - gptMetrics.test.nllPerChar)).toBeLessThanOrEqual(1e-3);
      // The committed samples come back with the same seeds (they were drawn on wasm).
      gptMetrics.samples.first.forEach((text, seed) => expect(gpt.generate('', { temperature: 1, seed }).text).toBe(text));
    }
    const texts = Array.from({ length: 30 }, (_, seed) => gpt.generate('', { seed: 1000 + seed }).text);
    expect(texts.every((t) => t.length > 0)).toBe(true);
    gpt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it(`'spam-encoder' reproduces its accuracy on ${backend === 'wasm' ? 'the whole test split' : 'the first test e-mails'}`, async () => {
    const before = tf.memory().numTensors;
    const clf = await loadPretrained('spam-encoder');
    expect(clf.labels).toEqual(['ham', 'spam']);
    const first = await loadSpam({ split: 'test', limit: spamMetrics.firstTestEmails.rows });
    const r = await clf.evaluate(first);
    expect(Math.abs(r.accuracy - spamMetrics.firstTestEmails.accuracy)).toBeLessThanOrEqual(1 / first.length + 1e-9);
    expect(Math.abs(r.loss - spamMetrics.firstTestEmails.loss)).toBeLessThanOrEqual(5e-3);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.97);
    if (backend === 'wasm') {
      const all = await clf.evaluate('test');
      expect(all.rows).toBe(spamMetrics.test.rows);
      expect(Math.abs(all.accuracy - spamMetrics.test.accuracy)).toBeLessThanOrEqual(1 / all.rows + 1e-9);
    }
    clf.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads over fetch (the browser path) from options.url, and from bundled asset URLs', async () => {
    const before = tf.memory().numTensors;
    const local = await loadPretrained('names-gpt');
    const calls: string[] = [];
    const remote = await loadPretrained('names-gpt', { url: 'http://models.test/names-gpt/model.json', fetch: fakeFetch(calls) });
    expect(calls).toEqual(['http://models.test/names-gpt/model.json', 'http://models.test/names-gpt/weights.bin']);
    // A bundler renames the files: weights.bin is fetched from its own URL.
    const calls2: string[] = [];
    const bundled = await loadUrl(
      'http://app.test/assets/model-1a2b.json',
      planGPT,
      { fetch: fakeFetch(calls2, { '/assets/model-1a2b.json': 'names-gpt/model.json', '/assets/weights-3c4d.bin': 'names-gpt/weights.bin' }) },
      'test',
      'http://app.test/assets/weights-3c4d.bin',
    );
    expect(calls2).toEqual(['http://app.test/assets/model-1a2b.json', 'http://app.test/assets/weights-3c4d.bin']);
    const ids = tf.tensor2d([Array.from(local.encode('mar').ids)], [1, 4], 'int32');
    const [a, b, c] = [local, remote, bundled].map((m) => m.logits(ids));
    expectTensorClose(a!, b!, 0);
    expectTensorClose(a!, c!, 0);
    tf.dispose([a!, b!, c!, ids]);
    [local, remote, bundled].forEach((m) => m.dispose());
    const fromFileUrl = await loadPretrained('spam-encoder', { url: new URL('spam-encoder/model.json', weights) });
    const calls3: string[] = [];
    const viaClass = await TextClassifier.loadFromUrl('http://models.test/spam-encoder/model.json', { fetch: fakeFetch(calls3) });
    expect(calls3).toEqual(['http://models.test/spam-encoder/model.json', 'http://models.test/spam-encoder/weights.bin']);
    const x = tf.tensor2d([Array.from(viaClass.encode('free money now').ids)], [1, 4], 'int32');
    const [p, q] = [fromFileUrl.predict(x), viaClass.predict(x)];
    expectTensorClose(p, q, 0);
    tf.dispose([x, p, q]);
    await expectGlassboxError(() => GPT.loadFromUrl('http://models.test/spam-encoder/model.json', { fetch: fakeFetch([]) }), 'BAD_WEIGHTS', /GPT.loadFromUrl/);
    fromFileUrl.dispose();
    viaClass.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects unknown names, the wrong kind of file and missing files', async () => {
    await expectGlassboxError(() => loadPretrained('names-bert' as never), 'INVALID_ARGUMENT', /name must be one of 'names-gpt', 'spam-encoder'/);
    await expectGlassboxError(() => loadPretrained('names-gpt', { url: new URL('spam-encoder/model.json', weights) }), 'BAD_WEIGHTS', /must describe a gpt .*got .*kind "text-classifier"/);
    await expectGlassboxError(() => loadPretrained('names-gpt', { url: 'http://models.test/none/model.json', fetch: fakeFetch([]) }), 'BAD_WEIGHTS', /HTTP 404/);
    await expectGlassboxError(() => loadPretrained('spam-encoder', { url: new URL('none/model.json', weights) }), 'BAD_WEIGHTS', /could not read/);
    await expectGlassboxError(() => loadPretrained('names-gpt', { url: 42 as never }), 'INVALID_ARGUMENT', /options.url/);
  });
});
