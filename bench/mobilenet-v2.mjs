// MobileNetV2 (Sandler, Howard, Zhu, Zhmoginov & Chen 2018, "MobileNetV2: Inverted Residuals and Linear
// Bottlenecks", arXiv:1801.04381, table 2), laid out as torchvision's `mobilenet_v2` (width 1.0, expansion 6,
// ReLU6, batch norm with epsilon 1e-5, dropout 0.2 before the classifier) with a small head of `classes` outputs,
// built twice from one description:
//   - as a tensors-ops ResidualModel (block specs; the stride-1 inverted residuals whose input and output widths
//     agree are `residual` blocks),
//   - as a tfjs-layers functional model (Conv2D, DepthwiseConv2D, BatchNormalization, ReLU(maxValue 6), Add,
//     GlobalAveragePooling2D, Dropout, Dense), with the same weights copied in (`copyWeightsToLayers`).
// Weights are random from a fixed seed (`randomizeMobileNetV2`): He-normal convolutions, a small normal
// classifier, and batch-norm statistics and affine parameters drawn away from the identity, so that inference-mode
// batch norm matters. Padding is TensorFlow's 'same' (torchvision pads 1 on every side of a 3x3 window; at
// stride 2 'same' pads only the bottom and right): the shapes and the FLOPs are torchvision's, individual
// pixels sit one place differently.
// Repository tooling for bench/mobilenet.bench.mjs and the tensors-ops parity test; not part of any package.

/** torchvision's inverted residual setting: [expansion t, output channels c, repeats n, first stride s]. */
export const MOBILENET_V2_STAGES = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

const EPSILON = 1e-5;
const out = (size, stride) => Math.ceil(size / stride);

/**
 * The ResidualModel block specs of MobileNetV2 and its analytic FLOPs per image (2 per multiply-add; convolutions,
 * depthwise convolutions and the classifier; batch norm, activations, adds and pooling not counted).
 *
 * Leaf block names are unique in the whole model (a residual block's body blocks are named after it, e.g.
 * 'b3_expand' inside 'b3'), so that the tfjs-layers twin can name its layers the same.
 *
 * @param {{ size?: number, classes?: number }} options input side (default 224) and outputs (default 5).
 * @returns {{ blocks: object[], inputShape: number[], flops: number }}
 */
export function mobileNetV2Spec({ size = 224, classes = 5 } = {}) {
  let h = size;
  let w = size;
  let flops = 0;
  const conv = (name, filters, kernelSize, strides, cin) => {
    const oh = out(h, strides);
    const ow = out(w, strides);
    flops += 2 * oh * ow * filters * kernelSize * kernelSize * cin;
    h = oh;
    w = ow;
    return { type: 'conv2d', name, filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: 'heNormal' };
  };
  const dw = (name, strides, c) => {
    h = out(h, strides);
    w = out(w, strides);
    flops += 2 * h * w * c * 9;
    return { type: 'depthwiseConv2d', name, kernelSize: 3, strides, padding: 'same', useBias: false, kernelInitializer: 'heNormal' };
  };
  const bn = (name) => ({ type: 'batchNorm', name, epsilon: EPSILON });
  const relu6 = (name) => ({ type: 'activation', name, fn: 'relu6' });

  const blocks = [conv('stem', 32, 3, 2, 3), bn('stem_bn'), relu6('stem_relu')];
  let channels = 32;
  let index = 0;
  for (const [t, c, n, s] of MOBILENET_V2_STAGES) {
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const name = `b${index++}`;
      const hidden = channels * t;
      const body = [];
      if (t !== 1) body.push(conv(`${name}_expand`, hidden, 1, 1, channels), bn(`${name}_expand_bn`), relu6(`${name}_expand_relu`));
      body.push(dw(`${name}_dw`, stride, hidden), bn(`${name}_dw_bn`), relu6(`${name}_dw_relu`));
      body.push(conv(`${name}_project`, c, 1, 1, hidden), bn(`${name}_project_bn`));
      if (stride === 1 && channels === c) blocks.push({ type: 'residual', name, body });
      else blocks.push(...body);
      channels = c;
    }
  }
  blocks.push(conv('head', 1280, 1, 1, channels), bn('head_bn'), relu6('head_relu'));
  blocks.push({ type: 'globalAvgPool', name: 'pool' }, { type: 'dropout', name: 'dropout', rate: 0.2 });
  blocks.push({ type: 'dense', name: 'logits', units: classes });
  flops += 2 * 1280 * classes;
  return { blocks, inputShape: [size, size, 3], flops };
}

/**
 * Replaces the ResidualModel's batch-norm parameters, depthwise kernels and classifier with seeded random values
 * (the other convolutions keep the He-normal values the model drew from its own seed): depthwise kernels
 * normal(0, sqrt(2 / 9)) (He-normal over the 9 taps each output sees; the [3, 3, C, 1] shape would give a fan-in
 * of 9 C and a signal that fades through the 17 blocks, leaving logits that hardly depend on the input), gamma in [0.5, 1.5), beta and the moving mean in
 * [-0.2, 0.2), the moving variance in [0.5, 1.5), classifier kernel normal(0, 0.05), bias in [-0.1, 0.1).
 *
 * @param {object} tensorsOps the `@glassbox/tensors-ops` module (for `tf` and `createRng`).
 * @param {object} model a ResidualModel built from `mobileNetV2Spec`.
 * @param {number} seed
 */
export function randomizeMobileNetV2({ tf, createRng }, model, seed) {
  const rng = createRng(seed);
  const current = model.getWeights();
  const next = {};
  try {
    for (const [name, t] of Object.entries(current)) {
      const n = t.size;
      const key = name.slice(name.lastIndexOf('/') + 1);
      let values = null;
      if (key === 'gamma' || key === 'movingVariance') values = rng.uniformArray(n, 0.5, 1.5);
      else if (key === 'beta' || key === 'movingMean') values = rng.uniformArray(n, -0.2, 0.2);
      else if (name.endsWith('_dw/kernel')) values = rng.normalArray(n, 0, Math.sqrt(2 / 9));
      else if (name.startsWith('logits/') && key === 'kernel') values = rng.normalArray(n, 0, 0.05);
      else if (name.startsWith('logits/') && key === 'bias') values = rng.uniformArray(n, -0.1, 0.1);
      if (values !== null) next[name] = tf.tensor(values, t.shape, 'float32');
    }
    model.setWeights(next, { allowPartial: true });
  } finally {
    tf.dispose(current);
    tf.dispose(next);
  }
}

/**
 * Builds the tfjs-layers twin of a `mobileNetV2Spec` model: one layer per leaf block, named as the block, and
 * an Add after each residual body.
 *
 * @param {object} tfl the `@tensorflow/tfjs-layers` module.
 * @param {{ blocks: object[], inputShape: number[] }} spec
 * @returns the tf.LayersModel (random weights until `copyWeightsToLayers`).
 */
export function mobileNetV2Layers(tfl, spec) {
  const layerOf = (b) => {
    switch (b.type) {
      case 'conv2d':
        return tfl.layers.conv2d({ name: b.name, filters: b.filters, kernelSize: b.kernelSize, strides: b.strides, padding: 'same', useBias: false });
      case 'depthwiseConv2d':
        return tfl.layers.depthwiseConv2d({ name: b.name, kernelSize: b.kernelSize, strides: b.strides, padding: 'same', useBias: false });
      case 'batchNorm':
        return tfl.layers.batchNormalization({ name: b.name, epsilon: b.epsilon });
      case 'activation':
        return tfl.layers.reLU({ name: b.name, maxValue: 6 });
      case 'globalAvgPool':
        return tfl.layers.globalAveragePooling2d({ name: b.name });
      case 'dropout':
        return tfl.layers.dropout({ name: b.name, rate: b.rate });
      case 'dense':
        return tfl.layers.dense({ name: b.name, units: b.units });
      default:
        throw new Error(`mobileNetV2Layers: no tfjs-layers twin for a '${b.type}' block`);
    }
  };
  const run = (blocks, x) => {
    let h = x;
    for (const b of blocks) {
      if (b.type === 'residual') h = tfl.layers.add({ name: `${b.name}_add` }).apply([h, run(b.body, h)]);
      else h = layerOf(b).apply(h);
    }
    return h;
  };
  const input = tfl.input({ shape: spec.inputShape });
  return tfl.model({ inputs: input, outputs: run(spec.blocks, input), name: 'mobilenet_v2' });
}

/**
 * Copies a ResidualModel's weights into its tfjs-layers twin, layer by layer (tfjs-layers' weight order:
 * kernel; depthwise_kernel; gamma, beta, moving_mean, moving_variance; kernel, bias).
 */
export function copyWeightsToLayers({ tf }, model, layersModel) {
  const weights = model.getWeights();
  try {
    const byLayer = new Map();
    for (const [name, t] of Object.entries(weights)) {
      const parts = name.split('/');
      const layer = parts[parts.length - 2];
      if (!byLayer.has(layer)) byLayer.set(layer, {});
      byLayer.get(layer)[parts[parts.length - 1]] = t;
    }
    const order = { conv2d: ['kernel'], depthwise_conv2d: ['kernel'], batch_normalization: ['gamma', 'beta', 'movingMean', 'movingVariance'], dense: ['kernel', 'bias'] };
    let copied = 0;
    for (const layer of layersModel.layers) {
      const params = byLayer.get(layer.name);
      if (params === undefined) continue;
      const keys = layer.getClassName() === 'BatchNormalization' ? order.batch_normalization : layer.getClassName() === 'Dense' ? order.dense : order.conv2d;
      layer.setWeights(keys.map((k) => params[k]));
      copied += keys.length;
    }
    if (copied !== Object.keys(weights).length) throw new Error(`copyWeightsToLayers: copied ${copied} of ${Object.keys(weights).length} weights`);
  } finally {
    tf.dispose(weights);
  }
}
