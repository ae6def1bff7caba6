// Small jobs: a job whose estimated work is below the pool's minWorkMs runs on the calling thread, with the same
// numbers. The rule depends on timing only through the threshold, so these tests inject it (0: never here,
// Infinity: whenever the cost is known) and check where each job ran. The workers run the BUILT package
// (dist/pool/worker.js): `pnpm build` first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng } from '../rng.js';
import { sequential, type Sequential } from '../nn/sequential.js';
import { explainerRun, prepareExplainer } from '../contract/prepare-explainer.js';
import { scoreRows } from '../contract/score-rows.js';
import { selectTarget } from '../contract/select-target.js';
import { expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { createPool, type Pool } from './index.js';
import { describePoolModel } from '../index.js';

const N = 5;
const TARGETS = [2, 0, 1, 2, 1];

/** F_t(x_j) for every row of x through scoreRows (pooled when `pool` is given and the job is not small). */
function scores(model: Sequential, x: tf.Tensor, pool: Pool | undefined): Promise<Float64Array> {
  const p = prepareExplainer(model, x, { target: TARGETS, batchSize: 2, ...(pool === undefined ? {} : { pool }) }, 'smallJobTest');
  const data = Float32Array.from(x.dataSync());
  return scoreRows(explainerRun(p, {}, 'smallJobTest', N), N, (s, e) => tf.slice(x, s, e - s), (j) => j, pool === undefined ? undefined : { kind: 'rows', rowShape: x.shape.slice(1), data });
}

/** The same scores computed directly: the model's outputs, each row's target column. */
function direct(model: Sequential, x: tf.Tensor): number[] {
  return tf.tidy(() => Array.from(selectTarget(model.predict(x), Int32Array.from(TARGETS)).dataSync()));
}

const counts = (pool: Pool): { jobs: number; local: number; batches: number } => {
  const s = pool.stats();
  return { jobs: s.jobs, local: s.localJobs, batches: s.batchesPerWorker.reduce((a, b) => a + b, 0) };
};

describe.each(['wasm', 'cpu'] as const)('small jobs on the calling thread (%s)', (backend) => {
  let pool: Pool;
  let model: Sequential;
  let x: tf.Tensor;

  beforeAll(async () => {
    await initBackend({ backend, fallback: false });
    pool = await createPool({ workers: 1, backend, minWorkMs: Infinity });
    model = sequential(
      [
        { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'flatten' },
        { type: 'dense', units: 3 },
      ],
      [5, 5, 1],
      { seed: 4 },
    );
    x = tf.tensor4d(createRng(8).uniformArray(N * 25), [N, 5, 5, 1]);
  });

  afterAll(async () => {
    await pool?.close();
    model?.dispose();
    x?.dispose();
    await initBackend({ backend: 'wasm', fallback: false });
  });

  it('sends the first job of a model to the workers (its cost is unknown), runs the next one here, same numbers', async () => {
    expect(pool.minWorkMs).toBe(Infinity);
    expect(pool.stats().dispatchMs).toBeNull();
    const d = describePoolModel(model);
    if ('reason' in d) throw new Error(d.reason);
    const query = { model: d, op: 'forward' as const, recipe: { kind: 'rows' as const, rowShape: [5, 5, 1] }, total: N };
    expect(pool.estimateWorkMs(query)).toBeNull();

    const c0 = counts(pool);
    const pooled = await expectNoLeaks(() => scores(model, x, pool));
    const c1 = counts(pool);
    expect(c1).toEqual({ jobs: c0.jobs + 1, local: c0.local, batches: c0.batches + 3 });
    // Measured on that job: a time per row for this model, pass and row shape, and what the job cost beyond it.
    expect(pool.estimateWorkMs(query)).toBeGreaterThan(0);
    expect(pool.estimateWorkMs({ ...query, total: 2 * N })).toBeCloseTo(2 * pool.estimateWorkMs(query)!, 9);
    expect(pool.stats().dispatchMs).toBeGreaterThanOrEqual(0);
    // Another pass of the same model has no cost yet.
    expect(pool.estimateWorkMs({ ...query, op: 'gradients' })).toBeNull();

    const here = await expectNoLeaks(() => scores(model, x, pool));
    const c2 = counts(pool);
    expect(c2).toEqual({ jobs: c1.jobs, local: c1.local + 1, batches: c1.batches });
    const main = await expectNoLeaks(() => scores(model, x, undefined));
    expect(Array.from(here)).toEqual(Array.from(main));
    expect(Array.from(pooled)).toEqual(Array.from(main));
    const want = direct(model, x);
    for (let i = 0; i < N; i++) expect(Math.abs(main[i]! - want[i]!)).toBeLessThanOrEqual(1e-6);
  });

  it('never runs a job here when this thread runs another backend than the workers', async () => {
    await scores(model, x, pool); // the cost is known (whichever test ran first)
    const other = backend === 'wasm' ? 'cpu' : 'wasm';
    await initBackend({ backend: other, fallback: false });
    try {
      const c0 = counts(pool);
      const got = await expectNoLeaks(() => scores(model, x, pool));
      expect(counts(pool)).toEqual({ jobs: c0.jobs + 1, local: c0.local, batches: c0.batches + 3 });
      const want = direct(model, x);
      for (let i = 0; i < N; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-6);
    } finally {
      await initBackend({ backend, fallback: false });
    }
  });
});

describe('minWorkMs', () => {
  it('0 sends every job to the workers; GLASSBOX_POOL_MIN_WORK_MS is the default', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const saved = process.env.GLASSBOX_POOL_MIN_WORK_MS;
    process.env.GLASSBOX_POOL_MIN_WORK_MS = '0';
    let pool: Pool | undefined;
    const model = sequential([{ type: 'dense', units: 3 }], [4], { seed: 2 });
    const x = tf.tensor2d(createRng(3).uniformArray(N * 4), [N, 4]);
    try {
      pool = await createPool({ workers: 1 });
      expect(pool.minWorkMs).toBe(0);
      for (let call = 0; call < 3; call++) await expectNoLeaks(() => scores(model, x, pool));
      expect(pool.stats().jobs).toBe(3);
      expect(pool.stats().localJobs).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.GLASSBOX_POOL_MIN_WORK_MS;
      else process.env.GLASSBOX_POOL_MIN_WORK_MS = saved;
      await pool?.close();
      model.dispose();
      x.dispose();
    }
  });

  it('refuses a negative or non-numeric threshold, given or from the environment, before starting a worker', async () => {
    for (const bad of [-1, Number.NaN, '3']) {
      await expectGlassboxError(() => createPool({ workers: 1, minWorkMs: bad as number }), 'INVALID_ARGUMENT', /createPool: options\.minWorkMs must be a number of milliseconds >= 0 \(Infinity allowed\), got /);
    }
    const saved = process.env.GLASSBOX_POOL_MIN_WORK_MS;
    process.env.GLASSBOX_POOL_MIN_WORK_MS = 'soon';
    try {
      await expectGlassboxError(() => createPool({ workers: 1 }), 'INVALID_ARGUMENT', /GLASSBOX_POOL_MIN_WORK_MS must be a number of milliseconds >= 0 \(or Infinity\), got "soon"/);
    } finally {
      if (saved === undefined) delete process.env.GLASSBOX_POOL_MIN_WORK_MS;
      else process.env.GLASSBOX_POOL_MIN_WORK_MS = saved;
    }
  });
});
