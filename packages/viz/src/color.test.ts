import { describe, expect, it } from 'vitest';
import { luma, parseColor, parseCssColor } from './color.js';
import { VizError } from './errors.js';

describe('parseCssColor', () => {
  it('parses hex and rgb() forms', () => {
    expect(parseCssColor('#440154')).toEqual([0x44, 0x01, 0x54, 255]);
    expect(parseCssColor('#f0a')).toEqual([255, 0, 170, 255]);
    expect(parseCssColor('#00000080')).toEqual([0, 0, 0, 128]);
    expect(parseCssColor('rgb(5, 48, 97)')).toEqual([5, 48, 97, 255]);
    expect(parseCssColor('rgba(5, 48, 97, 0.5)')).toEqual([5, 48, 97, 128]);
    expect(parseCssColor('red')).toBeNull();
  });
});

describe('parseColor', () => {
  it('accepts tuples and strings, defaulting alpha to 255', () => {
    expect(parseColor('f', 'c', [1, 2, 3])).toEqual([1, 2, 3, 255]);
    expect(parseColor('f', 'c', [1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
    expect(parseColor('f', 'c', '#ffffff')).toEqual([255, 255, 255, 255]);
  });
  it('rejects anything else with INVALID_ARGUMENT naming the argument', () => {
    for (const bad of [[1, 2], [0, 0, 300], 'blue', 42, null]) {
      try {
        parseColor('grid', 'options.background', bad);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(VizError);
        expect((e as VizError).code).toBe('INVALID_ARGUMENT');
        expect((e as VizError).message).toContain('grid: options.background');
      }
    }
  });
});

describe('luma', () => {
  it('is 0 for black and 255 for white', () => {
    expect(luma(0, 0, 0)).toBe(0);
    expect(luma(255, 255, 255)).toBeCloseTo(255, 9);
  });
});
