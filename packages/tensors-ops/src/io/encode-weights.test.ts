import { expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { encodeWeights } from './encode-weights.js';

describeBackends('encodeWeights', () => {
  it('writes one manifest group pointing at weights.bin, with the bytes back to back', async () => {
    await expectNoLeaks(async () => {
      const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
      const b = tf.tensor1d([7, -8], 'int32');
      const c = tf.scalar(0.5);
      const { modelJSON, weightData } = await encodeWeights({ 'l/a': a, 'l/b': b, c }, { modelTopology: { hello: [1, 2] }, userDefinedMetadata: { note: { x: 1 } } });
      expect(modelJSON.format).toBe('glassbox-weights');
      expect(modelJSON.modelTopology).toEqual({ hello: [1, 2] });
      expect(modelJSON.userDefinedMetadata).toEqual({ note: { x: 1 } });
      expect(modelJSON.weightsManifest).toEqual([
        {
          paths: ['weights.bin'],
          // The SHA-256 of the bytes, by Node's own implementation.
          sha256: createHash('sha256').update(new Uint8Array(weightData)).digest('hex'),
          weights: [
            { name: 'l/a', shape: [2, 3], dtype: 'float32' },
            { name: 'l/b', shape: [2], dtype: 'int32' },
            { name: 'c', shape: [], dtype: 'float32' },
          ],
        },
      ]);
      expect(weightData.byteLength).toBe((6 + 2 + 1) * 4);
      // The bytes, read independently: little-endian float32 then int32 then float32.
      const view = new DataView(weightData);
      expect([0, 1, 2, 3, 4, 5].map((i) => view.getFloat32(i * 4, true))).toEqual([1, 2, 3, 4, 5, 6]);
      expect([view.getInt32(24, true), view.getInt32(28, true)]).toEqual([7, -8]);
      expect(view.getFloat32(32, true)).toBe(0.5);
      // JSON round trip of model.json is lossless.
      expect(JSON.parse(JSON.stringify(modelJSON))).toEqual(modelJSON);
      tf.dispose([a, b, c]);
    });
  });

  it('keeps the order of a Map and takes a custom format and path', async () => {
    await expectNoLeaks(async () => {
      const a = tf.ones([2]);
      const b = tf.zeros([1]);
      const { modelJSON } = await encodeWeights(new Map([['z', a], ['a', b]]), { format: 'layers-model', weightsPath: 'group1-shard1of1.bin' });
      expect(modelJSON.format).toBe('layers-model');
      expect(modelJSON.weightsManifest[0]!.paths).toEqual(['group1-shard1of1.bin']);
      expect(modelJSON.weightsManifest[0]!.weights.map((w) => w.name)).toEqual(['z', 'a']);
      tf.dispose([a, b]);
    });
  });

  it('refuses what it cannot write', async () => {
    const bool = tf.tensor1d([1, 0], 'bool');
    const ok = tf.ones([1]);
    const gone = tf.ones([1]);
    gone.dispose();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expectGlassboxError(() => encodeWeights({ b: bool }), 'INVALID_ARGUMENT', /weight 'b' must be float32 or int32, got dtype bool/);
    await expectGlassboxError(() => encodeWeights({ g: gone }), 'INVALID_ARGUMENT', /weight 'g' must be a live tensor/);
    await expectGlassboxError(() => encodeWeights({ n: [1, 2] as never }), 'INVALID_ARGUMENT', /weight 'n' must be a live tensor/);
    await expectGlassboxError(() => encodeWeights(null as never), 'INVALID_ARGUMENT', /named must be a record/);
    await expectGlassboxError(() => encodeWeights({ ok }, { modelTopology: cyclic }), 'INVALID_ARGUMENT', /JSON-serialisable/);
    await expectGlassboxError(() => encodeWeights({ ok }, { weightsPath: '../up.bin' }), 'INVALID_ARGUMENT', /weightsPath/);
    tf.dispose([bool, ok]);
  });
});
