/**
 * TensorFlow.js layers models (a Keras model converted with the tensorflowjs converter, or one saved by tfjs-layers'
 * own `model.save`) as Glassbox models. Needs the optional peer @tensorflow/tfjs-layers.
 */
import { GlassboxError, checkOptionKeys, describe, optionKeys, tf, type Tensor } from '@glassbox/tensors-ops';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { importLayers } from './optional.js';
import { memoryHandler, readModelFiles, type ModelSource } from './files.js';
import { layersPoolSpec } from '../pool/spec.js';
import { buildError, checkDeclaredOutput, checkInputShape, checkOutput, type TfjsModel } from './model.js';

/** Options of fromLayersModel and loadLayersModel. */
export interface LayersModelOptions {
  /**
   * Explain logits instead of probabilities: when the model's last layer applies a softmax (a Dense or Conv layer
   * with `activation: 'softmax'`, or an Activation / Softmax layer), the model runs without it (the same layer with
   * a linear activation and the same weights, or the softmax's input). A model without a final softmax is refused.
   * Default false.
   */
  logits?: boolean;
}

export const LAYERS_MODEL_OPTION_KEYS = optionKeys<LayersModelOptions>({ logits: true });

/** What fromLayersModel needs of a tfjs-layers model (a LayersModel or Sequential). */
export interface LayersModelLike {
  apply(x: Tensor, kwargs?: Record<string, unknown>): unknown;
  readonly layers: ReadonlyArray<{ name: string }>;
  readonly inputs: ReadonlyArray<{ shape: Array<number | null> }>;
  readonly outputs: ReadonlyArray<{ shape: Array<number | null> }>;
}

function isLayersModel(m: unknown): m is LayersModel {
  const o = m as Partial<LayersModel> | null;
  return o != null && typeof o === 'object' && typeof o.apply === 'function' && Array.isArray(o.layers) && Array.isArray(o.inputs) && Array.isArray(o.outputs);
}

/** The model without its final softmax, and the layer made for it (to dispose), or throws INVALID_ARGUMENT. */
function withoutSoftmax(tfl: typeof import('@tensorflow/tfjs-layers'), model: LayersModel, where: string): { model: LayersModel; made: { dispose(): unknown } | null } {
  const out = model.outputs[0]!;
  const last = out.sourceLayer as unknown as {
    name: string;
    getClassName(): string;
    getConfig(): Record<string, unknown>;
    input: SymbolicTensor | SymbolicTensor[];
    getWeights(): Tensor[];
    inboundNodes: unknown[];
  };
  const config = last.getConfig();
  const cls = last.getClassName();
  if (Array.isArray(last.input) || last.inboundNodes.length !== 1) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.logits: the model's last layer ${JSON.stringify(last.name)} (${cls}) takes several inputs or is shared; split off the softmax by hand`);
  }
  if (cls === 'Softmax' || (cls === 'Activation' && config.activation === 'softmax')) {
    return { model: tfl.model({ inputs: model.inputs, outputs: last.input }), made: null };
  }
  if (config.activation === 'softmax') {
    const Ctor = (last as unknown as { constructor: new (c: Record<string, unknown>) => { apply(x: SymbolicTensor): SymbolicTensor; setWeights(w: Tensor[]): void; dispose(): unknown } }).constructor;
    const copy = new Ctor({ ...config, activation: 'linear', name: `${last.name}_logits` });
    const logits = copy.apply(last.input);
    copy.setWeights(last.getWeights());
    return { model: tfl.model({ inputs: model.inputs, outputs: logits }), made: copy };
  }
  throw new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: options.logits: the model's last layer ${JSON.stringify(last.name)} (${cls}, activation ${describe(config.activation)}) applies no softmax to remove; leave options.logits out to explain its output as it is`,
  );
}

function wrap(tfl: typeof import('@tensorflow/tfjs-layers'), model: LayersModel, options: LayersModelOptions, where: string, owned: boolean): TfjsModel {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model must have one input and one output, got ${model.inputs.length} inputs and ${model.outputs.length} outputs; wrap it in a function that feeds and picks them`);
  }
  const outputShape = model.outputs[0]!.shape.slice();
  checkDeclaredOutput(outputShape, where, JSON.stringify(model.outputs[0]!.name));
  const { model: run, made } = options.logits === true ? withoutSoftmax(tfl, model, where) : { model, made: null };
  const inputShape = model.inputs[0]!.shape.slice();
  let disposed = false;
  return {
    kind: 'layers',
    inputShape,
    outputShape,
    layers: model.layers.map((l) => l.name),
    logits: options.logits === true ? 'input' : null,
    inner: model,
    predict(x: Tensor): Tensor {
      if (disposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model was disposed`);
      checkInputShape(x, inputShape, 'predict');
      return tf.tidy(() => checkOutput(run.apply(x, { training: false }), x.shape[0]!, 'predict'));
    },
    toPooledModel() {
      if (disposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model was disposed`);
      return layersPoolSpec(model, options, where);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      made?.dispose();
      if (owned) model.dispose();
    },
  };
}

/**
 * A tfjs-layers model (LayersModel or Sequential, one input and one output) as a Glassbox model: `predict` runs the
 * layers directly (`model.apply(x)`, differentiable, no internal batching), the output must be [N, K] or [N].
 * The model stays yours: `dispose()` frees only what this function made (the logits layer).
 *
 * @param model a tfjs-layers LayersModel.
 * @param options `logits` (default false): see LayersModelOptions.
 * @throws GlassboxError INVALID_ARGUMENT (not a layers model, several inputs/outputs, logits without a final
 *   softmax), SHAPE_MISMATCH (an output that is not [N, K] or [N]), BACKEND_UNAVAILABLE (tfjs-layers missing).
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * const model = await fromLayersModel(await tfl.loadLayersModel('file://...'), { logits: true });
 * const r = await saliency(model, x, { target: 3 });
 * ```
 */
export async function fromLayersModel(model: LayersModelLike, options: LayersModelOptions = {}): Promise<TfjsModel> {
  const where = 'fromLayersModel';
  const opts = checkOptionKeys<LayersModelOptions>(options, LAYERS_MODEL_OPTION_KEYS, where);
  if (!isLayersModel(model)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must be a tfjs-layers LayersModel (with apply, layers, inputs, outputs), got ${describe(model)}`);
  const tfl = await importLayers(where);
  return wrap(tfl, model, opts, where, false);
}

/**
 * Loads a TensorFlow.js layers model (model.json + weight files) as a Glassbox model. Every file is read and
 * checked before the model is built: a model.json that is not a layers model, a weight file missing, short or too
 * long is refused and nothing is left allocated. `dispose()` frees the model's weights.
 *
 * @param source the model.json's path (Node) or URL, with its weight files beside it; or the files themselves: a
 *   map of file name -> bytes (Uint8Array, ArrayBuffer, Blob) or an array of File objects (a browser's drop).
 * @param options `logits` (default false): see LayersModelOptions.
 * @throws GlassboxError INVALID_ARGUMENT (source, a graph model, logits without a softmax), BAD_WEIGHTS (not a
 *   model.json, missing or short weight files, a topology tfjs-layers cannot build), SHAPE_MISMATCH (output not
 *   [N, K] or [N]), BACKEND_UNAVAILABLE (tfjs-layers missing).
 *
 * @example
 * ```ts
 * const model = await loadLayersModel('models/mobilenet/model.json', { logits: true });
 * const r = await integratedGradients(model, x, { target: 281 });
 * model.dispose();
 * ```
 */
export async function loadLayersModel(source: ModelSource, options: LayersModelOptions = {}): Promise<TfjsModel> {
  const where = 'loadLayersModel';
  const opts = checkOptionKeys<LayersModelOptions>(options, LAYERS_MODEL_OPTION_KEYS, where);
  const files = await readModelFiles(source, 'layers', where);
  const tfl = await importLayers(where);
  let model: LayersModel;
  try {
    model = await tfl.loadLayersModel(memoryHandler(files.artifacts));
  } catch (e) {
    throw buildError(e, where, `tfjs-layers could not build the model of ${files.label}`);
  }
  try {
    return wrap(tfl, model, opts, where, true);
  } catch (e) {
    model.dispose();
    throw e;
  }
}
