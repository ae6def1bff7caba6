import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, describe, isTensor, tf } from '@glassbox/tensors-ops';
import { Autoencoder } from './autoencoder.js';
import { VAE } from './vae.js';
import { bernoulliNll, gaussianKlPerDim, squaredError } from './losses.js';
import { checkFiniteRows, checkRows } from '@glassbox/tensors-ops/models';
import { resolveTrainOptions, runTraining, type TrainHistory, type TrainOptions, type TrainTask } from '@glassbox/tensors-ops/models';

export type { BatchLog, EpochLog, TrainHistory, TrainOptions } from '@glassbox/tensors-ops/models';

/** Metrics of an autoencoder's training epochs besides the loss: the mean squared error per pixel. */
export type AutoencoderMetric = 'mse';
/** Metrics of a VAE's training epochs besides the loss (-ELBO with beta): its two terms, nats per image. */
export type VaeMetric = 'reconstruction' | 'kl';

/** Rows to train on: a tensor, or `{ x }` (labels, if any, are ignored). */
export type LatentData = Tensor | { x: Tensor };

/**
 * Trains an autoencoder or a VAE with Adam on mini-batches of shuffled rows.
 *
 * - Autoencoder: its reconstruction loss ('bce': binary cross-entropy summed per image; 'mse': mean squared
 *   error per pixel). When training completes, the diagonal Gaussian that `sample` draws from is fitted to
 *   the codes of the data.
 * - VAE: -ELBO with beta, (1/B) sum_i [-log p(x_i|z_i) + beta KL(q(z|x_i) || N(0, I))], z_i = mu_i + sigma_i eps_i
 *   (one sample per row, Kingma & Welling 2013, arXiv:1312.6114).
 *
 * Reproducible: the shuffle order and every eps come from `seed`, so the same seed, data and backend give
 * the same weights. Every step checks the loss and the gradients before updating: a non-finite value stops
 * training with NON_FINITE and keeps the weights (and batch-norm statistics) of the last finite step. An abort
 * (between steps) rejects with ABORTED and leaves the weights of the last completed step.
 *
 * Paper: Kingma & Ba 2014, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980.
 *
 * @param model an `Autoencoder` or a `VAE` (changed in place).
 * @param data float32 rows [N, ...inputShape] in 0..1, or `{ x }`.
 * @param options `epochs` (default 1), `batchSize` (default 64), `learningRate` (default 0.001), `seed`
 *   (default 0), `shuffle` (default true), `onEpoch(log)` (log: `loss`, and `mse` or `reconstruction` and
 *   `kl`), `onBatch(log)`, `signal`.
 * @returns the history: one log per epoch, steps, seconds.
 * @throws GlassboxError INVALID_ARGUMENT / SHAPE_MISMATCH, NON_FINITE (non-finite data or loss), ABORTED.
 *
 * @example
 * ```ts
 * const { x } = await loadDigits({ split: 'train' });
 * const model = vae({ latentDim: 16, seed: 1 });
 * await train(model, x, { epochs: 20, batchSize: 100, seed: 1, onEpoch: (l) => console.log(l.epoch, l.loss, l.kl) });
 * ```
 */
export function train(model: VAE, data: LatentData, options?: TrainOptions<VaeMetric>): Promise<TrainHistory<VaeMetric>>;
export function train(model: Autoencoder, data: LatentData, options?: TrainOptions<AutoencoderMetric>): Promise<TrainHistory<AutoencoderMetric>>;
export function train(model: Autoencoder | VAE, data: LatentData, options?: TrainOptions<string>): Promise<TrainHistory<string>>;
export async function train(model: Autoencoder | VAE, data: LatentData, options: TrainOptions<string> = {}): Promise<TrainHistory<string>> {
  const where = 'train';
  if (!(model instanceof Autoencoder) && !(model instanceof VAE)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must be an Autoencoder or a VAE (autoencoder, vae or load), got ${describe(model)}`);
  }
  if (model.isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: model has been disposed`);
  const x = isTensor(data) ? data : (data as { x?: unknown } | null)?.x;
  const name = isTensor(data) ? 'data' : 'data.x';
  if (!isTensor(x)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: data must be a float32 tensor of rows or { x }, got ${describe(data)}`);
  const o = resolveTrainOptions<string>(options, where);
  checkRows(x, model.inputShape, where, name);
  checkFiniteRows(x, where, name);
  const n = x.shape[0]!;
  const base = {
    where,
    rows: n,
    trainable: [...model.encoderNet.trainableVariables(), ...model.decoderNet.trainableVariables()],
    nonTrainable: [...model.encoderNet.nonTrainableVariables(), ...model.decoderNet.nonTrainableVariables()],
  };
  const batch = (indices: Int32Array) => tf.gather(x, tf.tensor1d(indices, 'int32'));
  let task: TrainTask<string>;
  if (model instanceof VAE) {
    const L = model.latentDim;
    const beta = model.beta;
    task = {
      ...base,
      metricNames: ['reconstruction', 'kl'],
      step: (indices, rng) => {
        const xb = batch(indices);
        const { mean, logVar } = model.moments(model.encoderNet.apply(xb, { training: true }));
        const eps = tf.tensor2d(rng.normalArray(indices.length * L), [indices.length, L]);
        const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
        const reconstruction = tf.mean(bernoulliNll(model.decoderLogits(z, true), xb));
        const kl = tf.mean(tf.sum(gaussianKlPerDim(mean, logVar), 1));
        return { loss: tf.add(reconstruction, tf.mul(kl, beta)), metrics: { reconstruction, kl } };
      },
    };
  } else {
    const ae = model;
    task = {
      ...base,
      metricNames: ['mse'],
      step: (indices) => {
        const xb = batch(indices);
        const logits = ae.decoderLogits(ae.encoderNet.apply(xb, { training: true }), true);
        const mse = tf.mean(squaredError(logits, xb));
        return { loss: ae.loss === 'bce' ? tf.mean(bernoulliNll(logits, xb)) : mse, metrics: { mse } };
      },
    };
  }
  const history = await runTraining(task, o);
  if (model instanceof Autoencoder) await model.fitLatentDistribution(x, { signal: o.signal });
  return history;
}
