import { GlassboxError, assertOneOf, describe } from '@glassbox/tensors-ops';
import { GAN } from './gan.js';
import { CycleGAN } from './cyclegan.js';
import { checkKeys, checkOptions } from './common.js';

/** The pretrained models shipped in the package's `weights/` folder. */
export type PretrainedName = 'digits-gan' | 'digits-cyclegan';
export const PRETRAINED_NAMES: readonly PretrainedName[] = ['digits-gan', 'digits-cyclegan'];

/** Options of `loadPretrained`. */
export interface PretrainedOptions {
  /**
   * Where model.json is. Default: the package's own `weights/<name>/model.json`, next to its `dist` folder
   * (`new URL('../weights/<name>/model.json', import.meta.url)`): read with node:fs in Node, fetched in a
   * browser (bundlers that understand `new URL(..., import.meta.url)` copy the files; otherwise serve the
   * folder and pass its URL here).
   */
  url?: string | URL;
  /** The fetch to use for http(s) URLs (default: the global fetch). */
  fetch?: typeof fetch;
  /** Passed to every fetch call. */
  requestInit?: RequestInit;
}

function defaultUrl(name: PretrainedName): URL {
  // One literal `new URL` per model, so that bundlers can see and copy the files.
  switch (name) {
    case 'digits-gan':
      return new URL('../weights/digits-gan/model.json', import.meta.url);
    case 'digits-cyclegan':
      return new URL('../weights/digits-cyclegan/model.json', import.meta.url);
  }
}

/**
 * Loads a model trained by the package's `scripts/train.mjs` (fixed seed) on the digits of
 * `@glassbox/datasets`:
 * - 'digits-gan': an unconditional DCGAN, latent 100 -> 28x28x1 digits (`sample`, `generator`, `discriminator`);
 * - 'digits-cyclegan': a CycleGAN between thin digits (A) and the same kind of digits thickened by a 3x3
 *   dilation (B) (`translateAB`, `translateBA`, `discriminatorA`, `discriminatorB`).
 * Their measured quality is in the package README and in `weights/<name>/metrics.json`.
 *
 * @param name 'digits-gan' or 'digits-cyclegan'.
 * @param options `url` (another location of model.json), `fetch`, `requestInit`.
 * @returns the model; the caller disposes it.
 * @throws GlassboxError INVALID_ARGUMENT for an unknown name, BAD_WEIGHTS when the files are missing or bad.
 *
 * @example
 * ```ts
 * import { initBackend } from '@glassbox/tensors-ops';
 * import { loadPretrained } from '@glassbox/models-gan';
 * await initBackend();
 * const gan = await loadPretrained('digits-gan');
 * const images = await gan.sample(16, 1);   // [16, 28, 28, 1] in 0..1
 * ```
 */
export async function loadPretrained(name: 'digits-gan', options?: PretrainedOptions): Promise<GAN>;
export async function loadPretrained(name: 'digits-cyclegan', options?: PretrainedOptions): Promise<CycleGAN>;
export async function loadPretrained(name: PretrainedName, options?: PretrainedOptions): Promise<GAN | CycleGAN>;
export async function loadPretrained(name: PretrainedName, options: PretrainedOptions = {}): Promise<GAN | CycleGAN> {
  const where = 'loadPretrained';
  const n = assertOneOf(name, PRETRAINED_NAMES, 'name', where);
  const o = checkOptions(options, where);
  checkKeys(o, ['url', 'fetch', 'requestInit'], where);
  if (o.url !== undefined && !(typeof o.url === 'string' && o.url.length > 0) && !(o.url instanceof URL)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.url must be a non-empty string or a URL, got ${describe(o.url)}`);
  }
  const url = o.url ?? defaultUrl(n);
  const loadOptions = { ...(o.fetch !== undefined ? { fetch: o.fetch } : {}), ...(o.requestInit !== undefined ? { requestInit: o.requestInit } : {}) };
  return n === 'digits-gan' ? GAN.load(url, loadOptions) : CycleGAN.load(url, loadOptions);
}
