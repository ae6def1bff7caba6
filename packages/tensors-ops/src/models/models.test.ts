import { describe as group, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { sequential } from '../nn/sequential.js';
import type { LayerSpec } from '../nn/layer-spec.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { EVALUATE_OPTION_KEYS, checkFiniteWeights, checkRows, checkSeed, countSpecParams, resolveEvaluateOptions, resolveTrainOptions, runTraining } from './index.js';

const SPECS: LayerSpec[] = [
  { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
  { type: 'batchNorm' },
  { type: 'maxPool', poolSize: 2 },
  { type: 'conv2dTranspose', filters: 3, kernelSize: 3, strides: 2, padding: 'same', useBias: false },
  { type: 'flatten' },
  { type: 'dropout', rate: 0.5 },
  { type: 'dense', units: 5, activation: 'tanh' },
  { type: 'reshape', shape: [5, 1] },
  { type: 'flatten' },
  { type: 'dense', units: 2 },
];

group('@glassbox/tensors-ops/models', () => {
  it('countSpecParams equals the parameters sequential() makes, without making any tensor', () => {
    const before = tf.memory().numTensors;
    const counted = countSpecParams(SPECS, [9, 9, 1], 'test');
    expect(tf.memory().numTensors).toBe(before);
    const m = sequential(SPECS, [9, 9, 1], { seed: 1 });
    const weights = m.getWeights();
    const real = Object.values(weights).reduce((a, w) => a + w.size, 0);
    tf.dispose(weights);
    m.dispose();
    expect(counted).toBe(real);
  });

  it('countSpecParams refuses what sequential() refuses, as BAD_WEIGHTS', async () => {
    await expectGlassboxError(() => countSpecParams([{ type: 'lstm', units: 3 }], [4], 'test'), 'BAD_WEIGHTS', /lstm/);
    await expectGlassboxError(() => countSpecParams(SPECS, [9, 9], 'test'), 'BAD_WEIGHTS');
    await expectGlassboxError(() => countSpecParams([], [4], 'test'), 'BAD_WEIGHTS');
  });

  it('the checks throw GlassboxError naming the argument', async () => {
    const x = tf.zeros([2, 3]);
    expect(() => checkRows(x, [3], 'test')).not.toThrow();
    await expectGlassboxError(() => checkRows(x, [4], 'test'), 'SHAPE_MISMATCH', /x/);
    await expectGlassboxError(() => checkSeed(-1, 'seed', 'test'), 'INVALID_ARGUMENT', /seed/);
    await expectGlassboxError(() => resolveTrainOptions({ epochs: 0 }, 'test'), 'INVALID_ARGUMENT', /options.epochs/);
    x.dispose();
  });
});

describeBackends('checkFiniteWeights', () => {
  it('passes finite float32 weights and int32 ones, refuses the first NaN or ±Infinity by name and index, leaks nothing', async () => {
    const ok = { 'dense/kernel': tf.tensor2d([[1, -2], [3.5, 1e30]]), 'dense/steps': tf.tensor1d([7, 8], 'int32') };
    const bad = { 'a/bias': tf.tensor1d([0, 1]), 'b/kernel': tf.tensor2d([[1, 2], [Infinity, NaN]]) };
    const neg = { 'c/gamma': tf.tensor1d([1, -Infinity]) };
    await expectNoLeaks(async () => {
      expect(() => checkFiniteWeights(ok, 'loadFromDir')).not.toThrow();
      expect(() => checkFiniteWeights({}, 'loadFromDir')).not.toThrow();
      const e = await expectGlassboxError(() => checkFiniteWeights(bad, 'loadFromDir'), 'BAD_WEIGHTS');
      expect(e.message.startsWith("loadFromDir: weight 'b/kernel' must hold finite values, got Infinity at flat index 2; a model cannot run on non-finite weights")).toBe(true);
      await expectGlassboxError(() => checkFiniteWeights(neg, 'GAN.load'), 'BAD_WEIGHTS', /^GAN\.load: weight 'c\/gamma' must hold finite values, got -Infinity at flat index 1;/);
    });
    tf.dispose([ok, bad, neg].flatMap((w) => Object.values(w)));
  });
});

describeBackends('runTraining', () => {
  it('fits a line with Adam, reports every step, and leaks nothing', async () => {
    const xs = tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7], [8, 1]);
    const ys = tf.tensor2d([1, 3, 5, 7, 9, 11, 13, 15], [8, 1]);
    const w = tf.variable(tf.zeros([1, 1]));
    const b = tf.variable(tf.zeros([1]));
    let batches = 0;
    const history = await expectNoLeaks(() =>
      runTraining(
        {
          where: 'test',
          rows: 8,
          trainable: [w, b],
          nonTrainable: [],
          metricNames: [] as never[],
          step: (indices) => {
            const idx = tf.tensor1d(indices, 'int32');
            const pred = tf.add(tf.matMul(tf.gather(xs, idx), w), b);
            return { loss: tf.mean(tf.square(tf.sub(pred, tf.gather(ys, idx)))) as Tensor, metrics: {} as Record<never, Tensor> };
          },
        },
        resolveTrainOptions({ epochs: 150, batchSize: 4, learningRate: 0.1, seed: 3, onBatch: () => void batches++ }, 'test'),
      ),
    );
    expect(batches).toBe(300);
    const losses = history.epochs.map((e) => e.loss);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 20);
    tf.dispose([xs, ys, w, b]);
  });

  it('rejects with ABORTED before a step when the signal is aborted', async () => {
    const w = tf.variable(tf.zeros([1]));
    const c = new AbortController();
    c.abort();
    await expectGlassboxError(
      () => runTraining({ where: 'test', rows: 2, trainable: [w], nonTrainable: [], metricNames: [] as never[], step: () => ({ loss: tf.sum(w) as Tensor, metrics: {} as Record<never, Tensor> }) }, resolveTrainOptions({ signal: c.signal }, 'test')),
      'ABORTED',
    );
    w.dispose();
  });
});

group('resolveEvaluateOptions', () => {
  it('fills in the caller\'s default batch size, passes the callback and signal through, and names bad options', async () => {
    expect(resolveEvaluateOptions(undefined, 'M.evaluate', 256)).toEqual({ batchSize: 256, onProgress: undefined, signal: undefined });
    const onProgress = (): void => {};
    const signal = new AbortController().signal;
    const r = resolveEvaluateOptions({ batchSize: 7, onProgress, signal }, 'M.evaluate', 250);
    expect(r.batchSize).toBe(7);
    expect(r.onProgress).toBe(onProgress);
    expect(r.signal).toBe(signal);
    await expectGlassboxError(() => resolveEvaluateOptions({ batchSize: 0 }, 'M.evaluate', 250), 'INVALID_ARGUMENT', /^M\.evaluate: options\.batchSize/);
    await expectGlassboxError(() => resolveEvaluateOptions({ onProgress: 3 }, 'M.evaluate', 250), 'INVALID_ARGUMENT', /options\.onProgress must be a function/);
    await expectGlassboxError(() => resolveEvaluateOptions({ signal: {} }, 'M.evaluate', 250), 'INVALID_ARGUMENT', /options\.signal must be an AbortSignal/);
    await expectGlassboxError(() => resolveEvaluateOptions({ batchsize: 8 }, 'M.evaluate', 250), 'INVALID_ARGUMENT', /unknown key 'batchsize'.*did you mean 'batchSize'/);
    // A method with more options passes its own keys.
    expect(resolveEvaluateOptions({ seed: 1 }, 'V.evaluate', 100, [...EVALUATE_OPTION_KEYS, 'seed']).batchSize).toBe(100);
  });
});
