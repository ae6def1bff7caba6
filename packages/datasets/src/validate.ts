/**
 * Argument checks shared by the loaders and generators (internal). Every check throws a GlassboxError
 * INVALID_ARGUMENT whose message names the argument, what was expected and what came.
 */
import { GlassboxError, assertNumber, checkOptionKeys, describe } from '@glassbox/tensors-ops';

/**
 * Checks that `options` is a plain object (or undefined when `optional`) whose keys are all in `keys` (an
 * unknown key is refused with the closest valid one suggested); returns it or `{}`.
 */
export function checkOptionsObject<T extends object>(options: unknown, where: string, optional: boolean, keys: readonly string[]): Partial<T> {
  if (options === undefined && optional) return {};
  if (options === undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options must be an object, got ${describe(options)}`);
  }
  return checkOptionKeys<Partial<T>>(options, keys, where);
}

/** An integer option >= min (and <= max when given), or its default when undefined. */
export function checkInt(value: unknown, name: string, where: string, min: number, fallback?: number, max?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  return assertNumber(value, name, where, max === undefined ? { integer: true, min } : { integer: true, min, max });
}

/** A finite number >= 0, or its default when undefined. */
export function checkNonNegative(value: unknown, name: string, where: string, fallback: number): number {
  if (value === undefined) return fallback;
  return assertNumber(value, name, where, { min: 0 });
}

/** A seed: an integer in 0..2^32-1 (default 0). */
export function checkSeed(value: unknown, where: string, name = 'options.seed'): number {
  return checkInt(value, name, where, 0, 0, 0xffffffff);
}

/**
 * A list of distinct class ids, each an integer in 0..numClasses-1, at least one. Returns a copy, or all
 * classes in order when undefined.
 */
export function checkClasses(value: unknown, name: string, where: string, numClasses: number): number[] {
  if (value === undefined) return Array.from({ length: numClasses }, (_, i) => i);
  const expected = `a non-empty array of distinct integers in 0..${numClasses - 1}`;
  if (!Array.isArray(value) || value.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be ${expected}, got ${describe(value)}`);
  }
  const seen = new Set<number>();
  for (const c of value as unknown[]) {
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be ${expected}, got unknown class ${describe(c)} in ${describe(value)}`);
    }
    if (seen.has(c)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be ${expected}, got class ${c} twice`);
    }
    seen.add(c);
  }
  return [...(value as number[])];
}

/** An optional function option. */
export function checkFunction(value: unknown, name: string, where: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a function, got ${describe(value)}`);
  }
}

/** An optional boolean option, or its default. */
export function checkBoolean(value: unknown, name: string, where: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be true or false, got ${describe(value)}`);
  }
  return value;
}



/** A string argument (non-empty unless `allowEmpty`). */
export function checkString(value: unknown, name: string, where: string, allowEmpty: boolean): string {
  if (typeof value !== 'string') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a string, got ${describe(value)}`);
  }
  if (!allowEmpty && value.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a non-empty string, got ""`);
  }
  return value;
}
