import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { Sequential, sequential, type SequentialJSON } from '../nn/sequential.js';
import { loadWeightsFromFiles, saveWeightsToFiles } from './files.js';

let root = '';
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'glassbox-io-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const fresh = () => join(root, `case-${counter++}`);

function tensors(): Record<string, Tensor> {
  return {
    'dense/kernel': tf.tensor2d([[0.5, -1.5], [2, 1e-8], [-3.25, 7]]),
    'dense/bias': tf.tensor1d([0.1, 0.2]),
    counts: tf.tensor2d([[1, 2], [3, -4]], [2, 2], 'int32'),
  };
}

describeBackends('weight files', () => {
  it('save then load gives identical tensors and the topology', async () => {
    await expectNoLeaks(async () => {
      const dir = fresh();
      const t = tensors();
      const saved = await saveWeightsToFiles(dir, t, { modelTopology: { kind: 'test' } });
      expect(saved.modelJSONPath).toBe(join(dir, 'model.json'));
      expect(saved.weightsPath).toBe(join(dir, 'weights.bin'));
      expect(saved.weightBytes).toBe((6 + 2 + 4) * 4);
      expect((await readFile(saved.weightsPath)).byteLength).toBe(48);
      const { modelJSON, weights } = await loadWeightsFromFiles(dir);
      expect(modelJSON.modelTopology).toEqual({ kind: 'test' });
      expect(Object.keys(weights)).toEqual(Object.keys(t));
      for (const k of Object.keys(t)) {
        expect(weights[k]!.dtype).toBe(t[k]!.dtype);
        expect(Array.from(weights[k]!.dataSync())).toEqual(Array.from(t[k]!.dataSync()));
      }
      // The path of model.json works as well as the folder.
      const again = await loadWeightsFromFiles(saved.modelJSONPath);
      expectTensorClose(again.weights['dense/kernel']!, t['dense/kernel']!, 0);
      tf.dispose([t, weights, again.weights]);
    });
  });

  it('a Sequential round trips through files (architecture + weights)', async () => {
    await expectNoLeaks(async () => {
      const dir = fresh();
      const m = sequential(
        [
          { type: 'conv2d', name: 'c', filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' },
          { type: 'batchNorm', name: 'bn' },
          { type: 'flatten' },
          { type: 'dense', name: 'o', units: 3 },
        ],
        [4, 4, 1],
        { seed: 5 },
      );
      const x = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 1);
      tf.dispose(m.apply(x, { training: true })); // moving statistics differ from their initial values
      const w = m.getWeights();
      await saveWeightsToFiles(dir, w, { modelTopology: m.toJSON() });
      tf.dispose(w);
      const { modelJSON, weights } = await loadWeightsFromFiles(dir);
      const m2 = Sequential.fromJSON(modelJSON.modelTopology as SequentialJSON, { seed: 99 });
      m2.setWeights(weights);
      tf.dispose(weights);
      const y = m.predict(x);
      const y2 = m2.predict(x);
      expectTensorClose(y2, y, 0);
      tf.dispose([x, y, y2]);
      m.dispose();
      m2.dispose();
    });
  });

  it('refuses corrupted files with BAD_WEIGHTS and no leaks', async () => {
    const t = tensors();
    const dir = fresh();
    await saveWeightsToFiles(dir, t);
    tf.dispose(t);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const bin = await readFile(join(dir, 'weights.bin'));
    const variant = async (name: string, j: unknown, b: Uint8Array | null, text?: string) => {
      const d = join(root, `${name}-${counter++}`);
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'model.json'), text ?? JSON.stringify(j));
      if (b !== null) await writeFile(join(d, 'weights.bin'), b);
      return d;
    };
    const entry = (i: number, change: Record<string, unknown>) => {
      const c = JSON.parse(JSON.stringify(json));
      Object.assign(c.weightsManifest[0].weights[i], change);
      return c;
    };
    await expectGlassboxError(async () => loadWeightsFromFiles(await variant('trunc', json, bin.subarray(0, 40))), 'BAD_WEIGHTS', /weights.bin\) is truncated: it has 40 bytes, but the manifest describes 48 bytes; weight 'counts'/);
    await expectGlassboxError(async () => loadWeightsFromFiles(await variant('extra', json, Buffer.concat([bin, Buffer.from([1, 2, 3, 4])]))), 'BAD_WEIGHTS', /has 52 bytes, but the manifest describes 48 bytes \(4 extra bytes/);
    await expectGlassboxError(async () => loadWeightsFromFiles(await variant('dtype', entry(1, { dtype: 'float64' }), bin)), 'BAD_WEIGHTS', /'dense\/bias' must have dtype 'float32' or 'int32', got "float64"/);
    await expectGlassboxError(async () => loadWeightsFromFiles(await variant('neg', entry(0, { shape: [3, -2] }), bin)), 'BAD_WEIGHTS', /got -2/);
    await expectGlassboxError(async () => loadWeightsFromFiles(await variant('frac', entry(0, { shape: [3, 2.5] }), bin)), 'BAD_WEIGHTS', /got 2.5/);
    // Oversized: refused from model.json alone, although weights.bin does not even exist.
    await expectGlassboxError(async () => loadWeightsFromFiles(await variant('huge', entry(0, { shape: [1e6, 1e6] }), null)), 'BAD_WEIGHTS', /maxElements/);
    await expectGlassboxError(async () => loadWeightsFromFiles(await variant('nobin', json, null)), 'BAD_WEIGHTS', /weights.bin listed in weightsManifest\[0\].paths could not be read \(ENOENT\)/);
    await expectGlassboxError(async () => loadWeightsFromFiles(await variant('badjson', null, bin, '{"weightsManifest": [')), 'BAD_WEIGHTS', /is not valid JSON/);
    const escape = JSON.parse(JSON.stringify(json));
    escape.weightsManifest[0].paths = ['../case-0/weights.bin'];
    await expectGlassboxError(async () => loadWeightsFromFiles(await variant('escape', escape, bin)), 'BAD_WEIGHTS', /must be relative to model.json, with no '..'/);
    await expectGlassboxError(() => loadWeightsFromFiles(join(root, 'does-not-exist')), 'BAD_WEIGHTS', /could not read .*model.json \(ENOENT\)/);
    await expectGlassboxError(() => loadWeightsFromFiles(''), 'INVALID_ARGUMENT', /dir must be a non-empty path/);
    await expectGlassboxError(() => loadWeightsFromFiles(dir, { maxElements: 11 }), 'BAD_WEIGHTS', /more than maxElements = 11/);
  });

  it('loads a manifest split into several shards and groups', async () => {
    await expectNoLeaks(async () => {
      const t = tensors();
      const dir = fresh();
      await saveWeightsToFiles(dir, t);
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      const bin = await readFile(join(dir, 'weights.bin'));
      // Group 0: the two dense weights (32 bytes) in two shards; group 1: counts (16 bytes) in a subfolder.
      json.weightsManifest = [
        { paths: ['g0-a.bin', 'g0-b.bin'], weights: json.weightsManifest[0].weights.slice(0, 2) },
        { paths: ['sub/g1.bin'], weights: json.weightsManifest[0].weights.slice(2) },
      ];
      await mkdir(join(dir, 'sub'));
      await writeFile(join(dir, 'g0-a.bin'), bin.subarray(0, 10));
      await writeFile(join(dir, 'g0-b.bin'), bin.subarray(10, 32));
      await writeFile(join(dir, 'sub', 'g1.bin'), bin.subarray(32));
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      const { weights } = await loadWeightsFromFiles(dir);
      for (const k of Object.keys(t)) expect(Array.from(weights[k]!.dataSync())).toEqual(Array.from(t[k]!.dataSync()));
      // A shard of group 0 too short, with group 1 still fine: the message names group 0.
      await writeFile(join(dir, 'g0-b.bin'), bin.subarray(10, 30));
      await expectGlassboxError(() => loadWeightsFromFiles(dir), 'BAD_WEIGHTS', /weightsManifest\[0\] \(g0-a.bin, g0-b.bin\) is truncated/);
      tf.dispose([t, weights]);
    });
  });

  it('refuses bad arguments to saveWeightsToFiles', async () => {
    const ok = tf.ones([1]);
    await expectGlassboxError(() => saveWeightsToFiles('', { ok }), 'INVALID_ARGUMENT', /dir/);
    await expectGlassboxError(() => saveWeightsToFiles(fresh(), { s: 'x' as never }), 'INVALID_ARGUMENT', /weight 's' must be a live tensor/);
    ok.dispose();
  });
});
