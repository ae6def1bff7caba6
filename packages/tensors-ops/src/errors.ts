/**
 * The one error type of Glassbox. Every public function checks its arguments first and throws (or rejects
 * with) a `GlassboxError` whose `code` says what kind of problem it is and whose message names the argument,
 * what was expected and what came.
 */
export type GlassboxErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'NON_FINITE'
  | 'TARGET_OUT_OF_RANGE'
  | 'ABORTED'
  | 'BAD_WEIGHTS'
  | 'BACKEND_UNAVAILABLE'
  | 'OUT_OF_MEMORY';

export const ERROR_CODES: readonly GlassboxErrorCode[] = [
  'INVALID_ARGUMENT',
  'SHAPE_MISMATCH',
  'NON_FINITE',
  'TARGET_OUT_OF_RANGE',
  'ABORTED',
  'BAD_WEIGHTS',
  'BACKEND_UNAVAILABLE',
  'OUT_OF_MEMORY',
];

export class GlassboxError extends Error {
  readonly code: GlassboxErrorCode;

  constructor(code: GlassboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GlassboxError';
    this.code = code;
  }
}

/** True when `e` is a GlassboxError (optionally with the given code), also across duplicated module copies. */
export function isGlassboxError(e: unknown, code?: GlassboxErrorCode): e is GlassboxError {
  if (e == null || typeof e !== 'object') return false;
  const err = e as { name?: unknown; code?: unknown };
  return err.name === 'GlassboxError' && typeof err.code === 'string' && (code === undefined || err.code === code);
}

/** A short, readable description of any value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '...' : value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return value.length <= 8 ? `[${value.map(describe).join(', ')}]` : `an array of length ${value.length}`;
  if (typeof value === 'object') {
    const v = value as { shape?: unknown; dtype?: unknown };
    if (Array.isArray(v.shape) && typeof v.dtype === 'string') return `a ${v.dtype} tensor of shape [${v.shape.join(', ')}]`;
    if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
    return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  }
  return typeof value;
}

/** The error thrown when an AbortSignal fires. */
export function abortError(where: string): GlassboxError {
  return new GlassboxError('ABORTED', `${where}: aborted by the caller's AbortSignal`);
}

/** Throws GlassboxError('ABORTED') when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted) throw abortError(where);
}
