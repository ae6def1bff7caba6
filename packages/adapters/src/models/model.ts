/**
 * What every loader returns: a Glassbox model, the one shape in which a user's model (tfjs layers, tfjs graph,
 * ONNX) reaches the explainers. Images are NHWC float32 whatever the file's layout; the output is [N, K] (or [N]).
 */
import { GlassboxError, formatShape, isTensor, tf, type LayerModel, type Tensor } from '@glassbox/tensors-ops';
import type { PooledModelSpec } from '@glassbox/tensors-ops';

/** The format a model came in. */
export type ModelKind = 'layers' | 'graph' | 'onnx';

interface ModelBase {
  kind: ModelKind;
  /** One input's shape with its batch dimension, NHWC for images (null where the file leaves a size open). */
  inputShape: Array<number | null>;
  /** The output's shape with its batch dimension, [N, K] or [N] (null where open). */
  outputShape: Array<number | null>;
  /**
   * The names of the model's parts, in order: the layer names of a layers model, the node names of a graph or
   * ONNX model (for the layer methods).
   */
  layers: string[];
  /**
   * What options.logits did: 'input' (the final softmax removed: its input is the output, the logits), 'log' (the
   * softmax could not be cut off: the output is log p, the log-probabilities, which equal the logits minus one
   * constant per row, logsumexp(z); see `logProbabilities`), or null (options.logits not asked: the output as it is).
   */
  logits: 'input' | 'log' | null;
  /**
   * The model as a tensors-ops pool spec: a layers model on the fast path sends its tensors-ops ResidualModel (JSON
   * and weights); other models send their files (model.json + weights, or the ONNX bytes) and the builder module
   * `@glassbox/adapters/pool-builder` that loads them in each worker. Explainers call it for `options.pool`.
   */
  toPooledModel?(): PooledModelSpec;
  /** Frees what the loader made (the model's weights for load*, the logits variant and the fast path's copy for from*); idempotent. */
  dispose(): void | Promise<void>;
}

/**
 * A TensorFlow.js model: synchronous and differentiable, every explainer takes it. It is also a tensors-ops
 * `LayerModel`, so the layer methods (gradCam, guidedGradCam, layerIntegratedGradients, layerConductance,
 * layerActivation) take it with `options.layer` naming a layer (layers models) or a node (graph models): the model
 * runs from x with only that layer's output replaced, so residual graphs (Add layers, skip connections) work
 * without splitting the model by hand.
 */
export interface TfjsModel extends ModelBase, LayerModel {
  kind: 'layers' | 'graph';
  /**
   * The names `options.layer` takes: the layers of a layers model that run once and give one tensor (input layers
   * left out), or the operation nodes of a graph model (its weights and input placeholders left out).
   */
  readonly layerNames: readonly string[];
  /** a_L(x), the output of layer (node) `layer` on rows x; differentiable, the caller owns it. */
  layerOutput(x: Tensor, layer: string): Tensor;
  /**
   * The model's output on rows x with the output of `layer` replaced by `value` (the shape of layerOutput(x,
   * layer)); every other layer runs from x as usual, skip connections included. Differentiable with respect to x
   * and value; the caller owns the result.
   */
  forwardWithLayer(x: Tensor, layer: string, value: Tensor): Tensor;
  /** The tfjs-layers LayersModel or tfjs-converter GraphModel underneath (for layer methods). */
  inner: unknown;
  /** [N, ...inputShape] -> [N, K]; the caller owns the result. */
  predict(x: Tensor): Tensor;
  dispose(): void;
}

/** An ONNX model: its predict answers with a Promise, so only the methods that just call the model take it. */
export interface OnnxModel extends ModelBase {
  kind: 'onnx';
  /** Marks the model asynchronous for the explainer contract (tensors-ops' isAsyncModel). */
  async: true;
  /** The onnxruntime-web InferenceSession underneath. */
  inner: unknown;
  /** The input's layout in the file: 'NCHW' (PyTorch) models get x transposed from NHWC before each run. */
  layout: 'NCHW' | 'NHWC';
  /** [N, H, W, C] (NHWC whatever the file's layout) -> Promise<[N, K]>; the caller owns the result. */
  predict(x: Tensor): Promise<Tensor>;
  /** Releases the onnxruntime session. */
  dispose(): Promise<void>;
}

export type GlassboxModel = TfjsModel | OnnxModel;

/** The smallest normal float32: log p is taken of max(p, LOG_FLOOR), so a probability that underflowed to 0 gives about -87.3. */
export const LOG_FLOOR = 1.1754943508222875e-38;

/**
 * The log-probabilities of a model whose softmax cannot be removed (options.logits, `model.logits === 'log'`):
 * log max(p, LOG_FLOOR), elementwise. When p = softmax(z) over the last axis,
 *
 *   log p_k = z_k - log sum_j exp(z_j)          (the logits minus one constant per row)
 *
 * so the ranking of the classes, the differences between classes and the gradient of z_t - z_k are the logits'.
 * What differs from explaining z_t: each attribution of log p_t is that of z_t minus that of logsumexp(z), the same
 * per-row term that every target shares (for a gradient, d log p_t/dx = dz_t/dx - sum_k p_k dz_k/dx). A probability
 * that underflowed to 0 is floored (its gradient is then 0). Synchronous and differentiable; the caller owns y's
 * result (y itself is not disposed).
 */
export function logProbabilities(y: Tensor): Tensor {
  return tf.tidy(() => tf.log(tf.maximum(y, tf.scalar(LOG_FLOOR, 'float32'))));
}

/** log max(p, LOG_FLOOR) of plain numbers (an ONNX model's output read from onnxruntime). */
export function logProbabilityValues(values: ArrayLike<number>): Float32Array {
  return Float32Array.from(values, (v) => Math.log(Math.max(v, LOG_FLOOR)));
}

/** Checks a declared output shape at load time: [N, K] or [N]; anything else is SHAPE_MISMATCH naming it. */
export function checkDeclaredOutput(shape: ReadonlyArray<number | null> | undefined, where: string, what: string): void {
  if (shape === undefined) return;
  if (shape.length === 1 || shape.length === 2) return;
  throw new GlassboxError(
    'SHAPE_MISMATCH',
    `${where}: the model's output ${what} has shape ${formatOpenShape(shape)}; Glassbox explains models whose output is [N, K] scores (or [N]): pick or reduce an output first (for an image output, outputRegion)`,
  );
}

/** Checks one output of predict: a float32 tensor [N, K] or [N] with N rows. */
export function checkOutput(y: unknown, rows: number, where: string): Tensor {
  if (!isTensor(y)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model must return one tensor, got ${Array.isArray(y) ? `${y.length} tensors` : typeof y}`);
  if (y.rank !== 1 && y.rank !== 2) {
    const shape = y.shape;
    y.dispose();
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: the model's output has shape ${formatShape(shape)}; Glassbox explains models whose output is [N, K] scores (or [N]): pick or reduce an output first (for an image output, outputRegion)`,
    );
  }
  if (y.shape[0] !== rows) {
    const shape = y.shape;
    y.dispose();
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: the model returned shape ${formatShape(shape)} for ${rows} rows; expected [${rows}, K] or [${rows}]`);
  }
  if (y.dtype !== 'float32') {
    const out = tf.cast(y, 'float32');
    y.dispose();
    return out;
  }
  return y;
}

/** A shape with open sizes written as '?'. */
export function formatOpenShape(shape: ReadonlyArray<number | string | null>): string {
  return `[${shape.map((d) => (d === null || d === -1 ? '?' : String(d))).join(', ')}]`;
}

/** Checks x against the model's declared input (rank and fixed sizes after the batch dimension). */
export function checkInputShape(x: unknown, inputShape: ReadonlyArray<number | null>, where: string): Tensor {
  if (!isTensor(x)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: x must be a tensor, got ${typeof x}`);
  const bad = x.rank !== inputShape.length || inputShape.some((d, i) => i > 0 && d !== null && d !== x.shape[i]);
  if (bad) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: x must have the model's input shape ${formatOpenShape(inputShape)} (NHWC for images), got ${formatShape(x.shape)}`,
    );
  }
  return x;
}

/**
 * The error for a tfjs loader that failed: BACKEND_UNAVAILABLE when no backend was started (call initBackend
 * first), else BAD_WEIGHTS naming what could not be built.
 */
export function buildError(e: unknown, where: string, what: string): GlassboxError {
  const message = (e as Error)?.message ?? String(e);
  if (/backend .*not yet been initialized|no backend found/i.test(message)) {
    return new GlassboxError('BACKEND_UNAVAILABLE', `${where}: no TensorFlow.js backend is running; call initBackend() from @glassbox/tensors-ops first (${message})`, { cause: e });
  }
  return new GlassboxError('BAD_WEIGHTS', `${where}: ${what}: ${message}`, { cause: e });
}
