import { expect, it } from 'vitest';
import type { io } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { encodeWeights } from './encode-weights.js';
import { decodeWeights } from './decode-weights.js';

async function sample(): Promise<{ modelJSON: io.ModelJSON; weightData: ArrayBuffer }> {
  const t = {
    'conv/kernel': tf.tensor4d(Array.from({ length: 18 }, (_, i) => i * 0.5 - 3), [3, 3, 1, 2]),
    'conv/bias': tf.tensor1d([0.25, -0.75]),
    steps: tf.tensor1d([3, 1, 4], 'int32'),
  };
  const out = await encodeWeights(t);
  tf.dispose(Object.values(t));
  return out;
}

/** A deep copy of model.json without the groups' SHA-256 (as written by tools other than Glassbox). */
function withoutHash(modelJSON: io.ModelJSON): io.ModelJSON {
  const copy = JSON.parse(JSON.stringify(modelJSON)) as io.ModelJSON;
  for (const g of copy.weightsManifest) delete (g as { sha256?: string }).sha256;
  return copy;
}

/** A deep copy of model.json with one weight entry changed. */
function withEntry(modelJSON: io.ModelJSON, index: number, change: Record<string, unknown>): unknown {
  const copy = JSON.parse(JSON.stringify(modelJSON)) as { weightsManifest: { weights: Record<string, unknown>[] }[] };
  Object.assign(copy.weightsManifest[0]!.weights[index]!, change);
  return copy;
}

describeBackends('decodeWeights', () => {
  it('round trip gives identical tensors', async () => {
    await expectNoLeaks(async () => {
      const { modelJSON, weightData } = await sample();
      const w = decodeWeights(modelJSON, weightData);
      expect(Object.keys(w)).toEqual(['conv/kernel', 'conv/bias', 'steps']);
      expect(w['conv/kernel']!.shape).toEqual([3, 3, 1, 2]);
      expectTensorClose(w['conv/kernel']!, Array.from({ length: 18 }, (_, i) => i * 0.5 - 3), 0);
      expectTensorClose(w['conv/bias']!, [0.25, -0.75], 0);
      expect(w.steps!.dtype).toBe('int32');
      expect(Array.from(w.steps!.dataSync())).toEqual([3, 1, 4]);
      tf.dispose(w);
    });
  });

  it('accepts a Uint8Array view (e.g. a Node Buffer) and a list of shards, and zero-sized weights', async () => {
    await expectNoLeaks(async () => {
      const { modelJSON, weightData } = await sample();
      const padded = new Uint8Array(weightData.byteLength + 8);
      padded.set(new Uint8Array(weightData), 3);
      const view = padded.subarray(3, 3 + weightData.byteLength);
      const a = decodeWeights(modelJSON, view);
      const b = decodeWeights(modelJSON, [weightData.slice(0, 10), weightData.slice(10)]);
      expectTensorClose(a['conv/bias']!, [0.25, -0.75], 0);
      expectTensorClose(b['conv/kernel']!, a['conv/kernel']!, 0);
      const empty = tf.zeros([0, 3]);
      const enc = await encodeWeights({ empty });
      const c = decodeWeights(enc.modelJSON, enc.weightData);
      expect(c.empty!.shape).toEqual([0, 3]);
      tf.dispose([a, b, c, empty]);
    });
  });

  it('refuses truncated data and extra bytes, naming the weight', async () => {
    const { modelJSON, weightData } = await sample();
    await expectGlassboxError(() => decodeWeights(modelJSON, weightData.slice(0, weightData.byteLength - 4)), 'BAD_WEIGHTS', /truncated.*weight 'steps'/);
    await expectGlassboxError(() => decodeWeights(modelJSON, weightData.slice(0, 50)), 'BAD_WEIGHTS', /truncated: it has 50 bytes, but the manifest describes 92 bytes; weight 'conv\/kernel'/);
    const longer = new Uint8Array(weightData.byteLength + 3);
    longer.set(new Uint8Array(weightData));
    await expectGlassboxError(() => decodeWeights(modelJSON, longer), 'BAD_WEIGHTS', /95 bytes, but the manifest describes 92 bytes \(3 extra bytes/);
  });

  it('refuses bad manifest entries before allocating anything', async () => {
    const { modelJSON, weightData } = await sample();
    const cases: [unknown, RegExp][] = [
      [withEntry(modelJSON, 1, { dtype: 'float16' }), /weight 'conv\/bias' must have dtype 'float32' or 'int32', got "float16"/],
      [withEntry(modelJSON, 1, { dtype: 'bool' }), /dtype 'float32' or 'int32', got "bool"/],
      [withEntry(modelJSON, 1, { dtype: 'string' }), /got "string"/],
      [withEntry(modelJSON, 1, { dtype: undefined }), /dtype .* got undefined/],
      [withEntry(modelJSON, 0, { shape: [3, -3, 1, 2] }), /weight 'conv\/kernel' has shape \[3, -3, 1, 2\]: dimension 1 must be an integer >= 0, got -3/],
      [withEntry(modelJSON, 0, { shape: [3, 1.5, 1, 2] }), /dimension 1 must be an integer >= 0, got 1.5/],
      [withEntry(modelJSON, 0, { shape: [3, '3', 1, 2] }), /dimension 1 must be an integer >= 0, got "3"/],
      [withEntry(modelJSON, 0, { shape: [3, null, 1, 2] }), /dimension 1 .* got null/],
      [withEntry(modelJSON, 0, { shape: undefined }), /must have a shape/],
      [withEntry(modelJSON, 0, { shape: [1e6, 1e6] }), /'conv\/kernel' of shape \[1000000, 1000000\] has more than maxElements = 50000000/],
      [withEntry(modelJSON, 0, { shape: [2 ** 53, 2] }), /dimension 0 must be an integer >= 0/],
      [withEntry(modelJSON, 0, { name: '' }), /weightsManifest\[0\].weights\[0\].name must be a non-empty string/],
      [withEntry(modelJSON, 0, { name: 'conv/bias' }), /weight 'conv\/bias' .* appears more than once/],
      [withEntry(modelJSON, 1, { quantization: { dtype: 'uint8', min: 0, scale: 1 } }), /'conv\/bias' is quantized/],
      [{ ...modelJSON, weightsManifest: undefined }, /weightsManifest must be an array/],
      [{ ...modelJSON, weightsManifest: [{ weights: [] }] }, /paths must be an array of non-empty strings/],
      [{ ...modelJSON, weightsManifest: [{ paths: ['w.bin'], weights: {} }] }, /weights must be an array/],
      [{ ...modelJSON, weightsManifest: [null] }, /weightsManifest\[0\] must be an object/],
      [null, /modelJSON must be an object/],
      ['model.json', /modelJSON must be an object/],
    ];
    for (const [json, message] of cases) {
      const before = tf.memory().numBytes;
      await expectGlassboxError(() => decodeWeights(json, weightData), 'BAD_WEIGHTS', message);
      expect(tf.memory().numBytes).toBe(before);
    }
  });

  it('checks the total size against maxElements from the shapes alone', async () => {
    const { modelJSON, weightData } = await sample();
    // 18 + 2 + 3 = 23 elements in total.
    await expectGlassboxError(() => decodeWeights(modelJSON, weightData, { maxElements: 22 }), 'BAD_WEIGHTS', /up to 'steps' have 23 elements in total, more than maxElements = 22/);
    await expectGlassboxError(() => decodeWeights(modelJSON, weightData, { maxElements: 10 }), 'BAD_WEIGHTS', /'conv\/kernel' of shape \[3, 3, 1, 2\] has more than maxElements = 10/);
    await expectNoLeaks(() => tf.dispose(decodeWeights(modelJSON, weightData, { maxElements: 23 })));
    // A huge claim with almost no data: refused for its size, not for the missing bytes.
    const huge = withEntry(modelJSON, 2, { shape: [1e6, 1e6] });
    await expectGlassboxError(() => decodeWeights(huge, new ArrayBuffer(8)), 'BAD_WEIGHTS', /maxElements/);
    await expectGlassboxError(() => decodeWeights(modelJSON, weightData, { maxElements: -1 }), 'INVALID_ARGUMENT', /options.maxElements/);
  });

  it('refuses non-finite float values unless allowed', async () => {
    const { modelJSON: hashed, weightData } = await sample();
    // Changed bytes no longer match the manifest's SHA-256; without one, the finiteness check is what refuses them.
    const modelJSON = withoutHash(hashed);
    const copy = weightData.slice(0);
    new DataView(copy).setFloat32(4 * 18 + 4, NaN, true);
    await expectGlassboxError(() => decodeWeights(modelJSON, copy), 'BAD_WEIGHTS', /'conv\/bias' must hold finite values, got NaN at flat index 1/);
    await expectNoLeaks(() => {
      const w = decodeWeights(modelJSON, copy, { allowNonFinite: true });
      expect(Number.isNaN(w['conv/bias']!.dataSync()[1])).toBe(true);
      tf.dispose(w);
    });
  });

  it('refuses weight data of the wrong type', async () => {
    const { modelJSON } = await sample();
    await expectGlassboxError(() => decodeWeights(modelJSON, 'bytes' as never), 'INVALID_ARGUMENT', /weightData must be an ArrayBuffer/);
  });
});
