import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createRng, tf, type EncodedWeights } from '@glassbox/tensors-ops';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { autoencoder } from './autoencoder.js';
import { vae } from './vae.js';
import { load, loadFromDir, save, saveToDir, type LatentVariableModel } from './io.js';
import { train } from './train.js';

const tmp = mkdtempSync(join(tmpdir(), 'glassbox-ae-vae-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function clone(e: EncodedWeights): { modelJSON: any; weightData: ArrayBuffer } {
  return { modelJSON: JSON.parse(JSON.stringify(e.modelJSON)), weightData: e.weightData.slice(0) };
}

function expectSameModel(a: LatentVariableModel, b: LatentVariableModel, x: Tensor): void {
  expect(b.kind).toBe(a.kind);
  expect(b.options).toEqual(a.options);
  const outs = [a.reconstruct(x), b.reconstruct(x), a.encode(x), b.encode(x), a.sample(2, 3), b.sample(2, 3)];
  expectTensorClose(outs[0]!, outs[1]!, 0);
  expectTensorClose(outs[2]!, outs[3]!, 0);
  expectTensorClose(outs[4]!, outs[5]!, 0);
  tf.dispose(outs);
}

const images = (n: number, shape = [8, 8, 1]) => tf.tensor(createRng(5).uniformArray(n * shape.reduce((p, d) => p * d, 1)), [n, ...shape], 'float32');

describeBackends('save / load', () => {
  it('round-trips MLP and conv autoencoders and VAEs (with their batch-norm statistics and latent Gaussian)', async () => {
    const x = images(6);
    const models: LatentVariableModel[] = [
      autoencoder({ inputShape: [8, 8, 1], latentDim: 3, hidden: [10, 6], seed: 1 }),
      autoencoder({ variant: 'conv', inputShape: [8, 8, 1], filters: [4, 4], latentDim: 2, loss: 'mse', seed: 2 }),
      vae({ inputShape: [8, 8, 1], latentDim: 2, hidden: [7], beta: 3, seed: 3 }),
      vae({ variant: 'conv', inputShape: [8, 8, 1], filters: [3], latentDim: 2, seed: 4 }),
    ];
    // Move the batch-norm statistics and the latent Gaussian away from their initial values.
    for (const m of models) await train(m, x, { epochs: 1, batchSize: 3 });
    await expectNoLeaks(async () => {
      for (const m of models) {
        const saved = await save(m);
        expect(saved.modelJSON.modelTopology).toMatchObject({ format: 'glassbox-ae-vae', version: 1, kind: m.kind });
        expect(saved.weightData.byteLength).toBe(m.countParams() * 4);
        const names = saved.modelJSON.weightsManifest[0]!.weights.map((w) => w.name);
        expect(names.every((n) => /^(encoder|decoder|latent)\//.test(n))).toBe(true);
        const copy = load(saved);
        expectSameModel(m, copy, x);
        copy.dispose();
      }
      const dir = join(tmp, 'conv-ae');
      await saveToDir(models[1]!, dir);
      const fromDir = await loadFromDir(dir);
      expectSameModel(models[1]!, fromDir, x);
      fromDir.dispose();
    });
    models.forEach((m) => m.dispose());
    x.dispose();
  });

  it('refuses truncated, extended, mismatched, oversized and non-finite weights with BAD_WEIGHTS', async () => {
    const model = vae({ inputShape: [8, 8, 1], latentDim: 2, hidden: [6], seed: 1 });
    const saved = await save(model);
    const n = saved.weightData.byteLength;
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => load({ ...clone(saved), weightData: saved.weightData.slice(0, n - 4) }), 'BAD_WEIGHTS');
      const longer = new Uint8Array(n + 4);
      longer.set(new Uint8Array(saved.weightData));
      await expectGlassboxError(() => load({ ...clone(saved), weightData: longer.buffer }), 'BAD_WEIGHTS');
      const wrongShape = clone(saved);
      const kernel = wrongShape.modelJSON.weightsManifest[0].weights.find((w: any) => w.name === 'decoder/logits/kernel');
      kernel.shape = [kernel.shape[1], kernel.shape[0]];
      await expectGlassboxError(() => load(wrongShape), 'BAD_WEIGHTS', /decoder\/logits\/kernel/);
      const renamed = clone(saved);
      renamed.modelJSON.weightsManifest[0].weights[0].name = 'generator/dense/kernel';
      await expectGlassboxError(() => load(renamed), 'BAD_WEIGHTS', /generator\/dense\/kernel/);
      const otherArch = clone(saved);
      otherArch.modelJSON.modelTopology.options.latentDim = 3;
      await expectGlassboxError(() => load(otherArch), 'BAD_WEIGHTS');
      const mismatch = clone(saved);
      mismatch.modelJSON.modelTopology.decoder.layers[0].activation = 'tanh';
      await expectGlassboxError(() => load(mismatch), 'BAD_WEIGHTS', /do not match the layers its options describe/);
      const huge = clone(saved);
      huge.modelJSON.weightsManifest[0].weights[0].shape = [1_000_000, 1_000_000];
      await expectGlassboxError(() => load(huge), 'BAD_WEIGHTS');
      const hugeModel = clone(saved);
      hugeModel.modelJSON.modelTopology.options.hidden = [2_000_000_000];
      await expectGlassboxError(() => load(hugeModel), 'BAD_WEIGHTS', /more than options.maxElements/);
      const nan = clone(saved);
      new Float32Array(nan.weightData)[3] = NaN;
      await expectGlassboxError(() => load(nan), 'BAD_WEIGHTS');
      const notOurs = clone(saved);
      notOurs.modelJSON.modelTopology.kind = 'gan';
      await expectGlassboxError(() => load(notOurs), 'BAD_WEIGHTS', /must describe an autoencoder or a VAE/);
      const badOptions = clone(saved);
      badOptions.modelJSON.modelTopology.options.beta = -1;
      await expectGlassboxError(() => load(badOptions), 'BAD_WEIGHTS', /load: modelTopology: options.beta must be a finite number > 0, got -1/);
      await expectGlassboxError(() => load(undefined as never), 'INVALID_ARGUMENT');
    });
    model.dispose();
  });

  it('refuses bad files in a folder with BAD_WEIGHTS', async () => {
    const ae = autoencoder({ inputShape: [5], latentDim: 2, hidden: [3], seed: 1 });
    const dir = join(tmp, 'bad');
    await saveToDir(ae, dir);
    const bin = readFileSync(join(dir, 'weights.bin'));
    await expectNoLeaks(async () => {
      writeFileSync(join(dir, 'weights.bin'), bin.subarray(0, 8));
      await expectGlassboxError(() => loadFromDir(dir), 'BAD_WEIGHTS');
      writeFileSync(join(dir, 'weights.bin'), Buffer.concat([bin, Buffer.alloc(64)]));
      await expectGlassboxError(() => loadFromDir(dir), 'BAD_WEIGHTS');
      await expectGlassboxError(() => loadFromDir(join(tmp, 'nothing-here')), 'BAD_WEIGHTS', /could not read/);
    });
    ae.dispose();
    await expectGlassboxError(() => save(ae), 'INVALID_ARGUMENT', /disposed/);
    await expectGlassboxError(() => saveToDir(ae, dir), 'INVALID_ARGUMENT', /disposed/);
  });
});
