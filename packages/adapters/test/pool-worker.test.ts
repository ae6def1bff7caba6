/**
 * `@glassbox/adapters/pool-worker`, the worker entry for bundled browser apps, run here in Node (worker threads
 * started from the built entry with `createPool({ worker })`): the workers hold the adapters' builder by name, the
 * models' specs name it (with the builder module's URL as the fallback of other workers), and pooled explanations
 * of a layers and an ONNX model equal the main thread's. The browser side, with Vite bundling the entry, is the
 * end-to-end test apps/demo/e2e/adapters-pool.e2e.test.ts.
 */
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { describePoolModel, tf, type Tensor } from '@glassbox/tensors-ops';
import { createPool, type Pool } from '@glassbox/tensors-ops/pool';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { occlusion } from '@glassbox/explainers-perturbation';
import { loadLayersModel, loadOnnx, type GlassboxModel } from '../src/index.js';
import { ONNX_PATH, readPytorchCnn, writePytorchCnnForms } from './fixtures/pytorch-cnn-forms.js';

const entry = new URL('../dist/pool/worker.js', import.meta.url);
const tmp = fileURLToPath(new URL('../tmp/pytorch-cnn-pool-worker/', import.meta.url));
const cnn = readPytorchCnn();
let paths: Awaited<ReturnType<typeof writePytorchCnnForms>>;

beforeAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  paths = await writePytorchCnnForms(tfl, tmp);
});

async function attr(r: Promise<{ attributions: Tensor }>): Promise<Float32Array> {
  const a = await r;
  const v = (await a.attributions.data()) as Float32Array;
  a.attributions.dispose();
  return v;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

it("a model's pool spec names the registered builder and keeps the builder module's URL as the fallback", async () => {
  const m = await loadLayersModel(paths.layers);
  try {
    const d = describePoolModel(m);
    if ('reason' in d) throw new Error(d.reason);
    expect(d.spec).toMatchObject({ kind: 'module', builder: '@glassbox/adapters', export: 'build' });
    expect((d.spec as { module?: string }).module).toMatch(/^file:.*\/adapters\/dist\/pool\/builder\.js$/);
  } finally {
    m.dispose();
  }
});

describeBackends('a pool started from @glassbox/adapters/pool-worker', (backend) => {
  let pool: Pool;
  let x: Tensor;
  beforeAll(async () => {
    pool = await createPool({ workers: 2, backend, worker: entry, onWarning: (m) => { throw new Error(`unexpected pool warning: ${m}`); } });
    x = tf.tensor4d(cnn.inputsNhwc.subarray(0, 2 * 32 * 32 * 3), [2, 32, 32, 3]);
  });
  afterAll(async () => {
    x.dispose();
    await pool.close();
  });

  const occ = (m: GlassboxModel, p?: Pool) => occlusion(m, x, { target: [1, 3], window: [8, 8, 3], strides: [8, 8, 3], batchSize: 4, ...(p ? { pool: p } : {}) });

  it('its workers hold the adapters builder', () => {
    expect(pool.workerInfo.map((i) => i.builders)).toEqual([['@glassbox/adapters'], ['@glassbox/adapters']]);
  });

  it('a layers model: pooled occlusion equals the main thread, files sent once per worker, nothing left on this thread', async () => {
    const m = await loadLayersModel(paths.layers);
    try {
      const s0 = pool.stats().modelsSent;
      const pooled = await expectNoLeaks(() => attr(occ(m, pool)));
      const main = await expectNoLeaks(() => attr(occ(m)));
      expect(maxAbsDiff(pooled, main)).toBeLessThanOrEqual(1e-6);
      expect(main.some((v) => v !== 0)).toBe(true);
      expect(pool.stats().modelsSent - s0).toBe(pool.size);
      expect(await pool.workerTensors()).toEqual([6, 6]);
    } finally {
      m.dispose();
    }
  });

  it('an ONNX model (asynchronous predict): pooled occlusion equals the main thread', async () => {
    const m = await loadOnnx(ONNX_PATH, { layout: 'NCHW' });
    try {
      const pooled = await expectNoLeaks(() => attr(occ(m, pool)));
      const main = await expectNoLeaks(() => attr(occ(m)));
      expect(maxAbsDiff(pooled, main)).toBeLessThanOrEqual(1e-6);
    } finally {
      await m.dispose();
    }
  });
});
