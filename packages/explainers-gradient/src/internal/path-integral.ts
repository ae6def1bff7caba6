/** The integrated-gradients core shared by integratedGradients and latentAttribution. */
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertFiniteRows, explainerRun, pathPoints, scoreRows, tf } from '@glassbox/tensors-ops';
import type { ExplainOptions, PreparedExplainer } from '@glassbox/tensors-ops';
import { ATTRIBUTION_HINT, accumulateGradients, endRows } from './engine.js';
import type { IntegrationRule } from './integration.js';

/**
 * attributions = (x - b) * sum_k w_k * grad F(b + a_k (x - b)), delta = sum(attributions of a row) - (F(x) - F(b)).
 * Sums run in float64 in the order of the rule, so the result does not depend on the batch size. F(x) and F(b)
 * are evaluated first (2N rows), then the N * steps path points, `batchSize` points per model call, each batch
 * built when it is needed.
 */
export async function pathIntegral(
  p: PreparedExplainer,
  baseline: Tensor,
  rule: IntegrationRule,
  options: ExplainOptions | undefined,
  where: string,
): Promise<{ attributions: Tensor; delta: Tensor }> {
  const { x, n, rowSize } = p;
  const steps = rule.alphas.length;
  const ctx = explainerRun(p, options, where, 2 * n + n * steps);
  // With a pool, the workers rebuild the rows from these (x and the baseline once per job, not every row).
  const xv = x.dataSync() as Float32Array;
  const bv = baseline.dataSync() as Float32Array;
  const pooled = ctx.pool !== null;
  const rowShape = x.shape.slice(1);

  // F(x) and F(b): virtual rows 0..n-1 are x, n..2n-1 are the baseline.
  const ends = await scoreRows(
    ctx,
    2 * n,
    endRows(x, baseline, n),
    (j) => (j < n ? j : j - n),
    pooled ? { kind: 'rows', rowShape, data: concatRows(xv, bv) } : undefined,
  );

  const acc = new Float64Array(n * rowSize);
  const rowOf = (j: number): number => Math.floor(j / steps);
  await accumulateGradients(
    ctx,
    {
      total: n * steps,
      rowOf,
      weight: (j) => rule.weights[j % steps]!,
      build: (start, end) => ({ points: pathPoints(x, baseline, rule.alphas, start, end) }),
      // tensors-ops' 'path' recipe builds the same points with the same function on the workers.
      recipe: pooled ? { kind: 'path', rowShape, x: Float32Array.from(xv), baseline: Float32Array.from(bv), alphas: rule.alphas } : undefined,
    },
    acc,
    rowSize,
  );

  const attr = new Float32Array(n * rowSize);
  const delta = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let e = i * rowSize; e < (i + 1) * rowSize; e++) {
      const v = (xv[e]! - bv[e]!) * acc[e]!;
      attr[e] = v;
      sum += v;
    }
    delta[i] = sum - (ends[i]! - ends[n + i]!);
  }
  // Every gradient and score was finite; their products can still leave float32's range.
  assertFiniteRows(attr, where, 'the attributions', { rowSize, input: p.inputName, hint: ATTRIBUTION_HINT });
  return { attributions: tf.tensor(attr, x.shape, 'float32'), delta: tf.tensor1d(delta, 'float32') };
}

function concatRows(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
