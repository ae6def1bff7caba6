import { describe, expect, it } from 'vitest';
import { gini } from './gini.js';

/** The Gini coefficient as the mean absolute difference over twice the mean (an independent formula). */
function giniByPairs(v: number[]): number {
  const a = v.map(Math.abs);
  const n = a.length;
  const mean = a.reduce((s, x) => s + x, 0) / n;
  let sum = 0;
  for (const x of a) for (const y of a) sum += Math.abs(x - y);
  return sum / (2 * n * n * mean);
}

describe('gini', () => {
  it('is 1 - 1/n for a one-hot vector and 0 for a constant one', () => {
    for (const n of [2, 5, 100]) {
      const v = new Array(n).fill(0);
      v[Math.floor(n / 2)] = -3;
      expect(gini(v)).toBeCloseTo(1 - 1 / n, 12);
      expect(gini(new Array(n).fill(0.7))).toBeCloseTo(0, 12);
    }
  });
  it('agrees with the mean-absolute-difference form of the Gini coefficient', () => {
    const v = [0.3, -1.2, 0, 4, 2.5, -0.1, 0.9];
    expect(gini(v)).toBeCloseTo(giniByPairs(v), 12);
  });
  it('is 0 for an all-zero vector', () => {
    expect(gini([0, 0, 0])).toBe(0);
  });
});
