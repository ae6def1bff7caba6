/**
 * The "done when" of issue 16: a MobileNetV2-sized tfjs-layers model (224x224x3, depthwise convolutions, batch norm,
 * residual Adds, 3.5 M parameters, random weights from fixed seeds) wrapped with fromLayersModel runs every
 * applicable explainer with its default options on the WASM backend, on one image, without a crash or an
 * OUT_OF_MEMORY error, leaking nothing. Only the options a method requires are given: occlusion's window and strides
 * ([32, 32, 3] both), a 7x7 grid feature mask (32x32 squares) for the feature-group methods, the layer of the
 * layer methods (the last convolution's ReLU6, 'out_relu', by name: no hand-made split).
 *
 * Minutes per method on a shared 2-core machine, so opt-in: GLASSBOX_LARGE_MODEL_TESTS=1. Each method's wall time,
 * the WASM heap's size after it (the heap only grows, so this is the peak so far) and the process's peak RSS are
 * appended to tmp/mobilenet-v2-all.jsonl (RSS sampled every 100 ms while the event loop is free, and after each
 * method).
 */
import { fileURLToPath } from 'node:url';
import { appendFileSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf, createRng, type Attribution, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import {
  deepLift,
  gradCam,
  gradientShap,
  guidedBackprop,
  guidedGradCam,
  inputXGradient,
  integratedGradients,
  layerConductance,
  layerIntegratedGradients,
  noiseTunnel,
  saliency,
} from '@glassbox/explainers-gradient';
import { featureAblation, kernelShap, lime, occlusion, shapleyValueSampling } from '@glassbox/explainers-perturbation';
import { fromLayersModel, type TfjsModel } from '../src/index.js';

const enabled = process.env.GLASSBOX_LARGE_MODEL_TESTS === '1';
const tmp = fileURLToPath(new URL('../tmp/', import.meta.url));
const log = `${tmp}mobilenet-v2-all.jsonl`;

/** MobileNetV2 (width 1, 224x224x3 -> 1000 classes, softmax), Sandler et al. 2018 (arXiv:1801.04381), table 2. */
function mobileNetV2(): tfl.LayersModel {
  let seed = 1;
  const init = () => tfl.initializers.glorotUniform({ seed: seed++ });
  const bn = (x: tfl.SymbolicTensor) => tfl.layers.batchNormalization({ epsilon: 1e-3, momentum: 0.999 }).apply(x) as tfl.SymbolicTensor;
  const relu6 = (x: tfl.SymbolicTensor, name?: string) => tfl.layers.reLU({ maxValue: 6, ...(name === undefined ? {} : { name }) }).apply(x) as tfl.SymbolicTensor;
  const conv = (x: tfl.SymbolicTensor, filters: number, kernelSize: number, strides = 1) =>
    tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: init() }).apply(x) as tfl.SymbolicTensor;
  const input = tfl.input({ shape: [224, 224, 3] });
  let x = relu6(bn(conv(input, 32, 3, 2)));
  let channels = 32;
  const block = (h: tfl.SymbolicTensor, expansion: number, out: number, stride: number): tfl.SymbolicTensor => {
    let y = h;
    if (expansion !== 1) y = relu6(bn(conv(y, channels * expansion, 1)));
    y = tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false, depthwiseInitializer: init() }).apply(y) as tfl.SymbolicTensor;
    y = bn(conv(relu6(bn(y)), out, 1));
    const result = stride === 1 && channels === out ? (tfl.layers.add().apply([h, y]) as tfl.SymbolicTensor) : y;
    channels = out;
    return result;
  };
  const stages: Array<[number, number, number, number]> = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
  for (const [t, c, n, s] of stages) for (let i = 0; i < n; i++) x = block(x, t, c, i === 0 ? s : 1);
  x = relu6(bn(conv(x, 1280, 1)), 'out_relu');
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units: 1000, activation: 'softmax', kernelInitializer: init() }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x });
}

function wasmHeapBytes(): number {
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm;
  return wasm?.HEAPU8.buffer.byteLength ?? 0;
}

describeBackends(
  'every applicable explainer on a MobileNetV2-sized tfjs-layers model, default options, WASM',
  () => {
    let net: tfl.LayersModel;
    let model: TfjsModel;
    let x: Tensor;
    let mask: Tensor;
    let peakRss = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    beforeAll(async () => {
      if (!enabled) return;
      mkdirSync(tmp, { recursive: true });
      net = mobileNetV2();
      model = await fromLayersModel(net);
      x = tf.tensor4d(createRng(3).uniformArray(224 * 224 * 3), [1, 224, 224, 3]);
      // A 7x7 grid of 32x32 squares, one group per square (all channels).
      mask = tf.tensor3d(Int32Array.from({ length: 224 * 224 }, (_, i) => Math.floor(i / 224 / 32) * 7 + Math.floor((i % 224) / 32)), [224, 224, 1], 'int32');
      // tfjs-layers makes a few tensors on a model's first call: make them before counting.
      tf.tidy(() => model.predict(x));
      tf.tidy(() => model.layerOutput(x, 'out_relu'));
      timer = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 100);
    });
    afterAll(() => {
      if (!enabled) return;
      clearInterval(timer);
      tf.dispose([x, mask]);
      model.dispose();
      net.dispose();
    });

    const methods: Array<[string, () => Promise<Attribution>]> = [
      ['saliency', () => saliency(model, x, { target: 1 })],
      ['inputXGradient', () => inputXGradient(model, x, { target: 1 })],
      ['gradCam', () => gradCam(model, x, { layer: 'out_relu', target: 1 })],
      ['guidedGradCam', () => guidedGradCam(model, x, { layer: 'out_relu', target: 1 })],
      ['guidedBackprop', () => guidedBackprop(model, x, { target: 1 })],
      ['deepLift', () => deepLift(model, x, { target: 1 })],
      ['occlusion', () => occlusion(model, x, { target: 1, window: [32, 32, 3], strides: [32, 32, 3] })],
      ['featureAblation', () => featureAblation(model, x, { target: 1, featureMask: mask })],
      ['integratedGradients', () => integratedGradients(model, x, { target: 1 })],
      ['layerIntegratedGradients', () => layerIntegratedGradients(model, x, { layer: 'out_relu', target: 1 })],
      ['layerConductance', () => layerConductance(model, x, { layer: 'out_relu', target: 1 })],
      ['noiseTunnel(saliency)', () => noiseTunnel(saliency)(model, x, { target: 1 })],
      ['gradientShap', () => gradientShap(model, x, { target: 1 })],
      ['lime', () => lime(model, x, { target: 1, featureMask: mask })],
      ['kernelShap', () => kernelShap(model, x, { target: 1, featureMask: mask })],
      ['shapleyValueSampling', () => shapleyValueSampling(model, x, { target: 1, featureMask: mask })],
    ];

    for (const [name, run] of methods) {
      it.skipIf(!enabled)(`${name} runs one 224x224x3 image with default options, leaking nothing`, { timeout: 60 * 60_000 }, async () => {
        const t0 = performance.now();
        let shape: number[] = [];
        await expectNoLeaks(async () => {
          const r = await run();
          shape = r.attributions.shape;
          const finite = tf.tidy(() => tf.all(tf.isFinite(r.attributions)).dataSync()[0]);
          tf.dispose([r.attributions, ...(r.delta === undefined ? [] : [r.delta])]);
          expect(finite).toBe(1);
        });
        const seconds = (performance.now() - t0) / 1000;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        appendFileSync(log, `${JSON.stringify({ method: name, seconds: Math.round(seconds * 10) / 10, wasmHeapMiB: Math.round(wasmHeapBytes() / 2 ** 20), peakRssMiB: Math.round(peakRss / 2 ** 20), shape })}\n`);
        expect(shape[0]).toBe(1);
        expect(tf.getBackend()).toBe('wasm');
      });
    }
  },
  ['wasm'],
);
