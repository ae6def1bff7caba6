import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  modelForwards,
  checkCommonOptions,
  checkInput,
  optionKeys,
  resolveBaseline,
  TargetResolver,
  checkOptionKeys,
  explainerRun,
  scoreRows,
  tf,
  type ExplainOptions,
  type Predictable,
} from '@glassbox/tensors-ops';
import { checkAttributions } from './internal/check-attributions.js';
import type { AttributionsInput } from './internal/types.js';

export interface CompletenessOptions extends Omit<ExplainOptions, 'seed'> {
  /** The baseline b of the formula: a number or a tensor broadcastable to x; default 0. */
  baseline?: number | Tensor;
  /** Called as batches finish with (rows done, 2 N). */
  onProgress?: (done: number, total: number) => void;
}

/** The keys of CompletenessOptions. */
export const COMPLETENESS_OPTION_KEYS = optionKeys<CompletenessOptions>({ target: true, baseline: true, batchSize: true, onProgress: true, signal: true });

/**
 * How far the attributions are from adding up to the change of the output between the baseline and the input.
 * Methods with the completeness (efficiency) axiom, Integrated Gradients and Shapley values, should score ~0
 * (IG up to its integration error); a large gap says the map leaves out (or double counts) part of the effect.
 *
 *   completeness_i = | sum_j a_ij - (F(x_i)[t_i] - F(b_i)[t_i]) |
 *
 * Sundararajan, Taly and Yan 2017, "Axiomatic Attribution for Deep Networks", arXiv 1703.01365 (the axiom);
 * the sums are computed in float64.
 *
 * The arguments come in the order of every metric, `(f, x, attribution, options)`; the old order
 * `(attribution, f, x, baseline?, options?)` is still read for one release (deprecated).
 *
 * @param f the model, [N, ...] -> [N, K] or [N].
 * @param x inputs [N, ...], float32.
 * @param attribution attributions with x's shape (a tensor or an explainer's `{ attributions }`); not disposed.
 * @param options `target` (number or one per row), `baseline` (the baseline the attributions were made against:
 *   a number or a tensor broadcastable to x; default 0), `batchSize` (default 64), `onProgress`, `signal`.
 * @returns one gap per row (>= 0; lower is better).
 *
 * @example
 * ```ts
 * const ig = await integratedGradients(model, x, { target: 3, baseline: 0 });
 * const gap = await completeness(model, x, ig, { target: 3, baseline: 0 });   // e.g. [0.0008, 0.0011]
 * ig.attributions.dispose();
 * ```
 */
export async function completeness(f: Predictable, x: Tensor, attribution: AttributionsInput, options?: CompletenessOptions): Promise<number[]>;
/**
 * @deprecated the old argument order, read for one release: write
 * `completeness(f, x, attribution, { ...options, baseline })`.
 */
export async function completeness(
  attribution: AttributionsInput,
  f: Predictable,
  x: Tensor,
  baseline?: number | Tensor,
  options?: Omit<CompletenessOptions, 'baseline'>,
): Promise<number[]>;
export async function completeness(...args: unknown[]): Promise<number[]> {
  const where = 'completeness';
  const [f, x, attribution, options] = isModel(args[0]) ? args : oldOrder(args, where);
  checkInput(x, where);
  const a = checkAttributions(attribution as AttributionsInput, x, where, 'attribution');
  const model = modelForwards(f as Predictable, where);
  const opts = checkOptionKeys<CompletenessOptions>(options, COMPLETENESS_OPTION_KEYS, where);
  const { batchSize } = checkCommonOptions(opts, where);
  const n = x.shape[0]!;
  const targets = new TargetResolver(opts.target, n, where);
  // Sum in float64 on the host for precision.
  const av = a.dataSync();
  const d = av.length / n;
  const rowSums = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += av[i * d + j]!;
    rowSums[i] = s;
  }
  const b = resolveBaseline(opts.baseline, x, where);
  const both = tf.tidy(() => tf.concat([x, b], 0));
  b.dispose();
  try {
    // Model rows 0..n-1 are x, n..2n-1 the baseline: row j belongs to row j % n of x.
    const run = explainerRun({ ...model, targets, batchSize, batchSizeGiven: true, rowBytes: null, pool: null }, opts, where, 2 * n);
    const scores = await scoreRows(run, 2 * n, (start, end) => tf.slice(both, start, end - start), (j) => j % n);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(Math.abs(rowSums[i]! - (scores[i]! - scores[n + i]!)));
    return out;
  } finally {
    both.dispose();
  }
}

/** A model (a function or an object with predict), as the first argument of the current order is. */
function isModel(value: unknown): boolean {
  return typeof value === 'function' || (value !== null && typeof value === 'object' && typeof (value as { predict?: unknown }).predict === 'function');
}

/** The arguments of the deprecated order (attribution, f, x, baseline?, options?) in the current one. */
function oldOrder(args: unknown[], where: string): unknown[] {
  const [attribution, f, x, baseline, options] = args;
  if (baseline === undefined) return [f, x, attribution, options];
  const opts = checkOptionKeys<CompletenessOptions>(options, COMPLETENESS_OPTION_KEYS, where);
  if (opts.baseline !== undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: the baseline is given twice (the old positional argument and options.baseline); give only options.baseline`);
  }
  return [f, x, attribution, { ...opts, baseline }];
}
