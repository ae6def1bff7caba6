/**
 * Test helpers for Glassbox packages (the `@glassbox/tensors-ops/testing` export): run a suite on every
 * backend, and assert that a piece of code leaves `tf.memory().numTensors` as it found it.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { initBackend, type BackendName } from '../backend.js';
import { isGlassboxError, type GlassboxErrorCode } from '../errors.js';
import { poolable } from '../pool/model.js';

export const BACKENDS: readonly BackendName[] = ['cpu', 'wasm'];

/**
 * Declares the suite `fn` once per backend ('cpu' and 'wasm' by default); each copy starts its backend in
 * beforeAll (no fallback: a backend that cannot start fails the suite).
 */
export function describeBackends(name: string, fn: (backend: BackendName) => void, backends: readonly BackendName[] = BACKENDS): void {
  for (const backend of backends) {
    describe(`${name} [${backend}]`, () => {
      let previous: string | null = null;
      beforeAll(async () => {
        previous = tf.getBackend() ?? null;
        await initBackend({ backend, fallback: false });
      });
      afterAll(async () => {
        if (previous !== null && previous !== backend) await tf.setBackend(previous);
      });
      fn(backend);
    });
  }
}

/**
 * Runs `fn` and asserts that the number of live tensors is the same afterwards. `fn` must dispose what it
 * receives (e.g. the attributions of an explainer). Returns fn's result.
 */
export async function expectNoLeaks<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  expect(after, `tensors leaked: ${after - before}`).toBe(before);
  return result;
}

/**
 * Asserts that `fn` throws or rejects with a GlassboxError of `code` (and, optionally, a message matching
 * `message`) and that no tensor leaked. Returns the error.
 */
export async function expectGlassboxError(
  fn: () => unknown,
  code: GlassboxErrorCode,
  message?: RegExp | string,
): Promise<Error> {
  const before = tf.memory().numTensors;
  let caught: unknown = undefined;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  const after = tf.memory().numTensors;
  expect(caught, `expected a GlassboxError ${code}, but nothing was thrown`).toBeDefined();
  expect(isGlassboxError(caught), `expected a GlassboxError, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code, (caught as Error).message).toBe(code);
  if (message !== undefined) expect((caught as Error).message).toMatch(message);
  expect(after, `tensors leaked on error: ${after - before}`).toBe(before);
  return caught as Error;
}

/**
 * Asserts that `run(options)` refuses a misspelt option key instead of ignoring it: a GlassboxError
 * INVALID_ARGUMENT whose message names the key and suggests the intended one ("unknown key 'stpes' in options
 * (did you mean 'steps'?)"), with no tensor leaked. `run` gets `{ [typo]: value }` merged over `base`.
 */
export async function expectOptionTypoRefused(
  run: (options: Record<string, unknown>) => unknown,
  typo: string,
  meant: string,
  base: Record<string, unknown> = {},
  value: unknown = 1,
): Promise<Error> {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return expectGlassboxError(
    () => run({ ...base, [typo]: value }),
    'INVALID_ARGUMENT',
    new RegExp(`unknown key '${escape(typo)}'.*did you mean '${escape(meant)}'\\?`),
  );
}

/** Asserts that two tensors (or a tensor and an array) have the same shape and agree elementwise within atol + rtol*|b|. */
export function expectTensorClose(a: Tensor, b: Tensor | ArrayLike<number>, atol = 1e-5, rtol = 0): void {
  const av = a.dataSync();
  let bv: ArrayLike<number>;
  if ((b as Tensor).dataSync !== undefined && Array.isArray((b as Tensor).shape)) {
    expect(a.shape).toEqual((b as Tensor).shape);
    bv = (b as Tensor).dataSync();
  } else {
    bv = b as ArrayLike<number>;
  }
  expect(av.length).toBe(bv.length);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < av.length; i++) {
    const diff = Math.abs(av[i]! - bv[i]!) - rtol * Math.abs(bv[i]!);
    if (!(diff <= worst) ) {
      worst = diff;
      worstAt = i;
    }
  }
  expect(worst, `largest difference ${worst} at flat index ${worstAt}: ${av[worstAt]} vs ${bv[worstAt]}`).toBeLessThanOrEqual(atol);
}

/** A GlassboxError code check without vitest's expect, for custom assertions. */
export { isGlassboxError };

/**
 * A real AbortSignal that aborts itself at the n-th time its `aborted` is read (never, by default), and counts
 * the reads. It puts an abort at a chosen point of a computation without timers: read the count a computation
 * makes before some event (e.g. the first model call) in a dry run, then abort at half of it to land in the
 * middle of the work before that event.
 *
 * @example
 * ```ts
 * const dry = abortAtRead();
 * // ... run with dry.signal and a model that records dry.reads() at its first call ...
 * const s = abortAtRead(Math.floor(readsAtFirstCall / 2));
 * await expectGlassboxError(() => explainer(f, x, { signal: s.signal }), 'ABORTED');
 * ```
 */
export function abortAtRead(n = Infinity): { signal: AbortSignal; reads(): number } {
  const controller = new AbortController();
  const signal = controller.signal;
  const real = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;
  let reads = 0;
  Object.defineProperty(signal, 'aborted', {
    configurable: true,
    get() {
      reads++;
      if (reads >= n && real.call(signal) !== true) controller.abort();
      return real.call(signal) as boolean;
    },
  });
  return { signal, reads: () => reads };
}

let gates = 0;

/** A model whose pool workers stop inside a model call until the test lets them go (see `gatedModel`). */
export interface GatedModel {
  /** f(x) = flat(x) W on this thread; in a pool worker, the same function behind the gate. */
  f: (x: Tensor) => Tensor;
  /** Resolves once the workers have entered `calls` model calls in all (counting from the gate's creation). */
  entered(calls: number): Promise<void>;
  /** Lets every waiting (and later) call through. */
  open(): void;
}

/**
 * A poolable linear model f(x) = flat(x) W whose copies in pool workers wait inside every model call until
 * `open()`: a test holds the workers in the middle of a batch at a point it chooses (e.g. every worker busy and
 * every worker queue full), acts (abort, close, start the next call) and then lets them go, without timers.
 * Needs SharedArrayBuffer (Node; a cross-origin isolated page) and the built package (the workers import the
 * compiled builder next to this file). Every gated model is a distinct model for the pool's cache.
 *
 * @example
 * ```ts
 * const g = gatedModel(w);
 * const call = integratedGradients(g.f, x, { pool, signal });
 * await g.entered(2);      // both workers are inside a batch
 * controller.abort();      // ... the call rejects with ABORTED
 * g.open();
 * ```
 */
export function gatedModel(w: Tensor): GatedModel {
  const tag = `gate ${++gates}`;
  const gate = new Int32Array(new SharedArrayBuffer(8));
  let module = new URL('./gated-model.js', import.meta.url);
  // From this package's sources (its own tests), the workers import the built copy.
  if (/\/src\/testing\/$/.test(new URL('.', module).pathname)) module = new URL('../../dist/testing/gated-model.js', import.meta.url);
  const p = w.shape[0]!;
  const linear = (x: Tensor): Tensor => tf.matMul(tf.reshape(x, [x.shape[0]!, p]), w);
  const f = poolable(linear, { module: module.href, export: 'build', args: { gate: gate.buffer, tag }, weights: { w } });
  const waitAsync = (Atomics as unknown as { waitAsync?(a: Int32Array, i: number, v: number): { async: boolean; value: unknown } }).waitAsync;
  return {
    f,
    async entered(calls) {
      for (let seen = Atomics.load(gate, 1); seen < calls; seen = Atomics.load(gate, 1)) {
        const r = waitAsync?.(gate, 1, seen);
        if (r?.async === true) await r.value;
        else if (r === undefined) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
    open() {
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
    },
  };
}
