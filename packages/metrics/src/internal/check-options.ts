import { GlassboxError, describe } from '@glassbox/tensors-ops';

/** Checks that value is a function (an explainer); returns it. */
export function checkFunction<F>(value: unknown, name: string, where: string, what = 'a function'): F {
  if (typeof value !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be ${what}, got ${describe(value)}`);
  }
  return value as F;
}
