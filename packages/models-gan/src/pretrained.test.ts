// The committed weights: they load (from disk, through a file: URL and through fetch), and re-measured on a
// fixed subset they reach the numbers scripts/train.mjs wrote into weights/<name>/metrics.json ("check").
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { loadDigits } from '@glassbox/datasets';
import { loadPretrained as loadClassifier } from '@glassbox/models-classifier';
import { loadPretrained } from './pretrained.js';
import { GAN } from './gan.js';
import { CycleGAN } from './cyclegan.js';
import { dilate } from './dilate.js';
import { measureGanQuality, measureTranslation } from './quality.js';

const weightsUrl = new URL('../weights/', import.meta.url);
const metrics = (name: string) => JSON.parse(readFileSync(new URL(`${name}/metrics.json`, weightsUrl), 'utf8'));

/** A fetch that serves the package's weights folder, as a browser would (no network). */
const fakeFetch = (async (input: string | URL) => {
  const url = new URL(String(input));
  if (url.host !== 'models.example') return new Response('not found', { status: 404 });
  try {
    const bytes = await readFile(new URL(`.${url.pathname}`, weightsUrl));
    return new Response(bytes, { status: 200, headers: { 'content-length': String(bytes.byteLength) } });
  } catch {
    return new Response('not found', { status: 404 });
  }
}) as typeof fetch;

describeBackends('loadPretrained', (backend) => {
  it("'digits-gan': a GAN of the recorded architecture; its samples reach the recorded quality", async () => {
    const m = metrics('digits-gan');
    const before = tf.memory().numTensors;
    const gan = await loadPretrained('digits-gan');
    expect(gan).toBeInstanceOf(GAN);
    expect(gan.config).toMatchObject(m.model);
    const cnn = await loadClassifier('digits-cnn');
    const layer = [...cnn.layers].slice(0, -1).reverse().find((l) => l.outputShape.length === 1 && l.type !== 'dropout')!;
    const { features } = cnn.split(layer.name);
    const measure = async (n: number, referenceImages: number | undefined, seed: number) => {
      const { x } = await loadDigits({ split: 'test', ...(referenceImages === undefined ? {} : { limit: referenceImages }) });
      try {
        return await measureGanQuality(gan, {
          classifier: (t: Tensor) => cnn.predict(t),
          features: (t: Tensor) => features(t),
          reference: x,
          n,
          seed,
          confidence: m.evaluation.confidence,
        });
      } finally {
        x.dispose();
      }
    };
    // Seeded and deterministic: the same numbers up to float differences between backends (a sample right at
    // the confidence threshold could flip, hence one sample of slack).
    const expectClose = (q: { n: number; confidentShare: number; entropy: number; frechetDistance: number }, want: typeof q) => {
      expect(Math.abs(q.confidentShare - want.confidentShare)).toBeLessThanOrEqual(1 / q.n + 1e-9);
      expect(Math.abs(q.entropy - want.entropy)).toBeLessThanOrEqual(0.02);
      expect(Math.abs(q.frechetDistance - want.frechetDistance)).toBeLessThanOrEqual(0.01 * want.frechetDistance + 1e-3);
    };
    const small = await measure(m.check.ganSamples, m.check.ganReferenceImages, m.check.ganSeed);
    expectClose(small, { ...m.check, n: m.check.ganSamples });
    if (backend === 'wasm') {
      // The headline numbers of metrics.json and the README: 1000 samples against the 2,000 test digits
      // (the cpu backend's convolutions are too slow for this within the suite's budget).
      const full = await measure(m.quality.samples, undefined, m.quality.sampleSeed);
      expectClose(full, { ...m.quality, n: m.quality.samples });
      expect(full.histogram.reduce((a, b) => a + b, 0)).toBe(m.quality.samples);
    }
    cnn.dispose();
    gan.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("'digits-cyclegan': a CycleGAN whose translations reach the recorded errors", async () => {
    const m = metrics('digits-cyclegan');
    const before = tf.memory().numTensors;
    const cg = await loadPretrained('digits-cyclegan');
    expect(cg).toBeInstanceOf(CycleGAN);
    expect(cg.config).toMatchObject(m.model);
    const { x } = await loadDigits({ split: 'test', limit: m.check.images });
    const thick = dilate(x);
    const q = await measureTranslation(cg, { a: x, b: thick, targetB: thick, targetA: x });
    for (const key of ['translationErrorAB', 'translationErrorBA', 'cycleErrorA', 'cycleErrorB', 'identityErrorAB'] as const) {
      expect(q[key], key).toBeCloseTo(m.check[key], 4);
    }
    tf.dispose([x, thick]);
    cg.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads through options.url: a file: URL (Node) and an http URL with a fetch (the browser way)', async () => {
    const fromDisk = await loadPretrained('digits-cyclegan');
    const viaFile = await loadPretrained('digits-cyclegan', { url: new URL('digits-cyclegan/model.json', weightsUrl) });
    const viaFetch = await loadPretrained('digits-cyclegan', { url: 'https://models.example/digits-cyclegan/model.json', fetch: fakeFetch });
    const gan = await loadPretrained('digits-gan', { url: 'https://models.example/digits-gan/model.json', fetch: fakeFetch });
    const x = tf.tidy(() => tf.mul(tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3), tf.scalar(1)));
    const want = fromDisk.translateAB(x);
    for (const m of [viaFile, viaFetch]) {
      const got = m.translateAB(x);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0])).toBe(0);
      got.dispose();
    }
    expect(gan).toBeInstanceOf(GAN);
    tf.dispose([x, want]);
    for (const m of [fromDisk, viaFile, viaFetch, gan]) m.dispose();
  });

  it('refuses unknown names (INVALID_ARGUMENT) and missing files (BAD_WEIGHTS), without leaks', async () => {
    await expectGlassboxError(() => loadPretrained('digits-vae' as never), 'INVALID_ARGUMENT', /name must be one of 'digits-gan', 'digits-cyclegan'/);
    await expectGlassboxError(() => loadPretrained('digits-gan', { url: 'https://models.example/nothing/model.json', fetch: fakeFetch }), 'BAD_WEIGHTS', /404/);
    await expectGlassboxError(() => loadPretrained('digits-gan', { url: fileURLToPath(new URL('nothing/model.json', weightsUrl)) }), 'BAD_WEIGHTS');
    // The CycleGAN's files are not a GAN's.
    await expectGlassboxError(() => loadPretrained('digits-gan', { url: new URL('digits-cyclegan/model.json', weightsUrl) }), 'BAD_WEIGHTS', /glassbox-gan/);
    await expectGlassboxError(() => loadPretrained('digits-gan', { url: 3 as never }), 'INVALID_ARGUMENT', /options.url/);
    await expectNoLeaks(async () => (await loadPretrained('digits-gan')).dispose());
  });
});

describe('metrics.json', () => {
  it('records the aims that were reached and the settings of the committed weights', () => {
    const g = metrics('digits-gan');
    const c = metrics('digits-cyclegan');
    expect(g.quality.samples).toBe(1000);
    expect(c.quality.testImages).toBe(2000);
    expect(typeof g.quality.confidentShare).toBe('number');
    expect(typeof c.quality.translationErrorAB).toBe('number');
  });
});
