import {
  applyNonFinitePolicy,
  checkFinite,
  checkNumberInRange,
  checkOneOf,
  checkOptions,
  describe,
  fail,
  isArrayLike,
  nonFinitePolicies,
  optionKeys,
  type NonFinitePolicy,
} from './validate.js';

export type { NonFinitePolicy } from './validate.js';

/**
 * How attributions become colour positions t in [0, 1]:
 * - `'signed'`: symmetric around zero, t = 0.5 + 0.5 * clamp(v / B, -1, 1); zero sits at the centre of a
 *   diverging colormap, negative and positive evidence get opposite hues.
 * - `'abs'`: magnitude, t = min(|v| / B, 1); "how much", whatever the direction.
 * - `'positive'`: only evidence for the target, t = min(max(v, 0) / B, 1).
 * - `'negative'`: only evidence against it, t = min(max(-v, 0) / B, 1).
 */
export type NormalizeMode = 'abs' | 'signed' | 'positive' | 'negative';

export const normalizeModes: readonly NormalizeMode[] = ['signed', 'abs', 'positive', 'negative'];

/**
 * Where the colour saturates (the bound B):
 * - `{ percentile: p }` (default p = 99): B is the p-th percentile (0 < p <= 100, linear interpolation
 *   between order statistics, as numpy's default) of the mode's magnitude m (|v| for abs and signed,
 *   max(v, 0) for positive, max(-v, 0) for negative) over all pixels, so a few outliers do not wash out
 *   the rest. If that percentile is 0 but some m is not, B is max(m).
 * - `{ value: B }`: a fixed bound, e.g. to draw several maps on one common scale.
 */
export type ClipOption = { percentile: number } | { value: number };

export interface NormalizeOptions {
  /** Default `'signed'`. */
  mode?: NormalizeMode;
  /** Default `{ percentile: 99 }`. */
  clip?: ClipOption;
  /**
   * What to do with NaN and ±Infinity in the values: `'error'` (default) throws a `VizError` with code
   * `'NON_FINITE'` naming the first such index; `'zero'` treats them as 0: they get the neutral colour and
   * count as zeros when the percentile bound is computed. Opt in only when you know why they are there
   * (e.g. 0/0 in a ratio-based attribution).
   */
  nonFinite?: NonFinitePolicy;
}

/** The keys of NormalizeOptions. */
export const NORMALIZE_OPTION_KEYS = optionKeys<NormalizeOptions>({ mode: true, clip: true, nonFinite: true });

/**
 * The value range that the colours stand for, returned so that a colorbar can show it.
 *
 * `[min, max]` is in attribution units: `[-B, B]` for signed, `[0, B]` for abs and positive, `[-B, 0]` for
 * negative (where min, the most negative value, gets the strongest colour). `min === max` marks a
 * degenerate scale (constant input with a data-derived bound): every pixel was drawn neutral.
 */
export interface NormalizeScale {
  mode: NormalizeMode;
  min: number;
  max: number;
}

export interface NormalizeResult {
  /** Colour positions t in [0, 1], one per input value. */
  values: Float32Array;
  scale: NormalizeScale;
}

/** The neutral colour position of a mode: the centre for signed, the low end otherwise. */
export function neutralPosition(mode: NormalizeMode): number {
  return mode === 'signed' ? 0.5 : 0;
}

/**
 * The p-th percentile (0..100) of `values` with linear interpolation between order statistics
 * (numpy's default): rank r = p / 100 * (n - 1), result sorted[floor r] + frac(r) * (sorted[ceil r] - sorted[floor r]).
 *
 * @example
 * ```ts
 * percentile(Float32Array.of(1, 2, 3, 4), 50); // 2.5
 * ```
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  const fn = 'percentile';
  if (!isArrayLike(values)) fail('INVALID_ARGUMENT', `${fn}: values must be an array of numbers, got ${describe(values)}`);
  if (values.length === 0) fail('INVALID_ARGUMENT', `${fn}: values must not be empty`);
  checkNumberInRange(fn, 'p', p, 0, 100);
  checkFinite(fn, 'values', values);
  const sorted = Float64Array.from(values).sort();
  const r = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(r);
  const hi = Math.ceil(r);
  return sorted[lo] + (r - lo) * (sorted[hi] - sorted[lo]);
}

/** Internal: validates normalize options; `fn` names the public caller in messages. */
export function resolveNormalizeOptions(
  fn: string,
  options: { mode?: unknown; clip?: unknown; nonFinite?: unknown },
): { mode: NormalizeMode; clip: { percentile: number } | { value: number }; nonFinite: NonFinitePolicy } {
  const mode = checkOneOf(fn, 'options.mode', options.mode ?? 'signed', normalizeModes);
  const nonFinite = checkOneOf(fn, 'options.nonFinite', options.nonFinite ?? 'error', nonFinitePolicies);
  const clip = options.clip ?? { percentile: 99 };
  if (clip === null || typeof clip !== 'object') {
    fail('INVALID_ARGUMENT', `${fn}: options.clip must be { percentile } or { value }, got ${describe(clip)}`);
  }
  const hasP = 'percentile' in clip;
  const hasV = 'value' in clip;
  if (hasP === hasV) {
    fail('INVALID_ARGUMENT', `${fn}: options.clip must have exactly one of 'percentile' or 'value', got keys [${Object.keys(clip).join(', ')}]`);
  }
  if (hasP) {
    const p = checkNumberInRange(fn, 'options.clip.percentile', (clip as { percentile: unknown }).percentile, 0, 100, { loOpen: true });
    return { mode, clip: { percentile: p }, nonFinite };
  }
  const v = checkNumberInRange(fn, 'options.clip.value', (clip as { value: unknown }).value, 0, Infinity, {
    loOpen: true,
    hiOpen: true,
  });
  return { mode, clip: { value: v }, nonFinite };
}

/** Internal: magnitude that the mode encodes. */
function magnitude(mode: NormalizeMode, v: number): number {
  switch (mode) {
    case 'abs':
    case 'signed':
      return Math.abs(v);
    case 'positive':
      return v > 0 ? v : 0;
    case 'negative':
      return v < 0 ? -v : 0;
  }
}

/**
 * Maps attributions to colour positions t in [0, 1] and reports the scale used.
 *
 * Intuition: the same attribution map looks very different depending on whether you ask "how much"
 * (abs), "for or against" (signed), or only one direction (positive / negative), and on where colours
 * saturate. Nothing is forced: pick the mode and the clip, and keep the returned scale for the colorbar.
 *
 * Formula with bound B (see `ClipOption`): signed t = 0.5 + 0.5 * clamp(v / B, -1, 1);
 * abs t = min(|v| / B, 1); positive t = min(max(v, 0) / B, 1); negative t = min(max(-v, 0) / B, 1).
 *
 * Degenerate input never yields NaN: when the bound comes from the data (percentile) and all values are
 * equal (e.g. all zero), or the mode's magnitude is zero everywhere, every t is the neutral position
 * (0.5 for signed, 0 otherwise) and the scale has min === max.
 *
 * @param values attributions (Float32Array or numbers), any length >= 1, all finite unless
 *   `nonFinite: 'zero'`.
 * @param options `mode` (default 'signed'), `clip` (default `{ percentile: 99 }`), `nonFinite`
 *   (default 'error').
 * @example
 * ```ts
 * const { values: t, scale } = normalize(Float32Array.of(-2, 0, 1, 2), { mode: 'signed', clip: { percentile: 100 } });
 * // t = [0, 0.5, 0.75, 1], scale = { mode: 'signed', min: -2, max: 2 }
 * ```
 */
export function normalize(values: ArrayLike<number>, options: NormalizeOptions = {}): NormalizeResult {
  const fn = 'normalize';
  if (!isArrayLike(values)) fail('INVALID_ARGUMENT', `${fn}: values must be a Float32Array (or an array of numbers), got ${describe(values)}`);
  if (values.length === 0) fail('INVALID_ARGUMENT', `${fn}: values must not be empty`);
  checkOptions(fn, options, NORMALIZE_OPTION_KEYS);
  const resolved = resolveNormalizeOptions(fn, options);
  return normalizeUnchecked(applyNonFinitePolicy(fn, 'values', values, resolved.nonFinite), resolved);
}

/** Internal: normalize after validation. */
export function normalizeUnchecked(
  values: ArrayLike<number>,
  { mode, clip }: { mode: NormalizeMode; clip: { percentile: number } | { value: number } },
): NormalizeResult {
  const n = values.length;
  const out = new Float32Array(n);
  const neutral = neutralPosition(mode);
  let bound: number;
  if ('value' in clip) {
    bound = clip.value;
  } else {
    let constant = true;
    for (let i = 1; i < n && constant; i++) constant = values[i] === values[0];
    const m = new Float64Array(n);
    let maxM = 0;
    for (let i = 0; i < n; i++) {
      m[i] = magnitude(mode, values[i]);
      if (m[i] > maxM) maxM = m[i];
    }
    if (constant || maxM === 0) {
      out.fill(neutral);
      const c = constant ? values[0] : 0;
      const shown = mode === 'abs' ? Math.abs(c) : mode === 'positive' ? Math.max(c, 0) : mode === 'negative' ? Math.min(c, 0) : c;
      return { values: out, scale: { mode, min: shown, max: shown } };
    }
    m.sort();
    const r = (clip.percentile / 100) * (n - 1);
    const lo = Math.floor(r);
    const hi = Math.ceil(r);
    bound = m[lo] + (r - lo) * (m[hi] - m[lo]);
    if (!(bound > 0)) bound = maxM;
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (mode === 'signed') {
      out[i] = 0.5 + 0.5 * Math.max(-1, Math.min(1, v / bound));
    } else {
      out[i] = Math.min(1, magnitude(mode, v) / bound);
    }
  }
  const scale: NormalizeScale =
    mode === 'signed'
      ? { mode, min: -bound, max: bound }
      : mode === 'negative'
        ? { mode, min: -bound, max: 0 }
        : { mode, min: 0, max: bound };
  return { values: out, scale };
}

/**
 * Internal: the colour position of a value v in scale units (what a colorbar needs): linear from min (t = 0)
 * to max (t = 1), reversed for 'negative' (min = -B gets t = 1); neutral when min === max.
 */
export function scalePosition(scale: NormalizeScale, v: number): number {
  if (!(scale.max > scale.min)) return neutralPosition(scale.mode);
  const t = (v - scale.min) / (scale.max - scale.min);
  const c = Math.min(1, Math.max(0, t));
  return scale.mode === 'negative' ? 1 - c : c;
}
