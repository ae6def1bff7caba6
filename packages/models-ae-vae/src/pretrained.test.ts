import { readFileSync } from 'node:fs';
import { beforeAll, afterAll, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describeBackends, expectGlassboxError, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { loadDigits } from '@glassbox/datasets';
import { PRETRAINED_MODELS, loadPretrained, type PretrainedModelName } from './pretrained.js';

interface Claimed {
  rows: number;
  testNegElbo?: number;
  testKl?: number;
  activeDimensions?: number;
  evaluateSeed?: number;
  testMse?: number;
  testBce?: number;
}

/**
 * The numbers metrics.json claims: for the whole test split on WASM (what the README reports); on cpu, whose
 * convolutions are about 20 times slower, for the first rows of the split, which metrics.json also records.
 */
function claimed(name: PretrainedModelName, backend: string): Claimed {
  const m = JSON.parse(readFileSync(new URL(`../weights/${name}/metrics.json`, import.meta.url), 'utf8'));
  return backend === 'wasm' ? { ...m, rows: 2000 } : { evaluateSeed: m.evaluateSeed, ...m.firstRows };
}

/** A fetch that serves weights/<name>/<file> under http://models.test/<name>/<file>. */
function fakeFetch(calls: string[]): typeof fetch {
  return (async (input: string) => {
    calls.push(String(input));
    const path = new URL(String(input)).pathname;
    try {
      return new Response(readFileSync(new URL(`../weights${path}`, import.meta.url)));
    } catch {
      return new Response('not found', { status: 404 });
    }
  }) as typeof fetch;
}

describeBackends('loadPretrained', (backend) => {
  let x: Tensor;
  beforeAll(async () => {
    x = (await loadDigits({ split: 'test', limit: backend === 'wasm' ? 2000 : claimed('digits-vae', backend).rows })).x;
  });
  afterAll(() => x.dispose());

  it("'digits-vae' reaches the -ELBO of its metrics.json on the test split (fixed eps seed)", async () => {
    const before = tf.memory().numTensors;
    const m = claimed('digits-vae', backend);
    const model = await loadPretrained('digits-vae');
    expect(model.kind).toBe('vae');
    expect(model.latentDim).toBe(20);
    const r = await model.evaluate(x, { seed: m.evaluateSeed, batchSize: 500 });
    expect(r.rows).toBe(m.rows);
    expect(Math.abs(r.negElbo - m.testNegElbo!)).toBeLessThanOrEqual(1);
    expect(Math.abs(r.kl - m.testKl!)).toBeLessThanOrEqual(0.2);
    expect(r.activeDimensions).toBe(m.activeDimensions);
    expect(claimed('digits-vae', 'wasm').testNegElbo).toBeLessThanOrEqual(110);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("'digits-ae' and 'digits-conv-ae' reach the reconstruction MSE of their metrics.json", async () => {
    const before = tf.memory().numTensors;
    for (const name of ['digits-ae', 'digits-conv-ae'] as const) {
      const m = claimed(name, backend);
      expect(x.shape[0]).toBe(m.rows);
      const model = await loadPretrained(name);
      expect(model.kind).toBe('ae');
      const r = await model.evaluate(x, { batchSize: 500 });
      expect(Math.abs(r.mse - m.testMse!) / m.testMse!, name).toBeLessThanOrEqual(0.02);
      expect(Math.abs(r.bce - m.testBce!), name).toBeLessThanOrEqual(0.5);
      const two = tf.slice(x, 0, 2);
      const xHat = model.reconstruct(two);
      expect(xHat.shape).toEqual([2, 28, 28, 1]);
      tf.dispose([two, xHat]);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads over fetch (the browser path) with options.url, giving the same model', async () => {
    const before = tf.memory().numTensors;
    const calls: string[] = [];
    const remote = await loadPretrained('digits-vae', { url: 'http://models.test/digits-vae/model.json', fetch: fakeFetch(calls) });
    expect(calls).toEqual(['http://models.test/digits-vae/model.json', 'http://models.test/digits-vae/weights.bin']);
    const local = await loadPretrained('digits-vae');
    const [a, b] = [remote.sample(3, 1), local.sample(3, 1)];
    expectTensorClose(a, b, 0);
    tf.dispose([a, b]);
    remote.dispose();
    local.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects unknown names, missing files and a model of the wrong kind', async () => {
    expect(PRETRAINED_MODELS).toEqual(['digits-ae', 'digits-conv-ae', 'digits-vae']);
    await expectGlassboxError(() => loadPretrained('digits-gan' as never), 'INVALID_ARGUMENT', /name must be one of 'digits-ae', 'digits-conv-ae', 'digits-vae'/);
    await expectGlassboxError(() => loadPretrained('digits-vae', { url: 'http://models.test/nope/model.json', fetch: fakeFetch([]) }), 'BAD_WEIGHTS', /HTTP 404/);
    await expectGlassboxError(() => loadPretrained('digits-vae', { url: new URL('../weights/digits-ae/model.json', import.meta.url) }), 'BAD_WEIGHTS', /must be a VAE/);
  });
});
