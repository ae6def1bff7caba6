import { GlassboxError, checkOptionKeys, declareOptionKeys, describe, optionKeys } from '@glassbox/tensors-ops';
import { checkImageShape } from './internal/image.js';

export interface GridSegmentsOptions {
  /** Cells per side: one number (square grid) or [rows, cols], each in 1..that side; default 4 (16 cells). */
  cells?: number | [number, number];
}

/** The keys of GridSegmentsOptions. */
export const GRID_SEGMENTS_OPTION_KEYS = optionKeys<GridSegmentsOptions>({
  cells: true,
});

/**
 * A regular grid of rectangular segments: the simplest interpretable image features (the patches of
 * occlusion, without sliding). Cell boundaries are at floor(k * h / rows) and floor(k * w / cols), so cells
 * differ in size by at most one pixel when the grid does not divide the image.
 *
 *   label(y, x) = floor(y * rows / h) * cols + floor(x * cols / w)
 *
 * Reference: the patch features of LIME for images (Ribeiro et al. 2016, arXiv 1602.04938) and of
 * occlusion (Zeiler & Fergus 2014, arXiv 1311.2901).
 *
 * @param shape [h, w] or [h, w, c] of one image.
 * @param options `cells`: cells per side, default 4.
 * @returns Int32Array of h * w labels 0..rows*cols-1, row-major (one per pixel).
 *
 * @example
 * ```ts
 * const labels = gridSegments([28, 28, 1], { cells: 7 });        // 49 patches of 4 x 4
 * const mask = tf.tensor(labels, [1, 28, 28, 1], 'int32');
 * ```
 */
export function gridSegments(shape: readonly number[], options: GridSegmentsOptions = {}): Int32Array {
  const where = 'gridSegments';
  const [h, w] = checkImageShape(shape, where);
  options = checkOptionKeys<GridSegmentsOptions>(options, GRID_SEGMENTS_OPTION_KEYS, where);
  const cells = options.cells ?? 4;
  const pair = typeof cells === 'number' ? [cells, cells] : cells;
  if (!Array.isArray(pair) || pair.length !== 2) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.cells must be a number or [rows, cols], got ${describe(cells)}`);
  }
  const [rows, cols] = pair as [number, number];
  if (!Number.isInteger(rows) || rows < 1 || rows > h || !Number.isInteger(cols) || cols < 1 || cols > w) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: options.cells must be integers in 1..${h} (rows) and 1..${w} (cols) for an image of ${h} x ${w}, got ${describe(cells)}`,
    );
  }
  const out = new Int32Array(h * w);
  for (let y = 0; y < h; y++) {
    const r = Math.floor((y * rows) / h);
    for (let x = 0; x < w; x++) out[y * w + x] = r * cols + Math.floor((x * cols) / w);
  }
  return out;
}
declareOptionKeys(gridSegments, GRID_SEGMENTS_OPTION_KEYS);

/**
 * Repeats per-pixel segment labels over the channels: h * w labels -> h * w * c, a feature mask for one row
 * [h, w, c] accepted by every explainer's `featureMask` as an Int32Array.
 *
 * @example
 * ```ts
 * const mask = segmentsToFeatureMask(slic(img, [32, 32, 3]), [32, 32, 3]);
 * ```
 */
export function segmentsToFeatureMask(labels: Int32Array, shape: readonly number[]): Int32Array {
  const where = 'segmentsToFeatureMask';
  const [h, w, c] = checkImageShape(shape, where);
  if (!(labels instanceof Int32Array) || labels.length !== h * w) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: labels must be an Int32Array of ${h * w} (h * w) labels, got ${describe(labels)}`);
  }
  const out = new Int32Array(h * w * c);
  for (let p = 0; p < h * w; p++) out.fill(labels[p]!, p * c, (p + 1) * c);
  return out;
}
