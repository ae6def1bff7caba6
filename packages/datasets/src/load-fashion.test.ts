import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { scanFashionJson } from './fashion-json.js';
import { FASHION_CLASSES, FASHION_PER_CLASS, loadFashion, loadFashionArrays } from './load-fashion.js';
import type { FetchLike } from './types.js';

const root = dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json'));
/** The raw entries of a class file, parsed with JSON.parse (independent of the scanner). */
function rawClass(c: number): number[][] {
  return (JSON.parse(readFileSync(join(root, 'src', 'clothes', `${c}.json`), 'utf8')) as { data: number[][] }).data;
}

describe('loadFashionArrays', () => {
  let raw0: number[][];
  let raw7: number[][];
  beforeAll(() => {
    raw0 = rawClass(0);
    raw7 = rawClass(7);
  });

  it('loads the first perClass images of each class, labelled with the class, class-major', async () => {
    const got = await loadFashionArrays({ classes: [7, 0], perClass: 5, format: 'uint8' });
    expect(got.shape).toEqual([10, 28, 28, 1]);
    expect([...got.labels]).toEqual([7, 7, 7, 7, 7, 0, 0, 0, 0, 0]);
    for (let i = 0; i < 5; i++) {
      expect([...got.images.subarray(i * 784, (i + 1) * 784)]).toEqual(raw7[i]);
      expect([...got.images.subarray((5 + i) * 784, (6 + i) * 784)]).toEqual(raw0[i]);
    }
  });

  it('counts images only: the empty entries of class 0 (at 1000 and 7001) are skipped', async () => {
    expect(raw0.length).toBe(7002);
    expect(raw0[1000]).toEqual([]);
    expect(raw0[7001]).toEqual([]);
    const got = await loadFashionArrays({ classes: [0], start: 999, perClass: 3, format: 'uint8' });
    expect([...got.images.subarray(0, 784)]).toEqual(raw0[999]);
    expect([...got.images.subarray(784, 2 * 784)]).toEqual(raw0[1001]);
    expect([...got.images.subarray(2 * 784)]).toEqual(raw0[1002]);
    const last = await loadFashionArrays({ classes: [0], start: FASHION_PER_CLASS - 1, perClass: 1, format: 'uint8' });
    expect([...last.images]).toEqual(raw0[7000]);
  });

  it('defaults to all ten classes, 100 each, float32 in 0..1 (= bytes / 255)', async () => {
    const got = await loadFashionArrays();
    expect(got.shape).toEqual([1000, 28, 28, 1]);
    expect(got.images).toBeInstanceOf(Float32Array);
    for (let c = 0; c < 10; c++) expect(got.labels.subarray(c * 100, (c + 1) * 100).every((l) => l === c)).toBe(true);
    expect(got.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    const sneaker0 = got.images.subarray(700 * 784, 701 * 784);
    expect([...sneaker0]).toEqual(raw7[0]!.map((b) => Math.fround(b / 255)));
    expect(FASHION_CLASSES[7]).toBe('Sneaker');
  });

  it('loads from options.url with options.fetch (as in a browser)', async () => {
    const files = new Map<string, string>();
    const image = (v: number) => `[${new Array(784).fill(v).join(',')}]`;
    files.set('https://cdn.example/clothes/3.json', `{"data":[${image(1)}, [], ${image(2)},${image(3)}]}`);
    files.set('https://cdn.example/clothes/5.json', `{"data":[${image(50)},\n ${image(60)} ]}`);
    const fakeFetch: FetchLike = async (url) => {
      const text = files.get(url);
      const bytes = new TextEncoder().encode(text ?? '');
      return { ok: text !== undefined, status: text === undefined ? 404 : 200, arrayBuffer: async () => bytes.buffer as ArrayBuffer };
    };
    const base = await loadFashionArrays({ classes: [3, 5], perClass: 2, url: 'https://cdn.example/clothes/', fetch: fakeFetch, format: 'uint8' });
    expect([...base.labels]).toEqual([3, 3, 5, 5]);
    expect([0, 1, 2, 3].map((i) => base.images[i * 784 + 100])).toEqual([1, 2, 50, 60]);
    const byFn = await loadFashionArrays({ classes: [3], perClass: 1, start: 2, url: (c) => `https://cdn.example/clothes/${c}.json`, fetch: fakeFetch, format: 'uint8' });
    expect(byFn.images[0]).toBe(3);
    await expectGlassboxError(
      () => loadFashionArrays({ classes: [3], perClass: 4, url: 'https://cdn.example/clothes/', fetch: fakeFetch }),
      'INVALID_ARGUMENT',
      /options.perClass must be <= the images of class 3 from options.start 0, got 4 \(only 3 there\)/,
    );
    await expectGlassboxError(() => loadFashionArrays({ classes: [1], url: 'https://cdn.example/clothes/', fetch: fakeFetch }), 'INVALID_ARGUMENT', /HTTP status 404/);
  });

  it('rejects bad options with INVALID_ARGUMENT naming the argument', async () => {
    const bad: [unknown, RegExp][] = [
      [null, /loadFashionArrays: options must be an object, got null/],
      [{ perClass: 0 }, /options.perClass must be an integer >= 1 <= 7000, got 0/],
      [{ perClass: 1.5 }, /options.perClass must be an integer/],
      [{ start: 6990, perClass: 11 }, /options.perClass must be an integer >= 1 <= 10, got 11/],
      [{ start: -1 }, /options.start must be an integer >= 0/],
      [{ classes: [10] }, /options.classes must be a non-empty array of distinct integers in 0..9, got unknown class 10/],
      [{ classes: [-1] }, /unknown class -1/],
      [{ classes: 'shoes' }, /options.classes must be a non-empty array/],
      [{ format: 'png' }, /options.format must be one of 'float32', 'uint8', got "png"/],
      [{ url: 5 }, /options.url must be a URL string or a URL object, got 5/],
    ];
    for (const [options, message] of bad) {
      await expectGlassboxError(() => loadFashionArrays(options as never), 'INVALID_ARGUMENT', message);
    }
    await expectGlassboxError(() => loadFashion({ format: 'uint8' } as never), 'INVALID_ARGUMENT', /loadFashion: options.format is only for loadFashionArrays/);
  });
});

describeBackends('loadFashion', () => {
  it('gives x float32 [N, 28, 28, 1] equal to the typed-array form, and leaks nothing', async () => {
    const arrays = await loadFashionArrays({ classes: [1, 8], perClass: 20 });
    await expectNoLeaks(async () => {
      const { x, y } = await loadFashion({ classes: [1, 8], perClass: 20 });
      expect(x.shape).toEqual([40, 28, 28, 1]);
      expect(x.dtype).toBe('float32');
      expect([...y]).toEqual([...arrays.labels]);
      expect(Buffer.from(x.dataSync<'float32'>().buffer).equals(Buffer.from(arrays.images.buffer))).toBe(true);
      x.dispose();
    });
  });

  it('rejects perClass < 1 and unknown classes without leaking', async () => {
    await expectGlassboxError(() => loadFashion({ perClass: 0 }), 'INVALID_ARGUMENT', /loadFashion: options.perClass/);
    await expectGlassboxError(() => loadFashion({ classes: [3, 12] }), 'INVALID_ARGUMENT', /loadFashion: options.classes .*unknown class 12/);
  });
});

describe('the fashion-mnist file scanner', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const img = (v: number) => new Array(784).fill(v).join(' , ');
  it('reads images, skips entries that are not 784 values, stops early', () => {
    const text = `{ "data" : [ [${img(9)}],[],[1,2,3],\r\n\t[${img(255)}], [${img(0)}] ] }`;
    const { images, found } = scanFashionJson(enc(text), 1, 2, 'test');
    expect(found).toBe(2);
    expect(images[0]).toBe(255);
    expect(images[784]).toBe(0);
    const short = scanFashionJson(enc(text), 0, 5, 'test');
    expect(short.found).toBe(3);
    expect(short.images.length).toBe(3 * 784);
  });
  it('rejects what is not the expected format', async () => {
    await expectGlassboxError(() => scanFashionJson(enc(`{"data":[[${img(1)}, 0.5]]}`), 0, 1, 'f'), 'BAD_WEIGHTS', /got '\.'/);
    await expectGlassboxError(() => scanFashionJson(enc(`{"data":[[256]]}`), 0, 1, 'f'), 'BAD_WEIGHTS', /the value 256/);
    await expectGlassboxError(() => scanFashionJson(enc(`{"data":[[1,2`), 0, 1, 'f'), 'BAD_WEIGHTS', /the end of the file/);
    await expectGlassboxError(() => scanFashionJson(enc(`{}`), 0, 1, 'f'), 'BAD_WEIGHTS', /no array/);
  });
});
