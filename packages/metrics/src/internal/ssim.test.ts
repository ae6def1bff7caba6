import { describe, expect, it } from 'vitest';
import { ssim } from './ssim.js';

const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;

describe('ssim', () => {
  it('is 1 for identical maps', () => {
    const a = Array.from({ length: 64 }, (_, i) => ((i * 37) % 11) / 10);
    expect(ssim(a, a, 8, 8)).toBeCloseTo(1, 12);
  });
  it('matches the closed form for two constant maps', () => {
    const a = new Array(100).fill(0.8);
    const b = new Array(100).fill(0.2);
    // variances and covariance are 0: SSIM = (2 * 0.8 * 0.2 + C1) * C2 / ((0.64 + 0.04 + C1) * C2)
    expect(ssim(a, b, 10, 10)).toBeCloseTo((2 * 0.8 * 0.2 + C1) / (0.64 + 0.04 + C1), 12);
  });
  it('computes one window by hand when the window covers the whole map', () => {
    const a = [0, 1, 0, 1, 1, 0, 0, 0, 1]; // 3x3
    const b = [1, 0, 1, 0, 0, 1, 1, 1, 0]; // 1 - a
    const n = 9;
    const ma = 4 / 9;
    const mb = 5 / 9;
    // sample variance of a 0/1 map with k ones: (k - k^2/n) / (n - 1)
    const va = (4 - 16 / 9) / (n - 1);
    const vb = (5 - 25 / 9) / (n - 1);
    const cov = (0 - (4 * 5) / 9) / (n - 1); // sum a*b = 0
    const expected = ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
    expect(ssim(a, b, 3, 3)).toBeCloseTo(expected, 12);
    expect(ssim(a, b, 3, 3)).toBeLessThan(0);
  });
  it('treats a height of 1 as a 1-D signal and is symmetric', () => {
    const a = [0.1, 0.5, 0.2, 0.9, 0.4, 0.3, 0.7, 0.8, 0.6, 0];
    const b = [0.2, 0.4, 0.1, 0.8, 0.5, 0.3, 0.6, 0.9, 0.7, 0.1];
    const s = ssim(a, b, 1, 10);
    expect(s).toBeCloseTo(ssim(b, a, 1, 10), 12);
    expect(s).toBeGreaterThan(0.5);
    expect(s).toBeLessThan(1);
  });
});
