/**
 * The pretrained models committed in the package's `weights/` folder, loaded by tensors-ops/models'
 * `loadPretrainedModel` (the same loader as every models package's).
 */
import { loadPretrainedModel, type PretrainedAsset, type PretrainedCatalog, type PretrainedOptions } from '@glassbox/tensors-ops/models';
import { CYCLEGAN_PLANNER, CycleGAN } from './cyclegan.js';
import { GAN_PLANNER, GAN } from './gan.js';

/** The pretrained models shipped in the package's `weights/` folder. */
export type PretrainedName = 'digits-gan' | 'digits-cyclegan';
export const PRETRAINED_NAMES: readonly PretrainedName[] = ['digits-gan', 'digits-cyclegan'];

/**
 * Options of `loadPretrained`: `url` (model.json elsewhere: a URL, or a path in Node), `maxElements`, `fetch`,
 * `requestInit`. Default location: the package's own `weights/<name>/` folder next to its `dist` folder, read
 * with node:fs in Node and fetched in a browser (bundlers that understand `new URL(..., import.meta.url)` copy
 * the files; otherwise serve the folder and pass its URL here).
 */
export type { PretrainedOptions } from '@glassbox/tensors-ops/models';

// One literal `new URL(..., import.meta.url)` per file, so that bundlers (Vite, webpack 5) see and copy them.
const ASSETS: Record<PretrainedName, PretrainedAsset> = {
  'digits-gan': { model: new URL('../weights/digits-gan/model.json', import.meta.url), weights: new URL('../weights/digits-gan/weights.bin', import.meta.url) },
  'digits-cyclegan': { model: new URL('../weights/digits-cyclegan/model.json', import.meta.url), weights: new URL('../weights/digits-cyclegan/weights.bin', import.meta.url) },
};

const CATALOG: PretrainedCatalog<PretrainedName, GAN | CycleGAN> = {
  names: PRETRAINED_NAMES,
  asset: (name) => ASSETS[name],
  planner: (name) => (name === 'digits-gan' ? GAN_PLANNER : CYCLEGAN_PLANNER),
};

/**
 * Loads a model trained by the package's `scripts/train.mjs` (fixed seed) on the digits of
 * `@glassbox/datasets`:
 * - 'digits-gan': an unconditional DCGAN, latent 100 -> 28x28x1 digits (`sample`, `generator`, `discriminator`);
 * - 'digits-cyclegan': a CycleGAN between thin digits (A) and the same kind of digits thickened by a 3x3
 *   dilation (B) (`translateAB`, `translateBA`, `discriminatorA`, `discriminatorB`).
 * Their measured quality is in the package README and in `weights/<name>/metrics.json`.
 *
 * @param name 'digits-gan' or 'digits-cyclegan'.
 * @param options `url` (another location of model.json), `maxElements`, `fetch`, `requestInit`.
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
  return loadPretrainedModel(name, CATALOG, options);
}
