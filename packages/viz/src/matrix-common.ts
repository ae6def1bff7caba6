// Argument checks and cell colouring shared by attentionMatrix and generationMatrix. Internal.
import { lutIndex } from './colormap.js';
import { normalizeUnchecked, resolveNormalizeOptions, type NormalizeMode, type NormalizeScale } from './normalize.js';
import { checkBoolean, checkOptionalString, checkTokens } from './token-common.js';
import { checkPositiveInt, checkShape2D, checkValues, describe, fail } from './validate.js';

/** Options every matrix picture takes. */
export interface MatrixCommonOptions {
  /** One label per row; default the row indices. */
  rowLabels?: readonly string[];
  /** One label per column; default the column indices. */
  colLabels?: readonly string[];
  /** A title above the picture (and the `<title>` of the SVG). */
  title?: string;
  /** Draw a horizontal colorbar under the matrix; default true. */
  colorbar?: boolean;
  /** Side of a cell in px, SVG and PNG; default 20. */
  cellSize?: number;
  /** Font size in px of the SVG; default 12 (labels in monospace). */
  fontSize?: number;
  /** Integer scale of the 5x7 bitmap font of the PNG picture; default 2. */
  fontScale?: number;
  /** Labels longer than this many characters are cut and end with '…'; default 12. */
  maxLabelLength?: number;
}

export const MATRIX_COMMON_KEYS = {
  rowLabels: true,
  colLabels: true,
  title: true,
  colorbar: true,
  cellSize: true,
  fontSize: true,
  fontScale: true,
  maxLabelLength: true,
} as const;

export function checkMatrixCommon(
  fn: string,
  values: unknown,
  shape: unknown,
  options: MatrixCommonOptions,
  rowWhat: string,
  colWhat: string,
): {
  shape: [number, number];
  picture: {
    rows: number;
    cols: number;
    rowLabels: string[];
    colLabels: string[];
    title?: string;
    colorbar: boolean;
    cellSize: number;
    fontSize: number;
    fontScale: number;
    maxLabelLength: number;
  };
} {
  const [rows, cols] = checkShape2D(fn, 'shape', shape);
  const v = checkValues(fn, 'values', values, rows * cols, [rows, cols]);
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'number') fail('INVALID_ARGUMENT', `${fn}: values[${i}] must be a number, got ${describe(v[i])}`);
  }
  const labels = (name: string, given: unknown, n: number, what: string): string[] =>
    given === undefined
      ? Array.from({ length: n }, (_, i) => String(i))
      : checkTokens(fn, name, given, { length: n, what: `shape[${name === 'options.rowLabels' ? 0 : 1}] = ${n}, ${what}` });
  return {
    shape: [rows, cols],
    picture: {
      rows,
      cols,
      rowLabels: labels('options.rowLabels', options.rowLabels, rows, rowWhat),
      colLabels: labels('options.colLabels', options.colLabels, cols, colWhat),
      title: checkOptionalString(fn, 'options.title', options.title),
      colorbar: checkBoolean(fn, 'options.colorbar', options.colorbar, true),
      cellSize: checkPositiveInt(fn, 'options.cellSize', options.cellSize ?? 20),
      fontSize: checkPositiveInt(fn, 'options.fontSize', options.fontSize ?? 12),
      fontScale: checkPositiveInt(fn, 'options.fontScale', options.fontScale ?? 2),
      maxLabelLength: checkPositiveInt(fn, 'options.maxLabelLength', options.maxLabelLength ?? 12),
    },
  };
}

/**
 * Checks that the valid cells are finite (NON_FINITE naming the index otherwise), normalizes them (only them)
 * and returns each cell's LUT entry (-1 for a cell that is not valid) and the scale.
 */
export function colourCells(
  fn: string,
  values: ArrayLike<number>,
  [rows, cols]: [number, number],
  valid: (i: number, j: number) => boolean,
  options: { mode: NormalizeMode; clip: unknown },
): { lut: Int16Array; scale: NormalizeScale } {
  const norm = resolveNormalizeOptions(fn, { mode: options.mode, clip: options.clip ?? { percentile: 100 } });
  const idx: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (!valid(i, j)) continue;
      const k = i * cols + j;
      if (!Number.isFinite(values[k])) {
        fail('NON_FINITE', `${fn}: values[${k}] is ${values[k]} (at [${i}, ${j}] for shape [${rows}, ${cols}]); expected finite numbers in the cells that are drawn`);
      }
      idx.push(k);
    }
  }
  const lut = new Int16Array(rows * cols).fill(-1);
  if (idx.length === 0) return { lut, scale: { mode: norm.mode, min: 0, max: 0 } };
  const { values: t, scale } = normalizeUnchecked(
    idx.map((k) => values[k]),
    norm,
  );
  idx.forEach((k, n) => {
    lut[k] = lutIndex(t[n]);
  });
  return { lut, scale };
}
