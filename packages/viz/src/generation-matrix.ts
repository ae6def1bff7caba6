import type { MatrixPictureResult } from './attention-matrix.js';
import { resolveColormap, type Colormap, type ColormapName } from './colormap.js';
import { defaultColormaps } from './heatmap.js';
import { matrixImage, matrixSvg, type SideColumn } from './matrix-picture.js';
import { checkMatrixCommon, colourCells, MATRIX_COMMON_KEYS, type MatrixCommonOptions } from './matrix-common.js';
import type { ClipOption } from './normalize.js';
import { checkNumbers, checkOptionalString } from './token-common.js';
import { checkFiniteNumber, checkOptions, fail, optionKeys } from './validate.js';

export interface GenerationMatrixOptions extends MatrixCommonOptions {
  /** Row labels: the generated tokens, one per row; default the row indices. */
  rowLabels?: readonly string[];
  /** Column labels: the context tokens (prompt, then generated), one per column; default the column indices. */
  colLabels?: readonly string[];
  /**
   * The column of each generated token in the context: row i is explained by columns 0 .. positions[i] - 1,
   * and the cells from positions[i] on are drawn empty (grey; their values are ignored, NaN allowed). Integers
   * in 1..cols. Default cols - rows + i: the generated tokens are the last `rows` columns of the context.
   */
  positions?: ArrayLike<number>;
  /** The probability of each generated token at its step, in [0, 1]: a number and a bar beside the row. */
  probabilities?: ArrayLike<number>;
  /** The entropy (nats) of each step's next-token distribution, >= 0: a number and a bar beside the row. */
  entropies?: ArrayLike<number>;
  /** The entropy that fills a whole bar (e.g. ln(vocabulary size)); default the largest of `entropies`. */
  maxEntropy?: number;
  /** Where the colours saturate: `{ percentile: 100 }` (default, the largest |score| drawn) or `{ value: B }`. */
  clip?: ClipOption;
  /** Diverging colormap name or LUT; default `'RdBu_r'` (negative blue, 0 near-white, positive red). */
  colormap?: ColormapName | Colormap;
  /** Text in the corner above the row labels; default 'generated' ('' for none). */
  rowTitle?: string;
  /** Text above the column labels; default 'context' ('' for none). */
  colTitle?: string;
}

/** The keys of GenerationMatrixOptions. */
export const GENERATION_MATRIX_OPTION_KEYS = optionKeys<GenerationMatrixOptions>({
  ...MATRIX_COMMON_KEYS,
  rowLabels: true,
  colLabels: true,
  positions: true,
  probabilities: true,
  entropies: true,
  maxEntropy: true,
  clip: true,
  colormap: true,
  rowTitle: true,
  colTitle: true,
});

/**
 * The attribution matrix of a generated continuation: row i is the i-th generated token, column j a context
 * token (prompt and generated), and the cell is how much context token j contributed to generating token i,
 * signed (red for, blue against). Each row only has the tokens before its own position; the rest of the row
 * is empty (grey). Beside each row: the probability the model gave the generated token and the entropy of
 * its next-token distribution at that step, as numbers and small bars (as inseq shows them), so a reader
 * sees where the model was sure and where it hesitated.
 *
 * Colours are symmetric around 0 over the drawn cells: t = 0.5 + 0.5 * clamp(v / B, -1, 1) with
 * B = max |v| (or `clip`).
 *
 * @param values rows*cols scores, row-major: finite in the drawn cells, anything in the empty ones.
 * @param shape `[generated, context]`.
 * @param options rowLabels, colLabels, positions, probabilities, entropies, maxEntropy, clip
 *   ({ percentile: 100 }), colormap ('RdBu_r'), rowTitle ('generated'), colTitle ('context'), title,
 *   colorbar (true), cellSize (20), fontSize (12), fontScale (2), maxLabelLength (12).
 * @example
 * ```ts
 * // prompt 'ma', generated 'ry': context columns m a r y; 'r' is explained by m a, 'y' by m a r
 * const { svg, image } = generationMatrix(scores, [2, 4], {
 *   rowLabels: ['r', 'y'],
 *   colLabels: ['m', 'a', 'r', 'y'],
 *   probabilities: [0.61, 0.34],
 *   entropies: [1.2, 2.0],
 * });
 * ```
 */
export function generationMatrix(
  values: ArrayLike<number>,
  shape: readonly [number, number],
  options: GenerationMatrixOptions = {},
): MatrixPictureResult {
  const fn = 'generationMatrix';
  checkOptions(fn, options, GENERATION_MATRIX_OPTION_KEYS);
  const common = checkMatrixCommon(fn, values, shape, options, 'the generated tokens', 'the context tokens');
  const [rows, cols] = common.shape;
  const rowTitle = checkOptionalString(fn, 'options.rowTitle', options.rowTitle) ?? 'generated';
  const colTitle = checkOptionalString(fn, 'options.colTitle', options.colTitle) ?? 'context';
  const cmap = resolveColormap(fn, 'options.colormap', options.colormap ?? defaultColormaps.signed);

  let positions: number[];
  if (options.positions === undefined) {
    positions = Array.from({ length: rows }, (_, i) => cols - rows + i);
    if (positions[0] < 1) {
      fail(
        'INVALID_ARGUMENT',
        `${fn}: shape [${rows}, ${cols}] leaves generated token 0 no context token before it with the default options.positions (cols - rows + i = ${positions[0]}); ` +
          'expected cols > rows, or pass options.positions',
      );
    }
  } else {
    const given = checkNumbers(fn, 'options.positions', options.positions, rows, `one per generated token, shape[0] = ${rows}`);
    positions = Array.from(given, (p, i) => {
      if (!Number.isInteger(p) || p < 1 || p > cols) {
        fail('INVALID_ARGUMENT', `${fn}: options.positions[${i}] is ${p}; expected an integer in 1..${cols} (the generated token's column; at least one context token before it)`);
      }
      return p;
    });
  }

  const side: SideColumn[] = [];
  if (options.probabilities !== undefined) {
    const p = checkNumbers(fn, 'options.probabilities', options.probabilities, rows, `one per generated token, shape[0] = ${rows}`);
    for (let i = 0; i < rows; i++) {
      if (!Number.isFinite(p[i])) fail('NON_FINITE', `${fn}: options.probabilities[${i}] is ${p[i]}; expected a finite probability in [0, 1]`);
      if (p[i] < 0 || p[i] > 1) fail('INVALID_ARGUMENT', `${fn}: options.probabilities[${i}] is ${p[i]}; expected a probability in [0, 1]`);
    }
    side.push({ name: 'probability', header: 'p', values: p, fractions: p, color: '#4c78a8', rgb: [76, 120, 168] });
  }
  if (options.entropies !== undefined) {
    const h = checkNumbers(fn, 'options.entropies', options.entropies, rows, `one per generated token, shape[0] = ${rows}`);
    for (let i = 0; i < rows; i++) {
      if (!Number.isFinite(h[i])) fail('NON_FINITE', `${fn}: options.entropies[${i}] is ${h[i]}; expected a finite entropy >= 0 (nats)`);
      if (h[i] < 0) fail('INVALID_ARGUMENT', `${fn}: options.entropies[${i}] is ${h[i]}; expected an entropy >= 0 (nats)`);
    }
    let maxH = Math.max(...Array.from(h));
    if (options.maxEntropy !== undefined) {
      maxH = checkFiniteNumber(fn, 'options.maxEntropy', options.maxEntropy);
      if (!(maxH > 0)) fail('INVALID_ARGUMENT', `${fn}: options.maxEntropy must be > 0, got ${maxH}`);
    }
    const fractions = Array.from(h, (v) => (maxH > 0 ? Math.min(1, v / maxH) : 0));
    side.push({ name: 'entropy', header: 'H', values: h, fractions, color: '#f58518', rgb: [245, 133, 24] });
  } else if (options.maxEntropy !== undefined) {
    fail('INVALID_ARGUMENT', `${fn}: options.maxEntropy needs options.entropies`);
  }

  const { lut, scale } = colourCells(fn, values, [rows, cols], (i, j) => j < positions[i], { mode: 'signed', clip: options.clip });
  const spec = {
    ...common.picture,
    values,
    lutIndex: lut,
    emptyClass: 'empty',
    rowTitle: rowTitle || undefined,
    colTitle: colTitle || undefined,
    side,
    cmap,
    scale,
  };
  return { svg: matrixSvg(spec), image: matrixImage(spec), scale: { ...scale, colormap: cmap.name } };
}
