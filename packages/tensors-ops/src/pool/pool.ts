/**
 * A pool of workers, each with its own backend (WASM by default), that runs the batches an explainer already
 * makes on several cores. Results come back to the main thread batch by batch and are handed to the caller in
 * batch order, whatever worker computed them and whenever they arrived, so that the caller can merge them
 * exactly as it would on one thread: the numbers do not depend on the number of workers.
 *
 * This file is the public face and puts the two halves together: threads.ts owns the workers' life cycle
 * (start, readiness, death, restart, close) and scheduler.ts owns the jobs (queue, dispatch, aborts, results).
 */
import { GlassboxError, describe } from '../errors.js';
import type { BackendName } from '../backend.js';
import type { PoolOp, RowRecipe, WorkerInfo } from './types.js';
import type { PoolModel } from './model.js';
import { POOL_BRAND } from './brand.js';
import { checkOptionKeys, optionKeys } from '../contract/option-keys.js';
import { Threads, resolveWorkerCount } from './threads.js';
import { Scheduler, createCancelFlag, type PoolJob } from './scheduler.js';

export type { PoolJob } from './scheduler.js';

/** Options of `createPool`. */
export interface PoolOptions {
  /**
   * Number of workers, an integer >= 1. Default: the environment variable GLASSBOX_WORKERS when set, else the
   * number of cores (`os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in browsers).
   */
  workers?: number;
  /** Backend of every worker: 'wasm' or 'cpu'. Default: GLASSBOX_BACKEND when set, else 'wasm'. */
  backend?: BackendName;
  /** Batches queued per worker (default 2: one computing, one waiting, so a worker never waits for the main thread). */
  inflight?: number;
  /** Where the pool's warnings go (each distinct warning once per pool); default console.warn. */
  onWarning?: (message: string) => void;
  /**
   * Where the workers come from. Default: tensors-ops' own worker script. Give your own when the workers must
   * hold builders registered by name (`registerPoolBuilder` from `@glassbox/tensors-ops/pool-worker`), which a
   * bundled browser app needs for models that a pool rebuilds through a builder (e.g. `@glassbox/adapters`'):
   * - a function that starts one worker and returns it, called once per worker (again after a restart). In a
   *   browser write it with the literal `new Worker(new URL('<specifier>', import.meta.url), { type: 'module' })`,
   *   which bundlers (Vite, webpack) turn into a worker bundle of their own:
   *   `worker: () => new Worker(new URL('@glassbox/adapters/pool-worker', import.meta.url), { type: 'module' })`.
   *   In Node it returns a `worker_threads` Worker.
   * - a URL (or URL string; in Node also a path) of a worker script, which the pool starts itself as a module
   *   worker (not bundled: the script must be able to load what it imports).
   * The script must import `@glassbox/tensors-ops/pool-worker` (the worker runtime), the same version as the
   * calling thread's tensors-ops.
   */
  worker?: URL | string | (() => unknown);
  /**
   * Small jobs run on the calling thread: a job whose estimated work is below `minWorkMs` milliseconds is computed
   * by the explainer itself, on the thread that called it, because sending it to the workers and merging their
   * answers would cost more than the work (the numbers are the same either way). The estimated work is the job's
   * rows times a worker's time per row on the last job of the same model, pass and row shape (so the first job of
   * a model always goes to the workers, and measures it). Only when the calling thread runs the workers' backend.
   *
   * Default: the environment variable GLASSBOX_POOL_MIN_WORK_MS when set, else the pool's own measure of its
   * dispatch cost (`stats().dispatchMs`: what recent jobs took beyond the busiest worker's work), and then every
   * 8th small job in a row still goes to the workers, to measure again. 0 sends every job to the workers;
   * Infinity runs every job whose cost is known on the calling thread. `stats().localJobs` counts those jobs.
   */
  minWorkMs?: number;
}

/** The keys of PoolOptions. */
export const POOL_OPTION_KEYS = optionKeys<PoolOptions>({ workers: true, backend: true, inflight: true, onWarning: true, worker: true, minWorkMs: true });

/** With the measured threshold, every this many small jobs in a row one goes to the workers (to measure again). */
const PROBE_EVERY = 8;

/** A job an explainer is about to send to the pool, for Pool.claimSmallJob. */
export interface SmallJobQuery {
  model: PoolModel;
  op: PoolOp;
  recipe: Pick<RowRecipe, 'kind' | 'rowShape'>;
  /** Rows of the job. */
  total: number;
}

/** What `pool.stats()` reports. */
export interface PoolStats {
  workers: number;
  jobs: number;
  /** Batches computed by each worker slot since the pool started. */
  batchesPerWorker: number[];
  /** Workers started in all (more than `workers` after a restart). */
  started: number;
  /**
   * Times a model's spec (its weights, or its files) was sent to a worker since the pool started: once per worker
   * and model, again only after the worker held another model, was restarted, or a job failed.
   */
  modelsSent: number;
  /**
   * Jobs that ran on the calling thread instead of the workers because their estimated work was below
   * `minWorkMs` (see PoolOptions.minWorkMs); not counted in `jobs`.
   */
  localJobs: number;
  /**
   * What recent jobs cost beyond their work, in ms (the median over the last 9: from sending a job to merging its
   * last batch, minus the busiest worker's time on it); null before a job completed. The default small-job
   * threshold (PoolOptions.minWorkMs).
   */
  dispatchMs: number | null;
}

/**
 * A pool of workers for explainers' batches; make one with `createPool` and pass it as `options.pool`. Jobs
 * run one at a time (each uses every worker); calls made while a job runs wait their turn. Close the pool
 * with `close()` when done (an idle pool does not keep Node running, but its threads live until closed).
 */
export class Pool {
  readonly [POOL_BRAND] = true;
  /** Number of workers. */
  readonly size: number;
  /** The backend the workers were asked to start (undefined: GLASSBOX_BACKEND, else 'wasm'). */
  readonly backend: BackendName | undefined;
  /**
   * Jobs estimated below this many milliseconds run on the calling thread (PoolOptions.minWorkMs); null: below the
   * measured dispatch cost (`stats().dispatchMs`).
   */
  readonly minWorkMs: number | null;

  private readonly onWarning: (message: string) => void;
  private readonly warned = new Set<string>();
  private readonly threads: Threads;
  private readonly scheduler: Scheduler;
  private localJobs = 0;
  /** Small jobs run on the calling thread since the last one the workers ran (measured threshold only). */
  private localStreak = 0;

  /** @internal use createPool. */
  constructor(size: number, options: PoolOptions) {
    this.size = size;
    this.backend = options.backend;
    this.minWorkMs = options.minWorkMs ?? null;
    this.onWarning = options.onWarning ?? ((m: string) => console.warn(m));
    const cancel = createCancelFlag();
    this.threads = new Threads(size, options.backend, cancel === null ? null : (cancel.buffer as SharedArrayBuffer), {
      answer: (slot, m) => this.scheduler.answer(slot, m),
      died: (slot, why) => this.scheduler.died(slot, why),
      stopped: () => this.scheduler.checkIdle(),
    }, options.worker);
    this.scheduler = new Scheduler(this.threads, options.inflight ?? 2, cancel);
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.threads.closed;
  }

  /** What each worker reported at start-up (backend, simd, threads, thread id); empty before start. */
  get workerInfo(): WorkerInfo[] {
    return this.threads.info;
  }

  /** Workers whose thread is running now. */
  liveWorkers(): number {
    return this.threads.live();
  }

  stats(): PoolStats {
    return { workers: this.size, jobs: this.scheduler.jobsRun, batchesPerWorker: this.scheduler.batchCounts.slice(), started: this.threads.started, modelsSent: this.scheduler.modelsSent, localJobs: this.localJobs, dispatchMs: this.scheduler.dispatchMs() };
  }

  /**
   * The estimated milliseconds a worker takes for a job (its rows times the time per row measured on the last job
   * of the same model, pass and recipe), or null when no such job has run on this pool yet.
   */
  estimateWorkMs(job: SmallJobQuery): number | null {
    return this.scheduler.estimateMs(job.model, job.op, job.recipe, job.total);
  }

  /**
   * True when a job is small enough to run on the calling thread (its estimated work is below minWorkMs); the
   * caller then computes it itself, and it counts in stats().localJobs. False for a job of unknown cost, and on a
   * closed pool. Explainers call it through their PoolExecution, which also checks the calling thread's backend.
   */
  claimSmallJob(job: SmallJobQuery): boolean {
    if (this.threads.closed) return false;
    const limit = this.minWorkMs ?? this.scheduler.dispatchMs();
    const ms = this.estimateWorkMs(job);
    if (limit === null || ms === null || !(ms < limit)) {
      this.localStreak = 0;
      return false;
    }
    if (this.minWorkMs === null && this.localStreak >= PROBE_EVERY) {
      // The measured threshold: once in a while a small job goes to the workers anyway, so that the estimates
      // follow the machine's load (they are only measured on the jobs the workers run).
      this.localStreak = 0;
      return false;
    }
    this.localStreak++;
    this.localJobs++;
    return true;
  }

  /** Emits a warning once per distinct message (explainers use it to say why they ran on the main thread). */
  warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.onWarning(message);
  }

  /** Starts the workers (if they are not running) and waits until each has its backend up. */
  ready(): Promise<void> {
    return this.threads.ready();
  }

  /**
   * Resolves when no batch is in flight on any worker (e.g. after an abort, once the workers are through the
   * batches they had queued). Not needed before the next call: a call started right after an abort runs as soon
   * as the workers have room for its batches.
   */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /**
   * Runs a job: its batches go to the workers (each worker keeps `inflight` batches queued; a worker that
   * finishes takes the next batch), and `job.onBatch` sees the results in batch order.
   * An abort (job.signal) rejects at once, whether the job runs or waits for its turn; `onBatch` is not called
   * after it. Never throws: every failure is a rejection.
   * @throws GlassboxError ABORTED (job.signal), BACKEND_UNAVAILABLE (a worker died, the pool was closed while the
   *   job ran), INVALID_ARGUMENT (the pool was closed before), or whatever the model raised in the worker (same
   *   code and message as on the main thread).
   */
  run(job: PoolJob): Promise<void> {
    return this.scheduler.run(job);
  }

  /**
   * Live tensors (`tf.memory().numTensors`) in each worker, once every job before this call is over and the
   * workers have cleaned up after it (a diagnostic, e.g. for leak tests: a worker holds its current model's
   * weights between jobs and nothing else).
   */
  workerTensors(): Promise<number[]> {
    if (this.threads.closed) return Promise.reject(new GlassboxError('INVALID_ARGUMENT', 'pool.workerTensors: this pool has been closed'));
    return this.scheduler.inTurn(async () => {
      await this.threads.ready();
      return this.threads.tensors();
    });
  }

  /** Terminates every worker; a running job rejects with BACKEND_UNAVAILABLE. The pool cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.threads.closed) return;
    this.threads.closed = true;
    this.scheduler.closing();
    await this.threads.stopAll();
  }
}

/** GLASSBOX_POOL_MIN_WORK_MS (Node), or null (the measured dispatch cost). */
function minWorkFromEnv(): number | null {
  const env = typeof process !== 'undefined' ? process.env?.GLASSBOX_POOL_MIN_WORK_MS : undefined;
  if (env === undefined || env === '') return null;
  const v = env === 'Infinity' ? Infinity : Number(env);
  if (Number.isNaN(v) || v < 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `createPool: environment variable GLASSBOX_POOL_MIN_WORK_MS must be a number of milliseconds >= 0 (or Infinity), got ${describe(env)}`);
  }
  return v;
}

/**
 * Starts a pool of workers, each running tensors-ops on its own backend (WASM with SIMD by default), for
 * explainers to share their batches across cores: pass it as `options.pool` to integratedGradients, saliency,
 * inputXGradient, occlusion, kernelShap (and noiseTunnel around them). The batches are the explainer's own
 * (`batchSize` rows each) and are merged in batch order in float64, so the results are the same numbers as on
 * one thread, for any number of workers.
 *
 * The model crosses to the workers as data: a tensors-ops `Sequential` (architecture + weights), a
 * models-classifier `Classifier`, or any model marked with `poolable(f, { module, export, args, weights })`.
 * A plain function cannot cross a thread: the explainer then runs on the main thread and the pool warns once.
 *
 * This lives in the opt-in entry `@glassbox/tensors-ops/pool` (not in the main entry), because it references the
 * worker script: an app that imports only `@glassbox/tensors-ops` gets no worker bundle.
 *
 * In Node the workers are `worker_threads` running the built package (`dist/pool/worker.js`). In browsers they
 * are module Web Workers: bundlers (Vite, webpack) find the worker through the literal
 * `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` and emit it as a bundle of its own;
 * each worker starts its WASM backend from the `.wasm` files the bundler emitted next to it. The default number
 * of workers is `navigator.hardwareConcurrency`. A browser has no exit event for a worker: an uncaught error in
 * a worker counts as its death (the job rejects with BACKEND_UNAVAILABLE, as in Node).
 *
 * Models rebuilt through a builder (a `module` spec, e.g. the models of `@glassbox/adapters`) name a module the
 * worker imports at run time, which a bundled browser worker cannot do; such a spec can also name a builder
 * registered in the worker (`builder`). Start the pool from a worker entry that registers it, written so that the
 * bundler bundles it: `createPool({ worker: () => new Worker(new URL('@glassbox/adapters/pool-worker',
 * import.meta.url), { type: 'module' }) })`. In Node the default workers import the module by URL as before.
 *
 * Threads in a cross-origin isolated page: there (SharedArrayBuffer available) the WASM backend would pick its
 * threaded build in every worker, each starting its own pthread workers from a Blob of the backend's source,
 * which oversubscribes the cores (workers x threads) and breaks when the app's bundler compresses the worker
 * bundle ("ReferenceError: e is not defined"). The pool's workers therefore always run the single-threaded SIMD
 * build, one thread each: the workers are the parallelism, and `workerInfo[i].threads` is 1. The page's own
 * backend is unaffected (it may run the threaded build through `initBackend({ threads })`); for the conv and
 * dense layers of the end-to-end test in chromium (apps/demo's e2e/pool.e2e.test.ts), the pooled results are
 * identical to the main thread's on the threaded build with 2 threads. The isolated page also gives the pool a
 * SharedArrayBuffer cancel flag, so that after an abort the workers skip the batches already queued instead of
 * computing them; without isolation they stop after the batches already sent to them (at most `inflight` each).
 * Either way the next call can start at once: its batches take the places those answers free.
 *
 * Small jobs do not pay for the pool: a job whose estimated work (its rows times the per-row time the workers
 * measured on an earlier job of the same model) is below `minWorkMs` (default: the pool's measured dispatch
 * cost) runs on the calling thread, with the same numbers (`stats().localJobs` counts them; `minWorkMs: 0` sends
 * every job to the workers).
 *
 * @param options `workers` (default GLASSBOX_WORKERS, else the number of cores), `backend` (default
 *   GLASSBOX_BACKEND, else 'wasm'), `inflight` (default 2), `onWarning` (default console.warn), `worker` (default:
 *   tensors-ops' own worker script; see PoolOptions.worker), `minWorkMs` (default GLASSBOX_POOL_MIN_WORK_MS, else
 *   the measured dispatch cost).
 * @returns a started Pool; `await pool.close()` when done.
 * @throws GlassboxError INVALID_ARGUMENT for bad options, BACKEND_UNAVAILABLE when a worker cannot start.
 *
 * @example
 * ```ts
 * import { createPool } from '@glassbox/tensors-ops/pool';
 * import { integratedGradients } from '@glassbox/explainers-gradient';
 *
 * const pool = await createPool();                         // one worker per core
 * try {
 *   const { attributions } = await integratedGradients(model, images, { target: 3, steps: 64, pool });
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export async function createPool(options: PoolOptions = {}): Promise<Pool> {
  const where = 'createPool';
  checkOptionKeys(options, POOL_OPTION_KEYS, where);
  if (options.backend !== undefined && options.backend !== 'wasm' && options.backend !== 'cpu') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.backend must be 'wasm' or 'cpu', got ${describe(options.backend)}`);
  }
  if (options.inflight !== undefined && (!Number.isInteger(options.inflight) || options.inflight < 1 || options.inflight > 64)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.inflight must be an integer in 1..64, got ${describe(options.inflight)}`);
  }
  if (options.minWorkMs !== undefined && (typeof options.minWorkMs !== 'number' || Number.isNaN(options.minWorkMs) || options.minWorkMs < 0)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.minWorkMs must be a number of milliseconds >= 0 (Infinity allowed), got ${describe(options.minWorkMs)}`);
  }
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.onWarning must be a function, got ${describe(options.onWarning)}`);
  }
  const w = options.worker;
  if (w !== undefined && typeof w !== 'function' && !(w instanceof URL) && (typeof w !== 'string' || w.length === 0)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.worker must be a function returning a started worker, or the URL of a worker script, got ${describe(w)}`);
  }
  const minWorkMs = options.minWorkMs ?? minWorkFromEnv();
  const size = await resolveWorkerCount(options.workers);
  const pool = new Pool(size, minWorkMs === null ? options : { ...options, minWorkMs });
  await pool.ready();
  return pool;
}
