/**
 * MobileNetV2 (the ResidualModel of bench/mobilenet-v2.mjs at 32x32) with its batch norms folded into the
 * convolutions and conv + bias + relu6 / depthwise conv + bias + relu6 as fused kernels (inference mode, the
 * default) against the same model with folding switched off (conv, batch norm, relu6 as separate ops): logits
 * and input gradients agree within 1e-5 of their scale, and the folded forward runs no batch norm and no relu6.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../src/tf.js';
import { createRng } from '../src/rng.js';
import { residualModel, type ResidualModel } from '../src/nn/residual-model.js';
import { setBatchNormFolding } from '../src/nn/fold-batch-norm.js';
import { FUSED_CONV2D_KERNEL, FUSED_DEPTHWISE_CONV2D_KERNEL } from '../src/nn/fused.js';
import { describeBackends, expectNoLeaks } from '../src/testing/index.js';
import { mobileNetV2Spec, randomizeMobileNetV2 } from '../../../bench/mobilenet-v2.mjs';

function maxAbs(t: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]!);
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** Runs fn with folding off, then back on. */
function unfolded<T>(fn: () => T): T {
  setBatchNormFolding(false);
  try {
    return fn();
  } finally {
    setBatchNormFolding(true);
  }
}

describeBackends('MobileNetV2: folded batch norms and fused relu6 against the unfolded model', () => {
  const spec = mobileNetV2Spec({ size: 32, classes: 5 });
  let model: ResidualModel;

  beforeAll(() => {
    model = residualModel(spec.blocks, spec.inputShape, { seed: 21 });
    randomizeMobileNetV2({ tf, createRng }, model, 22);
  });
  afterAll(() => {
    model.dispose();
  });

  it('gives the same logits within 1e-5 of their scale, with no batch norm or relu6 left in the forward', async () => {
    const x = tf.tensor4d(createRng(23).uniformArray(3 * 32 * 32 * 3, -1, 1), [3, 32, 32, 3]);
    await expectNoLeaks(async () => {
      const folded = model.predict(x);
      const plain = unfolded(() => model.predict(x));
      const scale = maxAbs(plain);
      expect(scale).toBeGreaterThan(0.05);
      expect(maxAbsDiff(folded, plain)).toBeLessThanOrEqual(1e-5 * scale);
      const info = await tf.profile(() => {
        tf.dispose(model.predict(x));
      });
      const names = info.kernels.map((k) => k.name);
      expect(names).not.toContain('FusedBatchNorm');
      expect(names).not.toContain('Relu6');
      // 17 depthwise convolutions; 1 stem + 16 expansions + 17 projections + 1 head convolutions.
      expect(names.filter((n) => n === FUSED_DEPTHWISE_CONV2D_KERNEL)).toHaveLength(17);
      expect(names.filter((n) => n === FUSED_CONV2D_KERNEL)).toHaveLength(35);
      tf.dispose([folded, plain]);
    });
    x.dispose();
  });

  it('gives the same input gradients of a logit within 1e-5 of their scale (at an input away from the kinks)', async () => {
    // relu6 has kinks at 0 and 6: where a pre-activation lies within rounding of one, the unfolded model and the
    // folded one (or the unfolded model on two backends) may take different sides, and the input gradient
    // jumps (at 32x32 one unit of a deep layer covers the whole image: a pre-activation 2e-6 below 0 moved it
    // by 1.3% of its scale). So the input is the first of a fixed list of seeds whose pre-activations, in the
    // unfolded model, all lie at least 2e-5 from 0 and from 6; the gradient is smooth around it.
    const margin = (x: Tensor): number =>
      unfolded(() => {
        const acts = model.applyWithActivations(x);
        let m = Infinity;
        for (const [name, t] of Object.entries(acts.activations)) {
          if (!name.endsWith('_bn') || name.endsWith('project_bn')) continue;
          const v = t.dataSync();
          for (let i = 0; i < v.length; i++) m = Math.min(m, Math.abs(v[i]!), Math.abs(v[i]! - 6));
        }
        tf.dispose(acts);
        return m;
      });
    let x: Tensor | null = null;
    for (let seed = 100; seed < 160 && x === null; seed++) {
      const candidate = tf.tensor4d(createRng(seed).uniformArray(32 * 32 * 3, -1, 1), [1, 32, 32, 3]);
      if (margin(candidate) >= 2e-5) x = candidate;
      else candidate.dispose();
    }
    expect(x, 'an input of seeds 100..159 away from the kinks').not.toBeNull();
    const pick = tf.tidy(() => tf.oneHot(tf.tensor1d([2], 'int32'), 5));
    await expectNoLeaks(() => {
      const grad = (): Tensor => tf.grad((t: Tensor) => tf.sum(tf.mul(model.apply(t), pick)))(x!);
      const folded = grad();
      const plain = unfolded(grad);
      const scale = maxAbs(plain);
      expect(scale).toBeGreaterThan(1e-4);
      expect(maxAbsDiff(folded, plain)).toBeLessThanOrEqual(1e-5 * scale);
      tf.dispose([folded, plain]);
    });
    tf.dispose([x!, pick]);
  });
});
