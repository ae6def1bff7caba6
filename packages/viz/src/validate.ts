// Argument checks shared by every public function. Internal: not re-exported from index.ts.
import { distance } from 'fastest-levenshtein';
import { VizError, type VizErrorCode } from './errors.js';
import type { RGBAImage } from './rgba-image.js';

export function fail(code: VizErrorCode, message: string): never {
  throw new VizError(code, message);
}

/** `[28, 28]` style formatting for messages. */
export function fmtShape(shape: ArrayLike<number>): string {
  return `[${Array.from(shape).join(', ')}]`;
}

/** A short description of what came, for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return typeof value;
}

export function isArrayLike(value: unknown): value is ArrayLike<number> {
  if (value === null || value === undefined || typeof value === 'string') return false;
  if (ArrayBuffer.isView(value)) return !(value instanceof DataView);
  return Array.isArray(value) || (typeof value === 'object' && typeof (value as { length?: unknown }).length === 'number');
}

/**
 * The name among `candidates` that `name` most likely misspells, or undefined when none is close: the smallest
 * Levenshtein distance ignoring case (ties broken with case), within max(2, floor(name.length / 3)) edits.
 * (The same rule as tensors-ops' closestName; viz depends on no other Glassbox package.)
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = distance(name.toLowerCase(), c.toLowerCase()) * 1000 + distance(name, c);
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best !== undefined && Math.floor(bestScore / 1000) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Checks that `options` is undefined or a plain object whose every key is in `allowed`: a misspelt key is
 * refused (INVALID_ARGUMENT naming it and the closest valid key) rather than silently ignored.
 */
export function checkOptions(fn: string, options: unknown, allowed: readonly string[], name = 'options'): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail('INVALID_ARGUMENT', `${fn}: ${name} must be an object or undefined, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const guess = closestName(key, allowed);
    fail(
      'INVALID_ARGUMENT',
      `${fn}: unknown key '${key}' in ${name}${guess === undefined ? '' : ` (did you mean '${guess}'?)`}; valid keys: ${allowed.map((k) => `'${k}'`).join(', ')}`,
    );
  }
}

/** The keys of an options interface, checked by the compiler against it (every key of T, no other). */
export function optionKeys<T extends object>(keys: { readonly [K in keyof Required<T>]: true }): readonly (keyof T & string)[] {
  return Object.freeze(Object.keys(keys)) as readonly (keyof T & string)[];
}

export function checkPositiveInt(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    fail('INVALID_ARGUMENT', `${fn}: ${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

export function checkNonNegativeInt(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail('INVALID_ARGUMENT', `${fn}: ${name} must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

/** A finite number in [lo, hi] (inclusive unless told). */
export function checkNumberInRange(
  fn: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  { loOpen = false, hiOpen = false }: { loOpen?: boolean; hiOpen?: boolean } = {},
): number {
  const lob = loOpen ? '(' : '[';
  const hib = hiOpen ? ')' : ']';
  if (typeof value !== 'number' || Number.isNaN(value)) {
    fail('INVALID_ARGUMENT', `${fn}: ${name} must be a number in ${lob}${lo}, ${hi}${hib}, got ${describe(value)}`);
  }
  if (!Number.isFinite(value) && Number.isFinite(lo) && Number.isFinite(hi)) {
    fail('NON_FINITE', `${fn}: ${name} must be a finite number in ${lob}${lo}, ${hi}${hib}, got ${value}`);
  }
  const below = loOpen ? value <= lo : value < lo;
  const above = hiOpen ? value >= hi : value > hi;
  if (below || above) {
    fail('INVALID_ARGUMENT', `${fn}: ${name} must be in ${lob}${lo}, ${hi}${hib}, got ${value}`);
  }
  return value;
}

export function checkFiniteNumber(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number') fail('INVALID_ARGUMENT', `${fn}: ${name} must be a number, got ${describe(value)}`);
  if (!Number.isFinite(value)) fail('NON_FINITE', `${fn}: ${name} must be a finite number, got ${value}`);
  return value;
}

export function checkOneOf<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(
      'INVALID_ARGUMENT',
      `${fn}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`,
    );
  }
  return value as T;
}

/** A [height, width] shape of positive integers. */
export function checkShape2D(fn: string, name: string, shape: unknown): [number, number] {
  if (
    !Array.isArray(shape) ||
    shape.length !== 2 ||
    !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)
  ) {
    fail(
      'INVALID_ARGUMENT',
      `${fn}: ${name} must be [height, width] with positive integers, got ${Array.isArray(shape) ? fmtShape(shape) : describe(shape)}`,
    );
  }
  return [shape[0], shape[1]];
}

/** An array-like of numbers with exactly `expected` elements. */
export function checkValues(
  fn: string,
  name: string,
  values: unknown,
  expected: number,
  shape: ArrayLike<number>,
): ArrayLike<number> {
  if (!isArrayLike(values)) {
    fail('INVALID_ARGUMENT', `${fn}: ${name} must be a Float32Array (or an array of numbers), got ${describe(values)}`);
  }
  if (values.length !== expected) {
    fail(
      'SHAPE_MISMATCH',
      `${fn}: ${name} has ${values.length} elements, expected ${expected} for shape ${fmtShape(shape)}`,
    );
  }
  return values;
}

/**
 * Throws NON_FINITE naming the first index that is NaN or ±Infinity (or INVALID_ARGUMENT for something that
 * is not a number at all). `hint` is appended to the NON_FINITE message (e.g. how to opt out).
 */
export function checkFinite(
  fn: string,
  name: string,
  values: ArrayLike<number>,
  shape?: ArrayLike<number>,
  hint = '',
): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') {
      fail('INVALID_ARGUMENT', `${fn}: ${name}[${i}] must be a number, got ${describe(v)}`);
    }
    if (!Number.isFinite(v)) {
      const where = shape ? ` (at ${fmtShape(unravel(i, shape))} for shape ${fmtShape(shape)})` : '';
      fail('NON_FINITE', `${fn}: ${name}[${i}] is ${v}${where}; expected finite numbers${hint}`);
    }
  }
}

/** What to do with NaN and ±Infinity in attribution values: throw NON_FINITE (default) or treat them as 0. */
export type NonFinitePolicy = 'error' | 'zero';

export const nonFinitePolicies: readonly NonFinitePolicy[] = ['error', 'zero'];

/** The hint appended to NON_FINITE messages of functions that accept `options.nonFinite`. */
export const NON_FINITE_HINT = " (or pass options.nonFinite: 'zero' to treat NaN and ±Infinity as 0)";

/**
 * Checks `values` under a non-finite policy: with 'error' as `checkFinite` (with the opt-out hint); with
 * 'zero' only that every element is a number. Returns the values with NaN/±Infinity replaced by 0 (a copy
 * only when something had to be replaced).
 */
export function applyNonFinitePolicy(
  fn: string,
  name: string,
  values: ArrayLike<number>,
  policy: NonFinitePolicy,
  shape?: ArrayLike<number>,
): ArrayLike<number> {
  if (policy === 'error') {
    checkFinite(fn, name, values, shape, NON_FINITE_HINT);
    return values;
  }
  let out: Float64Array | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') fail('INVALID_ARGUMENT', `${fn}: ${name}[${i}] must be a number, got ${describe(v)}`);
    if (!Number.isFinite(v)) {
      out ??= Float64Array.from(values);
      out[i] = 0;
    }
  }
  return out ?? values;
}

/** Flat index -> multi-index for a row-major shape. */
export function unravel(index: number, shape: ArrayLike<number>): number[] {
  const out = new Array<number>(shape.length);
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return out;
}

/** An RGBAImage: positive integer width/height and a Uint8ClampedArray of width*height*4 bytes. */
export function checkImage(fn: string, name: string, image: unknown): RGBAImage {
  if (image === null || typeof image !== 'object') {
    fail('INVALID_ARGUMENT', `${fn}: ${name} must be an RGBAImage { width, height, data }, got ${describe(image)}`);
  }
  const { width, height, data } = image as Partial<RGBAImage>;
  if (typeof width !== 'number' || !Number.isInteger(width) || width <= 0) {
    fail('INVALID_ARGUMENT', `${fn}: ${name}.width must be a positive integer, got ${describe(width)}`);
  }
  if (typeof height !== 'number' || !Number.isInteger(height) || height <= 0) {
    fail('INVALID_ARGUMENT', `${fn}: ${name}.height must be a positive integer, got ${describe(height)}`);
  }
  if (!(data instanceof Uint8ClampedArray)) {
    fail('INVALID_ARGUMENT', `${fn}: ${name}.data must be a Uint8ClampedArray (RGBA), got ${describe(data)}`);
  }
  if (data.length !== width * height * 4) {
    fail(
      'SHAPE_MISMATCH',
      `${fn}: ${name}.data has ${data.length} bytes, expected ${width * height * 4} (width ${width} x height ${height} x 4 RGBA)`,
    );
  }
  return image as RGBAImage;
}
