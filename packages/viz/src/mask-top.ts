import type { RGBAImage } from './image.js';
import { checkFinite, checkImage, checkNumberInRange, checkOneOf, checkOptions, checkValues, optionKeys } from './validate.js';

export interface MaskTopOptions {
  /** Share of pixels to keep, in [0, 1]; default 0.1. round(fraction * width * height) pixels stay visible. */
  fraction?: number;
  /**
   * What "most important" means: `'abs'` (default, largest |v|), `'positive'` (largest v),
   * `'negative'` (most negative v).
   */
  by?: 'abs' | 'positive' | 'negative';
  /** Brightness of the hidden pixels, in [0, 1]: 0 (default) black, 0.3 a dimmed context. Alpha is kept. */
  dim?: number;
}

/** The keys of MaskTopOptions. */
export const MASK_TOP_OPTION_KEYS = optionKeys<MaskTopOptions>({ fraction: true, by: true, dim: true });

/**
 * Shows only the most important pixels of an image, the rest dimmed (or black).
 *
 * Intuition: "if the model looked only at these 10 % of pixels..." — the picture behind deletion/insertion
 * metrics. Pixels are ranked by importance (ties broken by pixel index, first wins), the top
 * k = round(fraction * n) keep their colour, the others are multiplied by `dim`.
 *
 * @param image the image to mask.
 * @param values one importance per pixel (width * height, row-major); reduce channels first if needed.
 * @example
 * ```ts
 * const top = maskTop(fromGray(x, [28, 28]), attr, { fraction: 0.2, dim: 0.25 });
 * ```
 */
export function maskTop(image: RGBAImage, values: ArrayLike<number>, options: MaskTopOptions = {}): RGBAImage {
  const fn = 'maskTop';
  checkImage(fn, 'image', image);
  const n = image.width * image.height;
  checkValues(fn, 'values', values, n, [image.height, image.width]);
  checkFinite(fn, 'values', values, [image.height, image.width]);
  checkOptions(fn, options, MASK_TOP_OPTION_KEYS);
  const fraction = checkNumberInRange(fn, 'options.fraction', options.fraction ?? 0.1, 0, 1);
  const by = checkOneOf(fn, 'options.by', options.by ?? 'abs', ['abs', 'positive', 'negative']);
  const dim = checkNumberInRange(fn, 'options.dim', options.dim ?? 0, 0, 1);

  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) score[i] = by === 'abs' ? Math.abs(values[i]) : by === 'positive' ? values[i] : -values[i];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
  const k = Math.round(fraction * n);
  const keep = new Uint8Array(n);
  for (let j = 0; j < k; j++) keep[order[j]] = 1;

  const out = new Uint8ClampedArray(image.data);
  for (let i = 0; i < n; i++) {
    if (keep[i]) continue;
    out[4 * i] *= dim;
    out[4 * i + 1] *= dim;
    out[4 * i + 2] *= dim;
  }
  return { width: image.width, height: image.height, data: out };
}
