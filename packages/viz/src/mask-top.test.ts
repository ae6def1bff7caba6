import { describe, expect, it } from 'vitest';
import { createImage, type RGBAImage } from './image.js';
import { maskTop } from './mask-top.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

const visible = (im: RGBAImage): number[] => {
  const out: number[] = [];
  for (let i = 0; i < im.width * im.height; i++) if (im.data[4 * i] !== 0) out.push(i);
  return out;
};

describe('maskTop', () => {
  const img = createImage(4, 1, [200, 200, 200]);
  const v = Float32Array.of(0.1, -5, 3, 0.2);

  it('keeps the round(fraction * n) most important pixels by |v|', () => {
    expect(visible(maskTop(img, v, { fraction: 0.5 }))).toEqual([1, 2]);
    expect(visible(maskTop(img, v, { fraction: 0.25 }))).toEqual([1]);
    expect(visible(maskTop(img, v, { fraction: 1 }))).toEqual([0, 1, 2, 3]);
    expect(visible(maskTop(img, v, { fraction: 0 }))).toEqual([]);
  });
  it('ranks by signed value with by: positive / negative', () => {
    expect(visible(maskTop(img, v, { fraction: 0.5, by: 'positive' }))).toEqual([2, 3]);
    expect(visible(maskTop(img, v, { fraction: 0.5, by: 'negative' }))).toEqual([0, 1]);
  });
  it('breaks ties by pixel index', () => {
    expect(visible(maskTop(img, new Float32Array(4).fill(1), { fraction: 0.5 }))).toEqual([0, 1]);
  });
  it('dims hidden pixels by the dim factor, keeping alpha and kept pixels', () => {
    const out = maskTop(img, v, { fraction: 0.25, dim: 0.25 });
    expect(Array.from(out.data.slice(0, 4))).toEqual([50, 50, 50, 255]);
    expect(Array.from(out.data.slice(4, 8))).toEqual([200, 200, 200, 255]);
    expect(Array.from(img.data.slice(0, 4))).toEqual([200, 200, 200, 255]); // input untouched
  });
  it('rejects bad input', () => {
    expectVizError(() => maskTop(img, new Float32Array(3)), 'SHAPE_MISMATCH', 'maskTop: values has 3 elements, expected 4 for shape [1, 4]');
    expectVizError(() => maskTop(img, Float32Array.of(0, 0, NaN, 0)), 'NON_FINITE', 'values[2]');
    expectVizError(() => maskTop(img, v, { fraction: 1.5 }), 'INVALID_ARGUMENT', 'options.fraction');
    expectVizError(() => maskTop(img, v, { dim: 2 }), 'INVALID_ARGUMENT', 'options.dim');
    expectVizError(() => maskTop(img, v, { by: 'max' as never }), 'INVALID_ARGUMENT', 'options.by');
  });
});
