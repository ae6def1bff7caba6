/**
 * The pool's job scheduling. This file owns what happens to a job once the workers are up: the queue that runs
 * jobs (and `tensors` requests) one at a time, sending the job and its batches breadth-first to every worker's
 * queue, the state of the running job, aborts (while running and while waiting for a turn) and the shared cancel
 * flag that lets workers skip batches of a cancelled job, freeing a place in a worker's queue on every answer
 * (whichever job it belonged to), handing results to the caller in batch order, and the errors a job ends with.
 * It starts and stops no thread itself: it asks threads.ts (`Threads`) for ready workers and hears their answers
 * and deaths through `ThreadEvents`.
 */
import { GlassboxError, abortError } from '../errors.js';
import type { PoolModel } from './model.js';
import type { BatchResult, PoolOp, RowRecipe, SerializedError, ToWorker } from './types.js';
import type { JobAnswer, Slot, Threads } from './threads.js';

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

interface Running {
  id: number;
  job: PoolJob;
  batches: number;
  next: number;
  merged: number;
  results: Map<number, BatchResult>;
  /** The workers' time for the batches answered so far (ms), and their rows. */
  workMs: number;
  workRows: number;
  /** The same time by worker slot (ms). */
  slotMs: number[];
  /** When the job's messages were sent (performance.now()). */
  sentAt: number;
  done: boolean;
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * A cancel flag the workers can read while they compute (an Int32Array on a SharedArrayBuffer), or null where
 * SharedArrayBuffer is missing (a browser page that is not cross-origin isolated).
 */
export function createCancelFlag(): Int32Array | null {
  return typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : null;
}

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

/**
 * What identifies a job's cost per row: the model (its content key), the pass and the rows (recipe kind and row
 * shape). Jobs with the same key cost about the same per row.
 */
export function costKey(model: PoolModel, op: PoolOp, recipe: Pick<RowRecipe, 'kind' | 'rowShape'>): string {
  return `${model.key}|${op}|${recipe.kind}|${recipe.rowShape.join('x')}`;
}

/** How many cost keys the scheduler remembers (the oldest is forgotten first). */
const MAX_COSTS = 64;
/** How many recent jobs' dispatch costs the scheduler keeps (their median is the estimate). */
const DISPATCH_SAMPLES = 9;

/** Runs jobs one at a time on the workers of `threads`, each worker keeping up to `inflight` batches queued. */
export class Scheduler {
  /** Jobs that sent batches to the workers. */
  jobsRun = 0;
  /** Job messages that carried the model's spec (a worker that did not hold the model yet, and rebuilt it). */
  modelsSent = 0;
  /** Batches computed by each worker slot since the pool started. */
  readonly batchCounts: number[];
  /**
   * A worker's milliseconds per row, by costKey, measured on the last job of that key that completed: the sum of
   * its batches' times (as each worker measured them) over its rows.
   */
  private readonly costs = new Map<string, number>();
  /**
   * What recent jobs cost beyond their work (ms): a job's time from sending it to merging its last batch, minus
   * the busiest worker's time on its batches (waking the workers, the messages, waiting for the answers in order).
   */
  private readonly dispatchSamples: number[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private running: Running | null = null;
  private jobCounter = 0;
  private idleWaiters: Array<() => void> = [];

  /** @param cancel the flag from createCancelFlag, also handed to every worker by `threads`. */
  constructor(
    private readonly threads: Threads,
    private readonly inflight: number,
    private readonly cancel: Int32Array | null,
  ) {
    this.batchCounts = new Array<number>(threads.size).fill(0);
  }

  /**
   * A worker's estimated milliseconds for `rows` rows of a job with this model, pass and recipe: rows x the time
   * per row measured on the last such job that completed, or null when no such job completed yet.
   */
  estimateMs(model: PoolModel, op: PoolOp, recipe: Pick<RowRecipe, 'kind' | 'rowShape'>, rows: number): number | null {
    const perRow = this.costs.get(costKey(model, op, recipe));
    return perRow === undefined ? null : perRow * rows;
  }

  /**
   * The median of what the last jobs (up to 9) cost beyond their work, in ms: from sending the job to merging its
   * last batch, minus the busiest worker's time on it. Null before a job completed.
   */
  dispatchMs(): number | null {
    const s = [...this.dispatchSamples].sort((a, b) => a - b);
    if (s.length === 0) return null;
    const m = s.length >> 1;
    return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  }

  /** Runs `task` after every job and task queued before it is over. */
  inTurn<T>(task: () => Promise<T>): Promise<T> {
    const turn = this.queue.then(task);
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** See Pool.run. */
  run(job: PoolJob): Promise<void> {
    if (this.threads.closed) return Promise.reject(new GlassboxError('INVALID_ARGUMENT', `${job.where}: options.pool has been closed`));
    if (job.signal?.aborted) return Promise.reject(abortError(job.where));
    const turn = this.inTurn(() => this.execute(job));
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

  /** See Pool.idle. */
  idle(): Promise<void> {
    if (this.threads.slots.every((s) => s.pending.size === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The pool is closing: the running job, if any, rejects with BACKEND_UNAVAILABLE. */
  closing(): void {
    if (this.running !== null) this.fail(this.running, new GlassboxError('BACKEND_UNAVAILABLE', `${this.running.job.where}: the pool was closed while the job ran`));
  }

  /** Wakes the callers of idle() once no batch is in flight on any worker. */
  checkIdle(): void {
    if (this.idleWaiters.length > 0 && this.threads.slots.every((s) => s.pending.size === 0)) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** A worker's answer about a batch (or an init-error outside a start). */
  answer(slot: Slot, m: JobAnswer): void {
    if (m.type === 'init-error') {
      if (this.running !== null) this.fail(this.running, reconstruct(m.error, this.running.job.where, slot.index));
      return;
    }
    slot.pending.delete(this.pendingKey(m.jobId, m.index));
    const r = this.running;
    if (m.type === 'result') this.batchCounts[slot.index]!++;
    if (r !== null && !r.done) {
      if (r.id === m.jobId) {
        if (m.type === 'error') {
          this.fail(r, reconstruct(m.error, r.job.where, slot.index));
        } else if (m.type === 'result') {
          r.workMs += m.ms;
          r.slotMs[slot.index]! += m.ms;
          r.workRows += Math.min(r.job.total, (m.index + 1) * r.job.batchSize) - m.index * r.job.batchSize;
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
  }

  /**
   * A worker died (`why` says how): the running job, if any, stops here and the returned callback rejects it
   * once the threads have stopped the other workers.
   */
  died(slot: Slot, why: string): (() => void) | undefined {
    const r = this.running;
    const pending = [...slot.pending.values()].filter((p) => r !== null && p.jobId === r.id);
    slot.pending.clear();
    if (r === null || r.done) return undefined;
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
    // Leave no worker behind: the caller hears about it after the others are stopped.
    return () => r.reject(error);
  }

  private pendingKey(jobId: number, index: number): string {
    // Jobs run one at a time, but answers of a cancelled job may still arrive during the next one.
    return `${jobId}:${index}`;
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
    for (let level = 1; level <= this.inflight; level++) for (const slot of this.threads.slots) this.dispatch(r, slot, level);
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
    if (r.workRows > 0 && Number.isFinite(r.workMs)) {
      const key = costKey(r.job.model, r.job.op, r.job.recipe);
      this.costs.delete(key);
      this.costs.set(key, r.workMs / r.workRows);
      if (this.costs.size > MAX_COSTS) this.costs.delete(this.costs.keys().next().value!);
      const overhead = performance.now() - r.sentAt - Math.max(0, ...r.slotMs);
      if (Number.isFinite(overhead)) {
        this.dispatchSamples.push(Math.max(0, overhead));
        if (this.dispatchSamples.length > DISPATCH_SAMPLES) this.dispatchSamples.shift();
      }
    }
    for (const s of this.threads.slots) if (s.alive) s.thread.post({ type: 'end', jobId: r.id });
    r.resolve();
  }

  private fail(r: Running, e: unknown): void {
    if (r.done) return;
    r.done = true;
    this.running = null;
    this.markCancelled(r.id);
    for (const s of this.threads.slots) if (s.alive) s.thread.post({ type: 'end', jobId: r.id });
    r.reject(e);
  }

  private async execute(job: PoolJob): Promise<void> {
    const where = job.where;
    if (this.threads.closed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.pool has been closed`);
    if (job.signal?.aborted) throw abortError(where);
    await this.threads.ready();
    if (this.threads.closed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.pool has been closed`);
    if (job.signal?.aborted) throw abortError(where);
    if (job.total === 0) return;
    const id = ++this.jobCounter;
    this.jobsRun++;
    this.threads.busyRefs();
    try {
      await new Promise<void>((resolve, reject) => {
        const r: Running = {
          id,
          job,
          batches: Math.ceil(job.total / job.batchSize),
          next: 0,
          merged: 0,
          results: new Map(),
          workMs: 0,
          workRows: 0,
          slotMs: new Array<number>(this.threads.slots.length).fill(0),
          sentAt: performance.now(),
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
        for (const slot of this.threads.slots) {
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
          if (slot.modelKey !== job.model.key) {
            msg.model = job.model.spec;
            this.modelsSent++;
          }
          slot.modelKey = job.model.key;
          slot.thread.post(msg);
        }
        this.dispatchAll(r);
      });
    } catch (e) {
      // A failed job may have left a worker without its model (e.g. the builder threw): rebuild next time.
      for (const s of this.threads.slots) s.modelKey = null;
      throw e;
    } finally {
      if (this.threads.slots.length > 0) this.threads.idleRefs();
    }
  }
}
