import { GlassboxError, describe } from '@glassbox/tensors-ops';

/** Checks that options is an object (or undefined -> {}). */
export function checkOptionsObject<T extends object>(options: T | undefined, where: string, name = 'options'): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an object, got ${describe(options)}`);
  }
  return options;
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
