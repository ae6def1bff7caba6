/**
 * The conformance table: every explainer of the package passes the same contract checks (shapes, leaks,
 * batched == unbatched, same seed -> same result, progress, abort, argument errors) on both backends, and
 * gives the same numbers on 'cpu' and 'wasm'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { initBackend, tf } from '@glassbox/tensors-ops';
import type { Attribution, ForwardFn } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import {
  deepLift,
  gradCam,
  gradientShap,
  guidedBackprop,
  guidedGradCam,
  inputXGradient,
  integratedGradients,
  noiseTunnel,
  saliency,
} from '../src/index.js';
import { smoothMlp, uniforms } from '../src/testing-internal/models.js';

type Run = (g: ForwardFn, x: Tensor, options: Record<string, unknown>) => Promise<Attribution>;

interface Entry {
  name: string;
  run: Run;
  /** Takes a baseline broadcastable to x. */
  baseline: boolean;
  /** Has a delta. */
  delta: boolean;
}

const layered = (g: ForwardFn) => ({
  layers: [{ activation: null }],
  applyLayer: (_: number, t: Tensor) => g(t),
  applyLayerLinear: (_: number, t: Tensor) => g(t),
});
const split = (g: ForwardFn) => ({ features: (t: Tensor) => tf.relu(t), head: g });

const TABLE: Entry[] = [
  { name: 'saliency', run: (g, x, o) => saliency(g, x, o), baseline: false, delta: false },
  { name: 'inputXGradient', run: (g, x, o) => inputXGradient(g, x, o), baseline: false, delta: false },
  { name: 'integratedGradients', run: (g, x, o) => integratedGradients(g, x, { steps: 5, ...o }), baseline: true, delta: true },
  { name: 'gradientShap', run: (g, x, o) => gradientShap(g, x, { samples: 4, stdev: 0.1, ...o }), baseline: false, delta: true },
  { name: 'deepLift', run: (g, x, o) => deepLift(layered(g), x, o), baseline: true, delta: true },
  { name: 'guidedBackprop', run: (g, x, o) => guidedBackprop(g, x, o), baseline: false, delta: false },
  // The CAM methods are deterministic and take no seed (GradCamOptions has none): it is not passed on.
  { name: 'gradCam', run: (g, x, { seed: _, ...o }) => gradCam(split(g), x, o), baseline: false, delta: false },
  { name: 'guidedGradCam', run: (g, x, { seed: _, ...o }) => guidedGradCam(split(g), x, o), baseline: false, delta: false },
  {
    name: 'noiseTunnel(saliency)',
    run: (g, x, o) => noiseTunnel(saliency, { samples: 3, stdev: 0.1 })(g, x, o),
    baseline: false,
    delta: false,
  },
  {
    name: 'noiseTunnel(integratedGradients, vargrad)',
    run: (g, x, o) => noiseTunnel(integratedGradients, { samples: 3, stdev: 0.1, variant: 'vargrad' })(g, x, { steps: 4, ...o }),
    baseline: true,
    delta: false,
  },
  {
    name: 'noiseTunnel(gradientShap)',
    run: (g, x, o) => noiseTunnel(gradientShap, { samples: 2, stdev: 0.1 })(g, x, { samples: 2, ...o }),
    baseline: false,
    delta: true,
  },
];

const N = 3;
const SHAPE = [N, 2, 2, 1];

function disposeAll(r: Attribution): void {
  r.attributions.dispose();
  r.delta?.dispose();
}

describeBackends('conformance', () => {
  let g: ForwardFn;
  let x: Tensor;
  beforeAll(() => {
    g = smoothMlp(4, 3, 6, 77);
    x = tf.tensor(uniforms(1, N * 4, -1, 1), SHAPE);
  });
  afterAll(() => x.dispose());

  for (const e of TABLE) {
    describe(e.name, () => {
      it('returns x-shaped attributions (and a delta [N]) without leaking; batched == unbatched; same seed, same result', async () => {
        await expectNoLeaks(async () => {
          const a = await e.run(g, x, { target: [0, 2, 1], batchSize: 1, seed: 5 });
          const b = await e.run(g, x, { target: [0, 2, 1], batchSize: 64, seed: 5 });
          expect(a.attributions.shape).toEqual(SHAPE);
          expect(a.attributions.dtype).toBe('float32');
          if (e.delta) expect(b.delta!.shape).toEqual([N]);
          else expect(b.delta).toBeUndefined();
          expectTensorClose(a.attributions, b.attributions, 1e-6, 1e-5);
          if (e.delta) expectTensorClose(a.delta!, b.delta!, 1e-5);
          expect(Array.from(a.attributions.dataSync()).some((v) => v !== 0)).toBe(true);
          disposeAll(a);
          disposeAll(b);
        });
      });

      it('reports progress and aborts between batches without leaking', async () => {
        const seen: Array<[number, number]> = [];
        const r = await e.run(g, x, { target: 1, batchSize: 1, onProgress: (d: number, t: number) => seen.push([d, t]) });
        disposeAll(r);
        expect(seen.length).toBeGreaterThan(1);
        const last = seen.at(-1)!;
        expect(last[0]).toBe(last[1]);
        for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThanOrEqual(seen[i - 1]![0]);

        const ac = new AbortController();
        await expectGlassboxError(
          () => e.run(g, x, { target: 1, batchSize: 1, signal: ac.signal, onProgress: () => ac.abort() }),
          'ABORTED',
        );
        const pre = new AbortController();
        pre.abort();
        await expectGlassboxError(() => e.run(g, x, { target: 1, signal: pre.signal }), 'ABORTED');
      });

      it('rejects bad x, targets, options and models with a GlassboxError naming the argument', async () => {
        const ints = tf.zeros(SHAPE, 'int32');
        const rank1 = tf.zeros([4]);
        const nan = tf.tensor(new Float32Array(N * 4).fill(NaN), SHAPE);
        const inf = tf.tensor([0, 1, 2, Infinity, 0, 0, 0, 0, 0, 0, 0, 0], SHAPE);
        try {
          await expectGlassboxError(() => e.run(g, ints, { target: 0 }), 'INVALID_ARGUMENT', /x must be a float32 tensor/);
          await expectGlassboxError(() => e.run(g, rank1, { target: 0 }), 'SHAPE_MISMATCH', /x/);
          await expectGlassboxError(() => e.run(g, nan, { target: 0 }), 'NON_FINITE', /x must be finite/);
          await expectGlassboxError(() => e.run(g, inf, { target: 0 }), 'NON_FINITE', /x must be finite, got Infinity/);
          await expectGlassboxError(() => e.run(g, x, { target: 3 }), 'TARGET_OUT_OF_RANGE', /options\.target/);
          await expectGlassboxError(() => e.run(g, x, { target: [0, 1] }), 'SHAPE_MISMATCH', /options\.target/);
          await expectGlassboxError(() => e.run(g, x, {}), 'INVALID_ARGUMENT', /options\.target is required/);
          await expectGlassboxError(() => e.run(g, x, { target: 0, batchSize: 0 }), 'INVALID_ARGUMENT', /options\.batchSize/);
          await expectGlassboxError(() => e.run((t) => tf.slice(g(t), 0, 1), x, { target: 0 }), 'SHAPE_MISMATCH', /returned shape \[1, 3\]/);
          await expectGlassboxError(() => e.run((t) => tf.cast(g(t), 'int32'), x, { target: 0 }), 'INVALID_ARGUMENT', /float32/);
        } finally {
          for (const t of [ints, rank1, nan, inf]) t.dispose();
        }
      });

      if (e.baseline) {
        it('checks the baseline', async () => {
          const nanB = tf.tensor([0, NaN, 0, 0], [1, 2, 2, 1]);
          const wrong = tf.zeros([2, 3, 1]);
          try {
            await expectGlassboxError(() => e.run(g, x, { target: 0, baseline: nanB }), 'NON_FINITE', /options\.baseline/);
            await expectGlassboxError(() => e.run(g, x, { target: 0, baseline: NaN }), 'NON_FINITE', /options\.baseline/);
            await expectGlassboxError(() => e.run(g, x, { target: 0, baseline: wrong }), 'SHAPE_MISMATCH', /options\.baseline.*not broadcastable/);
          } finally {
            nanB.dispose();
            wrong.dispose();
          }
        });
      }
    });
  }
});

describe('conformance: cpu and wasm give the same numbers', () => {
  it('agrees to 1e-4 for every explainer', async () => {
    const results: Record<string, Record<string, Float32Array[]>> = { cpu: {}, wasm: {} };
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend, fallback: false });
      const g = smoothMlp(4, 3, 6, 77);
      const x = tf.tensor(uniforms(1, N * 4, -1, 1), SHAPE);
      for (const e of TABLE) {
        const r = await e.run(g, x, { target: [2, 0, 1], seed: 9, batchSize: 2 });
        results[backend]![e.name] = [Float32Array.from(r.attributions.dataSync()), ...(r.delta ? [Float32Array.from(r.delta.dataSync())] : [])];
        disposeAll(r);
      }
      x.dispose();
    }
    for (const e of TABLE) {
      const [a, da] = results.cpu![e.name]!;
      const [b, db] = results.wasm![e.name]!;
      for (let i = 0; i < a!.length; i++) expect(Math.abs(a![i]! - b![i]!), `${e.name} [${i}]`).toBeLessThanOrEqual(1e-4);
      if (da) for (let i = 0; i < da.length; i++) expect(Math.abs(da[i]! - db![i]!), `${e.name} delta`).toBeLessThanOrEqual(1e-4);
    }
  });
});
