import { describe, expect, it } from 'vitest';
import { normalize, percentile, scalePosition } from './normalize.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

const arr = (t: Float32Array): number[] => Array.from(t);

describe('percentile', () => {
  it('interpolates linearly between order statistics (numpy default)', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([4, 1, 3, 2], 0)).toBe(1);
    expect(percentile([4, 1, 3, 2], 100)).toBe(4);
    // rank = 0.9 * 4 = 3.6 -> 30 + 0.6 * (40 - 30) = 36 (sorted 0, 10, 20, 30, 40)
    expect(percentile([40, 0, 30, 10, 20], 90)).toBeCloseTo(36, 10);
  });
  it('rejects bad arguments', () => {
    expectVizError(() => percentile([], 50), 'INVALID_ARGUMENT', 'empty');
    expectVizError(() => percentile([1], 101), 'INVALID_ARGUMENT', 'p');
    expectVizError(() => percentile([1, NaN], 50), 'NON_FINITE', 'values[1]');
  });
});

describe('normalize', () => {
  const v = Float32Array.of(-4, -1, 0, 2, 4);
  const full = { clip: { percentile: 100 } } as const;

  it('signed: t = 0.5 + 0.5 v / B with B = max |v|, scale [-B, B]', () => {
    const { values, scale } = normalize(v, { mode: 'signed', ...full });
    expect(arr(values)).toEqual([0, 0.375, 0.5, 0.75, 1]);
    expect(scale).toEqual({ mode: 'signed', min: -4, max: 4 });
  });
  it('signed is the default mode', () => {
    expect(normalize(v, full).scale.mode).toBe('signed');
  });
  it('abs: t = |v| / B, scale [0, B]', () => {
    const { values, scale } = normalize(v, { mode: 'abs', ...full });
    expect(arr(values)).toEqual([1, 0.25, 0, 0.5, 1]);
    expect(scale).toEqual({ mode: 'abs', min: 0, max: 4 });
  });
  it('positive: only v > 0 shows, scale [0, B]', () => {
    const { values, scale } = normalize(v, { mode: 'positive', ...full });
    expect(arr(values)).toEqual([0, 0, 0, 0.5, 1]);
    expect(scale).toEqual({ mode: 'positive', min: 0, max: 4 });
  });
  it('negative: only v < 0 shows, scale [-B, 0]', () => {
    const { values, scale } = normalize(Float32Array.of(-4, -1, 0, 2, 8), { mode: 'negative', ...full });
    expect(arr(values)).toEqual([1, 0.25, 0, 0, 0]);
    expect(scale).toEqual({ mode: 'negative', min: -4, max: 0 });
  });

  it('clips at the 99th percentile so one outlier does not wash out the rest', () => {
    // 0, 1, ..., 199 and one outlier 10000: n = 201, rank 0.99 * 200 = 198 -> B = 198 exactly.
    const x = new Float32Array(201);
    for (let i = 0; i < 200; i++) x[i] = i;
    x[200] = 10000;
    const { values, scale } = normalize(x, { mode: 'abs' });
    expect(scale.max).toBe(198);
    expect(values[99]).toBeCloseTo(99 / 198, 6);
    expect(values[200]).toBe(1);
    // Without clipping the same pixel would be almost invisible:
    expect(normalize(x, { mode: 'abs', clip: { percentile: 100 } }).values[99]).toBeCloseTo(99 / 10000, 6);
  });

  it('clips at a given value', () => {
    const { values, scale } = normalize(Float32Array.of(-3, 1, 3), { mode: 'signed', clip: { value: 2 } });
    expect(arr(values)).toEqual([0, 0.75, 1]);
    expect(scale).toEqual({ mode: 'signed', min: -2, max: 2 });
  });

  it('falls back to the maximum when the percentile is 0 but some values are not', () => {
    const x = new Float32Array(1000);
    x[0] = 5; // 99th percentile of |x| is 0
    const { values, scale } = normalize(x, { mode: 'abs' });
    expect(scale.max).toBe(5);
    expect(values[0]).toBe(1);
    expect(values[1]).toBe(0);
  });

  it('constant and all-zero input give the neutral position, never NaN', () => {
    for (const mode of ['signed', 'abs', 'positive', 'negative'] as const) {
      for (const c of [0, 3, -2]) {
        const { values, scale } = normalize(new Float32Array(6).fill(c), { mode });
        const neutral = mode === 'signed' ? 0.5 : 0;
        expect(arr(values), `${mode} ${c}`).toEqual(new Array(6).fill(neutral));
        expect(Number.isNaN(scale.min) || Number.isNaN(scale.max)).toBe(false);
        expect(scale.min).toBe(scale.max);
      }
    }
    // Positive mode with only negative values: nothing to show, neutral.
    const { values } = normalize(Float32Array.of(-1, -2), { mode: 'positive' });
    expect(arr(values)).toEqual([0, 0]);
  });

  it("nonFinite: 'zero' treats NaN and ±Infinity as 0 instead of throwing", () => {
    const { values, scale } = normalize(Float32Array.of(-4, NaN, 2, Infinity, -Infinity, 4), { nonFinite: 'zero', clip: { percentile: 100 } });
    expect(arr(values)).toEqual([0, 0.5, 0.75, 0.5, 0.5, 1]);
    expect(scale).toEqual({ mode: 'signed', min: -4, max: 4 });
    // same as writing the zeros yourself, in every mode
    for (const mode of ['signed', 'abs', 'positive', 'negative'] as const) {
      const a = normalize([NaN, 3, -1, Infinity], { mode, nonFinite: 'zero' });
      const b = normalize([0, 3, -1, 0], { mode });
      expect(arr(a.values), mode).toEqual(arr(b.values));
      expect(a.scale).toEqual(b.scale);
    }
    // all non-finite: neutral, no NaN
    expect(arr(normalize([NaN, NaN], { nonFinite: 'zero' }).values)).toEqual([0.5, 0.5]);
    // the input is not modified
    const input = Float32Array.of(NaN, 1);
    normalize(input, { nonFinite: 'zero' });
    expect(Number.isNaN(input[0])).toBe(true);
  });

  it("nonFinite: 'error' (the default) throws NON_FINITE naming the index and the option", () => {
    expectVizError(() => normalize(Float32Array.of(1, 2, Infinity)), 'NON_FINITE', 'normalize: values[2] is Infinity', "options.nonFinite: 'zero'");
    expectVizError(() => normalize([-Infinity], { nonFinite: 'error' }), 'NON_FINITE', 'values[0] is -Infinity');
    expectVizError(() => normalize([1], { nonFinite: 'skip' as never }), 'INVALID_ARGUMENT', 'normalize: options.nonFinite', "'error', 'zero'");
    expectVizError(() => normalize(['a'] as never, { nonFinite: 'zero' }), 'INVALID_ARGUMENT', 'values[0] must be a number');
  });

  it('rejects bad input', () => {
    expectVizError(() => normalize(Float32Array.of(1, NaN)), 'NON_FINITE', 'normalize: values[1] is NaN');
    expectVizError(() => normalize(new Float32Array(0)), 'INVALID_ARGUMENT', 'empty');
    expectVizError(() => normalize([1], { mode: 'log' as never }), 'INVALID_ARGUMENT', 'options.mode', "'signed'");
    expectVizError(() => normalize([1], { clip: { percentile: 0 } }), 'INVALID_ARGUMENT', 'options.clip.percentile');
    expectVizError(() => normalize([1], { clip: { value: -1 } }), 'INVALID_ARGUMENT', 'options.clip.value');
    expectVizError(() => normalize([1], { clip: { value: Infinity } }), 'INVALID_ARGUMENT', 'options.clip.value');
    expectVizError(() => normalize([1], { clip: { value: 1, percentile: 50 } as never }), 'INVALID_ARGUMENT', 'exactly one');
    expectVizError(() => normalize([1], 'abs' as never), 'INVALID_ARGUMENT', 'options');
  });
});

describe('scalePosition (internal)', () => {
  it('is linear from min to max, reversed for negative, neutral when degenerate', () => {
    expect(scalePosition({ mode: 'signed', min: -2, max: 2 }, 0)).toBe(0.5);
    expect(scalePosition({ mode: 'abs', min: 0, max: 4 }, 1)).toBe(0.25);
    expect(scalePosition({ mode: 'negative', min: -4, max: 0 }, -4)).toBe(1);
    expect(scalePosition({ mode: 'negative', min: -4, max: 0 }, -1)).toBe(0.25);
    expect(scalePosition({ mode: 'signed', min: 3, max: 3 }, 3)).toBe(0.5);
    expect(scalePosition({ mode: 'abs', min: 3, max: 3 }, 3)).toBe(0);
  });
});
