// Regression: when the WASM backend cannot start (a page whose .wasm files do not load), initBackend falls back to
// cpu, and everything Glassbox runs afterwards must compute on cpu. ensureOverrides (run by initBackend,
// prepareExplainer, every batch and every safeGrad) used to look the WASM backend up with tfjs-core's findBackend,
// which starts a backend that is not in the registry: each call began a new WASM start, and while one was pending
// every operation threw "Backend 'cpu' has not yet been initialized" (first seen in the automatic batch size's
// one-row probe, measureRowBytes).
//
// This file replaces the registered 'wasm' backend with one that fails to start the way a missing .wasm file does
// (its start rejects, asynchronously); vitest runs each file in its own process, and afterAll puts the real one back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from './tf.js';
import { initBackend } from './backend.js';
import { ensureOverrides } from './overrides.js';
import { expectNoLeaks } from './testing/index.js';
import { explainerRun, prepareExplainer } from './contract/prepare-explainer.js';
import { mapBatches } from './contract/map-batches.js';
import { safeGrad } from './contract/safe-grad.js';
import { measureRowBytes, rememberedRowBytes } from './contract/row-memory.js';

interface EngineFields {
  pendingBackendInit?: unknown;
  registry: Record<string, unknown>;
  registryFactory: Record<string, { factory: () => unknown; priority: number } | undefined>;
}
const engine = (): EngineFields => tf.engine() as unknown as EngineFields;

let starts = 0;
let original: { factory: () => unknown; priority: number } | undefined;

beforeAll(async () => {
  await tf.setBackend('cpu');
  original = engine().registryFactory['wasm'];
  expect(original).toBeDefined();
  // Only meaningful if WASM has not started in this process (a started backend is never started again).
  expect(engine().registry['wasm']).toBeUndefined();
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    () => {
      starts++;
      return Promise.reject(new Error('failed to fetch tfjs-backend-wasm-simd.wasm'));
    },
    original!.priority,
  );
});

afterAll(async () => {
  await tf.setBackend('cpu');
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', original!.factory as never, original!.priority);
});

// One row of D floats costs this model exactly two float32 tensors of D (x * c, its tanh) and one float32 (the sum).
function model(c: tf.Tensor) {
  let calls = 0;
  const f = (x: tf.Tensor) => {
    calls++;
    return tf.sum(tf.tanh(tf.mul(x, c)), 1);
  };
  return { f, calls: () => calls };
}

describe('the cpu fallback when WASM cannot start', () => {
  it('falls back once, and nothing afterwards starts WASM again or stops cpu from computing', async () => {
    const warnings: string[] = [];
    const info = await initBackend({ backend: 'wasm', warn: (m) => warnings.push(m) });
    expect(info.backend).toBe('cpu');
    expect(info.fallbackReason).toBeDefined();
    expect(warnings).toHaveLength(1);
    expect(starts).toBe(1);

    // What every explainer call runs first.
    ensureOverrides();
    expect(engine().pendingBackendInit ?? null).toBeNull();
    expect(starts).toBe(1);
    const sum = tf.add(tf.scalar(1), tf.scalar(2));
    expect(await sum.data()).toEqual(new Float32Array([3]));
    tf.dispose(sum);

    const c = tf.scalar(0.5);
    const d = 1000;
    const x = tf.ones([3, d]);
    await expectNoLeaks(async () => {
      // The probe measures on cpu: 8 D + 4 bytes a row (see model()).
      const { f } = model(c);
      const one = tf.ones([1, d]);
      expect(measureRowBytes(f, one, 'forward')).toBe(8 * d + 4);
      one.dispose();
      expect(rememberedRowBytes(f, f, x, 'forward')).toBe(8 * d + 4);
      // An explainer's automatic batch size from the probe: rows of 2^21 floats cost 8 * 2^21 + 4 bytes, so 63 of
      // them fit the 1 GiB budget (64, the cap and the answer when nothing is measured, would not).
      const probed = model(c);
      const wide = tf.ones([2, 2 ** 21]);
      const run = explainerRun(prepareExplainer(probed.f, wide, {}, 'test'), undefined, 'test', 100);
      expect(run.batchFor(100, false, 'forward')).toBe(63);
      expect(probed.calls()).toBe(1);
      wide.dispose();
      // A batch loop and a gradient: sum(tanh(0.5)) over each row, and d/dx of sum(x * x) = 2 x.
      const out = await mapBatches((b: tf.Tensor) => tf.sum(tf.tanh(tf.mul(b, c)), 1), x, { batchSize: 2 });
      const want = d * Math.tanh(0.5);
      Array.from(await out.data()).forEach((v) => expect(v).toBeCloseTo(want, 1));
      out.dispose();
      const g = safeGrad((b) => tf.sum(tf.mul(b, b)), x, 'test');
      expect(Array.from(await g.data()).every((v) => v === 2)).toBe(true);
      g.dispose();
    });
    expect(starts).toBe(1);
    expect(tf.getBackend()).toBe('cpu');
    tf.dispose([c, x]);
  });

  it('the row probe answers null, without throwing, while a backend is still starting; measures once one is ready', async () => {
    const c = tf.scalar(0.5);
    const x = tf.ones([2, 10]);
    const one = tf.ones([1, 10]);
    const { f } = model(c);
    const before = tf.memory().numTensors;
    let fail: (e: Error) => void = () => {};
    tf.registerBackend('glassbox-test-starting', () => new Promise((_resolve, reject) => (fail = reject)));
    const switching = tf.setBackend('glassbox-test-starting');
    try {
      expect(engine().pendingBackendInit ?? null).not.toBeNull();
      expect(measureRowBytes(f, one, 'forward')).toBeNull();
      expect(measureRowBytes(f, one, 'gradients')).toBeNull();
      expect(rememberedRowBytes(f, f, x, 'forward')).toBeNull();
    } finally {
      fail(new Error('never mind'));
      expect(await switching).toBe(false);
      await tf.setBackend('cpu');
      tf.removeBackend('glassbox-test-starting');
    }
    // The null above was not remembered: on a ready backend the same model is measured.
    expect(rememberedRowBytes(f, f, x, 'forward')).toBe(8 * 10 + 4);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([c, x, one]);
  });
});
