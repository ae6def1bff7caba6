import { describe, expect, it } from 'vitest';
import { colormap } from './colormap.js';
import { heatmap } from './heatmap.js';
import type { RGBAImage } from './image.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

const px = (im: RGBAImage, i: number): number[] => Array.from(im.data.slice(4 * i, 4 * i + 4));
const lutAt = (name: Parameters<typeof colormap>[0], k: number): number[] => [...Array.from(colormap(name).lut.slice(4 * k, 4 * k + 3)), 255];

describe('heatmap', () => {
  it('returns an image of shape [h, w] and the scale used', () => {
    const { image, scale } = heatmap(new Float32Array(12).map((_, i) => i - 5), [3, 4]);
    expect(image.width).toBe(4);
    expect(image.height).toBe(3);
    expect(image.data.length).toBe(48);
    expect(scale.mode).toBe('signed');
    expect(scale.colormap).toBe('RdBu_r');
    expect(scale.min).toBe(-scale.max);
  });

  it('signed mode: 0 is near-white, the most negative blue, the most positive red', () => {
    const { image } = heatmap(Float32Array.of(-3, 0, 3), [1, 3], { mode: 'signed' });
    const [neg, zero, pos] = [px(image, 0), px(image, 1), px(image, 2)];
    for (const c of zero.slice(0, 3)) expect(c).toBeGreaterThan(235);
    expect(neg[2]).toBeGreaterThan(neg[0] + 50); // blue hue: B >> R
    expect(pos[0]).toBeGreaterThan(pos[2] + 50); // red hue: R >> B
  });

  it('abs mode gives equal colours to -2 and 2', () => {
    const { image, scale } = heatmap(Float32Array.of(-2, 2, 1, 0), [2, 2], { mode: 'abs', clip: { percentile: 100 } });
    expect(px(image, 0)).toEqual(px(image, 1));
    expect(px(image, 0)).toEqual(lutAt('inferno', 255));
    expect(px(image, 2)).toEqual(lutAt('inferno', 128)); // |1| / 2 = 0.5 -> round(127.5) = 128
    expect(px(image, 3)).toEqual(lutAt('inferno', 0));
    expect(scale).toEqual({ mode: 'abs', min: 0, max: 2, colormap: 'inferno' });
  });

  it('percentile clipping keeps an outlier from washing out the map', () => {
    // 0..199 and one outlier: the 99th percentile of |v| over 201 values is exactly 198.
    const v = new Float32Array(201);
    for (let i = 0; i < 200; i++) v[i] = i;
    v[200] = 1e6;
    const { image, scale } = heatmap(v, [1, 201], { mode: 'abs', colormap: 'grays' });
    expect(scale.max).toBe(198);
    expect(px(image, 99)).toEqual(lutAt('grays', Math.round((99 / 198) * 255)));
    expect(px(image, 198)).toEqual(lutAt('grays', 255));
    expect(px(image, 200)).toEqual(lutAt('grays', 255));
  });

  it('clips at a given value', () => {
    const { image, scale } = heatmap(Float32Array.of(-1, 0.5), [1, 2], { mode: 'signed', clip: { value: 0.5 } });
    expect(scale).toMatchObject({ min: -0.5, max: 0.5 });
    expect(px(image, 0)).toEqual(lutAt('RdBu_r', 0));
    expect(px(image, 1)).toEqual(lutAt('RdBu_r', 255));
  });

  it('constant and all-zero input give the neutral colour, no NaN', () => {
    for (const c of [0, 1.5]) {
      const { image, scale } = heatmap(new Float32Array(4).fill(c), [2, 2]);
      for (let i = 0; i < 4; i++) expect(px(image, i)).toEqual(lutAt('RdBu_r', 128));
      expect(Number.isFinite(scale.min) && Number.isFinite(scale.max)).toBe(true);
    }
    const { image } = heatmap(new Float32Array(4), [2, 2], { mode: 'abs' });
    expect(px(image, 0)).toEqual(lutAt('inferno', 0));
  });

  it('accepts [h, w, 1] and reduces [h, w, c] channels', () => {
    const a = heatmap(Float32Array.of(1, -1), [1, 2, 1], { clip: { percentile: 100 } }).image;
    const b = heatmap(Float32Array.of(1, -1), [1, 2], { clip: { percentile: 100 } }).image;
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    // pixel 0 channels (1, 1, -4): sum -2, mean -2/3, absSum 6; pixel 1 channels (1, 0, 0): 1, 1/3, 1
    const v = Float32Array.of(1, 1, -4, 1, 0, 0);
    const sum = heatmap(v, [1, 2, 3], { clip: { percentile: 100 } });
    expect(sum.scale.max).toBe(2);
    expect(px(sum.image, 1)).toEqual(lutAt('RdBu_r', Math.round((0.5 + 0.5 * (1 / 2)) * 255)));
    const absSum = heatmap(v, [1, 2, 3], { reduceChannels: 'absSum', mode: 'abs', clip: { percentile: 100 } });
    expect(absSum.scale.max).toBe(6);
    expect(px(absSum.image, 1)).toEqual(lutAt('inferno', Math.round((1 / 6) * 255)));
    const mean = heatmap(v, [1, 2, 3], { reduceChannels: 'mean', clip: { percentile: 100 } });
    expect(mean.scale.max).toBeCloseTo(2 / 3, 6);
  });

  it('uses the mode default colormaps and honours an explicit one', () => {
    expect(heatmap([1, 2], [1, 2], { mode: 'positive' }).scale.colormap).toBe('reds');
    expect(heatmap([-1, -2], [1, 2], { mode: 'negative' }).scale.colormap).toBe('blues');
    expect(heatmap([1, 2], [1, 2], { mode: 'abs', colormap: 'viridis' }).scale.colormap).toBe('viridis');
  });

  it('opacity: magnitude makes zero transparent and the extremes opaque', () => {
    const { image } = heatmap(Float32Array.of(-2, 0, 1, 2), [1, 4], { opacity: 'magnitude', clip: { percentile: 100 } });
    expect([image.data[3], image.data[7], image.data[11], image.data[15]]).toEqual([255, 0, 128, 255]);
    const half = heatmap(Float32Array.of(2), [1, 1], { mode: 'abs', alpha: 0.5, clip: { value: 4 } });
    expect(half.image.data[3]).toBe(128);
  });

  it("nonFinite: 'zero' draws NaN and ±Infinity as the neutral colour (0)", () => {
    const { image, scale } = heatmap(Float32Array.of(-2, NaN, 2, Infinity), [2, 2], { nonFinite: 'zero', clip: { percentile: 100 } });
    expect(scale).toEqual({ mode: 'signed', min: -2, max: 2, colormap: 'RdBu_r' });
    expect(px(image, 0)).toEqual(lutAt('RdBu_r', 0));
    expect(px(image, 1)).toEqual(lutAt('RdBu_r', 128));
    expect(px(image, 2)).toEqual(lutAt('RdBu_r', 255));
    expect(px(image, 3)).toEqual(lutAt('RdBu_r', 128));
    // before channels are reduced: pixel 0 = 1 + 0 (NaN) + 1 = 2
    const c = heatmap(Float32Array.of(1, NaN, 1, -1, -1, 0), [1, 2, 3], { nonFinite: 'zero', clip: { percentile: 100 } });
    expect(c.scale.max).toBe(2);
    // magnitude opacity: a NaN pixel is transparent like a zero
    const m = heatmap(Float32Array.of(NaN, 1), [1, 2], { nonFinite: 'zero', opacity: 'magnitude' });
    expect([m.image.data[3], m.image.data[7]]).toEqual([0, 255]);
  });

  it('every bad input gets a VizError with the right code', () => {
    expectVizError(() => heatmap(new Float32Array(10), [28, 28]), 'SHAPE_MISMATCH', 'heatmap: values has 10 elements, expected 784 for shape [28, 28]');
    expectVizError(() => heatmap(Float32Array.of(0, 1, NaN, 3), [2, 2]), 'NON_FINITE', 'heatmap: values[2] is NaN', '[1, 0]');
    expectVizError(() => heatmap(Float32Array.of(0, Infinity), [1, 2]), 'NON_FINITE', 'values[1]', "options.nonFinite: 'zero'");
    expectVizError(() => heatmap(Float32Array.of(0, -Infinity), [1, 2], { nonFinite: 'error' }), 'NON_FINITE', 'values[1] is -Infinity');
    expectVizError(() => heatmap(Float32Array.of(0, 1, 2, 3, 4, NaN), [1, 2, 3]), 'NON_FINITE', 'values[5] is NaN', '[0, 1, 2]');
    expectVizError(() => heatmap(new Float32Array(4), [2, 2], { nonFinite: 'ignore' as never }), 'INVALID_ARGUMENT', 'heatmap: options.nonFinite');
    expectVizError(() => heatmap(new Float32Array(8), [2, 2, 3]), 'SHAPE_MISMATCH', 'heatmap: values has 8 elements, expected 12 for shape [2, 2, 3]');
    expectVizError(() => heatmap([NaN], [2, 1], { nonFinite: 'zero' }), 'SHAPE_MISMATCH', 'heatmap: values has 1 elements, expected 2 for shape [2, 1]');
    expectVizError(() => heatmap(new Float32Array(4), [2, 2, 1, 1]), 'INVALID_ARGUMENT', 'shape');
    expectVizError(() => heatmap(new Float32Array(4), [2, -2]), 'INVALID_ARGUMENT', 'shape');
    expectVizError(() => heatmap(new Float32Array(4), [2, 2], { mode: 'minmax' as never }), 'INVALID_ARGUMENT', 'options.mode');
    expectVizError(() => heatmap(new Float32Array(4), [2, 2], { colormap: 'jet' as never }), 'INVALID_ARGUMENT', 'options.colormap');
    expectVizError(() => heatmap(new Float32Array(4), [2, 2], { clip: { percentile: 120 } }), 'INVALID_ARGUMENT', 'options.clip.percentile');
    expectVizError(() => heatmap(new Float32Array(4), [2, 2], { reduceChannels: 'max' as never }), 'INVALID_ARGUMENT', 'options.reduceChannels');
    expectVizError(() => heatmap(new Float32Array(4), [2, 2], { opacity: 'auto' as never }), 'INVALID_ARGUMENT', 'options.opacity');
    expectVizError(() => heatmap(new Float32Array(4), [2, 2], { alpha: 1.5 }), 'INVALID_ARGUMENT', 'options.alpha');
    expectVizError(() => heatmap(new Float32Array(4), [2, 2], { alpha: -0.1 }), 'INVALID_ARGUMENT', 'heatmap: options.alpha must be in [0, 1], got -0.1');
    expectVizError(() => heatmap(new Float32Array(4), [2, 2], { alpha: NaN }), 'INVALID_ARGUMENT', 'heatmap: options.alpha');
    expectVizError(() => heatmap('x' as never, [1, 1]), 'INVALID_ARGUMENT', 'values');
  });
});
