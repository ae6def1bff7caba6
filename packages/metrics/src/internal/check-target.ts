import { GlassboxError, describe } from '@glassbox/tensors-ops';

/**
 * The checks of a target option that need no model output (type, integer, one entry per row), so that a bad
 * target fails before any model call. The column range is checked later against the output by resolveTargets.
 */
export function precheckTarget(target: unknown, n: number, where: string): void {
  if (target === undefined) return;
  const check = (t: unknown, label: string) => {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${label} must be an integer output column >= 0, got ${describe(t)}`);
    }
  };
  if (Array.isArray(target)) {
    if (target.length !== n) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: options.target has ${target.length} entries, expected one per row of x (${n})`);
    }
    target.forEach((t, i) => check(t, `options.target[${i}]`));
    return;
  }
  check(target, 'options.target');
}

/** Repeats each row's target `times` times (rows i*times .. i*times+times-1 get targets[i]). */
export function repeatTargets(targets: Int32Array, times: number): Int32Array {
  const out = new Int32Array(targets.length * times);
  for (let i = 0; i < targets.length; i++) out.fill(targets[i]!, i * times, (i + 1) * times);
  return out;
}
