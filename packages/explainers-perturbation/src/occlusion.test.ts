import { expect, it, vi } from 'vitest';
import { GlassboxError, sequential, tf, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { featureAblation } from './feature-ablation.js';
import { PROBE_BATCH_BYTES } from './internal/prepare.js';
import { occlusion, windowStarts } from './occlusion.js';
import { counting, linearModel } from './testing-internal/models.js';

it('windowStarts: full windows, then one clipped window when they stop short of the end', () => {
  expect(windowStarts(28, 4, 2).map((w) => w.start)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
  expect(windowStarts(28, 4, 2).every((w) => w.extent === 4)).toBe(true);
  expect(windowStarts(5, 2, 2)).toEqual([
    { start: 0, extent: 2 },
    { start: 2, extent: 2 },
    { start: 4, extent: 1 },
  ]);
  expect(windowStarts(6, 4, 3)).toEqual([
    { start: 0, extent: 4 },
    { start: 3, extent: 3 },
  ]);
  expect(windowStarts(5, 5, 1)).toEqual([{ start: 0, extent: 5 }]);
  expect(windowStarts(5, 3, 1).map((w) => w.start)).toEqual([0, 1, 2]);
});

describeBackends('occlusion', () => {
  it('window 1: A_i = w_i (x_i - b_i) on a linear model (closed form)', async () => {
    const w = [0.5, -1, 2, 3, -0.25, 1.5];
    const xs = [1, 2, 3, 4, 5, 6, -1, 0.5, 2, -3, 1, 0];
    const bs = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    await expectNoLeaks(async () => {
      const x = tf.tensor(xs, [2, 3, 2]);
      const b = tf.tensor(bs, [1, 3, 2]);
      const { attributions, method } = await occlusion(linearModel(w), x, { window: [1, 1], baseline: b });
      expect(method).toBe('occlusion');
      expect(attributions.shape).toEqual([2, 3, 2]);
      const expected = xs.map((v, i) => w[i % 6]! * (v - bs[i % 6]!));
      expectTensorClose(attributions, expected, 1e-5);
      tf.dispose([x, b, attributions]);
    });
  });

  it('tiling windows with a clipped last window (hand-computed)', async () => {
    // contributions c_i = w_i x_i = [1, 4, 9, 16, 25]; windows [0,1], [2,3], [4] -> sums 5, 25, 25
    const x = tf.tensor([[1, 2, 3, 4, 5]]);
    const { attributions } = await occlusion(linearModel([1, 2, 3, 4, 5]), x, { window: [2], strides: [2] });
    expectTensorClose(attributions, [5, 5, 25, 25, 25], 1e-5);
    tf.dispose([x, attributions]);
  });

  it('overlapping windows average the drops of the windows that cover each element (hand-computed)', async () => {
    // windows [0..2], [1..3], [2..4] -> drops 14, 29, 50
    const x = tf.tensor([[1, 2, 3, 4, 5]]);
    const { attributions } = await occlusion(linearModel([1, 2, 3, 4, 5]), x, { window: [3], strides: [1] });
    expectTensorClose(attributions, [14, (14 + 29) / 2, (14 + 29 + 50) / 3, (29 + 50) / 2, 50], 1e-4);
    tf.dispose([x, attributions]);
  });

  it('NHWC images: window [2, 2, 1], strides [2, 2, 1] gives each 2x2 patch its summed contribution', async () => {
    const h = 4;
    const wd = 4;
    const weights = Array.from({ length: h * wd }, (_, i) => (i % 3) - 1 + i * 0.1);
    const xs = Array.from({ length: h * wd }, (_, i) => 1 + (i % 5) * 0.5);
    const x = tf.tensor(xs, [1, h, wd, 1]);
    const { attributions } = await occlusion(linearModel(weights), x, { window: [2, 2, 1], strides: [2, 2, 1], baseline: 1 });
    const expected = new Array<number>(h * wd).fill(0);
    for (let py = 0; py < 2; py++) {
      for (let px = 0; px < 2; px++) {
        const cells = [0, 1].flatMap((dy) => [0, 1].map((dx) => (py * 2 + dy) * wd + px * 2 + dx));
        const s = cells.reduce((a, e) => a + weights[e]! * (xs[e]! - 1), 0);
        for (const e of cells) expected[e] = s;
      }
    }
    expectTensorClose(attributions, expected, 1e-5);
    tf.dispose([x, attributions]);
  });

  it('one model call per batchSize rows, lazily built, and the same result for every batch size', async () => {
    const w = [1, -2, 3, 0.5, 0.25, -1, 2, 1];
    const x = tf.tensor(Array.from({ length: 16 }, (_, i) => Math.sin(i)), [2, 8]);
    const counted = counting(linearModel(w));
    const ref = await occlusion(counted.f, x, { window: [2], strides: [1], batchSize: 5 });
    // 2 rows x (1 + 7 windows) = 16 model rows -> 4 calls of at most 5
    expect(counted.calls).toEqual([5, 5, 5, 1]);
    for (const batchSize of [1, 3, 16, 100]) {
      const other = await occlusion(linearModel(w), x, { window: [2], strides: [1], batchSize });
      expect(Array.from(other.attributions.dataSync())).toEqual(Array.from(ref.attributions.dataSync()));
      other.attributions.dispose();
    }
    tf.dispose([x, ref.attributions]);
  });

  it('bad window and strides name the argument', async () => {
    const x = tf.tensor([[[1, 2, 3]]]); // [1, 1, 3]
    const f = linearModel([1, 1, 1]);
    await expectGlassboxError(() => occlusion(f, x, { window: [1] }), 'SHAPE_MISMATCH', /options\.window/);
    await expectGlassboxError(() => occlusion(f, x, { window: [1, 0] }), 'INVALID_ARGUMENT', /options\.window\[1\]/);
    await expectGlassboxError(() => occlusion(f, x, { window: [1, 4] }), 'INVALID_ARGUMENT', /options\.window\[1\].*1\.\.3/);
    await expectGlassboxError(() => occlusion(f, x, { window: [1, 1], strides: [1, 1, 1] }), 'SHAPE_MISMATCH', /options\.strides/);
    await expectGlassboxError(() => occlusion(f, x, { window: [1, 1], strides: [1, 0] }), 'INVALID_ARGUMENT', /options\.strides\[1\]/);
    await expectGlassboxError(() => occlusion(f, x, { window: [1, 1], strides: [2, 1] }), 'INVALID_ARGUMENT', /options\.strides\[0\]/);
    await expectGlassboxError(() => occlusion(f, x, { window: [1, 1.5] }), 'INVALID_ARGUMENT', /options\.window/);
    await expectGlassboxError(() => occlusion(f, x, {} as never), 'INVALID_ARGUMENT', /options\.window is required/);
    x.dispose();
  });

  it('a model with a declared input shape refuses other rows before any row is built or any call made', async () => {
    const m = sequential([{ type: 'flatten' }, { type: 'dense', units: 2 }], [4, 4, 1], { seed: 1 });
    const big = tf.zeros([1, 40, 40, 1]);
    const spy = vi.spyOn(m, 'predict');
    try {
      await expectNoLeaks(async () => {
        const message = /occlusion: x must have rows of the model's input shape \[4, 4, 1\] .*got rows of shape \[40, 40, 1\]/;
        await expectGlassboxError(() => occlusion(m, big, { window: [4, 4, 1], target: 0 }), 'SHAPE_MISMATCH', message);
        await expectGlassboxError(() => occlusion(m, big, { window: [4, 4, 1], target: 0, incremental: false }), 'SHAPE_MISMATCH', message);
        // the same for a Classifier around the Sequential, and for the other perturbation methods
        const classifier = { kind: 'classifier', network: m, predict: (t: Tensor) => m.predict(t) };
        await expectGlassboxError(() => occlusion(classifier, big, { window: [4, 4, 1], target: 0 }), 'SHAPE_MISMATCH', message);
        await expectGlassboxError(() => featureAblation(m, big, { target: 0 }), 'SHAPE_MISMATCH', /featureAblation: x must have rows of the model's input shape/);
      });
      expect(spy).not.toHaveBeenCalled();
      // rows of the declared shape run as before
      const ok = tf.ones([1, 4, 4, 1]);
      const { attributions } = await occlusion(m, ok, { window: [2, 2, 1], strides: [2, 2, 1], target: 0 });
      expect(attributions.shape).toEqual([1, 4, 4, 1]);
      tf.dispose([ok, attributions]);
    } finally {
      spy.mockRestore();
      big.dispose();
      m.dispose();
    }
  });

  it('a model without a declared shape gets a 1-row trial call when a batch would be large (1000 x 1000 images)', async () => {
    // A model of 4 x 4 images that refuses anything else, as a model function does.
    const refusing = counting((t: Tensor) => {
      if (t.shape[1] !== 4 || t.shape[2] !== 4) throw new GlassboxError('SHAPE_MISMATCH', `model: expected [N, 4, 4, 1], got [${t.shape.join(', ')}]`);
      return tf.tidy(() => tf.sum(t, [1, 2, 3]));
    });
    const big = tf.zeros([1, 1000, 1000, 1]); // 64 rows of it would be 256 MB
    await expectNoLeaks(() => expectGlassboxError(() => occlusion(refusing.f, big, { window: [100, 100, 1], strides: [100, 100, 1] }), 'SHAPE_MISMATCH', /expected \[N, 4, 4, 1\]/));
    expect(refusing.calls).toEqual([1]); // one row, never a full batch
    big.dispose();

    // A model that takes the rows: the trial call comes first, and the result is the same as without it.
    const w = Array.from({ length: 4096 }, (_, i) => Math.cos(i));
    const x = tf.tensor(Array.from({ length: 4096 }, (_, i) => Math.sin(i)), [1, 4096]);
    const batchSize = Math.floor(PROBE_BATCH_BYTES / (4096 * 4)) + 1;
    const counted = counting(linearModel(w));
    const probed = await occlusion(counted.f, x, { window: [512], strides: [512], batchSize });
    expect(counted.calls).toEqual([1, 9]);
    counted.calls.length = 0;
    const plain = await occlusion(counted.f, x, { window: [512], strides: [512], batchSize: 4 });
    expect(counted.calls).toEqual([4, 4, 1]);
    expect(Array.from(probed.attributions.dataSync())).toEqual(Array.from(plain.attributions.dataSync()));
    tf.dispose([x, probed.attributions, plain.attributions]);
  });
});
