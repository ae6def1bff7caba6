/** Argument checks shared by Glassbox's models packages (models-classifier, models-ae-vae, models-gan). */
import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, assertNumber, checkOptionKeys, describe, optionKeys } from '../index.js';

export { checkRows } from '../nn/common.js';

/** Checks that every value of x is finite (reads x). */
export function checkFiniteRows(x: Tensor, where: string, name = 'x'): void {
  const values = x.dataSync();
  const rowSize = x.size / x.shape[0]!;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new GlassboxError(
        'NON_FINITE',
        `${where}: ${name} must be finite, got ${describe(values[i])} in row ${Math.floor(i / rowSize)} (flat index ${i})`,
      );
    }
  }
}

/**
 * Checks an options argument: undefined (taken as {}) or a plain object whose keys are all in `allowed`
 * (see checkOptionKeys: an unknown key is refused with the closest valid one suggested).
 */
export function checkOptions<T extends object>(options: unknown, where: string, allowed: readonly string[]): Partial<T> {
  return checkOptionKeys<Partial<T>>(options, allowed, where);
}

/** Checks a shape: a non-empty array of integers >= 1. */
export function checkShape(value: unknown, name: string, where: string, rank?: number): number[] {
  if (!Array.isArray(value) || value.length === 0 || (rank !== undefined && value.length !== rank) || !value.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be ${rank === undefined ? 'a non-empty array' : `an array of ${rank}`} of integers >= 1, got ${describe(value)}`,
    );
  }
  return (value as number[]).slice();
}

/** Checks a list of layer widths: integers >= 1 (possibly empty when allowEmpty). */
export function checkUnits(value: unknown, name: string, where: string, allowEmpty: boolean): number[] {
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0) || !value.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an array of integers >= 1${allowEmpty ? '' : ' (at least one)'}, got ${describe(value)}`);
  }
  return (value as number[]).slice();
}

export function checkSeed(value: unknown, name: string, where: string): number {
  return value === undefined ? 0 : assertNumber(value, name, where, { integer: true, min: 0, max: 0xffffffff });
}

/** Checks a dropout rate in [0, 1). */
export function checkRate(value: unknown, name: string, where: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a number in [0, 1), got ${describe(value)}`);
  }
  return value;
}

/** Checks an AbortSignal-like option. */
export function checkSignal(value: unknown, where: string): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const s = value as { aborted?: unknown } | null;
  if (s === null || typeof s !== 'object' || typeof s.aborted !== 'boolean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.signal must be an AbortSignal, got ${describe(value)}`);
  }
  return value as AbortSignal;
}

/** Checks an optional callback. */
export function checkCallback<F>(value: unknown, name: string, where: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a function, got ${describe(value)}`);
  }
  return value as F | undefined;
}

/** Options of a model's `evaluate` (and of other methods that run the model over a data set in batches). */
export interface EvaluateOptions {
  /** Rows per forward pass, integer >= 1; the default is the model's (see its `evaluate`). Results do not depend on it. */
  batchSize?: number;
  /** Called after every batch with (rows done, rows in all). */
  onProgress?: (done: number, total: number) => void;
  /** Abort between batches: rejects with ABORTED. */
  signal?: AbortSignal;
}

/** The keys of EvaluateOptions. */
export const EVALUATE_OPTION_KEYS = optionKeys<EvaluateOptions>({ batchSize: true, onProgress: true, signal: true });

/**
 * Checks the options of an evaluate-like method: `batchSize` (default `defaultBatchSize`), `onProgress`,
 * `signal`; `keys` are the method's valid keys (EVALUATE_OPTION_KEYS or a superset).
 * @throws GlassboxError INVALID_ARGUMENT naming the option.
 */
export function resolveEvaluateOptions(
  options: unknown,
  where: string,
  defaultBatchSize: number,
  keys: readonly string[] = EVALUATE_OPTION_KEYS,
): { batchSize: number; onProgress?: (done: number, total: number) => void; signal?: AbortSignal } {
  const o = checkOptions<EvaluateOptions>(options, where, keys);
  const batchSize = o.batchSize === undefined ? defaultBatchSize : assertNumber(o.batchSize, 'options.batchSize', where, { integer: true, min: 1 });
  return { batchSize, onProgress: checkCallback(o.onProgress, 'options.onProgress', where), signal: checkSignal(o.signal, where) };
}
