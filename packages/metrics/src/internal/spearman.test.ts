import { describe, expect, it } from 'vitest';
import { spearman } from './spearman.js';

describe('spearman', () => {
  it('is 1 for a monotone increasing relation and -1 for a decreasing one', () => {
    expect(spearman([1, 2, 3, 4], [1, 10, 100, 1000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [9, 3, 2, -5])).toBeCloseTo(-1, 12);
  });
  it('matches the textbook formula 1 - 6 sum d^2 / (n (n^2 - 1)) without ties', () => {
    const a = [3, 1, 4, 5, 9, 2];
    const b = [2, 7, 1, 8, 6, 4];
    // ranks a: 3->3, 1->1, 4->4, 5->5, 9->6, 2->2 ; ranks b: 2->2, 7->5, 1->1, 8->6, 6->4, 4->3
    const ra = [3, 1, 4, 5, 6, 2];
    const rb = [2, 5, 1, 6, 4, 3];
    const d2 = ra.reduce((s, r, i) => s + (r - rb[i]!) ** 2, 0);
    const n = 6;
    expect(spearman(a, b)).toBeCloseTo(1 - (6 * d2) / (n * (n * n - 1)), 12);
  });
  it('handles ties as the Pearson correlation of averaged ranks', () => {
    // ranks of [5, 6, 7, 8, 7] are [1, 2, 3.5, 5, 3.5]; ranks of [1..5] are [1..5].
    const rx = [1, 2, 3, 4, 5];
    const ry = [1, 2, 3.5, 5, 3.5];
    const m = 3;
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < 5; i++) {
      sxy += (rx[i]! - m) * (ry[i]! - m);
      sxx += (rx[i]! - m) ** 2;
      syy += (ry[i]! - m) ** 2;
    }
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 12);
  });
  it('defines the constant cases', () => {
    expect(spearman([1, 1, 1], [2, 2, 2])).toBe(1);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBe(0);
  });
});
