/**
 * Access to one layer of a model, whatever form the model takes: a tensors-ops `LayerModel` (a Sequential, a
 * ResidualModel, an adapters model: any graph), a model with split(layerName) (a chain), or { features, head }.
 * Every form becomes `output(x)` = the layer's value a(x) and `forward(x, a)` = the model's output on rows x
 * with the layer's value replaced by a; for a chain forward ignores x.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, asForward, checkLayerName, describe, isLayerModel } from '@glassbox/tensors-ops';
import type { LayerModel, Predictable } from '@glassbox/tensors-ops';

/** A model cut in two at a layer: head(features(x)) is the model. */
export interface FeaturesHead {
  features: Predictable;
  head: Predictable;
}

/** A model that can cut itself at a named layer (a tensors-ops nn `Sequential`). */
export interface Splittable {
  split(layerName: string): { features: (x: Tensor) => Tensor; head: (a: Tensor) => Tensor };
}

/**
 * What the layer methods take: a `LayerModel` (any graph, residual ones included: the layer is read and
 * replaced while everything else runs from x), a model with split(layerName), or { features, head }.
 */
export type CamModel = FeaturesHead | Splittable | LayerModel;

/** One layer of a model, resolved. */
export interface LayerAccess {
  /** The layer's name; undefined for { features, head }. */
  layer: string | undefined;
  /** What the layer's value is called in messages, e.g. "the output of layer 'conv2'" or 'features'. */
  valueName: string;
  /** What the function that returns the value is called in messages ('features' keeps the old wording). */
  outputName: string;
  /** What the function that runs the rest is called in messages. */
  forwardName: string;
  /** a(x): the layer's value on rows x. */
  output(x: Tensor): Tensor;
  /** The model's output on rows x with the layer's value replaced by a. */
  forward(x: Tensor, a: Tensor): Tensor;
  /**
   * The whole model in one pass: a LayerModel's own predict(x) when it has one, else forward(x, output(x))
   * (head(features(x)) for a split). The same function, but a graph run twice (once for the layer, once
   * around it) would apply a gradient rule (guided ReLU) to each copy of a shared ReLU separately.
   */
  model(x: Tensor): Tensor;
}

/** Which side of the layer: its output (default) or its input (Captum's attribute_to_layer_input). */
export type LayerSide = 'output' | 'input';

/**
 * Resolves the layer a layer method explains. Order: a LayerModel (options.layer must be one of its
 * layerNames), then split(layerName), then { features, head } (no options.layer).
 * @throws GlassboxError INVALID_ARGUMENT for a model of none of these forms, a missing or unknown layer
 *   (naming the known ones), a layer option given with { features, head }, or the input side asked of a model
 *   that cannot replace a layer's input.
 */
export function resolveLayer(model: unknown, layer: unknown, where: string, side: LayerSide = 'output'): LayerAccess {
  const m = model as Partial<FeaturesHead & Splittable & LayerModel> | null;
  if (isLayerModel(model)) {
    const name = checkLayerName(model, layer, where);
    const whole = (x: Tensor, access: LayerAccess): Tensor => access.forward(x, access.output(x));
    const predict = typeof (model as { predict?: unknown }).predict === 'function' ? asForward(model as unknown as Predictable, where, 'model') : null;
    if (side === 'input') {
      if (typeof model.layerInput !== 'function' || typeof model.forwardWithLayerInput !== 'function') {
        throw new GlassboxError(
          'INVALID_ARGUMENT',
          `${where}: options.attributeToLayerInput needs a model with layerInput(x, layer) and forwardWithLayerInput(x, layer, value); this model can only read and replace layer outputs`,
        );
      }
      const access: LayerAccess = {
        layer: name,
        valueName: `the input of layer '${name}'`,
        outputName: `layerInput(x, '${name}')`,
        forwardName: `forwardWithLayerInput(x, '${name}', value)`,
        output: (x) => model.layerInput!(x, name),
        forward: (x, a) => model.forwardWithLayerInput!(x, name, a),
        model: (x) => (predict === null ? whole(x, access) : predict(x)),
      };
      return access;
    }
    const access: LayerAccess = {
      layer: name,
      valueName: `the output of layer '${name}'`,
      outputName: `layerOutput(x, '${name}')`,
      forwardName: `forwardWithLayer(x, '${name}', value)`,
      output: (x) => model.layerOutput(x, name),
      forward: (x, a) => model.forwardWithLayer(x, name, a),
      model: (x) => (predict === null ? whole(x, access) : predict(x)),
    };
    return access;
  }
  const refuseInput = (): void => {
    if (side === 'input') {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: options.attributeToLayerInput needs a model with layerInput(x, layer) and forwardWithLayerInput(x, layer, value) (a tensors-ops LayerModel), not a split model`,
      );
    }
  };
  if (m != null && typeof m === 'object' && typeof m.split === 'function') {
    if (typeof layer !== 'string' || layer.length === 0) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: options.layer must name the layer to explain (e.g. the last convolution) when model can split(layerName), got ${describe(layer)}`,
      );
    }
    refuseInput();
    const s = m.split(layer);
    const features = asForward(s.features, where, 'features');
    const head = asForward(s.head, where, 'head');
    return { layer, valueName: 'the output of features', outputName: 'features', forwardName: 'head', output: features, forward: (_x, a) => head(a), model: (x) => head(features(x)) };
  }
  if (m != null && (typeof m === 'object' || typeof m === 'function') && m.features !== undefined && m.head !== undefined) {
    if (layer !== undefined) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.layer is only used with a model that has named layers (layerNames) or split(layerName); model gives features and head directly`);
    }
    refuseInput();
    const features = asForward(m.features, where, 'model.features');
    const head = asForward(m.head, where, 'model.head');
    return { layer: undefined, valueName: 'the output of features', outputName: 'features', forwardName: 'head', output: features, forward: (_x, a) => head(a), model: (x) => head(features(x)) };
  }
  throw new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: model must have named layers (a LayerModel: layerNames, layerOutput(x, layer), forwardWithLayer(x, layer, value)), ` +
      `have split(layerName), or be { features, head } (two functions, head(features(x)) = the model), got ${describe(model)}`,
  );
}
