import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, describe, formatShape, isTensor, type Attribution, type Predictable } from '@glassbox/tensors-ops';
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

/** Splits an options object into a metric's own keys and the rest (passed to the explainer), then merges `explainerOptions`. */
export function explainerOptionsOf(
  options: Record<string, unknown>,
  own: readonly string[],
  where: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (!own.includes(k) && k !== 'explainerOptions') out[k] = v;
  const extra = options.explainerOptions;
  if (extra !== undefined) {
    if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.explainerOptions must be an object, got ${describe(extra)}`);
    }
    Object.assign(out, extra);
  }
  return out;
}
