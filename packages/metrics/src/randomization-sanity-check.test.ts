import { expect, it, vi } from 'vitest';
import { sequential, tf, type Attribution, type Predictable } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import type { Tensor } from '@tensorflow/tfjs-core';
import { randomizationSanityCheck } from './randomization-sanity-check.js';
import { inputExplainer, localCnn, localMlp, localSaliency, seededMatrix } from './testing-internal/fixtures.js';

function outputsOf(model: { predict(x: Tensor): Tensor }, x: Tensor): number[] {
  const y = model.predict(x);
  try {
    return Array.from(y.dataSync());
  } finally {
    y.dispose();
  }
}

describeBackends('randomizationSanityCheck', () => {
  it('reports a large change for gradient explanations of a randomized Sequential MLP and restores its weights', async () => {
    const model = sequential(
      [
        { type: 'dense', name: 'hidden1', units: 24, activation: 'relu' },
        { type: 'dense', name: 'hidden2', units: 16, activation: 'relu' },
        { type: 'dense', name: 'logits', units: 3 },
      ],
      [20],
      { seed: 7 },
    );
    const x = tf.tensor2d(seededMatrix(4, 20, 1));
    const before = outputsOf(model, x);
    const progress = vi.fn();
    const res = await expectNoLeaks(() => randomizationSanityCheck(localSaliency, model, x, { target: 1, seed: 3, onProgress: progress }));
    expect(res.layers.map((l) => l.layer)).toEqual(['logits', 'hidden2', 'hidden1']);
    expect(res.layers.map((l) => l.randomized)).toEqual([['logits'], ['logits', 'hidden2'], ['logits', 'hidden2', 'hidden1']]);
    const last = res.layers.at(-1)!;
    expect(last.spearman.length).toBe(4);
    expect(last.meanSpearman).toBeLessThan(0.5);
    for (const step of res.layers) {
      expect(step.meanSpearman).toBeLessThan(0.9);
      expect(step.meanSsim).toBeLessThan(0.9);
      expect(step.meanSpearman).toBeCloseTo(step.spearman.reduce((s, v) => s + v, 0) / 4, 12);
    }
    expect(progress.mock.calls).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    expect(outputsOf(model, x)).toEqual(before);
    const again = await randomizationSanityCheck(localSaliency, model, x, { target: 1, seed: 3 });
    expect(again).toEqual(res);
    const other = await randomizationSanityCheck(localSaliency, model, x, { target: 1, seed: 4 });
    expect(other.layers[0]!.spearman).not.toEqual(res.layers[0]!.spearman);
    tf.dispose(x);
    model.dispose();
  });

  it('gives correlation 1 and SSIM 1 for an explainer that ignores the model (the control)', async () => {
    const model = localMlp(10, 8, 2, 5);
    const x = tf.tensor2d(seededMatrix(3, 10, 2));
    const res = await expectNoLeaks(() => randomizationSanityCheck(inputExplainer, model, x, { seed: 1 }));
    expect(res.layers.map((l) => l.layer)).toEqual(['dense2', 'dense1']);
    for (const step of res.layers) {
      step.spearman.forEach((v) => expect(v).toBeCloseTo(1, 12));
      step.ssim.forEach((v) => expect(v).toBeCloseTo(1, 12));
    }
    tf.dispose(x);
    model.dispose();
  });

  it('compares image maps of a CNN with SSIM, randomizes only the layers asked for, and works with models that hand out their variables', async () => {
    const model = localCnn(6, 6, 2, 3, 2, 11);
    const x = tf.tensor4d(seededMatrix(2, 72, 3).flat(), [2, 6, 6, 2]);
    const res = await randomizationSanityCheck(localSaliency, model, x, { target: 0, seed: 2, layers: ['conv1', 'logits'] });
    expect(res.layers.map((l) => l.layer)).toEqual(['logits', 'conv1']);
    for (const step of res.layers) {
      step.ssim.forEach((v) => expect(v).toBeLessThan(0.9));
      step.spearman.forEach((v) => expect(v).toBeLessThan(0.9));
    }
    const one = await randomizationSanityCheck(localSaliency, model, x, { target: 0, seed: 2, layers: ['logits'] });
    expect(one.layers.length).toBe(1);
    expect(one.layers[0]).toEqual(res.layers[0]);

    const shared = localMlp(6, 5, 2, 9, 'variables');
    const x2 = tf.tensor2d(seededMatrix(2, 6, 4));
    const before = outputsOf(shared, x2);
    await expectNoLeaks(() => randomizationSanityCheck(localSaliency, shared, x2, { target: 1 }));
    expect(outputsOf(shared, x2)).toEqual(before);
    tf.dispose([x, x2]);
    model.dispose();
    shared.dispose();
  });

  it('restores the weights when the explainer fails and when aborted, without leaks', async () => {
    const model = localMlp(6, 5, 2, 13);
    const x = tf.tensor2d(seededMatrix(2, 6, 6));
    const before = outputsOf(model, x);
    let calls = 0;
    const failing = async (f: Predictable, z: Tensor, o?: Record<string, unknown>): Promise<Attribution> => {
      if (++calls === 2) throw new Error('explainer failed on the randomized model');
      return localSaliency(f, z, o);
    };
    const n0 = tf.memory().numTensors;
    await expect(randomizationSanityCheck(failing, model, x, { target: 0 })).rejects.toThrow('explainer failed');
    expect(tf.memory().numTensors).toBe(n0);
    expect(outputsOf(model, x)).toEqual(before);
    const controller = new AbortController();
    await expectGlassboxError(
      () => randomizationSanityCheck(localSaliency, model, x, { target: 0, signal: controller.signal, onProgress: (d) => d === 2 && controller.abort() }),
      'ABORTED',
    );
    expect(outputsOf(model, x)).toEqual(before);
    tf.dispose(x);
    model.dispose();
  });

  it('rejects bad input', async () => {
    const model = localMlp(4, 3, 2, 1);
    const x = tf.tensor2d(seededMatrix(2, 4, 1));
    await expectGlassboxError(() => randomizationSanityCheck(localSaliency, model, x, { target: 0, layers: ['dense9'] }), 'INVALID_ARGUMENT', /unknown layer "dense9"/);
    await expectGlassboxError(() => randomizationSanityCheck(localSaliency, model, x, { target: 0, layers: ['relu1'] }), 'INVALID_ARGUMENT', /no weights/);
    await expectGlassboxError(() => randomizationSanityCheck(localSaliency, model, x, { target: 0, layers: [] }), 'INVALID_ARGUMENT');
    await expectGlassboxError(() => randomizationSanityCheck(localSaliency, { predict: model.predict } as never, x), 'INVALID_ARGUMENT', /model must have layers/);
    await expectGlassboxError(() => randomizationSanityCheck(null as never, model, x), 'INVALID_ARGUMENT', /explainer/);
    await expectGlassboxError(() => randomizationSanityCheck(localSaliency, model, x, { seed: 1.5 }), 'INVALID_ARGUMENT', /seed/);
    await expectGlassboxError(() => randomizationSanityCheck(localSaliency, model, x, { target: 2 }), 'TARGET_OUT_OF_RANGE');
    tf.dispose(x);
    model.dispose();
  });
});
