/** The argument checks every explainer of this package starts with. */
import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, asForward, checkCommonOptions, checkInput, describe } from '@glassbox/tensors-ops';
import type { ExplainOptions, ForwardFn, Predictable } from '@glassbox/tensors-ops';
import { Progress, TargetResolver, sizeOf } from './engine.js';
import type { RunContext } from './engine.js';

export interface Prepared {
  forward: ForwardFn;
  /** Rows of x. */
  n: number;
  /** Shape of one row of x. */
  rowShape: number[];
  /** Elements in one row of x. */
  rowSize: number;
  batchSize: number;
  seed: number;
  targets: TargetResolver;
}

/** Checks f, x and the shared options (in that order) and fills in defaults. */
export function prepare(f: Predictable, x: unknown, options: ExplainOptions | undefined, where: string): Prepared & { x: Tensor } {
  const forward = asForward(f, where);
  checkInput(x, where);
  if (options === undefined) options = {};
  const { batchSize, seed } = checkCommonOptions(options, where);
  const n = x.shape[0]!;
  const rowShape = x.shape.slice(1);
  const targets = new TargetResolver(options.target, n, where);
  return { x, forward, n, rowShape, rowSize: sizeOf(rowShape), batchSize, seed, targets };
}

/** A RunContext over `total` model rows in all. */
export function context(p: Prepared, options: ExplainOptions | undefined, where: string, total: number): RunContext {
  const ctx: RunContext = {
    forward: p.forward,
    targets: p.targets,
    where,
    batchSize: p.batchSize,
    progress: new Progress(total, options?.onProgress),
  };
  if (options?.signal !== undefined) ctx.signal = options.signal;
  return ctx;
}

/** Checks a boolean option; returns it or the default. */
export function booleanOption(value: unknown, name: string, where: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be true or false, got ${describe(value)}`);
  }
  return value;
}
