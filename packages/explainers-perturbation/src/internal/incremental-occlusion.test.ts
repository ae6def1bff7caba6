// The incremental fast path of occlusion: the same numbers as the full path (incremental: false) on every
// kind of local prefix, window geometry, baseline and target; really taken when it applies, never otherwise;
// no leaks; progress, batch size and abort behave as on the full path.
import { afterAll, expect, it, vi } from 'vitest';
import { createRng, sequential, sequentialOf, tf, type LayerSpec, type Sequential, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { occlusion, type OcclusionOptions } from '../occlusion.js';
import { planIncremental } from './incremental-occlusion.js';

const models: Sequential[] = [];

/** A seeded model whose biases, batch-norm statistics and scales are non-trivial (so ReLUs switch on and off). */
function model(specs: LayerSpec[], inputShape: number[], seed: number): Sequential {
  const m = sequential(specs, inputShape, { seed });
  const current = m.getWeights();
  const next: Record<string, Tensor> = {};
  let k = 0;
  for (const [name, t] of Object.entries(current)) {
    const rng = createRng(seed * 100 + k++);
    if (name.endsWith('/movingVariance') || name.endsWith('/gamma')) next[name] = tf.tensor(rng.uniformArray(t.size, 0.5, 1.5), t.shape);
    else if (name.endsWith('/kernel')) next[name] = tf.tensor(rng.normalArray(t.size, 0, Math.sqrt(2 / (t.size / t.shape[t.shape.length - 1]!))), t.shape);
    else next[name] = tf.tensor(rng.normalArray(t.size, 0, 0.3), t.shape);
  }
  m.setWeights(next);
  tf.dispose([current, next]);
  models.push(m);
  return m;
}

afterAll(() => {
  for (const m of models) m.dispose();
});

function images(n: number, shape: number[], seed: number): Tensor {
  return tf.tensor(createRng(seed).uniformArray(n * shape.reduce((a, b) => a * b, 1), 0, 1), [n, ...shape]);
}

/** Runs both paths (no leaks), checks that the fast one was taken, and compares within 1e-5 rel + 1e-6 abs. */
async function expectSame(f: Sequential | object, x: Tensor, options: OcclusionOptions, net?: Sequential): Promise<number[]> {
  const seq = net ?? (f as Sequential);
  const predict = vi.spyOn(seq, 'predict');
  const applyLayer = vi.spyOn(seq, 'applyLayer');
  try {
    const fast = await expectNoLeaks(async () => {
      const r = await occlusion(f as Sequential, x, options);
      const v = Array.from(r.attributions.dataSync());
      expect(r.attributions.shape).toEqual(x.shape);
      r.attributions.dispose();
      return v;
    });
    expect(predict, 'the fast path never runs the whole model').not.toHaveBeenCalled();
    expect(applyLayer).toHaveBeenCalled();
    const full = await expectNoLeaks(async () => {
      const r = await occlusion(f as Sequential, x, { ...options, incremental: false });
      const v = Array.from(r.attributions.dataSync());
      r.attributions.dispose();
      return v;
    });
    expect(predict).toHaveBeenCalled();
    let nonZero = 0;
    for (let i = 0; i < full.length; i++) {
      const d = Math.abs(fast[i]! - full[i]!);
      if (full[i] !== 0) nonZero++;
      expect(d, `element ${i}: fast ${fast[i]} vs full ${full[i]}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(full[i]!));
    }
    expect(nonZero, 'the comparison is not vacuous').toBeGreaterThan(0);
    return fast;
  } finally {
    predict.mockRestore();
    applyLayer.mockRestore();
  }
}

const dense = (units: number): LayerSpec[] => [{ type: 'flatten' }, { type: 'dense', units }];

describeBackends('occlusion: incremental fast path', (backend) => {
  it('the benchmark CNN (conv 3x3x32 relu same, conv 3x3x64 stride 2 same relu, flatten, dense 10), per-row targets', async () => {
    const f = model(
      [
        { type: 'conv2d', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'conv2d', filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
        ...dense(10),
      ],
      [28, 28, 1],
      1,
    );
    // The cpu backend's convolutions are slow: one input there (per-row targets are covered below).
    const n = backend === 'cpu' ? 1 : 2;
    const x = images(n, [28, 28, 1], 11);
    await expectSame(f, x, { window: [4, 4, 1], strides: [2, 2, 1], target: [3, 7].slice(0, n) });
    x.dispose();
  });

  it("'valid' and 'same' padding, odd and even sizes, windows at every border and clipped last windows", async () => {
    const f = model(
      [
        { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'valid', activation: 'relu' },
        { type: 'conv2d', filters: 5, kernelSize: [5, 2], padding: 'same', activation: 'tanh' },
        { type: 'conv2d', filters: 3, kernelSize: 2, strides: 2, padding: 'same', activation: 'elu' },
        ...dense(3),
      ],
      [9, 10, 2],
      2,
    );
    const x = images(3, [9, 10, 2], 12);
    for (const [window, strides] of [
      [[3, 3, 2], [2, 2, 2]],
      [[2, 3, 1], [3, 2, 1]],
      [[1, 1, 1], [1, 1, 1]],
      [[4, 4, 2], [4, 3, 1]],
    ] as const) {
      await expectSame(f, x, { window: [...window], strides: [...strides], target: [0, 2, 1] });
    }
    x.dispose();
  });

  it('strides 2 with valid padding, dilation 2 (same and valid), a 1x1 stride-2 conv whose skipped rows change nothing', async () => {
    const f = model(
      [
        { type: 'conv2d', filters: 4, kernelSize: 3, dilations: 2, padding: 'same', activation: 'relu' },
        { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu' },
        { type: 'conv2d', filters: 3, kernelSize: 2, dilations: [2, 1], padding: 'valid', activation: 'sigmoid' },
        ...dense(2),
      ],
      [13, 12, 1],
      3,
    );
    const x = images(2, [13, 12, 1], 13);
    await expectSame(f, x, { window: [3, 2, 1], strides: [2, 3, 1], target: 1 });
    await expectSame(f, x, { window: [1, 1, 1], target: 0 });
    // Only even rows and columns reach the output of a 1x1 stride-2 'valid' conv: the other windows change nothing.
    const g = model([{ type: 'conv2d', filters: 3, kernelSize: 1, strides: 2, padding: 'valid', activation: 'relu' }, ...dense(1)], [7, 7, 2], 4);
    const y = images(2, [7, 7, 2], 14);
    const fast = await expectSame(g, y, { window: [1, 1, 2] });
    expect(fast[(1 * 7 + 1) * 2]).toBe(0);
    tf.dispose([x, y]);
  });

  it('a prefix with batchNorm, leakyRelu, maxPool and avgPool (valid), dropout, a pooling that pads nothing', async () => {
    const f = model(
      [
        { type: 'conv2d', filters: 6, kernelSize: 3, padding: 'same' },
        { type: 'batchNorm' },
        { type: 'activation', fn: 'leakyRelu', alpha: 0.1 },
        { type: 'maxPool', poolSize: 2, padding: 'valid' },
        { type: 'dropout', rate: 0.5 },
        { type: 'conv2d', filters: 4, kernelSize: 2, padding: 'valid', activation: 'softplus' },
        { type: 'avgPool', poolSize: 2, strides: 1, padding: 'valid' },
        { type: 'maxPool', poolSize: 2, padding: 'same' },
        ...dense(4),
      ],
      [12, 12, 3],
      5,
    );
    const plan = planIncremental(f, [12, 12, 3]);
    expect(plan?.prefix.length).toBe(8);
    const x = images(2, [12, 12, 3], 15);
    await expectSame(f, x, { window: [3, 3, 3], strides: [2, 2, 3], target: [1, 3] });
    await expectSame(f, x, { window: [2, 4, 1], strides: [3, 2, 1], target: 2 });
    x.dispose();
  });

  it('a prefix that starts with pointwise layers, and one made of pointwise layers only', async () => {
    const f = model(
      [
        { type: 'batchNorm' },
        { type: 'dropout', rate: 0.2 },
        { type: 'activation', fn: 'elu', alpha: 0.5 },
        { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'leakyRelu' },
        ...dense(3),
      ],
      [7, 8, 2],
      15,
    );
    const g = model([{ type: 'batchNorm' }, { type: 'activation', fn: 'tanh' }, { type: 'flatten' }, { type: 'dense', units: 3, activation: 'relu' }, { type: 'dense', units: 2 }], [5, 4, 2], 16);
    expect(planIncremental(f, [7, 8, 2])?.prefix.length).toBe(4);
    expect(planIncremental(g, [5, 4, 2])?.prefix.length).toBe(2);
    const x = images(2, [7, 8, 2], 26);
    const y = images(2, [5, 4, 2], 27);
    await expectSame(f, x, { window: [2, 3, 1], strides: [2, 2, 1], target: [0, 2] });
    await expectSame(g, y, { window: [2, 2, 2], strides: [1, 2, 1], target: [1, 0], baseline: 0.5 });
    tf.dispose([x, y]);
  });

  it("the prefix stops at a pooling layer that pads ('same' pooling ignores padded cells) and at a softmax conv", async () => {
    const f = model(
      [
        { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'maxPool', poolSize: 2, padding: 'same' },
        { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same' },
        ...dense(2),
      ],
      [7, 7, 1],
      6,
    );
    expect(planIncremental(f, [7, 7, 1])?.prefix.length).toBe(1);
    const g = model([{ type: 'conv2d', filters: 3, kernelSize: 3, activation: 'softmax' }, ...dense(2)], [7, 7, 1], 7);
    expect(planIncremental(g, [7, 7, 1])).toBeNull();
    const x = images(2, [7, 7, 1], 16);
    await expectSame(f, x, { window: [2, 2, 1], strides: [2, 2, 1], target: 1 });
    x.dispose();
  });

  it('windows covering the whole input, uncovered elements, 1 channel and all channels, tensor baselines', async () => {
    const f = model(
      [
        { type: 'conv2d', filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
        ...dense(3),
      ],
      [8, 8, 3],
      8,
    );
    const x = images(3, [8, 8, 3], 17);
    const b1 = tf.tensor(createRng(18).uniformArray(8 * 8 * 3, -0.5, 0.5), [1, 8, 8, 3]);
    const bn = tf.tensor(createRng(19).uniformArray(3 * 8 * 8 * 3, -0.5, 0.5), [3, 8, 8, 3]);
    const target = [2, 0, 1];
    await expectSame(f, x, { window: [8, 8, 3], target, baseline: b1 });
    await expectSame(f, x, { window: [8, 8, 1], target, baseline: bn });
    // Window 2, stride 3: every third row and column is covered by no window (attribution 0).
    const fast = await expectSame(f, x, { window: [2, 2, 1], strides: [3, 3, 1], target, baseline: 0.25 });
    expect(fast[(2 * 8 + 0) * 3]).toBe(0);
    await expectSame(f, x, { window: [3, 2, 1], strides: [1, 2, 1], target, baseline: bn });
    await expectSame(f, x, { window: [3, 3, 3], strides: [2, 2, 1], target, baseline: b1 });
    tf.dispose([x, b1, bn]);
  });

  it('a Classifier-shaped model (kind "classifier" with its Sequential as `network`), one input and small batches', async () => {
    // @glassbox/models-classifier is not a dependency (explainers never import models), so the test builds an
    // object of its shape: what the pool and the fast path look for.
    const network = model(
      [
        { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'maxPool', poolSize: 2 },
        ...dense(5),
      ],
      [10, 10, 1],
      9,
    );
    const classifier = { kind: 'classifier' as const, network, predict: (x: Tensor) => network.predict(x) };
    expect(sequentialOf(classifier)).toBe(network);
    const x = images(1, [10, 10, 1], 20);
    await expectSame(classifier, x, { window: [3, 3, 1], strides: [2, 2, 1], target: 4, batchSize: 3 }, network);
    x.dispose();
  });

  it('progress counts the same model rows, at most batchSize per model call, and the result does not depend on batchSize', async () => {
    const f = model([{ type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }, ...dense(2)], [6, 6, 2], 10);
    const x = images(3, [6, 6, 2], 21);
    const options: OcclusionOptions = { window: [2, 2, 1], strides: [2, 2, 1], target: 1 };
    const runs: number[][] = [];
    for (const batchSize of [1, 5, 64]) {
      const seen: number[] = [];
      const head = vi.fn();
      const split = f.split.bind(f);
      const spy = vi.spyOn(f, 'split').mockImplementation((name) => {
        const s = split(name);
        return {
          ...s,
          head: (a: Tensor) => {
            head(a.shape[0]);
            return s.head(a);
          },
        };
      });
      const r = await occlusion(f, x, { ...options, batchSize, onProgress: (done, total) => seen.push(done, total) });
      spy.mockRestore();
      runs.push(Array.from(r.attributions.dataSync()));
      r.attributions.dispose();
      const total = 3 * (1 + 3 * 3 * 2);
      const done = seen.filter((_, i) => i % 2 === 0);
      expect(seen.filter((_, i) => i % 2 === 1).every((t) => t === total)).toBe(true);
      expect(done[done.length - 1]).toBe(total);
      expect(done.every((d, i) => d > (done[i - 1] ?? 0) && d - (done[i - 1] ?? 0) <= batchSize)).toBe(true);
      expect(head.mock.calls.every(([rows]) => (rows as number) <= batchSize)).toBe(true);
      expect(head.mock.calls.reduce((a, [rows]) => a + (rows as number), 0)).toBe(total);
    }
    for (const run of runs.slice(1)) run.forEach((v, i) => expect(Math.abs(v - runs[0]![i]!)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(runs[0]![i]!)));
    x.dispose();
  });

  it('is not taken for a plain function, a model whose first layer is dense or flatten, rows of another shape, or incremental: false', async () => {
    const conv = model([{ type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }, ...dense(2)], [6, 6, 1], 11);
    const flat = model([{ type: 'flatten' }, { type: 'dense', units: 4, activation: 'relu' }, { type: 'dense', units: 2 }], [6, 6, 1], 12);
    const vec = model([{ type: 'dense', units: 4, activation: 'relu' }, { type: 'dense', units: 2 }], [12], 13);
    expect(planIncremental(conv, [6, 6, 1])).not.toBeNull();
    expect(planIncremental((t: Tensor) => conv.predict(t), [6, 6, 1])).toBeNull();
    expect(planIncremental(flat, [6, 6, 1])).toBeNull();
    expect(planIncremental(vec, [12])).toBeNull();
    expect(planIncremental(conv, [6, 6])).toBeNull();
    const notClassifier = { kind: 'other', network: conv, predict: (t: Tensor) => conv.predict(t) };
    expect(planIncremental(notClassifier, [6, 6, 1])).toBeNull();
    const x = images(2, [6, 6, 1], 22);
    const v = images(2, [12], 23);
    for (const [f, input, window, seq] of [
      [(t: Tensor) => conv.predict(t), x, [2, 2, 1], conv],
      [flat, x, [2, 2, 1], flat],
      [vec, v, [3], vec],
      [conv, x, [2, 2, 1], conv],
    ] as const) {
      const predict = vi.spyOn(seq, 'predict');
      const incremental = f === conv ? false : undefined;
      const r = await occlusion(f as Sequential, input, { window: [...window], target: 1, batchSize: 4, incremental });
      const rows = predict.mock.calls.reduce((a, [t]) => a + t.shape[0]!, 0);
      predict.mockRestore();
      r.attributions.dispose();
      expect(rows, 'every model row runs the whole model').toBe(input.shape[0]! * (1 + (input.rank === 4 ? 25 : 10)));
    }
    tf.dispose([x, v]);
  });

  it('no leaks on abort mid-way and on errors; the errors are those of the full path', async () => {
    const f = model([{ type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }, ...dense(3)], [6, 6, 1], 14);
    const x = images(2, [6, 6, 1], 24);
    const controller = new AbortController();
    let calls = 0;
    await expectGlassboxError(
      () =>
        occlusion(f, x, {
          window: [2, 2, 1],
          target: 1,
          batchSize: 4,
          signal: controller.signal,
          onProgress: (done) => {
            calls++;
            if (done >= 20) controller.abort();
          },
        }),
      'ABORTED',
      /^occlusion: aborted/,
    );
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(10);
    for (const incremental of [true, false]) {
      await expectGlassboxError(() => occlusion(f, x, { window: [2, 2, 1], target: 3, incremental }), 'TARGET_OUT_OF_RANGE', /options\.target must be in 0\.\.2/);
      await expectGlassboxError(() => occlusion(f, x, { window: [2, 2, 1], incremental }), 'INVALID_ARGUMENT', /options\.target is required/);
      await expectGlassboxError(() => occlusion(f, x, { window: [2, 2], target: 1, incremental }), 'SHAPE_MISMATCH', /options\.window/);
    }
    await expectGlassboxError(() => occlusion(f, x, { window: [2, 2, 1], target: 1, incremental: 'yes' as never }), 'INVALID_ARGUMENT', /options\.incremental must be a boolean/);
    // A disposed model and a wrong input shape give the model's own errors, as on the full path.
    const gone = model([{ type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same' }, ...dense(3)], [6, 6, 1], 17);
    gone.dispose();
    expect(planIncremental(gone, [6, 6, 1])).toBeNull();
    await expectGlassboxError(() => occlusion(gone, x, { window: [2, 2, 1], target: 1 }), 'INVALID_ARGUMENT', /disposed/);
    const other = images(1, [5, 6, 1], 25);
    const full = await expectGlassboxError(() => occlusion(f, other, { window: [2, 2, 1], target: 1, incremental: false }), 'SHAPE_MISMATCH');
    await expectGlassboxError(() => occlusion(f, other, { window: [2, 2, 1], target: 1 }), 'SHAPE_MISMATCH', full.message);
    tf.dispose([x, other]);
  });
});
