import { resolveColormap, type Colormap, type ColormapName } from './colormap.js';
import type { HeatmapScale } from './heatmap.js';
import type { RGBAImage } from './image.js';
import { matrixImage, matrixSvg } from './matrix-picture.js';
import { type ClipOption } from './normalize.js';
import { checkMatrixCommon, colourCells, type MatrixCommonOptions, MATRIX_COMMON_KEYS } from './matrix-common.js';
import { checkBoolean, checkOptionalString } from './token-common.js';
import { checkOptions, fail, optionKeys } from './validate.js';

export interface AttentionMatrixOptions extends MatrixCommonOptions {
  /** Row labels: the query tokens, one per row; default the row indices. */
  rowLabels?: readonly string[];
  /** Column labels: the key tokens, one per column; default the column indices. */
  colLabels?: readonly string[];
  /** Where the colours saturate: `{ percentile: 100 }` (default, the largest weight) or `{ value: B }` (e.g. 1). */
  clip?: ClipOption;
  /** Sequential colormap name or LUT; default `'blues'` (0 white, the largest weight dark blue). */
  colormap?: ColormapName | Colormap;
  /**
   * Shade the cells a causal (decoder) model cannot attend to: cell (i, j) is drawn grey when
   * j - i > cols - rows (for a square matrix: a key after the query). Their values are not drawn, not
   * checked and not part of the scale. Default false.
   */
  causal?: boolean;
  /** Text in the corner above the row labels; default 'query' ('' for none). */
  rowTitle?: string;
  /** Text above the column labels; default 'key' ('' for none). */
  colTitle?: string;
}

/** The keys of AttentionMatrixOptions. */
export const ATTENTION_MATRIX_OPTION_KEYS = optionKeys<AttentionMatrixOptions>({
  ...MATRIX_COMMON_KEYS,
  rowLabels: true,
  colLabels: true,
  clip: true,
  colormap: true,
  causal: true,
  rowTitle: true,
  colTitle: true,
});

/** What the matrix pictures return. */
export interface MatrixPictureResult {
  /** SVG string: one `<rect class="cell">` per cell (row-major, with data-row / data-col and a tooltip). */
  svg: string;
  /** The same picture as an RGBA image drawn with the bitmap font (`toPNG(image)` gives PNG bytes). */
  image: RGBAImage;
  /** The value range the colours stand for and the colormap name, as `heatmap` returns it. */
  scale: HeatmapScale;
}

/**
 * An attention matrix with token labels on both axes: row i is a query token, column j a key token, and
 * the cell's colour is how much query i attends to key j (one head of one layer, a mean over heads, or an
 * attention rollout).
 *
 * Intuition: each row of a softmax attention matrix is a distribution over the keys; the picture shows
 * where each token looks. Colours are sequential from 0 (white) to B = the largest weight (or `clip`):
 * t = min(w / B, 1). Attention weights are not by themselves an explanation of the output (Jain & Wallace
 * 2019, arXiv:1902.10186); compare them with attributions.
 *
 * @param values rows*cols non-negative finite weights, row-major (e.g. a `Float32Array` slice of an
 *   `[N, H, T, T]` attention tensor for one batch item and head).
 * @param shape `[rows, cols]` = [queries, keys].
 * @param options rowLabels, colLabels, clip ({ percentile: 100 }), colormap ('blues'), causal (false),
 *   rowTitle ('query'), colTitle ('key'), title, colorbar (true), cellSize (20), fontSize (12),
 *   fontScale (2), maxLabelLength (12).
 * @example
 * ```ts
 * const tokens = ['<s>', 'm', 'a', 'r'];
 * const { svg, image } = attentionMatrix(weights, [4, 4], { rowLabels: tokens, colLabels: tokens, causal: true });
 * ```
 */
export function attentionMatrix(
  values: ArrayLike<number>,
  shape: readonly [number, number],
  options: AttentionMatrixOptions = {},
): MatrixPictureResult {
  const fn = 'attentionMatrix';
  checkOptions(fn, options, ATTENTION_MATRIX_OPTION_KEYS);
  const common = checkMatrixCommon(fn, values, shape, options, 'the query tokens', 'the key tokens');
  const [rows, cols] = common.shape;
  const causal = checkBoolean(fn, 'options.causal', options.causal, false);
  const rowTitle = checkOptionalString(fn, 'options.rowTitle', options.rowTitle) ?? 'query';
  const colTitle = checkOptionalString(fn, 'options.colTitle', options.colTitle) ?? 'key';
  const cmap = resolveColormap(fn, 'options.colormap', options.colormap ?? 'blues');
  const valid = (i: number, j: number): boolean => !causal || j - i <= cols - rows;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = values[i * cols + j];
      if (valid(i, j) && v < 0) {
        fail('INVALID_ARGUMENT', `${fn}: values[${i * cols + j}] is ${v} (at [${i}, ${j}]); expected non-negative attention weights`);
      }
    }
  }
  const { lut, scale } = colourCells(fn, values, [rows, cols], valid, { mode: 'positive', clip: options.clip });
  const spec = {
    ...common.picture,
    values,
    lutIndex: lut,
    emptyClass: 'masked',
    rowTitle: rowTitle || undefined,
    colTitle: colTitle || undefined,
    side: [],
    cmap,
    scale,
  };
  return { svg: matrixSvg(spec), image: matrixImage(spec), scale: { ...scale, colormap: cmap.name } };
}
