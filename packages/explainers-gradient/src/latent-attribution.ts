import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, INTEGRATION_METHODS, asForward, checkInput, checkOptionKeys, EXPLAINS_LATENT_CODES, declareMethod, formatShape, isTensor, explainKeysWithout, optionKeys, outputRegion } from '@glassbox/tensors-ops';
import type { Attribution, Predictable, RegionReduce } from '@glassbox/tensors-ops';
import { runIntegratedGradients } from './integrated-gradients.js';
import type { IntegratedGradientsOptions } from './integrated-gradients.js';

export interface LatentAttributionOptions extends Omit<IntegratedGradientsOptions, 'target' | 'tokenReduction'> {
  /**
   * Required: weights over one output row (a tensor broadcastable to it, or a Float32Array / number[] with one
   * entry per output element), 1 inside the region, 0 outside; as the mask of `outputRegion`.
   */
  mask?: Tensor | Float32Array | number[];
  /** How the masked output is turned into one score: 'sum' (default) or 'mean' (mask-weighted mean). */
  reduce?: RegionReduce;
}

/** The keys of LatentAttributionOptions. */
export const LATENT_ATTRIBUTION_OPTION_KEYS = optionKeys<LatentAttributionOptions>({
  mask: true,
  ...explainKeysWithout('target'),
  pool: true,
  steps: true,
  method: true,
  reduce: true,
});

/**
 * Latent attribution: which latent dimensions made this region of the generated image? Integrated gradients
 * on the latent code z of the decoder's masked output score, from a baseline code (0 by default, the prior's
 * mean for a VAE) to z. The attributions of a row add up to score(z) - score(baseline) (see `delta`).
 *
 *   score(z)     = sum_p mask_p * decoder(z)_p                   (reduce 'sum'; 'mean' divides by sum_p mask_p)
 *   attributions = (z - b) * integral_0^1 d score(b + a (z - b)) / dz da            [N, D]
 *
 * Paper: M. Sundararajan, A. Taly, Q. Yan, "Axiomatic Attribution for Deep Networks", 2017, arXiv:1703.01365,
 * applied to the latent code of a generative model (the region score is `outputRegion` of @glassbox/tensors-ops).
 *
 * @param decoder a decoder or generator [N, D] -> [N, ...outRow]; a function or an object with predict(z).
 * @param z float32 [N, D] latent codes.
 * @param options `mask` (required: weights over one output row, a tensor broadcastable to it or a Float32Array /
 *   number[] with one entry per output element, 1 inside the region and 0 outside), `reduce` (default 'sum'), `baseline` (default 0, number or tensor broadcastable to z),
 *   `steps` (default 50), `method` (default 'gausslegendre'), `batchSize`, `onProgress`, `signal`.
 * @returns an Attribution with attributions [N, D] and delta [N] (owned by the caller).
 *
 * The old form `latentAttribution(decoder, z, mask, options?)` is still read for one release (deprecated).
 *
 * @example
 * ```ts
 * const mask = new Float32Array(28 * 28).fill(1, 0, 28 * 14);     // the top half of a 28x28 image
 * const { attributions } = await latentAttribution(decoder, z, { mask, reduce: 'mean' });
 * ```
 */
export async function latentAttribution(decoder: Predictable, z: Tensor, options: LatentAttributionOptions): Promise<Attribution>;
/** @deprecated the mask as a positional argument, read for one release: write `latentAttribution(decoder, z, { mask, ...options })`. */
export async function latentAttribution(
  decoder: Predictable,
  z: Tensor,
  mask: Tensor | Float32Array | number[],
  options?: Omit<LatentAttributionOptions, 'mask'>,
): Promise<Attribution>;
export async function latentAttribution(decoder: Predictable, z: Tensor, third: unknown, fourth?: unknown): Promise<Attribution> {
  const where = 'latentAttribution';
  const positional = isTensor(third) || ArrayBuffer.isView(third) || Array.isArray(third);
  const options = positional ? { ...checkOptionKeys<LatentAttributionOptions>(fourth, LATENT_ATTRIBUTION_OPTION_KEYS, where), mask: third as Tensor } : third;
  const forward = asForward(decoder, where, 'decoder');
  checkInput(z, where, 'z');
  if (z.rank !== 2) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: z must be a batch of latent codes [N, D], got shape ${formatShape(z.shape)}`);
  }
  const { mask, reduce, ...rest } = checkOptionKeys<LatentAttributionOptions>(options, LATENT_ATTRIBUTION_OPTION_KEYS, where);
  if (mask === undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.mask is required (weights over one output row: 1 inside the region, 0 outside)`);
  }
  const score = outputRegion(forward, mask, reduce ?? 'sum');
  return runIntegratedGradients(score, z, rest, where, { model: 'decoder', input: 'z' });
}
declareMethod(latentAttribution, {
  name: 'latentAttribution',
  aliases: ['latent-ig'],
  label: 'Latent attribution',
  summary: 'which latent dimensions made the centre of the decoded image: IG on z from a baseline code (0)',
  paper: 'M. Sundararajan, A. Taly, Q. Yan, 2017, arXiv:1703.01365 (applied to the latent code)',
  family: 'gradient',
  ...EXPLAINS_LATENT_CODES,
  output: 'latent',
  rowwise: true,
  signed: true,
  baseline: 'point',
  complete: true,
  options: [
    { key: 'steps', type: 'integer', default: 50, min: 1, max: 8_388_608, summary: 'points on the path from the baseline code to z' },
    { key: 'method', type: 'choice', default: 'gausslegendre', choices: INTEGRATION_METHODS, summary: 'integration rule' },
    { key: 'reduce', type: 'choice', default: 'sum', choices: ['sum', 'mean'], summary: 'how the masked output becomes one score' },
  ],
  optionKeys: LATENT_ATTRIBUTION_OPTION_KEYS,
});
