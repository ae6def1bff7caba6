// The page of e2e/pool.e2e.test.ts: @glassbox/tensors-ops' worker pool in a real browser. It builds a tensors-ops
// Sequential, runs explainers that support `options.pool` on the main thread and with `createPool()` (module Web
// Workers), and exposes each step to the test as `window.poolPage`. Results cross to the test as plain arrays.
import { createRng, initBackend, isGlassboxError, isPool, poolable, sequential, tf } from '@glassbox/tensors-ops';
import type { Attribution, BackendInfo, Sequential, Tensor } from '@glassbox/tensors-ops';
import { createPool } from '@glassbox/tensors-ops/pool';
import type { Pool, PoolStats, WorkerInfo } from '@glassbox/tensors-ops/pool';
import { integratedGradients, saliency } from '@glassbox/explainers-gradient';
import { kernelShap, occlusion } from '@glassbox/explainers-perturbation';

export interface Outcome {
  /** GlassboxError code, or null when the call resolved or threw something else. */
  code: string | null;
  message: string;
}

export interface PoolReport {
  size: number;
  live: number;
  closed: boolean;
  isPool: boolean;
  workerInfo: WorkerInfo[];
  stats: PoolStats;
}

let model: Sequential;
let x: Tensor;
let pool: Pool | null = null;

function current(): Pool {
  if (pool === null) throw new Error('poolPage: call startPool() first');
  return pool;
}

async function values(run: () => Promise<Attribution>): Promise<{ a: number[]; d: number[] | null }> {
  const r = await run();
  try {
    return { a: Array.from(r.attributions.dataSync()), d: r.delta ? Array.from(r.delta.dataSync()) : null };
  } finally {
    tf.dispose([r.attributions, r.delta ?? []]);
  }
}

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return { code: null, message: 'resolved' };
  } catch (e) {
    return { code: isGlassboxError(e) ? e.code : null, message: e instanceof Error ? e.message : String(e) };
  }
}

function report(p: Pool): PoolReport {
  return { size: p.size, live: p.liveWorkers(), closed: p.closed, isPool: isPool(p), workerInfo: p.workerInfo, stats: p.stats() };
}

const computedBatches = (p: Pool): number => p.stats().batchesPerWorker.reduce((a, b) => a + b, 0);

const api = {
  /**
   * Starts the page's own backend (threaded WASM with `threads` threads when the page is cross-origin isolated)
   * and the model (initBackend lifts tfjs-backend-wasm's cap of hardwareConcurrency / 2 threads).
   */
  async setup(threads = 1): Promise<{ backend: BackendInfo; isolated: boolean; cores: number; multithread: boolean }> {
    const backend = await initBackend({ fallback: false, threads });
    model = sequential(
      [
        { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'conv2d', filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
        { type: 'flatten' },
        { type: 'dense', units: 5 },
      ],
      [8, 8, 1],
      { seed: 4 },
    );
    x = tf.tensor4d(createRng(7).uniformArray(3 * 64), [3, 8, 8, 1]);
    const multithread = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    return { backend, isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency, multithread };
  },

  /** Integrated gradients, saliency and occlusion, on the main thread or on the pool; and the tensor count after. */
  async explain(pooled: boolean): Promise<{ results: Record<string, number[]>; numTensors: number }> {
    const extra = pooled ? { pool: current() } : {};
    const ig = await values(() => integratedGradients(model, x, { target: [1, 4, 2], steps: 24, baseline: 0.1, batchSize: 5, ...extra }));
    const sal = await values(() => saliency(model, x, { target: 2, batchSize: 2, abs: false, ...extra }));
    const occ = await values(() => occlusion(model, x, { target: 3, window: [3, 3, 1], strides: [2, 2, 1], batchSize: 4, ...extra }));
    return { results: { integratedGradients: ig.a, delta: ig.d ?? [], saliency: sal.a, occlusion: occ.a }, numTensors: tf.memory().numTensors };
  },

  async startPool(workers: number): Promise<PoolReport> {
    // minWorkMs 0: every job goes to the workers (the test checks where the batches ran; the small-job rule,
    // which depends on timing, would otherwise run some of its small calls on this thread).
    pool = await createPool({ workers, minWorkMs: 0 });
    return report(pool);
  },

  poolReport(): PoolReport {
    return report(current());
  },

  /**
   * A long integrated-gradients call on the pool (384 batches of 4 path points), aborted from onProgress once
   * `after` rows are merged. Counts the batches the workers computed before the abort and after it (until idle).
   */
  async abortRun(after: number): Promise<Outcome & { total: number; beforeAbort: number; afterAbort: number; live: number; leaked: number }> {
    const p = current();
    const controller = new AbortController();
    const start = computedBatches(p);
    const numTensors = tf.memory().numTensors;
    let atAbort = -1;
    const result = await outcome(async () => {
      const r = await integratedGradients(model, x, {
        target: 1,
        steps: 512,
        batchSize: 4,
        pool: p,
        signal: controller.signal,
        onProgress: (done) => {
          if (atAbort < 0 && done >= after) {
            atAbort = computedBatches(p);
            controller.abort();
          }
        },
      });
      tf.dispose([r.attributions, r.delta ?? []]);
    });
    await p.idle();
    return {
      ...result,
      total: Math.ceil((3 * 512) / 4),
      beforeAbort: atAbort - start,
      afterAbort: computedBatches(p) - atAbort,
      live: p.liveWorkers(),
      leaked: tf.memory().numTensors - numTensors,
    };
  },

  /**
   * Aborts a long call of `method` on the pool and, without waiting for the pool to be idle, explains again on it. `how`: 'progress' aborts from onProgress once `after` rows are merged; 'timer' from a timer started
   * there (so that the abort lands while the workers are busy with full queues); 'before' passes a signal that
   * is aborted already. Reports the outcome, the next explanation, the tensors left on this thread and each
   * worker's live tensors before and after.
   */
  async abortThenExplain(
    method: 'integratedGradients' | 'occlusion' | 'kernelShap',
    how: 'progress' | 'timer' | 'before',
    after = 8,
  ): Promise<Outcome & { next: Record<string, number[]>; leaked: number; computedBeforeStart: number; workerTensors: number[]; workerTensorsBefore: number[] }> {
    const p = current();
    const workerTensorsBefore = await p.workerTensors();
    const numTensors = tf.memory().numTensors;
    const controller = new AbortController();
    if (how === 'before') controller.abort();
    const start = computedBatches(p);
    let computedBeforeStart = -1;
    const options = {
      target: 1,
      pool: p,
      signal: controller.signal,
      onProgress: (done: number) => {
        if (done < after || controller.signal.aborted) return;
        if (how === 'timer') setTimeout(() => controller.abort(), 0);
        else controller.abort();
      },
    };
    // Long calls: 384 batches (integrated gradients), 75 (occlusion), 452 (KernelSHAP over the 64 pixels).
    const long = {
      integratedGradients: () => integratedGradients(model, x, { ...options, steps: 512, batchSize: 4 }),
      occlusion: () => occlusion(model, x, { ...options, window: [2, 2, 1], strides: [1, 1, 1], batchSize: 2, incremental: false }),
      kernelShap: () => kernelShap(model, x, { ...options, samples: 600, seed: 1, batchSize: 4 }),
    };
    const result = await outcome(() => values(long[method]));
    if (how === 'before') computedBeforeStart = computedBatches(p) - start;
    const leaked = tf.memory().numTensors - numTensors;
    const next = (await api.explain(true)).results;
    return { ...result, next, leaked, computedBeforeStart, workerTensors: await p.workerTensors(), workerTensorsBefore };
  },

  /**
   * Cross-origin isolated pages only (SharedArrayBuffer): holds both workers inside a batch of a call whose
   * batches fill every worker queue (public/gated-model.js), aborts it, starts the next call, and only then
   * lets the workers go. Before the fix, that next call never settled.
   */
  async abortWithFullQueues(): Promise<Outcome & { next: Record<string, number[]>; leaked: number }> {
    const p = current();
    const gate = new Int32Array(new SharedArrayBuffer(8));
    const w = tf.tensor2d(createRng(5).normalArray(64 * 5), [64, 5]);
    const module = new URL('./gated-model.js', location.href).href;
    const gated = poolable((v: Tensor): Tensor => tf.matMul(tf.reshape(v, [v.shape[0]!, 64]), w), {
      module,
      export: 'build',
      args: { gate: gate.buffer, tag: 'full-queues' },
      weights: { w },
    });
    try {
      const numTensors = tf.memory().numTensors;
      const controller = new AbortController();
      // batchSize 1: the forward pass alone has 6 batches, more than the 2 x 2 places of the workers' queues.
      const first = outcome(() => values(() => integratedGradients(gated, x, { target: 1, steps: 8, batchSize: 1, pool: p, signal: controller.signal })));
      while (Atomics.load(gate, 1) < 2) {
        const r = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<unknown> } }).waitAsync(gate, 1, Atomics.load(gate, 1));
        if (r.async) await r.value;
      }
      controller.abort();
      const result = await first;
      const leaked = tf.memory().numTensors - numTensors;
      const next = api.explain(true);
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      return { ...result, next: (await next).results, leaked };
    } finally {
      w.dispose();
    }
  },

  /**
   * A second pool, closed while a call runs on it: the call rejects, and a call made afterwards rejects too
   * (a rejected promise, never an exception thrown out of band).
   */
  async closeWhileRunning(): Promise<{ running: Outcome; afterClose: Outcome; live: number }> {
    const extra = await createPool({ workers: 2, minWorkMs: 0 });
    let closing: Promise<void> | null = null;
    const running = await outcome(() =>
      values(() =>
        integratedGradients(model, x, {
          target: 1,
          steps: 512,
          batchSize: 4,
          pool: extra,
          onProgress: () => {
            closing ??= extra.close();
          },
        }),
      ),
    );
    await closing;
    const afterClose = await outcome(() => values(() => integratedGradients(model, x, { target: 1, pool: extra })));
    return { running, afterClose, live: extra.liveWorkers() };
  },

  /** A model error raised inside a worker (target out of range) reaches the caller as on the main thread. */
  async workerError(): Promise<{ main: Outcome; pooled: Outcome }> {
    const run = (extra: object) => outcome(() => values(() => integratedGradients(model, x, { target: 9, steps: 4, ...extra })));
    return { main: await run({}), pooled: await run({ pool: current() }) };
  },

  /**
   * A poolable model whose worker copies throw an uncaught error on their 3rd call: the job rejects with
   * BACKEND_UNAVAILABLE, the pool stops its workers, and the next job starts fresh ones.
   */
  async dyingWorker(): Promise<{ died: Outcome; liveAfterDeath: number; next: { same: boolean; live: number; started: number } }> {
    const p = current();
    const w = tf.tensor2d(createRng(3).normalArray(64 * 5), [64, 5]);
    const module = new URL('./dying-model.js', location.href).href;
    const linear = (v: Tensor): Tensor => tf.matMul(tf.reshape(v, [v.shape[0]!, 64]), w);
    try {
      const dying = poolable(linear, { module, export: 'build', args: { dieOnCall: 3 }, weights: { w } });
      const options = { target: 1, steps: 16, batchSize: 2 };
      const died = await outcome(() => values(() => integratedGradients(dying, x, { ...options, pool: p })));
      const liveAfterDeath = p.liveWorkers();
      const healthy = poolable(linear, { module, export: 'build', args: {}, weights: { w } });
      const main = await values(() => integratedGradients(healthy, x, options));
      const pooled = await values(() => integratedGradients(healthy, x, { ...options, pool: p }));
      const same = main.a.length === pooled.a.length && main.a.every((v, i) => v === pooled.a[i]);
      return { died, liveAfterDeath, next: { same, live: p.liveWorkers(), started: p.stats().started } };
    } finally {
      w.dispose();
    }
  },

  async closePool(): Promise<PoolReport & { afterClose: Outcome }> {
    const p = current();
    await p.close();
    const afterClose = await outcome(() => values(() => saliency(model, x, { target: 0, pool: p })));
    return { ...report(p), afterClose };
  },
};

declare global {
  interface Window {
    poolPage: typeof api;
  }
}

window.poolPage = api;
const status = document.getElementById('status')!;
status.dataset['state'] = 'ready';
status.textContent = 'ready';
