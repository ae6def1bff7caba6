import { GlassboxError } from '@glassbox/tensors-ops';
import type { Autoencoder } from './autoencoder.js';
import type { VAE } from './vae.js';
import { planLatentModel, type LatentVariableModel } from './io.js';
import { loadPretrainedModel, type PretrainedAsset, type PretrainedOptions } from '@glassbox/tensors-ops/models';

/** Names of the pretrained models shipped in the package's `weights/` folder. */
export const PRETRAINED_MODELS = ['digits-ae', 'digits-conv-ae', 'digits-vae'] as const;
export type PretrainedModelName = (typeof PRETRAINED_MODELS)[number];

export type { PretrainedOptions } from '@glassbox/tensors-ops/models';

// One literal `new URL(..., import.meta.url)` per file, so that bundlers (Vite, webpack 5) see and copy them.
const ASSETS: Record<PretrainedModelName, PretrainedAsset> = {
  'digits-ae': { model: new URL('../weights/digits-ae/model.json', import.meta.url), weights: new URL('../weights/digits-ae/weights.bin', import.meta.url) },
  'digits-conv-ae': { model: new URL('../weights/digits-conv-ae/model.json', import.meta.url), weights: new URL('../weights/digits-conv-ae/weights.bin', import.meta.url) },
  'digits-vae': { model: new URL('../weights/digits-vae/model.json', import.meta.url), weights: new URL('../weights/digits-vae/weights.bin', import.meta.url) },
};

const CATALOG = { names: PRETRAINED_MODELS, asset: (name: PretrainedModelName) => ASSETS[name], planner: () => planLatentModel };

/**
 * Loads a pretrained model that ships with the package, trained on the digits train split (8,000 images of
 * @glassbox/datasets) by `scripts/train.mjs` with a fixed seed (see the README for how well they do):
 *
 * - 'digits-ae': MLP autoencoder 784-256-16 (binary cross-entropy);
 * - 'digits-conv-ae': convolutional autoencoder (strided convs 32, 64 -> latent 16 -> transposed convs);
 * - 'digits-vae': MLP VAE 784-256-20 (Bernoulli decoder), `vae()` with its defaults.
 *
 * Inputs are float32 [N, 28, 28, 1] in 0..1. In Node the files are read from the package folder; in browsers
 * they are fetched (bundlers that understand `new URL('...', import.meta.url)` copy them; else serve
 * `weights/<name>/` yourself and pass `url`). The loading itself is tensors-ops' `loadPretrainedModel`.
 *
 * @param name one of `PRETRAINED_MODELS`.
 * @param options `url` (model.json elsewhere), `fetch`, `requestInit`, `maxElements`.
 * @returns a new Autoencoder or VAE that the caller owns (dispose it).
 * @throws GlassboxError INVALID_ARGUMENT (unknown name), BAD_WEIGHTS (files missing or corrupt).
 *
 * @example
 * ```ts
 * await initBackend();
 * const model = await loadPretrained('digits-vae');
 * const xHat = model.reconstruct(x);           // same shape as x, in 0..1
 * ```
 */
export function loadPretrained(name: 'digits-vae', options?: PretrainedOptions): Promise<VAE>;
export function loadPretrained(name: 'digits-ae' | 'digits-conv-ae', options?: PretrainedOptions): Promise<Autoencoder>;
export function loadPretrained(name: PretrainedModelName, options?: PretrainedOptions): Promise<LatentVariableModel>;
export async function loadPretrained(name: PretrainedModelName, options: PretrainedOptions = {}): Promise<LatentVariableModel> {
  const where = 'loadPretrained';
  const model = await loadPretrainedModel(name, CATALOG, options, where);
  const expected = name === 'digits-vae' ? 'vae' : 'ae';
  if (model.kind !== expected) {
    model.dispose();
    throw new GlassboxError('BAD_WEIGHTS', `${where}: '${name}' must be ${expected === 'vae' ? 'a VAE' : 'an autoencoder'}, but the files hold a model of kind '${model.kind}'`);
  }
  return model;
}
