// The pool's mechanics: sizing, exact merging in batch order, worker death, abort, close, warnings, leaks.
// The workers run the BUILT package (dist/pool/worker.js): `pnpm build` (turbo does it before tests).
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng } from '../rng.js';
import { sequential, type Sequential } from '../nn/sequential.js';
import { residualModel } from '../nn/residual-model.js';
import { selectTarget } from '../contract/select-target.js';
import { expectGlassboxError, expectNoLeaks } from '../testing/index.js';
// createPool comes from the opt-in entry ('@glassbox/tensors-ops/pool'); the rest from the main entry.
import { createPool, isPool as isPoolOfPoolEntry, type Pool, type PoolJob } from './index.js';
import { autoBatchSize, describePoolModel, estimateRowBytes, isPool, poolable, resolvePool, type PoolModel } from '../index.js';

const fixture = new URL('./fixtures/linear-model.mjs', import.meta.url).href;

/** The OS threads of this process (Linux: /proc/self/task); each pool worker is one. */
function tasks(): Set<string> {
  return new Set(readdirSync('/proc/self/task'));
}

/** Starts a pool and returns it with the ids of the OS threads it started. */
async function poolWithThreads(options: Parameters<typeof createPool>[0]): Promise<{ pool: Pool; tids: string[] }> {
  const before = tasks();
  const pool = await createPool(options);
  return { pool, tids: [...tasks()].filter((t) => !before.has(t)) };
}

/** Waits (up to 2 s) until none of `tids` runs; returns those still running. */
async function stillRunning(tids: string[]): Promise<string[]> {
  for (let i = 0; i < 40 && tids.some((t) => tasks().has(t)); i++) await new Promise((r) => setTimeout(r, 50));
  const now = tasks();
  return tids.filter((t) => now.has(t));
}

function described(f: unknown): PoolModel {
  const d = describePoolModel(f as never);
  if ('reason' in d) throw new Error(d.reason);
  return d;
}

function linearFixture(args: Record<string, unknown>, w: tf.Tensor): PoolModel {
  const f = poolable((x: tf.Tensor) => tf.matMul(tf.reshape(x, [x.shape[0]!, w.shape[0]!]), w), { module: fixture, export: 'build', args, weights: { w } });
  const d = describePoolModel(f);
  if ('reason' in d) throw new Error(d.reason);
  return d;
}

/**
 * A gate for the fixture's `gate` argument: every model call in a worker checks in (entered) and then waits
 * until the test opens the gate. The test thus stops the workers inside a batch at a point it chooses.
 */
function makeGate(): { buffer: SharedArrayBuffer; entered(calls: number): Promise<void>; open(): void } {
  const g = new Int32Array(new SharedArrayBuffer(8));
  const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<unknown> | string } }).waitAsync;
  return {
    buffer: g.buffer as SharedArrayBuffer,
    async entered(calls) {
      for (let seen = Atomics.load(g, 1); seen < calls; seen = Atomics.load(g, 1)) {
        const r = waitAsync(g, 1, seen);
        if (r.async) await r.value;
      }
    },
    open() {
      Atomics.store(g, 0, 1);
      Atomics.notify(g, 0);
    },
  };
}

/** A job over `rows` rows of 6 features, collecting each batch's values in order. */
function rowsJob(model: PoolModel, data: Float32Array, batchSize: number, op: 'forward' | 'gradients'): Omit<PoolJob, 'onBatch'> {
  return {
    where: 'poolTest',
    model,
    op,
    recipe: { kind: 'rows', rowShape: [6], data },
    total: data.length / 6,
    batchSize,
    target: 1,
    inputs: data.length / 6,
  };
}

describe('createPool', () => {
  let poolTids: string[] = [];
  let pool: Pool;
  let model: Sequential;
  let w: tf.Tensor;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    ({ pool, tids: poolTids } = await poolWithThreads({ workers: 2 }));
    model = sequential(
      [
        { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'flatten' },
        { type: 'dense', units: 3 },
      ],
      [6, 6, 1],
      { seed: 3 },
    );
    w = tf.tensor2d(createRng(2).normalArray(6 * 3), [6, 3]);
  });

  afterAll(async () => {
    await pool?.close();
    model?.dispose();
    w?.dispose();
  });

  it('starts one thread per worker, sized by options.workers, and reports their backend', async () => {
    expect(isPool(pool)).toBe(true);
    expect(isPoolOfPoolEntry(pool)).toBe(true);
    // The brand is a registered symbol, so a Pool is recognised without importing pool.ts (and across copies).
    expect((pool as unknown as Record<symbol, unknown>)[Symbol.for('glassbox.pool')]).toBe(true);
    expect(isPool({ [Symbol.for('glassbox.pool')]: true })).toBe(true);
    expect(isPool({ run: () => undefined, closed: false })).toBe(false);
    expect(pool.size).toBe(2);
    expect(pool.liveWorkers()).toBe(2);
    expect(poolTids).toHaveLength(2);
    expect(pool.workerInfo.map((i) => i.backend)).toEqual(['wasm', 'wasm']);
  });

  it('checks its options and GLASSBOX_WORKERS', async () => {
    await expectGlassboxError(() => createPool({ workers: 0 }), 'INVALID_ARGUMENT', /options\.workers must be an integer in 1\.\.256, got 0/);
    await expectGlassboxError(() => createPool({ backend: 'gpu' as never }), 'INVALID_ARGUMENT', /options\.backend/);
    const saved = process.env.GLASSBOX_WORKERS;
    process.env.GLASSBOX_WORKERS = 'many';
    try {
      await expectGlassboxError(() => createPool(), 'INVALID_ARGUMENT', /GLASSBOX_WORKERS must be an integer in 1\.\.256, got "many"/);
      process.env.GLASSBOX_WORKERS = '1';
      const one = await createPool();
      expect(one.size).toBe(1);
      await one.close();
    } finally {
      if (saved === undefined) delete process.env.GLASSBOX_WORKERS;
      else process.env.GLASSBOX_WORKERS = saved;
    }
  });

  it('returns the batches in batch order with the numbers of the main thread (Sequential, forward and gradients)', async () => {
    const n = 13;
    const data = createRng(5).uniformArray(n * 36);
    const described = describePoolModel(model);
    if ('reason' in described) throw new Error(described.reason);
    const x = tf.tensor4d(data, [n, 6, 6, 1]);
    const expectedY = model.predict(x);
    const expectedG = tf.grad((v: tf.Tensor) => tf.sum(selectTarget(model.predict(v), new Int32Array(n).fill(2))))(x);
    for (const op of ['forward', 'gradients'] as const) {
      const order: number[] = [];
      const got = new Float32Array(op === 'forward' ? n * 3 : n * 36);
      await expectNoLeaks(() =>
        pool.run({
          where: 'poolTest',
          model: described,
          op,
          recipe: { kind: 'rows', rowShape: [6, 6, 1], data },
          total: n,
          batchSize: 3,
          target: 2,
          inputs: n,
          onBatch: (start, end, r, index) => {
            order.push(index);
            expect(r.values.length).toBe((end - start) * (op === 'forward' ? 3 : 36));
            got.set(r.values, start * (op === 'forward' ? 3 : 36));
          },
        }),
      );
      expect(order).toEqual([0, 1, 2, 3, 4]);
      const want = (op === 'forward' ? expectedY : expectedG).dataSync();
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-6);
    }
    expect(pool.stats().batchesPerWorker.every((b) => b > 0)).toBe(true);
    tf.dispose([x, expectedY, expectedG]);
  });

  it('reuses the description of an unchanged Sequential and describes it again after its weights change', async () => {
    const m = sequential([{ type: 'dense', units: 2 }], [3], { seed: 9 });
    const a = describePoolModel(m);
    const b = describePoolModel(m);
    if ('reason' in a || 'reason' in b) throw new Error('not poolable');
    expect(b).toBe(a); // cached: the same buffers
    const w = m.getWeights();
    const kernel = w['dense_0/kernel']!;
    const doubled = tf.mul(kernel, 2);
    m.setWeights({ 'dense_0/kernel': doubled }, { allowPartial: true });
    doubled.dispose();
    const c = describePoolModel(m);
    if ('reason' in c) throw new Error('not poolable');
    expect(c.key).not.toBe(a.key);
    // The pool computes with the new weights.
    const x = tf.tensor2d([1, 2, 3], [1, 3]);
    const want = m.predict(x);
    const got = new Float32Array(2);
    await pool.run({
      where: 'poolTest', model: c, op: 'forward', recipe: { kind: 'rows', rowShape: [3], data: new Float32Array([1, 2, 3]) },
      total: 1, batchSize: 1, target: undefined, inputs: 1, onBatch: (_s, _e, r) => got.set(r.values),
    });
    expect(Array.from(got)).toEqual(Array.from(want.dataSync()));
    tf.dispose([x, want, ...Object.values(w)]);
    m.dispose();
  });

  it('spreads a job of few batches over the workers (one batch each before a second to anyone)', async () => {
    const described = describePoolModel(model);
    if ('reason' in described) throw new Error(described.reason);
    const before = pool.stats().batchesPerWorker.slice();
    await pool.run({
      where: 'poolTest', model: described, op: 'forward', recipe: { kind: 'rows', rowShape: [6, 6, 1], data: new Float32Array(2 * 36) },
      total: 2, batchSize: 1, target: 0, inputs: 2, onBatch: () => undefined,
    });
    expect(pool.stats().batchesPerWorker.map((b, i) => b - before[i]!)).toEqual([1, 1]);
  });

  it('rebuilds module models (poolable) in the workers', async () => {
    const data = createRng(6).uniformArray(10 * 6);
    const got = new Float32Array(10 * 3);
    await pool.run({ ...rowsJob(linearFixture({}, w), data, 4, 'forward'), onBatch: (s, _e, r) => got.set(r.values, s * 3) });
    const x = tf.tensor2d(data, [10, 6]);
    const want = tf.matMul(x, w);
    expect(Array.from(got)).toEqual(Array.from(want.dataSync()));
    tf.dispose([x, want]);
  });

  it('awaits an asynchronous model (a predict answering with a Promise) in forward jobs, and refuses it for gradients', async () => {
    const data = createRng(16).uniformArray(10 * 6);
    const got = new Float32Array(10 * 3);
    const d = linearFixture({ async: true }, w);
    await pool.run({ ...rowsJob(d, data, 4, 'forward'), onBatch: (s, _e, r) => got.set(r.values, s * 3) });
    const x = tf.tensor2d(data, [10, 6]);
    const want = tf.matMul(x, w);
    expect(Array.from(got)).toEqual(Array.from(want.dataSync()));
    tf.dispose([x, want]);
    await expectGlassboxError(() => pool.run({ ...rowsJob(d, data, 4, 'gradients'), onBatch: () => undefined }), 'INVALID_ARGUMENT', /asynchronous model.*occlusion/);
    // Nothing left in the workers but the model's weight.
    expect(await pool.workerTensors()).toEqual(new Array(pool.size).fill(1));
  });

  it('sends a module model once per worker, however many jobs use it; binary args are part of its content key', async () => {
    const bytes = new Uint8Array(1001).map((_, i) => (i * 7) & 255);
    const d = linearFixture({ tag: 'sent-once', bytes: bytes.subarray(1) }, w);
    // The same content described again (another spec object, unaligned bytes copied) has the same key ...
    expect(linearFixture({ tag: 'sent-once', bytes: bytes.slice(1) }, w).key).toBe(d.key);
    // ... and one byte more or less changes it.
    const other = bytes.slice(1);
    other[500] = (other[500]! + 1) & 255;
    expect(linearFixture({ tag: 'sent-once', bytes: other }, w).key).not.toBe(d.key);
    const data = createRng(17).uniformArray(8 * 6);
    const before = pool.stats().modelsSent;
    await pool.run({ ...rowsJob(d, data, 2, 'forward'), onBatch: () => undefined });
    expect(pool.stats().modelsSent - before).toBe(pool.size);
    await pool.run({ ...rowsJob(d, data, 2, 'gradients'), onBatch: () => undefined });
    expect(pool.stats().modelsSent - before).toBe(pool.size);
  });

  it('sends a model to each worker once per pool, not once per call: Sequential, ResidualModel and module models, 3 calls each', async () => {
    const res = residualModel(
      [
        { type: 'dense', name: 'd1', units: 5, activation: 'relu' },
        { type: 'dense', name: 'd2', units: 3 },
      ],
      [6],
      { seed: 12 },
    );
    const seq = sequential([{ type: 'dense', units: 3 }], [6], { seed: 13 });
    const data = createRng(18).uniformArray(6 * 6);
    // Each call describes its model again, as an explainer call does (resolvePool).
    const kinds: Array<[string, () => PoolModel]> = [
      ['sequential', () => described(seq)],
      ['residual', () => described(res)],
      ['module', () => linearFixture({ tag: 'three-calls' }, w)],
    ];
    try {
      for (const [kind, describeIt] of kinds) {
        const before = pool.stats().modelsSent;
        const specs: PoolModel['spec'][] = [];
        for (let call = 0; call < 3; call++) {
          const d = describeIt();
          expect(d.spec.kind).toBe(kind);
          specs.push(d.spec);
          await pool.run({ ...rowsJob(d, data, 2, call === 1 ? 'gradients' : 'forward'), onBatch: () => undefined });
          expect(pool.stats().modelsSent - before, `${kind}, call ${call + 1}`).toBe(pool.size);
        }
        // On the main thread too, an unchanged Sequential or ResidualModel is described (its weights read) once.
        if (kind !== 'module') expect(specs[2]).toBe(specs[0]);
      }
      // Each worker holds the model of the last call only: the module's weight.
      expect(await pool.workerTensors()).toEqual(new Array(pool.size).fill(1));
    } finally {
      res.dispose();
      seq.dispose();
    }
  });

  it('rejects with the error the model raised in the worker (same code and message)', async () => {
    const data = createRng(6).uniformArray(4 * 6);
    const d = linearFixture({}, w);
    await expectGlassboxError(
      () => pool.run({ ...rowsJob(d, data, 2, 'gradients'), target: 5, onBatch: () => undefined }),
      'TARGET_OUT_OF_RANGE',
      /^poolTest: options\.target must be in 0\.\.2 \(f returns 3 columns\), got 5$/,
    );
    const failing = linearFixture({ throwOnCall: 1 }, w);
    await expect(pool.run({ ...rowsJob(failing, data, 2, 'forward'), onBatch: () => undefined })).rejects.toThrow(/failing on call 1 as asked.*pool worker/);
    // The pool keeps working afterwards.
    let rows = 0;
    await pool.run({ ...rowsJob(d, data, 2, 'forward'), onBatch: (s, e) => (rows += e - s) });
    expect(rows).toBe(4);
  });

  it('a worker that dies mid-job rejects with BACKEND_UNAVAILABLE and leaves no worker thread behind', async () => {
    const data = createRng(7).uniformArray(40 * 6);
    const dying = linearFixture({ exitOnCall: 2, exitCode: 7 }, w);
    const err = await expectGlassboxError(
      () => pool.run({ ...rowsJob(dying, data, 2, 'forward'), onBatch: () => undefined }),
      'BACKEND_UNAVAILABLE',
      /poolTest: pool worker \d \(thread \d+\) died while computing rows \d+\.\.\d+ \(exit code 7\)/,
    );
    expect(err.message).toMatch(/terminated its other workers/);
    expect(pool.liveWorkers()).toBe(0);
    expect(await stillRunning(poolTids)).toEqual([]);
    // The next job starts a fresh set of workers.
    const healthy = linearFixture({}, w);
    let rows = 0;
    await pool.run({ ...rowsJob(healthy, data, 8, 'forward'), onBatch: (s, e) => (rows += e - s) });
    expect(rows).toBe(40);
    expect(pool.liveWorkers()).toBe(2);
    expect(pool.stats().started).toBe(4);
  });

  it('abort rejects with ABORTED at once and stops every worker after the batch it is computing', async () => {
    const data = createRng(8).uniformArray(60 * 6);
    const slow = linearFixture({ busyMs: 40 }, w);
    const controller = new AbortController();
    const before = pool.stats().batchesPerWorker.reduce((a, b) => a + b, 0);
    let merged = 0;
    await expectGlassboxError(
      () =>
        pool.run({
          ...rowsJob(slow, data, 2, 'forward'),
          signal: controller.signal,
          onBatch: () => {
            if (++merged === 2) controller.abort();
          },
        }),
      'ABORTED',
      /^poolTest: aborted by the caller's AbortSignal$/,
    );
    await pool.idle();
    const computed = pool.stats().batchesPerWorker.reduce((a, b) => a + b, 0) - before;
    // At most: the batches merged, those finished meanwhile and one in progress per worker; far fewer than 30.
    expect(computed).toBeLessThanOrEqual(2 + 2 * 2);
    expect(pool.liveWorkers()).toBe(2);
    // An already-aborted signal rejects before any work.
    await expectGlassboxError(() => pool.run({ ...rowsJob(slow, data, 2, 'forward'), signal: AbortSignal.abort(), onBatch: () => undefined }), 'ABORTED');
  });

  it('after an abort while every worker queue is full, the next job runs without waiting for idle()', async () => {
    // 2 workers x 2 batches in flight: when both workers are inside a model call, all 4 places are taken by the
    // job that is then aborted. Before the fix the next job sent nothing (its dispatch saw full queues, and the
    // aborted job's answers freed places no one refilled) and never settled.
    const gate = makeGate();
    const data = createRng(9).uniformArray(40 * 6);
    const gated = linearFixture({ gate: gate.buffer, tag: 'full-queues' }, w);
    const controller = new AbortController();
    const counted = (): number => pool.stats().batchesPerWorker.reduce((a, b) => a + b, 0);
    const first = pool.run({ ...rowsJob(gated, data, 2, 'forward'), signal: controller.signal, onBatch: () => undefined });
    const settled = expectGlassboxError(() => first, 'ABORTED', /^poolTest: aborted by the caller's AbortSignal$/);
    await gate.entered(2);
    const before = counted();
    controller.abort();
    await settled;
    const plain = linearFixture({ tag: 'after-abort' }, w);
    const got = new Float32Array(10 * 3);
    const next = pool.run({ ...rowsJob(plain, data.subarray(0, 60), 3, 'forward'), onBatch: (s, _e, r) => got.set(r.values, s * 3) });
    gate.open();
    await next;
    const x = tf.tensor2d(data.subarray(0, 60), [10, 6]);
    const want = tf.matMul(x, w);
    expect(Array.from(got)).toEqual(Array.from(want.dataSync()));
    tf.dispose([x, want]);
    // The aborted job computed only the 2 batches the workers were inside; its 2 queued ones were skipped.
    // The next job's 4 batches were computed. (The answer to the aborted batch of a worker that ran none of the
    // next job's batches may arrive after the next job settled: wait for every answer before counting.)
    await pool.idle();
    expect(counted() - before).toBe(2 + 4);
    // Nothing of either job stays in the workers: each holds its model's one weight tensor.
    expect(await pool.workerTensors()).toEqual([1, 1]);
  });

  it('an abort from onBatch (as from onProgress), mid-job: the call rejects, the next call settles, no tensors stay', async () => {
    const data = createRng(10).uniformArray(30 * 6);
    const plain = linearFixture({ tag: 'abort-in-onbatch' }, w);
    for (const op of ['forward', 'gradients'] as const) {
      for (const at of [0, 3, 14]) {
        const controller = new AbortController();
        let calls = 0;
        await expectGlassboxError(
          () =>
            pool.run({
              ...rowsJob(plain, data, 2, op),
              signal: controller.signal,
              onBatch: (_s, _e, _r, index) => {
                calls++;
                if (index === at) controller.abort();
              },
            }),
          'ABORTED',
        );
        expect(calls, `${op} at batch ${at}: no batch is merged after the abort`).toBe(at + 1);
        let rows = 0;
        await pool.run({ ...rowsJob(plain, data, 4, op), onBatch: (s, e) => (rows += e - s) });
        expect(rows).toBe(30);
      }
    }
    expect(await pool.workerTensors()).toEqual([1, 1]);
  });

  it('a call waiting for its turn rejects at once when aborted, and the pool goes on', async () => {
    const gate = makeGate();
    const data = createRng(11).uniformArray(8 * 6);
    const gated = linearFixture({ gate: gate.buffer, tag: 'queued' }, w);
    let firstRows = 0;
    const first = pool.run({ ...rowsJob(gated, data, 2, 'forward'), onBatch: (s, e) => (firstRows += e - s) });
    await gate.entered(2);
    const controller = new AbortController();
    let merged = 0;
    const queued = pool.run({ ...rowsJob(gated, data, 2, 'forward'), signal: controller.signal, onBatch: () => merged++ });
    controller.abort();
    // The first job is still held inside its model calls: the queued call has heard of its abort anyway.
    await expectGlassboxError(() => queued, 'ABORTED', /^poolTest: aborted by the caller's AbortSignal$/);
    gate.open();
    await first;
    expect(firstRows).toBe(8);
    expect(merged).toBe(0);
    let rows = 0;
    await pool.run({ ...rowsJob(linearFixture({ tag: 'after-queued' }, w), data, 2, 'forward'), onBatch: (s, e) => (rows += e - s) });
    expect(rows).toBe(8);
  });

  it('close() while a job runs and another waits: both reject, nothing is thrown out of band', async () => {
    const outOfBand: unknown[] = [];
    const record = (e: unknown): void => {
      outOfBand.push(e);
    };
    process.on('unhandledRejection', record);
    process.on('uncaughtException', record);
    try {
      const { pool: extra, tids } = await poolWithThreads({ workers: 2 });
      const gate = makeGate();
      const data = createRng(12).uniformArray(20 * 6);
      const running = extra.run({ ...rowsJob(linearFixture({ gate: gate.buffer, tag: 'close-running' }, w), data, 2, 'forward'), onBatch: () => undefined });
      const waiting = extra.run({ ...rowsJob(linearFixture({ tag: 'close-waiting' }, w), data, 2, 'forward'), onBatch: () => undefined });
      const r1 = expectGlassboxError(() => running, 'BACKEND_UNAVAILABLE', /^poolTest: the pool was closed while the job ran$/);
      const r2 = expectGlassboxError(() => waiting, 'INVALID_ARGUMENT', /^poolTest: options\.pool has been closed$/);
      await gate.entered(2);
      const closing = extra.close();
      gate.open(); // (both calls have failed already; this lets the workers leave their batch and end at once)
      await closing;
      await Promise.all([r1, r2]);
      // A call made after close() rejects too (it never throws synchronously).
      const late = extra.run({ ...rowsJob(linearFixture({}, w), data, 2, 'forward'), onBatch: () => undefined });
      await expectGlassboxError(() => late, 'INVALID_ARGUMENT', /options\.pool has been closed/);
      await expectGlassboxError(() => extra.workerTensors(), 'INVALID_ARGUMENT', /closed/);
      expect(await stillRunning(tids)).toEqual([]);
      // Node reports unhandled rejections after the microtask queue drains: give it a macrotask turn.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('unhandledRejection', record);
      process.off('uncaughtException', record);
    }
    expect(outOfBand).toEqual([]);
  });

  it('close() while the workers restart: the job waiting for them rejects and no thread is left', async () => {
    const { pool: extra } = await poolWithThreads({ workers: 2 });
    const data = createRng(13).uniformArray(8 * 6);
    await expectGlassboxError(
      () => extra.run({ ...rowsJob(linearFixture({ exitOnCall: 1, exitCode: 3 }, w), data, 2, 'forward'), onBatch: () => undefined }),
      'BACKEND_UNAVAILABLE',
    );
    expect(extra.liveWorkers()).toBe(0);
    const before = tasks();
    // This job starts a new set of workers; close() lands while they start (once the first thread exists).
    const job = extra.run({ ...rowsJob(linearFixture({}, w), data, 2, 'forward'), onBatch: () => undefined });
    while (![...tasks()].some((t) => !before.has(t))) await new Promise((r) => setImmediate(r));
    await extra.close();
    await expectGlassboxError(() => job, 'INVALID_ARGUMENT', /closed/);
    expect(extra.liveWorkers()).toBe(0);
    expect(await stillRunning([...tasks()].filter((t) => !before.has(t)))).toEqual([]);
  });

  it('warns once (onWarning) and falls back when the model is a plain closure', async () => {
    const warnings: string[] = [];
    const quiet = await createPool({ workers: 1, onWarning: (m) => warnings.push(m) });
    try {
      const closure = (x: tf.Tensor) => tf.matMul(x, w);
      const d = describePoolModel(closure);
      expect('reason' in d && d.reason).toMatch(/a closure cannot cross a thread/);
      expect(resolvePool(quiet, closure, 'saliency')).toBeNull();
      expect(resolvePool(quiet, closure, 'saliency')).toBeNull();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^\[glassbox\] saliency: options\.pool is not used, the work runs on the main thread: f is a plain function/);
      expect(resolvePool(quiet, model, 'saliency')).not.toBeNull();
      // A models-classifier Classifier travels as its network (its predict is the network's inference pass).
      const classifier = { kind: 'classifier', network: model, predict: (v: tf.Tensor) => model.predict(v) };
      const described = describePoolModel(classifier);
      expect('spec' in described && described.spec.kind).toBe('sequential');
      expect(warnings).toHaveLength(1);
      expect(() => resolvePool(4, model, 'saliency')).toThrow(/options\.pool must be a Pool from createPool\(\) \(@glassbox\/tensors-ops\/pool\), got 4/);
    } finally {
      await quiet.close();
    }
    expect(() => resolvePool(quiet, model, 'saliency')).toThrow(/options\.pool has been closed/);
  });

  it('close() terminates every worker; a closed pool refuses jobs', async () => {
    const { pool: extra, tids } = await poolWithThreads({ workers: 2 });
    expect(tids).toHaveLength(2);
    await extra.close();
    expect(extra.closed).toBe(true);
    expect(extra.liveWorkers()).toBe(0);
    expect(await stillRunning(tids)).toEqual([]);
    expect(pool.liveWorkers()).toBe(2);
    await expectGlassboxError(
      () => extra.run({ ...rowsJob(linearFixture({}, w), new Float32Array(6), 1, 'forward'), onBatch: () => undefined }),
      'INVALID_ARGUMENT',
      /options\.pool has been closed/,
    );
  });
});

describe('autoBatchSize', () => {
  it('is at most 64, fits the memory budget, and leaves a pool at least 4 batches (not below 8 rows)', () => {
    expect(autoBatchSize(10_000)).toBe(64);
    expect(autoBatchSize(10_000, { rowBytes: 4 * 1024 * 1024 })).toBe(16);
    expect(autoBatchSize(10_000, { rowBytes: 1e12 })).toBe(1);
    expect(autoBatchSize(32, { pooled: true })).toBe(8);
    expect(autoBatchSize(100, { pooled: true })).toBe(25);
    expect(autoBatchSize(10, { pooled: true })).toBe(8);
    expect(autoBatchSize(2048, { pooled: true })).toBe(64);
    // Heavy rows (>= 16 MiB of tensors each): a few rows are shared out one per batch; light ones keep 8.
    const budget = 1024 * 1024 * 1024;
    expect(autoBatchSize(4, { pooled: true, rowBytes: 64 * 1024 * 1024, budget })).toBe(1);
    expect(autoBatchSize(10, { pooled: true, rowBytes: 64 * 1024 * 1024, budget })).toBe(3);
    expect(autoBatchSize(4, { pooled: true, rowBytes: 16 * 1024 * 1024 - 1, budget })).toBe(8);
    expect(autoBatchSize(4, { rowBytes: 64 * 1024 * 1024, budget })).toBe(16);
  });

  it('estimates the bytes of a row from a Sequential', () => {
    const m = sequential([{ type: 'dense', units: 4 }], [3]);
    expect(estimateRowBytes(m)).toBe((3 + 4) * 4 * 3);
    expect(estimateRowBytes((x: tf.Tensor) => x)).toBeNull();
    m.dispose();
  });
});
