import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { encodeDigitsAsset } from './image-asset.js';
import { loadDigits, loadDigitsArrays } from './load-digits.js';
import type { FetchLike, ImageArrays } from './types.js';

describeBackends('loadDigits', () => {
  it('gives x float32 [2000, 28, 28, 1] in 0..1 and y Int32Array for the test split', async () => {
    await expectNoLeaks(async () => {
      const { x, y } = await loadDigits({ split: 'test' });
      try {
        expect(x.shape).toEqual([2000, 28, 28, 1]);
        expect(x.dtype).toBe('float32');
        expect(y).toBeInstanceOf(Int32Array);
        expect(y.length).toBe(2000);
        const v = x.dataSync();
        let min = Infinity;
        let max = -Infinity;
        for (const p of v) {
          if (p < min) min = p;
          if (p > max) max = p;
        }
        expect(min).toBe(0);
        expect(max).toBe(1);
      } finally {
        x.dispose();
      }
    });
  });

  it('agrees with the typed-array form (float32 = uint8 / 255)', async () => {
    const arrays = await loadDigitsArrays({ split: 'test' });
    const bytes = await loadDigitsArrays({ split: 'test', format: 'uint8' });
    const { x, y } = await loadDigits({ split: 'test' });
    try {
      expect(arrays.shape).toEqual([2000, 28, 28, 1]);
      expect(arrays.images).toBeInstanceOf(Float32Array);
      expect(arrays.images.length).toBe(2000 * 784);
      expect(Buffer.from(x.dataSync<'float32'>().buffer).equals(Buffer.from(arrays.images.buffer))).toBe(true);
      expect([...y]).toEqual([...arrays.labels]);
      expect([...bytes.labels]).toEqual([...arrays.labels]);
      for (let i = 0; i < bytes.images.length; i += 97) expect(arrays.images[i]).toBe(Math.fround(bytes.images[i]! / 255));
    } finally {
      x.dispose();
    }
  });

  it('gives 8,000 train images', async () => {
    await expectNoLeaks(async () => {
      const { x, y } = await loadDigits({ split: 'train' });
      expect(x.shape).toEqual([8000, 28, 28, 1]);
      expect(y.length).toBe(8000);
      x.dispose();
    });
  });

  it('keeps only `classes` and at most `limit` images, in the split order', async () => {
    const all = await loadDigitsArrays({ split: 'test', format: 'uint8' });
    const some = await expectNoLeaks(async () => {
      const r = await loadDigits({ split: 'test', classes: [5, 3], limit: 50 });
      const out = { shape: r.x.shape, y: r.y, first: tf.tidy(() => tf.slice(r.x, [0, 0, 0, 0], [1, 28, 28, 1]).dataSync().slice()) };
      tf.dispose(r.x);
      return out;
    });
    expect(some.shape).toEqual([50, 28, 28, 1]);
    const wanted: number[] = [];
    for (let i = 0; i < 2000 && wanted.length < 50; i++) if (all.labels[i] === 3 || all.labels[i] === 5) wanted.push(i);
    expect([...some.y]).toEqual(wanted.map((i) => all.labels[i]));
    const firstBytes = all.images.subarray(wanted[0]! * 784, wanted[0]! * 784 + 784);
    expect([...some.first]).toEqual([...firstBytes].map((b) => Math.fround(b / 255)));
    const few = await loadDigitsArrays({ split: 'train', limit: 3 });
    expect(few.shape).toEqual([3, 28, 28, 1]);
    const big = await loadDigitsArrays({ split: 'test', classes: [1], limit: 100000 });
    expect(big.labels.length).toBe(225);
  });

  it('rejects bad options with INVALID_ARGUMENT naming the argument, leaking nothing', async () => {
    const bad: [unknown, RegExp][] = [
      [undefined, /loadDigits: options must be an object, got undefined/],
      [{}, /options.split must be one of 'train', 'test', got undefined/],
      [{ split: 'validation' }, /options.split must be one of 'train', 'test', got "validation"/],
      [{ split: 'test', limit: 0 }, /options.limit must be an integer >= 1, got 0/],
      [{ split: 'test', limit: 2.5 }, /options.limit must be an integer/],
      [{ split: 'test', classes: [10] }, /options.classes must be .*unknown class 10/],
      [{ split: 'test', classes: [] }, /options.classes must be a non-empty array/],
      [{ split: 'test', classes: [2, 2] }, /options.classes .*class 2 twice/],
      [{ split: 'test', format: 'uint8' }, /options.format is only for loadDigitsArrays/],
      [{ split: 'test', url: 42 }, /options.url must be a URL string or a URL object, got 42/],
      [{ split: 'test', fetch: 'no' }, /options.fetch must be a function/],
    ];
    for (const [options, message] of bad) {
      await expectGlassboxError(() => loadDigits(options as never), 'INVALID_ARGUMENT', message);
    }
    await expectGlassboxError(() => loadDigitsArrays({ split: 'test', format: 'float64' as never }), 'INVALID_ARGUMENT', /loadDigitsArrays: options.format must be one of 'float32', 'uint8'/);
  });
});

describe('loadDigits from a custom asset (options.url, options.fetch)', () => {
  let dir: string;
  let assetUrl: URL;
  let tiny: ImageArrays<Uint8Array>;
  let asset: Uint8Array;

  beforeAll(() => {
    tiny = { images: Uint8Array.from({ length: 4 * 784 }, (_, i) => i % 256), labels: Int32Array.from([4, 1, 4, 9]), shape: [4, 28, 28, 1] };
    asset = encodeDigitsAsset(tiny);
    dir = mkdtempSync(join(tmpdir(), 'glassbox-datasets-'));
    const file = join(dir, 'tiny.bin');
    writeFileSync(file, asset);
    assetUrl = pathToFileURL(file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file: URL (URL object or string)', async () => {
    for (const url of [assetUrl, assetUrl.href]) {
      const got = await loadDigitsArrays({ split: 'test', url, format: 'uint8' });
      expect(got.shape).toEqual([4, 28, 28, 1]);
      expect([...got.labels]).toEqual([4, 1, 4, 9]);
      expect(Buffer.from(got.images).equals(Buffer.from(tiny.images))).toBe(true);
    }
    const only4 = await loadDigitsArrays({ split: 'test', url: assetUrl, classes: [4] });
    expect([...only4.labels]).toEqual([4, 4]);
  });

  it('fetches other URLs with options.fetch (as in a browser)', async () => {
    const seen: string[] = [];
    const fakeFetch: FetchLike = async (url) => {
      seen.push(url);
      const copy = asset.slice();
      return { ok: true, status: 200, arrayBuffer: async () => copy.buffer };
    };
    const { x, y } = await loadDigits({ split: 'train', url: 'https://example.com/digits-train.bin', fetch: fakeFetch });
    expect(seen).toEqual(['https://example.com/digits-train.bin']);
    expect(x.shape).toEqual([4, 28, 28, 1]);
    expect([...y]).toEqual([4, 1, 4, 9]);
    x.dispose();
  });

  it('rejects an HTTP error, a missing file or a file that is not an asset with INVALID_ARGUMENT naming options.url', async () => {
    const notFound: FetchLike = async () => ({ ok: false, status: 404, arrayBuffer: async () => new ArrayBuffer(0) });
    await expectGlassboxError(() => loadDigits({ split: 'test', url: 'https://example.com/x.bin', fetch: notFound }), 'INVALID_ARGUMENT', /options.url \(https:\/\/example.com\/x.bin\) must be loadable, got HTTP status 404/);
    const junk: FetchLike = async () => ({ ok: true, status: 200, arrayBuffer: async () => new Uint8Array(40).buffer });
    await expectGlassboxError(() => loadDigits({ split: 'test', url: 'https://example.com/x.bin', fetch: junk }), 'INVALID_ARGUMENT', /options.url .* must hold a digits asset: .*magic 'GBI1'/);
    const broken: FetchLike = async () => {
      throw new TypeError('network down');
    };
    await expectGlassboxError(() => loadDigits({ split: 'test', url: 'https://example.com/x.bin', fetch: broken }), 'INVALID_ARGUMENT', /could not be fetched: network down/);
    await expect(loadDigits({ split: 'test', url: new URL('missing.bin', assetUrl) })).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
