/**
 * The pytorch-cnn fixture (test/fixtures/pytorch-cnn, exported from PyTorch) loaded three ways: its ONNX file
 * (NCHW, through onnxruntime-web), the same network rebuilt from its weights as a tfjs-layers model saved with
 * tfjs-layers' own model.save, and as a graph model in the converter's format. The ONNX model reproduces PyTorch's
 * logits; the three forms predict the same; the model-agnostic methods give the same attributions on the ONNX and
 * layers forms; the gradient methods give the same attributions on the layers and graph forms.
 */
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { featureAblation, occlusion } from '@glassbox/explainers-perturbation';
import { integratedGradients, saliency } from '@glassbox/explainers-gradient';
import { LOG_FLOOR, loadGraphModel, loadLayersModel, loadOnnx, fromLayersModel, logProbabilities, type OnnxModel, type TfjsModel } from '../src/index.js';
import { ONNX_PATH, buildLayersModel, readPytorchCnn, writePytorchCnnForms, writeUncuttableSoftmaxForms } from './fixtures/pytorch-cnn-forms.js';

const tmp = fileURLToPath(new URL('../tmp/pytorch-cnn/', import.meta.url));
const cnn = readPytorchCnn();
let paths: Awaited<ReturnType<typeof writePytorchCnnForms>>;

beforeAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  paths = await writePytorchCnnForms(tfl, tmp);
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function attr(r: Promise<{ attributions: Tensor; delta?: Tensor }>): Promise<Float32Array> {
  const a = await r;
  a.delta?.dispose();
  return values(a.attributions);
}

async function values(t: Tensor | Promise<Tensor>): Promise<Float32Array> {
  const y = await t;
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

describeBackends('pytorch-cnn in three forms', () => {
  let onnx: OnnxModel;
  let layers: TfjsModel;
  let graph: TfjsModel;
  let x: Tensor;
  beforeAll(async () => {
    onnx = await loadOnnx(ONNX_PATH, { layout: 'NCHW' });
    layers = await loadLayersModel(paths.layers);
    graph = await loadGraphModel(paths.graph);
    x = tf.tensor4d(cnn.inputsNhwc, [4, 32, 32, 3]);
  });
  afterAll(async () => {
    await onnx.dispose();
    layers.dispose();
    graph.dispose();
    x.dispose();
  });

  it('describes each form: kind, NHWC input shape, [N, 5] output, layer / node names', () => {
    expect(onnx.kind).toBe('onnx');
    expect(onnx.async).toBe(true);
    expect(onnx.inputShape).toEqual([null, 32, 32, 3]);
    expect(onnx.outputShape).toEqual([null, 5]);
    expect(onnx.layers.length).toBeGreaterThanOrEqual(6);
    expect(layers.kind).toBe('layers');
    expect(layers.inputShape).toEqual([null, 32, 32, 3]);
    expect(layers.outputShape).toEqual([null, 5]);
    expect(layers.layers).toEqual(['conv1', 'pad', 'conv2', 'pool', 'flatten', 'fc']);
    expect(graph.kind).toBe('graph');
    expect(graph.inputShape).toEqual([null, 32, 32, 3]);
    expect(graph.layers).toContain('conv2/Conv2D');
  });

  it("the ONNX model (NCHW, given NHWC images) reproduces PyTorch's logits within 1e-5", async () => {
    const got = await expectNoLeaks(() => values(onnx.predict(x)));
    expect(maxAbsDiff(got, cnn.logits)).toBeLessThan(1e-5);
  });

  it('the layers and graph forms predict what the ONNX model does, within 1e-5', async () => {
    const fromOnnx = await values(onnx.predict(x));
    const fromLayers = await expectNoLeaks(() => values(layers.predict(x)));
    const fromGraph = await expectNoLeaks(() => values(graph.predict(x)));
    expect(maxAbsDiff(fromLayers, fromOnnx)).toBeLessThan(1e-5);
    expect(maxAbsDiff(fromGraph, fromOnnx)).toBeLessThan(1e-5);
    expect(maxAbsDiff(fromLayers, cnn.logits)).toBeLessThan(1e-5);
  });

  it('occlusion and featureAblation on the ONNX model equal the same methods on the layers model, within 1e-4', async () => {
    const x2 = tf.slice(x, 0, 2);
    const mask = tf.tensor(Array.from({ length: 32 * 32 }, (_, i) => Math.floor((i / 32) / 8) * 4 + Math.floor((i % 32) / 8)), [32, 32, 1], 'int32');
    const runs = [
      (m: OnnxModel | TfjsModel) => occlusion(m, x2, { target: [1, 3], window: [8, 8, 3], strides: [8, 8, 3] }),
      (m: OnnxModel | TfjsModel) => featureAblation(m, x2, { target: 2, featureMask: mask, batchSize: 5 }),
    ];
    for (const run of runs) {
      const a = await expectNoLeaks(async () => attr(run(onnx)));
      const b = await attr(run(layers));
      expect(a.length).toBe(2 * 32 * 32 * 3);
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
      expect(Math.max(...Array.from(b, Math.abs))).toBeGreaterThan(1e-3);
    }
    tf.dispose([x2, mask]);
  });

  it('saliency and integrated gradients on the layers and graph forms agree within 1e-4', async () => {
    const x2 = tf.slice(x, 1, 2);
    for (const run of [
      (m: TfjsModel) => saliency(m, x2, { target: 0 }),
      (m: TfjsModel) => integratedGradients(m, x2, { target: [4, 2], steps: 8 }),
    ]) {
      const a = await expectNoLeaks(async () => attr(run(layers)));
      const b = await expectNoLeaks(async () => attr(run(graph)));
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
      expect(Math.max(...Array.from(a, Math.abs))).toBeGreaterThan(1e-4);
    }
    x2.dispose();
  });

  it('gradient methods refuse the ONNX model, naming the model-agnostic methods', async () => {
    await expect(saliency(onnx, x, { target: 0 })).rejects.toThrow(/asynchronous model.*occlusion, featureAblation/);
  });

  it('logits: true removes a final softmax in each form (same logits as the plain network)', async () => {
    const softLayers = await loadLayersModel(paths.layersSoftmax);
    const probs = await values(softLayers.predict(x));
    softLayers.dispose();
    const rowSums = [0, 1, 2, 3].map((i) => probs.subarray(i * 5, i * 5 + 5).reduce((a, b) => a + b, 0));
    for (const s of rowSums) expect(s).toBeCloseTo(1, 5);
    await expectNoLeaks(async () => {
      const l = await loadLayersModel(paths.layersSoftmax, { logits: true });
      const g = await loadGraphModel(paths.graphSoftmax, { logits: true });
      expect(l.logits).toBe('input');
      expect(maxAbsDiff(await values(l.predict(x)), cnn.logits)).toBeLessThan(1e-5);
      expect(maxAbsDiff(await values(g.predict(x)), cnn.logits)).toBeLessThan(1e-5);
      l.dispose();
      g.dispose();
    });
    // fromLayersModel keeps the user's model: its dispose frees only the logits layer it made.
    const user = buildLayersModel(tfl, cnn.weights, { softmax: true });
    const wrapped = await fromLayersModel(user, { logits: true });
    expect(maxAbsDiff(await values(wrapped.predict(x)), cnn.logits)).toBeLessThan(1e-5);
    wrapped.dispose();
    const again = await values(user.predict(x) as Tensor);
    expect(maxAbsDiff(again, probs)).toBeLessThan(1e-6);
    user.dispose();
  });
  it("logits: true on a softmax that cannot be cut explains log p in each form: PyTorch's logits minus their logsumexp within 1e-5; gradients of z_t - logsumexp(z)", async () => {
    const forms = await writeUncuttableSoftmaxForms(tfl, `${tmp}uncut-${tf.getBackend()}`);
    // log softmax of PyTorch's logits, in float64: z_k - log sum_j exp(z_j).
    const want = new Float64Array(20);
    for (let i = 0; i < 4; i++) {
      const z = Array.from(cnn.logits.subarray(i * 5, i * 5 + 5));
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
      z.forEach((v, k) => (want[i * 5 + k] = v - lse));
    }
    const target = 2;
    await expectNoLeaks(async () => {
      const l = await loadLayersModel(forms.layers, { logits: true });
      const g = await loadGraphModel(forms.graph, { logits: true });
      const o = await loadOnnx(forms.onnx, { layout: 'NCHW', logits: true });
      expect([l.logits, g.logits, o.logits]).toEqual(['log', 'log', 'log']);
      for (const model of [l, g, o]) expect(maxAbsDiff(await values(model.predict(x)), want)).toBeLessThan(1e-5);
      // Without logits the three forms give probabilities (rows sum to 1).
      const plain = await loadOnnx(forms.onnx, { layout: 'NCHW' });
      expect(plain.logits).toBeNull();
      const p = await values(plain.predict(x));
      for (let i = 0; i < 4; i++) expect(p.subarray(i * 5, i * 5 + 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      await plain.dispose();
      // The gradient of log p_t is that of z_t - logsumexp(z), taken here on the plain (logits) network by tf.grad.
      const ref = tf.tidy(() =>
        tf.grad((xx: Tensor) => {
          const z = layers.predict(xx);
          return tf.sum(tf.sub(tf.reshape(tf.gather(z, [target], 1), [-1]), tf.logSumExp(z, 1)));
        })(x),
      );
      const expected = await values(ref);
      const scale = Math.max(...Array.from(expected, Math.abs));
      for (const model of [l, g]) {
        const got = await attr(saliency(model, x, { target, abs: false }));
        expect(maxAbsDiff(got, expected) / scale).toBeLessThan(1e-4);
      }
      l.dispose();
      g.dispose();
      await o.dispose();
    });
  });

  it('logits: true is refused where no softmax makes the output, in each form, leaving nothing allocated', async () => {
    await expectNoLeaks(async () => {
      await expect(loadLayersModel(paths.layers, { logits: true })).rejects.toThrow(/options\.logits: the model's last layer "fc" \(Dense, activation "linear"\) applies no softmax/);
      await expect(loadGraphModel(paths.graph, { logits: true })).rejects.toThrow(/not made by a Softmax node \(it is a BiasAdd node\)/);
      await expect(loadOnnx(ONNX_PATH, { layout: 'NCHW', logits: true })).rejects.toThrow(/not made by a Softmax node \(it is a Gemm node\)/);
    });
  });

  it('logProbabilities: log max(p, LOG_FLOOR), elementwise; an underflowed 0 gives log(LOG_FLOOR), not -Infinity', async () => {
    const p = tf.tensor2d([[0.5, 0.25, 0.25, 0], [1, 0, 0, 0]]);
    const got = await expectNoLeaks(async () => values(logProbabilities(p)));
    const floor = Math.log(1.1754943508222875e-38);
    const want = [Math.log(0.5), Math.log(0.25), Math.log(0.25), floor, 0, floor, floor, floor];
    expect(LOG_FLOOR).toBe(1.1754943508222875e-38);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
    p.dispose();
  });
});
