import type { Tensor } from '@tensorflow/tfjs-core';
import {
  asForward,
  checkCommonOptions,
  checkInput,
  optionKeys,
  resolveBaseline,
  TargetResolver,
  checkOptionKeys,
  explainerRun,
  scoreRows,
  tf,
  type Predictable,
} from '@glassbox/tensors-ops';
import { checkAttributions } from './internal/check-attributions.js';
import type { AttributionsInput } from './internal/types.js';

export interface CompletenessOptions {
  /** Output column, one for all rows or one per row; optional when f returns [N] or [N, 1]. */
  target?: number | number[];
  /** Most rows per model call; default 64. */
  batchSize?: number;
  /** Called as batches finish with (rows done, 2 N). */
  onProgress?: (done: number, total: number) => void;
  /** Abort -> rejects with GlassboxError 'ABORTED'. */
  signal?: AbortSignal;
}

/** The keys of CompletenessOptions. */
export const COMPLETENESS_OPTION_KEYS = optionKeys<CompletenessOptions>({ target: true, batchSize: true, onProgress: true, signal: true });

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
 * @param attribution attributions with x's shape (a tensor or an explainer's `{ attributions }`); not disposed.
 * @param f the model, [N, ...] -> [N, K] or [N].
 * @param x inputs [N, ...], float32.
 * @param baseline the baseline the attributions were made against: a number or a tensor broadcastable to x;
 *   default 0.
 * @param options `target` (number or one per row), `batchSize` (default 64), `onProgress`, `signal`.
 * @returns one gap per row (>= 0; lower is better).
 *
 * @example
 * ```ts
 * const ig = await integratedGradients(model, x, { target: 3, baseline: 0 });
 * const gap = await completeness(ig, model, x, 0, { target: 3 });   // e.g. [0.0008, 0.0011]
 * ig.attributions.dispose();
 * ```
 */
export async function completeness(
  attribution: AttributionsInput,
  f: Predictable,
  x: Tensor,
  baseline?: number | Tensor,
  options?: CompletenessOptions,
): Promise<number[]> {
  const where = 'completeness';
  checkInput(x, where);
  const a = checkAttributions(attribution, x, where, 'attribution');
  const forward = asForward(f, where);
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
  const b = resolveBaseline(baseline, x, where, 'baseline');
  const both = tf.tidy(() => tf.concat([x, b], 0));
  b.dispose();
  try {
    // Model rows 0..n-1 are x, n..2n-1 the baseline: row j belongs to row j % n of x.
    const run = explainerRun({ forward, targets, batchSize, batchSizeGiven: true, rowBytes: null, pool: null }, opts, where, 2 * n);
    const scores = await scoreRows(run, 2 * n, (start, end) => tf.slice(both, start, end - start), (j) => j % n);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(Math.abs(rowSums[i]! - (scores[i]! - scores[n + i]!)));
    return out;
  } finally {
    both.dispose();
  }
}
