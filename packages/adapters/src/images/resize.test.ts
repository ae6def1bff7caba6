import { describe, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { centerCrop } from './crop.js';
import { resize } from './resize.js';
import type { Pixels } from './pixels.js';

function image(w: number, h: number, c: number, f: (x: number, y: number, ch: number) => number): Pixels<Float32Array> {
  const data = new Float32Array(w * h * c);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) data[(y * w + x) * c + ch] = f(x, y, ch);
  return { width: w, height: h, channels: c, data };
}

describe('resize', () => {
  it('a constant image stays constant, up and down, in every channel', () => {
    const img: Pixels<Uint8Array> = { width: 7, height: 5, channels: 3, data: new Uint8Array(7 * 5 * 3).map((_, i) => [12, 200, 77][i % 3]!) };
    for (const size of [[2, 3], [5, 7], [11, 4], [1, 1], [31, 29]] as const) {
      const out = resize(img, size);
      expect(out).toMatchObject({ height: size[0], width: size[1], channels: 3 });
      out.data.forEach((v, i) => expect(v).toBeCloseTo([12, 200, 77][i % 3]!, 4));
    }
  });

  it('a linear ramp stays linear: exactly when shrinking by an integer factor, away from the clamped border when enlarging', () => {
    // v(x, y) = 3x - 2y + 5: the output at (X, Y) must be v at the source point ((X + 0.5) s - 0.5, ...).
    const v = (x: number, y: number): number => 3 * x - 2 * y + 5;
    const ramp = image(16, 12, 1, (x, y) => v(x, y));
    for (const [h, w] of [[6, 8], [3, 4], [4, 4]] as const) {
      const out = resize(ramp, [h, w]);
      for (let Y = 0; Y < h; Y++) {
        for (let X = 0; X < w; X++) {
          const sx = ((X + 0.5) * 16) / w - 0.5;
          const sy = ((Y + 0.5) * 12) / h - 0.5;
          expect(out.data[Y * w + X]).toBeCloseTo(v(sx, sy), 4);
        }
      }
    }
    const big = resize(ramp, [36, 40]);
    for (let Y = 0; Y < 36; Y++) {
      for (let X = 0; X < 40; X++) {
        const sx = ((X + 0.5) * 16) / 40 - 0.5;
        const sy = ((Y + 0.5) * 12) / 36 - 0.5;
        if (sx < 0 || sy < 0 || sx > 15 || sy > 11) continue; // clamped to the edge pixel there
        expect(big.data[Y * 40 + X]).toBeCloseTo(v(sx, sy), 4);
      }
    }
  });

  it('refuses bad arguments', async () => {
    const img = image(4, 4, 1, () => 1);
    await expectGlassboxError(() => resize(img, [0, 3]), 'INVALID_ARGUMENT', /resize: size must be a positive integer or \[height, width\]/);
    await expectGlassboxError(() => resize(img, 2.5), 'INVALID_ARGUMENT', /size/);
    await expectGlassboxError(() => resize({ ...img, data: new Float32Array(3) }, 2), 'SHAPE_MISMATCH', /image\.data has 3 samples, expected .* = 16/);
    await expectGlassboxError(() => resize({ ...img, data: Float32Array.of(...Array(15).fill(0), NaN) }, 2), 'NON_FINITE', /flat index 15/);
    await expectGlassboxError(() => resize(null as never, 2), 'INVALID_ARGUMENT', /image must be \{ width, height, channels, data \}/);
  });
});

describeBackends('resize agrees with tf.image.resizeBilinear (half-pixel centres)', () => {
  it('on a random-looking 3-channel image, down and up', async () => {
    const img = image(13, 9, 3, (x, y, c) => Math.sin(x * 1.3 + y * 0.7 + c) * 100);
    for (const size of [[4, 6], [20, 17], [9, 13]] as const) {
      const out = resize(img, size);
      await expectNoLeaks(() => {
        const want = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d(img.data, [9, 13, 3]), [size[0], size[1]], false, true));
        expectTensorClose(want, out.data, 1e-3);
        want.dispose();
      });
    }
  });
});

describe('centerCrop', () => {
  it('picks the middle: top = floor((H - h) / 2), left = floor((W - w) / 2)', () => {
    const idx = image(6, 5, 2, (x, y, c) => 100 * y + 10 * x + c); // value names its pixel and channel
    const mid = centerCrop(idx, [3, 2]);
    // H - h = 2 -> top 1; W - w = 4 -> left 2
    expect(mid).toMatchObject({ width: 2, height: 3, channels: 2 });
    expect(Array.from(mid.data)).toEqual([120, 121, 130, 131, 220, 221, 230, 231, 320, 321, 330, 331]);
    const odd = centerCrop(idx, 4); // H - h = 1 -> top 0; W - w = 2 -> left 1
    expect(odd.data[0]).toBe(10);
    expect(odd.data[odd.data.length - 1]).toBe(341);
    const bytes: Pixels<Uint8Array> = { width: 3, height: 3, channels: 1, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9) };
    const one = centerCrop(bytes, 1);
    expect(one.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(one.data)).toEqual([5]);
    expect(Array.from(centerCrop(bytes, [3, 3]).data)).toEqual(Array.from(bytes.data));
  });

  it('refuses a box larger than the image', async () => {
    await expectGlassboxError(() => centerCrop(image(4, 3, 1, () => 0), [4, 4]), 'SHAPE_MISMATCH', /centerCrop: size \[4, 4\] .* does not fit in the image of 3x4/);
  });
});
