import { describe, expect, it } from 'vitest';
import { formatNumber } from './format.js';

describe('formatNumber', () => {
  it('uses 3 significant digits in plain notation for ordinary magnitudes', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(1)).toBe('1');
    expect(formatNumber(0.123456)).toBe('0.123');
    expect(formatNumber(-2.5)).toBe('-2.5');
    expect(formatNumber(12345)).toBe('12300');
    expect(formatNumber(0.001)).toBe('0.001');
  });
  it('switches to exponent notation for tiny and huge values', () => {
    expect(formatNumber(0.000015)).toBe('1.5e-5');
    expect(formatNumber(-2e-7)).toBe('-2e-7');
    expect(formatNumber(1234567)).toBe('1.23e6');
  });
});
