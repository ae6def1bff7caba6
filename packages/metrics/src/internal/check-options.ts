import { GlassboxError, checkOptionKeys, describe } from '@glassbox/tensors-ops';

/** Checks that options is an object (or undefined -> {}) whose keys are all in `keys` (see checkOptionKeys). */
export function checkOptionsObject<T extends object>(options: T | undefined, keys: readonly string[], where: string, name = 'options'): T {
  return checkOptionKeys<T>(options, keys, where, name);
}

/** Checks an optional boolean option; returns it or the default. */
export function checkBoolean(value: unknown, name: string, where: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be true or false, got ${describe(value)}`);
  }
  return value;
}

/** Checks that value is a function (an explainer); returns it. */
export function checkFunction<F>(value: unknown, name: string, where: string, what = 'a function'): F {
  if (typeof value !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be ${what}, got ${describe(value)}`);
  }
  return value as F;
}
