import { describe, expect, it } from 'vitest';
import { VizError } from './errors.js';

describe('VizError', () => {
  it('is an Error with a name, a code and the message', () => {
    const e = new VizError('SHAPE_MISMATCH', 'heatmap: values has 10 elements, expected 784 for shape [28, 28]');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(VizError);
    expect(e.name).toBe('VizError');
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toContain('expected 784');
    expect(() => {
      throw e;
    }).toThrow(VizError);
  });
});
