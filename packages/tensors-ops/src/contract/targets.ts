/**
 * Target resolution, the one way every explainer and metric turns `options.target` into one output column per
 * model row: the form of the option (integers >= 0, one for all rows or one per row of x) is checked before any
 * model call; its range is checked once, against the first model output (resolveTargets).
 */
import { GlassboxError, describe } from '../errors.js';
import { resolveTargets } from './select-target.js';

/**
 * Checks the form of options.target that needs no model output, so that a bad target fails before any model
 * call: undefined, an integer >= 0, or an array of those with one entry per row of x.
 *
 * @throws GlassboxError INVALID_ARGUMENT (not an integer), TARGET_OUT_OF_RANGE (negative), SHAPE_MISMATCH
 *   (an array whose length is not n).
 */
export function checkTargetForm(target: unknown, n: number, where: string): void {
  if (target === undefined) return;
  const one = (t: unknown, label: string): void => {
    if (typeof t !== 'number' || !Number.isInteger(t)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${label} must be an integer output column, got ${describe(t)}`);
    }
    if (t < 0) {
      throw new GlassboxError('TARGET_OUT_OF_RANGE', `${where}: ${label} must be >= 0, got ${t}`);
    }
  };
  if (Array.isArray(target)) {
    if (target.length !== n) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: options.target has ${target.length} entries, expected one per row of x (${n})`);
    }
    target.forEach((t, i) => one(t, `options.target[${i}]`));
    return;
  }
  one(target, 'options.target');
}

/**
 * `options.target` of one call: its form checked at construction (checkTargetForm), its range resolved once,
 * against the shape of the first model output seen, to one column per row of x. Model rows other than x's own
 * (path points, perturbed copies) take the column of the row of x they belong to (`forRows`).
 */
export class TargetResolver {
  private resolved: Int32Array | null = null;

  constructor(
    /** options.target as given. */
    readonly target: number | number[] | undefined,
    /** Rows of x (a per-row target has one entry per row of x). */
    readonly n: number,
    private readonly where: string,
  ) {
    checkTargetForm(target, n, where);
  }

  /** One output column per row of x. @throws GlassboxError TARGET_OUT_OF_RANGE, INVALID_ARGUMENT, SHAPE_MISMATCH */
  resolve(outputShape: readonly number[]): Int32Array {
    if (this.resolved === null) {
      this.resolved = resolveTargets(this.target, [this.n, ...outputShape.slice(1)], this.n, this.where);
    }
    return this.resolved;
  }

  /** The columns for model rows [start, end), model row j belonging to row rowOf(j) of x. */
  forRows(outputShape: readonly number[], start: number, end: number, rowOf: (j: number) => number): Int32Array {
    const per = this.resolve(outputShape);
    const out = new Int32Array(end - start);
    for (let j = start; j < end; j++) out[j - start] = per[rowOf(j)]!;
    return out;
  }
}
