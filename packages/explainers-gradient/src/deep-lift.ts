import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  asForward,
  assertFiniteRows,
  assertFiniteScores,
  assertNumber,
  checkCommonOptions,
  checkInput,
  checkModelOutput,
  checkOptionKeys,
  EXPLAINS_ANY_MODEL,
  declareMethod,
  describe,
  EXPLAIN_KEYS,
  optionKeys,
  forEachBatch,
  resolveBaseline,
  selectTarget,
  tf,
  withNonlinearityRule,
} from '@glassbox/tensors-ops';
import { Progress, TargetResolver, safeGrad } from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions, FiniteOutputInfo, ForwardFn, NonlinearityRule, Predictable } from '@glassbox/tensors-ops';
import { GRADIENT_HINT, rowsOf, sizeOf } from './internal/engine.js';

/** A layer's nonlinearity, as tensors-ops' nn blocks describe it. */
export interface ActivationLike {
  readonly fn: string;
  readonly alpha?: number;
}

/**
 * A model given as layers run one after another (`applyLayer(i, x)` for i = 0, 1, ...). A `Sequential` of
 * @glassbox/tensors-ops' nn blocks is one (and also has `predict`, which deepLift then uses).
 */
export interface LayeredModel {
  readonly layers: ReadonlyArray<{ readonly activation: ActivationLike | null }>;
  /** Runs layer i (linear part and activation) on its input. */
  applyLayer(layer: number, x: Tensor): Tensor;
  /** Runs layer i without its activation (the pre-activation). */
  applyLayerLinear(layer: number, x: Tensor): Tensor;
}

export interface DeepLiftOptions extends ExplainOptions {
  /**
   * Where |z - z_b| <= eps the rescale multiplier (act(z) - act(z_b)) / (z - z_b) is replaced by the
   * ordinary derivative act'(z); a number >= 0, default 1e-10 (Captum's).
   */
  eps?: number;
}

/** The keys of DeepLiftOptions. */
export const DEEP_LIFT_OPTION_KEYS = optionKeys<DeepLiftOptions>({
  ...EXPLAIN_KEYS,
  eps: true,
});

function isLayered(model: unknown): model is LayeredModel {
  const m = model as Partial<LayeredModel> | null;
  return (
    m != null &&
    typeof m === 'object' &&
    Array.isArray(m.layers) &&
    typeof m.applyLayer === 'function' &&
    typeof m.applyLayerLinear === 'function'
  );
}

/** The model as one forward function: its predict (or the function itself), else its layers in order. */
function forwardOf(model: unknown, where: string): ForwardFn {
  if (isLayered(model) && typeof (model as { predict?: unknown }).predict !== 'function') {
    const layers = model.layers.length;
    return (x: Tensor) =>
      tf.tidy(() => {
        let h = x;
        for (let i = 0; i < layers; i++) h = model.applyLayer(i, h);
        return h;
      });
  }
  if (typeof model === 'function' || (model != null && typeof model === 'object' && typeof (model as { predict?: unknown }).predict === 'function')) {
    return asForward(model as Predictable, where, 'model');
  }
  throw new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: model must be a function (x) => Tensor, an object with predict(x) (a Sequential, a Classifier, a tfjs-layers model) or a layered model (layers, applyLayer, applyLayerLinear), got ${describe(model)}`,
  );
}

/**
 * DeepLIFT's rescale rule for a batch whose first half are the inputs and whose second half are their
 * references, row by row: every nonlinearity's gradient becomes dy * (act(z) - act(z_ref)) / (z - z_ref)
 * (act'(z) where |z - z_ref| <= eps), with z_ref the same unit's input in the reference half. The same
 * multiplier is used for both halves (only the input half's gradient is read). A nonlinearity whose leading
 * axis is not a multiple of the 2 * `rows` rows of the batch (rows folded into it, as [2 rows * T, D], pair
 * correctly) cannot be paired and keeps its ordinary gradient.
 */
function rescaleRule(eps: number, rows: number): NonlinearityRule {
  return (g) => {
    const lead = g.z.rank === 0 ? 0 : g.z.shape[0]!;
    if (lead === 0 || lead % (2 * rows) !== 0) return null;
    const half = lead / 2;
    const z = tf.slice(g.z, 0, half);
    const zRef = tf.slice(g.z, half, half);
    const y = g.y();
    const dz = tf.sub(z, zRef);
    const far = tf.greater(tf.abs(dz), eps);
    const ratio = tf.div(tf.sub(tf.slice(y, 0, half), tf.slice(y, half, half)), tf.where(far, dz, tf.onesLike(dz)));
    const multiplier = tf.where(far, ratio, tf.slice(g.derivative(), 0, half));
    return tf.mul(g.dy, tf.concat([multiplier, multiplier], 0));
  };
}

/**
 * DeepLIFT (rescale rule): how much did each input element contribute to the difference between the target
 * score at x and at a reference input b? Like gradient x (x - b), but every nonlinearity's derivative is
 * replaced by its average slope between the reference and the input, (act(z) - act(z_b)) / (z - z_b). The
 * multipliers then satisfy a chain rule that adds up exactly: the attributions of a row sum to
 * F(x) - F(b) (summation-to-delta), which `delta` checks. Each batch is one forward and one backward pass over
 * its rows of x and their reference rows together (as Captum does): much cheaper than integrated gradients.
 *
 *   m_act(z)     = (act(z) - act(z_b)) / (z - z_b)       (act'(z) where |z - z_b| <= eps)
 *   attributions = (x - b) * dF_t/dx, with every elementwise activation's derivative replaced by m_act
 *   delta        = sum(attributions of a row) - (F_t(x) - F_t(b))   (~0 up to float32 rounding)
 *
 * The rule is a tensors-ops nonlinearity rule (`withNonlinearityRule`), so it holds on whatever kernels the
 * model runs: relu, leakyRelu, sigmoid, tanh, softplus and elu (tf ops in a plain function, the fused
 * conv/dense + relu kernels of a Sequential or Classifier, tfjs-layers layers) use the rescale rule; linear
 * parts (dense, conv, transposed conv, batch norm in inference mode, average pooling, reshapes) are exact
 * anyway; softmax, max pooling and other ops (exp, square, ...) keep their ordinary gradients, so on a model
 * with those delta is no longer ~0 (explain the logits, before a softmax). The model must treat rows
 * independently and keep them on the leading axis (inputs and references are paired by row).
 *
 * Paper: A. Shrikumar, P. Greenside, A. Kundaje, "Learning Important Features Through Propagating
 * Activation Differences", 2017, arXiv:1704.02685.
 *
 * @param model a function (x) => Tensor, an object with predict(x) (a tensors-ops Sequential, a
 *   models-classifier Classifier, a tfjs-layers model), or a layered model (`layers`, `applyLayer`,
 *   `applyLayerLinear`; run layer after layer when it has no predict).
 * @param x float32 [N, ...model input] (rank >= 2), finite.
 * @param options `target`, `baseline` (number or tensor broadcastable to x, default 0), `eps` (default 1e-10),
 *   `batchSize` (default 64: rows per model call; each call takes floor(batchSize / 2) rows of x, at least
 *   one, with their reference rows), `onProgress`, `signal`.
 * @returns attributions of x's shape and delta [N] (owned by the caller).
 *
 * @example
 * ```ts
 * const model = sequential([{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 3 }], [8]);
 * const { attributions, delta } = await deepLift(model, x, { target: 2, baseline: 0 });
 * ```
 */
export async function deepLift(model: Predictable | LayeredModel, x: Tensor, options: DeepLiftOptions = {}): Promise<Attribution> {
  const where = 'deepLift';
  const forward = forwardOf(model, where);
  checkInput(x, where);
  options = checkOptionKeys<DeepLiftOptions>(options, DEEP_LIFT_OPTION_KEYS, where);
  const { batchSize } = checkCommonOptions(options, where);
  const eps = options.eps === undefined ? 1e-10 : assertNumber(options.eps, 'options.eps', where, { min: 0 });
  const n = x.shape[0]!;
  const rowSize = sizeOf(x.shape.slice(1));
  const targets = new TargetResolver(options.target, n, where);
  const baseline = resolveBaseline(options.baseline, x, where);
  const progress = new Progress(n, options.onProgress);
  const parts: Tensor[] = [];
  const delta = new Float32Array(n);
  try {
    await forEachBatch(
      n,
      (start, end) => {
        const rows = end - start;
        let scores: Tensor | null = null;
        let columns: ArrayLike<number> | undefined;
        try {
          const attr = tf.tidy(() => {
            const xb = rowsOf(x, start, end);
            const bb = rowsOf(baseline, start, end);
            // Rows of x, then their references: the rule pairs unit i of row j with unit i of row rows + j.
            const grad = withNonlinearityRule(rescaleRule(eps, rows), () =>
              safeGrad(
                (p: Tensor) => {
                  const out = forward(p);
                  checkModelOutput(out, 2 * rows, where, 'model');
                  const t = targets.forRows(out.shape, start, end, (j) => j);
                  if (out.rank === 2 && out.shape[1]! > 1) columns = t;
                  const both = new Int32Array(2 * rows);
                  both.set(t);
                  both.set(t, rows);
                  const s = selectTarget(out, both);
                  scores = tf.keep(tf.clone(s));
                  return tf.sum(tf.slice(s, 0, rows));
                },
                tf.concat([xb, bb], 0),
                where,
                'model',
              ),
            );
            const at = tf.mul(tf.sub(xb, bb), tf.slice(grad, 0, rows));
            const sums = tf.sum(tf.reshape(at, [rows, rowSize]), 1).dataSync();
            const sv = (scores as Tensor).dataSync();
            const fxv = sv.subarray(0, rows);
            const fbv = sv.subarray(rows, 2 * rows);
            // The scores of both passes are read anyway (for delta): a model that overflows is refused here.
            const info: FiniteOutputInfo = { name: 'model', start };
            if (columns !== undefined) info.columns = columns;
            assertFiniteScores(fxv, where, info);
            assertFiniteScores(fbv, where, { ...info, input: 'options.baseline' });
            // A non-finite attribution makes its row's sum non-finite: one number per row tells.
            assertFiniteRows(sums, where, 'the sum of the attributions of a row', { start, hint: GRADIENT_HINT });
            for (let j = 0; j < rows; j++) delta[start + j] = sums[j]! - (fxv[j]! - fbv[j]!);
            return at;
          });
          parts.push(attr);
        } finally {
          (scores as Tensor | null)?.dispose();
        }
        progress.add(rows);
      },
      { batchSize: Math.max(1, Math.floor(batchSize / 2)), signal: options.signal, where },
    );
    const attributions = parts.length === 1 ? parts.pop()! : tf.concat(parts, 0);
    return { attributions, delta: tf.tensor1d(delta, 'float32'), method: 'deepLift' };
  } finally {
    for (const p of parts) p.dispose();
    baseline.dispose();
  }
}
declareMethod(deepLift, {
  name: 'deepLift',
  aliases: ['deeplift', 'dl'],
  label: 'DeepLIFT',
  summary: 'DeepLIFT rescale rule from a baseline (black); sums to F(x) - F(baseline) (Shrikumar et al. 2017)',
  paper: 'A. Shrikumar, P. Greenside, A. Kundaje, 2017, arXiv:1704.02685',
  family: 'gradient',
  ...EXPLAINS_ANY_MODEL,
  subject: 'layered',
  rowwise: true,
  signed: true,
  baseline: 'point',
  complete: true,
  options: [{ key: 'eps', type: 'number', default: 1e-10, min: 0, summary: 'below this |z - z_b| the multiplier is the derivative' }],
  optionKeys: DEEP_LIFT_OPTION_KEYS,
});
