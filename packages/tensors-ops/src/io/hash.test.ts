// The SHA-256 that model.json carries for its weights: written by every save path, checked by every load
// path (decodeWeights, toModelArtifacts, files, URLs, tf.io handler), a byte-flipped copy refused with
// BAD_WEIGHTS, a model.json without one still loaded. Files go to this package's ignored tmp/ folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor, io } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { createRng } from '../rng.js';
import { isSha256Hex, sha256Hex, sha256HexAsync } from './hash.js';
import { encodeWeights } from './encode-weights.js';
import { decodeWeights } from './decode-weights.js';
import { fileIOHandler, fromModelArtifacts, toModelArtifacts } from './artifacts.js';
import { loadWeightsFromFiles, saveWeightsToFiles } from './files.js';
import { loadWeightsFromUrl } from './url.js';

const root = join(fileURLToPath(new URL('../../tmp/', import.meta.url)), `hash-test-${process.pid}`);
let counter = 0;
const fresh = (): string => join(root, `case-${counter++}`);
beforeAll(async () => {
  await mkdir(root, { recursive: true });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** SHA-256 by Node's own implementation, as the reference. */
const nodeSha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

type Group = io.ModelJSON['weightsManifest'][number] & { sha256?: string };
const groupOf = (modelJSON: io.ModelJSON, i = 0): Group => modelJSON.weightsManifest[i] as Group;

/** A copy of `bytes` with byte `at` changed (xor 1: the smallest change). */
function flipped(bytes: ArrayBuffer, at: number): ArrayBuffer {
  const copy = bytes.slice(0);
  new Uint8Array(copy)[at]! ^= 1;
  return copy;
}

function tensors(): Record<string, Tensor> {
  return {
    'dense/kernel': tf.tensor2d(createRng(1).normalArray(40 * 8), [40, 8]),
    'dense/bias': tf.tensor1d(createRng(2).normalArray(8)),
    steps: tf.tensor1d([3, 1, 4], 'int32'),
  };
}

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vectors and Node crypto, synchronously and with WebCrypto', async () => {
    const abc = new TextEncoder().encode('abc');
    expect(sha256Hex(abc)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256HexAsync(abc)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const big = new Uint8Array(createRng(3).uniformArray(300_001, 0, 256).buffer);
    const view = big.subarray(7, 1_000_003); // a view that starts inside its buffer
    expect(sha256Hex(view)).toBe(nodeSha256(view));
    expect(await sha256HexAsync(view)).toBe(nodeSha256(view));
    expect(isSha256Hex(sha256Hex(view).toUpperCase())).toBe(true);
    expect(isSha256Hex('abc')).toBe(false);
  });
});

describeBackends('weights hashes', () => {
  it('encodeWeights and saveWeightsToFiles write the SHA-256 of the weights file into model.json', async () => {
    await expectNoLeaks(async () => {
      const t = tensors();
      const enc = await encodeWeights(t);
      expect(groupOf(enc.modelJSON).sha256).toBe(nodeSha256(new Uint8Array(enc.weightData)));
      const dir = fresh();
      const saved = await saveWeightsToFiles(dir, t);
      const onDisk = JSON.parse(await readFile(saved.modelJSONPath, 'utf8')) as io.ModelJSON;
      expect(groupOf(onDisk).sha256).toBe(nodeSha256(await readFile(saved.weightsPath)));
      // tf.io artifacts carry no hash; saving them through the handler writes one.
      const viaHandler = fresh();
      await fileIOHandler(viaHandler).save!(toModelArtifacts(enc));
      const written = JSON.parse(await readFile(join(viaHandler, 'model.json'), 'utf8')) as io.ModelJSON;
      expect(groupOf(written).sha256).toBe(nodeSha256(await readFile(join(viaHandler, 'weights.bin'))));
      tf.dispose(t);
    });
  });

  it('a byte-flipped copy is refused with BAD_WEIGHTS by every loader, naming the group and both digests', async () => {
    const t = tensors();
    const enc = await encodeWeights(t);
    tf.dispose(t);
    const expected = groupOf(enc.modelJSON).sha256!;
    const size = enc.weightData.byteLength;
    // The first byte, the last one and seeded positions in between: every flip is caught.
    const positions = [0, size - 1, ...Array.from({ length: 6 }, (_, i) => createRng(10).fork(i).int(size))];
    for (const at of positions) {
      const bad = flipped(enc.weightData, at);
      const actual = nodeSha256(new Uint8Array(bad));
      const message = new RegExp(
        `^decodeWeights: the bytes of weightsManifest\\[0\\] \\(weights\\.bin\\) do not match the SHA-256 that model\\.json gives for them: ` +
          `expected ${expected}, got ${actual}\\. The weight file is corrupt or belongs to another model\\.json`,
      );
      await expectGlassboxError(() => decodeWeights(enc.modelJSON, bad), 'BAD_WEIGHTS', message);
    }
    const bad = flipped(enc.weightData, 5);
    await expectGlassboxError(() => toModelArtifacts({ modelJSON: enc.modelJSON, weightData: bad }), 'BAD_WEIGHTS', /^toModelArtifacts: the bytes of weightsManifest\[0\]/);

    // On disk: model.json and a corrupt weights.bin next to it.
    const dir = fresh();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model.json'), JSON.stringify(enc.modelJSON));
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(bad));
    await expectGlassboxError(() => loadWeightsFromFiles(dir), 'BAD_WEIGHTS', /^loadWeightsFromFiles: the bytes of weightsManifest\[0\] \(weights\.bin\) do not match/);
    await expectGlassboxError(() => fileIOHandler(dir).load!(), 'BAD_WEIGHTS', /^fileIOHandler\.load: the bytes of weightsManifest\[0\]/);

    // Over HTTP.
    const served: Record<string, string | Uint8Array> = {
      'https://x.test/m/model.json': JSON.stringify(enc.modelJSON),
      'https://x.test/m/weights.bin': new Uint8Array(bad),
    };
    const fetchFn = (async (input: RequestInfo | URL) => {
      const body = served[String(input)];
      return body === undefined ? new Response('', { status: 404 }) : new Response(body as BodyInit, { status: 200 });
    }) as typeof fetch;
    await expectGlassboxError(
      () => loadWeightsFromUrl('https://x.test/m/model.json', { fetch: fetchFn }),
      'BAD_WEIGHTS',
      /^loadWeightsFromUrl: the bytes of weightsManifest\[0\] \(weights\.bin\) do not match/,
    );
  });

  it('the intact files load; a model.json without a hash (another tool wrote it) loads unchecked', async () => {
    await expectNoLeaks(async () => {
      const t = tensors();
      const dir = fresh();
      await saveWeightsToFiles(dir, t);
      const loaded = await loadWeightsFromFiles(dir);
      expectTensorClose(loaded.weights['dense/kernel']!, t['dense/kernel']!, 0);
      tf.dispose(loaded.weights);

      const enc = await encodeWeights(t);
      const plain = JSON.parse(JSON.stringify(enc.modelJSON)) as io.ModelJSON;
      delete groupOf(plain).sha256;
      // Corrupt bytes are then only caught by the other checks (here: none), as in the plain TensorFlow.js format.
      const w = decodeWeights(plain, flipped(enc.weightData, 4));
      expect(Array.from(w.steps!.dataSync())).toEqual([3, 1, 4]);
      tf.dispose(w);
      const upper = JSON.parse(JSON.stringify(enc.modelJSON)) as io.ModelJSON;
      groupOf(upper).sha256 = groupOf(upper).sha256!.toUpperCase();
      tf.dispose(decodeWeights(upper, enc.weightData));
      // fromModelArtifacts (tf.io artifacts in memory) leaves the hash out; decoding them still works.
      const back = fromModelArtifacts(toModelArtifacts(enc));
      expect(groupOf(back.modelJSON).sha256).toBeUndefined();
      tf.dispose(decodeWeights(back.modelJSON, back.weightData));
      tf.dispose(t);
    });
  });

  it('checks each group of a multi-group manifest over its own bytes, and refuses a malformed hash', async () => {
    const a = new Float32Array([1, 2, 3]);
    const b = new Float32Array([4, 5]);
    const bytes = new Uint8Array(20);
    bytes.set(new Uint8Array(a.buffer), 0);
    bytes.set(new Uint8Array(b.buffer), 12);
    const modelJSON = {
      weightsManifest: [
        { paths: ['g1.bin'], sha256: nodeSha256(bytes.subarray(0, 12)), weights: [{ name: 'a', shape: [3], dtype: 'float32' }] },
        { paths: ['g2.bin'], sha256: nodeSha256(bytes.subarray(12)), weights: [{ name: 'b', shape: [2], dtype: 'float32' }] },
      ],
    };
    await expectNoLeaks(() => {
      const w = decodeWeights(modelJSON, bytes);
      expect(Array.from(w.b!.dataSync())).toEqual([4, 5]);
      tf.dispose(w);
    });
    const bad = flipped(bytes.slice().buffer, 13);
    await expectGlassboxError(() => decodeWeights(modelJSON, bad), 'BAD_WEIGHTS', /the bytes of weightsManifest\[1\] \(g2\.bin\) do not match/);
    const malformed = { weightsManifest: [{ ...modelJSON.weightsManifest[0], sha256: 'abc' }] };
    await expectGlassboxError(
      () => decodeWeights(malformed, bytes.subarray(0, 12)),
      'BAD_WEIGHTS',
      /weightsManifest\[0\]\.sha256 must be a SHA-256 digest \(64 hexadecimal digits\), got "abc"/,
    );
  });
});
