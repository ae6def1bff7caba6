import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import type { Attribution, ForwardFn, Predictable } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { noiseTunnel } from './noise-tunnel.js';
import { saliency } from './saliency.js';
import { integratedGradients } from './integrated-gradients.js';
import { inputXGradient } from './input-x-gradient.js';
import { linearModel, quadraticModel, uniforms } from './testing-internal/models.js';

/** Wraps f so that every row it is called on is recorded (the noisy copies the tunnel made). */
function spy(f: ForwardFn): { f: ForwardFn; rows: Float32Array[] } {
  const rows: Float32Array[] = [];
  return {
    rows,
    f: (x: Tensor) => {
      const v = x.dataSync();
      const size = x.size / x.shape[0]!;
      for (let i = 0; i < x.shape[0]!; i++) rows.push(Float32Array.from(v.subarray(i * size, (i + 1) * size)));
      return f(x);
    },
  };
}

describeBackends('noiseTunnel', () => {
  it('smoothgrad / smoothgrad_sq / vargrad of the signed saliency of a linear model are W, W^2 and 0', async () => {
    const m = linearModel(5, 2);
    const x = tf.tensor2d(uniforms(1, 3 * 5), [3, 5]);
    const w1 = Array.from({ length: 15 }, (_, e) => m.w[(e % 5) * 2 + 1]!);
    const expected = { smoothgrad: w1, smoothgrad_sq: w1.map((v) => v * v), vargrad: w1.map(() => 0) };
    for (const variant of ['smoothgrad', 'smoothgrad_sq', 'vargrad'] as const) {
      await expectNoLeaks(async () => {
        const r = await noiseTunnel(saliency, { samples: 6, stdev: 0.3, variant, seed: 4 })(m.f, x, { target: 1, abs: false });
        expect(r.method).toBe('noiseTunnel(saliency)');
        expect(r.delta).toBeUndefined();
        expectTensorClose(r.attributions, expected[variant], 1e-5);
        r.attributions.dispose();
      });
    }
    x.dispose();
  });

  it('averages the analytic gradient over the noisy copies of a quadratic model (all three variants)', async () => {
    const m = quadraticModel(4, 1);
    const n = 2;
    const samples = 5;
    const x = tf.tensor2d(uniforms(2, n * 4, -1, 1), [n, 4]);
    for (const variant of ['smoothgrad', 'smoothgrad_sq', 'vargrad'] as const) {
      const s = spy(m.f);
      const r = await noiseTunnel(saliency, { samples, stdev: 0.5, variant, seed: 9 })(s.f, x, { abs: false });
      expect(s.rows.length).toBe(n * samples);
      const out = r.attributions.dataSync();
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 4; j++) {
          // Copies of row i are rows i*samples .. of the tunnel's single call; check that they are noisy copies of x_i.
          const grads = s.rows.slice(i * samples, (i + 1) * samples).map((c) => 2 * m.a[j]! * c[j]! + m.c[j]!);
          const mean = grads.reduce((a, b) => a + b, 0) / samples;
          const meanSq = grads.reduce((a, b) => a + b * b, 0) / samples;
          const want = variant === 'smoothgrad' ? mean : variant === 'smoothgrad_sq' ? meanSq : meanSq - mean * mean;
          expect(out[i * 4 + j]).toBeCloseTo(want, 4);
        }
      }
      if (variant === 'vargrad') expect(Math.max(...out)).toBeGreaterThan(1e-3);
      r.attributions.dispose();
    }
    // The noise has the asked-for size: the copies are not all equal and stay near x.
    x.dispose();
  });

  it('noise has the requested standard deviation and is centred on x', async () => {
    const s = spy((t) => tf.sum(t, 1));
    const x = tf.tensor2d([[0.5, -0.5, 2, 3]]);
    const r = await noiseTunnel(saliency, { samples: 500, stdev: 0.2, seed: 1 })(s.f, x);
    const xv = [0.5, -0.5, 2, 3];
    let sum = 0;
    let sumSq = 0;
    let count = 0;
    for (const row of s.rows) for (let j = 0; j < 4; j++) {
      const e = row[j]! - xv[j]!;
      sum += e;
      sumSq += e * e;
      count++;
    }
    expect(Math.abs(sum / count)).toBeLessThan(0.02);
    expect(Math.sqrt(sumSq / count)).toBeCloseTo(0.2, 1);
    r.attributions.dispose();
    x.dispose();
  });

  it('wraps integratedGradients with per-row targets and baselines; smoothgrad returns the mean delta', async () => {
    const m = linearModel(3, 2);
    const x = tf.tensor2d(uniforms(3, 3 * 3), [3, 3]);
    const bv = uniforms(4, 9, -0.5, 0.5);
    const b = tf.tensor2d(bv, [3, 3]);
    const targets = [1, 0, 1];
    const s = spy(m.f);
    await expectNoLeaks(async () => {
      const r = await noiseTunnel(integratedGradients, { samples: 4, stdev: 0.1, seed: 2 })(s.f, x, {
        target: targets,
        baseline: b,
        steps: 3,
        method: 'riemann_middle',
      });
      // IG on a linear model is (x~ - b) W[:, t]; the tunnel's first call evaluates [x~; b] for all copies.
      const copies = s.rows.slice(0, 12);
      const out = r.attributions.dataSync();
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          let want = 0;
          for (let k = 0; k < 4; k++) want += (copies[i * 4 + k]![j]! - bv[i * 3 + j]!) * m.w[j * 2 + targets[i]!]!;
          expect(out[i * 3 + j]).toBeCloseTo(want / 4, 5);
        }
      }
      expectTensorClose(r.delta!, [0, 0, 0], 1e-5);
      r.attributions.dispose();
      r.delta!.dispose();
    });
    x.dispose();
    b.dispose();
  });

  it('does not depend on batchSize, repeats with the same seed and changes with another', async () => {
    const m = quadraticModel(6, 2);
    const x = tf.tensor3d(uniforms(5, 5 * 6, -1, 1), [5, 3, 2]);
    const tunnel = noiseTunnel(inputXGradient, { samples: 7, stdev: 0.2, variant: 'vargrad' });
    const ref = await tunnel(m.f, x, { target: 0, seed: 3, batchSize: 64 });
    expect(ref.attributions.shape).toEqual([5, 3, 2]);
    for (const batchSize of [1, 5, 13]) {
      const r = await tunnel(m.f, x, { target: 0, seed: 3, batchSize });
      expectTensorClose(r.attributions, ref.attributions, 1e-6, 1e-5);
      r.attributions.dispose();
    }
    const other = await tunnel(m.f, x, { target: 0, seed: 4 });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(other.attributions, ref.attributions))).dataSync()[0]!);
    expect(diff).toBeGreaterThan(1e-4);
    other.attributions.dispose();
    ref.attributions.dispose();
    x.dispose();
  });

  it('wraps any explainer (called once per row): same numbers as the batched path for a deterministic one', async () => {
    const m = quadraticModel(4, 1);
    const x = tf.tensor2d(uniforms(6, 3 * 4, -1, 1), [3, 4]);
    const calls: number[] = [];
    const custom = async (f: Predictable, xx: Tensor, o?: object): Promise<Attribution> => {
      calls.push(xx.shape[0]!);
      const r = await saliency(f, xx, o);
      return { ...r, method: 'custom' };
    };
    const a = await noiseTunnel(custom, { samples: 3, stdev: 0.3, seed: 8 })(m.f, x, { abs: false });
    const b = await noiseTunnel(saliency, { samples: 3, stdev: 0.3, seed: 8 })(m.f, x, { abs: false });
    expect(calls).toEqual([3, 3, 3]);
    expect(a.method).toBe('noiseTunnel(custom)');
    expectTensorClose(a.attributions, b.attributions, 1e-6);
    a.attributions.dispose();
    b.attributions.dispose();
    x.dispose();
  });

  it('checks its configuration and the wrapped result', async () => {
    await expectGlassboxError(() => noiseTunnel(saliency, { samples: 0 }), 'INVALID_ARGUMENT', /options\.samples/);
    await expectGlassboxError(() => noiseTunnel(saliency, { samples: 1.5 }), 'INVALID_ARGUMENT', /options\.samples/);
    await expectGlassboxError(() => noiseTunnel(saliency, { stdev: -0.1 }), 'INVALID_ARGUMENT', /options\.stdev/);
    await expectGlassboxError(() => noiseTunnel(saliency, { variant: 'mean' as never }), 'INVALID_ARGUMENT', /options\.variant/);
    await expectGlassboxError(() => noiseTunnel('saliency' as never), 'INVALID_ARGUMENT', /explainer/);
    const x = tf.tensor2d([[1, 2]]);
    const bad = async (): Promise<Attribution> => ({ attributions: tf.zeros([7]), method: 'bad' });
    await expectGlassboxError(() => noiseTunnel(bad, { samples: 2 })((t) => t, x), 'SHAPE_MISMATCH', /shape \[7\]/);
    x.dispose();
  });

  it("one place for the seed: the call's seed draws the noise (a config seed is only the default of a call without one)", async () => {
    const x = tf.tensor2d(uniforms(41, 2 * 3, -1, 1), [2, 3]);
    const s = spy(linearModel(3, 1, 42).f);
    const copiesOf = async (config: object, call: object): Promise<Float32Array[]> => {
      s.rows.length = 0;
      await expectNoLeaks(async () => {
        const r = await noiseTunnel(saliency, { samples: 2, stdev: 0.5, ...config })(s.f, x, call);
        r.attributions.dispose();
      });
      return s.rows.map((row) => row.slice());
    };
    const byCall = await copiesOf({}, { seed: 7 });
    expect(await copiesOf({ seed: 5 }, { seed: 7 })).toEqual(byCall);
    expect(await copiesOf({ seed: 7 }, {})).toEqual(byCall);
    expect(await copiesOf({}, { seed: 5 })).not.toEqual(byCall);
    x.dispose();
  });
});
