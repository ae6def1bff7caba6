/**
 * Shared checks of the layer methods of the tfjs models (tensors-ops' LayerModel contract): the layer name, the
 * replacement value's shape, and a result that is never one of the caller's tensors.
 */
import { GlassboxError, checkLayerName, formatShape, isTensor, tf, type LayerModel, type Tensor } from '@glassbox/tensors-ops';
import { formatOpenShape } from './model.js';

/** Checks `layer` against the model's layer names (INVALID_ARGUMENT naming the known ones). */
export function checkLayer(model: LayerModel, layer: unknown, where: string): string {
  return checkLayerName(model, layer, where, 'layer');
}

/** Checks x is a tensor with at least one row. */
export function checkRows(x: unknown, where: string): Tensor {
  if (!isTensor(x)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: x must be a tensor, got ${typeof x}`);
  if (x.rank < 1 || x.shape[0]! < 1) throw new GlassboxError('SHAPE_MISMATCH', `${where}: x must have at least one row, got shape ${formatShape(x.shape)}`);
  return x;
}

/**
 * Checks a replacement value: a tensor with one row per row of x and, after the batch axis, the layer's declared
 * shape where it is known (null sizes take anything).
 */
export function checkValue(value: unknown, rows: number, declared: ReadonlyArray<number | null> | null, what: string, where: string): Tensor {
  if (!isTensor(value)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: value must be a tensor (${what}), got ${typeof value}`);
  const bad =
    value.shape[0] !== rows ||
    (declared !== null && (value.rank !== declared.length || declared.some((d, i) => i > 0 && d !== null && d !== value.shape[i])));
  if (bad) {
    const expected = declared === null ? `${rows} rows` : formatOpenShape([rows, ...declared.slice(1)]);
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: value must have the shape of ${what}, ${expected}, got ${formatShape(value.shape)}`);
  }
  return value;
}

/** A result the caller owns: a copy when the computation handed back one of the arguments unchanged. */
export function owned(y: Tensor, args: readonly Tensor[]): Tensor {
  return args.includes(y) ? tf.clone(y) : y;
}
