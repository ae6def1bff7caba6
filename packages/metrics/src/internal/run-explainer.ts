import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, describe, formatShape, forwardOptions, isTensor, type Attribution, type Predictable } from '@glassbox/tensors-ops';
import type { AnyExplainer } from './types.js';

/**
 * Runs an explainer and checks its result: an object whose `attributions` is a float32 tensor of x's shape with
 * finite values. Returns the attributions (the caller owns and disposes them); a result's `delta` is disposed.
 * On a bad result everything it returned is disposed before the error is thrown.
 */
export async function runExplainer(
  explainer: AnyExplainer,
  f: Predictable,
  x: Tensor,
  options: Record<string, unknown>,
  where: string,
  name = 'explainer',
): Promise<Tensor> {
  const result: unknown = await explainer(f, x, options);
  const r = result as Partial<Attribution> | null;
  const a = r != null && typeof r === 'object' ? r.attributions : undefined;
  if (r != null && typeof r === 'object' && isTensor(r.delta)) r.delta.dispose();
  try {
    if (!isTensor(a) || a.dtype !== 'float32') {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: ${name} must resolve to { attributions: float32 tensor }, got attributions ${describe(a)}`,
      );
    }
    if (a.rank !== x.rank || !a.shape.every((v, i) => v === x.shape[i])) {
      throw new GlassboxError(
        'SHAPE_MISMATCH',
        `${where}: ${name} returned attributions of shape ${formatShape(a.shape)}, expected x's shape ${formatShape(x.shape)}`,
      );
    }
    const values = a.dataSync();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) {
        throw new GlassboxError('NON_FINITE', `${where}: ${name} returned a non-finite attribution ${describe(values[i])} at flat index ${i}`);
      }
    }
    return a;
  } catch (e) {
    if (isTensor(a) && a !== x) a.dispose();
    throw e;
  }
}

/** Runs an explainer (as runExplainer) and returns a copy of the attribution values, disposing the tensor. */
export async function explainValues(
  explainer: AnyExplainer,
  f: Predictable,
  x: Tensor,
  options: Record<string, unknown>,
  where: string,
  name = 'explainer',
): Promise<Float32Array> {
  const a = await runExplainer(explainer, f, x, options, where, name);
  try {
    return Float32Array.from(a.dataSync());
  } finally {
    // An explainer must hand over new tensors; never dispose the caller's input if it returned x itself.
    if (a !== x) a.dispose();
  }
}

/**
 * Splits a metric's options into its own keys and what goes to the explainer, then merges
 * `options.explainerOptions` (for explainer options whose names clash with the metric's). Keys the metric
 * reads and also passes on (`shared`, e.g. seed and signal) go to the explainer when it takes them. Every other
 * key must be one of the explainer's (when it declared them): an unknown key is refused with the closest
 * valid name.
 */
export function explainerOptionsOf(
  options: unknown,
  keys: { own: readonly string[]; shared: readonly string[] },
  explainer: AnyExplainer,
  where: string,
): Record<string, unknown> {
  const out = forwardOptions(options, { own: [...keys.own, 'explainerOptions'], shared: keys.shared, inner: explainer }, where);
  const extra = (options as { explainerOptions?: unknown } | undefined)?.explainerOptions;
  if (extra !== undefined) Object.assign(out, forwardOptions(extra, { own: [], inner: explainer }, where, 'options.explainerOptions'));
  return out;
}
