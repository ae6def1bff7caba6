// The shipped digits-cnn carries the SHA-256 of its weights file in model.json: byte-flipped copies (which the
// plain TensorFlow.js format loads, and which predict garbage) are refused with BAD_WEIGHTS, in memory and from
// files; a model.json without the hash still loads. Copies on disk go to this package's ignored tmp/ folder.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRng, tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { load, loadFromDir } from './io.js';
import { loadPretrained } from './pretrained.js';

const shipped = fileURLToPath(new URL('../weights/digits-cnn/', import.meta.url));
const root = join(fileURLToPath(new URL('../tmp/', import.meta.url)), `weights-hash-${process.pid}`);

interface Files {
  modelJSON: { weightsManifest: Array<{ paths: string[]; sha256?: string; weights: unknown[] }> } & Record<string, unknown>;
  bin: Uint8Array;
}
let files: Files;

function flipped(bin: Uint8Array, at: number): Uint8Array {
  const copy = bin.slice();
  copy[at]! ^= 1 << (at % 8);
  return copy;
}

beforeAll(async () => {
  await mkdir(root, { recursive: true });
  files = {
    modelJSON: JSON.parse(await readFile(join(shipped, 'model.json'), 'utf8')) as Files['modelJSON'],
    bin: new Uint8Array(await readFile(join(shipped, 'weights.bin'))),
  };
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describeBackends('digits-cnn weights hash', () => {
  it('model.json gives the SHA-256 of weights.bin', () => {
    const group = files.modelJSON.weightsManifest[0]!;
    expect(group.paths).toEqual(['weights.bin']);
    expect(group.sha256).toBe(createHash('sha256').update(files.bin).digest('hex'));
  });

  it('byte-flipped copies are refused with BAD_WEIGHTS in memory, leaving no tensor behind', async () => {
    const size = files.bin.byteLength;
    const positions = [0, size - 1, ...Array.from({ length: 4 }, (_, i) => createRng(17).fork(i).int(size))];
    for (const at of positions) {
      await expectGlassboxError(
        () => load({ modelJSON: files.modelJSON as never, weightData: flipped(files.bin, at) as never }),
        'BAD_WEIGHTS',
        /: the bytes of weightsManifest\[0\] \(weights\.bin\) do not match the SHA-256 that model\.json gives for them/,
      );
    }
  });

  it('a byte-flipped copy on disk is refused by loadFromDir and loadPretrained({ url }); the intact copy loads', async () => {
    const dir = join(root, 'flipped');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model.json'), JSON.stringify(files.modelJSON));
    await writeFile(join(dir, 'weights.bin'), flipped(files.bin, 123_457));
    await expectGlassboxError(() => loadFromDir(dir), 'BAD_WEIGHTS', /: the bytes of weightsManifest\[0\] \(weights\.bin\) do not match/);
    await expectGlassboxError(
      () => loadPretrained('digits-cnn', { url: pathToFileURL(join(dir, 'model.json')) }),
      'BAD_WEIGHTS',
      /: the bytes of weightsManifest\[0\] \(weights\.bin\) do not match/,
    );
    await expectNoLeaks(async () => {
      const cnn = await loadPretrained('digits-cnn');
      cnn.dispose();
    });
  });

  it('a model.json without sha256 (written by another tool) still loads', async () => {
    const plain = JSON.parse(JSON.stringify(files.modelJSON)) as Files['modelJSON'];
    delete plain.weightsManifest[0]!.sha256;
    await expectNoLeaks(() => {
      const cnn = load({ modelJSON: plain as never, weightData: files.bin.slice() as never });
      const y = tf.tidy(() => cnn.predict(tf.zeros([1, 28, 28, 1])));
      expect(y.shape).toEqual([1, 10]);
      y.dispose();
      cnn.dispose();
    });
  });
});
