/**
 * Asynchronous models (issue 16): a model whose predict answers with a Promise (an ONNX model through onnxruntime)
 * has no gradient here; every gradient method refuses it before any work with INVALID_ARGUMENT naming the methods
 * that only call the model, and leaks nothing, whether the model says it is asynchronous or is caught answering
 * with a Promise.
 */
import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf, type Predictable } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import * as pkg from '../src/index.js';

const declared = { async: true, predict: async (x: Tensor) => tf.sum(tf.reshape(x, [x.shape[0]!, -1]), 1, true) } as Predictable;
let calls = 0;
const undeclared = {
  predict: (x: Tensor) => {
    calls++;
    return Promise.resolve(tf.sum(tf.reshape(x, [x.shape[0]!, -1]), 1, true));
  },
} as unknown as Predictable;

const RUNS: Record<string, (f: Predictable, x: Tensor) => Promise<unknown>> = {
  saliency: (f, x) => pkg.saliency(f, x),
  inputXGradient: (f, x) => pkg.inputXGradient(f, x),
  integratedGradients: (f, x) => pkg.integratedGradients(f, x, { steps: 4 }),
  gradientShap: (f, x) => pkg.gradientShap(f, x, { samples: 2, seed: 1 }),
  guidedBackprop: (f, x) => pkg.guidedBackprop(f, x),
  deepLift: (f, x) => pkg.deepLift(f, x),
  noiseTunnel: (f, x) => pkg.noiseTunnel(pkg.saliency, { samples: 2, seed: 1 })(f, x),
};

describeBackends('gradient methods and asynchronous models', () => {
  for (const [name, run] of Object.entries(RUNS)) {
    it(`${name} refuses a declared asynchronous model up front, naming the model-agnostic methods`, async () => {
      const x = tf.ones([2, 2, 2, 1]);
      await expectNoLeaks(() => expectGlassboxError(() => run(declared, x), 'INVALID_ARGUMENT', /asynchronous model.*occlusion, featureAblation.*kernelShap, lime/));
      x.dispose();
    });
  }

  it('a model caught answering with a Promise is refused with the same error, and its late answer is disposed', async () => {
    const x = tf.ones([2, 2, 2, 1]);
    const before = tf.memory().numTensors;
    for (const name of ['saliency', 'integratedGradients', 'inputXGradient']) {
      await expectGlassboxError(() => RUNS[name]!(undeclared, x), 'INVALID_ARGUMENT', /asynchronous model.*occlusion/);
    }
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
