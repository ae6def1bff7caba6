import {
  GlassboxError,
  assertNumber,
  assertOneOf,
  createRng,
  describe,
  formatShape,
  mapBatches,
  sequential,
  tf,
  type EncodedWeights,
  type ForwardFn,
  type LayerSpec,
  type Sequential,
  type Tensor,
} from '@glassbox/tensors-ops';
import {
  OUTPUT_ACTIVATIONS,
  assertNotDisposed,
  checkFilters,
  checkImageShape,
  checkImages,
  checkKeys,
  checkOptions,
  checkRows,
  checkSeed,
  fromNetworkRange,
  toNetworkRange,
  type OutputActivation,
} from './common.js';
import { discriminatorLoss, discriminatorLossFloor, nonSaturatingLoss, pickColumns } from './losses.js';
import { asBadWeights, assignWeights, encodeModel, readModel, readTopology, saveModel, type LoadOptions, type ModelDestination, type ModelSource } from './serialize.js';
import {
  COMMON_TRAIN_KEYS,
  DivergenceMonitor,
  adam,
  checkRate,
  checkedStep,
  resolveCommon,
  runEpochs,
  type BatchLogs,
  type CommonTrainOptions,
  type EpochLogs,
} from './training.js';
import { interpolatePath, type InterpolationMethod } from './interpolate.js';

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
export interface GanJSON {
  format: 'glassbox-gan';
  version: 1;
  config: GanConfig;
}

export const GAN_FORMAT = 'glassbox-gan';

/** Options of `GAN.train`. */
export interface GanTrainOptions extends CommonTrainOptions {
  /** Adam's step size of the generator; default `learningRate`. */
  generatorLearningRate?: number;
  /** Adam's step size of the discriminator; default `learningRate`. */
  discriminatorLearningRate?: number;
  /** One-sided label smoothing: the real target is 1 - labelSmoothing, in [0, 0.5); default 0. */
  labelSmoothing?: number;
  /** Class of every training image (conditional GANs only, required there): N integers in 0..numClasses-1. */
  labels?: Int32Array | number[] | Tensor;
  /** After every step: `{ epoch, batch, step, dLoss, gLoss }`. */
  onBatch?: (logs: BatchLogs<GanLoss>) => void | Promise<void>;
  /** After every epoch: `{ epoch, steps, seconds, dLoss, gLoss }` (means over the epoch). */
  onEpoch?: (logs: EpochLogs<GanLoss>) => void | Promise<void>;
}

export type GanLoss = 'dLoss' | 'gLoss';

/** What `GAN.train` resolves to. */
export interface GanHistory {
  /** One entry per epoch. */
  epochs: EpochLogs<GanLoss>[];
  /** Optimizer steps taken (of each network). */
  steps: number;
}

/** Options of `sample` and `sampleLatent`. */
export interface SampleOptions {
  /** Conditional GANs: the class of every sample (n integers); default 0, 1, ..., K-1, 0, 1, ... */
  labels?: Int32Array | number[];
  /** Most rows per generator call; default 256 (sample only). */
  batchSize?: number;
}

/** Options of `interpolate`. */
export interface InterpolateOptions {
  /** 'linear' (default) or 'slerp' (spherical, White 2016, arXiv:1609.04468). */
  method?: InterpolationMethod;
}

const GAN_OPTION_KEYS = ['latentDim', 'numClasses', 'imageShape', 'generatorFilters', 'discriminatorFilters', 'kernelSize', 'outputActivation', 'dropout', 'seed'];
const TRAIN_KEYS = [...COMMON_TRAIN_KEYS, 'generatorLearningRate', 'discriminatorLearningRate', 'labelSmoothing', 'labels'];

function resolveConfig(options: GanOptions | undefined, where: string): GanConfig {
  const o = checkOptions(options, where);
  checkKeys(o, GAN_OPTION_KEYS, where);
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

function checkLabels(labels: unknown, n: number, k: number, name: string, where: string): Int32Array {
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

function oneHotRows(labels: Int32Array, k: number): Float32Array {
  const out = new Float32Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) out[i * k + labels[i]!] = 1;
  return out;
}

/**
 * A DCGAN: a generator that turns a latent code z ~ N(0, I) into an image, and a discriminator that scores
 * how real an image looks, trained against each other (Goodfellow et al. 2014, arXiv:1406.2661) with the
 * convolutional architecture and Adam settings of DCGAN (Radford et al. 2016, arXiv:1511.06434).
 *
 * Generator: z [latentDim] (+ one-hot class) -> dense -> reshape [H/4, W/4, f1] -> BN, leakyReLU ->
 * conv2dTranspose stride 2 -> BN, leakyReLU -> conv2dTranspose stride 2 -> tanh (or sigmoid) [H, W, C].
 * Discriminator: image -> conv2d stride 2, leakyReLU (, dropout) -> conv2d stride 2, leakyReLU (, dropout)
 * -> dense logit. Losses: D minimises -log D(x) - log(1 - D(G(z))), G the non-saturating -log D(G(z)).
 *
 * With `numClasses: K` it is class-conditional (Mirza & Osindero 2014, arXiv:1411.1784): the generator
 * reads [z, onehot(y)], and the discriminator returns K logits, one per class (a projection discriminator
 * with a linear head, Miyato & Koyama 2018, arXiv:1802.05637), of which the image's class is trained.
 *
 * Every public function takes and returns images with pixels in 0..1, whatever the last activation.
 * `generator` and `discriminator` are ForwardFns, so every explainer applies to them unchanged.
 *
 * @example
 * ```ts
 * const gan = new GAN({ seed: 1 });
 * await gan.train(images, { epochs: 20, onEpoch: (l) => console.log(l) });
 * const samples = await gan.sample(16, 7);    // [16, 28, 28, 1] in 0..1
 * ```
 */
export class GAN {
  readonly kind = 'gan' as const;
  readonly config: Readonly<GanConfig>;
  /** Length of the generator's input: latentDim + numClasses. */
  readonly inputDim: number;
  /**
   * The networks as Sequentials (named layers, for layer-wise explainers such as Grad-CAM on the
   * discriminator's 'conv2'). They work in the networks' range: [-1, 1] for tanh, [0, 1] for sigmoid.
   */
  readonly networks: { readonly generator: Sequential; readonly discriminator: Sequential };

  /**
   * The generator as a ForwardFn: codes [N, inputDim] (z, then the one-hot class for conditional GANs) ->
   * images [N, H, W, C] in 0..1. Inference mode (batch norm uses its moving statistics); differentiable.
   */
  readonly generator: ForwardFn;
  /**
   * The discriminator as a ForwardFn: images [N, H, W, C] in 0..1 -> logits [N, 1] ("real" when > 0), or
   * [N, K] for a conditional GAN (column k: how real the image looks as class k). Inference mode.
   */
  readonly discriminator: ForwardFn;

  private disposed = false;

  /**
   * @param options the architecture; see GanOptions (defaults: latentDim 100, 28x28x1 images, generator
   *   filters [64, 32], discriminator filters [32, 64], kernel 4, tanh, dropout 0.3, seed 0).
   * @throws GlassboxError INVALID_ARGUMENT for a bad option.
   */
  constructor(options: GanOptions = {}) {
    const where = 'new GAN';
    const config = resolveConfig(options, where);
    this.config = Object.freeze({ ...config, imageShape: [...config.imageShape], generatorFilters: [...config.generatorFilters], discriminatorFilters: [...config.discriminatorFilters] }) as Readonly<GanConfig>;
    this.inputDim = config.latentDim + config.numClasses;
    const g = sequential(ganGeneratorLayers(config), [this.inputDim], { seed: config.seed });
    let d: Sequential;
    try {
      d = sequential(ganDiscriminatorLayers(config), [...config.imageShape], { seed: (config.seed + 1) >>> 0 });
    } catch (e) {
      g.dispose();
      throw e;
    }
    this.networks = Object.freeze({ generator: g, discriminator: d });
    const act = config.outputActivation;
    this.generator = (z: Tensor): Tensor => {
      this.alive('GAN.generator');
      checkRows(z, [this.inputDim], 'z', 'GAN.generator');
      return tf.tidy(() => fromNetworkRange(g.apply(z), act));
    };
    this.discriminator = (x: Tensor): Tensor => {
      this.alive('GAN.discriminator');
      checkRows(x, config.imageShape, 'x', 'GAN.discriminator');
      return tf.tidy(() => d.apply(toNetworkRange(x, act)));
    };
  }

  get latentDim(): number {
    return this.config.latentDim;
  }

  get numClasses(): number {
    return this.config.numClasses;
  }

  get imageShape(): [number, number, number] {
    return [...this.config.imageShape];
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * The codes `sample(n, seed)` feeds the generator: z ~ N(0, I) from the seed (the same numbers on every
   * backend), followed by the one-hot class for conditional GANs.
   *
   * @param n number of codes, integer >= 1.
   * @param seed integer in 0..2^32-1.
   * @param options `labels` (conditional GANs; default 0, 1, ..., K-1, 0, ...).
   * @returns float32 [n, inputDim] that the caller owns.
   */
  sampleLatent(n: number, seed: number, options: Omit<SampleOptions, 'batchSize'> = {}): Tensor {
    const where = 'GAN.sampleLatent';
    this.alive(where);
    checkKeys(checkOptions(options, where), ['labels'], where);
    return this.latent(n, seed, options, where);
  }

  /**
   * Draws n images: `generator(sampleLatent(n, seed))`, in batches.
   *
   * @param n number of images, integer >= 1.
   * @param seed integer in 0..2^32-1; same seed, same images (on one backend).
   * @param options `labels` (conditional GANs), `batchSize` (default 256).
   * @returns a promise of float32 [n, H, W, C] with pixels in 0..1, owned by the caller.
   *
   * @example
   * ```ts
   * const gan = await loadPretrained('digits-gan');
   * const images = await gan.sample(8, 42);   // [8, 28, 28, 1]
   * ```
   */
  async sample(n: number, seed: number, options: SampleOptions = {}): Promise<Tensor> {
    const where = 'GAN.sample';
    this.alive(where);
    const o = checkOptions(options, where);
    checkKeys(o, ['labels', 'batchSize'], where);
    const batchSize = o.batchSize === undefined ? 256 : assertNumber(o.batchSize, 'options.batchSize', where, { integer: true, min: 1 });
    const z = this.latent(n, seed, o, where);
    try {
      return await mapBatches(this.generator, z, { batchSize, where });
    } finally {
      z.dispose();
    }
  }

  /**
   * Walks from code z0 to code z1 in `steps` frames and generates each: the latent path of
   * `interpolateLatents` through the generator. For conditional GANs the class part of the code is
   * interpolated linearly, so two one-hot codes of different classes blend the classes.
   *
   * @param z0 float32 [inputDim] or [1, inputDim].
   * @param z1 float32 [inputDim] or [1, inputDim].
   * @param steps frames, integer >= 2 (the first is z0, the last z1).
   * @param options `method`: 'linear' (default) or 'slerp'.
   * @returns a promise of float32 [steps, H, W, C] in 0..1, owned by the caller.
   */
  async interpolate(z0: Tensor, z1: Tensor, steps: number, options: InterpolateOptions = {}): Promise<Tensor> {
    const where = 'GAN.interpolate';
    this.alive(where);
    const o = checkOptions(options, where);
    checkKeys(o, ['method'], where);
    const internal = { method: o.method ?? 'linear', linearTail: this.config.numClasses, inputDim: this.inputDim, where };
    const path = interpolatePath(z0, z1, steps, internal);
    try {
      return await mapBatches(this.generator, path, { batchSize: 256, where });
    } finally {
      path.dispose();
    }
  }

  /**
   * Trains the generator and the discriminator against each other, one Adam optimizer each (created for
   * this call and freed when it ends). Each step: one discriminator update on a batch of real images and as
   * many generated ones, then one generator update with the non-saturating loss on the same codes.
   *
   * Formula: L_D = -log D(x) * (1 - s) - log(1 - D(x)) * s - log(1 - D(G(z))), L_G = -log D(G(z)), with D = sigmoid(logit)
   * and s the label smoothing.
   *
   * @param x training images, float32 [N, H, W, C] with pixels in 0..1.
   * @param options epochs (10), batchSize (64), learningRate (2e-4), generatorLearningRate,
   *   discriminatorLearningRate, beta1 (0.5), beta2 (0.999), labelSmoothing (0), labels (conditional: required),
   *   seed (0), onBatch, onEpoch, signal, divergence ({ patience: 200, threshold: 0.01 } | false).
   * @returns the per-epoch mean losses.
   * @throws GlassboxError NON_FINITE when a loss or gradient becomes NaN/Inf (that update is not applied) or
   *   when the discriminator's loss stays at its minimum for `divergence.patience` steps (training diverged);
   *   ABORTED on abort (the weights are those of the last whole step); INVALID_ARGUMENT / SHAPE_MISMATCH /
   *   NON_FINITE for bad data or options (checked before anything changes). No tensor leaks either way.
   */
  async train(x: Tensor, options: GanTrainOptions = {}): Promise<GanHistory> {
    const where = 'GAN.train';
    this.alive(where);
    const o = checkOptions(options, where);
    checkKeys(o, TRAIN_KEYS, where);
    const common = resolveCommon(o, 64, where);
    const lrG = checkRate(o.generatorLearningRate, common.learningRate, 'options.generatorLearningRate', where);
    const lrD = checkRate(o.discriminatorLearningRate, common.learningRate, 'options.discriminatorLearningRate', where);
    const smoothing = o.labelSmoothing === undefined ? 0 : assertNumber(o.labelSmoothing, 'options.labelSmoothing', where, { min: 0 });
    if (!(smoothing < 0.5)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.labelSmoothing must be a number in [0, 0.5), got ${describe(o.labelSmoothing)}`);
    checkImages(x, this.config.imageShape, 'x', where);
    const n = x.shape[0]!;
    const k = this.config.numClasses;
    let labels: Int32Array | null = null;
    if (k > 0) {
      if (o.labels === undefined) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.labels is required for a conditional GAN (numClasses ${k})`);
      labels = checkLabels(o.labels, n, k, 'options.labels', where);
    } else if (o.labels !== undefined) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.labels is only for conditional GANs (numClasses > 0); this GAN is unconditional`);
    }

    const batchSize = Math.min(common.batchSize, n);
    const stepsPerEpoch = Math.floor(n / batchSize);
    const rng = createRng(common.seed);
    const { generator: g, discriminator: d } = this.networks;
    const act = this.config.outputActivation;
    const latentDim = this.config.latentDim;
    const monitor = new DivergenceMonitor(common.divergence, discriminatorLossFloor(smoothing), 'discriminator', where);
    const gVars = g.trainableVariables();
    const dVars = d.trainableVariables();

    const xNet = tf.tidy(() => toNetworkRange(x, act));
    const realOneHot = labels === null ? null : tf.tensor2d(oneHotRows(labels, k), [n, k]);
    const optD = adam(lrD, common.beta1, common.beta2);
    const optG = adam(lrG, common.beta1, common.beta2);
    let order: Int32Array = new Int32Array(0);
    try {
      const epochs = await runEpochs<GanLoss>({
        where,
        epochs: common.epochs,
        stepsPerEpoch,
        signal: common.signal,
        lossNames: ['dLoss', 'gLoss'],
        onBatch: o.onBatch,
        onEpoch: o.onEpoch,
        beginEpoch: () => {
          order = rng.permutation(n);
        },
        step: (at) => {
          const idx = order.slice(at.batch * batchSize, (at.batch + 1) * batchSize);
          const zValues = rng.normalArray(batchSize * latentDim);
          const fakeLabels = k > 0 ? Int32Array.from({ length: batchSize }, () => rng.int(k)) : null;
          const seeds = [rng.nextUint32(), rng.nextUint32(), rng.nextUint32()];
          const idxT = tf.tensor1d(idx, 'int32');
          const fakeOneHot = fakeLabels === null ? null : tf.tensor2d(oneHotRows(fakeLabels, k), [batchSize, k]);
          const inputs = {
            z: tf.tidy(() => {
              const zLatent = tf.tensor2d(zValues, [batchSize, latentDim]);
              return fakeOneHot === null ? zLatent : tf.concat([zLatent, fakeOneHot], 1);
            }),
            real: tf.gather(xNet, idxT),
            realOneHot: realOneHot === null ? null : tf.gather(realOneHot, idxT),
            fakeOneHot,
          };
          idxT.dispose();
          try {
            const pick = (logits: Tensor, oneHot: Tensor | null): Tensor => (oneHot === null ? logits : pickColumns(logits, oneHot));
            const dLoss = checkedStep(
              optD,
              () => {
                const fake = g.apply(inputs.z, { training: true, updateStatistics: false });
                const lr = pick(d.apply(inputs.real, { training: true, seed: seeds[0]! }), inputs.realOneHot);
                const lf = pick(d.apply(fake, { training: true, seed: seeds[1]! }), inputs.fakeOneHot);
                return discriminatorLoss(lr, lf, smoothing);
              },
              dVars,
              'discriminator',
              at,
              where,
            );
            const gLoss = checkedStep(
              optG,
              () => {
                const fake = g.apply(inputs.z, { training: true });
                return nonSaturatingLoss(pick(d.apply(fake, { training: true, seed: seeds[2]! }), inputs.fakeOneHot));
              },
              gVars,
              'generator',
              at,
              where,
            );
            monitor.observe(dLoss, at);
            return { dLoss, gLoss };
          } finally {
            tf.dispose([inputs.z, inputs.real, inputs.realOneHot, inputs.fakeOneHot].filter((t): t is Tensor => t !== null));
          }
        },
      });
      return { epochs, steps: epochs.length * stepsPerEpoch };
    } finally {
      xNet.dispose();
      realOneHot?.dispose();
      optD.dispose();
      optG.dispose();
    }
  }

  /** The architecture as JSON (what model.json's modelTopology holds). */
  toJSON(): GanJSON {
    return {
      format: GAN_FORMAT,
      version: 1,
      config: { ...this.config, imageShape: [...this.config.imageShape], generatorFilters: [...this.config.generatorFilters], discriminatorFilters: [...this.config.discriminatorFilters] },
    };
  }

  /**
   * The model in the TensorFlow.js format, in memory: `{ modelJSON, weightData }` (model.json's object and
   * the bytes of weights.bin), e.g. to store in IndexedDB or offer as a download. `GAN.load` reads it back.
   */
  async encode(): Promise<EncodedWeights> {
    this.alive('GAN.encode');
    return encodeModel(this.networks, this.toJSON(), GAN_FORMAT);
  }

  /**
   * Saves model.json (architecture JSON + weights manifest) and weights.bin into a folder (Node), or through
   * a tf.io IOHandler. Optimizer state is not saved.
   */
  async save(dest: ModelDestination): Promise<void> {
    const where = 'GAN.save';
    this.alive(where);
    await saveModel(dest, this.networks, this.toJSON(), GAN_FORMAT, where);
  }

  /**
   * Loads a GAN saved by `save` or `encode`.
   *
   * @param source a folder or model.json path (Node), a URL (string or URL; fetched, or read from disk for
   *   file: URLs in Node), `{ modelJSON, weightData }`, or a tf.io IOHandler with load().
   * @param options `fetch`, `requestInit` for URLs.
   * @throws GlassboxError BAD_WEIGHTS for missing or unreadable files, a model.json that is not a GAN's,
   *   a bad architecture JSON, missing, unknown, misshapen or non-finite weights. No tensor leaks.
   */
  static async load(source: ModelSource, options: LoadOptions = {}): Promise<GAN> {
    const where = 'GAN.load';
    const { modelJSON, weights } = await readModel(source, options, where);
    try {
      return GAN.fromWeights(modelJSON, weights, where);
    } finally {
      tf.dispose(Object.values(weights));
    }
  }

  /** @internal Builds from a checked model.json and decoded weights (the caller keeps the tensors). */
  static fromWeights(modelJSON: { modelTopology?: unknown }, weights: Record<string, Tensor>, where: string): GAN {
    const config = readTopology(modelJSON as never, GAN_FORMAT, where);
    let gan: GAN;
    try {
      gan = new GAN(config as GanOptions);
    } catch (e) {
      throw asBadWeights(e, where, 'architecture (modelTopology.config)');
    }
    try {
      assignWeights(gan.networks, weights, where);
    } catch (e) {
      gan.dispose();
      throw e;
    }
    return gan;
  }

  /** Frees the weights. The model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.networks.generator.dispose();
    this.networks.discriminator.dispose();
    this.disposed = true;
  }

  private alive(where: string): void {
    assertNotDisposed(this.disposed, 'GAN', where);
  }

  private latent(n: number, seed: number, options: Omit<SampleOptions, 'batchSize'>, where: string): Tensor {
    assertNumber(n, 'n', where, { integer: true, min: 1 });
    checkSeed(seed, 'seed', where);
    const o = checkOptions(options, where);
    const k = this.config.numClasses;
    const latentDim = this.config.latentDim;
    let labels: Int32Array | null = null;
    if (k > 0) {
      labels = o.labels === undefined ? Int32Array.from({ length: n }, (_, i) => i % k) : checkLabels(o.labels, n, k, 'options.labels', where);
    } else if (o.labels !== undefined) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.labels is only for conditional GANs (numClasses > 0); this GAN is unconditional`);
    }
    const z = createRng(seed).normalArray(n * latentDim);
    if (labels === null) return tf.tensor2d(z, [n, latentDim]);
    const rows = new Float32Array(n * this.inputDim);
    for (let i = 0; i < n; i++) {
      rows.set(z.subarray(i * latentDim, (i + 1) * latentDim), i * this.inputDim);
      rows[i * this.inputDim + latentDim + labels[i]!] = 1;
    }
    return tf.tensor2d(rows, [n, this.inputDim]);
  }
}
