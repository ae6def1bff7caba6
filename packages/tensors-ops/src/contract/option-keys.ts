/**
 * Options checked by name: every public function declares its valid option keys and refuses any other key
 * with INVALID_ARGUMENT, suggesting the closest valid name, so that a typo (`stpes` for `steps`) never runs a
 * silently different computation. Loads no TensorFlow.js (the pool entry uses it); re-exported by validate.ts.
 */
import { distance } from 'fastest-levenshtein';
import { GlassboxError, describe } from '../errors.js';

/**
 * The valid keys of an options interface, as a frozen array that the compiler keeps in step with the
 * interface: `keys` must name every key of `T` (and, written as an object literal, no other), each `true`.
 *
 * @example
 * ```ts
 * interface StepsOptions { steps?: number; signal?: AbortSignal }
 * export const STEPS_OPTION_KEYS = optionKeys<StepsOptions>({ steps: true, signal: true }); // ['steps', 'signal']
 * ```
 */
export function optionKeys<T extends object>(keys: { readonly [K in keyof Required<T>]: true }): readonly (keyof T & string)[] {
  return Object.freeze(Object.keys(keys)) as readonly (keyof T & string)[];
}

/**
 * The name among `candidates` that `name` most likely misspells, or undefined when none is close. Closeness is
 * the Levenshtein edit distance ignoring case (ties broken by the distance with case), and a candidate counts
 * as close within max(2, floor(name.length / 3)) edits: 'stpes' -> 'steps', 'batchsize' -> 'batchSize'.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = distance(lower, c.toLowerCase()) * 1000 + distance(name, c);
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  return Math.floor(bestScore / 1000) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  // Object.prototype of this realm or of another one (a vm context, an iframe); or Object.create(null).
  return proto === null || proto === Object.prototype || (Object.getPrototypeOf(proto) === null && proto.constructor?.name === 'Object');
}

function checkPlainObject(options: unknown, where: string, name: string): asserts options is Record<string, unknown> {
  if (!isPlainObject(options)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an object, got ${describe(options)}`);
  }
}

function unknownKeyError(key: string, allowed: readonly string[], where: string, name: string): GlassboxError {
  const guess = closestName(key, allowed);
  const hint = guess === undefined ? '' : ` (did you mean '${guess}'?)`;
  const valid = allowed.length === 0 ? `${name} takes no keys` : `valid keys: ${allowed.map((k) => `'${k}'`).join(', ')}`;
  return new GlassboxError('INVALID_ARGUMENT', `${where}: unknown key '${key}' in ${name}${hint}; ${valid}`);
}

/**
 * Checks an options argument by name: undefined (taken as `{}`) or a plain object whose every own key is in
 * `allowed`. A misspelt key is refused rather than silently ignored, with the closest valid name suggested
 * ("did you mean 'steps'?"). Returns the options (or `{}`).
 *
 * @param options what the caller passed.
 * @param allowed the function's valid keys (see `optionKeys`).
 * @param where the public function, for the message.
 * @param name how the argument is called in the message, default 'options' (e.g. 'options.settings').
 * @throws GlassboxError INVALID_ARGUMENT naming the unknown key, the closest valid key and all valid keys; or
 *   when options is not a plain object.
 */
export function checkOptionKeys<T extends object = Record<string, unknown>>(
  options: unknown,
  allowed: readonly string[],
  where: string,
  name = 'options',
): T {
  if (options === undefined) return {} as T;
  checkPlainObject(options, where, name);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw unknownKeyError(key, allowed, where, name);
  }
  return options as T;
}

const OPTION_KEYS = Symbol.for('@glassbox/option-keys');

/**
 * Records a public function's valid option keys on the function itself, so that wrappers that pass options on
 * to it (noiseTunnel, the metrics that run an explainer, compareExplainers) can check them; `optionKeysOf`
 * reads them back (also across duplicated copies of this package). Returns `fn`.
 */
export function declareOptionKeys<F extends object>(fn: F, keys: readonly string[]): F {
  Object.defineProperty(fn, OPTION_KEYS, { value: Object.freeze(keys.slice()), enumerable: false });
  return fn;
}

/** The option keys a function declared with `declareOptionKeys`, or undefined (e.g. a user's own explainer). */
export function optionKeysOf(fn: unknown): readonly string[] | undefined {
  if (typeof fn !== 'function') return undefined;
  const keys = (fn as unknown as Record<symbol, unknown>)[OPTION_KEYS];
  return Array.isArray(keys) ? (keys as readonly string[]) : undefined;
}

/**
 * For a wrapper that passes part of its options on to an inner function: checks every key of `options`
 * against the wrapper's keys and the inner function's (when it declared them, see `declareOptionKeys`), and
 * returns the options to pass on.
 *
 * - `own`: keys the wrapper uses itself and never passes on.
 * - `shared`: keys the wrapper uses and also passes on, to an inner function that accepts them.
 * - any other key is passed on as it is, and must be one of the inner function's keys.
 *
 * With an inner function that declared no keys (a user's own), nothing can be checked beyond `own` and
 * everything but `own` is passed on.
 *
 * @param options what the caller passed: undefined (taken as {}) or a plain object.
 * @throws GlassboxError INVALID_ARGUMENT for a key that neither the wrapper nor the inner function knows, or
 *   when options is not a plain object.
 */
export function forwardOptions(
  options: unknown,
  spec: { own: readonly string[]; shared?: readonly string[]; inner: unknown },
  where: string,
  name = 'options',
): Record<string, unknown> {
  if (options === undefined) return {};
  checkPlainObject(options, where, name);
  const innerKeys = optionKeysOf(spec.inner);
  const shared = spec.shared ?? [];
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    if (spec.own.includes(key)) continue;
    if (innerKeys === undefined || innerKeys.includes(key)) {
      out[key] = options[key];
    } else if (!shared.includes(key)) {
      const valid = [...new Set([...spec.own, ...shared, ...innerKeys])];
      throw unknownKeyError(key, valid, where, name);
    }
  }
  return out;
}
