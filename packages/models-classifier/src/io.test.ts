import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createRng, decodeWeights, tf, type EncodedWeights } from '@glassbox/tensors-ops';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { createClassifier, createCnn, createMlp, type Classifier } from './classifier.js';
import { load, loadFromDir, save, saveToDir } from './io.js';

const tmp = mkdtempSync(join(tmpdir(), 'glassbox-classifier-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function clone(e: EncodedWeights): { modelJSON: any; weightData: ArrayBuffer } {
  return { modelJSON: JSON.parse(JSON.stringify(e.modelJSON)), weightData: e.weightData.slice(0) };
}

function expectSameOutputs(a: Classifier, b: Classifier, x: Tensor): void {
  const ya = a.predict(x);
  const yb = b.predict(x);
  expectTensorClose(ya, yb, 0);
  tf.dispose([ya, yb]);
}

describeBackends('save / load', () => {
  const small = () => createCnn({ filters: [4, 8], denseUnits: 16, seed: 7 });
  const images = (n: number) => tf.tensor4d(createRng(3).uniformArray(n * 784), [n, 28, 28, 1]);

  it('round-trips a CNN through { modelJSON, weightData } with identical outputs', async () => {
    const cnn = small();
    const x = images(4);
    await expectNoLeaks(async () => {
      const saved = await save(cnn);
      expect(saved.modelJSON.modelTopology).toMatchObject({ format: 'glassbox-classifier', version: 1, kind: 'classifier', variant: 'cnn' });
      expect((saved.modelJSON.modelTopology as any).options).toEqual({ inputShape: [28, 28, 1], classes: 10, filters: [4, 8], pool: 'avg', denseUnits: 16, dropout: 0.25, seed: 7 });
      expect(saved.modelJSON.weightsManifest[0]!.paths).toEqual(['weights.bin']);
      expect(saved.weightData.byteLength).toBe(cnn.network.countParams() * 4);
      const copy = load(saved);
      expect(copy.layerNames).toEqual(cnn.layerNames);
      expect(copy.options).toEqual(cnn.options);
      expectSameOutputs(cnn, copy, x);
      copy.dispose();
      // tf.io ModelArtifacts work too.
      const artifacts = { modelTopology: saved.modelJSON.modelTopology, weightSpecs: saved.modelJSON.weightsManifest[0]!.weights, weightData: saved.weightData };
      const copy2 = load(artifacts);
      expectSameOutputs(cnn, copy2, x);
      copy2.dispose();
    });
    x.dispose();
    cnn.dispose();
  });

  it('round-trips MLP and custom classifiers, and through a folder', async () => {
    const mlp = createMlp({ inputSize: 3, classes: 4, hidden: [5], activation: 'elu', seed: 2 });
    const custom = createClassifier([{ type: 'dense', name: 'h', units: 3, activation: 'tanh' }, { type: 'dense', name: 'out', units: 2 }], [3], { seed: 1 });
    const x = tf.tensor2d(createRng(4).normalArray(6), [2, 3]);
    await expectNoLeaks(async () => {
      for (const m of [mlp, custom]) {
        const copy = load(await save(m));
        expect(copy.variant).toBe(m.variant);
        expectSameOutputs(m, copy, x);
        copy.dispose();
      }
      const dir = join(tmp, 'mlp');
      const files = await saveToDir(mlp, dir);
      expect(files.weightBytes).toBe(mlp.network.countParams() * 4);
      const fromDir = await loadFromDir(dir);
      expectSameOutputs(mlp, fromDir, x);
      fromDir.dispose();
      const fromJson = await loadFromDir(join(dir, 'model.json'));
      fromJson.dispose();
    });
    tf.dispose(x);
    mlp.dispose();
    custom.dispose();
  });

  it('refuses truncated, extended, mismatched, oversized and non-finite weights with BAD_WEIGHTS', async () => {
    const cnn = small();
    const saved = await save(cnn);
    const n = saved.weightData.byteLength;
    await expectNoLeaks(async () => {
      // Truncated and extended weight data.
      await expectGlassboxError(() => load({ ...clone(saved), weightData: saved.weightData.slice(0, n - 4) }), 'BAD_WEIGHTS');
      const longer = new Uint8Array(n + 8);
      longer.set(new Uint8Array(saved.weightData));
      await expectGlassboxError(() => load({ ...clone(saved), weightData: longer.buffer }), 'BAD_WEIGHTS');
      // A weight with the wrong shape (same number of bytes).
      const wrongShape = clone(saved);
      const kernel = wrongShape.modelJSON.weightsManifest[0].weights.find((w: any) => w.name === 'dense1/kernel');
      kernel.shape = [kernel.shape[1], kernel.shape[0]];
      await expectGlassboxError(() => load(wrongShape), 'BAD_WEIGHTS', /dense1\/kernel/);
      // A renamed weight.
      const renamed = clone(saved);
      renamed.modelJSON.weightsManifest[0].weights[0].name = 'conv9/kernel';
      await expectGlassboxError(() => load(renamed), 'BAD_WEIGHTS', /conv9\/kernel/);
      // Weights of another architecture: the topology says 32 dense units.
      const other = clone(saved);
      other.modelJSON.modelTopology.options.denseUnits = 32;
      await expectGlassboxError(() => load(other), 'BAD_WEIGHTS');
      // A manifest claiming a huge weight: refused from the manifest, before allocating.
      const huge = clone(saved);
      huge.modelJSON.weightsManifest[0].weights[0].shape = [1_000_000, 1_000_000];
      await expectGlassboxError(() => load(huge), 'BAD_WEIGHTS');
      // A topology describing a huge model: refused before any variable is made.
      const hugeModel = clone(saved);
      hugeModel.modelJSON.modelTopology.options.denseUnits = 1_000_000_000;
      hugeModel.modelJSON.modelTopology.network.layers.find((l: any) => l.name === 'dense1').units = 1_000_000_000;
      await expectGlassboxError(() => load(hugeModel), 'BAD_WEIGHTS', /more than options.maxElements/);
      await expectGlassboxError(() => load(saved, { maxElements: 100 }), 'BAD_WEIGHTS', /more than options.maxElements \(100\)/);
      // Non-finite values.
      const nan = clone(saved);
      new Float32Array(nan.weightData)[5] = NaN;
      await expectGlassboxError(() => load(nan), 'BAD_WEIGHTS');
      // Not a classifier / no topology / garbage.
      const notOurs = clone(saved);
      notOurs.modelJSON.modelTopology = { class_name: 'Sequential' };
      await expectGlassboxError(() => load(notOurs), 'BAD_WEIGHTS', /must describe a classifier/);
      const badOptions = clone(saved);
      badOptions.modelJSON.modelTopology.options.filters = [0, 1];
      await expectGlassboxError(() => load(badOptions), 'BAD_WEIGHTS', /load: modelTopology: options.filters/);
      const badLayers = clone(saved);
      badLayers.modelJSON.modelTopology.variant = 'custom';
      badLayers.modelJSON.modelTopology.network.layers[0].type = 'lstm';
      await expectGlassboxError(() => load(badLayers), 'BAD_WEIGHTS', /lstm/);
      await expectGlassboxError(() => load({ modelJSON: { weightsManifest: [] }, weightData: new ArrayBuffer(0) } as never), 'BAD_WEIGHTS', /modelTopology/);
      await expectGlassboxError(() => load(null as never), 'INVALID_ARGUMENT');
      await expectGlassboxError(() => load({ modelJSON: saved.modelJSON } as never), 'BAD_WEIGHTS', /weightData/);
    });
    cnn.dispose();
  });

  it('non-finite weights: BAD_WEIGHTS naming the loader, the weight and the index, and no option the loader lacks', async () => {
    const mlp = createMlp({ inputSize: 3, classes: 2, hidden: [4], seed: 1 });
    const dir = join(tmp, 'nan');
    await saveToDir(mlp, dir);
    const bin = readFileSync(join(dir, 'weights.bin'));
    new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4)[2] = NaN;
    writeFileSync(join(dir, 'weights.bin'), bin);
    // Without the content hashes, which would refuse the edited bytes before the finiteness check.
    const dirJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { sha256?: string }[] };
    for (const g of dirJson.weightsManifest) delete g.sha256;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(dirJson));
    const encoded = await save(mlp);
    for (const g of encoded.modelJSON.weightsManifest as { sha256?: string }[]) delete g.sha256;
    new Float32Array(encoded.weightData)[0] = Infinity;
    const first = (encoded.modelJSON.weightsManifest as { weights: { name: string }[] }[])[0]!.weights[0]!.name;
    await expectNoLeaks(async () => {
      for (const [run, where, bad] of [
        [() => loadFromDir(dir), 'loadFromDir', 'NaN at flat index 2'],
        [() => load(encoded), 'load', 'Infinity at flat index 0'],
      ] as const) {
        const e = await expectGlassboxError(run, 'BAD_WEIGHTS');
        expect(e.message.startsWith(`${where}: weight '${first}' must hold finite values, got ${bad}; a model cannot run on non-finite weights`)).toBe(true);
        expect(e.message).not.toMatch(/pass allowNonFinite/);
      }
      // The weight readers, which do take allowNonFinite, still say so, and read the values with it.
      await expectGlassboxError(() => decodeWeights(encoded.modelJSON, encoded.weightData), 'BAD_WEIGHTS', /pass allowNonFinite: true to accept it/);
      const raw = decodeWeights(encoded.modelJSON, encoded.weightData, { allowNonFinite: true });
      expect(raw[first]!.dataSync()[0]).toBe(Infinity);
      tf.dispose(raw);
    });
    mlp.dispose();
  });

  it('refuses bad files in a folder with BAD_WEIGHTS', async () => {
    const mlp = createMlp({ inputSize: 3, classes: 2, hidden: [4], seed: 1 });
    const dir = join(tmp, 'bad');
    await saveToDir(mlp, dir);
    const bin = readFileSync(join(dir, 'weights.bin'));
    await expectNoLeaks(async () => {
      writeFileSync(join(dir, 'weights.bin'), bin.subarray(0, bin.length - 3));
      await expectGlassboxError(() => loadFromDir(dir), 'BAD_WEIGHTS');
      writeFileSync(join(dir, 'weights.bin'), Buffer.concat([bin, Buffer.alloc(4)]));
      await expectGlassboxError(() => loadFromDir(dir), 'BAD_WEIGHTS');
      writeFileSync(join(dir, 'weights.bin'), bin);
      const json = readFileSync(join(dir, 'model.json'), 'utf8');
      writeFileSync(join(dir, 'model.json'), json.slice(0, 40));
      await expectGlassboxError(() => loadFromDir(dir), 'BAD_WEIGHTS', /not valid JSON/);
      await expectGlassboxError(() => loadFromDir(join(tmp, 'missing')), 'BAD_WEIGHTS', /could not read/);
      await expectGlassboxError(() => loadFromDir(''), 'INVALID_ARGUMENT');
    });
    mlp.dispose();
    await expectGlassboxError(() => save(mlp), 'INVALID_ARGUMENT', /disposed/);
    await expectGlassboxError(() => save({} as never), 'INVALID_ARGUMENT', /must be a Classifier/);
  });
});
