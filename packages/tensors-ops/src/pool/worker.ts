/**
 * The entry of a pool worker (a Node worker_threads Worker or a browser module Web Worker). It starts its own
 * backend (WASM by default), rebuilds the job's model from data, rebuilds the job's rows from the recipe and
 * answers every batch message with a result, an error or 'skipped' (when the job was cancelled). Messages are
 * handled one at a time, in order.
 *
 * It is also the package entry `@glassbox/tensors-ops/pool-worker`, for packages and apps that start the pool's
 * workers from an entry of their own (`createPool({ worker })`), typically to register model builders by name so
 * that a bundled browser app has them in its worker bundle:
 *
 * ```ts
 * // my-pool-worker.ts, the whole worker entry
 * import { registerPoolBuilder } from '@glassbox/tensors-ops/pool-worker';
 * import { build } from './my-builder.js';
 * registerPoolBuilder('my-models', build);
 * ```
 *
 * It answers messages only inside a worker (a worker_threads Worker or a Web Worker); imported on a main thread it
 * does nothing but export.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import * as ops from '../index.js';
import { tf } from '../tf.js';
import { initBackend, type BackendName } from '../backend.js';
import { GlassboxError } from '../errors.js';
import { checkModelOutput } from '../contract/select-target.js';
import { targetGradient } from '../contract/safe-grad.js';
import { TargetResolver } from '../contract/targets.js';
import { buildPoolModel, type BuiltModel } from './model.js';
import { checkRecipe, prepareRecipe, type PreparedRecipe } from './recipes.js';
import type { FromWorker, JobMessage, SerializedError, ToWorker } from './types.js';
import { registeredPoolBuilders } from './builders.js';

export { registerPoolBuilder, registeredPoolBuilders } from './builders.js';
export type { PoolBuilder } from './builders.js';

interface Port {
  post(message: FromWorker, transfer?: ArrayBuffer[]): void;
}

interface Job {
  id: number;
  op: JobMessage['op'];
  where: string;
  /** The job's options.target, resolved on the first output exactly as on the main thread. */
  targets: TargetResolver;
  recipe: PreparedRecipe;
  forward: (x: Tensor) => Tensor;
  /** The awaited call of an asynchronous model (for 'forward' jobs), see BuiltModel.forwardAsync. */
  forwardAsync: ((x: Tensor) => Promise<Tensor>) | undefined;
}

let port: Port;
let threadId = 0;
let cancelled: Int32Array | null = null;
let model: { key: string; built: BuiltModel } | null = null;
const jobs = new Map<number, Job>();

function serialize(e: unknown): SerializedError {
  if (e instanceof Error) {
    const out: SerializedError = { name: e.name, message: e.message };
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') out.code = code;
    if (e.stack !== undefined) out.stack = e.stack;
    return out;
  }
  return { name: 'Error', message: String(e) };
}

/**
 * A copy of a tensor's values that this thread may transfer: the cpu backend's dataSync hands out its own storage
 * (possibly shared with other tensors, e.g. a reshape of a weight), which must not be detached.
 */
function ownCopy(values: ArrayLike<number>): Float32Array {
  return values instanceof Float32Array ? values.slice() : Float32Array.from(values);
}

/** A batch of an asynchronous model: the rows are built, the model's answer awaited, then checked as usual. */
async function forwardAsync(job: Job, call: (x: Tensor) => Promise<Tensor>, start: number, end: number): Promise<Tensor> {
  const rows = tf.tidy(() => job.recipe.build(start, end));
  let y: Tensor;
  try {
    y = await call(rows);
  } finally {
    rows.dispose();
  }
  try {
    checkModelOutput(y, end - start, job.where);
  } catch (e) {
    y.dispose();
    throw e;
  }
  return y;
}

async function runBatch(job: Job, index: number, start: number, end: number): Promise<void> {
  // The batch's time is reported with its result: the pool estimates from it how long a job's rows take (small
  // jobs then run on the calling thread, see PoolOptions.minWorkMs).
  const t0 = performance.now();
  let out: Tensor;
  if (job.op === 'forward' && job.forwardAsync !== undefined) {
    out = await forwardAsync(job, job.forwardAsync, start, end);
  } else if (job.op === 'forward') {
    out = tf.tidy(() => {
      const y = job.forward(job.recipe.build(start, end));
      checkModelOutput(y, end - start, job.where);
      return y;
    });
  } else {
    out = tf.tidy(() =>
      targetGradient(job.forward, job.recipe.build(start, end), job.where, (shape) =>
        job.targets.forRows(shape, start, end, (j) => job.recipe.inputOf(j)),
        // The target scores are checked for finiteness as on the main thread, naming the rows of x.
        { start, rowOf: (j) => job.recipe.inputOf(j) },
      ),
    );
  }
  try {
    const values = ownCopy(out.dataSync());
    port.post({ type: 'result', jobId: job.id, index, values, shape: out.shape.slice(), ms: performance.now() - t0 }, [values.buffer as ArrayBuffer]);
  } finally {
    out.dispose();
  }
}

async function startJob(msg: JobMessage): Promise<void> {
  if (model === null || model.key !== msg.modelKey) {
    if (msg.model === undefined) throw new GlassboxError('BACKEND_UNAVAILABLE', `${msg.where}: pool worker has no model ${msg.modelKey}`);
    const previous = model;
    model = null;
    previous?.built.dispose();
    model = { key: msg.modelKey, built: await buildPoolModel(msg.model, ops) };
  }
  checkRecipe(msg.recipe, msg.where);
  const targets = new TargetResolver(msg.target, msg.inputs, msg.where);
  const recipe = prepareRecipe(msg.recipe, msg.inputs);
  jobs.set(msg.jobId, {
    id: msg.jobId,
    op: msg.op,
    where: msg.where,
    targets,
    recipe,
    forward: model.built.forward,
    forwardAsync: model.built.forwardAsync,
  });
}

function endJob(id: number): void {
  const job = jobs.get(id);
  if (job === undefined) return;
  jobs.delete(id);
  job.recipe.dispose();
}

/** Errors of a job's set-up, reported on its first batch (so that the main thread sees them in order). */
const setupErrors = new Map<number, unknown>();

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init': {
      if (msg.cancel !== undefined) cancelled = new Int32Array(msg.cancel);
      try {
        // One thread per worker, always: the pool's workers are its parallelism. In a cross-origin isolated page
        // the WASM backend would otherwise load its threaded build here too, and every worker would start its
        // own pthread workers (oversubscribing the cores) from a Blob of the backend's factory source, which
        // breaks when an app's bundler compresses the worker bundle ("ReferenceError: e is not defined").
        // See createPool's doc comment (pool.ts).
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
        const info = await initBackend({ backend: msg.backend as BackendName | undefined, fallback: false });
        port.post({ type: 'ready', info: { ...info, threadId, builders: registeredPoolBuilders() } });
      } catch (e) {
        port.post({ type: 'init-error', error: serialize(e) });
      }
      return;
    }
    case 'job': {
      try {
        await startJob(msg);
      } catch (e) {
        setupErrors.set(msg.jobId, e);
      }
      return;
    }
    case 'batch': {
      const setup = setupErrors.get(msg.jobId);
      if (setup !== undefined) {
        port.post({ type: 'error', jobId: msg.jobId, index: msg.index, error: serialize(setup) });
        return;
      }
      const job = jobs.get(msg.jobId);
      // The shared flag holds the highest cancelled job id (see Pool.markCancelled): skip the batches of any
      // job up to it that are still queued here.
      if (job === undefined || (cancelled !== null && msg.jobId <= Atomics.load(cancelled, 0))) {
        port.post({ type: 'skipped', jobId: msg.jobId, index: msg.index });
        return;
      }
      try {
        await runBatch(job, msg.index, msg.start, msg.end);
      } catch (e) {
        port.post({ type: 'error', jobId: msg.jobId, index: msg.index, error: serialize(e) });
      }
      return;
    }
    case 'end': {
      setupErrors.delete(msg.jobId);
      endJob(msg.jobId);
      return;
    }
    case 'tensors': {
      port.post({ type: 'tensors', count: tf.memory().numTensors });
      return;
    }
  }
}

let chain: Promise<void> = Promise.resolve();
function receive(msg: ToWorker): void {
  chain = chain.then(() => handle(msg)).catch((e) => {
    // handle() reports every expected failure itself; anything else is a bug. A batch message still gets its
    // answer (the main thread counts the answers it awaits from each worker); the rest is reported as a failure.
    if (msg.type === 'batch') port.post({ type: 'error', jobId: msg.jobId, index: msg.index, error: serialize(e) });
    else port.post({ type: 'init-error', error: serialize(e) });
  });
}

const isNode =
  typeof process !== 'undefined' &&
  process.versions?.node != null &&
  typeof (globalThis as { window?: unknown }).window === 'undefined' &&
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';
if (isNode) {
  // No top-level await (bundlers build browser workers as classic scripts by default); the port queues the
  // messages that arrive before the listener is attached.
  void (async () => {
    // A variable specifier keeps bundlers from resolving Node's module for the browser build of this worker.
    const name = 'node:worker_threads';
    const wt = (await import(/* @vite-ignore */ name)) as typeof import('node:worker_threads');
    const parent = wt.parentPort;
    // Imported on the main thread (e.g. a worker entry's module loaded for its exports): nothing to answer.
    if (parent === null) return;
    threadId = wt.threadId;
    port = { post: (m, transfer) => parent.postMessage(m, transfer ?? []) };
    parent.on('message', (m: ToWorker) => receive(m));
  })();
} else if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined') {
  // Only inside a Web Worker: on a page's main thread (the module imported for its exports) this would answer
  // the window's messages.
  const scope = globalThis as unknown as {
    postMessage(m: unknown, transfer?: ArrayBuffer[]): void;
    addEventListener(type: 'message', cb: (e: { data: ToWorker }) => void): void;
  };
  port = { post: (m, transfer) => scope.postMessage(m, transfer ?? []) };
  scope.addEventListener('message', (e) => receive(e.data));
}
