import { GlassboxError, checkOptionKeys, describe, optionKeys, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkPixels, type Box, type Pixels } from './pixels.js';
import { resizeUnchecked } from './resize.js';
import type { ImageInfo } from './load-image.js';

export interface ToOriginalOptions {
  /** The value of the original's pixels outside the crop box (which the model never saw); default 0. */
  fill?: number;
}

/** The keys of ToOriginalOptions. */
export const TO_ORIGINAL_OPTION_KEYS = optionKeys<ToOriginalOptions>({ fill: true });

function checkInfo(info: unknown, where: string): { H: number; W: number; box: Box } {
  const i = info as Partial<ImageInfo> | null;
  const o = i?.original;
  const b = i?.crop;
  const int = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min;
  if (
    i === null || typeof i !== 'object' || o === null || typeof o !== 'object' || !int(o?.width, 1) || !int(o?.height, 1) ||
    b === null || typeof b !== 'object' || !int(b?.top, 0) || !int(b?.left, 0) || !int(b?.height, 1) || !int(b?.width, 1) ||
    b!.top + b!.height > o!.height || b!.left + b!.width > o!.width
  ) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: info must be the info of loadImage / prepareImage ({ original, crop, size, ... }), got ${describe(info)}`);
  }
  return { H: o!.height, W: o!.width, box: b! };
}

/** Maps one [h, w, c] grid onto the original's grid: bilinear onto the crop box, `fill` elsewhere. */
function mapGrid(values: ArrayLike<number>, h: number, w: number, c: number, H: number, W: number, box: Box, fill: number, out: Float32Array, offset: number): void {
  const src: Pixels = { width: w, height: h, channels: c, data: values instanceof Float32Array ? values : Float32Array.from(values) };
  const inBox = resizeUnchecked(src, box.height, box.width).data;
  out.fill(fill, offset, offset + H * W * c);
  const row = box.width * c;
  for (let y = 0; y < box.height; y++) {
    out.set(inBox.subarray(y * row, (y + 1) * row), offset + ((box.top + y) * W + box.left) * c);
  }
}

/**
 * Puts an attribution of a preprocessed image back on the original picture's pixel grid: the inverse of
 * `loadImage`'s crop and resize. The attribution map is resized (bilinear, half-pixel centres, the same geometry as
 * the forward resize) onto the crop box; pixels outside the box, which the model never saw, get `fill` (0).
 *
 * Values are interpolated, not redistributed: a pixel of the original gets the attribution of the model pixel it
 * falls on, so the sum over pixels changes by the area ratio (box area / model input area). Multiply by
 * (height * width) / (box.height * box.width) when totals (completeness) matter. A coarser map than the model
 * input (Grad-CAM's [1, 7, 7, 1]) is taken to cover the same box, so it is upsampled onto the photo in one step.
 *
 * @param attribution the attribution of `x`: a tensor [N, h, w, C], [h, w, C] or [h, w] (any h, w, C; N rows
 *   share the one `info`), or plain `{ width, height, channels, data }` (as viz and `fromTensor` hand them out).
 * @param info the `info` of `loadImage` / `prepareImage`.
 * @param options `fill` (default 0).
 * @returns the same kind as given: a new float32 tensor of the same rank with the original's height and width
 *   (the caller disposes it; the input is not disposed), or new Pixels with a Float32Array.
 * @throws GlassboxError INVALID_ARGUMENT for an attribution that is neither, or an info that is not one;
 *   NON_FINITE for a NaN in plain data.
 * @example
 * ```ts
 * const { x, info } = await loadImage('cat.jpg', { size: 224, crop: 'center', preprocess: 'imagenet' });
 * const { attributions } = await saliency(model, x, { target: 281 });
 * const onPhoto = toOriginal(attributions, info);   // [1, 480, 640, 3]: zero outside the centre crop
 * ```
 */
export function toOriginal(attribution: Tensor, info: ImageInfo, options?: ToOriginalOptions): Tensor;
export function toOriginal(attribution: Pixels, info: ImageInfo, options?: ToOriginalOptions): Pixels<Float32Array>;
export function toOriginal(attribution: Tensor | Pixels, info: ImageInfo, options: ToOriginalOptions = {}): Tensor | Pixels<Float32Array> {
  const where = 'toOriginal';
  const o = checkOptionKeys<ToOriginalOptions>(options, TO_ORIGINAL_OPTION_KEYS, where);
  const fill = o.fill ?? 0;
  if (typeof fill !== 'number' || Number.isNaN(fill)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.fill must be a number, got ${describe(fill)}`);
  const { H, W, box } = checkInfo(info, where);
  if (attribution instanceof tf.Tensor) {
    const shape = attribution.shape;
    if (shape.length < 2 || shape.length > 4 || shape.some((d) => d < 1)) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: attribution must be [N, h, w, C], [h, w, C] or [h, w], got shape [${shape.join(', ')}]`);
    }
    if (attribution.dtype !== 'float32') throw new GlassboxError('INVALID_ARGUMENT', `${where}: attribution must be float32, got ${attribution.dtype}`);
    const n = shape.length === 4 ? shape[0]! : 1;
    const [h, w] = shape.length === 4 ? [shape[1]!, shape[2]!] : [shape[0]!, shape[1]!];
    const c = shape.length === 4 ? shape[3]! : shape.length === 3 ? shape[2]! : 1;
    const values = attribution.dataSync() as Float32Array;
    const out = new Float32Array(n * H * W * c);
    for (let i = 0; i < n; i++) mapGrid(values.subarray(i * h * w * c, (i + 1) * h * w * c), h, w, c, H, W, box, fill, out, i * H * W * c);
    const outShape = shape.length === 4 ? [n, H, W, c] : shape.length === 3 ? [H, W, c] : [H, W];
    return tf.tensor(out, outShape, 'float32');
  }
  if (attribution !== null && typeof attribution === 'object' && 'data' in attribution) {
    const p = checkPixels(attribution, 'attribution', where);
    const out = new Float32Array(H * W * p.channels);
    mapGrid(p.data, p.height, p.width, p.channels, H, W, box, fill, out, 0);
    return { width: W, height: H, channels: p.channels, data: out };
  }
  throw new GlassboxError('INVALID_ARGUMENT', `${where}: attribution must be a tensor or { width, height, channels, data }, got ${describe(attribution)}`);
}
