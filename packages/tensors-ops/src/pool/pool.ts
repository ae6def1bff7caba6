/**
 * A pool of workers, each with its own backend (WASM by default), that runs the batches an explainer already
 * makes on several cores. Results come back to the main thread batch by batch and are handed to the caller in
 * batch order, whatever worker computed them and whenever they arrived, so that the caller can merge them
 * exactly as it would on one thread: the numbers do not depend on the number of workers.
 */
import { GlassboxError, abortError, describe } from '../errors.js';
import type { BackendName } from '../backend.js';
import type { PoolModel } from './model.js';
import type { BatchResult, FromWorker, PoolOp, RowRecipe, SerializedError, ToWorker, WorkerInfo } from './types.js';
import { POOL_BRAND } from './brand.js';
import { checkOptionKeys, optionKeys } from '../contract/option-keys.js';


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
}

/** The keys of PoolOptions. */
export const POOL_OPTION_KEYS = optionKeys<PoolOptions>({ workers: true, backend: true, inflight: true, onWarning: true });

/** One job: run `total` rows described by `recipe` in batches of `batchSize` on the pool's workers. */
export interface PoolJob {
  /** The public function's name, for messages. */
  where: string;
  model: PoolModel;
  op: PoolOp;
  recipe: RowRecipe;
  /** Virtual rows in all (rows the recipe describes). */
  total: number;
  batchSize: number;
  /** options.target as given; resolved in the workers exactly as on the main thread. */
  target: number | number[] | undefined;
  /** Rows of x (targets are given per row of x). */
  inputs: number;
  signal?: AbortSignal | undefined;
  /** Called once per batch, in batch order (index 0, 1, 2, ...), with that batch's result. */
  onBatch(start: number, end: number, result: BatchResult, index: number): void;
}

/** What `pool.stats()` reports. */
export interface PoolStats {
  workers: number;
  jobs: number;
  /** Batches computed by each worker slot since the pool started. */
  batchesPerWorker: number[];
  /** Workers started in all (more than `workers` after a restart). */
  started: number;
}

interface Thread {
  post(message: ToWorker, transfer?: ArrayBuffer[]): void;
  terminate(): Promise<void>;
  ref(): void;
  unref(): void;
}

interface Slot {
  index: number;
  thread: Thread;
  info: WorkerInfo | null;
  modelKey: string | null;
  /**
   * Batch messages sent and not yet answered, by `jobId:index`. Answers still due for a job that was aborted
   * or failed stay here until they arrive (the worker answers every batch message: result, error or skipped),
   * so that they count against the worker's queue during the next job too.
   */
  pending: Map<string, { jobId: number; start: number; end: number }>;
  /** Answers awaited to `tensors` requests (see workerTensors), in the order sent. */
  tensorRequests: Array<(count: number) => void>;
  alive: boolean;
  /** Set when we terminate it ourselves (so its exit is not a death). */
  stopping: boolean;
  lastError: unknown;
  onReady?: ((info: WorkerInfo) => void) | undefined;
  onInitError?: ((e: SerializedError) => void) | undefined;
  onExitDuringStart?: ((why: string) => void) | undefined;
}

interface Running {
  id: number;
  job: PoolJob;
  batches: number;
  next: number;
  merged: number;
  results: Map<number, BatchResult>;
  done: boolean;
  resolve(): void;
  reject(e: unknown): void;
}

const isNode =
  typeof process !== 'undefined' &&
  process.versions?.node != null &&
  typeof (globalThis as { window?: unknown }).window === 'undefined' &&
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';

function reconstruct(e: SerializedError, where: string, worker: number): Error {
  if (e.name === 'GlassboxError' && typeof e.code === 'string') {
    const err = new GlassboxError(e.code as GlassboxError['code'], e.message);
    if (e.stack !== undefined) err.stack = `${err.name}: ${err.message}\n    (in pool worker ${worker})\n${e.stack.split('\n').slice(1).join('\n')}`;
    return err;
  }
  const err = new Error(`${e.message} (thrown in pool worker ${worker} during ${where})`);
  err.name = e.name;
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}

async function nodeWorkerUrl(): Promise<URL> {
  // Not written as the literal `new URL('./worker.js', import.meta.url)`: bundlers would copy the unbundled
  // worker file into browser builds as an asset (the browser branch of spawn() has the literal they bundle).
  const file = './worker.js';
  const own = new URL(file, import.meta.url);
  const fsName = 'node:fs';
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs');
  if (own.protocol === 'file:' && fs.existsSync(own)) return own;
  // Running from the TypeScript sources (vitest): the worker runs the built package next to them.
  const fromSources = '../../dist/pool/worker.js';
  const built = new URL(fromSources, import.meta.url);
  if (fs.existsSync(built)) return built;
  throw new GlassboxError(
    'BACKEND_UNAVAILABLE',
    `createPool: the pool worker script was not found at ${own.href} nor ${built.href}; build @glassbox/tensors-ops first (pnpm build)`,
  );
}

async function defaultWorkers(): Promise<number> {
  if (isNode) {
    const osName = 'node:os';
    const os = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
    const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    return Math.max(1, n);
  }
  const hc = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, typeof hc === 'number' && hc > 0 ? hc : 1);
}

async function resolveWorkerCount(option: unknown): Promise<number> {
  const where = 'createPool';
  if (option !== undefined) {
    if (typeof option !== 'number' || !Number.isInteger(option) || option < 1 || option > 256) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.workers must be an integer in 1..256, got ${describe(option)}`);
    }
    return option;
  }
  const env = isNode ? process.env.GLASSBOX_WORKERS : undefined;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1 || n > 256) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: environment variable GLASSBOX_WORKERS must be an integer in 1..256, got ${describe(env)}`);
    }
    return n;
  }
  return defaultWorkers();
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

  private readonly inflight: number;
  private readonly onWarning: (message: string) => void;
  private readonly warned = new Set<string>();
  private slots: Slot[] = [];
  private starting: Promise<void> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private running: Running | null = null;
  private jobCounter = 0;
  private jobsRun = 0;
  private startedCount = 0;
  private batchCounts: number[];
  private isClosed = false;
  private readonly cancel: Int32Array | null;
  private idleWaiters: Array<() => void> = [];

  /** @internal use createPool. */
  constructor(size: number, options: PoolOptions) {
    this.size = size;
    this.backend = options.backend;
    this.inflight = options.inflight ?? 2;
    this.onWarning = options.onWarning ?? ((m: string) => console.warn(m));
    this.batchCounts = new Array<number>(size).fill(0);
    this.cancel = typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : null;
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** What each worker reported at start-up (backend, simd, threads, thread id); empty before start. */
  get workerInfo(): WorkerInfo[] {
    return this.slots.filter((s) => s.info !== null).map((s) => ({ ...s.info! }));
  }

  /** Workers whose thread is running now. */
  liveWorkers(): number {
    return this.slots.filter((s) => s.alive).length;
  }

  stats(): PoolStats {
    return { workers: this.size, jobs: this.jobsRun, batchesPerWorker: this.batchCounts.slice(), started: this.startedCount };
  }

  /** Emits a warning once per distinct message (explainers use it to say why they ran on the main thread). */
  warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.onWarning(message);
  }

  /** Starts the workers (if they are not running) and waits until each has its backend up. */
  async ready(): Promise<void> {
    if (this.isClosed) throw new GlassboxError('INVALID_ARGUMENT', 'pool: this pool has been closed');
    if (this.slots.length === this.size && this.slots.every((s) => s.alive && s.info !== null)) return;
    this.starting ??= this.start().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  /**
   * Resolves when no batch is in flight on any worker (e.g. after an abort, once the workers are through the
   * batches they had queued). Not needed before the next call: a call started right after an abort runs as soon
   * as the workers have room for its batches.
   */
  idle(): Promise<void> {
    if (this.slots.every((s) => s.pending.size === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
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
    if (this.isClosed) return Promise.reject(new GlassboxError('INVALID_ARGUMENT', `${job.where}: options.pool has been closed`));
    if (job.signal?.aborted) return Promise.reject(abortError(job.where));
    const turn = this.queue.then(() => this.execute(job));
    this.queue = turn.catch(() => undefined);
    const signal = job.signal;
    if (signal === undefined) return turn;
    // A call waiting for its turn (another job runs) hears about its abort at once, not when its turn comes;
    // its turn then ends at once (execute sees the aborted signal and starts nothing).
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(abortError(job.where));
      signal.addEventListener('abort', onAbort, { once: true });
      turn.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /**
   * Live tensors (`tf.memory().numTensors`) in each worker, once every job before this call is over and the
   * workers have cleaned up after it (a diagnostic, e.g. for leak tests: a worker holds its current model's
   * weights between jobs and nothing else).
   */
  workerTensors(): Promise<number[]> {
    if (this.isClosed) return Promise.reject(new GlassboxError('INVALID_ARGUMENT', 'pool.workerTensors: this pool has been closed'));
    const turn = this.queue.then(async () => {
      await this.ready();
      return Promise.all(
        this.slots.map(
          (slot) =>
            new Promise<number>((resolve) => {
              slot.tensorRequests.push(resolve);
              slot.thread.post({ type: 'tensors' });
            }),
        ),
      );
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Terminates every worker; a running job rejects with BACKEND_UNAVAILABLE. The pool cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.running !== null) this.fail(this.running, new GlassboxError('BACKEND_UNAVAILABLE', `${this.running.job.where}: the pool was closed while the job ran`));
    await this.stopAll();
  }

  // ---- private ----

  private async spawn(index: number): Promise<Slot> {
    const slot: Slot = {
      index,
      thread: null as unknown as Thread,
      info: null,
      modelKey: null,
      pending: new Map(),
      tensorRequests: [],
      alive: true,
      stopping: false,
      lastError: undefined,
    };
    const onMessage = (m: FromWorker): void => this.message(slot, m);
    const onExit = (code: number | null): void => this.exited(slot, code);
    if (isNode) {
      const url = await nodeWorkerUrl();
      const wtName = 'node:worker_threads';
      const wt = (await import(/* @vite-ignore */ wtName)) as typeof import('node:worker_threads');
      // Workers inherit the parent's execArgv, and Node refuses `--input-type` (as in `node --input-type=module
      // -e '...'`) for a worker file: leave it out.
      const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
      const w = new wt.Worker(url, { name: `glassbox-pool-${index}`, execArgv });
      w.on('message', onMessage);
      w.on('error', (e) => {
        slot.lastError = e;
      });
      w.on('messageerror', (e) => {
        slot.lastError = e;
      });
      let hasExited = false;
      const exit = new Promise<void>((resolve) => {
        w.once('exit', (code) => {
          hasExited = true;
          resolve();
          onExit(code);
        });
      });
      slot.thread = {
        post: (m, transfer) => {
          if (!hasExited) w.postMessage(m, transfer ?? []);
        },
        terminate: async () => {
          if (!hasExited) await w.terminate();
          await exit;
        },
        ref: () => w.ref(),
        unref: () => w.unref(),
      };
    } else {
      // The literal `new Worker(new URL(...), { type: 'module' })` lets bundlers (Vite, webpack) bundle the worker.
      const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: `glassbox-pool-${index}` });
      let ended = false;
      w.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
      // Browsers have no exit event: an uncaught error in the worker counts as its death.
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault?.();
        slot.lastError = new Error(e.message);
        ended = true;
        w.terminate();
        onExit(null);
      };
      slot.thread = {
        post: (m, transfer) => w.postMessage(m, transfer ?? []),
        terminate: async () => {
          if (ended) return;
          ended = true;
          w.terminate();
          onExit(0);
        },
        ref: () => undefined,
        unref: () => undefined,
      };
    }
    this.startedCount++;
    return slot;
  }

  private async start(): Promise<void> {
    await this.stopAll();
    const slots: Slot[] = [];
    try {
      for (let i = 0; i < this.size; i++) {
        slots.push(await this.spawn(i));
        if (this.isClosed) throw new GlassboxError('INVALID_ARGUMENT', 'pool: this pool was closed while its workers started');
      }
      this.slots = slots;
      await Promise.all(
        slots.map(
          (slot) =>
            new Promise<void>((resolve, reject) => {
              slot.onReady = (info) => {
                slot.info = info;
                resolve();
              };
              slot.onInitError = (e) => reject(new GlassboxError('BACKEND_UNAVAILABLE', `createPool: pool worker ${slot.index} could not start its backend: ${e.message}`));
              slot.onExitDuringStart = (why: string) =>
                reject(new GlassboxError('BACKEND_UNAVAILABLE', `createPool: pool worker ${slot.index} exited while starting (${why})`));
              const init: ToWorker = { type: 'init' };
              if (this.backend !== undefined) init.backend = this.backend;
              if (this.cancel !== null) init.cancel = this.cancel.buffer as SharedArrayBuffer;
              slot.thread.post(init);
            }),
        ),
      );
      if (this.isClosed) throw new GlassboxError('INVALID_ARGUMENT', 'pool: this pool was closed while its workers started');
    } catch (e) {
      this.slots = slots;
      await this.stopAll();
      if (this.isClosed) throw new GlassboxError('INVALID_ARGUMENT', 'pool: this pool was closed while its workers started');
      throw e;
    } finally {
      for (const s of slots) {
        s.onReady = undefined;
        s.onInitError = undefined;
        s.onExitDuringStart = undefined;
      }
    }
    this.idleRefs();
  }

  private async stopAll(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) s.stopping = true;
    await Promise.all(slots.map((s) => s.thread.terminate().catch(() => undefined)));
    for (const s of slots) {
      s.alive = false;
      s.pending.clear();
      // A stopped worker holds no tensors.
      for (const answer of s.tensorRequests.splice(0)) answer(0);
    }
    this.checkIdle();
  }

  private idleRefs(): void {
    for (const s of this.slots) s.thread.unref();
  }

  private busyRefs(): void {
    for (const s of this.slots) s.thread.ref();
  }

  private checkIdle(): void {
    if (this.idleWaiters.length > 0 && this.slots.every((s) => s.pending.size === 0)) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private message(slot: Slot, m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        slot.onReady?.(m.info);
        return;
      case 'init-error':
        if (slot.onInitError !== undefined) slot.onInitError(m.error);
        else if (this.running !== null) this.fail(this.running, reconstruct(m.error, this.running.job.where, slot.index));
        return;
      case 'tensors':
        slot.tensorRequests.shift()?.(m.count);
        return;
      case 'result':
      case 'skipped':
      case 'error': {
        slot.pending.delete(this.pendingKey(m.jobId, m.index));
        const r = this.running;
        if (m.type === 'result') this.batchCounts[slot.index]!++;
        if (r !== null && !r.done) {
          if (r.id === m.jobId) {
            if (m.type === 'error') {
              this.fail(r, reconstruct(m.error, r.job.where, slot.index));
            } else if (m.type === 'result') {
              r.results.set(m.index, { values: m.values, shape: m.shape });
              this.flush(r);
            }
          }
          // Whatever job the answer belonged to (this one, or one aborted before it whose batches were still
          // queued here), it freed a place in this worker's queue: give it the running job's next batch. Without
          // this, a job that starts while every worker's queue is still full of an aborted job's batches
          // would never send a batch and never settle.
          if (!r.done) this.dispatch(r, slot);
        }
        this.checkIdle();
        return;
      }
    }
  }

  private pendingKey(jobId: number, index: number): string {
    // Jobs run one at a time, but answers of a cancelled job may still arrive during the next one.
    return `${jobId}:${index}`;
  }

  private exited(slot: Slot, code: number | null): void {
    const wasAlive = slot.alive;
    slot.alive = false;
    for (const answer of slot.tensorRequests.splice(0)) answer(0);
    // code null: a browser worker, which has no exit code; its death is an uncaught error.
    const why = `${code === null ? 'uncaught error' : `exit code ${code}`}${slot.lastError !== undefined ? `: ${(slot.lastError as Error)?.message ?? String(slot.lastError)}` : ''}`;
    if (slot.onExitDuringStart !== undefined) {
      // Also when we stopped it ourselves (close() during the start): the start must end, not wait for ever.
      slot.onExitDuringStart(slot.stopping ? 'stopped while starting' : why);
      return;
    }
    if (slot.stopping || !wasAlive) return;
    const r = this.running;
    const pending = [...slot.pending.values()].filter((p) => r !== null && p.jobId === r.id);
    slot.pending.clear();
    if (r !== null && !r.done) {
      const rows = pending.length > 0 ? ` while computing rows ${pending[0]!.start}..${pending[0]!.end - 1}` : '';
      const error = new GlassboxError(
        'BACKEND_UNAVAILABLE',
        `${r.job.where}: pool worker ${slot.index} (thread ${slot.info?.threadId ?? '?'}) died${rows} (${why}); ` +
          'the job was stopped, the pool terminated its other workers and starts new ones for the next job',
        { cause: slot.lastError },
      );
      r.done = true;
      this.running = null;
      this.markCancelled(r.id);
      // Leave no worker behind: stop the others before the caller hears about it.
      void this.stopAll().then(
        () => r.reject(error),
        () => r.reject(error),
      );
      return;
    }
    // Died while idle: stop the rest; the next job starts a fresh set.
    void this.stopAll();
  }

  /**
   * Tells the workers (through the shared flag, where there is one) to skip the batches of job `id` still
   * queued. Job ids grow and a job starts only after the previous one settled, so every job up to the highest
   * cancelled id is over: the flag holds that id and the workers skip any batch of a job id <= it.
   */
  private markCancelled(id: number): void {
    if (this.cancel !== null && Atomics.load(this.cancel, 0) < id) Atomics.store(this.cancel, 0, id);
  }

  /** Fills every worker's queue breadth-first (one batch each, then a second each, ...), so that a job with
   * few batches still spreads over all workers instead of filling the first worker's queue. */
  private dispatchAll(r: Running): void {
    for (let level = 1; level <= this.inflight; level++) for (const slot of this.slots) this.dispatch(r, slot, level);
  }

  private dispatch(r: Running, slot: Slot, limit = this.inflight): void {
    // Answers still due for a cancelled job occupy the worker's queue too, so they count.
    while (!r.done && slot.alive && r.next < r.batches && slot.pending.size < limit) {
      const index = r.next++;
      const start = index * r.job.batchSize;
      const end = Math.min(r.job.total, start + r.job.batchSize);
      slot.pending.set(this.pendingKey(r.id, index), { jobId: r.id, start, end });
      slot.thread.post({ type: 'batch', jobId: r.id, index, start, end });
    }
  }

  private flush(r: Running): void {
    while (!r.done && r.results.has(r.merged)) {
      const index = r.merged;
      const result = r.results.get(index)!;
      r.results.delete(index);
      const start = index * r.job.batchSize;
      const end = Math.min(r.job.total, start + r.job.batchSize);
      try {
        r.job.onBatch(start, end, result, index);
      } catch (e) {
        this.fail(r, e);
        return;
      }
      r.merged++;
    }
    if (!r.done && r.merged === r.batches) this.finish(r);
  }

  private finish(r: Running): void {
    r.done = true;
    this.running = null;
    for (const s of this.slots) if (s.alive) s.thread.post({ type: 'end', jobId: r.id });
    r.resolve();
  }

  private fail(r: Running, e: unknown): void {
    if (r.done) return;
    r.done = true;
    this.running = null;
    this.markCancelled(r.id);
    for (const s of this.slots) if (s.alive) s.thread.post({ type: 'end', jobId: r.id });
    r.reject(e);
  }

  private async execute(job: PoolJob): Promise<void> {
    const where = job.where;
    if (this.isClosed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.pool has been closed`);
    if (job.signal?.aborted) throw abortError(where);
    await this.ready();
    if (this.isClosed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.pool has been closed`);
    if (job.signal?.aborted) throw abortError(where);
    if (job.total === 0) return;
    const id = ++this.jobCounter;
    this.jobsRun++;
    this.busyRefs();
    try {
      await new Promise<void>((resolve, reject) => {
        const r: Running = {
          id,
          job,
          batches: Math.ceil(job.total / job.batchSize),
          next: 0,
          merged: 0,
          results: new Map(),
          done: false,
          resolve,
          reject,
        };
        const onAbort = (): void => this.fail(r, abortError(where));
        job.signal?.addEventListener('abort', onAbort, { once: true });
        const cleanup = (): void => job.signal?.removeEventListener('abort', onAbort);
        r.resolve = () => {
          cleanup();
          resolve();
        };
        r.reject = (e) => {
          cleanup();
          reject(e);
        };
        this.running = r;
        for (const slot of this.slots) {
          const msg: ToWorker = {
            type: 'job',
            jobId: id,
            modelKey: job.model.key,
            op: job.op,
            recipe: job.recipe,
            target: job.target,
            inputs: job.inputs,
            where,
          };
          if (slot.modelKey !== job.model.key) msg.model = job.model.spec;
          slot.modelKey = job.model.key;
          slot.thread.post(msg);
        }
        this.dispatchAll(r);
      });
    } catch (e) {
      // A failed job may have left a worker without its model (e.g. the builder threw): rebuild next time.
      for (const s of this.slots) s.modelKey = null;
      throw e;
    } finally {
      if (this.slots.length > 0) this.idleRefs();
    }
  }
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
 * @param options `workers` (default GLASSBOX_WORKERS, else the number of cores), `backend` (default
 *   GLASSBOX_BACKEND, else 'wasm'), `inflight` (default 2), `onWarning` (default console.warn).
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
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.onWarning must be a function, got ${describe(options.onWarning)}`);
  }
  const size = await resolveWorkerCount(options.workers);
  const pool = new Pool(size, options);
  await pool.ready();
  return pool;
}
