/**
 * The case of issue 16: a MobileNetV2-sized tfjs-layers model (224x224x3, depthwise convolutions, batch norm,
 * 3.5 M parameters, random weights from fixed seeds) explained by integratedGradients with its default options on
 * the WASM backend. Before the automatic batch size measured any model, IG ran 64 rows of 224x224 per call and
 * exhausted the 4 GB WASM heap. One image takes minutes on a shared 2-core machine (52 forward and backward passes),
 * so the test is opt-in: set GLASSBOX_LARGE_MODEL_TESTS=1.
 */
import { expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf, createRng } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { integratedGradients } from '../src/index.js';

const enabled = process.env.GLASSBOX_LARGE_MODEL_TESTS === '1';

/** MobileNetV2 (width 1, 224x224x3 -> 1000 classes, softmax), as in Sandler et al. 2018 (arXiv:1801.04381), table 2. */
function mobileNetV2(): tfl.LayersModel {
  let seed = 1;
  const init = () => tfl.initializers.glorotUniform({ seed: seed++ });
  const bn = (x: tfl.SymbolicTensor) => tfl.layers.batchNormalization({ epsilon: 1e-3, momentum: 0.999 }).apply(x) as tfl.SymbolicTensor;
  const relu6 = (x: tfl.SymbolicTensor) => tfl.layers.reLU({ maxValue: 6 }).apply(x) as tfl.SymbolicTensor;
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
  x = relu6(bn(conv(x, 1280, 1)));
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units: 1000, activation: 'softmax', kernelInitializer: init() }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x });
}

describeBackends(
  'a MobileNetV2-sized tfjs-layers model on WASM',
  () => {
    it.skipIf(!enabled)('integratedGradients with default options runs one 224x224x3 image without running out of memory, leaking nothing', async () => {
      const model = mobileNetV2();
      expect(model.countParams()).toBe(3538984);
      const x = tf.tensor4d(createRng(3).uniformArray(224 * 224 * 3), [1, 224, 224, 3]);
      // tfjs-layers keeps a few tensors it makes on a model's first call; make them before counting.
      tf.tidy(() => model.predict(x));
      await expectNoLeaks(async () => {
        const { attributions, delta } = await integratedGradients(model, x, { target: 1 });
        expect(attributions.shape).toEqual([1, 224, 224, 3]);
        expect(tf.tidy(() => tf.all(tf.isFinite(attributions)).dataSync()[0])).toBe(1);
        tf.dispose([attributions, delta!]);
      });
      expect(tf.getBackend()).toBe('wasm');
      x.dispose();
      model.dispose();
    });
  },
  ['wasm'],
);
