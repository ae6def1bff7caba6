import { GlassboxError, assertOneOf, checkOptionKeys, describe, optionKeys } from '@glassbox/tensors-ops';
import type { Autoencoder } from './autoencoder.js';
import type { VAE } from './vae.js';
import { planLatentModel, type LatentVariableModel } from './io.js';
import { loadDir, loadUrl, nodeModules, type UrlLoadOptions } from '@glassbox/tensors-ops/models';

/** Names of the pretrained models shipped in the package's `weights/` folder. */
export const PRETRAINED_MODELS = ['digits-ae', 'digits-conv-ae', 'digits-vae'] as const;
export type PretrainedModelName = (typeof PRETRAINED_MODELS)[number];

/** Options of `loadPretrained`. */
export interface PretrainedOptions extends UrlLoadOptions {
  /**
   * Where model.json is (a URL string or URL object; 'file:' URLs are read from disk in Node). Default: the
   * package's own `weights/<name>/model.json`, read from disk in Node and fetched in browsers.
   */
  url?: string | URL;
}

/** The keys of PretrainedOptions. */
export const PRETRAINED_OPTION_KEYS = optionKeys<PretrainedOptions>({ url: true, fetch: true, requestInit: true, maxElements: true });

// One literal `new URL(..., import.meta.url)` per file, so that bundlers (Vite, webpack 5) see and copy them.
function defaultUrls(name: PretrainedModelName): { model: URL; weights: URL } {
  switch (name) {
    case 'digits-ae':
      return { model: new URL('../weights/digits-ae/model.json', import.meta.url), weights: new URL('../weights/digits-ae/weights.bin', import.meta.url) };
    case 'digits-conv-ae':
      return {
        model: new URL('../weights/digits-conv-ae/model.json', import.meta.url),
        weights: new URL('../weights/digits-conv-ae/weights.bin', import.meta.url),
      };
    case 'digits-vae':
      return { model: new URL('../weights/digits-vae/model.json', import.meta.url), weights: new URL('../weights/digits-vae/weights.bin', import.meta.url) };
  }
}

async function loadFileUrl(url: URL, options: PretrainedOptions, where: string): Promise<LatentVariableModel> {
  const { url: nodeUrl } = await nodeModules(where);
  return loadDir(nodeUrl.fileURLToPath(url), planLatentModel, { maxElements: options.maxElements }, where);
}

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
 * `weights/<name>/` yourself and pass `url`).
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
  assertOneOf(name, PRETRAINED_MODELS, 'name', where);
  const { url: _url, ...loadOptions } = checkOptionKeys<PretrainedOptions>(options, PRETRAINED_OPTION_KEYS, where);
  let model: LatentVariableModel;
  if (options.url !== undefined) {
    let url: URL | null = null;
    if (options.url instanceof URL) url = options.url;
    else if (typeof options.url === 'string' && options.url.length > 0) {
      try {
        url = new URL(options.url);
      } catch {
        url = null; // relative: fetched as given (against the page in a browser)
      }
    } else {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.url must be a URL or a non-empty string, got ${describe(options.url)}`);
    }
    if (url === null) model = await loadUrl(options.url as string, planLatentModel, loadOptions, where);
    else model = url.protocol === 'file:' ? await loadFileUrl(url, options, where) : await loadUrl(url.href, planLatentModel, loadOptions, where);
  } else {
    const urls = defaultUrls(name);
    model =
      urls.model.protocol === 'file:' ? await loadFileUrl(urls.model, options, where) : await loadUrl(urls.model.href, planLatentModel, loadOptions, where, urls.weights.href);
  }
  const expected = name === 'digits-vae' ? 'vae' : 'ae';
  if (model.kind !== expected) {
    model.dispose();
    throw new GlassboxError('BAD_WEIGHTS', `${where}: '${name}' must be ${expected === 'vae' ? 'a VAE' : 'an autoencoder'}, but the files hold a model of kind '${model.kind}'`);
  }
  return model;
}
