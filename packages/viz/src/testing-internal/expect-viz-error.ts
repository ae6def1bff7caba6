// Test helper: asserts that `f` throws a VizError with the given code (and message fragments).
import { expect } from 'vitest';
import { VizError, type VizErrorCode } from '../errors.js';

export function expectVizError(f: () => unknown, code: VizErrorCode, ...messageParts: string[]): VizError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a VizError to be thrown').toBeInstanceOf(VizError);
  const e = caught as VizError;
  expect(e.code, e.message).toBe(code);
  for (const part of messageParts) expect(e.message).toContain(part);
  return e;
}
