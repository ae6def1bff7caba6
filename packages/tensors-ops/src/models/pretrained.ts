/**
 * Pretrained weights that a models package commits in its `weights/<name>/` folder (model.json + weights.bin),
 * loaded the same way by every package: from disk in Node, by fetch in a browser bundle, or from wherever
 * `options.url` says.
 *
 * The package itself computes where its files are, with one literal `new URL('../weights/<name>/model.json',
 * import.meta.url)` per file in its own source: bundlers (Vite, webpack 5) see those literals, copy the files and
 * rewrite the URLs, which they could not do for a URL built here from a name. In Node the same expression gives
 * a file: URL into the installed package, which is read from disk.
 */
import { GlassboxError, assertOneOf, checkOptionKeys, describe, optionKeys } from '../index.js';
import { loadDir, loadUrl, nodeModules, type LoadOptions, type Planner } from './model-io.js';
import { loadModel } from './persistence.js';

/** Options of every package's `loadPretrained`. */
export interface PretrainedOptions extends LoadOptions {
  /**
   * Where model.json is instead of the package's own copy: a URL (string or URL object; file: URLs are read
   * from disk in Node) or, in Node, a path (any source `loadModel` takes as a string).
   */
  url?: string | URL;
}

/** The keys of PretrainedOptions. */
export const PRETRAINED_OPTION_KEYS = optionKeys<PretrainedOptions>({ url: true, maxElements: true, fetch: true, requestInit: true });

/** The committed files of one pretrained model, as the package computes them (see the module comment). */
export interface PretrainedAsset {
  /** `new URL('../weights/<name>/model.json', import.meta.url)`. */
  model: URL;
  /** `new URL('../weights/<name>/weights.bin', import.meta.url)`: a bundler may rename it, so it is fetched from here. */
  weights: URL;
}

/** What a package tells `loadPretrainedModel` about its pretrained models. */
export interface PretrainedCatalog<N extends string, T> {
  /** The valid names, in the order error messages list them. */
  names: readonly N[];
  /** The files of one name (literal `new URL(..., import.meta.url)` expressions in the package). */
  asset: (name: N) => PretrainedAsset;
  /** How to read the model.json of one name (the model kind's planner). */
  planner: (name: N) => Planner<T>;
}

/**
 * Loads a pretrained model by name: checks the name (INVALID_ARGUMENT listing the valid ones) and the options
 * (`url`, `maxElements`, `fetch`, `requestInit`), then reads the files:
 * - with `options.url`: from there, as `loadModel` reads a string or URL source;
 * - else the package's files: a file: URL (Node) is read from disk; any other (a bundle) is fetched, model.json
 *   from `asset.model` and the weights from `asset.weights`, so that renamed bundle assets are found.
 *
 * @returns the model the planner builds; the caller owns it.
 * @throws GlassboxError INVALID_ARGUMENT (unknown name, bad options), BAD_WEIGHTS (files missing or corrupt).
 */
export async function loadPretrainedModel<N extends string, T>(name: unknown, catalog: PretrainedCatalog<N, T>, options: PretrainedOptions | undefined, where = 'loadPretrained'): Promise<T> {
  const n = assertOneOf(name, catalog.names, 'name', where);
  const { url, ...loadOptions } = checkOptionKeys<PretrainedOptions>(options, PRETRAINED_OPTION_KEYS, where);
  const planner = catalog.planner(n);
  if (url !== undefined) {
    if (!(url instanceof URL) && !(typeof url === 'string' && url.length > 0)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.url must be a URL or a non-empty string, got ${describe(url)}`);
    }
    return loadModel(url, planner, loadOptions, where);
  }
  const asset = catalog.asset(n);
  if (asset.model.protocol === 'file:') {
    const { url: nodeUrl } = await nodeModules(where);
    return loadDir(nodeUrl.fileURLToPath(asset.model), planner, loadOptions, where);
  }
  return loadUrl(asset.model.href, planner, loadOptions, where, asset.weights.href);
}
