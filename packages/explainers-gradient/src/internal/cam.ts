/** Shared Grad-CAM machinery: resolving the features/head split and computing the upsampled map of a batch. */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  asForward,
  assertFiniteRows,
  assertFiniteScores,
  assertFloatTensor,
  checkModelOutput,
  describe,
  formatShape,
  safeGradWithValue,
  selectTarget,
  tf,
} from '@glassbox/tensors-ops';
import type { FiniteOutputInfo, ForwardFn, Predictable, TargetResolver } from '@glassbox/tensors-ops';

/** A model cut in two at a layer: head(features(x)) is the model. */
export interface FeaturesHead {
  features: Predictable;
  head: Predictable;
}

/** A model that can cut itself at a named layer (a tensors-ops nn `Sequential`). */
export interface Splittable {
  split(layerName: string): { features: (x: Tensor) => Tensor; head: (a: Tensor) => Tensor };
}

export type CamModel = FeaturesHead | Splittable;

export function resolveSplit(model: unknown, layer: unknown, where: string): { features: ForwardFn; head: ForwardFn } {
  const m = model as Partial<FeaturesHead & Splittable> | null;
  if (m != null && typeof m === 'object' && typeof m.split === 'function') {
    if (typeof layer !== 'string' || layer.length === 0) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: options.layer must name the layer to explain (e.g. the last convolution) when model can split(layerName), got ${describe(layer)}`,
      );
    }
    const s = m.split(layer);
    return { features: asForward(s.features, where, 'features'), head: asForward(s.head, where, 'head') };
  }
  if (m != null && (typeof m === 'object' || typeof m === 'function') && m.features !== undefined && m.head !== undefined) {
    if (layer !== undefined) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.layer is only used with a model that has split(layerName); model gives features and head directly`);
    }
    return { features: asForward(m.features, where, 'model.features'), head: asForward(m.head, where, 'model.head') };
  }
  throw new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: model must be { features, head } (two functions, head(features(x)) = the model) or have split(layerName), got ${describe(model)}`,
  );
}

/** Checks that x's shape admits a spatial map: [N, H, W] or [N, H, W, C]. */
export function checkCamInput(x: Tensor, where: string): void {
  if (x.rank !== 3 && x.rank !== 4) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: x must be images [N, H, W] or [N, H, W, C], got shape ${formatShape(x.shape)}`);
  }
}

/**
 * The Grad-CAM map of rows xb, upsampled to x's spatial size and broadcast to xb's shape (inside tf.tidy):
 * relu(sum_c mean_hw(dF/dA_c) * A_c) for A = features(xb) of shape [n, h, w, C] (or [n, C]).
 */
export function camOfBatch(
  split: { features: ForwardFn; head: ForwardFn },
  xb: Tensor,
  targets: TargetResolver,
  start: number,
  where: string,
): Tensor {
  const rows = xb.shape[0]!;
  const a = split.features(xb);
  assertFloatTensor(a, 'the output of features', where);
  if (a.shape[0] !== rows || (a.rank !== 4 && a.rank !== 2)) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: features must return [${rows}, h, w, C] feature maps (or [${rows}, C]) for ${rows} rows, got shape ${formatShape(a.shape)}`,
    );
  }
  let columns: Int32Array | undefined;
  const { grad: grads, value: scores } = safeGradWithValue(
    (t: Tensor) => {
      const y = split.head(t);
      checkModelOutput(y, rows, where, 'head');
      const cols = targets.forRows(y.shape, start, start + rows, (j) => j);
      if (y.rank === 2 && y.shape[1]! > 1) columns = cols;
      return selectTarget(y, cols);
    },
    a,
    where,
    'head',
  );
  // The model's target scores came out of the gradient pass; a model that overflows gives no meaningful map.
  const info: FiniteOutputInfo = { start, name: 'model' };
  if (columns !== undefined) info.columns = columns;
  assertFiniteScores(scores.dataSync(), where, info);
  if (a.rank === 2) {
    const cam = tf.relu(tf.sum(tf.mul(a, grads), 1));
    assertFiniteRows(cam.dataSync(), where, 'the Grad-CAM map', { start });
    return tf.mul(tf.onesLike(xb), tf.reshape(cam, [rows, ...new Array<number>(xb.rank - 1).fill(1)]));
  }
  const c = a.shape[3]!;
  const weights = tf.reshape(tf.mean(grads, [1, 2]), [rows, 1, 1, c]);
  const cam = tf.relu(tf.sum(tf.mul(a, weights), 3, true)) as tf.Tensor4D; // [n, h, w, 1]
  assertFiniteRows(cam.dataSync(), where, 'the Grad-CAM map', { start, rowSize: cam.shape[1]! * cam.shape[2]! });
  const up = tf.image.resizeBilinear(cam, [xb.shape[1]!, xb.shape[2]!], false, true); // [n, H, W, 1]
  return xb.rank === 3 ? tf.reshape(up, xb.shape) : tf.mul(tf.onesLike(xb), up);
}
