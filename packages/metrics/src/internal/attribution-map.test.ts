import { describe, expect, it } from 'vitest';
import { attributionMap } from './attribution-map.js';

describe('attributionMap', () => {
  it('sums |a| over the channels of an image row and scales by the largest pixel', () => {
    // 1 x 2 image with 2 channels: pixel 0 = |1| + |-3| = 4, pixel 1 = |0.5| + |1.5| = 2
    const { map, height, width } = attributionMap([1, -3, 0.5, 1.5], [1, 2, 2]);
    expect([height, width]).toEqual([1, 2]);
    expect(Array.from(map)).toEqual([1, 0.5]);
  });
  it('treats a vector row as a 1 x d signal and keeps an all-zero map at zero', () => {
    const { map, height, width } = attributionMap([0, -2, 1], [3]);
    expect([height, width]).toEqual([1, 3]);
    expect(Array.from(map)).toEqual([0, 1, 0.5]);
    expect(Array.from(attributionMap([0, 0], [2]).map)).toEqual([0, 0]);
  });
  it('keeps [H, W] rows as images', () => {
    const { height, width } = attributionMap([1, 2, 3, 4, 5, 6], [2, 3]);
    expect([height, width]).toEqual([2, 3]);
  });
});
