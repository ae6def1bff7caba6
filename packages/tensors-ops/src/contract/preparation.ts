/**
 * The work an explainer does before its first batch (drawing coalitions, orders or noise, computing quadrature
 * nodes): bounded in memory, and cooperative, so that it never holds the event loop for long and an abort lands
 * during it as it does between batches.
 */
import { GlassboxError, describe, throwIfAborted } from '../errors.js';
import { yieldToEventLoop } from './map-batches.js';

/**
 * The most memory, in bytes, that an explainer's bookkeeping for one call may take: the arrays it sizes from its
 * options before any model call (coalitions, orders, draws, quadrature rules, the scores of every model row).
 * 256 MiB: far more than any useful setting needs, and a size every JavaScript engine can allocate.
 */
export const MAX_PLAN_BYTES = 256 * 1024 * 1024;

/**
 * The largest value of a size option whose bookkeeping, at `bytesPerUnit` bytes per unit, fits MAX_PLAN_BYTES
 * (at least 0).
 */
export function maxPlanUnits(bytesPerUnit: number): number {
  return Math.max(0, Math.floor(MAX_PLAN_BYTES / Math.max(bytesPerUnit, 1e-300)));
}

/**
 * Refuses a size option whose bookkeeping would exceed MAX_PLAN_BYTES, before anything is allocated, with an
 * INVALID_ARGUMENT that names the option, the largest value that fits here and the limit. `context` says what
 * the cost per unit depends on (e.g. " for 12 feature groups and 3 rows of x").
 *
 * @example
 * ```ts
 * assertPlanSize(samples, m + 8 * n, 'options.samples', 'kernelShap', ` for ${m} feature groups`);
 * ```
 */
export function assertPlanSize(value: number, bytesPerUnit: number, name: string, where: string, context = ''): void {
  const max = maxPlanUnits(bytesPerUnit);
  if (value > max) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be at most ${max}${context}, got ${describe(value)} (about ${Math.ceil(bytesPerUnit)} bytes of ` +
        `bookkeeping each; an explainer's bookkeeping is limited to ${MAX_PLAN_BYTES / 1024 / 1024} MiB, MAX_PLAN_BYTES)`,
    );
  }
}

/**
 * A checkpoint for long synchronous work: call it every few hundred items. It throws GlassboxError ABORTED when
 * `signal` has fired, and once about `sliceMs` of work went by since the last pause it returns a promise that
 * gives the event loop a turn (so that a timer's abort, a message or a UI event can land) and then checks the
 * signal again; otherwise it returns undefined at once. When it pauses never changes what is computed.
 */
export type Pace = () => Promise<void> | undefined;

/** Makes a Pace for one call (default slice 8 ms). */
export function createPace(signal: AbortSignal | undefined, where: string, sliceMs = 8): Pace {
  const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
  let last = now();
  return () => {
    throwIfAborted(signal, where);
    if (now() - last < sliceMs) return undefined;
    return yieldToEventLoop().then(() => {
      last = now();
      throwIfAborted(signal, where);
    });
  };
}

/**
 * Work written as a generator that yields between chunks (every few hundred items): `runSteps` runs it to the
 * end at once (the synchronous form), `runStepsPaced` pauses at its yields when `pace` asks.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs stepwise work to its end synchronously and returns its result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/** Runs stepwise work, calling `pace` at each of its yields (and before it starts); resolves to its result. */
export async function runStepsPaced<T>(steps: Steps<T>, pace: Pace): Promise<T> {
  for (;;) {
    const pause = pace();
    if (pause !== undefined) await pause;
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}
