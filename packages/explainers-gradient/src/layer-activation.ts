import type { Tensor } from '@tensorflow/tfjs-core';
import { Progress, booleanOption, checkCommonOptions, checkInput, checkOptionKeys, declareOptionKeys, forEachBatch, optionKeys, tf } from '@glassbox/tensors-ops';
import { rowsOf } from './internal/engine.js';
import { LayerShape } from './internal/layer-run.js';
import { resolveLayer } from './internal/layers.js';
import type { CamModel } from './internal/layers.js';

export interface LayerActivationOptions {
  /** The layer to read: one of the model's `layerNames` (or a name its split takes). */
  layer?: string;
  /** Read the layer's input instead of its output (needs a model with layerInput). Default false. */
  attributeToLayerInput?: boolean;
  /** Most rows per model call (default 64). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** The keys of LayerActivationOptions. */
export const LAYER_ACTIVATION_OPTION_KEYS = optionKeys<LayerActivationOptions>({
  layer: true,
  attributeToLayerInput: true,
  batchSize: true,
  onProgress: true,
  signal: true,
});

/**
 * A layer's activations: the output (or input) of a named layer for rows x, batch by batch (Captum's
 * LayerActivation). What the layer methods attribute to, and what a user inspects next to them.
 *
 *   layerActivation(model, x, { layer }) = a_layer(x)        [N, ...layerShape]
 *
 * @param model a tensors-ops `LayerModel` (`options.layer` one of its layerNames), a model with
 *   split(layerName), or { features, head } (the features' output).
 * @param x float32 rows [N, ...] (rank >= 2), finite.
 * @param options `layer` (required with a LayerModel or split), `attributeToLayerInput` (default false),
 *   `batchSize` (default 64; the result does not depend on it), `onProgress`, `signal`.
 * @returns the activations [N, ...layerShape], owned by the caller.
 *
 * @example
 * ```ts
 * const maps = await layerActivation(model, images, { layer: 'conv2' }); // [N, h, w, C]
 * ```
 */
export async function layerActivation(model: CamModel, x: Tensor, options: LayerActivationOptions = {}): Promise<Tensor> {
  const where = 'layerActivation';
  options = checkOptionKeys<LayerActivationOptions>(options, LAYER_ACTIVATION_OPTION_KEYS, where);
  const toInput = booleanOption(options.attributeToLayerInput, 'options.attributeToLayerInput', where, false);
  const access = resolveLayer(model, options.layer, where, toInput ? 'input' : 'output');
  checkInput(x, where);
  const { batchSize } = checkCommonOptions(options, where);
  const n = x.shape[0]!;
  const progress = new Progress(n, options.onProgress);
  const shape = new LayerShape();
  const parts: Tensor[] = [];
  try {
    await forEachBatch(
      n,
      (start, end) => {
        parts.push(
          tf.tidy(() => {
            const a = access.output(rowsOf(x, start, end));
            shape.check(a, end - start, access, where);
            return a;
          }),
        );
        progress.add(end - start);
      },
      { batchSize, signal: options.signal, where },
    );
    return parts.length === 1 ? parts.pop()! : tf.concat(parts, 0);
  } finally {
    for (const p of parts) p.dispose();
  }
}
declareOptionKeys(layerActivation, LAYER_ACTIVATION_OPTION_KEYS);
