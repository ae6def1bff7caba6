import { describe, expect, it } from 'vitest';
import { expectVizError } from './testing-internal/expect-viz-error.js';
import { upsample } from './upsample.js';

describe('upsample', () => {
  const [a, b, c, d] = [1, 2, 5, 11];
  const v = Float32Array.of(a, b, c, d); // [[a, b], [c, d]]
  const bilerp = (fy: number, fx: number): number =>
    (1 - fy) * (1 - fx) * a + (1 - fy) * fx * b + fy * (1 - fx) * c + fy * fx * d;

  it('bilinear 2x2 -> 4x4 with half-pixel centres matches the closed form', () => {
    // src = (dst + 0.5) * 2 / 4 - 0.5, clamped to [0, 1]: dst 0..3 -> 0, 0.25, 0.75, 1
    const f = [0, 0.25, 0.75, 1];
    const out = upsample(v, [2, 2], [4, 4], 'bilinear');
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(16);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) expect(out[y * 4 + x]).toBeCloseTo(bilerp(f[y], f[x]), 5);
    }
    // Corners keep the corner values; spot value by hand: (0.25, 0.25) -> 0.5625a + 0.1875b + 0.1875c + 0.0625d
    expect(out[5]).toBeCloseTo(0.5625 * 1 + 0.1875 * 2 + 0.1875 * 5 + 0.0625 * 11, 5);
  });

  it('bilinear with alignCorners 2x2 -> 3x3: the centre is the mean of the four', () => {
    const out = upsample(v, [2, 2], [3, 3], 'bilinear', { alignCorners: true });
    expect(out[4]).toBeCloseTo((a + b + c + d) / 4, 6);
    expect(out[1]).toBeCloseTo((a + b) / 2, 6);
    expect(out[8]).toBe(d);
  });

  it('nearest repeats blocks', () => {
    const out = upsample(v, [2, 2], [4, 4], 'nearest');
    expect(Array.from(out)).toEqual([a, a, b, b, a, a, b, b, c, c, d, d, c, c, d, d]);
  });

  it('same size is the identity; the default method is bilinear', () => {
    expect(Array.from(upsample(v, [2, 2], [2, 2]))).toEqual([a, b, c, d]);
  });

  it('bilinear 1x2 -> 1x4 on a ramp is linear inside and flat beyond the centres', () => {
    const out = upsample(Float32Array.of(0, 4), [1, 2], [1, 4]);
    expect(Array.from(out)).toEqual([0, 1, 3, 4]);
  });

  it('rejects bad input', () => {
    expectVizError(() => upsample(new Float32Array(3), [2, 2], [4, 4]), 'SHAPE_MISMATCH', 'upsample: values has 3 elements, expected 4 for shape [2, 2]');
    expectVizError(() => upsample(v, [2, 2], [0, 4]), 'INVALID_ARGUMENT', 'to');
    expectVizError(() => upsample(v, [2, 2], [4, 4], 'bicubic' as never), 'INVALID_ARGUMENT', 'method');
    expectVizError(() => upsample(Float32Array.of(1, NaN, 1, 1), [2, 2], [4, 4]), 'NON_FINITE', 'values[1]');
  });
});
