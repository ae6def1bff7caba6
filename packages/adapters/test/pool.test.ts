/**
 * Adapters' models in a worker pool: a layers model loaded from files, the same network made in memory
 * (fromLayersModel), a graph model and the ONNX export cross to the workers as their files (no builder module to
 * write), and the pooled explanations equal the main thread's. The files go to each worker once for two calls.
 */
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { createPool, type Pool } from '@glassbox/tensors-ops/pool';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { occlusion } from '@glassbox/explainers-perturbation';
import { integratedGradients } from '@glassbox/explainers-gradient';
import { fromLayersModel, loadGraphModel, loadLayersModel, loadOnnx, type GlassboxModel } from '../src/index.js';
import { ONNX_PATH, buildLayersModel, readPytorchCnn, writePytorchCnnForms } from './fixtures/pytorch-cnn-forms.js';

const tmp = fileURLToPath(new URL('../tmp/pytorch-cnn-pool/', import.meta.url));
const cnn = readPytorchCnn();
let paths: Awaited<ReturnType<typeof writePytorchCnnForms>>;

beforeAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  paths = await writePytorchCnnForms(tfl, tmp);
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function attr(r: Promise<{ attributions: Tensor; delta?: Tensor }>): Promise<Float32Array> {
  const a = await r;
  a.delta?.dispose();
  const v = (await a.attributions.data()) as Float32Array;
  a.attributions.dispose();
  return v;
}

describeBackends('adapters models in a worker pool', (backend) => {
  let pool: Pool;
  let x: Tensor;
  beforeAll(async () => {
    pool = await createPool({ workers: 2, backend, onWarning: (m) => { throw new Error(`unexpected pool warning: ${m}`); } });
    x = tf.tensor4d(cnn.inputsNhwc.subarray(0, 2 * 32 * 32 * 3), [2, 32, 32, 3]);
  });
  afterAll(async () => {
    x.dispose();
    await pool.close();
  });

  const ig = (m: GlassboxModel, p?: Pool) => integratedGradients(m, x, { target: [4, 2], steps: 8, batchSize: 4, ...(p ? { pool: p } : {}) });
  const occ = (m: GlassboxModel, p?: Pool) => occlusion(m, x, { target: [1, 3], window: [8, 8, 3], strides: [8, 8, 3], batchSize: 4, ...(p ? { pool: p } : {}) });

  /** IG and occlusion pooled and on the main thread, with no tensor left on the main thread; returns the max gaps. */
  async function compare(m: GlassboxModel): Promise<{ ig: number; occ: number; sent: number[] }> {
    const s0 = pool.stats().modelsSent;
    const pooledIg = await expectNoLeaks(() => attr(ig(m, pool)));
    const s1 = pool.stats().modelsSent;
    const pooledOcc = await expectNoLeaks(() => attr(occ(m, pool)));
    const s2 = pool.stats().modelsSent;
    const mainIg = await expectNoLeaks(() => attr(ig(m)));
    const mainOcc = await expectNoLeaks(() => attr(occ(m)));
    return { ig: maxAbsDiff(pooledIg, mainIg), occ: maxAbsDiff(pooledOcc, mainOcc), sent: [s1 - s0, s2 - s1] };
  }

  it('a layers model loaded from files: pooled IG and occlusion equal the main thread, files sent once per worker', async () => {
    const m = await loadLayersModel(paths.layers);
    try {
      const r = await compare(m);
      expect(r.ig).toBeLessThanOrEqual(1e-6);
      expect(r.occ).toBeLessThanOrEqual(1e-6);
      // The first call sends the files to each worker; the second (another explainer, same model) sends nothing.
      expect(r.sent).toEqual([pool.size, 0]);
      // The workers hold the model's weights between calls and nothing else: 6 weights (2 convs, 1 dense).
      expect(await pool.workerTensors()).toEqual([6, 6]);
    } finally {
      m.dispose();
    }
  });

  it('a layers model made in memory (fromLayersModel) is serialized for the pool and gives the same numbers', async () => {
    const inner = buildLayersModel(tfl, cnn.weights);
    try {
      const m = await fromLayersModel(inner);
      const r = await compare(m);
      expect(r.ig).toBeLessThanOrEqual(1e-6);
      expect(r.occ).toBeLessThanOrEqual(1e-6);
      // Serialized once (its own topology, e.g. its layer names): sent to each worker once for the two calls.
      expect(r.sent).toEqual([pool.size, 0]);
      // New weights (setWeights) make a new description, sent again.
      const before = m.toPooledModel!();
      const doubled = inner.getWeights().map((w) => tf.mul(w, 2));
      inner.setWeights(doubled);
      tf.dispose(doubled);
      expect(m.toPooledModel!()).not.toBe(before);
      m.dispose();
    } finally {
      inner.dispose();
    }
  });

  it('a graph model: pooled IG and occlusion equal the main thread', async () => {
    const m = await loadGraphModel(paths.graph);
    try {
      const r = await compare(m);
      expect(r.ig).toBeLessThanOrEqual(1e-6);
      expect(r.occ).toBeLessThanOrEqual(1e-6);
      expect(r.sent).toEqual([pool.size, 0]);
    } finally {
      m.dispose();
    }
  });

  it('an ONNX model (asynchronous predict): pooled occlusion equals the main thread; IG refuses it as on the main thread', async () => {
    const m = await loadOnnx(ONNX_PATH, { layout: 'NCHW' });
    try {
      const s0 = pool.stats().modelsSent;
      const pooled = await expectNoLeaks(() => attr(occ(m, pool)));
      const main = await expectNoLeaks(() => attr(occ(m)));
      expect(maxAbsDiff(pooled, main)).toBeLessThanOrEqual(1e-6);
      const again = await expectNoLeaks(() => attr(occ(m, pool)));
      expect(Array.from(again)).toEqual(Array.from(pooled));
      expect(pool.stats().modelsSent - s0).toBe(pool.size);
      await expectGlassboxError(() => ig(m, pool), 'INVALID_ARGUMENT', /asynchronous model.*occlusion/);
    } finally {
      await m.dispose();
    }
  });

  it('a disposed model is refused for the pool, naming it', async () => {
    const m = await loadLayersModel(paths.layers);
    m.dispose();
    await expectGlassboxError(() => occ(m, pool), 'INVALID_ARGUMENT', /disposed/);
  });
});
