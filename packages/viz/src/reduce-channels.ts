import { applyNonFinitePolicy, checkFinite, checkOneOf, checkValues, describe, fail, fmtShape, type NonFinitePolicy } from './validate.js';

/** How a channel-last `[h, w, c]` attribution becomes one value per pixel. */
export type ChannelReduction = 'sum' | 'mean' | 'absSum';

export const channelReductions: readonly ChannelReduction[] = ['sum', 'mean', 'absSum'];

/**
 * Collapses a channel-last map `[h, w, c]` to `[h, w]`: `'sum'` (default; keeps the sign, and the sum of
 * attributions is preserved, which completeness-style methods care about), `'mean'` (sum / c) or
 * `'absSum'` (sum of |v|, magnitude regardless of sign, channels cannot cancel). `[h, w]` and `[h, w, 1]`
 * come back as a copy.
 *
 * @example
 * ```ts
 * const { values, shape } = reduceChannels(Float32Array.of(1, -3, 2, 2), [1, 2, 2], 'absSum');
 * // values = [4, 4], shape = [1, 2]
 * ```
 */
export function reduceChannels(
  values: ArrayLike<number>,
  shape: readonly number[],
  how: ChannelReduction = 'sum',
): { values: Float32Array; shape: [number, number] } {
  return reduceChannelsAs('reduceChannels', 'values', values, shape, how, 'how');
}

/**
 * Internal: reduceChannels with the caller's names in messages; also checks finiteness. Without `nonFinite`
 * any NaN/±Infinity throws; with a policy (from a caller's `options.nonFinite`) see `applyNonFinitePolicy`.
 */
export function reduceChannelsAs(
  fn: string,
  name: string,
  input: ArrayLike<number>,
  shape: unknown,
  how: unknown,
  howName: string,
  nonFinite?: NonFinitePolicy,
): { values: Float32Array; shape: [number, number] } {
  if (
    !Array.isArray(shape) ||
    (shape.length !== 2 && shape.length !== 3) ||
    !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)
  ) {
    fail(
      'INVALID_ARGUMENT',
      `${fn}: shape must be [height, width] or [height, width, channels] with positive integers, got ${
        Array.isArray(shape) ? fmtShape(shape) : describe(shape)
      }`,
    );
  }
  const reduction = checkOneOf(fn, howName, how ?? 'sum', channelReductions);
  const [h, w] = shape as number[];
  const c = shape.length === 3 ? (shape[2] as number) : 1;
  checkValues(fn, name, input, h * w * c, shape as number[]);
  let values = input;
  if (nonFinite === undefined) checkFinite(fn, name, input, shape as number[]);
  else values = applyNonFinitePolicy(fn, name, input, nonFinite, shape as number[]);
  const out = new Float32Array(h * w);
  for (let i = 0; i < h * w; i++) {
    let s = 0;
    for (let k = 0; k < c; k++) {
      const v = values[i * c + k];
      s += reduction === 'absSum' ? Math.abs(v) : v;
    }
    out[i] = reduction === 'mean' ? s / c : s;
  }
  return { values: out, shape: [h, w] };
}
