import { GlassboxError, assertOneOf, checkOptionKeys, describe, optionKeys } from '@glassbox/tensors-ops';
import { loadDir, loadUrl, nodeModules, type LoadPlan, type UrlLoadOptions } from '@glassbox/tensors-ops/models';
import { GPT, planGPT } from './gpt.js';
import { TextClassifier, planTextClassifier } from './text-classifier.js';

/** Names of the pretrained models shipped in the package's `weights/` folder. */
export const PRETRAINED_TRANSFORMERS = ['names-gpt', 'spam-encoder'] as const;
export type PretrainedTransformerName = (typeof PRETRAINED_TRANSFORMERS)[number];

/** The model each pretrained name gives. */
export interface PretrainedModels {
  'names-gpt': GPT;
  'spam-encoder': TextClassifier;
}

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
function defaultUrls(name: PretrainedTransformerName): { model: URL; weights: URL } {
  switch (name) {
    case 'names-gpt':
      return {
        model: new URL('../weights/names-gpt/model.json', import.meta.url),
        weights: new URL('../weights/names-gpt/weights.bin', import.meta.url),
      };
    case 'spam-encoder':
      return {
        model: new URL('../weights/spam-encoder/model.json', import.meta.url),
        weights: new URL('../weights/spam-encoder/weights.bin', import.meta.url),
      };
  }
}

function plannerOf(name: PretrainedTransformerName): (modelJSON: unknown, where: string) => LoadPlan<GPT | TextClassifier> {
  return name === 'names-gpt' ? planGPT : planTextClassifier;
}

/**
 * Loads a pretrained model that ships with the package, trained by the package's scripts with a fixed seed
 * on the WASM backend (see the README for how it was trained and how well it does):
 *
 * - 'names-gpt': a `GPT` over characters (`scripts/train-names-gpt.mjs`), trained on the first names of
 *   @glassbox/datasets (train split, 7,629 names); `generate('', { seed })` writes a new name.
 * - 'spam-encoder': a `TextClassifier` (`scripts/train-spam-encoder.mjs`), trained on the SpamAssassin
 *   e-mail of @glassbox/datasets (train split); `predict(ids)` gives logits [N, 2] (ham, spam).
 *
 * The tokenizer's vocabulary is saved in model.json with the architecture, so loading needs no data package.
 * In Node the files are read from the package folder; in browsers they are fetched (bundlers that understand
 * `new URL('...', import.meta.url)` copy them; else serve `weights/<name>/` yourself and pass `url`).
 *
 * @param name 'names-gpt' or 'spam-encoder'.
 * @param options `url` (model.json elsewhere), `fetch`, `requestInit`, `maxElements`.
 * @returns a new model the caller owns (dispose it).
 * @throws GlassboxError INVALID_ARGUMENT (unknown name or option), BAD_WEIGHTS (files missing or corrupt).
 *
 * @example
 * ```ts
 * await initBackend();
 * const gpt = await loadPretrained('names-gpt');
 * console.log(gpt.generate('', { seed: 1 }).text);
 * ```
 */
export async function loadPretrained<N extends PretrainedTransformerName>(name: N, options: PretrainedOptions = {}): Promise<PretrainedModels[N]> {
  const where = 'loadPretrained';
  assertOneOf(name, PRETRAINED_TRANSFORMERS, 'name', where);
  const { url: _url, ...loadOptions } = checkOptionKeys<PretrainedOptions>(options, PRETRAINED_OPTION_KEYS, where);
  const planner = plannerOf(name);
  const fromFile = async (url: URL): Promise<GPT | TextClassifier> => {
    const { url: nodeUrl } = await nodeModules(where);
    return loadDir(nodeUrl.fileURLToPath(url), planner, { maxElements: options.maxElements }, where);
  };
  let model: GPT | TextClassifier;
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
    if (url === null) model = await loadUrl(options.url as string, planner, loadOptions, where);
    else model = url.protocol === 'file:' ? await fromFile(url) : await loadUrl(url.href, planner, loadOptions, where);
  } else {
    const urls = defaultUrls(name);
    model = urls.model.protocol === 'file:' ? await fromFile(urls.model) : await loadUrl(urls.model.href, planner, loadOptions, where, urls.weights.href);
  }
  return model as PretrainedModels[N];
}
