// The page of e2e/adapters-pool.e2e.test.ts: a user's tfjs-layers model, loaded with @glassbox/adapters, explained
// with occlusion on the main thread and on a worker pool whose workers are started from the adapters' worker entry
// (`@glassbox/adapters/pool-worker`, bundled by Vite from the literal `new Worker(new URL(...), { type: 'module' })`
// below). The model's files are served next to the build (./model/). Results cross to the test as plain arrays.
import { initBackend, isGlassboxError, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { createPool } from '@glassbox/tensors-ops/pool';
import type { Pool, PoolStats, WorkerInfo } from '@glassbox/tensors-ops/pool';
import { loadLayersModel } from '@glassbox/adapters';
import type { GlassboxModel } from '@glassbox/adapters';
import { occlusion } from '@glassbox/explainers-perturbation';

export interface Outcome {
  code: string | null;
  message: string;
}

export interface PooledRun {
  attributions: number[];
  /** attributions of a second call (another target) on the same pool, and the main thread's for it. */
  second: number[];
  secondMain: number[];
  /** pool.stats() after the first call and after the second. */
  statsAfterFirst: PoolStats;
  statsAfterSecond: PoolStats;
  workerInfo: WorkerInfo[];
  /** Live tensors in each worker after the calls (the model's weights). */
  workerTensors: number[];
  /** Tensors left on the main thread by the pooled calls. */
  leaked: number;
}

let model: GlassboxModel;
let x: Tensor;

const OPTIONS = { window: [8, 8, 3], strides: [8, 8, 3], batchSize: 4 };

async function occ(target: number[], pool?: Pool): Promise<number[]> {
  const r = await occlusion(model, x, { ...OPTIONS, target, ...(pool === undefined ? {} : { pool }) });
  try {
    return Array.from(await r.attributions.data());
  } finally {
    r.attributions.dispose();
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

const api = {
  /** Starts the WASM backend, loads the model served at ./model/model.json and makes x [n, 32, 32, 3] from `values`. */
  async setup(values: number[], n: number): Promise<{ backend: string; outputs: number[] }> {
    const info = await initBackend({ backend: 'wasm', fallback: false });
    model = await loadLayersModel(new URL('./model/model.json', location.href).href);
    x = tf.tensor4d(values, [n, 32, 32, 3]);
    const y = await model.predict(x);
    try {
      return { backend: info.backend, outputs: Array.from(await y.data()) };
    } finally {
      y.dispose();
    }
  },

  /** Occlusion on the main thread. */
  explainMain(target: number[]): Promise<number[]> {
    return occ(target);
  },

  /**
   * Occlusion on a pool of `workers` workers started from @glassbox/adapters/pool-worker: two calls (two targets),
   * with the pool's stats after each; the pool is closed before returning.
   */
  async explainPooled(workers: number, target: number[], secondTarget: number[]): Promise<PooledRun> {
    const pool = await createPool({
      workers,
      worker: () => new Worker(new URL('@glassbox/adapters/pool-worker', import.meta.url), { type: 'module' }),
    });
    try {
      const before = tf.memory().numTensors;
      const attributions = await occ(target, pool);
      const statsAfterFirst = pool.stats();
      const second = await occ(secondTarget, pool);
      const statsAfterSecond = pool.stats();
      const leaked = tf.memory().numTensors - before;
      return {
        attributions,
        second,
        secondMain: await occ(secondTarget),
        statsAfterFirst,
        statsAfterSecond,
        workerInfo: pool.workerInfo,
        workerTensors: await pool.workerTensors(),
        leaked,
      };
    } finally {
      await pool.close();
    }
  },

  /** The same call on a pool of tensors-ops' default workers, which do not hold the adapters' builder. */
  async explainOnDefaultPool(target: number[]): Promise<Outcome & { leaked: number }> {
    const pool = await createPool({ workers: 1 });
    try {
      const before = tf.memory().numTensors;
      const r = await outcome(() => occ(target, pool));
      return { ...r, leaked: tf.memory().numTensors - before };
    } finally {
      await pool.close();
    }
  },
};

declare global {
  interface Window {
    adaptersPoolPage: typeof api;
  }
}

window.adaptersPoolPage = api;
const status = document.getElementById('status')!;
status.dataset['state'] = 'ready';
status.textContent = 'ready';
