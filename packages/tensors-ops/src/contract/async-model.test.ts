import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { ASYNC_MODEL, isAsyncModel } from './async-model.js';
import { asForward, modelForwards } from './as-forward.js';
import { mapBatches } from './map-batches.js';
import { explainerRun, prepareExplainer } from './prepare-explainer.js';
import { scoreRows } from './score-rows.js';

// A linear model y = x W (3 inputs, 2 outputs) computed on the host, as an out-of-TensorFlow.js runtime (onnxruntime)
// would: the input is read asynchronously, the answer is a new tensor.
const W = [
  [1, -1],
  [2, 0.5],
  [0, 3],
];
function hostLinear(v: ArrayLike<number>, n: number): Float32Array {
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) for (let k = 0; k < 2; k++) for (let j = 0; j < 3; j++) out[i * 2 + k] += v[i * 3 + j]! * W[j]![k]!;
  return out;
}
function asyncLinear(calls: number[] = []) {
  return {
    async: true as const,
    predict(x: Tensor): Promise<Tensor> {
      calls.push(x.shape[0]!);
      return x.data().then((v) => tf.tensor2d(hostLinear(v, x.shape[0]!), [x.shape[0]!, 2]));
    },
  };
}
const X = Array.from({ length: 7 * 3 }, (_, i) => ((i * 5) % 11) - 4);

describeBackends('asynchronous models', () => {
  it('are recognised by their flag, the symbol, or an async predict / function', () => {
    expect(isAsyncModel(asyncLinear())).toBe(true);
    expect(isAsyncModel({ [ASYNC_MODEL]: true, predict: (x: Tensor) => x })).toBe(true);
    expect(isAsyncModel({ predict: async (x: Tensor) => x })).toBe(true);
    expect(isAsyncModel(async (x: Tensor) => x)).toBe(true);
    expect(isAsyncModel((x: Tensor) => x)).toBe(false);
    expect(isAsyncModel({ predict: (x: Tensor) => x })).toBe(false);
    expect(isAsyncModel(null)).toBe(false);
  });

  it('are refused up front by asForward and prepareExplainer (gradient methods), naming the model-agnostic methods', async () => {
    const x = tf.tensor2d(X, [7, 3]);
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => asForward(asyncLinear(), 'saliency'), 'INVALID_ARGUMENT', /saliency: f is an asynchronous model.*occlusion, featureAblation/);
      await expectGlassboxError(() => asForward((async (v: Tensor) => v) as never, 'integratedGradients'), 'INVALID_ARGUMENT', /asynchronous model.*kernelShap, lime/);
      await expectGlassboxError(() => prepareExplainer(asyncLinear(), x, {}, 'saliency'), 'INVALID_ARGUMENT', /asynchronous model/);
    });
    x.dispose();
  });

  it('that do not say so are refused at the first call that returns a Promise, and the late answer is disposed', async () => {
    const x = tf.tensor2d(X, [7, 3]);
    const before = tf.memory().numTensors;
    const unmarked = { predict: (v: Tensor) => Promise.resolve(tf.clone(v)) };
    const plain = ((v: Tensor) => Promise.resolve(tf.clone(v))) as unknown as (v: Tensor) => Tensor;
    await expectGlassboxError(() => tf.tidy(() => asForward(unmarked, 'saliency')(x)), 'INVALID_ARGUMENT', /saliency: f is an asynchronous model/);
    const p = prepareExplainer(plain, x, {}, 'occlusion', undefined, undefined, { asyncModel: true });
    const run = explainerRun(p, {}, 'occlusion', 7);
    await expectGlassboxError(() => scoreRows(run, 7, (s, e) => tf.slice(x, s, e - s), (j) => j), 'INVALID_ARGUMENT', /occlusion: f is an asynchronous model/);
    await new Promise((r) => setTimeout(r, 0));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('are awaited by scoreRows: the scores are the host model\'s, whatever the batch size, nothing leaks', async () => {
    const x = tf.tensor2d(X, [7, 3]);
    const expected = hostLinear(X, 7);
    const target = [0, 1, 1, 0, 1, 0, 0];
    for (const batchSize of [1, 3, 7, 64]) {
      const calls: number[] = [];
      const scores = await expectNoLeaks(async () => {
        const p = prepareExplainer(asyncLinear(calls), x, { batchSize, target }, 'occlusion', undefined, undefined, { asyncModel: true });
        expect(p.forwardAsync).toBeDefined();
        expect(() => p.forward(x)).toThrow(/asynchronous model/);
        const run = explainerRun(p, {}, 'occlusion', 7);
        return scoreRows(run, 7, (s, e) => tf.slice(x, s, e - s), (j) => j);
      });
      expect(Array.from(scores)).toEqual(target.map((t, i) => expected[i * 2 + t]!));
      expect(calls.reduce((a, b) => a + b, 0)).toBe(7);
      expect(Math.max(...calls)).toBeLessThanOrEqual(batchSize);
    }
    x.dispose();
  });

  it('are awaited by mapBatches, giving what the same synchronous model gives', async () => {
    const x = tf.tensor2d(X, [7, 3]);
    const out = await expectNoLeaks(async () => {
      const y = await mapBatches(asyncLinear(), x, { batchSize: 3 });
      const v = { shape: y.shape, values: Array.from(y.dataSync()) };
      y.dispose();
      return v;
    });
    expect(out.shape).toEqual([7, 2]);
    expect(out.values).toEqual(Array.from(hostLinear(X, 7)));
    x.dispose();
  });

  it('that reject, answer with a wrong shape or with something else leak nothing and name the problem', async () => {
    const x = tf.tensor2d(X, [7, 3]);
    await expectNoLeaks(async () => {
      const failing = { async: true, predict: async () => Promise.reject(new Error('session closed')) };
      await expect(mapBatches(failing, x, { batchSize: 2 })).rejects.toThrow(/session closed/);
      const wrong = { async: true, predict: async (v: Tensor) => tf.zeros([v.shape[0]! + 1, 2]) };
      await expectGlassboxError(() => mapBatches(wrong, x, { batchSize: 2 }), 'SHAPE_MISMATCH', /returned shape \[3, 2\] for a batch of 2 rows/);
      const p = prepareExplainer(wrong, x, { target: 0 }, 'occlusion', undefined, undefined, { asyncModel: true });
      await expectGlassboxError(() => scoreRows(explainerRun(p, {}, 'occlusion', 7), 7, (s, e) => tf.slice(x, s, e - s), (j) => j), 'SHAPE_MISMATCH', /batch of/);
      const pair = { async: true, predict: async (v: Tensor) => [tf.clone(v), tf.clone(v)] as unknown as Tensor };
      await expectGlassboxError(() => mapBatches(pair, x), 'INVALID_ARGUMENT', /must return one tensor \(or a Promise of one\)/);
    });
    x.dispose();
  });

  it('modelForwards keeps a synchronous model on its synchronous call', () => {
    const f = (v: Tensor) => v;
    const m = modelForwards(f, 'w');
    expect(m.forward).toBe(f);
    expect(m.forwardAsync).toBeUndefined();
  });
});
