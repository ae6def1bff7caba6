/**
 * The pool's threads and their life cycle. This file owns everything about the workers as threads: how many to
 * start by default, starting them (Node `worker_threads` running the built package, or module Web Workers that
 * bundlers emit in browsers), waiting until each has its backend up, noticing that one died, stopping them all
 * (on close, after a death, before a restart), keeping idle threads from holding Node open, and the `tensors`
 * diagnostic requests. It knows nothing of jobs: answers about batches and a worker's death go to the job
 * scheduler (scheduler.ts) through `ThreadEvents`, and pool.ts puts the two together.
 */
import { GlassboxError, describe } from '../errors.js';
import type { BackendName } from '../backend.js';
import type { FromWorker, SerializedError, ToWorker, WorkerInfo } from './types.js';

/** One worker thread, the same for Node and browsers. */
export interface Thread {
  post(message: ToWorker, transfer?: ArrayBuffer[]): void;
  terminate(): Promise<void>;
  ref(): void;
  unref(): void;
}

/** A batch sent to a worker and not yet answered. */
export interface PendingBatch {
  jobId: number;
  start: number;
  end: number;
}

/** One place in the pool: a worker thread and what is known about it. */
export interface Slot {
  index: number;
  thread: Thread;
  info: WorkerInfo | null;
  /** The scheduler's: the model this worker holds now (null: send it with the next job). */
  modelKey: string | null;
  /**
   * The scheduler's: batch messages sent and not yet answered, by `jobId:index`. Answers still due for a job that
   * was aborted or failed stay here until they arrive (the worker answers every batch message: result, error or
   * skipped), so that they count against the worker's queue during the next job too. Emptied when the thread stops.
   */
  pending: Map<string, PendingBatch>;
  /** Answers awaited to `tensors` requests (see Threads.tensors), in the order sent. */
  tensorRequests: Array<(count: number) => void>;
  alive: boolean;
  /** Set when we terminate it ourselves (so its exit is not a death). */
  stopping: boolean;
  lastError: unknown;
  onReady?: ((info: WorkerInfo) => void) | undefined;
  onInitError?: ((e: SerializedError) => void) | undefined;
  onExitDuringStart?: ((why: string) => void) | undefined;
}

/** The messages from a worker that concern jobs (an init-error outside a start ends the running job). */
export type JobAnswer = Extract<FromWorker, { type: 'init-error' | 'result' | 'skipped' | 'error' }>;

/** What the threads tell the job scheduler. */
export interface ThreadEvents {
  /** A worker answered a batch, or reported an init-error while no start awaited it. */
  answer(slot: Slot, m: JobAnswer): void;
  /**
   * A running worker died (not one we stopped, not during a start); `why` says how. Called before the other
   * workers are stopped; the callback it may return is called once they all are.
   */
  died(slot: Slot, why: string): (() => void) | undefined;
  /** Workers were stopped (their pending answers dropped). */
  stopped(): void;
}

/**
 * Where the pool's workers come from (`PoolOptions.worker`): undefined for tensors-ops' own worker script; a
 * function that returns a started worker (a module Web Worker in browsers, a `worker_threads` Worker in Node); or
 * the URL of a worker script that tensors-ops starts.
 */
export type WorkerSource = URL | string | (() => unknown);

/** A Node path or URL string (file:, data:) as worker_threads takes it. */
function nodeScript(source: URL | string): URL | string {
  if (typeof source === 'string' && /^(file|data):/.test(source)) return new URL(source);
  return source;
}

/** Calls the factory of options.worker, checking that it made a worker of the kind this platform runs. */
function madeWorker<W>(factory: () => unknown, node: boolean): W {
  let made: unknown;
  try {
    made = factory();
  } catch (e) {
    throw new GlassboxError('BACKEND_UNAVAILABLE', `createPool: options.worker() threw while starting a worker: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
  const w = made as { postMessage?: unknown; terminate?: unknown; on?: unknown };
  const ok = made != null && typeof w.postMessage === 'function' && typeof w.terminate === 'function' && (!node || typeof w.on === 'function');
  if (!ok) {
    const want = node ? "a worker_threads Worker (new Worker(url) from 'node:worker_threads')" : "a module Web Worker (new Worker(new URL('…', import.meta.url), { type: 'module' }))";
    throw new GlassboxError('INVALID_ARGUMENT', `createPool: options.worker() must return ${want}, got ${describe(made)}`);
  }
  return made as W;
}

const isNode =
  typeof process !== 'undefined' &&
  process.versions?.node != null &&
  typeof (globalThis as { window?: unknown }).window === 'undefined' &&
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';

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

/**
 * The number of workers: `option` when given (an integer in 1..256), else the environment variable
 * GLASSBOX_WORKERS (Node), else the number of cores.
 * @throws GlassboxError INVALID_ARGUMENT for an option or environment value outside 1..256.
 */
export async function resolveWorkerCount(option: unknown): Promise<number> {
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
 * The pool's `size` worker threads. `ready()` starts a fresh set when any is missing (at first, and after a death
 * stopped them all); a death while idle stops the rest, so the next job starts a fresh set.
 */
export class Threads {
  /** The running set (empty before a start and after a stop). */
  slots: Slot[] = [];
  /** Set by the pool's close(): a start in progress gives up and none begins. */
  closed = false;
  /** Workers started in all (more than `size` after a restart). */
  started = 0;
  private starting: Promise<void> | null = null;

  /**
   * @param backend what every worker is asked to start (undefined: the worker's default).
   * @param cancel the scheduler's shared cancel flag, handed to every worker at start (null where there is none).
   */
  constructor(
    readonly size: number,
    private readonly backend: BackendName | undefined,
    private readonly cancel: SharedArrayBuffer | null,
    private readonly events: ThreadEvents,
    private readonly source?: WorkerSource,
  ) {}

  /** What each worker reported at start-up; empty before start. */
  get info(): WorkerInfo[] {
    return this.slots.filter((s) => s.info !== null).map((s) => ({ ...s.info!, builders: [...(s.info!.builders ?? [])] }));
  }

  /** Workers whose thread is running now. */
  live(): number {
    return this.slots.filter((s) => s.alive).length;
  }

  /** Starts the workers (if they are not running) and waits until each has its backend up. */
  async ready(): Promise<void> {
    if (this.closed) throw new GlassboxError('INVALID_ARGUMENT', 'pool: this pool has been closed');
    if (this.slots.length === this.size && this.slots.every((s) => s.alive && s.info !== null)) return;
    this.starting ??= this.start().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  /** Live tensors in each worker, asked of the running set (a stopped worker answers 0). */
  tensors(): Promise<number[]> {
    return Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<number>((resolve) => {
            slot.tensorRequests.push(resolve);
            slot.thread.post({ type: 'tensors' });
          }),
      ),
    );
  }

  /** Terminates every worker of the running set and empties it. */
  async stopAll(): Promise<void> {
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
    this.events.stopped();
  }

  /** Lets Node exit while the workers are idle. */
  idleRefs(): void {
    for (const s of this.slots) s.thread.unref();
  }

  /** Keeps Node running while the workers have work. */
  busyRefs(): void {
    for (const s of this.slots) s.thread.ref();
  }

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
      const wtName = 'node:worker_threads';
      const wt = (await import(/* @vite-ignore */ wtName)) as typeof import('node:worker_threads');
      let w: import('node:worker_threads').Worker;
      if (typeof this.source === 'function') {
        w = madeWorker(this.source, true);
      } else {
        const url = this.source === undefined ? await nodeWorkerUrl() : nodeScript(this.source);
        // Workers inherit the parent's execArgv, and Node refuses `--input-type` (as in `node --input-type=module
        // -e '...'`) for a worker file: leave it out.
        const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
        w = new wt.Worker(url, { name: `glassbox-pool-${index}`, execArgv });
      }
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
      let w: Worker;
      if (this.source === undefined) {
        // The literal `new Worker(new URL(...), { type: 'module' })` lets bundlers (Vite, webpack) bundle the worker.
        w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: `glassbox-pool-${index}` });
      } else if (typeof this.source === 'function') {
        w = madeWorker(this.source, false);
      } else {
        w = new Worker(this.source, { type: 'module', name: `glassbox-pool-${index}` });
      }
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
    this.started++;
    return slot;
  }

  private async start(): Promise<void> {
    await this.stopAll();
    const slots: Slot[] = [];
    try {
      for (let i = 0; i < this.size; i++) {
        slots.push(await this.spawn(i));
        if (this.closed) throw new GlassboxError('INVALID_ARGUMENT', 'pool: this pool was closed while its workers started');
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
              if (this.cancel !== null) init.cancel = this.cancel;
              slot.thread.post(init);
            }),
        ),
      );
      if (this.closed) throw new GlassboxError('INVALID_ARGUMENT', 'pool: this pool was closed while its workers started');
    } catch (e) {
      this.slots = slots;
      await this.stopAll();
      if (this.closed) throw new GlassboxError('INVALID_ARGUMENT', 'pool: this pool was closed while its workers started');
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

  private message(slot: Slot, m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        slot.onReady?.(m.info);
        return;
      case 'init-error':
        if (slot.onInitError !== undefined) slot.onInitError(m.error);
        else this.events.answer(slot, m);
        return;
      case 'tensors':
        slot.tensorRequests.shift()?.(m.count);
        return;
      case 'result':
      case 'skipped':
      case 'error':
        this.events.answer(slot, m);
        return;
    }
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
    // The scheduler stops the running job first; then no worker is left behind (the next job starts a fresh set),
    // and only then does the job's caller hear about it.
    const afterStop = this.events.died(slot, why);
    void this.stopAll().then(
      () => afterStop?.(),
      () => afterStop?.(),
    );
  }
}
