import { GlassboxError, assertNumber, assertOneOf, createRng, describe, sequential, tf, type ForwardFn, type LayerSpec, type Sequential, type Tensor } from '@glassbox/tensors-ops';
import { checkOptions, checkRows, checkSeed, type LoadOptions, type ModelSource } from '@glassbox/tensors-ops/models';
import { COMMON_TRAIN_KEYS, DivergenceMonitor, adam, checkLearningRate, checkedStep, resolveCommon, runEpochs, type BatchLogs, type CommonTrainOptions, type EpochLogs } from './adversarial-training.js';
import { OUTPUT_ACTIVATIONS, checkFilters, checkImageShape, checkImages, fromNetworkRange, toNetworkRange, type OutputActivation } from './images.js';
import { leastSquares, meanAbs } from './losses.js';
import { NetworkModel, loadNetworkModel, networkModelPlanner, type NetworkModelJSON, type NetworkModelKind } from './network-model.js';

/** The architecture of a CycleGAN (the weights aside). */
export interface CycleGanConfig {
  /** One image [height, width, channels], the same in both domains; height and width divisible by 4. */
  imageShape: [number, number, number];
  /** Channels of each hidden 'same' convolution of a generator (fully convolutional, so translation is local). */
  generatorFilters: number[];
  /** Kernel size of the generators' convolutions. */
  generatorKernelSize: number;
  /** Channels of the discriminators' two strided convolutions (PatchGAN, one score per H/4 x W/4 patch). */
  discriminatorFilters: [number, number];
  /** The generators' last nonlinearity (the networks work in [-1, 1] for tanh, [0, 1] for sigmoid). */
  outputActivation: OutputActivation;
  /** Seed of the initial weights. */
  seed: number;
}

/** Options of `new CycleGAN(...)`; every field has a default. */
export interface CycleGanOptions {
  /** Default [28, 28, 1]. */
  imageShape?: [number, number, number];
  /** Default [32, 32]: three 3x3 convolutions, a 7x7 receptive field. */
  generatorFilters?: number[];
  /** Default 3. */
  generatorKernelSize?: number;
  /** Default [16, 32]. */
  discriminatorFilters?: [number, number];
  /** Default 'tanh'. */
  outputActivation?: OutputActivation;
  /** Default 0. */
  seed?: number;
}

/** The architecture JSON stored as model.json's modelTopology. */
export type CycleGanJSON = NetworkModelJSON<'glassbox-cyclegan', CycleGanConfig>;

export const CYCLEGAN_FORMAT = 'glassbox-cyclegan';

export type CycleGanLoss = 'gLoss' | 'cycleLoss' | 'dLoss';

/** Options of `CycleGAN.train`. */
export interface CycleGanTrainOptions extends CommonTrainOptions {
  /** lambda, the weight of the cycle-consistency loss, >= 0; default 10 (Zhu et al. 2017). */
  cycleWeight?: number;
  /**
   * Weight of the identity loss |G(b) - b| + |F(a) - a|, >= 0; default 0. The paper uses 0.5 * lambda for
   * photo <-> painting; leave it at 0 when the true map is not close to the identity on the other domain
   * (dilating a thick digit makes it thicker still, so the identity loss fights the answer of the digits task).
   */
  identityWeight?: number;
  /** Adam's step size of the generators; default `learningRate`. */
  generatorLearningRate?: number;
  /** Adam's step size of the discriminators; default `learningRate`. */
  discriminatorLearningRate?: number;
  /** After every step: `{ epoch, batch, step, gLoss, cycleLoss, dLoss }`. */
  onBatch?: (logs: BatchLogs<CycleGanLoss>) => void | Promise<void>;
  /** After every epoch: the means over the epoch, `seconds` and `steps`. */
  onEpoch?: (logs: EpochLogs<CycleGanLoss>) => void | Promise<void>;
}

export interface CycleGanHistory {
  epochs: EpochLogs<CycleGanLoss>[];
  steps: number;
}

const OPTION_KEYS = ['imageShape', 'generatorFilters', 'generatorKernelSize', 'discriminatorFilters', 'outputActivation', 'seed'];
const TRAIN_KEYS = [...COMMON_TRAIN_KEYS, 'cycleWeight', 'identityWeight', 'generatorLearningRate', 'discriminatorLearningRate'];
const NETWORK_NAMES = ['generatorAB', 'generatorBA', 'discriminatorA', 'discriminatorB'] as const;
type NetworkName = (typeof NETWORK_NAMES)[number];

function resolveConfig(options: unknown, where: string): CycleGanConfig {
  const o = checkOptions<CycleGanOptions>(options, where, OPTION_KEYS);
  const imageShape = o.imageShape === undefined ? ([28, 28, 1] as [number, number, number]) : checkImageShape(o.imageShape, 4, 'options.imageShape', where);
  let generatorFilters = [32, 32];
  if (o.generatorFilters !== undefined) {
    if (!Array.isArray(o.generatorFilters) || o.generatorFilters.length < 1) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.generatorFilters must be a non-empty array of integers >= 1, got ${describe(o.generatorFilters)}`);
    }
    generatorFilters = checkFilters(o.generatorFilters, o.generatorFilters.length, 'options.generatorFilters', where);
  }
  const generatorKernelSize = o.generatorKernelSize === undefined ? 3 : assertNumber(o.generatorKernelSize, 'options.generatorKernelSize', where, { integer: true, min: 1 });
  const discriminatorFilters = (o.discriminatorFilters === undefined ? [16, 32] : checkFilters(o.discriminatorFilters, 2, 'options.discriminatorFilters', where)) as [number, number];
  const outputActivation = o.outputActivation === undefined ? 'tanh' : assertOneOf(o.outputActivation, OUTPUT_ACTIVATIONS, 'options.outputActivation', where);
  const seed = o.seed === undefined ? 0 : checkSeed(o.seed, 'options.seed', where);
  return { imageShape, generatorFilters, generatorKernelSize, discriminatorFilters, outputActivation, seed };
}

/** A generator: 'same' convolutions with leakyReLU, then one to the image channels with the output activation. */
export function cycleGeneratorLayers(c: CycleGanConfig): LayerSpec[] {
  const layers: LayerSpec[] = c.generatorFilters.map((f, i) => ({
    type: 'conv2d' as const,
    name: `conv${i + 1}`,
    filters: f,
    kernelSize: c.generatorKernelSize,
    padding: 'same' as const,
    activation: { fn: 'leakyRelu' as const, alpha: 0.2 },
  }));
  layers.push({ type: 'conv2d', name: 'image', filters: c.imageShape[2], kernelSize: c.generatorKernelSize, padding: 'same', activation: c.outputActivation });
  return layers;
}

/** A PatchGAN discriminator: two stride-2 convolutions with leakyReLU, then a 3x3 convolution to one score per patch. */
export function cycleDiscriminatorLayers(c: CycleGanConfig): LayerSpec[] {
  const [f1, f2] = c.discriminatorFilters;
  return [
    { type: 'conv2d', name: 'conv1', filters: f1, kernelSize: 4, strides: 2, padding: 'same', activation: { fn: 'leakyRelu', alpha: 0.2 } },
    { type: 'conv2d', name: 'conv2', filters: f2, kernelSize: 4, strides: 2, padding: 'same', activation: { fn: 'leakyRelu', alpha: 0.2 } },
    { type: 'conv2d', name: 'patch', filters: 1, kernelSize: 3, padding: 'same' },
  ];
}

/**
 * A CycleGAN (Zhu et al. 2017, arXiv:1703.10593): two generators G: A -> B and F: B -> A and two
 * discriminators D_A, D_B, trained on unpaired images of the two domains. Least-squares adversarial losses
 * (Mao et al. 2017, arXiv:1611.04076) make G(a) look like B and F(b) like A; the cycle-consistency loss
 * lambda * (|F(G(a)) - a| + |G(F(b)) - b|) keeps the content; an optional identity loss
 * w * (|G(b) - b| + |F(a) - a|) keeps images that are already in the target domain.
 *
 * Generators are small fully convolutional nets ('same' convolutions, leakyReLU, tanh), so a translation is
 * local; the discriminators are PatchGANs scoring every H/4 x W/4 patch (1 = real, 0 = fake).
 *
 * Formula (one step): L_G = mean((D_B(G(a)) - 1)^2) + mean((D_A(F(b)) - 1)^2) + lambda * L_cyc + w * L_id;
 * L_D = 0.5 mean((D_A(a) - 1)^2) + 0.5 mean(D_A(F(b))^2) + (the same for B).
 *
 * Every public function takes and returns images with pixels in 0..1. `translateAB`, `translateBA`,
 * `discriminatorA` and `discriminatorB` are ForwardFns, so every explainer applies to them unchanged.
 *
 * @example
 * ```ts
 * const cg = new CycleGAN({ seed: 1 });
 * await cg.train(thinDigits, thickDigits, { epochs: 10 });
 * const thick = cg.translateAB(testDigits);   // [N, 28, 28, 1] in 0..1
 * ```
 */
export class CycleGAN extends NetworkModel<NetworkName> {
  readonly kind = 'cyclegan' as const;
  readonly config: Readonly<CycleGanConfig>;
  /**
   * The four networks as Sequentials (named layers for layer-wise explainers). They work in the networks'
   * range: [-1, 1] for tanh, [0, 1] for sigmoid. The discriminators return [N, H/4, W/4, 1] patch scores.
   */
  declare readonly networks: { readonly [K in NetworkName]: Sequential };
  /** G as a ForwardFn: images of domain A [N, H, W, C] in 0..1 -> their translations to B, in 0..1. */
  readonly translateAB: ForwardFn;
  /** F as a ForwardFn: images of domain B [N, H, W, C] in 0..1 -> their translations to A, in 0..1. */
  readonly translateBA: ForwardFn;
  /** D_A as a ForwardFn: images [N, H, W, C] in 0..1 -> [N, 1], the mean patch score (about 1: looks like A; about 0: fake). */
  readonly discriminatorA: ForwardFn;
  /** D_B as a ForwardFn: images [N, H, W, C] in 0..1 -> [N, 1], the mean patch score (about 1: looks like B). */
  readonly discriminatorB: ForwardFn;

  /**
   * @param options the architecture; see CycleGanOptions (defaults: 28x28x1 images, generator filters
   *   [32, 32] with 3x3 kernels, discriminator filters [16, 32], tanh, seed 0).
   * @throws GlassboxError INVALID_ARGUMENT for a bad option.
   */
  constructor(options: CycleGanOptions = {}) {
    const config = resolveConfig(options, 'new CycleGAN');
    const built: Partial<Record<NetworkName, Sequential>> = {};
    try {
      NETWORK_NAMES.forEach((name, i) => {
        const layers = name.startsWith('generator') ? cycleGeneratorLayers(config) : cycleDiscriminatorLayers(config);
        built[name] = sequential(layers, [...config.imageShape], { seed: (config.seed + i) >>> 0 });
      });
    } catch (e) {
      for (const m of Object.values(built)) m.dispose();
      throw e;
    }
    super(built as Record<NetworkName, Sequential>, 'CycleGAN');
    this.config = Object.freeze({
      ...config,
      imageShape: [...config.imageShape],
      generatorFilters: [...config.generatorFilters],
      discriminatorFilters: [...config.discriminatorFilters],
    }) as Readonly<CycleGanConfig>;
    const act = config.outputActivation;
    const shape = config.imageShape;
    const translate = (net: Sequential, where: string): ForwardFn => (x: Tensor): Tensor => {
      this.alive(where);
      checkRows(x, shape, where, 'x');
      return tf.tidy(() => fromNetworkRange(net.apply(toNetworkRange(x, act)), act));
    };
    const score = (net: Sequential, where: string): ForwardFn => (x: Tensor): Tensor => {
      this.alive(where);
      checkRows(x, shape, where, 'x');
      return tf.tidy(() => tf.reshape(tf.mean(net.apply(toNetworkRange(x, act)), [1, 2, 3]), [x.shape[0]!, 1]));
    };
    this.translateAB = translate(this.networks.generatorAB, 'CycleGAN.translateAB');
    this.translateBA = translate(this.networks.generatorBA, 'CycleGAN.translateBA');
    this.discriminatorA = score(this.networks.discriminatorA, 'CycleGAN.discriminatorA');
    this.discriminatorB = score(this.networks.discriminatorB, 'CycleGAN.discriminatorB');
  }

  get imageShape(): [number, number, number] {
    return [...this.config.imageShape];
  }

  /**
   * Trains all four networks on unpaired images of the two domains: per step, one update of both generators
   * together (one Adam) and one of both discriminators together (another Adam, both created for this call),
   * on a batch from each domain. The discriminators learn from the translations the generators made in the
   * same step (no history pool).
   *
   * @param a images of domain A, float32 [Na, H, W, C] in 0..1.
   * @param b images of domain B, float32 [Nb, H, W, C] in 0..1 (not paired with a; each is shuffled on its own).
   * @param options epochs (10; an epoch is floor(min(Na, Nb) / batchSize) steps), batchSize (32),
   *   learningRate (2e-4), generatorLearningRate, discriminatorLearningRate, beta1 (0.5), beta2 (0.999),
   *   cycleWeight (10), identityWeight (0), seed (0), onBatch, onEpoch, signal, divergence.
   * @returns the per-epoch mean losses.
   * @throws GlassboxError NON_FINITE (a NaN/Inf loss or gradient, that update not applied; or the
   *   discriminators' loss stuck at 0 for `divergence.patience` steps), ABORTED (weights of the last whole
   *   step), INVALID_ARGUMENT / SHAPE_MISMATCH for bad data or options. No tensor leaks either way.
   */
  async train(a: Tensor, b: Tensor, options: CycleGanTrainOptions = {}): Promise<CycleGanHistory> {
    const where = 'CycleGAN.train';
    this.alive(where);
    const o = checkOptions<CycleGanTrainOptions>(options, where, TRAIN_KEYS);
    const common = resolveCommon(o, 32, where);
    const lrG = checkLearningRate(o.generatorLearningRate, common.learningRate, 'options.generatorLearningRate', where);
    const lrD = checkLearningRate(o.discriminatorLearningRate, common.learningRate, 'options.discriminatorLearningRate', where);
    const cycleWeight = o.cycleWeight === undefined ? 10 : assertNumber(o.cycleWeight, 'options.cycleWeight', where, { min: 0 });
    const identityWeight = o.identityWeight === undefined ? 0 : assertNumber(o.identityWeight, 'options.identityWeight', where, { min: 0 });
    checkImages(a, this.config.imageShape, 'a', where);
    checkImages(b, this.config.imageShape, 'b', where);
    const na = a.shape[0]!;
    const nb = b.shape[0]!;
    const batchSize = Math.min(common.batchSize, na, nb);
    const stepsPerEpoch = Math.floor(Math.min(na, nb) / batchSize);
    const rng = createRng(common.seed);
    const act = this.config.outputActivation;
    const { generatorAB: G, generatorBA: F, discriminatorA: DA, discriminatorB: DB } = this.networks;
    const gVars = [...G.trainableVariables(), ...F.trainableVariables()];
    const dVars = [...DA.trainableVariables(), ...DB.trainableVariables()];
    const monitor = new DivergenceMonitor(common.divergence, 0, 'discriminators', where);

    const aNet = tf.tidy(() => toNetworkRange(a, act));
    const bNet = tf.tidy(() => toNetworkRange(b, act));
    const optG = adam(lrG, common.beta1, common.beta2);
    const optD = adam(lrD, common.beta1, common.beta2);
    let orderA: Int32Array = new Int32Array(0);
    let orderB: Int32Array = new Int32Array(0);
    try {
      const epochs = await runEpochs<CycleGanLoss>({
        where,
        epochs: common.epochs,
        stepsPerEpoch,
        signal: common.signal,
        lossNames: ['gLoss', 'cycleLoss', 'dLoss'],
        onBatch: o.onBatch,
        onEpoch: o.onEpoch,
        beginEpoch: () => {
          orderA = rng.permutation(na);
          orderB = rng.permutation(nb);
        },
        step: (at) => {
          const from = at.batch * batchSize;
          const realA = tf.tidy(() => tf.gather(aNet, tf.tensor1d(orderA.slice(from, from + batchSize), 'int32')));
          const realB = tf.tidy(() => tf.gather(bNet, tf.tensor1d(orderB.slice(from, from + batchSize), 'int32')));
          const kept: Tensor[] = [];
          try {
            const gLoss = checkedStep(
              optG,
              () => {
                const fakeB = G.apply(realA, { training: true });
                const fakeA = F.apply(realB, { training: true });
                const adv = tf.add(leastSquares(DB.apply(fakeB), 1), leastSquares(DA.apply(fakeA), 1));
                const cyc = tf.add(meanAbs(F.apply(fakeB, { training: true }), realA), meanAbs(G.apply(fakeA, { training: true }), realB));
                let total = tf.add(adv, tf.mul(cyc, cycleWeight));
                if (identityWeight > 0) {
                  const id = tf.add(meanAbs(G.apply(realB, { training: true }), realB), meanAbs(F.apply(realA, { training: true }), realA));
                  total = tf.add(total, tf.mul(id, identityWeight));
                }
                kept.push(tf.keep(fakeA), tf.keep(fakeB), tf.keep(cyc));
                return total;
              },
              gVars,
              'generators',
              at,
              where,
            );
            const [fakeA, fakeB, cyc] = kept as [Tensor, Tensor, Tensor];
            const cycleLoss = cyc.dataSync()[0]!;
            const dLoss = checkedStep(
              optD,
              () => {
                const la = tf.mul(tf.add(leastSquares(DA.apply(realA, { training: true }), 1), leastSquares(DA.apply(fakeA, { training: true }), 0)), 0.5);
                const lb = tf.mul(tf.add(leastSquares(DB.apply(realB, { training: true }), 1), leastSquares(DB.apply(fakeB, { training: true }), 0)), 0.5);
                return tf.add(la, lb);
              },
              dVars,
              'discriminators',
              at,
              where,
            );
            monitor.observe(dLoss, at);
            return { gLoss, cycleLoss, dLoss };
          } finally {
            tf.dispose([realA, realB, ...kept]);
          }
        },
      });
      return { epochs, steps: epochs.length * stepsPerEpoch };
    } finally {
      aNet.dispose();
      bNet.dispose();
      optG.dispose();
      optD.dispose();
    }
  }

  /** The architecture as JSON (what model.json's modelTopology holds). */
  toJSON(): CycleGanJSON {
    return {
      format: CYCLEGAN_FORMAT,
      version: 1,
      config: {
        ...this.config,
        imageShape: [...this.config.imageShape],
        generatorFilters: [...this.config.generatorFilters],
        discriminatorFilters: [...this.config.discriminatorFilters],
      },
    };
  }

  /**
   * Loads a CycleGAN saved by `save` or `encode` (sources and options as `GAN.load`).
   * @throws GlassboxError BAD_WEIGHTS for anything wrong with the files or their contents. No tensor leaks.
   */
  static load(source: ModelSource, options: LoadOptions = {}): Promise<CycleGAN> {
    return loadNetworkModel(CYCLEGAN_KIND, source, options, 'CycleGAN.load');
  }
}

/** How a CycleGAN is rebuilt from model.json. */
const CYCLEGAN_KIND: NetworkModelKind<CycleGAN, CycleGanConfig> = {
  format: CYCLEGAN_FORMAT,
  resolve: resolveConfig,
  layers: (c) => NETWORK_NAMES.map((name) => ({ specs: name.startsWith('generator') ? cycleGeneratorLayers(c) : cycleDiscriminatorLayers(c), inputShape: [...c.imageShape] })),
  create: (c) => new CycleGAN(c),
};

/** @internal Reads a CycleGAN's model.json (for loadPretrained). */
export const CYCLEGAN_PLANNER = networkModelPlanner(CYCLEGAN_KIND);
