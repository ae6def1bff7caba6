import { describe, expect, it } from 'vitest';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { PREPROCESS_PRESETS, preprocessPixels } from './preprocess.js';
import type { Pixels } from './pixels.js';

// Two known pixels: (255, 0, 128) and (10, 20, 30).
const img: Pixels<Uint8Array> = { width: 2, height: 1, channels: 3, data: Uint8Array.of(255, 0, 128, 10, 20, 30) };

function close(got: Float32Array, want: number[]): void {
  expect(got.length).toBe(want.length);
  // float32 results: within a float32 rounding of the double-precision closed form
  want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(w))));
}

describe('preprocessPixels presets (closed forms)', () => {
  it("'0-1': v / 255", () => {
    close(preprocessPixels(img, '0-1'), [1, 0, 128 / 255, 10 / 255, 20 / 255, 30 / 255]);
  });

  it("'-1-1': v / 127.5 - 1", () => {
    close(preprocessPixels(img, '-1-1'), [1, -1, 128 / 127.5 - 1, 10 / 127.5 - 1, 20 / 127.5 - 1, 30 / 127.5 - 1]);
  });

  it("'imagenet': (v / 255 - mean) / std per RGB channel", () => {
    const m = [0.485, 0.456, 0.406];
    const s = [0.229, 0.224, 0.225];
    const rgb = [255, 0, 128, 10, 20, 30];
    close(preprocessPixels(img, 'imagenet'), rgb.map((v, i) => (v / 255 - m[i % 3]!) / s[i % 3]!));
  });

  it("'caffe-bgr': BGR order, minus [103.939, 116.779, 123.68] on 0..255", () => {
    close(preprocessPixels(img, 'caffe-bgr'), [128 - 103.939, 0 - 116.779, 255 - 123.68, 30 - 103.939, 20 - 116.779, 10 - 123.68]);
  });

  it('a custom spec, with defaults for what it leaves out', () => {
    close(preprocessPixels(img, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }), [255, 0, 128, 10, 20, 30].map((v) => (v / 255 - 0.5) / 0.5));
    close(preprocessPixels(img, { scale: 1, order: 'bgr' }), [128, 0, 255, 30, 20, 10]);
    close(preprocessPixels({ ...img, data: Float32Array.from(img.data) }, '0-1'), [1, 0, 128 / 255, 10 / 255, 20 / 255, 30 / 255]);
  });

  it('the presets are frozen data', () => {
    expect(Object.keys(PREPROCESS_PRESETS).sort()).toEqual(['-1-1', '0-1', 'caffe-bgr', 'imagenet']);
    expect(Object.isFrozen(PREPROCESS_PRESETS.imagenet)).toBe(true);
    expect(Object.isFrozen(PREPROCESS_PRESETS.imagenet.mean)).toBe(true);
  });

  it('refuses unknown presets, bad specs and non-RGB images', async () => {
    await expectGlassboxError(() => preprocessPixels(img, 'torch' as never), 'INVALID_ARGUMENT', /preprocess must be one of '0-1', '-1-1', 'imagenet', 'caffe-bgr' or \{ scale, mean, std, order \}, got "torch"/);
    await expectGlassboxError(() => preprocessPixels(img, { std: [1, 0, 1] }), 'INVALID_ARGUMENT', /preprocess\.std must be three finite numbers > 0/);
    await expectGlassboxError(() => preprocessPixels(img, { mean: [1, 2] as never }), 'INVALID_ARGUMENT', /preprocess\.mean must be three finite numbers/);
    await expectGlassboxError(() => preprocessPixels(img, { scale: -1 }), 'INVALID_ARGUMENT', /preprocess\.scale/);
    await expectGlassboxError(() => preprocessPixels(img, { order: 'grb' as never }), 'INVALID_ARGUMENT', /preprocess\.order must be 'rgb' or 'bgr'/);
    await expectGlassboxError(() => preprocessPixels(img, { means: [0, 0, 0] } as never), 'INVALID_ARGUMENT', /unknown key 'means'.*did you mean 'mean'/);
    await expectGlassboxError(() => preprocessPixels({ width: 1, height: 1, channels: 1, data: Uint8Array.of(3) }, '0-1'), 'SHAPE_MISMATCH', /3 channels/);
  });
});
