/** Shared Grad-CAM machinery: resolving the features/head split and computing the upsampled map of a batch. */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  assertFiniteRows,
  assertFiniteScores,
  assertFloatTensor,
  checkModelOutput,
  formatShape,
  safeGradWithValue,
  selectTarget,
  tf,
} from '@glassbox/tensors-ops';
import type { FiniteOutputInfo, TargetResolver } from '@glassbox/tensors-ops';
import { resolveLayer } from './layers.js';
import type { LayerAccess } from './layers.js';

export type { CamModel, FeaturesHead, Splittable } from './layers.js';

/**
 * The layer Grad-CAM weights, resolved from any model form (see resolveLayer in ./layers.ts): a LayerModel
 * (a residual graph included), split(layerName), or { features, head }.
 */
export function resolveSplit(model: unknown, layer: unknown, where: string): LayerAccess {
  return resolveLayer(model, layer, where);
}

/** Checks that x's shape admits a spatial map: [N, H, W] or [N, H, W, C]. */
export function checkCamInput(x: Tensor, where: string): void {
  if (x.rank !== 3 && x.rank !== 4) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: x must be images [N, H, W] or [N, H, W, C], got shape ${formatShape(x.shape)}`);
  }
}

/**
 * The Grad-CAM map of rows xb, upsampled to x's spatial size and broadcast to xb's shape (inside tf.tidy):
 * relu(sum_c mean_hw(dF/dA_c) * A_c) for A = the layer's output on xb, [n, h, w, C] (or [n, C]), the gradient
 * taken with the model run on xb and A replaced (a graph's skip connections read xb).
 */
export function camOfBatch(
  split: LayerAccess,
  xb: Tensor,
  targets: TargetResolver,
  start: number,
  where: string,
): Tensor {
  const rows = xb.shape[0]!;
  const a = split.output(xb);
  assertFloatTensor(a, split.valueName, where);
  if (a.shape[0] !== rows || (a.rank !== 4 && a.rank !== 2)) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${split.outputName} must return [${rows}, h, w, C] feature maps (or [${rows}, C]) for ${rows} rows, got shape ${formatShape(a.shape)}`,
    );
  }
  let columns: Int32Array | undefined;
  const { grad: grads, value: scores } = safeGradWithValue(
    (t: Tensor) => {
      const y = split.forward(xb, t);
      checkModelOutput(y, rows, where, split.forwardName);
      const cols = targets.forRows(y.shape, start, start + rows, (j) => j);
      if (y.rank === 2 && y.shape[1]! > 1) columns = cols;
      return selectTarget(y, cols);
    },
    a,
    where,
    split.forwardName,
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
