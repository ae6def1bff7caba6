import { describe, expect, it } from 'vitest';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { encodeDigitsAsset, parseDigitsAsset } from './image-asset.js';

const sample = {
  images: Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256),
  labels: [7, 0, 255],
  shape: [3, 2, 4, 1],
};

describe('parseDigitsAsset / encodeDigitsAsset', () => {
  it('round-trips images, labels and shape through the GBI1 layout', () => {
    const bytes = encodeDigitsAsset(sample);
    expect(bytes.length).toBe(16 + 24 + 3);
    expect([...bytes.subarray(0, 4)]).toEqual([0x47, 0x42, 0x49, 0x31]);
    const view = new DataView(bytes.buffer);
    expect([view.getUint32(4, true), view.getUint32(8, true), view.getUint32(12, true)]).toEqual([3, 2, 4]);
    for (const input of [bytes, bytes.buffer, Buffer.from(bytes)]) {
      const back = parseDigitsAsset(input as ArrayBuffer);
      expect(back.shape).toEqual([3, 2, 4, 1]);
      expect([...back.images]).toEqual([...sample.images]);
      expect(back.labels).toBeInstanceOf(Int32Array);
      expect([...back.labels]).toEqual(sample.labels);
    }
  });

  it('parses a view into a larger buffer and returns independent copies', () => {
    const bytes = encodeDigitsAsset(sample);
    const padded = new Uint8Array(bytes.length + 10);
    padded.set(bytes, 5);
    const back = parseDigitsAsset(padded.subarray(5, 5 + bytes.length));
    expect([...back.images]).toEqual([...sample.images]);
    padded.fill(0);
    expect([...back.images]).toEqual([...sample.images]);
  });

  it('accepts [N, H, W] and an empty set', () => {
    const back = parseDigitsAsset(encodeDigitsAsset({ images: new Uint8Array(0), labels: [], shape: [0, 28, 28] }));
    expect(back.shape).toEqual([0, 28, 28, 1]);
  });

  it('rejects what is not a complete GBI1 file with INVALID_ARGUMENT naming buffer', async () => {
    const good = encodeDigitsAsset(sample);
    await expectGlassboxError(() => parseDigitsAsset('abc' as never), 'INVALID_ARGUMENT', /parseDigitsAsset: buffer must be an ArrayBuffer/);
    await expectGlassboxError(() => parseDigitsAsset(good.subarray(0, 10)), 'INVALID_ARGUMENT', /buffer must hold a 16-byte GBI1 header, got 10 bytes/);
    const badMagic = good.slice();
    badMagic[3] = 0x32;
    await expectGlassboxError(() => parseDigitsAsset(badMagic), 'INVALID_ARGUMENT', /magic 'GBI1'.*got 47 42 49 32/);
    await expectGlassboxError(() => parseDigitsAsset(good.subarray(0, good.length - 1)), 'INVALID_ARGUMENT', /buffer must be 43 bytes for 3 images of 2x4.*got 42 bytes/);
  });

  it('rejects inconsistent data when encoding', async () => {
    await expectGlassboxError(() => encodeDigitsAsset({ ...sample, images: new Float32Array(24) as never }), 'INVALID_ARGUMENT', /data.images must be a Uint8Array/);
    await expectGlassboxError(() => encodeDigitsAsset({ ...sample, shape: [3, 2, 4, 3] }), 'INVALID_ARGUMENT', /data.shape/);
    await expectGlassboxError(() => encodeDigitsAsset({ ...sample, shape: [4, 2, 4] }), 'SHAPE_MISMATCH', /data.images must have N\*H\*W = 32/);
    await expectGlassboxError(() => encodeDigitsAsset({ ...sample, labels: [1, 2] }), 'SHAPE_MISMATCH', /data.labels must have N = 3/);
    await expectGlassboxError(() => encodeDigitsAsset({ ...sample, labels: [1, 2, 256] }), 'INVALID_ARGUMENT', /data.labels must be integers in 0..255, got 256/);
  });
});
