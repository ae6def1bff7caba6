/**
 * What every command gets from the program: where to write, whether to draw a progress bar, machine output,
 * and the backend set-up.
 */
import type { Progress } from './progress.js';
import { usageError } from './errors.js';

export interface CliIo {
  /** Writes to stdout (results, or one JSON document with --json). */
  out(text: string): void;
  /** Writes to stderr (warnings, progress). */
  err(text: string): void;
  /** The progress bar (silent unless stderr is a terminal and --json is off). */
  progress: Progress;
  /** --json: machine output on stdout, no progress bar. */
  json: boolean;
}

export type BackendChoice = 'wasm' | 'cpu';
export const BACKENDS: readonly BackendChoice[] = ['wasm', 'cpu'];

/**
 * Starts TensorFlow.js on the backend asked for (default: $GLASSBOX_BACKEND, else wasm with SIMD; falls back
 * to cpu with one warning line on stderr).
 */
export async function setupBackend(backend: string | undefined, io: CliIo): Promise<{ backend: string; simd: boolean; threads: number }> {
  if (backend !== undefined && !(BACKENDS as string[]).includes(backend)) {
    throw usageError(`--backend must be wasm or cpu, got '${backend}'`);
  }
  const { initBackend } = await import('@glassbox/tensors-ops');
  const info = await initBackend({ ...(backend !== undefined ? { backend: backend as BackendChoice } : {}), warn: (m) => io.err(m + '\n') });
  return { backend: info.backend, simd: info.simd, threads: info.threads };
}

/** Milliseconds since `t0`, rounded to 0.1 ms. */
export function since(t0: number): number {
  return Math.round((performance.now() - t0) * 10) / 10;
}
