// Builders registered by name in a pool worker (registerPoolBuilder) and pools started from a worker entry of
// one's own (createPool({ worker })): the way bundled browser apps give their workers a model builder. Here in
// Node, with the fixture entry fixtures/registering-worker.mjs (the built worker runtime + the linear-model
// fixture's builder registered as 'linear-fixture'). The workers run the BUILT package: `pnpm build` first.
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { createRng } from '../rng.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { createPool, type Pool } from './index.js';
import { describePoolModel, poolable, type ModuleModelSpec, type PoolModel } from '../index.js';
import { registerPoolBuilder, registeredPoolBuilder, registeredPoolBuilders } from './builders.js';

const entry = new URL('./fixtures/registering-worker.mjs', import.meta.url);
const linearModule = new URL('./fixtures/linear-model.mjs', import.meta.url).href;
/** A module URL that does not exist: a worker that imported it would fail. */
const missingModule = new URL('./fixtures/no-such-model.mjs', import.meta.url).href;

/** f(x) = x W for rows of 6 features, marked for the pool with `spec` (the linear-model fixture's function). */
function linear(w: tf.Tensor, spec: Omit<ModuleModelSpec, 'weights'>): PoolModel {
  const f = poolable((x: tf.Tensor) => tf.matMul(x, w), { ...spec, weights: { w } });
  const d = describePoolModel(f);
  if ('reason' in d) throw new Error(d.reason);
  return d;
}

/** Runs a forward job of `rows` rows of 6 features on the pool; returns the outputs in row order. */
async function forward(pool: Pool, model: PoolModel, data: Float32Array): Promise<Float32Array> {
  const rows = data.length / 6;
  const got = new Float32Array(rows * 3);
  await pool.run({
    where: 'registeredTest',
    model,
    op: 'forward',
    recipe: { kind: 'rows', rowShape: [6], data },
    total: rows,
    batchSize: 2,
    target: undefined,
    inputs: rows,
    onBatch: (s, _e, r) => got.set(r.values, s * 3),
  });
  return got;
}

/** x W computed on this thread from the same data, as a reference (an independent computation of the same map). */
function reference(data: Float32Array, w: tf.Tensor): Float32Array {
  return tf.tidy(() => tf.matMul(tf.tensor2d(data, [data.length / 6, 6]), w).dataSync() as Float32Array).slice();
}

describe('registerPoolBuilder (the registry of a thread)', () => {
  it('registers by name, lists the names, refuses bad names, non-functions and a second function under a taken name', async () => {
    const a = (): null => null;
    const b = (): null => null;
    registerPoolBuilder('registry-test-a', a);
    registerPoolBuilder('registry-test-a', a);
    expect(registeredPoolBuilder('registry-test-a')).toBe(a);
    expect(registeredPoolBuilder('registry-test-none')).toBeUndefined();
    expect(registeredPoolBuilders()).toContain('registry-test-a');
    await expectGlassboxError(() => registerPoolBuilder('registry-test-a', b), 'INVALID_ARGUMENT', /^registerPoolBuilder: another builder is registered under "registry-test-a"/);
    await expectGlassboxError(() => registerPoolBuilder('', a), 'INVALID_ARGUMENT', /^registerPoolBuilder: name must be a non-empty string, got ""/);
    await expectGlassboxError(() => registerPoolBuilder('registry-test-b', 3 as never), 'INVALID_ARGUMENT', /^registerPoolBuilder: build must be a function.*got 3/);
    expect(registeredPoolBuilder('registry-test-a')).toBe(a);
  });

  it('poolable takes a builder name without a module, and refuses a spec with neither (or an empty name)', async () => {
    const w = tf.tensor2d(new Float32Array(18), [6, 3]);
    try {
      const d = linear(w, { builder: 'linear-fixture' });
      expect(d.spec).toMatchObject({ kind: 'module', builder: 'linear-fixture' });
      expect('module' in d.spec).toBe(false);
      // The builder name is part of the content key.
      expect(linear(w, { builder: 'linear-fixture-2' }).key).not.toBe(d.key);
      const f = (x: tf.Tensor): tf.Tensor => x;
      await expectGlassboxError(() => poolable(f, {}), 'INVALID_ARGUMENT', /^poolable: spec must name a registered builder \(spec\.builder\) or a module to import \(spec\.module\), got neither$/);
      await expectGlassboxError(() => poolable(f, { builder: '' }), 'INVALID_ARGUMENT', /^poolable: spec\.builder must be the name of a registered builder/);
      await expectGlassboxError(() => poolable(f, { builder: 'x', module: linearModule }), 'INVALID_ARGUMENT', /^poolable: spec\.export must be the builder's export name, got undefined$/);
    } finally {
      w.dispose();
    }
  });
});

describeBackends('a pool started from a worker entry that registers a builder', (backend) => {
  let pool: Pool;
  let plain: Pool;
  let w: tf.Tensor;
  const data = createRng(21).uniformArray(7 * 6);

  beforeAll(async () => {
    pool = await createPool({ workers: 2, backend, worker: entry });
    plain = await createPool({ workers: 1, backend });
    w = tf.tensor2d(createRng(22).normalArray(6 * 3), [6, 3]);
  });
  afterAll(async () => {
    await pool?.close();
    await plain?.close();
    w?.dispose();
  });

  it('the workers report the builders they hold (the default worker none)', () => {
    expect(pool.workerInfo.map((i) => i.builders)).toEqual([['linear-fixture'], ['linear-fixture']]);
    expect(pool.workerInfo.map((i) => i.backend)).toEqual([backend, backend]);
    expect(plain.workerInfo.map((i) => i.builders)).toEqual([[]]);
  });

  it('a spec naming the registered builder runs it (x W on every row), sent once per worker, no tensor left on this thread', async () => {
    const d = linear(w, { builder: 'linear-fixture' });
    const sent = pool.stats().modelsSent;
    const got = await expectNoLeaks(() => forward(pool, d, data));
    expect(Array.from(got)).toEqual(Array.from(reference(data, w)));
    expect(pool.stats().modelsSent - sent).toBe(2);
    // The workers hold the builder's weight and nothing else.
    expect(await pool.workerTensors()).toEqual([1, 1]);
  });

  it('the registered builder wins over the module: a module that does not exist is not imported', async () => {
    const d = linear(w, { builder: 'linear-fixture', module: missingModule, export: 'build' });
    const got = await expectNoLeaks(() => forward(pool, d, data));
    expect(Array.from(got)).toEqual(Array.from(reference(data, w)));
  });

  it('a worker without the builder falls back to importing the module (Node), and fails naming both when there is none', async () => {
    const fallback = linear(w, { builder: 'linear-fixture', module: linearModule, export: 'build' });
    const got = await expectNoLeaks(() => forward(plain, fallback, data));
    expect(Array.from(got)).toEqual(Array.from(reference(data, w)));
    const onlyName = linear(w, { builder: 'linear-fixture' });
    await expectNoLeaks(() =>
      expectGlassboxError(
        () => forward(plain, onlyName, data),
        'INVALID_ARGUMENT',
        /pool worker: the model names the builder "linear-fixture" and no module to import; this worker has no builder registered as "linear-fixture" \(it has \[\]\): in a bundled browser app, start the pool from a worker entry that registers it, e\.g\. createPool\(\{ worker:/,
      ),
    );
    const bothMissing = linear(w, { builder: 'not-registered', module: missingModule, export: 'build' });
    await expectNoLeaks(() =>
      expectGlassboxError(() => forward(pool, bothMissing, data), 'INVALID_ARGUMENT', /cannot import model module "file:.*" \(.*no-such-model\.mjs.*\); this worker has no builder registered as "not-registered" \(it has \["linear-fixture"\]\)/),
    );
    // Both pools keep working.
    expect(Array.from(await forward(plain, fallback, data))).toEqual(Array.from(reference(data, w)));
    expect(await plain.workerTensors()).toEqual([1]);
  });
});

describe('createPool({ worker })', () => {
  it('takes a function that starts each worker (a worker_threads Worker in Node), also for the restart after a death', async () => {
    let made = 0;
    const pool = await createPool({
      workers: 2,
      backend: 'cpu',
      worker: () => {
        made++;
        return new Worker(entry);
      },
    });
    const w = tf.tensor2d(createRng(23).normalArray(6 * 3), [6, 3]);
    try {
      expect(made).toBe(2);
      expect(pool.workerInfo.map((i) => i.builders)).toEqual([['linear-fixture'], ['linear-fixture']]);
      const data = createRng(24).uniformArray(5 * 6);
      expect(Array.from(await forward(pool, linear(w, { builder: 'linear-fixture' }), data))).toEqual(Array.from(reference(data, w)));
      // A worker that exits during a job: the pool restarts its workers through the same function.
      const dying = linear(w, { builder: 'linear-fixture', args: { exitOnCall: 1 } });
      await expectGlassboxError(() => forward(pool, dying, data), 'BACKEND_UNAVAILABLE', /died/);
      expect(Array.from(await forward(pool, linear(w, { builder: 'linear-fixture' }), data))).toEqual(Array.from(reference(data, w)));
      expect(made).toBe(4);
    } finally {
      w.dispose();
      await pool.close();
    }
  });

  it('takes the URL of a worker script as a string too', async () => {
    const pool = await createPool({ workers: 1, backend: 'cpu', worker: entry.href });
    try {
      expect(pool.workerInfo.map((i) => i.builders)).toEqual([['linear-fixture']]);
    } finally {
      await pool.close();
    }
  });

  it('refuses a worker option that is neither a function nor a URL, and a function that makes no worker', async () => {
    await expectGlassboxError(() => createPool({ workers: 1, worker: 5 as never }), 'INVALID_ARGUMENT', /^createPool: options\.worker must be a function returning a started worker, or the URL of a worker script, got 5$/);
    await expectGlassboxError(() => createPool({ workers: 1, worker: '' }), 'INVALID_ARGUMENT', /^createPool: options\.worker must be/);
    await expectGlassboxError(() => createPool({ workers: 1, worker: () => ({}) }), 'INVALID_ARGUMENT', /^createPool: options\.worker\(\) must return a worker_threads Worker .*got /);
    await expectGlassboxError(
      () =>
        createPool({
          workers: 1,
          worker: () => {
            throw new Error('no worker today');
          },
        }),
      'BACKEND_UNAVAILABLE',
      /^createPool: options\.worker\(\) threw while starting a worker: no worker today$/,
    );
  });
});
