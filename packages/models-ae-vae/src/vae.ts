import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, assertNumber, createRng, forEachBatch, optionKeys, sequential, tf } from '@glassbox/tensors-ops';
import { decoderSpecs, encoderSpecs, optionsObject, resolveArchitecture, type ArchitectureOptions, type ResolvedArchitecture } from './architectures.js';
import { resolveEvaluateOptions, type LatentEvaluateOptions } from './autoencoder.js';
import { LatentModel } from './latent-model.js';
import { bernoulliNll, gaussianKlPerDim } from './losses.js';
import { checkRows } from '@glassbox/tensors-ops/models';

/** Options of `vae`. */
export interface VaeOptions extends ArchitectureOptions {
  /** Weight of the KL term in the training loss, > 0 (beta-VAE); default 1 (the plain VAE). */
  beta?: number;
}

/** The keys of VaeOptions. */
export const VAE_OPTION_KEYS = optionKeys<VaeOptions>({ variant: true, inputShape: true, latentDim: true, hidden: true, filters: true, seed: true, beta: true });

export interface ResolvedVaeOptions extends ResolvedArchitecture {
  beta: number;
}

/** Options of `VAE.evaluate`. */
export interface VaeEvaluateOptions extends LatentEvaluateOptions {
  /** Seed of the noise eps of the one-sample estimate of the reconstruction term (default 0): same seed, same numbers. */
  seed?: number;
}

/** The keys of VaeEvaluateOptions. */
export const VAE_EVALUATE_OPTION_KEYS = optionKeys<VaeEvaluateOptions>({ batchSize: true, onProgress: true, signal: true, seed: true });

/** What `VAE.evaluate` resolves to: means over the rows, in nats per image. */
export interface VaeEvaluation {
  /** -ELBO = reconstruction + kl (with beta = 1, whatever the model's beta): an upper bound on -log p(x). */
  negElbo: number;
  /** E_q[-log p(x|z)]: Bernoulli negative log-likelihood of the pixel intensities (one seeded sample of z per row). */
  reconstruction: number;
  /** KL(q(z|x) || N(0, I)), in closed form. */
  kl: number;
  /** The KL of each latent dimension (they add up to `kl`). */
  klPerDimension: number[];
  /** Latent dimensions whose KL exceeds 0.01 nats: the ones the model uses. */
  activeDimensions: number;
  rows: number;
}

/** The KL (nats) above which a latent dimension counts as active. */
export const ACTIVE_KL_THRESHOLD = 0.01;

export const VAE_DEFAULTS = { latentDim: 20, hidden: [256] };

/** Checks `vae`'s options; returns them with defaults filled in. */
export function resolveVaeOptions(options: unknown, where: string): ResolvedVaeOptions {
  const o = optionsObject<VaeOptions>(options, where, VAE_OPTION_KEYS);
  const arch = resolveArchitecture(o, where, VAE_DEFAULTS);
  const beta = o.beta === undefined ? 1 : assertNumber(o.beta, 'options.beta', where, { gt: 0 });
  return { ...arch, beta };
}

/**
 * A variational autoencoder: the encoder gives a Gaussian q(z|x) = N(mu(x), diag(sigma^2(x))) over latent
 * codes, the decoder a Bernoulli distribution p(x|z) over each pixel (its mean sigmoid(d(z)) is the image),
 * and the prior is p(z) = N(0, I). Training maximises the evidence lower bound (ELBO) with the
 * reparameterization z = mu + sigma * eps, eps ~ N(0, I), so gradients flow through the sampling; the KL term
 * pulls the codes towards the prior, which makes `sample` and `interpolate` produce plausible images.
 *
 *   -ELBO(x) = E_{q(z|x)}[-log p(x|z)] + beta * KL(q(z|x) || N(0, I))
 *   -log p(x|z) = sum_j softplus(l_j) - x_j l_j,            l = d(z)
 *   KL = (1/2) sum_k (mu_k^2 + sigma_k^2 - 1 - log sigma_k^2)
 *
 * The encoder's last layer 'moments' outputs [mu, log sigma^2] (2 * latentDim numbers); `encoder` and
 * `encode` give mu. beta > 1 gives the beta-VAE, which trades reconstruction for more disentangled codes.
 *
 * Papers: Kingma & Welling 2013, "Auto-Encoding Variational Bayes", arXiv:1312.6114; Higgins et al. 2017,
 * "beta-VAE: Learning Basic Visual Concepts with a Constrained Variational Framework" (ICLR 2017).
 *
 * @param options `variant` ('mlp' | 'conv', default 'mlp'), `inputShape` (default [28, 28, 1]), `latentDim`
 *   (default 20), `hidden` (mlp, default [256]), `filters` (conv, default [32, 64]), `beta` (default 1),
 *   `seed` (initial weights, default 0).
 * @throws GlassboxError INVALID_ARGUMENT / SHAPE_MISMATCH naming a bad option.
 *
 * @example
 * ```ts
 * const model = vae({ latentDim: 16, seed: 1 });
 * await train(model, x, { epochs: 10, seed: 1 });
 * const { negElbo, kl } = await model.evaluate(xTest);   // nats per image
 * const digits = model.sample(16, 7);                    // [16, 28, 28, 1]
 * ```
 */
export function vae(options: VaeOptions = {}): VAE {
  return VAE.fromOptions(resolveVaeOptions(options, 'vae'));
}

/** A VAE or beta-VAE; see `vae`. The caller owns it and calls `dispose()`. */
export class VAE extends LatentModel<ResolvedVaeOptions> {
  readonly kind = 'vae' as const;
  /** Weight of the KL term in the training loss. */
  readonly beta: number;

  /** @internal Builds the networks from checked options; use `vae` or `load`. */
  static fromOptions(o: ResolvedVaeOptions): VAE {
    const enc = sequential(encoderSpecs(o, 2 * o.latentDim, 'moments'), o.inputShape.slice(), { seed: o.seed });
    let dec;
    try {
      dec = sequential(decoderSpecs(o), [o.latentDim], { seed: o.seed });
    } catch (e) {
      enc.dispose();
      throw e;
    }
    return new VAE(enc, dec, o);
  }

  private constructor(enc: ReturnType<typeof sequential>, dec: ReturnType<typeof sequential>, o: ResolvedVaeOptions) {
    super(enc, dec, o);
    this.beta = o.beta;
  }

  protected get name(): string {
    return 'VAE';
  }

  /**
   * The mean mu(x) of q(z|x) for each row, inference mode (the `encoder` ForwardFn).
   * @param x float32 [N, ...inputShape].
   * @returns float32 [N, latentDim] that the caller owns.
   */
  encode(x: Tensor): Tensor {
    const where = 'VAE.encode';
    this.checkAlive(where);
    checkRows(x, this.inputShape, where);
    return this.encodeUnchecked(x);
  }

  /** @internal */
  encodeUnchecked(x: Tensor): Tensor {
    return tf.tidy(() => this.moments(this.encoderNet.predict(x)).mean);
  }

  /**
   * The Gaussian q(z|x) of each row: its mean and log-variance, inference mode.
   * @param x float32 [N, ...inputShape].
   * @returns `{ mean, logVar }`, each float32 [N, latentDim], owned by the caller.
   */
  encodeDistribution(x: Tensor): { mean: Tensor; logVar: Tensor } {
    const where = 'VAE.encodeDistribution';
    this.checkAlive(where);
    checkRows(x, this.inputShape, where);
    return tf.tidy(() => this.moments(this.encoderNet.predict(x)));
  }

  /**
   * Latent codes from the prior N(0, I), eps drawn from `seed`.
   * @returns float32 [n, latentDim] that the caller owns.
   */
  sampleLatent(n: number, seed = 0): Tensor {
    const where = 'VAE.sampleLatent';
    this.checkAlive(where);
    assertNumber(n, 'n', where, { integer: true, min: 1 });
    assertNumber(seed, 'seed', where, { integer: true, min: 0, max: 0xffffffff });
    return tf.tensor2d(createRng(seed).normalArray(n * this.latentDim), [n, this.latentDim]);
  }

  /**
   * The negative ELBO and its two terms over rows, in nats per image, inference mode, in batches. The
   * reconstruction term is the one-sample estimate of the paper with eps drawn from `seed` (row by row, so the
   * numbers do not depend on `batchSize`); the KL term is exact. Also reports the KL of each latent
   * dimension and how many exceed 0.01 nats (the active dimensions).
   *
   * @param x float32 [N, ...inputShape] in 0..1.
   * @param options `seed` (default 0), `batchSize` (default 250), `onProgress`, `signal`.
   */
  async evaluate(x: Tensor, options: VaeEvaluateOptions = {}): Promise<VaeEvaluation> {
    const where = 'VAE.evaluate';
    this.checkAlive(where);
    checkRows(x, this.inputShape, where);
    const { batchSize, onProgress, signal } = resolveEvaluateOptions(options, where, VAE_EVALUATE_OPTION_KEYS);
    const seed = options.seed === undefined ? 0 : assertNumber(options.seed, 'options.seed', where, { integer: true, min: 0, max: 0xffffffff });
    const rng = createRng(seed);
    const L = this.latentDim;
    const n = x.shape[0]!;
    let reconstruction = 0;
    const klDims = new Float64Array(L);
    await forEachBatch(
      n,
      (start, end) => {
        const rows = end - start;
        const eps = rng.normalArray(rows * L);
        const values = tf.tidy(() => {
          const xb = tf.slice(x, start, rows);
          const { mean, logVar } = this.moments(this.encoderNet.predict(xb));
          const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.tensor2d(eps, [rows, L])));
          const rec = tf.sum(bernoulliNll(this.decoderLogits(z, false), xb));
          const kl = tf.sum(gaussianKlPerDim(mean, logVar), 0);
          return tf.concat([tf.reshape(rec, [1]), kl]).dataSync();
        });
        reconstruction += values[0]!;
        for (let k = 0; k < L; k++) klDims[k] += values[k + 1]!;
      },
      { batchSize, onProgress, signal, where },
    );
    const klPerDimension = Array.from(klDims, (v) => v / n);
    const kl = klPerDimension.reduce((a, b) => a + b, 0);
    reconstruction /= n;
    if (!Number.isFinite(reconstruction) || !Number.isFinite(kl)) {
      throw new GlassboxError('NON_FINITE', `${where}: the ELBO of x is not finite (reconstruction ${reconstruction}, kl ${kl})`);
    }
    return {
      negElbo: reconstruction + kl,
      reconstruction,
      kl,
      klPerDimension,
      activeDimensions: klPerDimension.filter((v) => v > ACTIVE_KL_THRESHOLD).length,
      rows: n,
    };
  }

  /** @internal Splits the encoder's output [N, 2L] into the mean and the log-variance. */
  moments(h: Tensor): { mean: Tensor; logVar: Tensor } {
    const L = this.latentDim;
    return { mean: tf.slice(h, [0, 0], [-1, L]), logVar: tf.slice(h, [0, L], [-1, L]) };
  }
}
