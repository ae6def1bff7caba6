import { expect, it, vi } from 'vitest';
import { tf, type Attribution, type Predictable } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import type { Tensor } from '@tensorflow/tfjs-core';
import { sensitivityMax } from './sensitivity-max.js';
import { inputExplainer, linearModel, localInputXGradient, localSaliency, seededMatrix } from './testing-internal/fixtures.js';

const D = 9;
const W = Array.from({ length: D }, (_, j) => (j % 3) - 1 + 0.5 * j);
const XS = seededMatrix(3, D, 17, 0.5, 1.5);

describeBackends('sensitivityMax', () => {
  it('is 0 for the gradient of a linear model and bounded by radius * ||w|| for input x gradient', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const sal = await expectNoLeaks(() => sensitivityMax(localSaliency, f, x, { radius: 0.1, samples: 4, relative: false }));
    sal.forEach((v) => expect(v).toBeLessThan(1e-6));
    // a = w * x: a(x + delta) - a(x) = w * delta, |delta_j| <= r
    const ixg = await expectNoLeaks(() => sensitivityMax(localInputXGradient, f, x, { radius: 0.1, samples: 6, relative: false, seed: 3 }));
    const normW = Math.sqrt(W.reduce((s, v) => s + v * v, 0));
    ixg.forEach((v) => {
      expect(v).toBeGreaterThan(0.01 * normW);
      expect(v).toBeLessThanOrEqual(0.1 * normW + 1e-6);
    });
    tf.dispose(x);
  });

  it('relative = absolute / ||Phi(x)||, and is deterministic with a seed', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const abs = await sensitivityMax(inputExplainer, f, x, { radius: 0.05, samples: 5, seed: 4, relative: false });
    const rel = await sensitivityMax(inputExplainer, f, x, { radius: 0.05, samples: 5, seed: 4 });
    const again = await sensitivityMax(inputExplainer, f, x, { radius: 0.05, samples: 5, seed: 4 });
    const other = await sensitivityMax(inputExplainer, f, x, { radius: 0.05, samples: 5, seed: 5 });
    expect(again).toEqual(rel);
    expect(other).not.toEqual(rel);
    XS.forEach((row, i) => {
      const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
      expect(rel[i]!).toBeCloseTo(abs[i]! / norm, 6);
      // the identity explainer's change is the noise itself: at most r sqrt(d)
      expect(abs[i]!).toBeLessThanOrEqual(0.05 * Math.sqrt(D) + 1e-6);
    });
    tf.dispose(x);
  });

  it('passes the other options to the explainer, reports progress and aborts without leaks', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const seen: Record<string, unknown>[] = [];
    const spy = async (g: Predictable, z: Tensor, o: Record<string, unknown> = {}): Promise<Attribution> => {
      seen.push(o);
      return localInputXGradient(g, z, o);
    };
    const progress = vi.fn();
    await sensitivityMax(spy, f, x, { samples: 2, radius: 0.2, seed: 6, batchSize: 2, steps: 7, explainerOptions: { samples: 30 }, onProgress: progress });
    expect(seen.length).toBe(3);
    expect(seen[0]).toEqual({ seed: 6, batchSize: 2, steps: 7, samples: 30 });
    expect(progress.mock.calls).toEqual([[1, 3], [2, 3], [3, 3]]);
    const controller = new AbortController();
    await expectGlassboxError(
      () => sensitivityMax(localInputXGradient, f, x, { samples: 5, signal: controller.signal, onProgress: (d) => d === 2 && controller.abort() }),
      'ABORTED',
    );
    tf.dispose(x);
  });

  it('rejects bad input, including a bad explainer result, without leaks', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const halfShape = async (_g: Predictable, z: Tensor): Promise<Attribution> => ({ attributions: tf.zeros([z.shape[0]!, 2]), delta: tf.zeros([3]), method: 'bad' });
    const failing = async (): Promise<Attribution> => {
      throw new Error('explainer failed');
    };
    await expectGlassboxError(() => sensitivityMax(localSaliency, f, x, { radius: 0 }), 'INVALID_ARGUMENT', /options.radius must be a finite number > 0, got 0/);
    await expectGlassboxError(() => sensitivityMax(localSaliency, f, x, { radius: -1 }), 'INVALID_ARGUMENT', /options.radius/);
    await expectGlassboxError(() => sensitivityMax(localSaliency, f, x, { samples: 0 }), 'INVALID_ARGUMENT', /options.samples/);
    await expectGlassboxError(() => sensitivityMax('saliency' as never, f, x), 'INVALID_ARGUMENT', /explainer must be an explainer function/);
    await expectGlassboxError(() => sensitivityMax(halfShape, f, x), 'SHAPE_MISMATCH', /attributions of shape \[3, 2\]/);
    await expectGlassboxError(() => sensitivityMax(localSaliency, f, x, { relative: 'no' as never }), 'INVALID_ARGUMENT');
    await expectGlassboxError(() => sensitivityMax(localSaliency, f, x, { explainerOptions: 3 as never }), 'INVALID_ARGUMENT');
    const before = tf.memory().numTensors;
    await expect(sensitivityMax(failing, f, x)).rejects.toThrow('explainer failed');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
  });
});

describeBackends('sensitivityMax on an asynchronous model', () => {
  it('takes a model whose predict answers with a Promise when the explainer only calls it: same numbers as the synchronous model', async () => {
    const { featureAblation } = await import('@glassbox/explainers-perturbation');
    const f = linearModel(W);
    const asyncModel = { async: true as const, predict: async (t: Tensor) => f(t) };
    const x = tf.tensor2d(XS);
    const opts = { radius: 0.1, samples: 3, seed: 2, relative: false };
    const want = await sensitivityMax(featureAblation, f, x, opts);
    const got = await expectNoLeaks(() => sensitivityMax(featureAblation, asyncModel as Predictable, x, opts));
    // Feature ablation of a linear model is w * (x - 0): its change under noise delta is w * delta, at most r ||w||.
    const normW = Math.sqrt(W.reduce((s, v) => s + v * v, 0));
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i]!, 6);
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(0.1 * normW + 1e-5);
    });
    tf.dispose(x);
  });
});
