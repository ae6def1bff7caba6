import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { prepareImage, type ImageInfo } from './load-image.js';
import { toOriginal } from './to-original.js';
import type { Pixels } from './pixels.js';

function rgb(W: number, H: number, f: (x: number, y: number) => number): Pixels<Uint8Array> {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.fill(f(x, y), (y * W + x) * 3, (y * W + x) * 3 + 3);
  return { width: W, height: H, channels: 3, data };
}

describeBackends('toOriginal', () => {
  it('an all-ones attribution covers the crop box exactly: ones inside, fill outside', async () => {
    for (const [W, H, size] of [[40, 25, [8, 8]], [21, 50, [10, 6]], [30, 30, [7, 7]]] as const) {
      const { x, info } = prepareImage(rgb(W, H, () => 9), { size, crop: 'center', preprocess: '0-1' });
      const ones = tf.onesLike(x);
      const back = await expectNoLeaks(() => {
        const t = toOriginal(ones, info);
        const v = t.dataSync().slice();
        expect(t.shape).toEqual([1, H, W, 3]);
        t.dispose();
        return v;
      });
      const { top, left, height, width } = info.crop;
      // The box is the largest centred box of the size's aspect ratio (independent arithmetic).
      const bw = H * size[1] > size[0] * W ? W : Math.round((H * size[1]) / size[0]);
      const bh = H * size[1] > size[0] * W ? Math.round((W * size[0]) / size[1]) : H;
      expect([height, width]).toEqual([bh, bw]);
      expect([top, left]).toEqual([Math.floor((H - bh) / 2), Math.floor((W - bw) / 2)]);
      for (let y = 0; y < H; y++) {
        for (let xx = 0; xx < W; xx++) {
          const inside = y >= top && y < top + height && xx >= left && xx < left + width;
          for (let c = 0; c < 3; c++) expect(back[(y * W + xx) * 3 + c]).toBe(inside ? 1 : 0);
        }
      }
      const filled = toOriginal(ones, info, { fill: -2 });
      expect(filled.dataSync()[0]).toBe(top === 0 && left === 0 ? 1 : -2);
      tf.dispose([x, ones, filled]);
    }
  });

  it('inverts the resize: the model input of a ramp, mapped back, is the ramp again (away from the clamped border)', () => {
    // 24 x 16 ramp v = 10x + y (as float via scale 1); shrink by 2 to 8 x 12, map back.
    const W = 24;
    const H = 16;
    const image = rgb(W, H, (x, y) => 10 * (x % 24) + y); // up to 245: fits a byte
    const { x, info } = prepareImage(image, { size: [8, 12], preprocess: { scale: 1 } });
    const back = toOriginal(x, info);
    const v = back.dataSync();
    for (let y = 1; y < H - 1; y++) {
      for (let xx = 1; xx < W - 1; xx++) expect(v[(y * W + xx) * 3]).toBeCloseTo(10 * xx + y, 3);
    }
    tf.dispose([x, back]);
  });

  it('takes [h, w] and [h, w, C] tensors, N rows, a coarse map, and plain pixels (same numbers)', () => {
    const { x, info } = prepareImage(rgb(12, 9, (a, b) => a + b), { size: 6, crop: 'center', preprocess: '0-1' });
    const att = tf.tidy(() => tf.add(tf.mul(x, 3), tf.reshape(tf.range(0, 6 * 6 * 3), [1, 6, 6, 3])));
    const full = toOriginal(att, info);
    const rank3 = tf.tidy(() => tf.squeeze(att, [0]));
    const r3 = toOriginal(rank3, info);
    expect(r3.shape).toEqual([9, 12, 3]);
    expectTensorClose(r3, full.dataSync(), 0);
    const two = tf.concat([att, tf.neg(att)]);
    const both = toOriginal(two, info);
    expect(both.shape).toEqual([2, 9, 12, 3]);
    const bv = both.dataSync();
    const fv = full.dataSync();
    fv.forEach((f, i) => expect(bv[fv.length + i]! + f).toBe(0));
    const plain = toOriginal({ width: 6, height: 6, channels: 3, data: att.dataSync() as Float32Array }, info);
    expect(plain).toMatchObject({ width: 12, height: 9, channels: 3 });
    expect(Array.from(plain.data)).toEqual(Array.from(fv));
    // A 1 x 1 map (the coarsest Grad-CAM) paints the whole box with its value.
    const cam = tf.fill([1, 1, 1, 1], 0.5);
    const camBack = toOriginal(cam, info);
    expect(camBack.shape).toEqual([1, 9, 12, 1]);
    const cv = camBack.dataSync();
    const { top, left, height, width } = info.crop;
    for (let y = 0; y < 9; y++) for (let c = 0; c < 12; c++) expect(cv[y * 12 + c]).toBe(y >= top && y < top + height && c >= left && c < left + width ? 0.5 : 0);
    const flat = tf.tidy(() => tf.reshape(tf.slice(att, [0, 0, 0, 0], [1, 6, 6, 1]), [6, 6]));
    const f2 = toOriginal(flat, info);
    expect(f2.shape).toEqual([9, 12]);
    tf.dispose([x, att, full, rank3, r3, two, both, cam, camBack, flat, f2]);
  });

  it('bad input: GlassboxError, nothing allocated', async () => {
    const { x, info } = prepareImage(rgb(4, 4, () => 1), { preprocess: '0-1' });
    const ints = tf.zeros([1, 4, 4, 3], 'int32');
    const rank5 = tf.zeros([1, 1, 4, 4, 3]);
    await expectGlassboxError(() => toOriginal(rank5, info), 'SHAPE_MISMATCH', /attribution must be \[N, h, w, C\], \[h, w, C\] or \[h, w\], got shape \[1, 1, 4, 4, 3\]/);
    await expectGlassboxError(() => toOriginal(ints, info), 'INVALID_ARGUMENT', /float32, got int32/);
    await expectGlassboxError(() => toOriginal(x, {} as ImageInfo), 'INVALID_ARGUMENT', /info must be the info of loadImage/);
    await expectGlassboxError(() => toOriginal(x, { ...info, crop: { ...info.crop, width: 9 } }), 'INVALID_ARGUMENT', /info must be/);
    await expectGlassboxError(() => toOriginal(x, info, { fill: NaN }), 'INVALID_ARGUMENT', /options\.fill must be a number/);
    await expectGlassboxError(() => toOriginal(x, info, { fil: 0 } as never), 'INVALID_ARGUMENT', /unknown key 'fil'.*did you mean 'fill'/);
    await expectGlassboxError(() => toOriginal([1, 2] as never, info), 'INVALID_ARGUMENT', /attribution must be a tensor or \{ width, height, channels, data \}/);
    await expectGlassboxError(() => toOriginal({ width: 2, height: 2, channels: 1, data: Float32Array.of(0, NaN, 0, 0) }, info), 'NON_FINITE', /flat index 1/);
    tf.dispose([x, ints, rank5]);
  });
});
