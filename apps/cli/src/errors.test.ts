import { describe, expect, it } from 'vitest';
import { CliError, exitCodeOf, oneLine, usageError } from './errors.js';

function glassboxError(code: string, message = 'bad'): Error {
  const e = new Error(message) as Error & { code: string };
  e.name = 'GlassboxError';
  e.code = code;
  return e;
}

describe('exit codes', () => {
  it('maps GlassboxError codes: bad input -> 2, the others -> 1', () => {
    for (const code of ['INVALID_ARGUMENT', 'SHAPE_MISMATCH', 'TARGET_OUT_OF_RANGE', 'NON_FINITE']) expect(exitCodeOf(glassboxError(code))).toBe(2);
    for (const code of ['ABORTED', 'BAD_WEIGHTS', 'BACKEND_UNAVAILABLE']) expect(exitCodeOf(glassboxError(code))).toBe(1);
  });

  it('uses the exit code of a CliError, 1 for anything else', () => {
    expect(exitCodeOf(usageError('x'))).toBe(2);
    expect(exitCodeOf(new CliError('x', 1))).toBe(1);
    expect(exitCodeOf(new Error('x'))).toBe(1);
    expect(exitCodeOf('a string')).toBe(1);
  });

  it('formats any error on one line, with the GlassboxError code', () => {
    expect(oneLine(glassboxError('TARGET_OUT_OF_RANGE', 'target 12\n  is out of range'))).toBe('TARGET_OUT_OF_RANGE: target 12 is out of range');
    expect(oneLine(new Error('a\nb'))).toBe('a b');
  });
});
