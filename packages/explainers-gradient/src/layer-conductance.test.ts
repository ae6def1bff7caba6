import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { sequential, tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { gaussLegendre } from './internal/integration.js';
import { layerConductance } from './layer-conductance.js';
import { layerIntegratedGradients } from './layer-integrated-gradients.js';
import { randomizeWeights, uniforms } from './testing-internal/models.js';

/** x [., 3] -> h = tanh(x W1 + b1) [., 4] -> g = tanh(h W2 + b2) [., 5] -> out = g W3 + b3 [., 3]. */
function mlp(seed: number) {
  const model = sequential(
    [
      { type: 'dense', name: 'h', units: 4, activation: 'tanh' },
      { type: 'dense', name: 'g', units: 5, activation: 'tanh' },
      { type: 'dense', name: 'out', units: 3 },
    ],
    [3],
    { seed },
  );
  randomizeWeights(model, seed + 1, 0.8);
  const w = model.getWeights();
  const dense = (t: Tensor, name: string) => tf.add(tf.matMul(t, w[`${name}/kernel`]!), w[`${name}/bias`]!);
  const hand = {
    /** The output of 'h' and its pre-activation. */
    z: (x: Tensor) => dense(x, 'h'),
    h: (x: Tensor) => tf.tanh(dense(x, 'h')),
    /** Output column t of the model after 'h', as a function of h's output (one score per row). */
    afterH: (a: Tensor, t: number) => tf.reshape(tf.slice(dense(tf.tanh(dense(a, 'g')), 'out'), [0, t], [a.shape[0]!, 1]), [a.shape[0]!]),
    w: w,
  };
  return { model, hand, dispose: () => { tf.dispose(w); model.dispose(); } };
}

/**
 * Conductance by its definition (Dhamdhere et al.), independent of the step differences: for h = tanh(z),
 * z = x W1 + b1 along x(s) = b + s (x - b), d h/ds = (1 - h^2) * ((x - b) W1), so
 * Cond = integral_0^1 dF/dh (x(s)) * (1 - h(s)^2) * ((x - b) W1) ds, here by a 200-point Gauss-Legendre rule.
 */
function conductanceByDefinition(m: ReturnType<typeof mlp>, x: Tensor, t: number): Float64Array {
  const { nodes, weights } = gaussLegendre(200);
  const n = x.shape[0]!;
  const out = new Float64Array(n * 4);
  tf.tidy(() => {
    for (let i = 0; i < n; i++) {
      const xi = tf.slice(x, [i, 0], [1, 3]);
      const s = tf.tensor2d(Array.from(nodes, (v) => (v + 1) / 2), [200, 1]);
      const pts = tf.mul(s, xi); // baseline 0
      const h = m.hand.h(pts);
      const g = tf.grad((a: Tensor) => m.hand.afterH(a, t))(h);
      const dz = tf.matMul(xi, m.hand.w['h/kernel']!); // (x - b) W1, [1, 4]
      const integrand = tf.mul(tf.mul(g, tf.sub(1, tf.square(h))), dz).arraySync() as number[][];
      for (let k = 0; k < 200; k++) for (let j = 0; j < 4; j++) out[i * 4 + j] += (weights[k]! / 2) * integrand[k]![j]!;
    }
  });
  return out;
}

describeBackends('layerConductance', () => {
  it("is Captum's step sum: sum_k dF/da(x_k) * (a(x_{k+1}) - a(x_k)) at the rule's steps + 1 points", async () => {
    const m = mlp(3);
    const x = tf.tensor2d(uniforms(1, 2 * 3, -1, 1), [2, 3]);
    const b = tf.tensor2d(uniforms(2, 3, -1, 1), [1, 3]);
    await expectNoLeaks(async () => {
      const { attributions, delta, method } = await layerConductance(m.model, x, { layer: 'h', target: 1, baseline: b, steps: 2, method: 'riemann_trapezoid' });
      expect(method).toBe('layerConductance');
      const expected = tf.tidy(() => {
        const pts = [0, 0.5, 1].map((s) => tf.add(b, tf.mul(s, tf.sub(x, b))));
        const a = pts.map((p) => m.hand.h(p));
        const g = a.map((ak) => tf.grad((t: Tensor) => m.hand.afterH(t, 1))(ak));
        return tf.add(tf.mul(g[0]!, tf.sub(a[1]!, a[0]!)), tf.mul(g[1]!, tf.sub(a[2]!, a[1]!)));
      });
      expectTensorClose(attributions, expected, 1e-5);
      tf.dispose([attributions, delta!, expected]);
    });
    tf.dispose([x, b]);
    m.dispose();
  });

  it('of a layer followed by a linear head is (a(x) - a(b)) * w_t with both ends on the path, the same as layerIntegratedGradients', async () => {
    const m = mlp(5);
    const x = tf.tensor2d(uniforms(3, 3 * 3, -1, 1), [3, 3]);
    await expectNoLeaks(async () => {
      const c = await layerConductance(m.model, x, { layer: 'g', target: 0, steps: 5, method: 'riemann_trapezoid', baseline: -0.5 });
      const ig = await layerIntegratedGradients(m.model, x, { layer: 'g', target: 0, steps: 5, baseline: -0.5 });
      expect(c.attributions.shape).toEqual([3, 5]);
      expectTensorClose(c.attributions, ig.attributions, 1e-5);
      // Summed over the layer: F(x) - F(b) (delta ~ 0).
      expectTensorClose(c.delta!, [0, 0, 0], 1e-5);
      tf.dispose([c.attributions, c.delta!, ig.attributions, ig.delta!]);
    });
    x.dispose();
    m.dispose();
  });

  it('converges to the definition (first order in the steps) and its completeness gap shrinks as fast', async () => {
    const m = mlp(9);
    const x = tf.tensor2d(uniforms(4, 3 * 3, -1.5, 1.5), [3, 3]);
    const reference = conductanceByDefinition(m, x, 2);
    const errorAt = async (steps: number) => {
      const { attributions, delta } = await layerConductance(m.model, x, { layer: 'h', target: 2, steps, method: 'riemann_trapezoid' });
      const v = attributions.dataSync();
      let err = 0;
      for (let e = 0; e < v.length; e++) err = Math.max(err, Math.abs(v[e]! - reference[e]!));
      tf.dispose([attributions, delta!]);
      return err;
    };
    const scale = Math.max(...Array.from(reference, Math.abs));
    const e64 = await errorAt(64);
    const e256 = await errorAt(256);
    expect(e256).toBeLessThan(0.01 * scale);
    expect(e256).toBeLessThan(0.4 * e64); // a first-order rule: 4 times the steps, about a quarter of the error
    // Completeness: summed over the layer, the attributions give F(x) - F(b) up to the same first-order error,
    // which delta reports (sum - (F(x) - F(b))): it shrinks about 4 times with 4 times the steps.
    const f = tf.tidy(() => tf.sub(tf.slice(m.model.predict(x), [0, 2], [3, 1]), tf.slice(m.model.predict(tf.zerosLike(x)), [0, 2], [3, 1])).dataSync());
    const gaps: Record<string, Float32Array> = {};
    for (const [steps, method] of [[64, 'gausslegendre'], [64, 'riemann_trapezoid'], [256, 'riemann_trapezoid'], [1024, 'riemann_trapezoid']] as const) {
      const { attributions, delta } = await layerConductance(m.model, x, { layer: 'h', target: 2, steps, method });
      const sums = tf.tidy(() => tf.sum(attributions, 1).dataSync());
      const d = delta!.dataSync() as Float32Array;
      for (let i = 0; i < 3; i++) expect(d[i]!).toBeCloseTo(sums[i]! - f[i]!, 5);
      gaps[`${method}${steps}`] = d;
      tf.dispose([attributions, delta!]);
    }
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(gaps.riemann_trapezoid256![i]!)).toBeLessThan(0.3 * Math.abs(gaps.riemann_trapezoid64![i]!));
      expect(Math.abs(gaps.riemann_trapezoid1024![i]!)).toBeLessThan(0.3 * Math.abs(gaps.riemann_trapezoid256![i]!));
    }
    x.dispose();
    m.dispose();
  });

  it('does not depend on the batch size (a row\'s path split across batches), and reports progress', async () => {
    const m = mlp(12);
    const x = tf.tensor2d(uniforms(6, 3 * 3, -1, 1), [3, 3]);
    const seen: number[] = [];
    const a = await layerConductance(m.model, x, { layer: 'g', target: [1, 2, 0], steps: 6, batchSize: 4, onProgress: (d) => seen.push(d) });
    const b = await layerConductance(m.model, x, { layer: 'g', target: [1, 2, 0], steps: 6 });
    expectTensorClose(a.attributions, b.attributions, 1e-6);
    expectTensorClose(a.delta!, b.delta!, 1e-6);
    expect(seen.at(-1)).toBe(2 * 3 + 3 * 7);
    tf.dispose([a.attributions, a.delta!, b.attributions, b.delta!, x]);
    m.dispose();
  });

  it('refuses bad models, layers and options, leaking nothing', async () => {
    const m = mlp(3);
    const x = tf.tensor2d(uniforms(8, 3), [1, 3]);
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => layerConductance(m.model, x, { layer: 'nope', target: 0 }), 'INVALID_ARGUMENT', /one of 'h', 'g', 'out', got 'nope'/);
      await expectGlassboxError(() => layerConductance(m.model, x, { target: 0 }), 'INVALID_ARGUMENT', /options\.layer must name/);
      await expectGlassboxError(() => layerConductance({ predict: (t: Tensor) => t } as never, x, { layer: 'h' }), 'INVALID_ARGUMENT', /named layers/);
      await expectGlassboxError(() => layerConductance(m.model, x, { layer: 'h', target: 0, method: 'simpson' as never }), 'INVALID_ARGUMENT', /options\.method/);
      await expectGlassboxError(() => layerConductance(m.model, x, { layer: 'h', target: 0, attributeToLayerInput: 1 as never }), 'INVALID_ARGUMENT', /attributeToLayerInput must be true or false/);
    });
    x.dispose();
    m.dispose();
  });
});
