import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { MEASURED_BATCH_MEMORY_BUDGET, tf } from '@glassbox/tensors-ops';
import type { LayerModel } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { layerConductance } from '../layer-conductance.js';
import { layerIntegratedGradients } from '../layer-integrated-gradients.js';
import { layerBatchRule } from './layer-run.js';
import { resolveLayer } from './layers.js';

/**
 * x [N, D] -> h = tanh(x * c) [N, D] -> out = sum(h * c, 1) [N]. The layer path of one row makes, on its forward
 * pass, x * c and its tanh (the layer's value, D float32 each), then h * c (D float32) and the row's sum (one
 * float32): 12 D + 4 bytes. Its gradient with respect to h keeps those and adds at least the gradient (D float32):
 * >= 16 D + 4 bytes; a few more D-sized temporaries of the backward pass, never 40 D. c is made outside.
 * Records the rows of every layerOutput call.
 */
function wide(c: Tensor): LayerModel & { rows: number[] } {
  const rows: number[] = [];
  return {
    rows,
    layerNames: ['h'],
    layerOutput: (x: Tensor) => {
      rows.push(x.shape[0]!);
      return tf.tanh(tf.mul(x, c));
    },
    forwardWithLayer: (_x: Tensor, _layer: string, a: Tensor) => tf.sum(tf.mul(a, c), 1),
  };
}

describeBackends('the batch size of the layer methods (measured memory of one row of the layer path)', () => {
  it('fits the measured bytes of a row in the budget: exactly for the forward pass, within the closed-form bounds for the gradient', async () => {
    const c = tf.scalar(0.5);
    const model = wide(c);
    // 2^22 floats a row: the forward pass holds 48 MiB + 4 bytes a row, so 21 rows fit 1 GiB.
    const d = 2 ** 22;
    const x = tf.zeros([2, d]);
    await expectNoLeaks(() => {
      const access = resolveLayer(model, 'h', 'test');
      const rule = layerBatchRule(model, access, 'output', x, 64, false, undefined);
      expect(model.rows).toEqual([]); // nothing measured before a loop asks
      const forward = rule(1000, 'forward');
      expect(forward).toBe(Math.floor(MEASURED_BATCH_MEMORY_BUDGET / (12 * d + 4)));
      expect(forward).toBe(21);
      const gradients = rule(1000, 'gradients');
      expect(gradients).toBeLessThanOrEqual(Math.floor(MEASURED_BATCH_MEMORY_BUDGET / (16 * d + 4)));
      expect(gradients).toBeGreaterThanOrEqual(Math.floor(MEASURED_BATCH_MEMORY_BUDGET / (40 * d)));
      expect(model.rows).toEqual([1, 1]); // one probe of one row per pass
      // Remembered: a later call with the same model, layer and row shape measures nothing.
      const again = layerBatchRule(model, resolveLayer(model, 'h', 'test'), 'output', x, 64, false, undefined);
      expect(again(1000, 'gradients')).toBe(gradients);
      expect(model.rows).toEqual([1, 1]);
      // Fewer rows than fit a batch: still at most the contract's 64 per call.
      const small = tf.zeros([1, 8]);
      const other = wide(c);
      expect(layerBatchRule(other, resolveLayer(other, 'h', 'test'), 'output', small, 64, false, undefined)(1000, 'gradients')).toBe(64);
      small.dispose();
      // A given batchSize wins, and an aborted call measures nothing.
      const fresh = wide(c);
      const access2 = resolveLayer(fresh, 'h', 'test');
      expect(layerBatchRule(fresh, access2, 'output', x, 7, true, undefined)(1000, 'gradients')).toBe(7);
      expect(layerBatchRule(fresh, access2, 'output', x, 64, false, AbortSignal.abort())(1000, 'gradients')).toBe(64);
      expect(fresh.rows).toEqual([]);
    });
    tf.dispose([c, x]);
  });

  it('layerIntegratedGradients and layerConductance probe one row without batchSize and none with it; same results; leak nothing', async () => {
    const c = tf.scalar(0.5);
    const x = tf.tensor2d([0.3, -0.2, 0.9, 0.1, 0.5, -0.7], [2, 3]);
    for (const method of [layerIntegratedGradients, layerConductance]) {
      const auto = wide(c);
      const given = wide(c);
      const before = tf.memory().numTensors;
      const a = await method(auto, x, { layer: 'h', steps: 5 });
      const b = await method(given, x, { layer: 'h', steps: 5, batchSize: 3 });
      // The first layerOutput calls of the automatic run are the probes (one row each); then the loops.
      expect(auto.rows.slice(0, 1)).toEqual([1]);
      expect(auto.rows.filter((r) => r === 1).length).toBeGreaterThanOrEqual(1);
      expect(given.rows.every((r) => r <= 3)).toBe(true);
      expect(Math.max(...auto.rows)).toBeGreaterThan(3);
      const [av, bv, ad, bd] = await Promise.all([a.attributions.data(), b.attributions.data(), a.delta!.data(), b.delta!.data()]);
      for (let i = 0; i < av.length; i++) expect(av[i]).toBeCloseTo(bv[i]!, 6);
      for (let i = 0; i < ad.length; i++) expect(ad[i]).toBeCloseTo(bd[i]!, 6);
      tf.dispose([a.attributions, a.delta!, b.attributions, b.delta!]);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([c, x]);
  });
});
