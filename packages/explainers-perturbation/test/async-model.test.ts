/**
 * Asynchronous models (issue 16): a model whose predict answers with a Promise (an ONNX model through
 * onnxruntime) is awaited by every method here, with the same numbers as the same model called synchronously,
 * whatever the batch size, and nothing leaks.
 */
import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { createRng, tf, type Attribution, type ForwardFn, type Predictable } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import * as pkg from '../src/index.js';

// A small nonlinear model of images [N, 3, 3, 1]: y = tanh(x W1) W2 with K = 3 outputs.
const rng = createRng(5);
const W1 = Array.from(rng.normalArray(9 * 4, 0, 0.7));
const W2 = Array.from(rng.normalArray(4 * 3, 0, 0.7));
const X = Array.from(createRng(6).uniformArray(2 * 9, 0, 1));

function syncModel(): ForwardFn {
  return (x: Tensor) =>
    tf.tidy(() => tf.matMul(tf.tanh(tf.matMul(tf.reshape(x, [x.shape[0]!, 9]), tf.tensor2d(W1, [9, 4]))), tf.tensor2d(W2, [4, 3])));
}
/** The same model behind a Promise, reading its input asynchronously as an outside runtime does. */
function asyncModel(calls: number[]): Predictable {
  const f = syncModel();
  return {
    async: true,
    async predict(x: Tensor): Promise<Tensor> {
      calls.push(x.shape[0]!);
      const v = await x.data();
      return tf.tidy(() => f(tf.tensor(v, x.shape, 'float32')));
    },
  } as Predictable;
}

type Run = (f: Predictable, x: Tensor, batchSize: number, m: Tensor) => Promise<Attribution>;
const mask = [0, 0, 1, 0, 0, 1, 2, 2, 3];
const RUNS: Record<string, Run> = {
  occlusion: (f, x, batchSize) => pkg.occlusion(f, x, { target: 1, window: [2, 2, 1], strides: [1, 1, 1], batchSize }),
  featureAblation: (f, x, batchSize) => pkg.featureAblation(f, x, { target: [0, 2], batchSize }),
  featurePermutation: (f, x, batchSize) => pkg.featurePermutation(f, x, { target: 1, seed: 3, batchSize }),
  shapleyValueSampling: (f, x, batchSize, m) => pkg.shapleyValueSampling(f, x, { target: 2, samples: 3, seed: 4, featureMask: m, batchSize }),
  exactShapley: (f, x, batchSize, m) => pkg.exactShapley(f, x, { target: 0, featureMask: m, batchSize }),
  kernelShap: (f, x, batchSize, m) => pkg.kernelShap(f, x, { target: 1, samples: 40, seed: 5, featureMask: m, batchSize }),
  lime: (f, x, batchSize, m) => pkg.lime(f, x, { target: 1, samples: 40, seed: 6, featureMask: m, batchSize }),
};

async function values(run: Run, f: Predictable, x: Tensor, batchSize: number, m: Tensor): Promise<number[]> {
  const r = await run(f, x, batchSize, m);
  const v = Array.from(r.attributions.dataSync());
  r.attributions.dispose();
  r.delta?.dispose();
  return v;
}

describeBackends('asynchronous models in the perturbation methods', () => {
  for (const [name, run] of Object.entries(RUNS)) {
    it(`${name} awaits an asynchronous model and gives the synchronous model's attributions`, async () => {
      const x = tf.tensor4d(X, [2, 3, 3, 1]);
      const m = tf.tensor(mask, [3, 3, 1], 'int32');
      const expected = await values(run, syncModel(), x, 64, m);
      for (const batchSize of [3, 64]) {
        const calls: number[] = [];
        const got = await expectNoLeaks(() => values(run, asyncModel(calls), x, batchSize, m));
        expect(got).toEqual(expected);
        expect(calls.length).toBeGreaterThan(0);
        expect(Math.max(...calls)).toBeLessThanOrEqual(batchSize);
      }
      tf.dispose([x, m]);
    });
  }

  it('an asynchronous model that fails or answers with the wrong shape is refused, nothing leaks', async () => {
    const x = tf.tensor4d(X, [2, 3, 3, 1]);
    await expectNoLeaks(async () => {
      const wrong = { async: true, predict: async (v: Tensor) => tf.zeros([v.shape[0]!, 3, 2]) } as Predictable;
      await expectGlassboxError(() => pkg.featureAblation(wrong, x, { target: 0 }), 'SHAPE_MISMATCH', /\[N\] or \[N, K\]/);
      const failing = { async: true, predict: async () => Promise.reject(new Error('session released')) } as Predictable;
      await expect(pkg.occlusion(failing, x, { target: 0, window: [1, 1, 1] })).rejects.toThrow(/session released/);
      const controller = new AbortController();
      controller.abort();
      await expectGlassboxError(() => pkg.featureAblation(asyncModel([]), x, { target: 0, signal: controller.signal }), 'ABORTED');
    });
    x.dispose();
  });
});
