/**
 * Training a GAN: one discriminator update and one generator update per batch (DCGAN's recipe), on the
 * adversarial loop shared with the CycleGAN.
 */
import { GlassboxError, assertNumber, createRng, describe, tf, type Sequential, type Tensor } from '@glassbox/tensors-ops';
import { checkOptions } from '@glassbox/tensors-ops/models';
import { COMMON_TRAIN_KEYS, DivergenceMonitor, adam, checkLearningRate, checkedStep, resolveCommon, runEpochs, type BatchLogs, type CommonTrainOptions, type EpochLogs } from './adversarial-training.js';
import { checkLabels, oneHotRows, type GanConfig } from './gan-architecture.js';
import { checkImages, toNetworkRange } from './images.js';
import { discriminatorLoss, discriminatorLossFloor, nonSaturatingLoss, pickColumns } from './losses.js';

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

const TRAIN_KEYS = [...COMMON_TRAIN_KEYS, 'generatorLearningRate', 'discriminatorLearningRate', 'labelSmoothing', 'labels'];

/** A GAN's two networks. */
export interface GanNetworks {
  readonly generator: Sequential;
  readonly discriminator: Sequential;
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
export async function trainGan(config: Readonly<GanConfig>, networks: GanNetworks, x: Tensor, options: GanTrainOptions | undefined, where: string): Promise<GanHistory> {
  const o = checkOptions<GanTrainOptions>(options, where, TRAIN_KEYS);
  const common = resolveCommon(o, 64, where);
  const lrG = checkLearningRate(o.generatorLearningRate, common.learningRate, 'options.generatorLearningRate', where);
  const lrD = checkLearningRate(o.discriminatorLearningRate, common.learningRate, 'options.discriminatorLearningRate', where);
  const smoothing = o.labelSmoothing === undefined ? 0 : assertNumber(o.labelSmoothing, 'options.labelSmoothing', where, { min: 0 });
  if (!(smoothing < 0.5)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.labelSmoothing must be a number in [0, 0.5), got ${describe(o.labelSmoothing)}`);
  checkImages(x, config.imageShape, 'x', where);
  const n = x.shape[0]!;
  const k = config.numClasses;
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
  const { generator: g, discriminator: d } = networks;
  const act = config.outputActivation;
  const latentDim = config.latentDim;
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
