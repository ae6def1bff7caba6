import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, describe } from '../errors.js';

/**
 * A model whose named layers can be read and replaced, for the layer methods (Grad-CAM, guided Grad-CAM,
 * layer integrated gradients, layer conductance, layer activations). It is the general form of a split: a
 * straight chain can be cut in two at a layer (`features`, `head`), but in a graph with skip connections the
 * part after a layer also reads tensors computed before it, so it cannot run from the layer's output alone.
 * Here the model always runs from the input rows x, and only the named layer's output is swapped:
 *
 *   layerOutput(x, L)                  = a_L(x), the output of layer L on rows x
 *   forwardWithLayer(x, L, a_L(x))     = F(x), the model's output (exactly, up to float rounding)
 *   forwardWithLayer(x, L, v)          = F(x) with the output of L replaced by v, every other tensor the model
 *                                        computes from x as usual (skip connections read x's values)
 *
 * so that d forwardWithLayer(x, L, v) / d v at v = a_L(x) is the gradient of the output with respect to the
 * layer, as PyTorch's forward hooks give it (Captum's layer methods replace a module's output the same way).
 *
 * A chain implements it by ignoring x in `forwardWithLayer` (the rest of the chain runs on v); a graph runs
 * every node from x and substitutes v at L. tensors-ops' `Sequential` (layer names) and `ResidualModel`
 * (block paths, residual bodies included: 'res1/conv_0') implement it, and so do the models of
 * `@glassbox/adapters` (tfjs-layers layer names, graph-model node names).
 *
 * Every method runs in inference mode, must not keep or dispose its arguments, returns a new tensor the caller
 * owns (never one of its arguments), and is differentiable with respect to x and v (tf.grad works through it).
 * An unknown layer name throws (a `GlassboxError` INVALID_ARGUMENT naming the known layers is best; the layer
 * methods check the name against `layerNames` before calling).
 */
export interface LayerModel {
  /** The names a layer method accepts, in the order the layers run. Non-empty. */
  readonly layerNames: readonly string[];
  /** a_L(x): the output of layer `layer` for rows x, [N, ...layerShape] float32. */
  layerOutput(x: Tensor, layer: string): Tensor;
  /**
   * The model's output ([N, K] or [N]) on rows x with the output of `layer` replaced by `value` (float32, the
   * shape of `layerOutput(x, layer)`, one row per row of x).
   */
  forwardWithLayer(x: Tensor, layer: string, value: Tensor): Tensor;
  /**
   * Optional: the input of `layer` (the one tensor it reads) for rows x. With `forwardWithLayerInput`, lets
   * the layer methods attribute to a layer's input (Captum's `attribute_to_layer_input`).
   */
  layerInput?(x: Tensor, layer: string): Tensor;
  /**
   * Optional: the model's output on rows x with the input of `layer` replaced by `value` for that layer only
   * (other readers of the same tensor, e.g. a skip connection, still see the original).
   */
  forwardWithLayerInput?(x: Tensor, layer: string, value: Tensor): Tensor;
}

/** True for an object with `layerNames` (an array), `layerOutput` and `forwardWithLayer` (functions). */
export function isLayerModel(value: unknown): value is LayerModel {
  if (value == null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const v = value as Partial<LayerModel>;
  return Array.isArray(v.layerNames) && typeof v.layerOutput === 'function' && typeof v.forwardWithLayer === 'function';
}

/** Names for a message: quoted, the first 20 and how many more. */
export function formatLayerNames(names: readonly string[]): string {
  const quoted = names.slice(0, 20).map((k) => `'${k}'`).join(', ');
  return names.length <= 20 ? quoted : `${quoted} and ${names.length - 20} more`;
}

/**
 * Checks a layer name against a LayerModel's `layerNames` and returns it.
 * @throws GlassboxError INVALID_ARGUMENT when `layer` is missing, not a string, or not among the names (the
 *   message lists them), or when the model lists no layers.
 */
export function checkLayerName(model: LayerModel, layer: unknown, where: string, name = 'options.layer'): string {
  const names = model.layerNames;
  if (!Array.isArray(names) || names.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model lists no layers (layerNames is ${describe(names)}); a layer method needs a model with named layers`);
  }
  if (typeof layer !== 'string' || layer.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must name the layer to explain, one of ${formatLayerNames(names)}, got ${describe(layer)}`);
  }
  if (!names.includes(layer)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be one of ${formatLayerNames(names)}, got '${layer}'`);
  }
  return layer;
}
