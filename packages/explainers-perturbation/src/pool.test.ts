// Pooled execution (options.pool) of occlusion and KernelSHAP: the same numbers as one thread, for 1 and 2
// workers; aborts and leaks. The workers run the built @glassbox/tensors-ops (dist) on this suite's backend.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRng, poolable, sequential, tf, type Pool, type Sequential, type Tensor } from '@glassbox/tensors-ops';
import { createPool } from '@glassbox/tensors-ops/pool';
import { describeBackends, expectGlassboxError, expectNoLeaks, gatedModel } from '@glassbox/tensors-ops/testing';
import { occlusion } from './occlusion.js';
import { kernelShap } from './kernel-shap.js';
import { featureAblation } from './feature-ablation.js';
import { gridSegments } from './grid-segments.js';

async function values(run: () => Promise<{ attributions: Tensor }>): Promise<number[]> {
  const r = await run();
  const v = Array.from(r.attributions.dataSync());
  r.attributions.dispose();
  return v;
}

describeBackends('pooled perturbation explainers', (backend) => {
  const pools: Record<1 | 2, Pool | null> = { 1: null, 2: null };
  const warnings: string[] = [];
  let model: Sequential;
  let x: Tensor;
  let baseline: Tensor;
  const mask = gridSegments([8, 8, 1], { cells: 4 });
  const mask9 = gridSegments([8, 8, 1], { cells: 3 });

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
    // Seeded normal weights and biases, so that the ReLUs switch on and off.
    const current = model.getWeights();
    const next: Record<string, Tensor> = {};
    let k = 0;
    for (const [name, t] of Object.entries(current)) next[name] = tf.tensor(createRng(40 + k++).normalArray(t.size, 0, name.endsWith('/bias') ? 0.3 : 0.5), t.shape);
    model.setWeights(next);
    tf.dispose([current, next]);
    x = tf.tensor4d(createRng(3).uniformArray(3 * 64), [3, 8, 8, 1]);
    baseline = tf.tensor4d(createRng(4).uniformArray(64, -0.2, 0.2), [1, 8, 8, 1]);
  });

  afterAll(async () => {
    await Promise.all([pools[1]?.close(), pools[2]?.close()]);
    model?.dispose();
    tf.dispose([x, baseline]);
  });

  it('occlusion: identical with 1 and 2 workers (overlapping and clipped windows, per-row targets)', async () => {
    // incremental: false, else this CNN takes the incremental fast path, which does not use the pool.
    const options = { window: [3, 3, 1], strides: [2, 2, 1], target: [0, 3, 1], baseline, batchSize: 7, incremental: false };
    const single = await values(() => occlusion(model, x, options));
    for (const workers of [1, 2] as const) {
      expect(await expectNoLeaks(() => values(() => occlusion(model, x, { ...options, pool: pools[workers]! }))), `${workers} workers`).toEqual(single);
    }
  });

  it('occlusion with the incremental fast path runs on the calling thread: the pool is not used, the same numbers', async () => {
    const options = { window: [3, 3, 1], strides: [2, 2, 1], target: [0, 3, 1], baseline, batchSize: 7 };
    const single = await values(() => occlusion(model, x, options));
    const full = await values(() => occlusion(model, x, { ...options, incremental: false }));
    single.forEach((v, i) => expect(Math.abs(v - full[i]!)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(full[i]!)));
    await pools[2]!.idle();
    const before = pools[2]!.stats();
    expect(await expectNoLeaks(() => values(() => occlusion(model, x, { ...options, pool: pools[2]! })))).toEqual(single);
    expect(pools[2]!.stats().batchesPerWorker).toEqual(before.batchesPerWorker);
    expect(pools[2]!.stats().jobs).toBe(before.jobs);
  });

  it('kernelShap: identical with 1 and 2 workers (sampled and enumerated coalitions)', async () => {
    for (const [featureMask, samples] of [
      [mask, 40],
      [mask9, 2 ** 9],
    ] as const) {
      const options = { featureMask, samples, seed: 5, target: 2, baseline: 0.1, batchSize: 16 };
      const single = await values(() => kernelShap(model, x, options));
      for (const workers of [1, 2] as const) {
        expect(await expectNoLeaks(() => values(() => kernelShap(model, x, { ...options, pool: pools[workers]! }))), `${samples} samples, ${workers} workers`).toEqual(single);
      }
    }
    expect(pools[2]!.stats().batchesPerWorker.every((b) => b > 0)).toBe(true);
  });

  it('abort rejects with ABORTED and the workers stop; progress counts model rows in order', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    await expectGlassboxError(
      () =>
        occlusion(model, x, {
          window: [2, 2, 1],
          target: 1,
          batchSize: 4,
          pool: pools[2]!,
          incremental: false,
          signal: controller.signal,
          onProgress: (done) => {
            seen.push(done);
            if (done >= 40) controller.abort();
          },
        }),
      'ABORTED',
      /^occlusion: aborted/,
    );
    expect(seen.slice(0, 3)).toEqual([4, 8, 12]);
    await pools[2]!.idle();
    expect(pools[2]!.liveWorkers()).toBe(2);
  });

  it('an abort from onProgress (first, middle, last batch) rejects; the next call settles at once, same numbers, no tensors left', async () => {
    const pool = pools[2]!;
    const runs: Array<[string, number, (extra: object) => Promise<number[]>]> = [
      // 3 rows x (1 + 16 windows) = 51 model rows in 13 batches of 4.
      ['occlusion', 51, (extra) => values(() => occlusion(model, x, { window: [2, 2, 1], strides: [2, 2, 1], target: 1, batchSize: 4, incremental: false, ...extra }))],
      // 3 rows x (2 + 40 coalitions) = 126 model rows in 32 batches of 4.
      ['kernelShap', 126, (extra) => values(() => kernelShap(model, x, { featureMask: mask, samples: 40, seed: 2, target: 1, batchSize: 4, ...extra }))],
    ];
    for (const [name, total, run] of runs) {
      const single = await run({});
      expect(await run({ pool })).toEqual(single);
      const clean = await pool.workerTensors();
      for (const at of [4, Math.floor(total / 2), total]) {
        const controller = new AbortController();
        let after = 0;
        await expectGlassboxError(
          () =>
            run({
              pool,
              signal: controller.signal,
              onProgress: (done: number) => {
                if (controller.signal.aborted) after++;
                else if (done >= at) controller.abort();
              },
            }),
          'ABORTED',
          new RegExp(`^${name}: aborted by the caller's AbortSignal$`),
        );
        expect(after, `${name}: no progress after the abort`).toBe(0);
        // No pool.idle() in between.
        expect(await run({ pool }), `${name} after an abort at row ${at}`).toEqual(single);
      }
      expect(await pool.workerTensors(), name).toEqual(clean);
    }
  });

  it('an abort while every worker is inside a batch and every queue is full: ABORTED at once, the next call settles', async () => {
    const pool = pools[2]!;
    const w = tf.tensor2d(createRng(9).normalArray(64 * 2), [64, 2]);
    const single = await values(() => occlusion(model, x, { window: [2, 2, 1], strides: [2, 2, 1], target: 1, batchSize: 4, incremental: false }));
    for (const name of ['occlusion', 'kernelShap'] as const) {
      const gated = gatedModel(w);
      const controller = new AbortController();
      const before = tf.memory().numTensors;
      const options = { target: 1, batchSize: 2, pool, signal: controller.signal };
      const call =
        name === 'occlusion'
          ? occlusion(gated.f, x, { ...options, window: [4, 4, 1], strides: [4, 4, 1], incremental: false })
          : kernelShap(gated.f, x, { ...options, featureMask: mask, samples: 20, seed: 1 });
      const outcome = call.then(
        () => 'resolved',
        (e: unknown) => (e as { code?: string }).code,
      );
      await gated.entered(2);
      controller.abort();
      expect(await outcome, name).toBe('ABORTED');
      expect(tf.memory().numTensors, name).toBe(before);
      const next = values(() => occlusion(model, x, { window: [2, 2, 1], strides: [2, 2, 1], target: 1, batchSize: 4, incremental: false, pool }));
      gated.open();
      expect(await next, name).toEqual(single);
    }
    w.dispose();
  });

  it('explainers without a recipe run on the main thread and say so once', async () => {
    warnings.length = 0;
    const single = await values(() => featureAblation(model, x, { featureMask: mask, target: 1 }));
    expect(await values(() => featureAblation(model, x, { featureMask: mask, target: 1, pool: pools[1]! } as never))).toEqual(single);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/featureAblation: options\.pool is not used/);
  });

  it('token ids with a poolable function: the pool is not used (its workers build float32 rows), the same numbers, one warning', async () => {
    // A function of ids marked poolable (its builder module is never loaded: no token job reaches a worker).
    const table = tf.tensor2d(createRng(6).normalArray(9 * 3), [9, 3]);
    const net = poolable((t: Tensor) => tf.tidy(() => tf.tanh(tf.sum(tf.gather(table, t), 1))), { module: 'file:///never-loaded.mjs', export: 'build' });
    const ids = tf.tensor2d([[1, 2, 3, 4, 5, 6], [8, 7, 6, 5, 4, 3]], [2, 6], 'int32');
    try {
      warnings.length = 0;
      const options = { baseline: 0, samples: 30, seed: 3, target: 1 };
      const single = await values(() => kernelShap(net, ids, options));
      const jobs = pools[2]!.stats().jobs;
      expect(await expectNoLeaks(() => values(() => kernelShap(net, ids, { ...options, pool: pools[2]! })))).toEqual(single);
      expect(pools[2]!.stats().jobs).toBe(jobs);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/kernelShap: options\.pool is not used.*not int32 token ids/);
    } finally {
      tf.dispose([table, ids]);
    }
  });
});
