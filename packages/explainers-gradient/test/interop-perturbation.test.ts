/**
 * The noise tunnel wraps explainers of @glassbox/explainers-perturbation too (they go through the per-row
 * path with a derived seed). On a linear model without bias, occlusion with 1-element windows and Shapley
 * value sampling with baseline 0 both give x * w, as inputXGradient does, so the three tunnels (same seed,
 * hence the same noisy copies) must agree.
 */
import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { occlusion, shapleyValueSampling } from '@glassbox/explainers-perturbation';
import { describeBackends, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { inputXGradient, noiseTunnel } from '../src/index.js';
import { normals, uniforms } from '../src/testing-internal/models.js';

describeBackends('noiseTunnel around perturbation explainers', () => {
  const P = 5;
  const w = normals(201, P * 2);
  const f = (x: Tensor) => tf.tidy(() => tf.matMul(x, tf.tensor2d(w, [P, 2])));

  it('noiseTunnel(occlusion) and noiseTunnel(shapleyValueSampling) equal noiseTunnel(inputXGradient) on a linear model', async () => {
    const x = tf.tensor2d(uniforms(202, 3 * P, -1, 1), [3, P]);
    // The call's seed draws the noise and seeds the wrapped explainer (one place, see noiseTunnel).
    const config = { samples: 4, stdev: 0.2 };
    await expectNoLeaks(async () => {
      const ref = await noiseTunnel(inputXGradient, config)(f, x, { target: 1, seed: 11 });
      const occ = await noiseTunnel(occlusion, config)(f, x, { target: 1, window: [1], baseline: 0, seed: 11 });
      const shap = await noiseTunnel(shapleyValueSampling, config)(f, x, { target: 1, samples: 3, baseline: 0, seed: 11 });
      expect(occ.method).toMatch(/^noiseTunnel\(/);
      expectTensorClose(occ.attributions, ref.attributions, 1e-5);
      expectTensorClose(shap.attributions, ref.attributions, 1e-5);
      for (const r of [ref, occ, shap]) {
        r.attributions.dispose();
        r.delta?.dispose();
      }
    });
    x.dispose();
  });
});
