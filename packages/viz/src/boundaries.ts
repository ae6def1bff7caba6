import { parseColor, type Color } from './color.js';
import type { RGBAImage } from './image.js';
import { checkFinite, checkImage, checkOneOf, checkOptions, checkValues, fail, optionKeys } from './validate.js';

export interface BoundariesOptions {
  /** Edge colour, default yellow `[255, 255, 0]` (as skimage's mark_boundaries). */
  color?: Color;
  /**
   * `'thin'` (default): a pixel is an edge when its right or lower neighbour is in another segment (1 px
   * lines, on the left/upper side of each border). `'thick'`: when any of its 4 neighbours is (2 px lines,
   * both sides of each border).
   */
  mode?: 'thin' | 'thick';
}

/** The keys of BoundariesOptions. */
export const BOUNDARIES_OPTION_KEYS = optionKeys<BoundariesOptions>({ color: true, mode: true });

/**
 * Draws the edges between superpixels (feature groups) on an image.
 *
 * Intuition: LIME, KernelSHAP and feature ablation explain in terms of segments, not pixels; drawing
 * the segment borders shows which pixels each feature weight belongs to.
 *
 * @param image the image to draw on (not modified; a copy is returned).
 * @param featureMask one integer segment id per pixel (width * height, row-major), as the
 *   `featureMask` option of the perturbation explainers (for one row, without channels).
 * @example
 * ```ts
 * const mask = Int32Array.from({ length: 28 * 28 }, (_, i) => (Math.floor(i / 28 / 7) * 4 + Math.floor((i % 28) / 7)));
 * const seg = boundaries(fromGray(x, [28, 28]), mask); // a 4x4 grid of 7x7 patches
 * ```
 */
export function boundaries(image: RGBAImage, featureMask: ArrayLike<number>, options: BoundariesOptions = {}): RGBAImage {
  const fn = 'boundaries';
  checkImage(fn, 'image', image);
  const { width: w, height: h } = image;
  checkValues(fn, 'featureMask', featureMask, w * h, [h, w]);
  checkFinite(fn, 'featureMask', featureMask, [h, w]);
  for (let i = 0; i < featureMask.length; i++) {
    if (!Number.isInteger(featureMask[i])) {
      fail('INVALID_ARGUMENT', `${fn}: featureMask[${i}] is ${featureMask[i]}, expected integer segment ids`);
    }
  }
  checkOptions(fn, options, BOUNDARIES_OPTION_KEYS);
  const [r, g, b, a] = parseColor(fn, 'options.color', options.color ?? [255, 255, 0]);
  const mode = checkOneOf(fn, 'options.mode', options.mode ?? 'thin', ['thin', 'thick']);

  const out = new Uint8ClampedArray(image.data);
  const at = (x: number, y: number): number => featureMask[y * w + x];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const id = at(x, y);
      let edge = (x + 1 < w && at(x + 1, y) !== id) || (y + 1 < h && at(x, y + 1) !== id);
      if (!edge && mode === 'thick') edge = (x > 0 && at(x - 1, y) !== id) || (y > 0 && at(x, y - 1) !== id);
      if (edge) {
        const o = (y * w + x) * 4;
        const al = a / 255;
        out[o] = al * r + (1 - al) * out[o];
        out[o + 1] = al * g + (1 - al) * out[o + 1];
        out[o + 2] = al * b + (1 - al) * out[o + 2];
      }
    }
  }
  return { width: w, height: h, data: out };
}
