import { describe, expect, it } from 'vitest';
import { ranks } from './ranks.js';

describe('ranks', () => {
  it('ranks distinct values from 1', () => {
    expect(Array.from(ranks([0.5, -2, 7, 3]))).toEqual([2, 1, 4, 3]);
  });
  it('averages the ranks of ties', () => {
    // 10 is smallest (1); the two 20s share ranks 2 and 3 -> 2.5; 30 is 4.
    expect(Array.from(ranks([10, 30, 20, 20]))).toEqual([1, 4, 2.5, 2.5]);
    expect(Array.from(ranks([5, 5, 5]))).toEqual([2, 2, 2]);
  });
});
