/**
 * The GAN class: the networks built from its architecture (gan-architecture.ts), the generator and the
 * discriminator as ForwardFns in pixel space, sampling and interpolation; training is in gan-training.ts,
 * saving, loading and disposing in network-model.ts (shared with the CycleGAN).
 */
import { GlassboxError, assertNumber, createRng, mapBatches, sequential, tf, type ForwardFn, type Sequential, type Tensor } from '@glassbox/tensors-ops';
import { checkOptions, checkRows, type LoadOptions, type ModelSource } from '@glassbox/tensors-ops/models';
import {
  GAN_FORMAT,
  checkLabels,
  ganDiscriminatorLayers,
  ganGeneratorLayers,
  resolveGanConfig,
  type GanConfig,
  type GanJSON,
  type GanOptions,
} from './gan-architecture.js';
import { trainGan, type GanHistory, type GanTrainOptions } from './gan-training.js';
import { fromNetworkRange, toNetworkRange } from './images.js';
import { interpolatePath, type InterpolationMethod } from './interpolate.js';
import { NetworkModel, loadNetworkModel, networkModelPlanner, type NetworkModelKind } from './network-model.js';

export { GAN_FORMAT, ganDiscriminatorLayers, ganGeneratorLayers } from './gan-architecture.js';
export type { GanConfig, GanJSON, GanOptions } from './gan-architecture.js';
export type { GanHistory, GanLoss, GanTrainOptions } from './gan-training.js';

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
export class GAN extends NetworkModel<'generator' | 'discriminator'> {
  readonly kind = 'gan' as const;
  readonly config: Readonly<GanConfig>;
  /** Length of the generator's input: latentDim + numClasses. */
  readonly inputDim: number;
  /**
   * The networks as Sequentials (named layers, for layer-wise explainers such as Grad-CAM on the
   * discriminator's 'conv2'). They work in the networks' range: [-1, 1] for tanh, [0, 1] for sigmoid.
   */
  declare readonly networks: { readonly generator: Sequential; readonly discriminator: Sequential };

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

  /**
   * @param options the architecture; see GanOptions (defaults: latentDim 100, 28x28x1 images, generator
   *   filters [64, 32], discriminator filters [32, 64], kernel 4, tanh, dropout 0.3, seed 0).
   * @throws GlassboxError INVALID_ARGUMENT for a bad option.
   */
  constructor(options: GanOptions = {}) {
    const config = resolveGanConfig(options, 'new GAN');
    const inputDim = config.latentDim + config.numClasses;
    const g = sequential(ganGeneratorLayers(config), [inputDim], { seed: config.seed });
    let d: Sequential;
    try {
      d = sequential(ganDiscriminatorLayers(config), [...config.imageShape], { seed: (config.seed + 1) >>> 0 });
    } catch (e) {
      g.dispose();
      throw e;
    }
    super({ generator: g, discriminator: d }, 'GAN');
    this.config = Object.freeze({ ...config, imageShape: [...config.imageShape], generatorFilters: [...config.generatorFilters], discriminatorFilters: [...config.discriminatorFilters] }) as Readonly<GanConfig>;
    this.inputDim = inputDim;
    const act = config.outputActivation;
    this.generator = (z: Tensor): Tensor => {
      this.alive('GAN.generator');
      checkRows(z, [this.inputDim], 'GAN.generator', 'z');
      return tf.tidy(() => fromNetworkRange(g.apply(z), act));
    };
    this.discriminator = (x: Tensor): Tensor => {
      this.alive('GAN.discriminator');
      checkRows(x, config.imageShape, 'GAN.discriminator', 'x');
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
    checkOptions(options, where, ['labels']);
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
    const o = checkOptions<SampleOptions>(options, where, ['labels', 'batchSize']);
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
    const o = checkOptions<InterpolateOptions>(options, where, ['method']);
    const internal = { method: o.method ?? 'linear', linearTail: this.config.numClasses, inputDim: this.inputDim, where };
    const path = interpolatePath(z0, z1, steps, internal);
    try {
      return await mapBatches(this.generator, path, { batchSize: 256, where });
    } finally {
      path.dispose();
    }
  }

  /**
   * Trains the generator and the discriminator against each other (see `trainGan` in gan-training.ts for the
   * recipe): one Adam optimizer each, one discriminator update and one generator update per batch.
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
    return trainGan(this.config, this.networks, x, options, where);
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
   * Loads a GAN saved by `save` or `encode`. model.json is checked and the parameters counted before any
   * weight is read.
   *
   * @param source a folder or model.json path (Node), a URL (string or URL; fetched, or read from disk for
   *   file: URLs in Node), `{ modelJSON, weightData }`, tf.io ModelArtifacts, or a tf.io IOHandler with load().
   * @param options `maxElements` (default 50_000_000), `fetch`, `requestInit` for URLs.
   * @throws GlassboxError BAD_WEIGHTS for missing or unreadable files, a model.json that is not a GAN's,
   *   a bad architecture JSON, missing, unknown, misshapen or non-finite weights. No tensor leaks.
   */
  static load(source: ModelSource, options: LoadOptions = {}): Promise<GAN> {
    return loadNetworkModel(GAN_KIND, source, options, 'GAN.load');
  }

  private latent(n: number, seed: number, options: Omit<SampleOptions, 'batchSize'>, where: string): Tensor {
    assertNumber(n, 'n', where, { integer: true, min: 1 });
    assertNumber(seed, 'seed', where, { integer: true, min: 0, max: 0xffffffff });
    const o = checkOptions<SampleOptions>(options, where, ['labels', 'batchSize']);
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

/** How a GAN is rebuilt from model.json. */
const GAN_KIND: NetworkModelKind<GAN, GanConfig> = {
  format: GAN_FORMAT,
  resolve: resolveGanConfig,
  layers: (c) => [
    { specs: ganGeneratorLayers(c), inputShape: [c.latentDim + c.numClasses] },
    { specs: ganDiscriminatorLayers(c), inputShape: [...c.imageShape] },
  ],
  create: (c) => new GAN(c),
};

/** @internal Reads a GAN's model.json (for loadPretrained). */
export const GAN_PLANNER = networkModelPlanner(GAN_KIND);
