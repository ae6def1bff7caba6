import { describe, expect, it } from 'vitest';
import { expectVizError } from './testing-internal/expect-viz-error.js';
import { checkFinite, checkImage, checkNumberInRange, checkShape2D, checkValues, describe as describeValue, fmtShape, unravel } from './validate.js';

describe('validate (internal)', () => {
  it('unravels flat indices row-major', () => {
    expect(unravel(0, [2, 3, 4])).toEqual([0, 0, 0]);
    expect(unravel(23, [2, 3, 4])).toEqual([1, 2, 3]);
    expect(unravel(13, [2, 3, 4])).toEqual([1, 0, 1]); // 1*12 + 0*4 + 1
  });
  it('formats shapes and values for messages', () => {
    expect(fmtShape([28, 28])).toBe('[28, 28]');
    expect(describeValue(new Float32Array(2))).toBe('a Float32Array');
    expect(describeValue([1, 2])).toBe('an array of length 2');
    expect(describeValue(null)).toBe('null');
  });
  it('names the function, the argument, what was expected and what came', () => {
    expectVizError(() => checkValues('f', 'values', new Float32Array(10), 784, [28, 28]), 'SHAPE_MISMATCH', 'f: values has 10 elements, expected 784 for shape [28, 28]');
    expectVizError(() => checkFinite('f', 'v', [0, 0, 0, 0, 0, NaN], [2, 3]), 'NON_FINITE', 'f: v[5] is NaN (at [1, 2] for shape [2, 3])');
    expectVizError(() => checkShape2D('f', 'shape', [2]), 'INVALID_ARGUMENT', 'f: shape must be [height, width]', 'got [2]');
    expectVizError(() => checkNumberInRange('f', 'p', 5, 0, 1), 'INVALID_ARGUMENT', 'f: p must be in [0, 1], got 5');
    expectVizError(() => checkNumberInRange('f', 'p', Infinity, 0, 1), 'NON_FINITE', 'f: p');
    expectVizError(() => checkImage('f', 'image', { width: 1, height: 1, data: new Uint8ClampedArray(5) }), 'SHAPE_MISMATCH', 'f: image.data has 5 bytes, expected 4');
  });
});
