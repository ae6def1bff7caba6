import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, throwIfAborted } from '../errors.js';
import type { Predictable } from './types.js';
import { modelForwards } from './as-forward.js';
import { checkModelOutput } from './select-target.js';
import { ensureOverrides } from '../overrides.js';
import { outOfMemoryError } from '../wasm-memory.js';
import { assertNumber, checkOptionKeys, optionKeys } from './validate.js';

export interface BatchLoopOptions {
  /** Most rows per step; default 64. */
  batchSize?: number;
  /** Called after each step with (rows done, rows in all). */
  onProgress?: (done: number, total: number) => void;
  /** Checked before every step; abort rejects with GlassboxError 'ABORTED'. */
  signal?: AbortSignal;
  /** The public function's name, for error messages. */
  where?: string;
}

/** The keys of BatchLoopOptions. */
export const BATCH_LOOP_OPTION_KEYS = optionKeys<BatchLoopOptions>({ batchSize: true, onProgress: true, signal: true, where: true });

const hasSetImmediate = typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function';
let channel: MessageChannel | null = null;
const pending: Array<() => void> = [];

/**
 * Gives the event loop a turn (so an abort or a UI event can land) at the lowest cost the platform offers:
 * setImmediate in Node, a MessageChannel message in browsers and workers, setTimeout(0) otherwise.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (hasSetImmediate) {
      (globalThis as unknown as { setImmediate(cb: () => void): void }).setImmediate(resolve);
    } else if (typeof MessageChannel !== 'undefined') {
      if (channel === null) {
        channel = new MessageChannel();
        channel.port1.onmessage = () => pending.shift()?.();
      }
      pending.push(resolve);
      channel.port2.postMessage(0);
    } else {
      setTimeout(resolve, 0);
    }
  });
}

/**
 * The batching loop under every explainer: calls `step(start, end)` for consecutive chunks of `total` rows of
 * at most `batchSize`, checks the AbortSignal before each chunk, reports progress after each and lets the
 * event loop run in between. Tensor bookkeeping is the caller's (use tf.tidy inside `step`).
 *
 * A step that runs out of memory (the WASM heap exhausted, a JavaScript array that cannot be allocated) rejects with
 * GlassboxError 'OUT_OF_MEMORY' naming the batch size that failed and a smaller one to pass as `batchSize`; when the
 * failure left the WASM backend unable to compute, the backend is re-created and the code is 'BACKEND_UNAVAILABLE'
 * (see ../wasm-memory.ts).
 */
export async function forEachBatch(
  total: number,
  step: (start: number, end: number, index: number) => void | Promise<void>,
  options: BatchLoopOptions = {},
): Promise<void> {
  const where = typeof options?.where === 'string' ? options.where : 'forEachBatch';
  checkOptionKeys(options, BATCH_LOOP_OPTION_KEYS, where);
  const batchSize = options.batchSize === undefined ? 64 : assertNumber(options.batchSize, 'options.batchSize', where, { integer: true, min: 1 });
  assertNumber(total, 'total', where, { integer: true, min: 0 });
  let index = 0;
  for (let start = 0; start < total; start += batchSize, index++) {
    throwIfAborted(options.signal, where);
    const end = Math.min(total, start + batchSize);
    ensureOverrides();
    try {
      await step(start, end, index);
    } catch (e) {
      // Out of memory: a GlassboxError naming this batch's size and a smaller one, the backend checked (../wasm-memory.ts).
      throw await outOfMemoryError(e, { where, start, end, total });
    }
    options.onProgress?.(end, total);
    if (end < total) await yieldToEventLoop();
  }
  throwIfAborted(options.signal, where);
}

/** A source of rows made on demand (e.g. perturbed copies of an input), so that they need not all exist at once. */
export interface RowSource {
  /** Rows in all. */
  rows: number;
  /** Rows [start, end) as a tensor [end - start, ...]; called inside tf.tidy. */
  get(start: number, end: number): Tensor;
}

/**
 * Runs a model over the rows of `x` (a tensor [N, ...] or a RowSource) in batches of `batchSize`, each inside
 * tf.tidy, checks every output's batch size and dtype, reports progress, checks the AbortSignal between
 * batches, and resolves to the outputs concatenated along axis 0 (owned by the caller). Nothing leaks on
 * error or abort. An asynchronous model (a predict that returns a Promise, see isAsyncModel) is awaited batch by
 * batch.
 *
 * @example
 * ```ts
 * const logits = await mapBatches(model, images, { batchSize: 128, onProgress: (d, t) => console.log(d, t) });
 * ```
 */
export async function mapBatches(f: Predictable, x: Tensor | RowSource, options: BatchLoopOptions = {}): Promise<Tensor> {
  const where = typeof options?.where === 'string' ? options.where : 'mapBatches';
  checkOptionKeys(options, BATCH_LOOP_OPTION_KEYS, where);
  const { forward, forwardAsync } = modelForwards(f, where);
  const source: RowSource =
    'get' in x && typeof (x as RowSource).get === 'function'
      ? (x as RowSource)
      : { rows: (x as Tensor).shape[0] ?? 0, get: (s, e) => tf.slice(x as Tensor, s, e - s) };
  if (source.rows === 0) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: x has no rows`);
  }
  const parts: Tensor[] = [];
  try {
    await forEachBatch(
      source.rows,
      forwardAsync === undefined
        ? (start, end) => {
            const out = tf.tidy(() => {
              const batch = source.get(start, end);
              const y = forward(batch);
              checkModelOutput(y, end - start, where);
              return y;
            });
            parts.push(out);
          }
        : async (start, end) => {
            // An asynchronous model (e.g. ONNX): its answer is awaited; the batch is disposed after it.
            const batch = tf.tidy(() => source.get(start, end));
            let y: Tensor | null = null;
            try {
              y = await forwardAsync(batch);
              checkModelOutput(y, end - start, where);
              parts.push(y);
              y = null;
            } finally {
              if (parts[parts.length - 1] !== batch) batch.dispose();
              if (y !== null && y !== batch) y.dispose();
            }
          },
      { ...options, where },
    );
    if (parts.length === 1) {
      const only = parts[0]!;
      parts.length = 0;
      return only;
    }
    return tf.concat(parts, 0);
  } finally {
    for (const p of parts) p.dispose();
  }
}
