import { luma, parseColor, type Color } from './color.js';
import { drawText, textHeight, textWidth } from './font.js';
import { blit, filled, resizeNearest, type RGBAImage } from './image.js';
import { checkImage, checkNonNegativeInt, checkOneOf, checkOptions, checkPositiveInt, describe, fail, optionKeys } from './validate.js';

export interface GridOptions {
  /** Cells per row; default images.length (one row). Rows = ceil(images.length / columns). */
  columns?: number;
  /** Pixels between cells and around the grid; default 2. */
  padding?: number;
  /** One label per image (same length; '' or undefined for none), drawn above each cell. */
  labels?: readonly (string | undefined)[];
  /** One label per row, drawn left of the row (e.g. latent dimension names). */
  rowLabels?: readonly (string | undefined)[];
  /** Background colour; default white `[255, 255, 255]`. */
  background?: Color;
  /** Text colour; default black or white, whichever contrasts with the background. */
  labelColor?: Color;
  /** Integer scale of the 5x7 pixel font; default 1. */
  fontScale?: number;
  /**
   * The size of every cell's image area. Without it all images must have the same size (else a
   * `SHAPE_MISMATCH` naming the first image that differs), and that size is the cell size. With it every
   * image is resized with nearest neighbour into the cell, as `fit` says.
   */
  cellSize?: { width: number; height: number };
  /**
   * With `cellSize`: `'contain'` (default) scales each image by min(cellWidth / width, cellHeight / height)
   * (aspect ratio kept, up or down) and centres it in the cell; `'stretch'` resizes it to exactly the cell size.
   */
  fit?: 'contain' | 'stretch';
}

/** The keys of GridOptions. */
export const GRID_OPTION_KEYS = optionKeys<GridOptions>({ columns: true, padding: true, labels: true, rowLabels: true, background: true, labelColor: true, fontScale: true, cellSize: true, fit: true });
/** The keys of gridLayout's options (GridOptions without the colours). */
const GRID_LAYOUT_OPTION_KEYS = GRID_OPTION_KEYS.filter((k) => k !== 'background' && k !== 'labelColor');

/** Where `grid` puts things; returned by `gridLayout` so callers can add their own annotations. */
export interface GridLayout {
  width: number;
  height: number;
  columns: number;
  rows: number;
  cellWidth: number;
  cellHeight: number;
  /** Height of the label band above each cell (0 without labels). */
  labelHeight: number;
  /** Width of the row-label column (0 without row labels). */
  rowLabelWidth: number;
  /** Top-left corner of cell i (its label band starts here; the image area starts labelHeight below). */
  cell(i: number): { x: number; y: number };
}

/**
 * The geometry of a grid, without drawing (see `grid`); pass the image sizes and the same options.
 *
 * Cells are `options.cellSize`, or else the common size of the images (sizes that differ throw a
 * `SHAPE_MISMATCH`, as in `grid`). With padding p, label band L (7 * fontScale + 2 when
 * any label is non-empty, else 0) and row-label column R (widest row label + 2 * fontScale when row labels
 * are given, else 0): cell i = (row, col) = (floor(i / columns), i % columns) starts at
 * x = p + R + col * (cellWidth + p), y = p + row * (L + cellHeight + p), and the image area of the cell
 * starts L below that. width = p + R + columns * (cellWidth + p), height = p + rows * (L + cellHeight + p).
 *
 * @example
 * ```ts
 * gridLayout([{ width: 28, height: 28 }, { width: 28, height: 28 }], { padding: 2 }).cell(1); // { x: 32, y: 2 }
 * ```
 */
export function gridLayout(
  sizes: readonly { width: number; height: number }[],
  options: Omit<GridOptions, 'background' | 'labelColor'> = {},
): GridLayout {
  const fn = 'gridLayout';
  if (!Array.isArray(sizes) || sizes.length === 0) {
    fail('INVALID_ARGUMENT', `${fn}: sizes must be a non-empty array of { width, height }, got ${describe(sizes)}`);
  }
  sizes.forEach((sz, i) => {
    checkPositiveInt(fn, `sizes[${i}].width`, sz?.width);
    checkPositiveInt(fn, `sizes[${i}].height`, sz?.height);
  });
  checkOptions(fn, options, GRID_LAYOUT_OPTION_KEYS);
  return layout(fn, 'sizes', sizes, options);
}

/** `28x28` style formatting for messages. */
const fmtSize = (sz: { width: number; height: number }): string => `${sz.width}x${sz.height}`;

function layout(
  fn: string,
  what: string,
  sizes: readonly { width: number; height: number }[],
  options: GridOptions,
): GridLayout {
  const n = sizes.length;
  const cellSize = options.cellSize;
  let cellWidth: number;
  let cellHeight: number;
  if (cellSize !== undefined) {
    if (cellSize === null || typeof cellSize !== 'object') {
      fail('INVALID_ARGUMENT', `${fn}: options.cellSize must be { width, height } with positive integers, got ${describe(cellSize)}`);
    }
    checkOptions(fn, cellSize, ['width', 'height'], 'options.cellSize');
    cellWidth = checkPositiveInt(fn, 'options.cellSize.width', cellSize.width);
    cellHeight = checkPositiveInt(fn, 'options.cellSize.height', cellSize.height);
  } else {
    if (options.fit !== undefined) fail('INVALID_ARGUMENT', `${fn}: options.fit needs options.cellSize`);
    cellWidth = sizes[0].width;
    cellHeight = sizes[0].height;
    const k = sizes.findIndex((sz) => sz.width !== cellWidth || sz.height !== cellHeight);
    if (k >= 0) {
      fail(
        'SHAPE_MISMATCH',
        `${fn}: ${what}[${k}] is ${fmtSize(sizes[k])} (width x height) but ${what}[0] is ${fmtSize(sizes[0])}; ` +
          `images in a grid must all have the same size, or pass options.cellSize to resize them into equal cells`,
      );
    }
  }
  checkOneOf(fn, 'options.fit', options.fit ?? 'contain', ['contain', 'stretch']);
  const columns = checkPositiveInt(fn, 'options.columns', options.columns ?? n);
  const padding = checkNonNegativeInt(fn, 'options.padding', options.padding ?? 2);
  const s = checkPositiveInt(fn, 'options.fontScale', options.fontScale ?? 1);
  const rows = Math.ceil(n / columns);
  const labels = options.labels;
  if (labels !== undefined) {
    if (!Array.isArray(labels)) fail('INVALID_ARGUMENT', `${fn}: options.labels must be an array of strings, got ${describe(labels)}`);
    if (labels.length !== n) fail('SHAPE_MISMATCH', `${fn}: options.labels has ${labels.length} entries, expected ${n} (one per image)`);
    labels.forEach((l, i) => {
      if (l !== undefined && typeof l !== 'string') fail('INVALID_ARGUMENT', `${fn}: options.labels[${i}] must be a string, got ${describe(l)}`);
    });
  }
  const rowLabels = options.rowLabels;
  if (rowLabels !== undefined) {
    if (!Array.isArray(rowLabels)) fail('INVALID_ARGUMENT', `${fn}: options.rowLabels must be an array of strings, got ${describe(rowLabels)}`);
    if (rowLabels.length !== rows) fail('SHAPE_MISMATCH', `${fn}: options.rowLabels has ${rowLabels.length} entries, expected ${rows} (one per row)`);
    rowLabels.forEach((l, i) => {
      if (l !== undefined && typeof l !== 'string') fail('INVALID_ARGUMENT', `${fn}: options.rowLabels[${i}] must be a string, got ${describe(l)}`);
    });
  }
  const labelHeight = labels?.some((l) => l) ? textHeight(s) + 2 : 0;
  const widest = rowLabels ? Math.max(0, ...rowLabels.map((l) => textWidth(l ?? '', s))) : 0;
  const rowLabelWidth = widest > 0 ? widest + 2 * s : 0;
  return {
    width: padding + rowLabelWidth + columns * (cellWidth + padding),
    height: padding + rows * (labelHeight + cellHeight + padding),
    columns,
    rows,
    cellWidth,
    cellHeight,
    labelHeight,
    rowLabelWidth,
    cell: (i) => ({
      x: padding + rowLabelWidth + (i % columns) * (cellWidth + padding),
      y: padding + Math.floor(i / columns) * (labelHeight + cellHeight + padding),
    }),
  };
}

/**
 * Puts images side by side in rows and columns, with optional labels.
 *
 * Intuition: explanations are compared, not read alone: several explainers on one input, one explainer on
 * several inputs, or a latent traversal (rows = latent dimensions, columns = the values each dimension
 * is set to, `rowLabels` naming the dimensions). All images must have the same size, else a `VizError`
 * `SHAPE_MISMATCH` names the first one that differs; to mix sizes (a 7x7 Grad-CAM map next to a 28x28
 * digit, a heatmap next to its colorbar) pass `cellSize`, and each image is resized with nearest neighbour
 * into the cell (`fit: 'contain'`, the default, keeps its aspect ratio and centres it). Labels use a built-in 5x7 pixel font (digits, capitals — lowercase is drawn as
 * capitals — and `. , - + = : _ / ( ) [ ] % ? ! # ' " < > * |`), centred above the cell, clipped to it.
 * Images are composited over the background with their alpha.
 *
 * @example
 * ```ts
 * const sheet = grid([img, overlay(img, heat), maskTop(img, attr)], {
 *   labels: ['input', 'saliency', 'top 10%'],
 *   padding: 4,
 * });
 * // latent traversal: 3 dimensions x 5 values
 * const traversal = grid(decoded, { columns: 5, rowLabels: ['z0', 'z1', 'z2'] });
 * // mixed sizes: a 28x28 digit and a 7x7 Grad-CAM heatmap, both shown at 112x112
 * const pair = grid([digit, cam], { cellSize: { width: 112, height: 112 } });
 * ```
 */
export function grid(images: readonly RGBAImage[], options: GridOptions = {}): RGBAImage {
  const fn = 'grid';
  if (!Array.isArray(images)) fail('INVALID_ARGUMENT', `${fn}: images must be an array of RGBAImage, got ${describe(images)}`);
  if (images.length === 0) fail('INVALID_ARGUMENT', `${fn}: images must not be empty`);
  images.forEach((im, i) => checkImage(fn, `images[${i}]`, im));
  checkOptions(fn, options, GRID_OPTION_KEYS);
  const bg = parseColor(fn, 'options.background', options.background ?? [255, 255, 255]);
  const ink = options.labelColor
    ? parseColor(fn, 'options.labelColor', options.labelColor)
    : ((luma(bg[0], bg[1], bg[2]) >= 128 ? [0, 0, 0, 255] : [255, 255, 255, 255]) as [number, number, number, number]);
  const g = layout(fn, 'images', images, options);
  const s = options.fontScale ?? 1;
  const fit = options.fit ?? 'contain';

  const out = filled(g.width, g.height, bg);
  images.forEach((original, i) => {
    const { x, y } = g.cell(i);
    let im = original;
    if (options.cellSize) {
      if (fit === 'stretch') {
        im = resizeNearest(original, g.cellWidth, g.cellHeight);
      } else {
        const k = Math.min(g.cellWidth / original.width, g.cellHeight / original.height);
        const w = Math.min(g.cellWidth, Math.max(1, Math.round(original.width * k)));
        const h = Math.min(g.cellHeight, Math.max(1, Math.round(original.height * k)));
        im = resizeNearest(original, w, h);
      }
    }
    blit(out, im, x + Math.floor((g.cellWidth - im.width) / 2), y + g.labelHeight + Math.floor((g.cellHeight - im.height) / 2));
    const label = options.labels?.[i];
    if (label) {
      const tw = textWidth(label, s);
      const tx = tw <= g.cellWidth ? x + Math.floor((g.cellWidth - tw) / 2) : x;
      drawText(out, label, tx, y, ink, s, x + g.cellWidth);
    }
  });
  options.rowLabels?.forEach((label, r) => {
    if (!label) return;
    const y = g.cell(r * g.columns).y + g.labelHeight + Math.floor((g.cellHeight - textHeight(s)) / 2);
    const x = g.cell(r * g.columns).x - g.rowLabelWidth;
    drawText(out, label, x, y, ink, s, x + g.rowLabelWidth);
  });
  return out;
}
