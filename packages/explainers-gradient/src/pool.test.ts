// Pooled execution (options.pool): the same numbers as one thread, for 1 and 2 workers; aborts, leaks,
// worker errors and the fallback for models that cannot cross a thread. The workers run the built
// @glassbox/tensors-ops (dist), on the same backend as this suite.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sequential, tf, type Attribution, type Pool, type Sequential, type Tensor } from '@glassbox/tensors-ops';
import { createPool } from '@glassbox/tensors-ops/pool';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose, gatedModel } from '@glassbox/tensors-ops/testing';
import { integratedGradients } from './integrated-gradients.js';
import { saliency } from './saliency.js';
import { inputXGradient } from './input-x-gradient.js';
import { noiseTunnel } from './noise-tunnel.js';
import { guidedBackprop } from './guided-backprop.js';
import { randomizeWeights, uniforms } from './testing-internal/models.js';

/** Runs an explainer, returns its attributions and delta as plain arrays, and disposes them. */
async function values(run: () => Promise<Attribution>): Promise<{ a: Float32Array; d: Float32Array | null }> {
  const r = await run();
  try {
    return { a: r.attributions.dataSync() as Float32Array, d: r.delta ? (r.delta.dataSync() as Float32Array) : null };
  } finally {
    tf.dispose([r.attributions, r.delta ?? []]);
  }
}

function expectSame(got: { a: Float32Array; d: Float32Array | null }, want: { a: Float32Array; d: Float32Array | null }, label: string): void {
  expect(Array.from(got.a), label).toEqual(Array.from(want.a));
  expect(got.d === null ? null : Array.from(got.d), label).toEqual(want.d === null ? null : Array.from(want.d));
}

describeBackends('pooled gradient explainers', (backend) => {
  const pools: Record<1 | 2, Pool | null> = { 1: null, 2: null };
  const warnings: string[] = [];
  let model: Sequential;
  let x: Tensor;

  beforeAll(async () => {
    [pools[1], pools[2]] = await Promise.all([
      createPool({ workers: 1, backend, onWarning: (m) => warnings.push(m) }),
      createPool({ workers: 2, backend, onWarning: (m) => warnings.push(m) }),
    ]);
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
    randomizeWeights(model, 11, 0.5);
    x = tf.tensor4d(uniforms(3, 3 * 64), [3, 8, 8, 1]);
  });

  afterAll(async () => {
    await Promise.all([pools[1]?.close(), pools[2]?.close()]);
    model?.dispose();
    x?.dispose();
  });

  it('integratedGradients: identical attributions and delta with 1 and 2 workers, any batchSize', async () => {
    const options = { target: [1, 4, 2], steps: 12, baseline: 0.1, batchSize: 5 };
    const single = await values(() => integratedGradients(model, x, options));
    for (const workers of [1, 2] as const) {
      const pooled = await expectNoLeaks(() => values(() => integratedGradients(model, x, { ...options, pool: pools[workers]! })));
      expectSame(pooled, single, `${workers} workers`);
    }
    // Without batchSize the pooled call picks smaller batches (at least 4 to share); the numbers agree anyway.
    const byDefault = await values(() => integratedGradients(model, x, { target: 3, steps: 16 }));
    const pooledDefault = await values(() => integratedGradients(model, x, { target: 3, steps: 16, pool: pools[2]! }));
    const tensor = tf.tensor(pooledDefault.a);
    expectTensorClose(tensor, byDefault.a, 1e-6);
    tensor.dispose();
  });

  it('saliency, inputXGradient and noiseTunnel(saliency): identical with 1 and 2 workers', async () => {
    const smooth = noiseTunnel(saliency, { samples: 5, stdev: 0.1, seed: 3 });
    const cases: Array<[string, (pool?: Pool) => Promise<Attribution>]> = [
      ['saliency', (pool) => saliency(model, x, { target: 2, batchSize: 2, abs: false, ...(pool ? { pool } : {}) })],
      ['inputXGradient', (pool) => inputXGradient(model, x, { target: [0, 1, 2], batchSize: 2, ...(pool ? { pool } : {}) })],
      ['noiseTunnel', (pool) => smooth(model, x, { target: 4, batchSize: 4, ...(pool ? { pool } : {}) } as never)],
    ];
    for (const [name, run] of cases) {
      const single = await values(() => run());
      for (const workers of [1, 2] as const) {
        expectSame(await expectNoLeaks(() => values(() => run(pools[workers]!))), single, `${name}, ${workers} workers`);
      }
    }
    expect(pools[2]!.stats().batchesPerWorker.every((b) => b > 0)).toBe(true);
  });

  it('abort rejects with ABORTED, leaks nothing, and the workers stop', async () => {
    const controller = new AbortController();
    await expectGlassboxError(
      () =>
        integratedGradients(model, x, {
          target: 1,
          steps: 64,
          batchSize: 4,
          pool: pools[2]!,
          signal: controller.signal,
          onProgress: (done) => {
            if (done > 12) controller.abort();
          },
        }),
      'ABORTED',
      /^integratedGradients: aborted/,
    );
    await pools[2]!.idle();
    expect(pools[2]!.liveWorkers()).toBe(2);
  });

  it('an abort from onProgress (forward pass, mid-path, last batch) rejects; the next call settles at once, same numbers, no tensors left', async () => {
    const pool = pools[2]!;
    const options = { target: [1, 4, 2], steps: 12, baseline: 0.1, batchSize: 4 };
    const single = await values(() => integratedGradients(model, x, options));
    expectSame(await values(() => integratedGradients(model, x, { ...options, pool })), single, 'before');
    const clean = await pool.workerTensors();
    // Rows: 6 forward (F(x), F(b)) in 2 batches, then 36 path points in 9 batches.
    for (const at of [4, 22, 42]) {
      const controller = new AbortController();
      let after = 0;
      await expectGlassboxError(
        () =>
          integratedGradients(model, x, {
            ...options,
            pool,
            signal: controller.signal,
            onProgress: (done) => {
              if (controller.signal.aborted) after++;
              else if (done >= at) controller.abort();
            },
          }),
        'ABORTED',
        /^integratedGradients: aborted by the caller's AbortSignal$/,
      );
      expect(after, 'no progress after the abort').toBe(0);
      // No pool.idle() in between.
      expectSame(await values(() => integratedGradients(model, x, { ...options, pool })), single, `after an abort at row ${at}`);
    }
    // The workers hold their model's weights and nothing of the aborted calls.
    expect(await pool.workerTensors()).toEqual(clean);
  });

  it('an abort while every worker is inside a batch and every queue is full: ABORTED at once, the next call settles', async () => {
    const pool = pools[2]!;
    const w = tf.tensor2d(uniforms(5, 64 * 5), [64, 5]);
    const gated = gatedModel(w);
    const options = { target: [1, 4, 2], steps: 12, baseline: 0.1, batchSize: 4 };
    const single = await values(() => integratedGradients(model, x, options));
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    // batchSize 1: the forward pass alone has 6 batches, enough to fill both workers' queues (2 each).
    const call = integratedGradients(gated.f, x, { target: 1, steps: 8, batchSize: 1, pool, signal: controller.signal });
    const outcome = call.then(
      () => 'resolved',
      (e: unknown) => (e as { code?: string }).code,
    );
    await gated.entered(2);
    controller.abort();
    expect(await outcome).toBe('ABORTED');
    expect(tf.memory().numTensors).toBe(before);
    const next = values(() => integratedGradients(model, x, { ...options, pool }));
    gated.open();
    expectSame(await next, single, 'the next call');
    // An abort before the start computes nothing.
    const computed = pool.stats().batchesPerWorker.reduce((a, b) => a + b, 0);
    await expectGlassboxError(() => integratedGradients(model, x, { ...options, pool, signal: AbortSignal.abort() }), 'ABORTED');
    expect(pool.stats().batchesPerWorker.reduce((a, b) => a + b, 0)).toBe(computed);
    w.dispose();
  });

  it('a closed pool rejects (never throws out of band), also when it closes while calls run and wait', async () => {
    const extra = await createPool({ workers: 2, backend });
    const w = tf.tensor2d(uniforms(6, 64 * 5), [64, 5]);
    const gated = gatedModel(w);
    const running = Promise.allSettled([integratedGradients(gated.f, x, { target: 1, steps: 8, batchSize: 1, pool: extra })]);
    await gated.entered(2);
    // The workers are inside the first call's batches: this one waits for its turn.
    const waiting = Promise.allSettled([saliency(model, x, { target: 2, pool: extra })]);
    const closing = extra.close();
    gated.open(); // (the call already failed; this lets the workers leave their batch so that they end at once)
    await closing;
    const [[r], [q]] = await Promise.all([running, waiting]);
    expect(r.status === 'rejected' && (r.reason as Error).message).toBe('integratedGradients: the pool was closed while the job ran');
    expect(q.status === 'rejected' && (q.reason as Error).message).toBe('saliency: options.pool has been closed');
    const later = integratedGradients(model, x, { target: 1, pool: extra });
    expect(later).toBeInstanceOf(Promise);
    await expectGlassboxError(() => later, 'INVALID_ARGUMENT', /^integratedGradients: options\.pool has been closed$/);
    w.dispose();
  });

  it('model errors raised in a worker reject as on the main thread', async () => {
    await expectGlassboxError(
      () => integratedGradients(model, x, { target: 9, steps: 4, pool: pools[2]! }),
      'TARGET_OUT_OF_RANGE',
      /^integratedGradients: options\.target must be in 0\.\.4 \(f returns 5 columns\), got 9$/,
    );
  });

  it('falls back to the main thread with one warning for a plain closure or a custom gradient rule', async () => {
    warnings.length = 0;
    const closure = (v: Tensor): Tensor => model.predict(v);
    const single = await values(() => saliency(closure, x, { target: 2 }));
    for (let i = 0; i < 2; i++) expectSame(await values(() => saliency(closure, x, { target: 2, pool: pools[1]! })), single, 'closure');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/saliency: options\.pool is not used, the work runs on the main thread: f is a plain function: a closure cannot cross a thread/);
    const guided = await values(() => guidedBackprop(model, x, { target: 2 }));
    expectSame(await values(() => guidedBackprop(model, x, { target: 2, pool: pools[1]! } as never)), guided, 'guidedBackprop');
    expect(warnings[1]).toMatch(/guidedBackprop: .*custom gradient rule/);
    await expectGlassboxError(() => saliency(model, x, { target: 2, pool: {} as never }), 'INVALID_ARGUMENT', /options\.pool must be a Pool/);
  });
});

describeBackends('small jobs run on the calling thread (createPool minWorkMs)', (backend) => {
  let pool: Pool;
  let model: Sequential;
  let x: Tensor;

  beforeAll(async () => {
    // Infinity: every job whose cost the pool has measured runs here (the threshold is injected: no timing).
    pool = await createPool({ workers: 1, backend, minWorkMs: Infinity });
    model = sequential([{ type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 4 }], [6, 6, 1], { seed: 7 });
    randomizeWeights(model, 12, 0.5);
    x = tf.tensor4d(uniforms(5, 2 * 36), [2, 6, 6, 1]);
  });

  afterAll(async () => {
    await pool?.close();
    model?.dispose();
    x?.dispose();
  });

  it('saliency and integratedGradients: the first call measures the workers, the next runs here with the same numbers', async () => {
    const runs = {
      saliency: (p?: Pool) => saliency(model, x, { target: 1, ...(p ? { pool: p } : {}) }),
      integratedGradients: (p?: Pool) => integratedGradients(model, x, { target: 2, steps: 8, batchSize: 4, ...(p ? { pool: p } : {}) }),
    };
    for (const [name, run] of Object.entries(runs)) {
      const want = await values(() => run());
      const s0 = pool.stats();
      const first = await expectNoLeaks(() => values(() => run(pool)));
      const s1 = pool.stats();
      expect(s1.jobs, name).toBeGreaterThan(s0.jobs);
      expect(s1.localJobs, name).toBe(s0.localJobs);
      const second = await expectNoLeaks(() => values(() => run(pool)));
      const s2 = pool.stats();
      // Every job of the second call ran here: no job, no batch on the workers.
      expect(s2.jobs, name).toBe(s1.jobs);
      expect(s2.batchesPerWorker, name).toEqual(s1.batchesPerWorker);
      expect(s2.localJobs - s1.localJobs, name).toBe(s1.jobs - s0.jobs);
      expectSame(first, want, `${name}, pooled`);
      expectSame(second, want, `${name}, small job here`);
    }
  });
});
