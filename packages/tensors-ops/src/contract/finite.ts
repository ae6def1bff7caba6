/**
 * Finiteness of what a model returned and of what an explainer computed from it. A model whose weights or
 * inputs are large enough to overflow float32 (or that divides by zero) returns ±Infinity or NaN, and every
 * attribution computed from such outputs is Infinity or NaN as well: a number that looks like an answer but
 * is none. These checks run on values the explainers read anyway (target scores, gradients, the float64 sums
 * they build), so they cost one pass over numbers already in JavaScript memory, never a model call.
 */
import { GlassboxError, describe } from '../errors.js';

/** Where checked values came from, for the message. */
export interface FiniteRowsInfo {
  /** Values per evaluated row (default 1). */
  rowSize?: number;
  /** Index of the first row of `values` among all rows the call evaluated (default 0). */
  start?: number;
  /**
   * The row of the input that evaluated row j (counted from the call's first evaluated row) was made from, e.g.
   * the row of x a perturbed copy or a path point belongs to. Default: j itself.
   */
  rowOf?: (j: number) => number;
  /** The input those rows belong to (default 'x'). */
  input?: string;
}

/** The most rows a message lists. */
const LISTED_ROWS = 8;

function rowList(rows: number[], more: number): string {
  return rows.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/**
 * The first non-finite value of `values` (row-major, `rowSize` per row) and the distinct input rows that have
 * one, or null when every value is finite. `pick(i)` limits the check of the i-th row of `values` to one element.
 */
function findNonFinite(
  values: ArrayLike<number>,
  info: FiniteRowsInfo,
  pick?: (j: number) => number,
): { value: number; row: number; element: number; i: number; rows: number[]; more: number } | null {
  const rowSize = info.rowSize ?? 1;
  const start = info.start ?? 0;
  const rowOf = info.rowOf ?? ((j: number) => j);
  const count = rowSize === 0 ? 0 : Math.floor(values.length / rowSize);
  let first: { value: number; row: number; element: number; i: number } | null = null;
  const rows = new Set<number>();
  for (let i = 0; i < count; i++) {
    const base = i * rowSize;
    const from = pick === undefined ? 0 : pick(i);
    const to = pick === undefined ? rowSize : from + 1;
    for (let e = from; e < to; e++) {
      const v = values[base + e]!;
      // v - v is 0 for every finite number and NaN for ±Infinity and NaN: one test, no call.
      if (v - v !== 0) {
        const row = rowOf(start + i);
        if (first === null) first = { value: v, row, element: e, i };
        rows.add(row);
        break;
      }
    }
  }
  if (first === null) return null;
  const listed = [...rows].sort((a, b) => a - b).slice(0, LISTED_ROWS);
  return { ...first, rows: listed, more: rows.size - listed.length };
}

function rowsPhrase(found: { row: number; rows: number[]; more: number }, input: string): string {
  if (found.rows.length === 1) return `row ${found.row} of ${input}`;
  return `row ${found.row} of ${input} (non-finite on rows ${rowList(found.rows, found.more)} of ${input})`;
}

/** What a non-finite model output usually means, and what to do. */
const OUTPUT_HINT = 'the model overflows float32 or divides by zero (look at its weights and at the scale of its input)';

/** Options of the model-output checks. */
export interface FiniteOutputInfo extends Omit<FiniteRowsInfo, 'rowSize'> {
  /** The model in messages (default 'f'). */
  name?: string;
  /**
   * The output column of each row of the checked values (columns[i] for their i-th row), or one column for
   * all; omit when the model returns one value per row.
   */
  columns?: ArrayLike<number> | number;
}

function columnOf(columns: ArrayLike<number> | number | undefined, i: number): number | null {
  if (columns === undefined) return null;
  return typeof columns === 'number' ? columns : columns[i]!;
}

function outputError(where: string, info: FiniteOutputInfo, found: { value: number; row: number; rows: number[]; more: number }, column: number | null): GlassboxError {
  const name = info.name ?? 'f';
  const col = column === null ? '' : ` column ${column}`;
  return new GlassboxError(
    'NON_FINITE',
    `${where}: ${name} must return finite outputs, got ${describe(found.value)} in output${col} for ${rowsPhrase(found, info.input ?? 'x')}; ${OUTPUT_HINT}`,
  );
}

/**
 * Checks the target scores a model gave, one per evaluated row, as already read from a batch (e.g. the
 * selected column of each row), and throws NON_FINITE naming the model, the output column, the rows of the
 * input and the first bad value when one is ±Infinity or NaN.
 *
 * @param scores one value per evaluated row.
 * @param where the public function's name.
 * @param info `name` (default 'f'), `columns` (for the message), `start`, `rowOf`, `input` (default 'x').
 * @throws GlassboxError NON_FINITE.
 *
 * @example
 * ```ts
 * assertFiniteScores(await scores.data(), 'saliency', { columns: targets, start });
 * ```
 */
export function assertFiniteScores(scores: ArrayLike<number>, where: string, info: FiniteOutputInfo = {}): void {
  const found = findNonFinite(scores, info);
  if (found === null) return;
  throw outputError(where, info, found, columnOf(info.columns, found.i));
}

/**
 * Checks the outputs of a model, as already read from one batch, and throws NON_FINITE naming the model, the
 * output column, the rows of the input and the first bad value when one is ±Infinity or NaN.
 *
 * Only the entries an explainer uses are checked: with `columns`, the target column of each evaluated row
 * (so a model whose other columns hold -Infinity, e.g. log-probabilities of impossible classes, can still be
 * explained on a finite column); without, every entry.
 *
 * @param values the output of one batch, row-major: [rows] or [rows, K].
 * @param shape its shape.
 * @param where the public function's name.
 * @param info `name` (default 'f'), `columns`, `start`, `rowOf`, `input` (default 'x').
 * @throws GlassboxError NON_FINITE.
 *
 * @example
 * ```ts
 * assertFiniteOutput(await out.data(), out.shape, 'occlusion', { columns: targets, start, rowOf: (j) => plan.inputOf(j) });
 * ```
 */
export function assertFiniteOutput(values: ArrayLike<number>, shape: readonly number[], where: string, info: FiniteOutputInfo = {}): void {
  const rows = shape[0] ?? 0;
  const k = rows === 0 ? 0 : values.length / rows;
  const cols = info.columns;
  const pick = cols === undefined || k <= 1 ? undefined : (i: number) => columnOf(cols, i)!;
  const found = findNonFinite(values, { ...info, rowSize: k }, pick);
  if (found === null) return;
  throw outputError(where, info, found, k > 1 ? found.element : null);
}

/**
 * Checks values computed per evaluated row (gradients, attributions, float64 sums) and throws NON_FINITE
 * naming `what`, the rows of the input, the element and the first bad value when one is ±Infinity or NaN.
 *
 * @param values row-major, `info.rowSize` values per evaluated row.
 * @param where the public function's name.
 * @param what what the values are, e.g. "the gradient of f's target output with respect to x".
 * @param info `rowSize`, `start`, `rowOf`, `input` (see FiniteRowsInfo) and `hint` (what it means).
 * @throws GlassboxError NON_FINITE.
 */
export function assertFiniteRows(
  values: ArrayLike<number>,
  where: string,
  what: string,
  info: FiniteRowsInfo & { hint?: string } = {},
): void {
  const found = findNonFinite(values, info);
  if (found === null) return;
  const element = (info.rowSize ?? 1) > 1 ? ` at element ${found.element}` : '';
  const hint = info.hint ?? OUTPUT_HINT;
  throw new GlassboxError(
    'NON_FINITE',
    `${where}: ${what} must be finite, got ${describe(found.value)}${element} for ${rowsPhrase(found, info.input ?? 'x')}; ${hint}`,
  );
}
