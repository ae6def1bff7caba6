import { describe, expect, it } from 'vitest';
import { reduceChannels } from './reduce-channels.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

describe('reduceChannels', () => {
  // 1 x 2 pixels, 3 channels: pixel 0 = (1, -2, 4), pixel 1 = (-3, 0, 0)
  const v = Float32Array.of(1, -2, 4, -3, 0, 0);
  it('sums, averages or sums magnitudes over the last axis', () => {
    expect(Array.from(reduceChannels(v, [1, 2, 3]).values)).toEqual([3, -3]);
    expect(Array.from(reduceChannels(v, [1, 2, 3], 'mean').values)).toEqual([1, -1]);
    expect(Array.from(reduceChannels(v, [1, 2, 3], 'absSum').values)).toEqual([7, 3]);
    expect(reduceChannels(v, [1, 2, 3]).shape).toEqual([1, 2]);
  });
  it('copies [h, w] and [h, w, 1] input', () => {
    const a = Float32Array.of(1, 2);
    const r = reduceChannels(a, [2, 1, 1]);
    expect(Array.from(r.values)).toEqual([1, 2]);
    expect(r.shape).toEqual([2, 1]);
    expect(r.values).not.toBe(a);
  });
  it('rejects bad input', () => {
    expectVizError(() => reduceChannels(v, [1, 2, 2]), 'SHAPE_MISMATCH', 'values has 6 elements, expected 4 for shape [1, 2, 2]');
    expectVizError(() => reduceChannels(v, [6]), 'INVALID_ARGUMENT', 'shape');
    expectVizError(() => reduceChannels(v, [1, 2, 3], 'max' as never), 'INVALID_ARGUMENT', 'how');
  });
});
