/**
 * One adapter per model kind: everything the CLI, the demo and the report need to know about a kind, in one
 * place, so that a kind is switched on once. An adapter reads a model through the few members it needs
 * (structural types below), so the report needs none of the model packages at run time.
 */
import type { MethodSubject, Predictable, Tensor } from '@glassbox/tensors-ops';
import type { ModelKind, ReportResult } from '../types.js';
import type { SuiteContext } from '../internal/context.js';

/** What an explanation of the kind can start from: an image, or a latent code given to a decoder or generator. */
export type KindInput = 'image' | 'latent';

/** The members of a model that the adapters read, by kind (the models packages' classes have them). */
export interface KindModels {
  classifier: { predict(x: Tensor): Tensor; readonly inputShape: readonly number[]; readonly lastConvLayer?: string | null };
  ae: { encoder(x: Tensor): Tensor; decoder(z: Tensor): Tensor; predict(x: Tensor): Tensor; readonly inputShape: readonly number[] };
  vae: KindModels['ae'];
  gan: { generator(z: Tensor): Tensor; discriminator(x: Tensor): Tensor; readonly imageShape: readonly number[]; readonly numClasses: number };
  cyclegan: { translateAB(x: Tensor): Tensor; readonly imageShape: readonly number[] };
}

export interface KindAdapter<K extends ModelKind = ModelKind> {
  kind: K;
  /** How messages name the kind ('autoencoder', 'VAE', ...). */
  label: string;
  /**
   * What a caller can hand a method for this kind (see tensors-ops' MethodSubject): every kind gives a
   * function; a layer-by-layer network comes with classifiers and autoencoders, a model that splits at a
   * layer with classifiers, a latent code and its decoder with autoencoders, VAEs and GANs.
   */
  subjects: readonly MethodSubject[];
  /** What an explanation can start from (the first is the usual one). */
  inputs: readonly KindInput[];
  /** The methods of the report's suite for the kind, in the order they run (the source of REPORT_METHODS and of `options.methods`). */
  reportMethods: readonly string[];
  /** Runs the report's suite for the kind. */
  suite(ctx: SuiteContext): Promise<ReportResult>;
  /** The shape of one input row of a model of the kind (for a GAN: the generated image's). */
  rowShape(model: KindModels[K]): number[];
  /**
   * The image function an explanation of a region explains: rows [N, ...rowShape] -> scores [N, K] (pick a
   * target) or [N] (the mean of `mask`, one weight per element of the output row, over the model's image
   * output). A classifier's logits and a GAN's discriminator need no mask; the kinds that score a region
   * throw INVALID_ARGUMENT without one.
   */
  score(model: KindModels[K], mask?: Float32Array): Predictable;
  /**
   * The latent function: codes [N, D] -> images, for the latent methods; undefined for kinds without a code.
   * A conditional GAN's one-hot class is part of the code.
   */
  decoder(model: KindModels[K]): ((z: Tensor) => Tensor) | undefined;
}
