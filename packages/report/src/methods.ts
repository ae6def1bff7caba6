import { MODEL_KINDS, type ModelKind } from './types.js';
import { KIND_ADAPTERS } from './kinds/index.js';

export { METHOD_LABELS } from './labels.js';

/**
 * The methods of each kind's suite, in the order they run (each kind adapter lists its own, see
 * `KindAdapter.reportMethods`). `options.methods` picks a subset by these names; by default every method that
 * applies to the model runs (Grad-CAM needs a model that can split at a layer, the CycleGAN discriminator
 * saliency needs `discriminatorB`).
 */
export const REPORT_METHODS: Readonly<Record<ModelKind, readonly string[]>> = Object.freeze(
  Object.fromEntries(MODEL_KINDS.map((k) => [k, KIND_ADAPTERS[k].reportMethods])) as Record<ModelKind, readonly string[]>,
);
