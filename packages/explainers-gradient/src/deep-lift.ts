import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  assertFiniteRows,
  assertFiniteScores,
  assertNumber,
  checkCommonOptions,
  checkInput,
  checkModelOutput,
  describe,
  forEachBatch,
  resolveBaseline,
  selectTarget,
  tf,
} from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions, FiniteOutputInfo } from '@glassbox/tensors-ops';
import { GRADIENT_HINT, Progress, TargetResolver, rowsOf, sizeOf } from './internal/engine.js';
import { RESCALE_ACTIVATIONS, applyElementwise, rescaled } from './internal/activations.js';
import type { ActivationLike } from './internal/activations.js';
import { safeGrad } from './internal/safe-grad.js';

/**
 * A model that can be run layer by layer with each layer's nonlinearity apart from its linear part: a
 * `Sequential` of @glassbox/tensors-ops' nn blocks (`sequential(specs, inputShape)`) is one.
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

/**
 * DeepLIFT (rescale rule): how much did each input element contribute to the difference between the target
 * score at x and at a reference input b? Like gradient x (x - b), but every nonlinearity's derivative is
 * replaced by its average slope between the reference and the input, (act(z) - act(z_b)) / (z - z_b). The
 * multipliers then satisfy a chain rule that adds up exactly: the attributions of a row sum to
 * F(x) - F(b) (summation-to-delta), which `delta` checks. One forward pass on the reference and one
 * backward pass on x per batch: much cheaper than integrated gradients.
 *
 *   m_act(z)     = (act(z) - act(z_b)) / (z - z_b)       (act'(z) where |z - z_b| <= eps)
 *   attributions = (x - b) * dF_t/dx, with every elementwise activation's derivative replaced by m_act
 *   delta        = sum(attributions of a row) - (F_t(x) - F_t(b))   (~0 up to float32 rounding)
 *
 * Elementwise activations (relu, leakyRelu, sigmoid, tanh, softplus, elu) use the rescale rule; linear parts
 * (dense, conv, transposed conv, batch norm in inference mode, average pooling, flatten, reshape) are exact
 * anyway; softmax / logSoftmax layers and max pooling keep their ordinary gradients, so on a model with
 * those delta is no longer ~0 (explain the logits, before a softmax).
 *
 * Paper: A. Shrikumar, P. Greenside, A. Kundaje, "Learning Important Features Through Propagating
 * Activation Differences", 2017, arXiv:1704.02685.
 *
 * @param model a model of tensors-ops' nn blocks (`sequential(...)`) or anything with `layers[i].activation`,
 *   `applyLayer(i, x)` and `applyLayerLinear(i, x)`.
 * @param x float32 [N, ...model input] (rank >= 2), finite.
 * @param options `target`, `baseline` (number or tensor broadcastable to x, default 0), `eps` (default 1e-10),
 *   `batchSize` (default 64: that many rows of x and of the baseline per pass), `onProgress`, `signal`.
 * @returns attributions of x's shape and delta [N] (owned by the caller).
 *
 * @example
 * ```ts
 * const model = sequential([{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 3 }], [8]);
 * const { attributions, delta } = await deepLift(model, x, { target: 2, baseline: 0 });
 * ```
 */
export async function deepLift(model: LayeredModel, x: Tensor, options: DeepLiftOptions = {}): Promise<Attribution> {
  const where = 'deepLift';
  if (!isLayered(model)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: model must be a layered model (a Sequential of @glassbox/tensors-ops nn blocks, with layers, applyLayer and applyLayerLinear), got ${describe(model)}`,
    );
  }
  checkInput(x, where);
  const { batchSize } = checkCommonOptions(options, where);
  const eps = options.eps === undefined ? 1e-10 : assertNumber(options.eps, 'options.eps', where, { min: 0 });
  const n = x.shape[0]!;
  const rowSize = sizeOf(x.shape.slice(1));
  const targets = new TargetResolver(options.target, n, where);
  const baseline = resolveBaseline(options.baseline, x, where);
  const progress = new Progress(n, options.onProgress);
  const layers = model.layers;
  const rescaleAt = layers.map((l) => l.activation != null && RESCALE_ACTIVATIONS.has(l.activation.fn));
  const parts: Tensor[] = [];
  const delta = new Float32Array(n);
  try {
    await forEachBatch(
      n,
      (start, end) => {
        const rows = end - start;
        let fx: Tensor | null = null;
        try {
          const attr = tf.tidy(() => {
            const xb = rowsOf(x, start, end);
            const bb = rowsOf(baseline, start, end);
            // Reference pass: keep the pre-activation of every rescaled activation.
            const zb: Array<Tensor | null> = [];
            let h = bb;
            for (let i = 0; i < layers.length; i++) {
              if (rescaleAt[i]) {
                const z = model.applyLayerLinear(i, h);
                zb.push(z);
                h = applyElementwise(z, layers[i]!.activation!);
              } else {
                zb.push(null);
                h = model.applyLayer(i, h);
              }
            }
            checkModelOutput(h, rows, where, 'model');
            const t = targets.forRows(h.shape, start, end, (j) => j);
            const fb = selectTarget(h, t);
            // Input pass under the gradient tape, with the rescale multipliers.
            const grad = safeGrad(
              (p: Tensor) => {
                let a = p;
                for (let i = 0; i < layers.length; i++) {
                  a = rescaleAt[i] ? rescaled(model.applyLayerLinear(i, a), zb[i]!, layers[i]!.activation!, eps) : model.applyLayer(i, a);
                }
                checkModelOutput(a, rows, where, 'model');
                const s = selectTarget(a, t);
                fx = tf.keep(tf.clone(s));
                return tf.sum(s);
              },
              xb,
              where,
              'model',
            );
            const at = tf.mul(tf.sub(xb, bb), grad);
            const sums = tf.sum(tf.reshape(at, [rows, rowSize]), 1).dataSync();
            const fxv = (fx as Tensor).dataSync();
            const fbv = fb.dataSync();
            // The scores of both passes are read anyway (for delta): a model that overflows is refused here.
            const info: FiniteOutputInfo = { name: 'model', start };
            if (h.rank === 2 && h.shape[1]! > 1) info.columns = t;
            assertFiniteScores(fxv, where, info);
            assertFiniteScores(fbv, where, { ...info, input: 'options.baseline' });
            // A non-finite attribution makes its row's sum non-finite: one number per row tells.
            assertFiniteRows(sums, where, 'the sum of the attributions of a row', { start, hint: GRADIENT_HINT });
            for (let j = 0; j < rows; j++) delta[start + j] = sums[j]! - (fxv[j]! - fbv[j]!);
            return at;
          });
          parts.push(attr);
        } finally {
          (fx as Tensor | null)?.dispose();
        }
        progress.add(rows);
      },
      { batchSize, signal: options.signal, where },
    );
    const attributions = parts.length === 1 ? parts.pop()! : tf.concat(parts, 0);
    return { attributions, delta: tf.tensor1d(delta, 'float32'), method: 'deepLift' };
  } finally {
    for (const p of parts) p.dispose();
    baseline.dispose();
  }
}
