import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import type { ForwardFn } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { gradientShap } from './gradient-shap.js';
import { integratedGradients } from './integrated-gradients.js';
import { linearModel, quadraticModel, uniforms } from './testing-internal/models.js';

describeBackends('gradientShap', () => {
  it('is (x - b) W[:, t] on a linear model with one baseline, and delta = 0 for a distribution', async () => {
    const m = linearModel(4, 3);
    const xv = uniforms(1, 2 * 4, -1, 1);
    const x = tf.tensor2d(xv, [2, 4]);
    const bv = uniforms(2, 4, -0.3, 0.3);
    const b = tf.tensor1d(bv);
    await expectNoLeaks(async () => {
      const r = await gradientShap(m.f, x, { baseline: b, target: 2, samples: 5, seed: 1 });
      expect(r.method).toBe('gradientShap');
      expectTensorClose(r.attributions, xv.map((v, e) => (v - bv[e % 4]!) * m.w[(e % 4) * 3 + 2]!), 1e-5);
      expectTensorClose(r.delta!, [0, 0], 1e-5);
      r.attributions.dispose();
      r.delta!.dispose();
    });
    const dist = tf.tensor2d(uniforms(3, 6 * 4, -1, 1), [6, 4]);
    await expectNoLeaks(async () => {
      const r = await gradientShap(m.f, x, { baseline: dist, target: [0, 1], samples: 9, stdev: 0.1, seed: 2 });
      expectTensorClose(r.delta!, [0, 0], 1e-5);
      r.attributions.dispose();
      r.delta!.dispose();
    });
    x.dispose();
    b.dispose();
    dist.dispose();
  });

  it('averages (x - b) * grad F at the sampled path points of a quadratic model', async () => {
    const m = quadraticModel(3, 1);
    const xv = uniforms(4, 3, -1, 1);
    const bv = uniforms(5, 3, -1, 1);
    const x = tf.tensor2d(xv, [1, 3]);
    const b = tf.tensor2d(bv, [1, 3]);
    const seen: Float32Array[] = [];
    const f: ForwardFn = (t: Tensor) => {
      if (t.shape[0] === 8) seen.push(...Array.from({ length: 8 }, (_, i) => Float32Array.from(t.dataSync().subarray(i * 3, i * 3 + 3))));
      return m.f(t);
    };
    const r = await gradientShap(f, x, { baseline: b, samples: 8, seed: 6 });
    expect(seen.length).toBe(8); // the one gradient call; the forward calls have 1 row each
    const out = r.attributions.dataSync();
    for (let j = 0; j < 3; j++) {
      const d = xv[j]! - bv[j]!;
      let want = 0;
      for (const p of seen) {
        const alpha = (p[j]! - bv[j]!) / d;
        expect(alpha).toBeGreaterThanOrEqual(-1e-6);
        expect(alpha).toBeLessThanOrEqual(1 + 1e-6);
        want += d * (2 * m.a[j]! * p[j]! + m.c[j]!);
      }
      expect(out[j]).toBeCloseTo(want / 8, 5);
    }
    r.attributions.dispose();
    r.delta!.dispose();
    x.dispose();
    b.dispose();
  });

  it('approaches integrated gradients with many samples and one baseline (delta -> 0)', async () => {
    const m = quadraticModel(3, 2);
    const x = tf.tensor2d(uniforms(7, 2 * 3, -1, 1), [2, 3]);
    const ig = await integratedGradients(m.f, x, { target: 1, baseline: 0.2 });
    const gs = await gradientShap(m.f, x, { target: 1, baseline: 0.2, samples: 4000, seed: 3, batchSize: 1000 });
    expectTensorClose(gs.attributions, ig.attributions, 0.03);
    expectTensorClose(gs.delta!, [0, 0], 0.05);
    for (const t of [ig.attributions, ig.delta!, gs.attributions, gs.delta!]) t.dispose();
    x.dispose();
  });

  it('does not depend on batchSize, repeats with the same seed and changes with another', async () => {
    const m = quadraticModel(4, 2);
    const x = tf.tensor3d(uniforms(8, 3 * 4, -1, 1), [3, 2, 2]);
    const dist = tf.tensor3d(uniforms(9, 5 * 4, -1, 1), [5, 2, 2]);
    const ref = await gradientShap(m.f, x, { target: 1, baseline: dist, samples: 6, stdev: 0.2, seed: 5, batchSize: 100 });
    expect(ref.attributions.shape).toEqual([3, 2, 2]);
    expect(ref.delta!.shape).toEqual([3]);
    for (const batchSize of [1, 4, 17]) {
      const r = await gradientShap(m.f, x, { target: 1, baseline: dist, samples: 6, stdev: 0.2, seed: 5, batchSize });
      expectTensorClose(r.attributions, ref.attributions, 1e-6, 1e-5);
      expectTensorClose(r.delta!, ref.delta!, 1e-5);
      r.attributions.dispose();
      r.delta!.dispose();
    }
    const other = await gradientShap(m.f, x, { target: 1, baseline: dist, samples: 6, stdev: 0.2, seed: 6 });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(other.attributions, ref.attributions))).dataSync()[0]!);
    expect(diff).toBeGreaterThan(1e-4);
    for (const t of [ref.attributions, ref.delta!, other.attributions, other.delta!]) t.dispose();
    x.dispose();
    dist.dispose();
  });

  it('rejects bad samples, stdev and baselines', async () => {
    const m = linearModel(4, 1);
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    await expectGlassboxError(() => gradientShap(m.f, x, { samples: 0 }), 'INVALID_ARGUMENT', /options\.samples/);
    await expectGlassboxError(() => gradientShap(m.f, x, { stdev: -1 }), 'INVALID_ARGUMENT', /options\.stdev/);
    const wrong = tf.zeros([3, 5]);
    await expectGlassboxError(() => gradientShap(m.f, x, { baseline: wrong }), 'SHAPE_MISMATCH', /options\.baseline/);
    const nan = tf.tensor2d([[0, NaN, 0, 0]]);
    await expectGlassboxError(() => gradientShap(m.f, x, { baseline: nan }), 'NON_FINITE', /options\.baseline/);
    await expectGlassboxError(() => gradientShap(m.f, x, { baseline: Infinity }), 'NON_FINITE', /options\.baseline/);
    for (const t of [wrong, nan, x]) t.dispose();
  });

  it('samples 1e9: memory does not grow with samples (draws are made batch by batch), and an abort stops it', async () => {
    // Before: 12 GB of draws were allocated up front (a RangeError or the process's memory).
    const m = linearModel(4, 1);
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const controller = new AbortController();
    let calls = 0;
    await expectGlassboxError(
      () =>
        gradientShap(m.f, x, {
          samples: 1e9,
          seed: 1,
          signal: controller.signal,
          onProgress: (_done, total) => {
            expect(total).toBe(1 + 1 + 1e9);
            // The forward rows (F(x), F(b)) and then the first gradient batches: stop after three batches.
            if (++calls === 3) controller.abort();
          },
        }),
      'ABORTED',
      /^gradientShap: aborted/,
    );
    // With noise, F of every noisy copy is kept (8 bytes a draw): refused up front, naming the limit.
    await expectGlassboxError(
      () => gradientShap(m.f, x, { samples: 1e9, stdev: 0.1 }),
      'INVALID_ARGUMENT',
      /^gradientShap: options\.samples must be at most 33554432 with options\.stdev > 0 and 1 row\(s\) of x, got 1000000000 .*MAX_PLAN_BYTES/,
    );
    x.dispose();
  });
});
