import { luma } from './color.js';
import type { RGBAImage } from './image.js';
import { checkImage, checkNumberInRange, checkOptions, describe, fail, optionKeys } from './validate.js';

export interface OverlayOptions {
  /** Opacity of the heatmap over the image, in [0, 1]; default 0.5. Multiplied by the heatmap's own alpha. */
  alpha?: number;
  /**
   * Draw the base image in grey (Rec. 601 luma) so the heatmap colours stand out; default false.
   */
  grayscale?: boolean;
}

/** The keys of OverlayOptions. */
export const OVERLAY_OPTION_KEYS = optionKeys<OverlayOptions>({ alpha: true, grayscale: true });

/**
 * Lays a heatmap over the image it explains.
 *
 * Intuition: the heatmap alone says "these pixels mattered", the overlay says "these parts of this picture
 * mattered". Per pixel and channel: out = (1 - a) * base + a * heat, with a = alpha * heatAlpha / 255;
 * the output keeps the base image's alpha. Both images must have the same width and height
 * (use `upsample` first for a small Grad-CAM map).
 *
 * @param image the base image (grey or colour), e.g. `fromGray(x, [28, 28])`.
 * @param heat an RGBAImage of the same size, or a `heatmap(...)` result.
 * @example
 * ```ts
 * const { image: heat } = heatmap(attr, [28, 28], { opacity: 'magnitude' });
 * const picture = overlay(fromGray(x, [28, 28]), heat, { alpha: 0.6 });
 * ```
 */
export function overlay(image: RGBAImage, heat: RGBAImage | { image: RGBAImage }, options: OverlayOptions = {}): RGBAImage {
  const fn = 'overlay';
  checkImage(fn, 'image', image);
  const h =
    heat !== null && typeof heat === 'object' && 'image' in heat && !('data' in heat)
      ? checkImage(fn, 'heatmap.image', heat.image)
      : checkImage(fn, 'heatmap', heat);
  checkOptions(fn, options, OVERLAY_OPTION_KEYS);
  const alpha = checkNumberInRange(fn, 'options.alpha', options.alpha ?? 0.5, 0, 1);
  const grayscale = options.grayscale ?? false;
  if (typeof grayscale !== 'boolean') fail('INVALID_ARGUMENT', `${fn}: options.grayscale must be a boolean, got ${describe(grayscale)}`);
  if (h.width !== image.width || h.height !== image.height) {
    fail(
      'SHAPE_MISMATCH',
      `${fn}: heatmap is ${h.width}x${h.height} (width x height), expected the image's size ${image.width}x${image.height}; upsample the attribution map first`,
    );
  }
  const out = new Uint8ClampedArray(image.data.length);
  const b = image.data;
  const m = h.data;
  for (let i = 0; i < out.length; i += 4) {
    let r = b[i];
    let g = b[i + 1];
    let bl = b[i + 2];
    if (grayscale) {
      r = g = bl = luma(r, g, bl);
    }
    const a = (alpha * m[i + 3]) / 255;
    out[i] = (1 - a) * r + a * m[i];
    out[i + 1] = (1 - a) * g + a * m[i + 1];
    out[i + 2] = (1 - a) * bl + a * m[i + 2];
    out[i + 3] = b[i + 3];
  }
  return { width: image.width, height: image.height, data: out };
}
