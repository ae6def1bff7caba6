import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { encodeWeights } from './encode-weights.js';
import { decodeWeights } from './decode-weights.js';
import { fileIOHandler, fromModelArtifacts, toModelArtifacts } from './artifacts.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'glassbox-artifacts-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describeBackends('model artifacts', () => {
  it('toModelArtifacts / fromModelArtifacts round trip', async () => {
    await expectNoLeaks(async () => {
      const t = { k: tf.tensor2d([[1, -2], [3, 4.5]]), n: tf.tensor1d([9], 'int32') };
      const enc = await encodeWeights(t, { modelTopology: { arch: 1 }, format: 'layers-model' });
      const artifacts = toModelArtifacts(enc);
      expect(artifacts.modelTopology).toEqual({ arch: 1 });
      expect(artifacts.format).toBe('layers-model');
      expect(artifacts.weightSpecs).toEqual([
        { name: 'k', shape: [2, 2], dtype: 'float32' },
        { name: 'n', shape: [1], dtype: 'int32' },
      ]);
      // tf.io itself can decode them.
      const viaTf = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
      expectTensorClose(viaTf.k!, t.k, 0);
      const back = fromModelArtifacts(artifacts);
      // The same model.json except the SHA-256 of the weights, which tf.io's artifacts have no place for
      // (saving through fileIOHandler writes it again).
      const { sha256, ...group } = enc.modelJSON.weightsManifest[0] as (typeof enc.modelJSON.weightsManifest)[0] & { sha256?: string };
      expect(sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(back.modelJSON).toEqual({ ...enc.modelJSON, weightsManifest: [group] });
      const w = decodeWeights(back.modelJSON, back.weightData);
      expectTensorClose(w.k!, t.k, 0);
      expect(Array.from(w.n!.dataSync())).toEqual([9]);
      tf.dispose([t, viaTf, w]);
    });
  });

  it('fileIOHandler saves and loads through tf.io', async () => {
    await expectNoLeaks(async () => {
      const t = { k: tf.tensor2d([[1, -2], [3, 4.5]]) };
      const enc = await encodeWeights(t, { modelTopology: { arch: 2 } });
      const handler = fileIOHandler(join(root, 'h1'));
      const result = await handler.save!(toModelArtifacts(enc));
      expect(result.modelArtifactsInfo.weightDataBytes).toBe(16);
      const loaded = await handler.load!();
      expect(loaded.modelTopology).toEqual({ arch: 2 });
      const w = tf.io.decodeWeights(loaded.weightData!, loaded.weightSpecs!);
      expectTensorClose(w.k!, t.k, 0);
      // tf.io's memory handler composes with it.
      const mem = await tf.io.fromMemory(loaded).load!();
      expect(mem.weightSpecs).toEqual(loaded.weightSpecs);
      tf.dispose([t, w]);
    });
  });

  it('refuses bad artifacts', async () => {
    const t = { k: tf.ones([2, 2]) };
    const enc = await encodeWeights(t);
    tf.dispose(t);
    await expectGlassboxError(() => toModelArtifacts({ modelJSON: enc.modelJSON, weightData: enc.weightData.slice(4) }), 'BAD_WEIGHTS', /truncated/);
    await expectGlassboxError(() => fromModelArtifacts({ weightSpecs: [{ name: 'k', shape: [2, 2], dtype: 'float32' }], weightData: new ArrayBuffer(20) }), 'BAD_WEIGHTS', /4 extra bytes/);
    await expectGlassboxError(() => fromModelArtifacts({ weightSpecs: [{ name: 'k', shape: [2, 2], dtype: 'complex64' }], weightData: new ArrayBuffer(16) }), 'BAD_WEIGHTS', /'k' must have dtype/);
    await expectGlassboxError(() => fromModelArtifacts({ modelTopology: new ArrayBuffer(4) }), 'INVALID_ARGUMENT', /GraphDef/);
    await expectGlassboxError(() => fileIOHandler(join(root, 'missing')).load!(), 'BAD_WEIGHTS', /could not read/);
    await expectGlassboxError(() => fileIOHandler(''), 'INVALID_ARGUMENT', /dir/);
  });
});
