import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, assertNumber, assertOneOf, createRng, forEachBatch, optionKeys, sequential, tf, type Variable } from '@glassbox/tensors-ops';
import { decoderSpecs, encoderSpecs, optionsObject, resolveArchitecture, type ArchitectureOptions, type ResolvedArchitecture } from './architectures.js';
import { LatentModel } from './latent-model.js';
import { bernoulliNll, squaredError } from './losses.js';
import { EVALUATE_OPTION_KEYS, checkRows, resolveEvaluateOptions as resolveModelEvaluateOptions, type EvaluateOptions } from '@glassbox/tensors-ops/models';

/** The reconstruction error an autoencoder is trained on. */
export type ReconstructionLoss = 'bce' | 'mse';
export const RECONSTRUCTION_LOSSES: readonly ReconstructionLoss[] = ['bce', 'mse'];

/** Options of `autoencoder`. */
export interface AutoencoderOptions extends ArchitectureOptions {
  /**
   * 'bce' (default): binary cross-entropy of the pixel intensities, summed per image (nats per image);
   * 'mse': mean squared error per pixel.
   */
  loss?: ReconstructionLoss;
}

/** The keys of AutoencoderOptions. */
export const AUTOENCODER_OPTION_KEYS = optionKeys<AutoencoderOptions>({ variant: true, inputShape: true, latentDim: true, hidden: true, filters: true, seed: true, loss: true });

export interface ResolvedAutoencoderOptions extends ResolvedArchitecture {
  loss: ReconstructionLoss;
}

/** Options of `evaluate` and `fitLatentDistribution`: `batchSize` (default 250), `onProgress`, `signal`. */
export type LatentEvaluateOptions = EvaluateOptions;

/** The keys of LatentEvaluateOptions. */
export const LATENT_EVALUATE_OPTION_KEYS = EVALUATE_OPTION_KEYS;

/** What `Autoencoder.evaluate` resolves to (means over the rows). */
export interface AutoencoderEvaluation {
  /** The training loss (`bce` or `mse`, as the model's `loss` option). */
  loss: number;
  /** Mean squared error of the reconstruction per pixel. */
  mse: number;
  /** Bernoulli negative log-likelihood of the pixel intensities, nats per image (binary cross-entropy summed over pixels). */
  bce: number;
  rows: number;
}

export const AE_DEFAULTS = { latentDim: 16, hidden: [256] };

/** Checks `autoencoder`'s options; returns them with defaults filled in. */
export function resolveAutoencoderOptions(options: unknown, where: string): ResolvedAutoencoderOptions {
  const o = optionsObject<AutoencoderOptions>(options, where, AUTOENCODER_OPTION_KEYS);
  const arch = resolveArchitecture(o, where, AE_DEFAULTS);
  const loss = o.loss === undefined ? 'bce' : assertOneOf(o.loss, RECONSTRUCTION_LOSSES, 'options.loss', where);
  return { ...arch, loss };
}

/** Checks the options of evaluate-like methods (`keys`: the method's valid option keys); 250 rows per batch by default. */
export function resolveEvaluateOptions(options: unknown, where: string, keys: readonly string[] = LATENT_EVALUATE_OPTION_KEYS): ReturnType<typeof resolveModelEvaluateOptions> {
  return resolveModelEvaluateOptions(options, where, 250, keys);
}

/**
 * An autoencoder: an encoder squeezes each input into a small latent code z = e(x), a decoder rebuilds the
 * input from it, x_hat = sigmoid(d(z)), and both are trained together to make the reconstruction close to x.
 * What the code keeps is what the data set varies in; explainers show which pixels drive each latent
 * dimension (`encoder`) and which dimensions paint which pixels (`decoder`).
 *
 *   loss 'bce' = (1/N) sum_i sum_j [softplus(l_ij) - x_ij l_ij],  l = d(e(x))   (nats per image)
 *   loss 'mse' = (1/N) sum_i mean_j (sigmoid(l_ij) - x_ij)^2                      (per pixel)
 *
 * Variants: 'mlp' (dense layers) and 'conv' (3x3 convolutions with stride 2 down, 4x4 transposed
 * convolutions with stride 2 up, batch norm and leakyRelu in between, as DCGAN; sigmoid output). After
 * `train`, the codes of the training data are summarised by a diagonal Gaussian, from which `sample` draws.
 *
 * Papers: Hinton & Salakhutdinov 2006, "Reducing the Dimensionality of Data with Neural Networks",
 * doi:10.1126/science.1127647; Radford, Metz & Chintala 2015 (DCGAN blocks), arXiv:1511.06434; Ioffe & Szegedy
 * 2015 (batch norm), arXiv:1502.03167.
 *
 * @param options `variant` ('mlp' | 'conv', default 'mlp'), `inputShape` (default [28, 28, 1]), `latentDim`
 *   (default 16), `hidden` (mlp, default [256]), `filters` (conv, default [32, 64]), `loss` ('bce' | 'mse',
 *   default 'bce'), `seed` (initial weights, default 0).
 * @throws GlassboxError INVALID_ARGUMENT / SHAPE_MISMATCH naming a bad option.
 *
 * @example
 * ```ts
 * const ae = autoencoder({ variant: 'conv', latentDim: 16, seed: 1 });
 * await train(ae, x, { epochs: 5 });
 * const xHat = ae.reconstruct(x);                     // same shape as x, in 0..1
 * const z = ae.encode(x);                              // [N, 16]
 * ```
 */
export function autoencoder(options: AutoencoderOptions = {}): Autoencoder {
  return Autoencoder.fromOptions(resolveAutoencoderOptions(options, 'autoencoder'));
}

/** An autoencoder (MLP or convolutional); see `autoencoder`. The caller owns it and calls `dispose()`. */
export class Autoencoder extends LatentModel<ResolvedAutoencoderOptions> {
  readonly kind = 'ae' as const;
  /** The reconstruction error it is trained on. */
  readonly loss: ReconstructionLoss;
  private readonly latentMean: Variable;
  private readonly latentStd: Variable;

  /** @internal Builds the networks from checked options; use `autoencoder` or `load`. */
  static fromOptions(o: ResolvedAutoencoderOptions): Autoencoder {
    const enc = sequential(encoderSpecs(o, o.latentDim, 'latent'), o.inputShape.slice(), { seed: o.seed });
    let dec;
    try {
      dec = sequential(decoderSpecs(o), [o.latentDim], { seed: o.seed });
    } catch (e) {
      enc.dispose();
      throw e;
    }
    return new Autoencoder(enc, dec, o);
  }

  private constructor(enc: ReturnType<typeof sequential>, dec: ReturnType<typeof sequential>, o: ResolvedAutoencoderOptions) {
    super(enc, dec, o);
    this.loss = o.loss;
    const [zeros, ones] = [tf.zeros([o.latentDim]), tf.ones([o.latentDim])];
    this.latentMean = tf.variable(zeros, false);
    this.latentStd = tf.variable(ones, false);
    tf.dispose([zeros, ones]);
  }

  protected get name(): string {
    return 'Autoencoder';
  }

  /** @internal */
  override extraVariables(): [string, Variable][] {
    return [
      ['latent/mean', this.latentMean],
      ['latent/std', this.latentStd],
    ];
  }

  /**
   * The latent code z = e(x) of each row, inference mode.
   * @param x float32 [N, ...inputShape].
   * @returns float32 [N, latentDim] that the caller owns.
   */
  encode(x: Tensor): Tensor {
    const where = 'Autoencoder.encode';
    this.checkAlive(where);
    checkRows(x, this.inputShape, where);
    return this.encodeUnchecked(x);
  }

  /** @internal */
  encodeUnchecked(x: Tensor): Tensor {
    return this.encoderNet.predict(x);
  }

  /**
   * Latent codes drawn from the diagonal Gaussian fitted to the training codes:
   * z = mean + std * eps, eps ~ N(0, I) from `seed`.
   * @returns float32 [n, latentDim] that the caller owns.
   */
  sampleLatent(n: number, seed = 0): Tensor {
    const where = 'Autoencoder.sampleLatent';
    this.checkAlive(where);
    assertNumber(n, 'n', where, { integer: true, min: 1 });
    assertNumber(seed, 'seed', where, { integer: true, min: 0, max: 0xffffffff });
    return tf.tidy(() => {
      const eps = tf.tensor2d(createRng(seed).normalArray(n * this.latentDim), [n, this.latentDim]);
      return tf.add(this.latentMean, tf.mul(this.latentStd, eps));
    });
  }

  /** The diagonal Gaussian `sample` draws codes from (fitted by `train`, or `fitLatentDistribution`). */
  latentDistribution(): { mean: Float32Array; std: Float32Array } {
    this.checkAlive('Autoencoder.latentDistribution');
    return { mean: this.latentMean.dataSync().slice() as Float32Array, std: this.latentStd.dataSync().slice() as Float32Array };
  }

  /**
   * Fits the diagonal Gaussian that `sample` draws from to the codes of x: per dimension, the mean and the
   * standard deviation of e(x) over the rows. `train` calls it with the training data when it completes.
   * @param x float32 [N, ...inputShape], N >= 1.
   * @param options `batchSize` (default 250), `onProgress`, `signal`.
   */
  async fitLatentDistribution(x: Tensor, options: LatentEvaluateOptions = {}): Promise<{ mean: Float32Array; std: Float32Array }> {
    const where = 'Autoencoder.fitLatentDistribution';
    this.checkAlive(where);
    checkRows(x, this.inputShape, where);
    const { batchSize, onProgress, signal } = resolveEvaluateOptions(options, where);
    const L = this.latentDim;
    const n = x.shape[0]!;
    const sum = new Float64Array(L);
    const sumSq = new Float64Array(L);
    await forEachBatch(
      n,
      (start, end) => {
        const z = tf.tidy(() => this.encoderNet.predict(tf.slice(x, start, end - start)).dataSync());
        for (let i = 0; i < z.length; i++) {
          sum[i % L] += z[i]!;
          sumSq[i % L] += z[i]! * z[i]!;
        }
      },
      { batchSize, onProgress, signal, where },
    );
    const mean = new Float32Array(L);
    const std = new Float32Array(L);
    for (let j = 0; j < L; j++) {
      mean[j] = sum[j]! / n;
      std[j] = Math.sqrt(Math.max(sumSq[j]! / n - (sum[j]! / n) ** 2, 0));
    }
    if (!mean.every(Number.isFinite) || !std.every(Number.isFinite)) {
      throw new GlassboxError('NON_FINITE', `${where}: the codes of x are not finite`);
    }
    tf.tidy(() => {
      this.latentMean.assign(tf.tensor1d(mean));
      this.latentStd.assign(tf.tensor1d(std));
    });
    return { mean, std };
  }

  /**
   * Reconstruction errors over rows, inference mode, in batches: mean squared error per pixel and the
   * Bernoulli negative log-likelihood of the pixel intensities in nats per image.
   * @param x float32 [N, ...inputShape] in 0..1.
   * @param options `batchSize` (default 250), `onProgress`, `signal`.
   */
  async evaluate(x: Tensor, options: LatentEvaluateOptions = {}): Promise<AutoencoderEvaluation> {
    const where = 'Autoencoder.evaluate';
    this.checkAlive(where);
    checkRows(x, this.inputShape, where);
    const { batchSize, onProgress, signal } = resolveEvaluateOptions(options, where);
    const n = x.shape[0]!;
    let mse = 0;
    let bce = 0;
    await forEachBatch(
      n,
      (start, end) => {
        const [m, b] = tf.tidy(() => {
          const xb = tf.slice(x, start, end - start);
          const logits = this.decoderLogits(this.encoderNet.predict(xb), false);
          return tf.stack([tf.sum(squaredError(logits, xb)), tf.sum(bernoulliNll(logits, xb))]).dataSync();
        }) as unknown as [number, number];
        mse += m;
        bce += b;
      },
      { batchSize, onProgress, signal, where },
    );
    mse /= n;
    bce /= n;
    return { loss: this.loss === 'bce' ? bce : mse, mse, bce, rows: n };
  }
}
