import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { lime } from './lime.js';
import { counting, lcgValues, linearModel, polynomialModel } from './testing-internal/models.js';

const W = [0.5, -1, 2, 3, -0.25, 1.5];

describeBackends('lime', () => {
  it('linear model, small cosine kernel: coefficients w_i (x_i - b_i), intercept F(b), score 1', async () => {
    const xs = lcgValues(12, 3);
    await expectNoLeaks(async () => {
      const x = tf.tensor(xs, [2, 6]);
      const res = await lime(linearModel(W, 1, [0.75]), x, { samples: 80, kernelWidth: 0.2, alpha: 0, baseline: 0.5, seed: 1 });
      expect(res.method).toBe('lime');
      expectTensorClose(res.attributions, xs.map((v, i) => W[i % 6]! * (v - 0.5)), 1e-4);
      expect(res.score.length).toBe(2);
      res.score.forEach((s) => expect(s).toBeCloseTo(1, 6));
      const fb = W.reduce((s, w) => s + w * 0.5, 0.75);
      res.intercept.forEach((c) => expect(c).toBeCloseTo(fb, 4));
      expect(res.coefficients[1]!.length).toBe(6);
      expect(res.segments).toBeUndefined();
      res.attributions.dispose();
      x.dispose();
    });
  });

  it('euclidean distance and the ridge penalty: alpha > 0 shrinks the coefficients toward 0', async () => {
    const x = tf.tensor([[1, 2, 3, 4, 5, 6]]);
    const exact = await lime(linearModel(W), x, { samples: 100, distance: 'euclidean', alpha: 0, seed: 2 });
    const shrunk = await lime(linearModel(W), x, { samples: 100, distance: 'euclidean', alpha: 50, seed: 2 });
    expectTensorClose(exact.attributions, W.map((w, i) => w * (i + 1)), 1e-4);
    const a = Array.from(exact.attributions.dataSync());
    const s = Array.from(shrunk.attributions.dataSync());
    a.forEach((v, i) => expect(Math.abs(s[i]!)).toBeLessThan(Math.abs(v)));
    tf.dispose([x, exact.attributions, shrunk.attributions]);
  });

  it('an interaction lowers the weighted R^2 below 1', async () => {
    const x = tf.tensor([[1, 1, 1, 1]]);
    const f = polynomialModel([{ coef: 4, idx: [0, 1, 2] }, { coef: 1, idx: [3] }], 4);
    const res = await lime(f, x, { samples: 200, alpha: 0, seed: 3 });
    expect(res.score[0]).toBeGreaterThan(0);
    expect(res.score[0]).toBeLessThan(0.95);
    res.attributions.dispose();
    x.dispose();
  });

  it('grid segmentation of an image: each segment gets its summed contribution; N * samples model rows', async () => {
    const h = 4;
    const w = 4;
    const weights = lcgValues(h * w * 2, 5);
    const xs = lcgValues(h * w * 2, 6, 0, 1);
    const x = tf.tensor(xs, [1, h, w, 2]);
    const counted = counting(linearModel(weights));
    const res = await lime(counted.f, x, { segmentation: { kind: 'grid', cells: 2 }, samples: 40, alpha: 0, seed: 4, batchSize: 1000 });
    expect(counted.calls).toEqual([40]);
    expect(Array.from(res.segments![0]!)).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]);
    const seg = (e: number): number => res.segments![0]![Math.floor(e / 2)]!;
    const total = [0, 0, 0, 0];
    xs.forEach((v, e) => (total[seg(e)]! += weights[e]! * v));
    expectTensorClose(res.attributions, xs.map((_, e) => total[seg(e)]!), 1e-4);
    tf.dispose([x, res.attributions]);
  });

  it('slic segmentation and a custom segmenter run per row', async () => {
    const x = tf.tensor(lcgValues(2 * 8 * 8, 8, 0, 1), [2, 8, 8, 1]);
    const f = (t: Tensor): Tensor => tf.tidy(() => tf.sum(tf.reshape(t, [t.shape[0]!, -1]), 1));
    const res = await lime(f, x, { segmentation: { kind: 'slic', segments: 4, compactness: 1 }, samples: 30, seed: 1 });
    expect(res.segments!.length).toBe(2);
    const halves = await lime(f, x, { segmentation: (_img, [hh, ww]) => Int32Array.from({ length: hh * ww }, (_, p) => (p < (hh * ww) / 2 ? 0 : 1)), samples: 30, alpha: 0 });
    const a = halves.attributions.dataSync();
    const xv = x.dataSync();
    for (let i = 0; i < 2; i++) {
      const top = Array.from(xv.slice(i * 64, i * 64 + 32)).reduce((s, v) => s + v, 0);
      expect(a[i * 64]).toBeCloseTo(top, 3);
    }
    tf.dispose([x, res.attributions, halves.attributions]);
  });

  it('bad options name the argument', async () => {
    const f = linearModel(W);
    const x = tf.tensor([[1, 2, 3, 4, 5, 6]]);
    const img = tf.zeros([1, 4, 4, 1]);
    const g = linearModel(new Array(16).fill(1));
    await expectGlassboxError(() => lime(f, x, { kernelWidth: 0 }), 'INVALID_ARGUMENT', /options\.kernelWidth/);
    await expectGlassboxError(() => lime(f, x, { alpha: -1 }), 'INVALID_ARGUMENT', /options\.alpha/);
    await expectGlassboxError(() => lime(f, x, { distance: 'manhattan' as never }), 'INVALID_ARGUMENT', /options\.distance/);
    await expectGlassboxError(() => lime(f, x, { segmentation: { kind: 'grid' } }), 'SHAPE_MISMATCH', /options\.segmentation needs images/);
    await expectGlassboxError(() => lime(g, img, { segmentation: { kind: 'grid' }, featureMask: new Int32Array(16) }), 'INVALID_ARGUMENT', /not both/);
    await expectGlassboxError(() => lime(g, img, { segmentation: { kind: 'blobs' } as never }), 'INVALID_ARGUMENT', /options\.segmentation/);
    await expectGlassboxError(() => lime(g, img, { segmentation: () => new Int32Array(3) }), 'SHAPE_MISMATCH', /segmentation of row 0/);
    await expectGlassboxError(() => lime(g, img, { segmentation: () => new Int32Array(16).fill(2) }), 'INVALID_ARGUMENT', /group 0 is missing/);
    tf.dispose([x, img]);
  });
});
