import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, assertNumber, describe, tf, type Rng } from '@glassbox/tensors-ops';
import { Classifier, resolveLabels, type Labels } from './classifier.js';
import { checkFiniteRows, checkRows } from '@glassbox/tensors-ops/models';
import { TRAIN_OPTION_KEYS, resolveTrainOptions, runTraining, type TrainHistory, type TrainOptions } from '@glassbox/tensors-ops/models';

export type { BatchLog, EpochLog, TrainHistory, TrainOptions } from '@glassbox/tensors-ops/models';

/** Labelled rows to train on. */
export interface ClassifierData {
  /** float32 [N, ...model.inputShape], finite. */
  x: Tensor;
  /** N labels in 0..K-1. */
  y: Labels;
}

/** Metrics of a classifier's training epochs: mean training accuracy besides the loss. */
export type ClassifierMetric = 'accuracy';

/** Options of a classifier's `train`: the common ones plus data augmentation for images. */
export interface ClassifierTrainOptions extends TrainOptions<ClassifierMetric> {
  /**
   * Data augmentation for image models ([H, W, C] rows): each training image is moved by a random whole
   * number of pixels in [-shift, shift] along each axis (zero fill), a new draw at every step, from `seed`.
   * Integer >= 0; default 0 (off).
   */
  shift?: number;
}

/** The keys of ClassifierTrainOptions: the common training options and `shift`. */
export const CLASSIFIER_TRAIN_OPTION_KEYS: readonly (keyof ClassifierTrainOptions)[] = [...TRAIN_OPTION_KEYS, 'shift'];

/** @internal Copies rows of `data` (NHWC, row size h*w*c) into a batch, each moved by its own random (dy, dx): out[y, x] = in[y - dy, x - dx]. */
export function shiftedBatch(data: ArrayLike<number>, indices: Int32Array, shape: readonly number[], shift: number, rng: Rng): Float32Array {
  const [h, w, c] = shape as [number, number, number];
  const size = h * w * c;
  const out = new Float32Array(indices.length * size);
  for (let r = 0; r < indices.length; r++) {
    const dy = rng.int(2 * shift + 1) - shift;
    const dx = rng.int(2 * shift + 1) - shift;
    const src = indices[r]! * size;
    const dst = r * size;
    for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
      const from = src + ((y - dy) * w + Math.max(0, -dx)) * c;
      const to = dst + (y * w + Math.max(0, dx)) * c;
      const len = (w - Math.abs(dx)) * c;
      for (let k = 0; k < len; k++) out[to + k] = data[from + k]!;
    }
  }
  return out;
}

/**
 * Trains a classifier with Adam on softmax cross-entropy, in mini-batches of shuffled rows.
 *
 *   loss = -(1/B) sum_i log softmax(f(x_i))_{y_i}
 *
 * Reproducible: the shuffle order and the dropout masks come from `seed`, so the same seed, data and
 * backend give the same weights. Every step checks the loss and the gradients before updating: a non-finite
 * value stops training with NON_FINITE and the weights stay those of the last finite step. An abort (between
 * steps) rejects with ABORTED and leaves the weights of the last completed step.
 *
 * Paper: Kingma & Ba 2014, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980.
 *
 * @param model a `Classifier` (changed in place).
 * @param data `{ x, y }`: float32 rows [N, ...inputShape] and N labels.
 * @param options `epochs` (default 1), `batchSize` (default 64), `learningRate` (default 0.001), `seed`
 *   (default 0), `shuffle` (default true), `shift` (random translations of images by up to this many pixels,
 *   default 0), `onEpoch(log)` (log has `loss` and `accuracy`), `onBatch(log)`, `signal`.
 * @returns the history: one `{ epoch, epochs, loss, accuracy, seconds }` per epoch, steps, seconds.
 * @throws GlassboxError INVALID_ARGUMENT / SHAPE_MISMATCH (bad arguments), NON_FINITE (non-finite data or
 *   loss), ABORTED.
 *
 * @example
 * ```ts
 * const { x, y } = await loadDigits({ split: 'train' });
 * const cnn = createCnn({ seed: 1 });
 * const history = await train(cnn, { x, y }, { epochs: 5, batchSize: 64, seed: 1, onEpoch: (l) => console.log(l) });
 * ```
 */
export async function train(model: Classifier, data: ClassifierData, options: ClassifierTrainOptions = {}): Promise<TrainHistory<ClassifierMetric>> {
  const where = 'train';
  if (!(model instanceof Classifier)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must be a Classifier (createCnn, createMlp, createClassifier or load), got ${describe(model)}`);
  }
  if (model.isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: model has been disposed`);
  if (data === null || typeof data !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: data must be { x, y }, got ${describe(data)}`);
  }
  const o = resolveTrainOptions<ClassifierMetric>(options, where, CLASSIFIER_TRAIN_OPTION_KEYS);
  const shift = options.shift === undefined ? 0 : assertNumber(options.shift, 'options.shift', where, { integer: true, min: 0 });
  if (shift > 0 && model.inputShape.length !== 3) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.shift is for image models (rows [H, W, C]); this model's rows have shape [${model.inputShape.join(', ')}]`);
  }
  const { x } = data;
  checkRows(x, model.inputShape, where, 'data.x');
  const n = x.shape[0]!;
  const labels = resolveLabels(data.y, n, model.numClasses, where, 'data.y');
  checkFiniteRows(x, where, 'data.x');
  const k = model.numClasses;
  const pixels = shift > 0 ? x.dataSync() : null;
  const yAll = tf.tensor1d(labels, 'int32');
  try {
    return await runTraining(
      {
        where,
        rows: n,
        trainable: model.network.trainableVariables(),
        nonTrainable: model.network.nonTrainableVariables(),
        metricNames: ['accuracy'],
        step: (indices, rng) => {
          const idx = tf.tensor1d(indices, 'int32');
          const xb = pixels === null ? tf.gather(x, idx) : tf.tensor(shiftedBatch(pixels, indices, model.inputShape, shift, rng), [indices.length, ...model.inputShape]);
          const yb = tf.gather(yAll, idx);
          const logits = model.network.apply(xb, { training: true, seed: rng.nextUint32() });
          const loss = tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(yb, k), tf.logSoftmax(logits)), 1)));
          const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), yb), 'float32'));
          return { loss, metrics: { accuracy } };
        },
      },
      o,
    );
  } finally {
    yAll.dispose();
  }
}
