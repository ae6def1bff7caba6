import { describe, expect, it } from 'vitest';
import { blit, createImage, fromGray, fromPixels, scaleImage, type RGBAImage } from './image.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

const px = (im: RGBAImage, x: number, y: number): number[] => Array.from(im.data.slice((y * im.width + x) * 4, (y * im.width + x) * 4 + 4));

describe('createImage', () => {
  it('fills width*height pixels with the colour', () => {
    const im = createImage(3, 2, [10, 20, 30]);
    expect(im.width).toBe(3);
    expect(im.height).toBe(2);
    expect(im.data).toBeInstanceOf(Uint8ClampedArray);
    expect(im.data.length).toBe(24);
    expect(px(im, 2, 1)).toEqual([10, 20, 30, 255]);
    expect(px(createImage(1, 1), 0, 0)).toEqual([0, 0, 0, 255]);
  });
  it('rejects bad sizes and colours', () => {
    expectVizError(() => createImage(0, 2), 'INVALID_ARGUMENT', 'createImage: width');
    expectVizError(() => createImage(2, 1.5), 'INVALID_ARGUMENT', 'height');
    expectVizError(() => createImage(2, 2, 'nope'), 'INVALID_ARGUMENT', 'color');
  });
});

describe('fromGray', () => {
  it('maps 0..1 to grey bytes row-major, clamping outside values', () => {
    const im = fromGray(Float32Array.of(0, 0.5, 1, 2, -1, 0.2), [2, 3]);
    expect([im.width, im.height]).toEqual([3, 2]);
    // round(0.5 * 255) = 128, round(0.2 * 255) = 51
    expect(px(im, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(px(im, 1, 0)).toEqual([128, 128, 128, 255]);
    expect(px(im, 2, 0)).toEqual([255, 255, 255, 255]);
    expect(px(im, 0, 1)).toEqual([255, 255, 255, 255]);
    expect(px(im, 1, 1)).toEqual([0, 0, 0, 255]);
    expect(px(im, 2, 1)).toEqual([51, 51, 51, 255]);
  });
  it('names the problem', () => {
    expectVizError(() => fromGray(new Float32Array(5), [2, 3]), 'SHAPE_MISMATCH', 'fromGray: values has 5 elements, expected 6 for shape [2, 3]');
    expectVizError(() => fromGray(Float32Array.of(0, NaN), [1, 2]), 'NON_FINITE', 'values[1]');
    expectVizError(() => fromGray(new Float32Array(4), [2, 2, 1] as unknown as [number, number]), 'INVALID_ARGUMENT', 'shape');
    expectVizError(() => fromGray('abc' as unknown as Float32Array, [1, 3]), 'INVALID_ARGUMENT', 'values');
  });
});

describe('fromPixels', () => {
  it('reads grey, RGB and RGBA channel-last data', () => {
    expect(px(fromPixels(Float32Array.of(1), [1, 1, 1]), 0, 0)).toEqual([255, 255, 255, 255]);
    const rgb = fromPixels(Float32Array.of(1, 0, 0, 0, 0.2, 1), [1, 2, 3]);
    expect(px(rgb, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(px(rgb, 1, 0)).toEqual([0, 51, 255, 255]);
    const rgba = fromPixels(Uint8Array.of(10, 20, 30, 40), [1, 1, 4], { maxValue: 255 });
    expect(px(rgba, 0, 0)).toEqual([10, 20, 30, 40]);
  });
  it('rejects 2 channels, wrong lengths and bad maxValue', () => {
    expectVizError(() => fromPixels(new Float32Array(2), [1, 1, 2]), 'INVALID_ARGUMENT', '2 channels');
    expectVizError(() => fromPixels(new Float32Array(5), [1, 2, 3]), 'SHAPE_MISMATCH', 'expected 6');
    expectVizError(() => fromPixels(new Float32Array(1), [1, 1], { maxValue: 0 }), 'INVALID_ARGUMENT', 'maxValue');
    expectVizError(() => fromPixels(Float32Array.of(Infinity), [1, 1]), 'NON_FINITE', 'values[0]');
  });
});

describe('scaleImage', () => {
  it('repeats every pixel factor x factor times', () => {
    const im = fromGray(Float32Array.of(0, 1), [1, 2]);
    const big = scaleImage(im, 3);
    expect([big.width, big.height]).toEqual([6, 3]);
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 6; x++) expect(px(big, x, y)[0]).toBe(x < 3 ? 0 : 255);
    }
  });
  it('rejects a non-integer factor and a bad image', () => {
    expectVizError(() => scaleImage(createImage(1, 1), 1.5), 'INVALID_ARGUMENT', 'factor');
    expectVizError(() => scaleImage({ width: 2, height: 2, data: new Uint8ClampedArray(4) }, 2), 'SHAPE_MISMATCH', 'image.data has 4 bytes, expected 16');
    expectVizError(() => scaleImage({ width: 1, height: 1, data: new Uint8Array(4) as unknown as Uint8ClampedArray }, 2), 'INVALID_ARGUMENT', 'Uint8ClampedArray');
  });
});

describe('blit (internal)', () => {
  it('composites source-over with alpha and clips at the border', () => {
    const dst = createImage(2, 1, [0, 0, 0]);
    blit(dst, createImage(2, 1, [200, 100, 50, 128]), 1, 0);
    // a = 128/255 over opaque black: channel * a
    const a = 128 / 255;
    expect(px(dst, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(px(dst, 1, 0)).toEqual([Math.round(200 * a), Math.round(100 * a), Math.round(50 * a), 255]);
  });
});
