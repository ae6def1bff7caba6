/**
 * Every model form gives the same explanation for the methods that rewrite a nonlinearity's gradient
 * (guided backpropagation, guided Grad-CAM, DeepLIFT's rescale rule): a tensors-ops Sequential (whose relus run
 * inside fused conv/dense kernels), the same network written as a plain function of unfused tf ops, its
 * tfjs-layers form, and the pretrained digits-cnn Classifier of @glassbox/models-classifier (a test-only
 * devDependency; explainers never import models at run time) against its unfused ops. Each is checked against
 * the rule written out layer by layer here (vector-Jacobian products of the linear parts, the rule at each
 * relu), which does not use the gradient-rule machinery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { sequential, tf } from '@glassbox/tensors-ops';
import type { ForwardFn, LayerSpec, Predictable, Sequential } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { loadPretrained, type Classifier } from '@glassbox/models-classifier';
import { deepLift, gradCam, guidedBackprop, guidedGradCam, saliency } from '../src/index.js';
import { randomizeWeights, uniforms } from '../src/testing-internal/models.js';

/** The 12x12 CNN of the issue: every relu runs fused in the Sequential's inference pass. */
const CNN_12: LayerSpec[] = [
  { type: 'conv2d', name: 'conv1', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
  { type: 'conv2d', name: 'conv2', filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
  { type: 'avgPool', name: 'pool', poolSize: 2 },
  { type: 'flatten', name: 'flatten' },
  { type: 'dense', name: 'dense1', units: 10, activation: 'relu' },
  { type: 'dense', name: 'logits', units: 3 },
];

/** Layers [from, to) of a Sequential of conv2d / dense / avgPool / flatten / dropout layers as unfused tf ops. */
function unfused(m: Sequential, w: Record<string, Tensor>, from = 0, to = m.layers.length): ForwardFn {
  return (x: Tensor) =>
    tf.tidy(() => {
      let h = x;
      for (let i = from; i < to; i++) {
        const layer = m.layers[i]!;
        const s = layer.spec as unknown as { strides: [number, number]; padding: 'same' | 'valid'; poolSize: [number, number] };
        const bias = w[`${layer.name}/bias`];
        switch (layer.type) {
          case 'conv2d':
            h = tf.conv2d(h as Tensor4D, w[`${layer.name}/kernel`] as Tensor4D, s.strides, s.padding);
            break;
          case 'dense':
            h = tf.matMul(h, w[`${layer.name}/kernel`]!);
            break;
          case 'avgPool':
            h = tf.avgPool(h as Tensor4D, s.poolSize, s.strides, s.padding);
            break;
          case 'flatten':
            h = tf.reshape(h, [h.shape[0]!, -1]);
            break;
          case 'dropout':
            break;
          default:
            throw new Error(`unfused: no layer type ${layer.type}`);
        }
        if (bias !== undefined) h = tf.add(h, bias);
        const act = layer.activation;
        if (act !== null && act.fn === 'relu') h = tf.relu(h);
        else if (act !== null && act.fn !== 'linear') throw new Error(`unfused: no activation ${act.fn}`);
      }
      return h;
    });
}

/** The 12x12 CNN as a tfjs-layers model with the Sequential's weights. */
function layersForm(w: Record<string, Tensor>): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [12, 12, 1] }),
      tfl.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.averagePooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'relu' }),
      tfl.layers.dense({ units: 3 }),
    ],
  });
  model.setWeights(['conv1', 'conv2', 'dense1', 'logits'].flatMap((l) => [w[`${l}/kernel`]!, w[`${l}/bias`]!]));
  return model;
}

/**
 * The backward pass of a Sequential written out layer by layer: starting from the one-hot target columns, at
 * every relu layer the incoming gradient g becomes rule(g, z, i) (z the layer's pre-activation), and through the
 * linear parts it is the ordinary vector-Jacobian product.
 */
function layerwise(m: Sequential, x: Tensor, targets: number[], rule: (g: Tensor, z: Tensor, layer: number) => Tensor): Tensor {
  return tf.tidy(() => {
    const inputs: Tensor[] = [];
    let h = x;
    for (let i = 0; i < m.layers.length; i++) {
      inputs.push(h);
      h = m.applyLayer(i, h);
    }
    let g: Tensor = tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), h.shape[1]!), 'float32');
    for (let i = m.layers.length - 1; i >= 0; i--) {
      const act = m.layers[i]!.activation;
      const relu = act !== null && act.fn === 'relu';
      if (act !== null && act.fn !== 'relu' && act.fn !== 'linear') throw new Error(`layerwise: no activation ${act.fn}`);
      if (relu) g = rule(g, m.applyLayerLinear(i, inputs[i]!), i);
      const dy = g;
      const part = (t: Tensor): Tensor => (relu ? m.applyLayerLinear(i, t) : m.applyLayer(i, t));
      g = tf.grad((t: Tensor) => tf.sum(tf.mul(part(t), dy)))(inputs[i]!);
    }
    return g;
  });
}

/** Guided backpropagation by layers: relu(g) where z > 0 (Springenberg et al. 2014). */
function guidedByLayers(m: Sequential, x: Tensor, targets: number[]): Tensor {
  return layerwise(m, x, targets, (g, z) => tf.mul(tf.relu(g), tf.step(z)));
}

/** The ordinary gradient by layers (g where z > 0). */
function gradientByLayers(m: Sequential, x: Tensor, targets: number[]): Tensor {
  return layerwise(m, x, targets, (g, z) => tf.mul(g, tf.step(z)));
}

/** DeepLIFT's rescale rule by layers: g (relu(z) - relu(z_b)) / (z - z_b) at each relu, times (x - b) at the end. */
function deepLiftByLayers(m: Sequential, x: Tensor, b: Tensor, targets: number[]): Tensor {
  return tf.tidy(() => {
    const zb: Tensor[] = [];
    let h = b;
    for (let i = 0; i < m.layers.length; i++) {
      zb.push(m.applyLayerLinear(i, h));
      h = m.applyLayer(i, h);
    }
    const multipliers = layerwise(m, x, targets, (g, z, i) => {
      const dz = tf.sub(z, zb[i]!);
      const far = tf.greater(tf.abs(dz), 1e-10);
      const ratio = tf.div(tf.sub(tf.relu(z), tf.relu(zb[i]!)), tf.where(far, dz, tf.onesLike(dz)));
      return tf.mul(g, tf.where(far, ratio, tf.step(z)));
    });
    return tf.mul(tf.sub(x, b), multipliers);
  });
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** F_t(x) - F_t(b) per row. */
function scoreGap(f: ForwardFn, x: Tensor, b: Tensor, targets: number[]): Float32Array {
  return tf.tidy(() => {
    const fx = f(x);
    const t = tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), fx.shape[1]!), 'float32');
    return tf.sum(tf.mul(tf.sub(fx, f(b)), t), 1).dataSync() as Float32Array;
  });
}

interface Forms {
  /** The model as the user holds it (Sequential or Classifier): fused kernels. */
  model: Sequential | Classifier;
  /** Its Sequential. */
  net: Sequential;
  /** The same network as unfused tf ops. */
  fn: ForwardFn;
  /** Its tfjs-layers form, where there is one. */
  layers: tfl.Sequential | null;
  /** The last convolution (for guided Grad-CAM) and the unfused features / head split there. */
  camLayer: string;
  features: ForwardFn;
  head: ForwardFn;
  x: Tensor;
  targets: number[];
  baseline: number | Tensor;
  /** Tolerances for these magnitudes. */
  atol: number;
  rtol: number;
  /** Tensors to dispose at the end. */
  own: Tensor[];
}

type FormName = 'Sequential/Classifier (fused kernels)' | 'plain function (unfused ops)' | 'tfjs-layers model' | 'layered model without predict';

function formOf(f: Forms, name: FormName): Predictable {
  switch (name) {
    case 'Sequential/Classifier (fused kernels)':
      return f.model;
    case 'plain function (unfused ops)':
      return f.fn;
    case 'tfjs-layers model':
      return f.layers!;
    case 'layered model without predict':
      return {
        layers: f.net.layers,
        applyLayer: (i: number, t: Tensor) => f.net.applyLayer(i, t),
        applyLayerLinear: (i: number, t: Tensor) => f.net.applyLayerLinear(i, t),
      } as never;
  }
}

function checkForms(label: string, withLayers: boolean, setUp: () => Promise<Forms>, tearDown: (f: Forms) => void): void {
  describe(label, () => {
    let f: Forms;
    beforeAll(async () => {
      f = await setUp();
    });
    afterAll(() => tearDown(f));
    const forms: FormName[] = ['Sequential/Classifier (fused kernels)', 'plain function (unfused ops)', ...(withLayers ? (['tfjs-layers model'] as const) : [])];

    it('the rules matter here: guided and rescale by layers differ from the gradient, which saliency on the model gives', async () => {
      const plain = gradientByLayers(f.net, f.x, f.targets);
      const guided = guidedByLayers(f.net, f.x, f.targets);
      const b = tf.tidy(() => tf.add(tf.zerosLike(f.x), f.baseline));
      const rescale = deepLiftByLayers(f.net, f.x, b, f.targets);
      const gradTimesDelta = tf.tidy(() => tf.mul(tf.sub(f.x, b), plain));
      const scale = tf.tidy(() => tf.max(tf.abs(plain)).dataSync()[0]!);
      expect(maxAbsDiff(guided, plain)).toBeGreaterThan(0.05 * scale);
      expect(maxAbsDiff(rescale, gradTimesDelta)).toBeGreaterThan(0.01 * scale);
      const s = await saliency(f.model, f.x, { target: f.targets, abs: false });
      expectTensorClose(s.attributions, plain, f.atol, f.rtol);
      tf.dispose([plain, guided, b, rescale, gradTimesDelta, s.attributions]);
    });

    for (const name of forms) {
      it(`guidedBackprop on the ${name} equals the layer-wise guided rule`, async () => {
        const want = guidedByLayers(f.net, f.x, f.targets);
        await expectNoLeaks(async () => {
          const { attributions } = await guidedBackprop(formOf(f, name), f.x, { target: f.targets, batchSize: 2 });
          expectTensorClose(attributions, want, f.atol, f.rtol);
          attributions.dispose();
        });
        want.dispose();
      });
    }

    for (const name of ['the model split at its last convolution (fused kernels)', 'unfused { features, head } functions'] as const) {
      it(`guidedGradCam on ${name} equals gradCam x the layer-wise guided rule`, async () => {
        const guided = guidedByLayers(f.net, f.x, f.targets);
        const cam = await gradCam(f.model, f.x, { layer: f.camLayer, target: f.targets });
        const want = tf.mul(cam.attributions, guided);
        expect(tf.tidy(() => tf.max(want).dataSync()[0]!)).toBeGreaterThan(0);
        const split = name.startsWith('the model');
        await expectNoLeaks(async () => {
          const { attributions } = split
            ? await guidedGradCam(f.model, f.x, { layer: f.camLayer, target: f.targets, batchSize: 2 })
            : await guidedGradCam({ features: f.features, head: f.head }, f.x, { target: f.targets, batchSize: 2 });
          expectTensorClose(attributions, want, f.atol, f.rtol);
          attributions.dispose();
        });
        tf.dispose([guided, cam.attributions, want]);
      });
    }

    for (const name of [...forms, 'layered model without predict'] as FormName[]) {
      it(`deepLift on the ${name} equals the layer-wise rescale rule and sums to F(x) - F(b)`, async () => {
        const b = tf.tidy(() => tf.add(tf.zerosLike(f.x), f.baseline));
        const want = deepLiftByLayers(f.net, f.x, b, f.targets);
        const gap = scoreGap(f.fn, f.x, b, f.targets);
        await expectNoLeaks(async () => {
          const { attributions, delta } = await deepLift(formOf(f, name), f.x, { target: f.targets, baseline: f.baseline, batchSize: 4 });
          expectTensorClose(attributions, want, f.atol, f.rtol);
          const sums = tf.tidy(() => tf.sum(tf.reshape(attributions, [f.x.shape[0]!, -1]), 1).dataSync());
          const dv = delta!.dataSync();
          for (let i = 0; i < gap.length; i++) {
            const tol = 1e-4 + 1e-4 * Math.abs(gap[i]!);
            expect(Math.abs(sums[i]! - gap[i]!), `row ${i}: sum of attributions vs F(x) - F(b)`).toBeLessThan(tol);
            expect(Math.abs(dv[i]!), `row ${i}: delta`).toBeLessThan(tol);
          }
          tf.dispose([attributions, delta!]);
        });
        tf.dispose([b, want]);
      });
    }
  });
}

describeBackends('model forms: guided backprop, guided Grad-CAM and DeepLIFT agree on every form', () => {
  checkForms(
    'a 12x12 CNN',
    true,
    async () => {
      const net = sequential(CNN_12, [12, 12, 1], { seed: 12 });
      randomizeWeights(net, 31, 0.5);
      const w = net.getWeights();
      const k = CNN_12.findIndex((l) => l.name === 'conv2') + 1;
      return {
        model: net,
        net,
        fn: unfused(net, w),
        layers: layersForm(w),
        camLayer: 'conv2',
        features: unfused(net, w, 0, k),
        head: unfused(net, w, k),
        x: tf.tensor4d(uniforms(41, 3 * 144, -1, 1), [3, 12, 12, 1]),
        targets: [0, 2, 1],
        baseline: tf.tensor4d(uniforms(42, 144, -0.2, 0.2), [1, 12, 12, 1]),
        atol: 1e-5,
        rtol: 1e-4,
        own: Object.values(w),
      };
    },
    (f) => {
      tf.dispose([f.x, ...(typeof f.baseline === 'number' ? [] : [f.baseline]), ...f.own]);
      f.layers?.dispose();
      f.net.dispose();
    },
  );

  checkForms(
    'the pretrained digits-cnn against its unfused ops',
    false,
    async () => {
      const cnn = await loadPretrained('digits-cnn');
      const net = cnn.network;
      const w = net.getWeights();
      const k = net.layers.findIndex((l) => l.name === cnn.lastConvLayer) + 1;
      return {
        model: cnn,
        net,
        fn: unfused(net, w),
        layers: null,
        camLayer: cnn.lastConvLayer!,
        features: unfused(net, w, 0, k),
        head: unfused(net, w, k),
        x: tf.tensor4d(uniforms(43, 3 * 784, 0, 1), [3, 28, 28, 1]),
        targets: [3, 7, 1],
        baseline: 0,
        atol: 1e-4,
        rtol: 1e-3,
        own: Object.values(w),
      };
    },
    (f) => {
      tf.dispose([f.x, ...f.own]);
      (f.model as Classifier).dispose();
    },
  );
});
