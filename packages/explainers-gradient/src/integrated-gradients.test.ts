import { expect, it } from 'vitest';
import { INTEGRATION_METHODS, tf } from '@glassbox/tensors-ops';
import { abortAtRead, describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { integratedGradients } from './integrated-gradients.js';
import { linearModel, quadraticModel, quadraticValue, smoothMlp, uniforms } from './testing-internal/models.js';

/** sum_k w_k a_k of each rule with n points, from the definitions (the mean position on the path). */
function meanAlpha(method: string, n: number): number {
  switch (method) {
    case 'riemann_left':
      return (n - 1) / (2 * n);
    case 'riemann_right':
      return (n + 1) / (2 * n);
    default:
      return 0.5; // midpoint, trapezoid and Gauss-Legendre integrate a linear function exactly
  }
}

describeBackends('integratedGradients', () => {
  it('equals (x - b) * W[:, t] exactly on a linear model for every rule, delta ~ 0', async () => {
    const m = linearModel(6, 3, 11);
    const xv = uniforms(5, 4 * 6, -1, 1);
    const bv = uniforms(6, 6, -0.5, 0.5);
    const x = tf.tensor2d(xv, [4, 6]);
    const b = tf.tensor2d(bv, [1, 6]);
    for (const method of INTEGRATION_METHODS) {
      for (const steps of [2, 7]) {
        await expectNoLeaks(async () => {
          const { attributions, delta } = await integratedGradients(m.f, x, { target: 1, baseline: b, method, steps });
          const expected = xv.map((v, e) => (v - bv[e % 6]!) * m.w[(e % 6) * 3 + 1]!);
          expectTensorClose(attributions, expected, 1e-6);
          expectTensorClose(delta!, [0, 0, 0, 0], 1e-5);
          attributions.dispose();
          delta!.dispose();
        });
      }
    }
    x.dispose();
    b.dispose();
  });

  it('matches the closed-form integral on a quadratic model for every rule', async () => {
    // dF/dx_j at b + a d is 2 A_j (b_j + a d_j) + C_j, so the rule gives d_j (2 A_j (b_j + d_j sum_k w_k a_k) + C_j).
    const m = quadraticModel(5, 2);
    const n = 3;
    const xv = uniforms(7, n * 5, -2, 2);
    const x = tf.tensor2d(xv, [n, 5]);
    const bv = uniforms(8, n * 5, -1, 1);
    const b = tf.tensor2d(bv, [n, 5]);
    const targets = [0, 1, 1];
    for (const method of INTEGRATION_METHODS) {
      const steps = 4;
      const { attributions, delta } = await integratedGradients(m.f, x, { target: targets, baseline: b, method, steps });
      const s = meanAlpha(method, steps);
      const expected = new Float32Array(n * 5);
      const expectedDelta = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const t = targets[i]!;
        let sum = 0;
        for (let j = 0; j < 5; j++) {
          const e = i * 5 + j;
          const d = xv[e]! - bv[e]!;
          expected[e] = d * (2 * m.a[t * 5 + j]! * (bv[e]! + d * s) + m.c[t * 5 + j]!);
          sum += expected[e]!;
        }
        const gap = quadraticValue(m, xv.subarray(i * 5, i * 5 + 5), t) - quadraticValue(m, bv.subarray(i * 5, i * 5 + 5), t);
        expectedDelta[i] = sum - gap;
      }
      expectTensorClose(attributions, expected, 2e-5, 1e-5);
      expectTensorClose(delta!, expectedDelta, 1e-4);
      if (s === 0.5) expectTensorClose(delta!, [0, 0, 0], 1e-4);
      else expect(Math.abs(delta!.dataSync()[0]!)).toBeGreaterThan(1e-3); // left/right rules are off by a known amount
      attributions.dispose();
      delta!.dispose();
    }
    x.dispose();
    b.dispose();
  });

  it('is complete on a smooth MLP: |delta| < 1e-3 |F(x) - F(b)| with 64 Gauss-Legendre steps', async () => {
    const f = smoothMlp(10, 3);
    const x = tf.tensor2d(uniforms(9, 6 * 10, -2, 2), [6, 10]);
    const b = tf.tensor2d(uniforms(10, 10, -0.2, 0.2), [1, 10]);
    const { attributions, delta } = await integratedGradients(f, x, { target: 2, baseline: b, steps: 64 });
    const fx = tf.tidy(() => tf.slice(f(x), [0, 2], [-1, 1]).dataSync());
    const fb = tf.tidy(() => tf.slice(f(b), [0, 2], [-1, 1]).dataSync());
    const sums = tf.tidy(() => tf.sum(attributions, 1).dataSync());
    const dv = delta!.dataSync();
    for (let i = 0; i < 6; i++) {
      const gap = fx[i]! - fb[0]!;
      expect(Math.abs(gap)).toBeGreaterThan(1e-2);
      expect(Math.abs(dv[i]!)).toBeLessThan(1e-3 * Math.abs(gap));
      expect(sums[i]! - gap).toBeCloseTo(dv[i]!, 4);
    }
    attributions.dispose();
    delta!.dispose();
    x.dispose();
    b.dispose();
  });

  it('makes model calls of at most batchSize rows (32 inputs x 64 steps, batchSize 64: 2 forward + 32 gradient calls)', async () => {
    const m = linearModel(3, 2);
    const sizes: number[] = [];
    const f = (t: tf.Tensor) => {
      sizes.push(t.shape[0]!);
      return m.f(t);
    };
    const x = tf.tensor2d(uniforms(12, 32 * 3), [32, 3]);
    const progress: Array<[number, number]> = [];
    const { attributions, delta } = await integratedGradients(f, x, {
      target: 0,
      steps: 64,
      batchSize: 64,
      onProgress: (d, t) => progress.push([d, t]),
    });
    expect(sizes).toEqual(new Array(33).fill(64)); // [x; b] in one call, then 2048 path points in 32 calls
    expect(progress.length).toBe(33);
    expect(progress.at(-1)).toEqual([64 + 2048, 64 + 2048]);
    attributions.dispose();
    delta!.dispose();
    x.dispose();
  });

  it('gives the same result for every batchSize and a default of zeros for the baseline', async () => {
    const f = smoothMlp(4, 2, 6, 21);
    const x = tf.tensor3d(uniforms(13, 5 * 4, -1, 1), [5, 2, 2]);
    const ref = await integratedGradients(f, x, { target: 1, steps: 9, batchSize: 1000 });
    for (const batchSize of [1, 7, 45]) {
      const r = await integratedGradients(f, x, { target: 1, steps: 9, batchSize, baseline: 0 });
      expectTensorClose(r.attributions, ref.attributions, 1e-6, 1e-5);
      expectTensorClose(r.delta!, ref.delta!, 1e-6);
      r.attributions.dispose();
      r.delta!.dispose();
    }
    expect(ref.attributions.shape).toEqual([5, 2, 2]);
    expect(ref.delta!.shape).toEqual([5]);
    ref.attributions.dispose();
    ref.delta!.dispose();
    x.dispose();
  });

  it('rejects bad steps and methods', async () => {
    const m = linearModel(2, 1);
    const x = tf.tensor2d([[1, 2]]);
    await expectGlassboxError(() => integratedGradients(m.f, x, { steps: 0 }), 'INVALID_ARGUMENT', /options\.steps/);
    await expectGlassboxError(() => integratedGradients(m.f, x, { steps: 3.5 }), 'INVALID_ARGUMENT', /options\.steps/);
    await expectGlassboxError(() => integratedGradients(m.f, x, { method: 'simpson' as never }), 'INVALID_ARGUMENT', /options\.method/);
    await expectGlassboxError(() => integratedGradients(m.f, x, { method: 'riemann_trapezoid', steps: 1 }), 'INVALID_ARGUMENT', /steps/);
    // More points than the rule's bookkeeping may hold: refused up front, naming the limit (no RangeError).
    await expectGlassboxError(
      () => integratedGradients(m.f, x, { steps: 1e9 }),
      'INVALID_ARGUMENT',
      /^integratedGradients: options\.steps must be at most 8388608 points on the path, got 1000000000 .*MAX_PLAN_BYTES/,
    );
    x.dispose();
  });

  it('computes the rule for 200,000 steps in O(steps), checking the signal as it goes: an abort there stops before any model call', async () => {
    const m = linearModel(3, 1);
    const x = tf.tensor2d([[1, 2, 3]]);
    let calls = 0;
    let readsAtFirstCall = -1;
    const dry = abortAtRead();
    const stop = new Error('stop at the first model call');
    const f = (_v: tf.Tensor): tf.Tensor => {
      if (calls++ === 0) readsAtFirstCall = dry.reads();
      throw stop;
    };
    await expect(integratedGradients(f, x, { steps: 200_000, signal: dry.signal })).rejects.toBe(stop);
    // The signal was read throughout the preparation (at every chunk of nodes), not only before and after.
    expect(readsAtFirstCall).toBeGreaterThanOrEqual(20);
    calls = 0;
    const s = abortAtRead(Math.floor(readsAtFirstCall / 2));
    await expectGlassboxError(() => integratedGradients((v) => m.f(v), x, { steps: 200_000, signal: s.signal }), 'ABORTED', /^integratedGradients: aborted/);
    expect(calls).toBe(0);
    // Before the start: nothing is computed either.
    await expectGlassboxError(() => integratedGradients(f, x, { steps: 200_000, signal: AbortSignal.abort() }), 'ABORTED');
    expect(calls).toBe(0);
    x.dispose();
  });

  it('with 100,000 Gauss-Legendre steps, an abort from onProgress rejects at the next batch and leaks nothing', async () => {
    const m = linearModel(3, 2);
    const x = tf.tensor2d([[1, 2, 3]]);
    const controller = new AbortController();
    let progress = 0;
    await expectGlassboxError(
      () =>
        integratedGradients(m.f, x, {
          target: 1,
          steps: 100_000,
          signal: controller.signal,
          onProgress: () => {
            if (++progress === 2) controller.abort();
          },
        }),
      'ABORTED',
    );
    expect(progress).toBe(2);
    x.dispose();
  });
});
