import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { featureStatistics, frechetDistance, histogramEntropy, measureGanQuality, measureTranslation } from './quality.js';
import { dilate } from './dilate.js';
import { crosses } from './testing-internal/fixtures.js';

/** Rows with a fixed, non-diagonal covariance (deterministic). */
function correlated(n: number): Tensor {
  const v = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const u = Math.sin(i * 1.3) * 2;
    const w = Math.cos(i * 0.7);
    const s = Math.sin(i * 2.9 + 1);
    v[i * 3] = u + 0.5;
    v[i * 3 + 1] = 0.8 * u + w - 1;
    v[i * 3 + 2] = 0.3 * w + s;
  }
  return tf.tensor2d(v, [n, 3]);
}

describe('frechetDistance', () => {
  it('is 0 for identical features and |shift|^2 for shifted ones', () => {
    const a = correlated(200);
    const b = tf.add(a, tf.tensor1d([1, -2, 0.5]));
    expect(frechetDistance(a, a)).toBeCloseTo(0, 6);
    expect(frechetDistance(a, b)).toBeCloseTo(1 + 4 + 0.25, 4);
    tf.dispose([a, b]);
  });

  it('b = 2a + c: d^2 = |m_a + c|^2 + tr(S_a) (the covariances commute: S_b = 4 S_a)', () => {
    const a = correlated(300);
    const c = [0.3, 0.1, -0.7];
    const b = tf.tidy(() => tf.add(tf.mul(a, 2), tf.tensor1d(c)));
    const s = featureStatistics(a);
    let want = 0;
    for (let i = 0; i < 3; i++) want += (s.mean[i]! + c[i]!) ** 2 + s.cov[i * 3 + i]!;
    expect(frechetDistance(a, b)).toBeCloseTo(want, 4);
    // Statistics are accepted in place of features, on either side.
    expect(frechetDistance(featureStatistics(a), b)).toBeCloseTo(want, 4);
    tf.dispose([a, b]);
  });

  it('1-D: (m1 - m2)^2 + (s1 - s2)^2 with standard deviations s', () => {
    const a = tf.tensor2d([0, 1, 2, 3, 4], [5, 1]);
    const b = tf.tensor2d([10, 13, 16, 19, 22], [5, 1]); // 3a + 10
    const sa = Math.sqrt(2.5);
    expect(frechetDistance(a, b)).toBeCloseTo((2 - 16) ** 2 + (sa - 3 * sa) ** 2, 6);
    tf.dispose([a, b]);
  });

  it('featureStatistics: mean and unbiased covariance', () => {
    const x = tf.tensor2d([1, 2, 3, 6, 5, 4], [3, 2]);
    const s = featureStatistics(x);
    expect(Array.from(s.mean)).toEqual([3, 4]);
    // Deviations (-2, -2), (0, 2), (2, 0): var = 8 / 2 for both, cov = 4 / 2.
    expect(Array.from(s.cov)).toEqual([4, 2, 2, 4]);
    x.dispose();
  });

  it('checks its arguments', async () => {
    const a = tf.zeros([4, 3]);
    const b = tf.zeros([4, 2]);
    const one = tf.zeros([1, 3]);
    await expectGlassboxError(() => frechetDistance(a, b), 'SHAPE_MISMATCH', /same feature dimension/);
    await expectGlassboxError(() => frechetDistance(a, one), 'SHAPE_MISMATCH', /N >= 2/);
    await expectGlassboxError(() => frechetDistance(a, 3 as never), 'INVALID_ARGUMENT', /b must be a float32 tensor/);
    tf.dispose([a, b, one]);
  });
});

describe('histogramEntropy', () => {
  it('ln K for a uniform histogram, 0 for one class', () => {
    expect(histogramEntropy([5, 5, 5, 5])).toBeCloseTo(Math.log(4), 12);
    expect(histogramEntropy([0, 7, 0])).toBe(0);
    expect(histogramEntropy([1, 3])).toBeCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), 12);
    expect(histogramEntropy([0, 0])).toBe(0);
  });
});

describeBackends('measureGanQuality', () => {
  // Images 2x2x1; sample i lights pixel i % 4 at 1 (a confident class), or at 0.1 when i % 5 == 4 (unsure).
  const fakeModel = {
    async sample(n: number): Promise<Tensor> {
      const v = new Float32Array(n * 4);
      for (let i = 0; i < n; i++) v[i * 4 + (i % 4)] = i % 5 === 4 ? 0.1 : 1;
      return tf.tensor4d(v, [n, 2, 2, 1]);
    },
  };
  const classifier = (x: Tensor) => tf.tidy(() => tf.mul(tf.reshape(x, [x.shape[0]!, 4]), 10));
  const features = (x: Tensor) => tf.reshape(x, [x.shape[0]!, 4]);

  it('counts confident samples, the class histogram and its entropy; FD 0 against the same images', async () => {
    const reference = await fakeModel.sample(40);
    const q = await expectNoLeaks(() => measureGanQuality(fakeModel, { classifier, features, reference, n: 40, batchSize: 7 }));
    // 40 samples: 8 are unsure (i % 5 == 4): softmax([1, 0, 0, 0]) tops at e / (e + 3) = 0.475.
    expect(q.n).toBe(40);
    expect(q.confidentShare).toBeCloseTo(32 / 40, 12);
    const pHigh = Math.exp(10) / (Math.exp(10) + 3);
    const pLow = Math.E / (Math.E + 3);
    expect(q.meanConfidence).toBeCloseTo((32 * pHigh + 8 * pLow) / 40, 6);
    expect(q.histogram).toEqual([10, 10, 10, 10]);
    expect(q.entropy).toBeCloseTo(Math.log(4), 12);
    expect(q.maxEntropy).toBeCloseTo(Math.log(4), 12);
    expect(q.frechetDistance).toBeCloseTo(0, 5);
    expect(q.referenceFrechetDistance).toBeGreaterThanOrEqual(0);
    reference.dispose();
  });

  it('probabilities instead of logits, another threshold', async () => {
    const reference = await fakeModel.sample(20);
    const probs = (x: Tensor) => tf.tidy(() => tf.softmax(classifier(x)));
    const q = await measureGanQuality(fakeModel, { classifier: { predict: probs }, features, reference, n: 20, outputs: 'probabilities', confidence: 0.4 });
    expect(q.confidentShare).toBe(1);
    reference.dispose();
  });

  it('checks its arguments', async () => {
    const reference = await fakeModel.sample(8);
    await expectGlassboxError(() => measureGanQuality({} as never, { classifier, features, reference }), 'INVALID_ARGUMENT', /sample/);
    await expectGlassboxError(() => measureGanQuality(fakeModel, { classifier, features } as never), 'INVALID_ARGUMENT', /reference/);
    await expectGlassboxError(() => measureGanQuality(fakeModel, { classifier, features, reference, n: 1 }), 'INVALID_ARGUMENT', /options.n/);
    await expectGlassboxError(() => measureGanQuality(fakeModel, { classifier, features, reference, confidence: 0 }), 'INVALID_ARGUMENT', /confidence/);
    await expectGlassboxError(() => measureGanQuality(fakeModel, { classifier: 3 as never, features, reference }), 'INVALID_ARGUMENT', /classifier/);
    const wrongRef = tf.zeros([8, 3, 3, 1]);
    await expectGlassboxError(() => measureGanQuality(fakeModel, { classifier, features, reference: wrongRef, n: 4 }), 'SHAPE_MISMATCH', /samples/);
    tf.dispose([reference, wrongRef]);
  });
});

describeBackends('measureTranslation', () => {
  it('doing nothing: cycle errors 0, translation error = |a - target|', async () => {
    const identity = { translateAB: (x: Tensor) => tf.clone(x), translateBA: (x: Tensor) => tf.clone(x) };
    const a = crosses(10);
    const b = dilate(a);
    const q = await expectNoLeaks(() => measureTranslation(identity, { a, b, targetB: b, targetA: a, batchSize: 3 }));
    const gap = tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))).dataSync()[0]!);
    expect(q.cycleErrorA).toBe(0);
    expect(q.cycleErrorB).toBe(0);
    expect(q.translationErrorAB).toBeCloseTo(gap, 6);
    expect(q.translationErrorBA).toBeCloseTo(gap, 6);
    expect(q.identityErrorAB).toBeCloseTo(gap, 6);
    tf.dispose([a, b]);
  });

  it('the true map: translation errors 0', async () => {
    const truth = { translateAB: (x: Tensor) => dilate(x), translateBA: (x: Tensor) => tf.clone(x) };
    const a = crosses(6);
    const b = dilate(a);
    const q = await measureTranslation(truth, { a, b, targetB: b });
    expect(q.translationErrorAB).toBe(0);
    expect(q.translationErrorBA).toBeUndefined();
    expect(q.cycleErrorA).toBeGreaterThan(0); // the identity does not undo a dilation
    tf.dispose([a, b]);
  });

  it('checks its arguments', async () => {
    const a = crosses(4);
    const other = tf.zeros([3, 8, 8, 1]);
    const m = { translateAB: (x: Tensor) => tf.clone(x), translateBA: (x: Tensor) => tf.clone(x) };
    await expectGlassboxError(() => measureTranslation({} as never, { a, b: a }), 'INVALID_ARGUMENT', /translateAB/);
    await expectGlassboxError(() => measureTranslation(m, { a, b: a, targetB: other }), 'SHAPE_MISMATCH', /targetB/);
    const bad = { translateAB: (x: Tensor) => tf.slice(x, 0, 1), translateBA: m.translateBA };
    await expectGlassboxError(() => measureTranslation(bad, { a, b: a }), 'SHAPE_MISMATCH');
    tf.dispose([a, other]);
  });
});
