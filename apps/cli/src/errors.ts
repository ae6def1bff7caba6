/**
 * Errors and exit codes of the CLI.
 *
 * Exit codes: 0 ok, 1 failure (something went wrong while working: corrupt weights, an unwritable folder, a
 * bug), 2 bad usage (an unknown model or method, an unreadable input, a target out of range, a bad option).
 * A GlassboxError maps by its code: INVALID_ARGUMENT, SHAPE_MISMATCH, TARGET_OUT_OF_RANGE and NON_FINITE are
 * bad input (2); ABORTED, BAD_WEIGHTS and BACKEND_UNAVAILABLE are failures (1).
 */

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** GlassboxError codes that mean "the input or the options were bad" (exit code 2). */
export const USAGE_ERROR_CODES: readonly string[] = ['INVALID_ARGUMENT', 'SHAPE_MISMATCH', 'TARGET_OUT_OF_RANGE', 'NON_FINITE'];

/** An error the CLI raises itself, with the exit code it ends with. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT_USAGE, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A bad-usage error (exit code 2). */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}

/** A failure (exit code 1). */
export function failure(message: string, cause?: unknown): CliError {
  return new CliError(message, EXIT_FAILURE, cause === undefined ? undefined : { cause });
}

/** The code of a GlassboxError (duck-typed, so no package has to be loaded), else null. */
export function glassboxCode(e: unknown): string | null {
  if (e == null || typeof e !== 'object') return null;
  const err = e as { name?: unknown; code?: unknown };
  return err.name === 'GlassboxError' && typeof err.code === 'string' ? err.code : null;
}

/** The exit code an error ends the program with. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof CliError) return e.exitCode;
  const code = glassboxCode(e);
  if (code !== null) return USAGE_ERROR_CODES.includes(code) ? EXIT_USAGE : EXIT_FAILURE;
  return EXIT_FAILURE;
}

/** One line: the message with newlines folded, prefixed by the GlassboxError code when there is one. */
export function oneLine(e: unknown): string {
  let message: string;
  if (e instanceof Error) message = e.message;
  else message = String(e);
  const code = glassboxCode(e);
  const text = message.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
  return code !== null ? `${code}: ${text}` : text;
}
