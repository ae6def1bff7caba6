/**
 * The GAN's architecture: its config and options (with their checks and defaults), the layers of the generator
 * and the discriminator, and the class labels of a conditional GAN. No tensors beyond the label checks.
 */
import { GlassboxError, assertNumber, assertOneOf, describe, formatShape, type LayerSpec, type Tensor } from '@glassbox/tensors-ops';
import { checkOptions, checkSeed } from '@glassbox/tensors-ops/models';
import { OUTPUT_ACTIVATIONS, checkFilters, checkImageShape, type OutputActivation } from './images.js';
import type { NetworkModelJSON } from './network-model.js';

/** The architecture of a GAN: everything needed to rebuild it (the weights aside). */
export interface GanConfig {
  /** Length of the latent code z. */
  latentDim: number;
  /** 0 for an unconditional GAN; K >= 2 for a class-conditional one. */
  numClasses: number;
  /** One image [height, width, channels]; height and width divisible by 4. */
  imageShape: [number, number, number];
  /** Channels of the generator's 1/4- and 1/2-resolution feature maps. */
  generatorFilters: [number, number];
  /** Channels of the discriminator's two strided convolutions. */
  discriminatorFilters: [number, number];
  /** Kernel size of every (transposed) convolution. */
  kernelSize: number;
  /** The generator's last nonlinearity (the networks work in [-1, 1] for tanh, [0, 1] for sigmoid). */
  outputActivation: OutputActivation;
  /** Dropout rate after each discriminator convolution (training only), in [0, 1). */
  dropout: number;
  /** Seed of the initial weights. */
  seed: number;
}

/** Options of `new GAN(...)`; every field has a default. */
export interface GanOptions {
  /** Default 100. */
  latentDim?: number;
  /** Default 0 (unconditional). */
  numClasses?: number;
  /** Default [28, 28, 1]. */
  imageShape?: [number, number, number];
  /** Default [64, 32]: 7x7x64 -> 14x14x32 -> 28x28x1 for digits. */
  generatorFilters?: [number, number];
  /** Default [32, 64]: 28x28 -> 14x14x32 -> 7x7x64 -> 1. */
  discriminatorFilters?: [number, number];
  /** Default 4 (DCGAN). */
  kernelSize?: number;
  /** Default 'tanh'. */
  outputActivation?: OutputActivation;
  /** Default 0.3. */
  dropout?: number;
  /** Default 0. */
  seed?: number;
}

/** The architecture JSON stored as model.json's modelTopology. */
export type GanJSON = NetworkModelJSON<'glassbox-gan', GanConfig>;

export const GAN_FORMAT = 'glassbox-gan';

const GAN_OPTION_KEYS = ['latentDim', 'numClasses', 'imageShape', 'generatorFilters', 'discriminatorFilters', 'kernelSize', 'outputActivation', 'dropout', 'seed'];

/** Checks `new GAN` options (or a stored config) and fills in the defaults. */
export function resolveGanConfig(options: unknown, where: string): GanConfig {
  const o = checkOptions<GanOptions>(options, where, GAN_OPTION_KEYS);
  const latentDim = o.latentDim === undefined ? 100 : assertNumber(o.latentDim, 'options.latentDim', where, { integer: true, min: 1 });
  const numClasses = o.numClasses === undefined ? 0 : assertNumber(o.numClasses, 'options.numClasses', where, { integer: true, min: 0 });
  if (numClasses === 1) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.numClasses must be 0 (unconditional) or an integer >= 2, got 1`);
  }
  const imageShape = o.imageShape === undefined ? ([28, 28, 1] as [number, number, number]) : checkImageShape(o.imageShape, 4, 'options.imageShape', where);
  const generatorFilters = (o.generatorFilters === undefined ? [64, 32] : checkFilters(o.generatorFilters, 2, 'options.generatorFilters', where)) as [number, number];
  const discriminatorFilters = (o.discriminatorFilters === undefined ? [32, 64] : checkFilters(o.discriminatorFilters, 2, 'options.discriminatorFilters', where)) as [number, number];
  const kernelSize = o.kernelSize === undefined ? 4 : assertNumber(o.kernelSize, 'options.kernelSize', where, { integer: true, min: 1 });
  const outputActivation = o.outputActivation === undefined ? 'tanh' : assertOneOf(o.outputActivation, OUTPUT_ACTIVATIONS, 'options.outputActivation', where);
  const dropout = o.dropout === undefined ? 0.3 : assertNumber(o.dropout, 'options.dropout', where, { min: 0 });
  if (!(dropout < 1)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.dropout must be a number in [0, 1), got ${describe(o.dropout)}`);
  const seed = o.seed === undefined ? 0 : checkSeed(o.seed, 'options.seed', where);
  return { latentDim, numClasses, imageShape, generatorFilters, discriminatorFilters, kernelSize, outputActivation, dropout, seed };
}

/** The generator's layers: dense -> reshape -> [BN, leakyReLU, conv2dTranspose stride 2] x 2 -> image. */
export function ganGeneratorLayers(c: GanConfig): LayerSpec[] {
  const [h, w, ch] = c.imageShape;
  const [f1, f2] = c.generatorFilters;
  return [
    { type: 'dense', name: 'project', units: (h / 4) * (w / 4) * f1, useBias: false },
    { type: 'reshape', name: 'reshape', shape: [h / 4, w / 4, f1] },
    { type: 'batchNorm', name: 'bn1', momentum: 0.9 },
    { type: 'activation', name: 'act1', fn: 'leakyRelu', alpha: 0.2 },
    { type: 'conv2dTranspose', name: 'deconv1', filters: f2, kernelSize: c.kernelSize, strides: 2, padding: 'same', useBias: false },
    { type: 'batchNorm', name: 'bn2', momentum: 0.9 },
    { type: 'activation', name: 'act2', fn: 'leakyRelu', alpha: 0.2 },
    { type: 'conv2dTranspose', name: 'image', filters: ch, kernelSize: c.kernelSize, strides: 2, padding: 'same', activation: c.outputActivation },
  ];
}

/** The discriminator's layers: [conv2d stride 2, leakyReLU, dropout] x 2 -> flatten -> dense logit(s). */
export function ganDiscriminatorLayers(c: GanConfig): LayerSpec[] {
  const [f1, f2] = c.discriminatorFilters;
  const layers: LayerSpec[] = [{ type: 'conv2d', name: 'conv1', filters: f1, kernelSize: c.kernelSize, strides: 2, padding: 'same', activation: { fn: 'leakyRelu', alpha: 0.2 } }];
  if (c.dropout > 0) layers.push({ type: 'dropout', name: 'drop1', rate: c.dropout });
  layers.push({ type: 'conv2d', name: 'conv2', filters: f2, kernelSize: c.kernelSize, strides: 2, padding: 'same', activation: { fn: 'leakyRelu', alpha: 0.2 } });
  if (c.dropout > 0) layers.push({ type: 'dropout', name: 'drop2', rate: c.dropout });
  layers.push({ type: 'flatten', name: 'flatten' }, { type: 'dense', name: 'logit', units: Math.max(1, c.numClasses) });
  return layers;
}

/** Checks class labels: n integers in 0..k-1 (an Int32Array, an array or a 1-D tensor). */
export function checkLabels(labels: unknown, n: number, k: number, name: string, where: string): Int32Array {
  let values: ArrayLike<number>;
  if (labels instanceof Int32Array || Array.isArray(labels)) {
    values = labels as ArrayLike<number>;
  } else if (labels !== null && typeof labels === 'object' && typeof (labels as Tensor).dataSync === 'function' && Array.isArray((labels as Tensor).shape)) {
    const t = labels as Tensor;
    if (t.rank !== 1) throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must be a tensor of shape [${n}], got ${formatShape(t.shape)}`);
    values = t.dataSync();
  } else {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an Int32Array, an array of integers or a 1-D tensor, got ${describe(labels)}`);
  }
  if (values.length !== n) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must hold ${n} labels (one per row), got ${values.length}`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= k) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must hold integers in 0..${k - 1}, got ${describe(v)} at index ${i}`);
    }
    out[i] = v;
  }
  return out;
}

/** Rows of one-hot codes of the labels, [n, k] flattened. */
export function oneHotRows(labels: Int32Array, k: number): Float32Array {
  const out = new Float32Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) out[i * k + labels[i]!] = 1;
  return out;
}
