/**
 * The one error type of `@glassbox/viz`.
 *
 * Intuition: every public function checks its arguments before drawing anything, and when something is wrong
 * it throws a `VizError` whose `code` says what kind of problem it is and whose message names the function,
 * the argument, what was expected and what came. The codes are a subset of the Glassbox-wide
 * `GlassboxError` codes (see DESIGN.md), declared locally so that viz depends on no other Glassbox package.
 *
 * - `INVALID_ARGUMENT`: a value outside its allowed set or range, or of the wrong type (fraction 1.5,
 *   an unknown colormap name, a `data` that is not a Uint8ClampedArray).
 * - `SHAPE_MISMATCH`: sizes that do not fit each other (values vs shape, overlay of two different sizes,
 *   grid images of different sizes without `cellSize`, labels vs images).
 * - `NON_FINITE`: a NaN or ±Infinity where finite numbers are needed (the message names the index).
 *
 * @example
 * ```ts
 * import { heatmap, VizError } from '@glassbox/viz';
 * try {
 *   heatmap(new Float32Array(10), [28, 28]);
 * } catch (e) {
 *   if (e instanceof VizError) console.log(e.code); // 'SHAPE_MISMATCH'
 * }
 * ```
 */
export type VizErrorCode = 'INVALID_ARGUMENT' | 'SHAPE_MISMATCH' | 'NON_FINITE';

export class VizError extends Error {
  readonly code: VizErrorCode;

  constructor(code: VizErrorCode, message: string) {
    super(message);
    this.name = 'VizError';
    this.code = code;
  }
}
