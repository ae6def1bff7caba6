import type { Classifier } from './classifier.js';
import { planClassifier } from './io.js';
import { loadPretrainedModel, type PretrainedAsset, type PretrainedOptions } from '@glassbox/tensors-ops/models';

/** Names of the pretrained classifiers shipped in the package's `weights/` folder. */
export const PRETRAINED_CLASSIFIERS = ['digits-cnn'] as const;
export type PretrainedClassifierName = (typeof PRETRAINED_CLASSIFIERS)[number];

export type { PretrainedOptions } from '@glassbox/tensors-ops/models';

// One literal `new URL(..., import.meta.url)` per file, so that bundlers (Vite, webpack 5) see and copy them.
function asset(name: PretrainedClassifierName): PretrainedAsset {
  switch (name) {
    case 'digits-cnn':
      return {
        model: new URL('../weights/digits-cnn/model.json', import.meta.url),
        weights: new URL('../weights/digits-cnn/weights.bin', import.meta.url),
      };
  }
}

const CATALOG = { names: PRETRAINED_CLASSIFIERS, asset, planner: () => planClassifier };

/**
 * Loads a pretrained classifier that ships with the package, trained by `scripts/train.mjs` with a fixed
 * seed (see the README for how it was trained and how well it does):
 *
 * - 'digits-cnn': `createCnn()` trained on the digits train split (8,000 images of @glassbox/datasets);
 *   `predict(x)` gives logits [N, 10] for x float32 [N, 28, 28, 1] in 0..1; its last convolution is 'conv2'.
 *
 * In Node the files are read from the package folder; in browsers they are fetched (bundlers that understand
 * `new URL('...', import.meta.url)` copy them; else serve `weights/<name>/` yourself and pass `url`). The loading
 * itself is tensors-ops' `loadPretrainedModel`, shared by every models package.
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
export function loadPretrained(name: PretrainedClassifierName, options: PretrainedOptions = {}): Promise<Classifier> {
  return loadPretrainedModel(name, CATALOG, options);
}
