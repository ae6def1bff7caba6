import { GlassboxError, assertOneOf, checkOptionKeys, describe, optionKeys } from '@glassbox/tensors-ops';
import type { Classifier } from './classifier.js';
import { planClassifier } from './io.js';
import { loadDir, loadUrl, nodeModules, type UrlLoadOptions } from '@glassbox/tensors-ops/models';

/** Names of the pretrained classifiers shipped in the package's `weights/` folder. */
export const PRETRAINED_CLASSIFIERS = ['digits-cnn'] as const;
export type PretrainedClassifierName = (typeof PRETRAINED_CLASSIFIERS)[number];

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
function defaultUrls(name: PretrainedClassifierName): { model: URL; weights: URL } {
  switch (name) {
    case 'digits-cnn':
      return {
        model: new URL('../weights/digits-cnn/model.json', import.meta.url),
        weights: new URL('../weights/digits-cnn/weights.bin', import.meta.url),
      };
  }
}

async function loadFileUrl(url: URL, options: PretrainedOptions, where: string): Promise<Classifier> {
  const { url: nodeUrl } = await nodeModules(where);
  return loadDir(nodeUrl.fileURLToPath(url), planClassifier, { maxElements: options.maxElements }, where);
}

/**
 * Loads a pretrained classifier that ships with the package, trained by `scripts/train.mjs` with a fixed
 * seed (see the README for how it was trained and how well it does):
 *
 * - 'digits-cnn': `createCnn()` trained on the digits train split (8,000 images of @glassbox/datasets);
 *   `predict(x)` gives logits [N, 10] for x float32 [N, 28, 28, 1] in 0..1; its last convolution is 'conv2'.
 *
 * In Node the files are read from the package folder; in browsers they are fetched (bundlers that understand
 * `new URL('...', import.meta.url)` copy them; else serve `weights/<name>/` yourself and pass `url`).
 *
 * @param name one of `PRETRAINED_CLASSIFIERS`.
 * @param options `url` (model.json elsewhere), `fetch`, `requestInit`, `maxElements`.
 * @returns a new Classifier the caller owns (dispose it).
 * @throws GlassboxError INVALID_ARGUMENT (unknown name), BAD_WEIGHTS (files missing or corrupt).
 *
 * @example
 * ```ts
 * await initBackend();
 * const cnn = await loadPretrained('digits-cnn');
 * const logits = cnn.predict(x);               // [N, 10]
 * ```
 */
export async function loadPretrained(name: PretrainedClassifierName, options: PretrainedOptions = {}): Promise<Classifier> {
  const where = 'loadPretrained';
  assertOneOf(name, PRETRAINED_CLASSIFIERS, 'name', where);
  const { url: _url, ...loadOptions } = checkOptionKeys<PretrainedOptions>(options, PRETRAINED_OPTION_KEYS, where);
  if (options.url !== undefined) {
    let url: URL | null = null;
    if (options.url instanceof URL) url = options.url;
    else if (typeof options.url === 'string' && options.url.length > 0) {
      try {
        url = new URL(options.url);
      } catch {
        url = null; // relative: fetched as given (against the page in a browser)
      }
      if (url === null) return loadUrl(options.url, planClassifier, loadOptions, where);
    } else {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.url must be a URL or a non-empty string, got ${describe(options.url)}`);
    }
    return url.protocol === 'file:' ? loadFileUrl(url, options, where) : loadUrl(url.href, planClassifier, loadOptions, where);
  }
  const urls = defaultUrls(name);
  if (urls.model.protocol === 'file:') return loadFileUrl(urls.model, options, where);
  return loadUrl(urls.model.href, planClassifier, loadOptions, where, urls.weights.href);
}
