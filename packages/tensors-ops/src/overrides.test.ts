/**
 * Our gradients stay ours: tfjs-layers imported AFTER tensors-ops registers tfjs-core's gradients again
 * (FusedBatchNorm's with its Tile among them). This file runs in its own module context (vitest isolates files),
 * so the import order below is the one a user's program has: tensors-ops first, tfjs-layers second.
 */
import { beforeAll, expect, it } from 'vitest';
import { tf } from './tf.js';
import { describeBackends, expectNoLeaks } from './testing/index.js';
import { fusedBatchNormGradConfig, isOurGradient, originalGradient } from './kernels/fused-batch-norm-grad.js';
import { RELU6_GRAD_KERNEL, relu6GradConfig } from './kernels/relu6-grad.js';
import { WASM_KERNEL_NAMES, isOurWasmKernel, originalKernel } from './kernels/register.js';
import { ensureOverrides } from './overrides.js';
import { initBackend } from './backend.js';
import { forEachBatch } from './contract/map-batches.js';
import { safeGrad } from './contract/safe-grad.js';
import { explainerRun, prepareExplainer } from './contract/prepare-explainer.js';
import { targetGradient } from './contract/safe-grad.js';

// Before tfjs-layers: ours is registered. Then the import a user makes after ours.
const oursBeforeImport = isOurGradient('FusedBatchNorm');
const relu6OursBeforeImport = isOurGradient('Relu6');
const tfl = await import('@tensorflow/tfjs-layers');
// What the import did to the registry, read before any Glassbox call could put ours back.
const replacedByImport = tf.getGradient('FusedBatchNorm')?.gradFunc !== fusedBatchNormGradConfig.gradFunc;
const relu6ReplacedByImport = tf.getGradient('Relu6')?.gradFunc !== relu6GradConfig.gradFunc;

/** A small tfjs-layers CNN with batch normalisation (random weights, fixed seeds): [N, 6, 6, 2] -> [N, 3]. */
function layersModel(): import('@tensorflow/tfjs-layers').Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }) }));
  model.add(
    tfl.layers.batchNormalization({
      movingMeanInitializer: tfl.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: 2 }),
      movingVarianceInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 3 }),
      gammaInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 4 }),
      betaInitializer: tfl.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: 5 }),
    }),
  );
  model.add(tfl.layers.activation({ activation: 'tanh' }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotNormal({ seed: 6 }) }));
  return model;
}

/** What a later import does to the registry: tfjs-core's FusedBatchNorm gradient registered over ours. */
function registerTheirs(): void {
  tf.registerGradient(originalGradient('FusedBatchNorm')!);
  expect(isOurGradient('FusedBatchNorm')).toBe(false);
}

it('importing tfjs-layers after tensors-ops replaces our FusedBatchNorm gradient (what this file guards against)', () => {
  expect(oursBeforeImport).toBe(true);
  expect(replacedByImport).toBe(true);
});

describeBackends('our gradient and kernel fixes stay in force after tfjs-layers is imported', (backend) => {
  let model: import('@tensorflow/tfjs-layers').Sequential;
  let x: tf.Tensor;
  beforeAll(() => {
    model = layersModel();
    x = tf.tidy(() => tf.sin(tf.reshape(tf.range(0, 2 * 72, 1), [2, 6, 6, 2])));
  });

  const gradOf = (): tf.Tensor => safeGrad((p) => tf.sum(model.predict(p) as tf.Tensor), x, 'test');

  it("initBackend, prepareExplainer, forEachBatch and safeGrad each put ours back; ours runs no Tile and gives tfjs-core's numbers", async () => {
    // tfjs-core's gradient, as the tfjs-layers import left it: tf.grad does not go through Glassbox.
    registerTheirs();
    const theirs = await tf.profile(() => tf.grad((p: tf.Tensor) => tf.sum(model.predict(p) as tf.Tensor))(x));
    expect(theirs.kernelNames).toContain('Tile');
    const theirValues = Array.from((theirs.result as tf.Tensor).dataSync());
    (theirs.result as tf.Tensor).dispose();

    await initBackend({ backend, fallback: false });
    expect(tf.getGradient('FusedBatchNorm')!.gradFunc).toBe(fusedBatchNormGradConfig.gradFunc);

    registerTheirs();
    prepareExplainer(model, x, {}, 'test');
    expect(tf.getGradient('FusedBatchNorm')!.gradFunc).toBe(fusedBatchNormGradConfig.gradFunc);

    registerTheirs();
    await forEachBatch(1, () => expect(tf.getGradient('FusedBatchNorm')!.gradFunc).toBe(fusedBatchNormGradConfig.gradFunc));

    registerTheirs();
    const ours = await tf.profile(gradOf);
    expect(tf.getGradient('FusedBatchNorm')!.gradFunc).toBe(fusedBatchNormGradConfig.gradFunc);
    expect(ours.kernelNames).toContain('FusedBatchNorm');
    expect(ours.kernelNames).not.toContain('Tile');
    // Bit-identical to tfjs-core's gradient (see ./kernels/fused-batch-norm-grad.ts).
    expect(Array.from((ours.result as tf.Tensor).dataSync())).toEqual(theirValues);
    (ours.result as tf.Tensor).dispose();
  });

  it('an explainer run (prepareExplainer + the target gradient of the runtime) computes with ours, leaking nothing', async () => {
    registerTheirs();
    await expectNoLeaks(async () => {
      const p = prepareExplainer(model, x, { target: 1 }, 'test');
      const run = explainerRun(p, undefined, 'test', 2);
      const profile = await tf.profile(() =>
        targetGradient(run.forward, x, 'test', (shape) => run.targets.forRows(shape, 0, 2, (j) => j)),
      );
      expect(profile.kernelNames).not.toContain('Tile');
      (profile.result as tf.Tensor).dispose();
    });
  });

  if (backend === 'wasm') {
    it('every WASM kernel fix is still ours, and one replaced by a later registration is put back (Identity: no copy again)', async () => {
      for (const name of WASM_KERNEL_NAMES) expect(isOurWasmKernel(name), name).toBe(true);
      // A second copy of tfjs-backend-wasm would register its own Identity (which copies the buffer) over ours.
      const original = originalKernel('Identity')!;
      tf.unregisterKernel('Identity', 'wasm');
      tf.registerKernel(original);
      const wasm = tf.backend() as unknown as { getMemoryOffset(dataId: object): number };
      const shares = (): boolean =>
        tf.tidy(() => {
          const a = tf.ones([4]);
          return wasm.getMemoryOffset(tf.clone(a).dataId) === wasm.getMemoryOffset(a.dataId);
        });
      expect(isOurWasmKernel('Identity')).toBe(false);
      expect(shares()).toBe(false);
      await forEachBatch(1, () => undefined);
      expect(isOurWasmKernel('Identity')).toBe(true);
      expect(shares()).toBe(true);
      // The original stays the one whose setupFunc the backend ran.
      expect(originalKernel('Identity')).toBe(original);
      expect(ensureOverrides()).toEqual([]);
    });
  }
});

it('importing tfjs-layers after tensors-ops also replaces our Relu6 gradient', () => {
  expect(relu6OursBeforeImport).toBe(true);
  expect(relu6ReplacedByImport).toBe(true);
});

describeBackends('our Relu6 gradient stays in force after tfjs-layers is imported', () => {
  /** A tfjs-layers model with relu6 activations (random weights, fixed seeds): [N, 6, 6, 2] -> [N, 3]. */
  let model: import('@tensorflow/tfjs-layers').Sequential;
  let x: tf.Tensor;
  beforeAll(() => {
    model = tfl.sequential();
    model.add(tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.glorotNormal({ seed: 7 }) }));
    model.add(tfl.layers.activation({ activation: 'relu6' }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotNormal({ seed: 8 }) }));
    x = tf.tidy(() => tf.mul(tf.sin(tf.reshape(tf.range(0, 2 * 72, 1), [2, 6, 6, 2])), 8));
  });

  it("ensureOverrides and safeGrad put ours back: one GlassboxRelu6Grad kernel per ReLU6, tfjs-core's numbers", async () => {
    // tfjs-layers' relu6 activation is minimum(6, relu(x)), our Relu6 kernel is tf.relu6: a layer of each.
    const f = (p: tf.Tensor): tf.Tensor => tf.sum(tf.relu6(tf.mul(model.predict(p) as tf.Tensor, 4)));
    tf.registerGradient(originalGradient('Relu6')!);
    const theirs = await tf.profile(() => tf.grad(f)(x));
    expect(theirs.kernelNames).toContain('LessEqual');
    const theirValues = Array.from((theirs.result as tf.Tensor).dataSync());
    (theirs.result as tf.Tensor).dispose();

    expect(ensureOverrides()).toContain('gradient of Relu6');
    expect(tf.getGradient('Relu6')!.gradFunc).toBe(relu6GradConfig.gradFunc);

    tf.registerGradient(originalGradient('Relu6')!);
    await expectNoLeaks(async () => {
      const ours = await tf.profile(() => safeGrad(f, x, 'test'));
      expect(tf.getGradient('Relu6')!.gradFunc).toBe(relu6GradConfig.gradFunc);
      expect(ours.kernelNames).toContain(RELU6_GRAD_KERNEL);
      expect(ours.kernelNames).not.toContain('LessEqual');
      expect(Array.from((ours.result as tf.Tensor).dataSync())).toEqual(theirValues);
      (ours.result as tf.Tensor).dispose();
    });
  });
});
