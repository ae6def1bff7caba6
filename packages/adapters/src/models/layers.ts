/**
 * TensorFlow.js layers models (a Keras model converted with the tensorflowjs converter, or one saved by tfjs-layers'
 * own `model.save`) as Glassbox models. Needs the optional peer @tensorflow/tfjs-layers.
 */
import { GlassboxError, checkOptionKeys, describe, optionKeys, tf, type Tensor } from '@glassbox/tensors-ops';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { importLayers } from './optional.js';
import { memoryHandler, readModelFiles, type ModelSource } from './files.js';
import { layersPoolSpec } from '../pool/spec.js';
import { buildError, checkDeclaredOutput, checkInputShape, checkOutput, logProbabilities, type TfjsModel } from './model.js';
import { checkLayer, checkRows, checkValue, owned as ownedResult } from './layer-access.js';
import { FastLayers, translateLayersGraph } from './layers-fast.js';

/** Options of fromLayersModel and loadLayersModel. */
export interface LayersModelOptions {
  /**
   * Explain logits instead of probabilities: when the model's last layer applies a softmax (a Dense or Conv layer
   * with `activation: 'softmax'`, or an Activation / Softmax layer), the model runs without it (the same layer with
   * a linear activation and the same weights, or the softmax's input): `model.logits` is 'input'. When a softmax
   * makes the output but cannot be cut off (it ends a nested model, reshape / flatten / dropout layers follow it,
   * its layer is shared or takes several inputs, or a custom layer cannot be rebuilt without it), the model explains
   * the log-probabilities log p instead (`model.logits` is 'log'; see `logProbabilities`). A model whose output no
   * softmax makes is refused. Default false.
   */
  logits?: boolean;
  /**
   * Run the model on tensors-ops' own kernels when every layer is one it understands (Conv2D, DepthwiseConv2D,
   * BatchNormalization, ReLU / ReLU6, LeakyReLU, Activation, Softmax, Dense, Max / Average pooling,
   * GlobalAveragePooling2D, Flatten, Reshape, Dropout, a ZeroPadding2D that is 'same' padding of the next
   * convolution, Add joining a chain with an identity skip): the topology becomes a tensors-ops ResidualModel
   * with the same weights, faster (fused convolutions, WASM depthwise and batch-norm gradients) and sent to a
   * worker pool as data. Other models run on tfjs-layers whatever this says; `path` tells which ran.
   * `false` always runs tfjs-layers. Default true.
   */
  fastPath?: boolean;
}

export const LAYERS_MODEL_OPTION_KEYS = optionKeys<LayersModelOptions>({ logits: true, fastPath: true });

function checkLayersOptions(options: LayersModelOptions, where: string): LayersModelOptions {
  const opts = checkOptionKeys<LayersModelOptions>(options, LAYERS_MODEL_OPTION_KEYS, where);
  for (const key of ['logits', 'fastPath'] as const) {
    if (opts[key] !== undefined && typeof opts[key] !== 'boolean') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.${key} must be a boolean, got ${describe(opts[key])}`);
    }
  }
  return opts;
}

/** A layers model as the loaders return it: a TfjsModel that says which path runs it. */
export interface LayersTfjsModel extends TfjsModel {
  kind: 'layers';
  /**
   * What runs the model: 'tensors-ops' (the fast path: the layers translated into a ResidualModel with the same
   * weights and layer names) or 'tfjs-layers' (`model.apply` and a walk of its graph).
   */
  readonly path: 'tensors-ops' | 'tfjs-layers';
  /** Why the fast path was not taken ('fastPath: false', or the first layer or connection it does not understand); null on the fast path. */
  readonly fallbackReason: string | null;
}

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

/** Layers that only reshape their input (or pass it through at inference): log(p) commutes with them. */
const SHAPE_ONLY_LAYERS = new Set(['Reshape', 'Flatten', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

type LayerLike = {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  input: SymbolicTensor | SymbolicTensor[];
  getWeights(): Tensor[];
  inboundNodes: unknown[];
  outputs?: SymbolicTensor[];
  layers?: unknown[];
};

const isSoftmaxLayer = (cls: string, config: Record<string, unknown>) => cls === 'Softmax' || (cls === 'Activation' && config.activation === 'softmax') || config.activation === 'softmax';

/**
 * How options.logits is served: the model without its final softmax ('input', with the layer made for it to
 * dispose), or the log of its output ('log') when a softmax ends the model but cannot be cut off: it sits inside a
 * nested model, reshapes or dropouts follow it, or its layer is shared, takes several inputs or cannot be rebuilt
 * with a linear activation (a custom layer). A model whose output is not made by a softmax is refused.
 */
function logitsPlan(
  tfl: typeof import('@tensorflow/tfjs-layers'),
  model: LayersModel,
  where: string,
): { mode: 'input'; model: LayersModel; made: { dispose(): unknown } | null } | { mode: 'log' } {
  const top = model.outputs[0]!.sourceLayer as unknown as LayerLike;
  let last = top;
  // Walk back through reshapes and into nested models to the layer that makes the values.
  let direct = true;
  for (let guard = 0; guard < 1000; guard++) {
    const cls = last.getClassName();
    if (SHAPE_ONLY_LAYERS.has(cls) && last.inboundNodes.length === 1 && !Array.isArray(last.input)) {
      last = last.input.sourceLayer as unknown as LayerLike;
      direct = false;
    } else if (Array.isArray(last.outputs) && Array.isArray(last.layers) && last.outputs.length === 1) {
      last = last.outputs[0]!.sourceLayer as unknown as LayerLike;
      direct = false;
    } else {
      break;
    }
  }
  const config = last.getConfig();
  const cls = last.getClassName();
  if (!isSoftmaxLayer(cls, config)) {
    const what = last === top ? `the model's last layer ${JSON.stringify(top.name)} (${cls}, activation ${describe(config.activation)})` : `the layer ${JSON.stringify(last.name)} (${cls}, activation ${describe(config.activation)}) that makes the output of ${JSON.stringify(top.name)}`;
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.logits: ${what} applies no softmax to remove; leave options.logits out to explain its output as it is`);
  }
  if (!direct || last.inboundNodes.length !== 1 || Array.isArray(last.input)) return { mode: 'log' };
  if (cls === 'Softmax' || cls === 'Activation') return { mode: 'input', model: tfl.model({ inputs: model.inputs, outputs: last.input }), made: null };
  let copy: { apply(x: SymbolicTensor): SymbolicTensor; setWeights(w: Tensor[]): void; dispose(): unknown } | null = null;
  try {
    const Ctor = (last as unknown as { constructor: new (c: Record<string, unknown>) => NonNullable<typeof copy> }).constructor;
    copy = new Ctor({ ...config, activation: 'linear', name: `${last.name}_logits` });
    const logits = copy.apply(last.input);
    copy.setWeights(last.getWeights());
    return { mode: 'input', model: tfl.model({ inputs: model.inputs, outputs: logits }), made: copy };
  } catch {
    // A layer that cannot be rebuilt from its config (a custom class): explain log p instead.
    try {
      copy?.dispose();
    } catch {
      // nothing was built
    }
    return { mode: 'log' };
  }
}

/** The parts of tfjs-layers' graph (engine/topology Node, Container) that the walk below reads. */
interface GraphNodeLike {
  outboundLayer: {
    name: string;
    getClassName(): string;
    call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[];
  };
  inputTensors: Array<{ id: number }>;
  outputTensors: Array<{ id: number; shape: Array<number | null> }>;
  callArgs?: Record<string, unknown> | null;
}
interface ContainerLike {
  nodesByDepth: Record<string, GraphNodeLike[]>;
  inputs: Array<{ id: number }>;
  outputs: Array<{ id: number }>;
  built?: boolean;
  build?(shape: unknown): void;
  getClassName(): string;
}

/** One layer as the walk finds it: its node, or why layer methods cannot use it. */
interface LayerSite {
  node: GraphNodeLike | null;
  /** Why the layer cannot be read or replaced (shared, several outputs), or null. */
  refusal: string | null;
}

/**
 * The model's graph as tfjs-layers builds it: a functional model's own nodes, a Sequential's inner functional
 * model. Nodes in topological order (deepest first, as tfjs-layers' own runInternalGraph runs them).
 */
function graphOf(model: LayersModel): { nodes: GraphNodeLike[]; inputs: Array<{ id: number }>; output: { id: number } } {
  let g = model as unknown as ContainerLike & { model?: ContainerLike };
  if (g.getClassName() === 'Sequential') {
    // A Sequential makes its inner functional model on its first call (what its own call does).
    if (g.model == null && g.inputs.length > 0) g.build!(undefined);
    if (g.model == null) throw new GlassboxError('INVALID_ARGUMENT', 'fromLayersModel: the Sequential model has no input yet (give its first layer an inputShape)');
    g = g.model;
  }
  const depths = Object.keys(g.nodesByDepth)
    .map((d) => Number(d))
    .sort((a, b) => b - a);
  const nodes = depths.flatMap((d) => g.nodesByDepth[String(d)]!);
  return { nodes, inputs: g.inputs, output: g.outputs[0]! };
}

/**
 * Runs a tfjs-layers graph node by node on concrete tensors (what LayersModel.apply does, in inference mode), with
 * one layer's output or input replaced. Returns the model's output, or with `stop` the named layer's output or
 * input. Differentiable with respect to x and the replacement (tf.grad works through it).
 */
function runGraph(
  graph: ReturnType<typeof graphOf>,
  x: Tensor,
  layer: string | null,
  side: 'output' | 'input',
  value: Tensor | null,
  stop: boolean,
): Tensor {
  const computed = new Map<number, Tensor>();
  for (const i of graph.inputs) computed.set(i.id, x);
  for (const node of graph.nodes) {
    const l = node.outboundLayer;
    if (l.getClassName() === 'InputLayer') continue;
    const at = layer !== null && l.name === layer;
    let inputs = node.inputTensors.map((t) => computed.get(t.id));
    if (inputs.some((t) => t === undefined)) continue;
    if (at && side === 'input') {
      if (stop) return inputs[0]!;
      if (value !== null) inputs = [value];
    }
    let outputs: Tensor[];
    if (at && side === 'output' && value !== null && !stop) {
      outputs = [value];
    } else {
      const kwargs: Record<string, unknown> = { ...(node.callArgs ?? {}), training: false };
      delete kwargs.mask;
      const y = l.call(inputs.length === 1 ? inputs[0]! : (inputs as Tensor[]), kwargs);
      outputs = Array.isArray(y) ? y : [y];
    }
    if (at && side === 'output' && stop) return outputs[0]!;
    node.outputTensors.forEach((t, i) => computed.set(t.id, outputs[i]!));
  }
  const y = computed.get(graph.output.id);
  if (y === undefined) throw new GlassboxError('INVALID_ARGUMENT', `fromLayersModel: the model's output could not be computed from its input by walking its layers`);
  return y;
}

/** Where each layer of the graph sits (one node, one output tensor), or why the layer methods refuse it. */
function layerSites(graph: ReturnType<typeof graphOf>): Map<string, LayerSite> {
  const sites = new Map<string, LayerSite>();
  for (const node of graph.nodes) {
    const l = node.outboundLayer;
    if (l.getClassName() === 'InputLayer') continue;
    const seen = sites.get(l.name);
    if (seen !== undefined) {
      sites.set(l.name, { node: null, refusal: `layer '${l.name}' is called more than once in the model (a shared layer), so its output is not one tensor` });
    } else if (node.outputTensors.length !== 1) {
      sites.set(l.name, { node: null, refusal: `layer '${l.name}' has ${node.outputTensors.length} outputs; the layer methods read one tensor` });
    } else {
      sites.set(l.name, { node, refusal: null });
    }
  }
  return sites;
}

function wrap(tfl: typeof import('@tensorflow/tfjs-layers'), model: LayersModel, options: LayersModelOptions, where: string, owned: boolean): LayersTfjsModel {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model must have one input and one output, got ${model.inputs.length} inputs and ${model.outputs.length} outputs; wrap it in a function that feeds and picks them`);
  }
  const outputShape = model.outputs[0]!.shape.slice();
  checkDeclaredOutput(outputShape, where, JSON.stringify(model.outputs[0]!.name));
  const plan = options.logits === true ? logitsPlan(tfl, model, where) : null;
  const { model: run, made } = plan?.mode === 'input' ? plan : { model, made: null };
  // With the log fallback every output of the model (predict, forwardWithLayer...) is log p.
  const out = plan?.mode === 'log' ? logProbabilities : (y: Tensor) => y;
  const inputShape = model.inputs[0]!.shape.slice();
  const graph = graphOf(run);
  const sites = layerSites(graph);
  const layerNames = [...sites.keys()];
  let fast: FastLayers | null = null;
  let fallbackReason: string | null = null;
  if (options.fastPath === false) {
    fallbackReason = 'options.fastPath is false';
  } else if (plan?.mode === 'log') {
    // The log-probability fallback wraps tfjs-layers' outputs (and the pool rebuilds it from the files).
    fallbackReason = "options.logits takes the log of a softmax that cannot be cut off, which runs on tfjs-layers";
  } else {
    const t = translateLayersGraph(graph as unknown as Parameters<typeof translateLayersGraph>[0]);
    if ('reason' in t) {
      fallbackReason = t.reason;
    } else {
      try {
        fast = new FastLayers(t);
      } catch (e) {
        // Weights the ResidualModel refuses (e.g. non-finite ones) still run on tfjs-layers, as before.
        fallbackReason = `its tensors-ops translation could not take the weights (${(e as Error)?.message ?? e})`;
      }
    }
  }
  /** The ResidualModel with the layers model's current weights, or null on the tfjs-layers path. */
  const fastModel = (): FastLayers | null => {
    fast?.sync();
    return fast;
  };
  let disposed = false;
  const alive = (what: string): void => {
    if (disposed) throw new GlassboxError('INVALID_ARGUMENT', `${what}: the model was disposed`);
  };
  const site = (self: TfjsModel, layer: unknown, what: string): { name: string; node: GraphNodeLike } => {
    const name = checkLayer(self, layer, what);
    const s = sites.get(name)!;
    if (s.node === null) throw new GlassboxError('INVALID_ARGUMENT', `${what}: ${s.refusal}`);
    return { name, node: s.node };
  };
  const checkX = (x: unknown, what: string): Tensor => {
    checkRows(x, what);
    return checkInputShape(x, inputShape, what);
  };
  return {
    kind: 'layers',
    path: fast === null ? 'tfjs-layers' : 'tensors-ops',
    fallbackReason,
    inputShape,
    outputShape,
    layers: model.layers.map((l) => l.name),
    layerNames,
    logits: plan === null ? null : plan.mode,
    inner: model,
    predict(x: Tensor): Tensor {
      alive('predict');
      checkInputShape(x, inputShape, 'predict');
      const f = fastModel();
      if (f !== null) return tf.tidy(() => checkOutput(f.model.predict(x), x.shape[0]!, 'predict'));
      return tf.tidy(() => out(checkOutput(run.apply(x, { training: false }) as Tensor, x.shape[0]!, 'predict')));
    },
    layerOutput(x: Tensor, layer: string): Tensor {
      const what = 'layerOutput';
      alive(what);
      checkX(x, what);
      const { name } = site(this, layer, what);
      const f = fastModel();
      const path = f?.outputPaths.get(name) ?? null;
      if (f !== null && path !== null) return tf.tidy(() => ownedResult(f.model.layerOutput(x, path), [x]));
      return tf.tidy(() => ownedResult(runGraph(graph, x, name, 'output', null, true), [x]));
    },
    forwardWithLayer(x: Tensor, layer: string, value: Tensor): Tensor {
      const what = 'forwardWithLayer';
      alive(what);
      checkX(x, what);
      const { name, node } = site(this, layer, what);
      checkValue(value, x.shape[0]!, node.outputTensors[0]!.shape, `the output of layer '${name}'`, what);
      const f = fastModel();
      const path = f?.outputPaths.get(name) ?? null;
      if (f !== null && path !== null) return tf.tidy(() => ownedResult(checkOutput(f.model.forwardWithLayer(x, path, value), x.shape[0]!, what), [x, value]));
      return tf.tidy(() => ownedResult(out(checkOutput(runGraph(graph, x, name, 'output', value, false), x.shape[0]!, what)), [x, value]));
    },
    layerInput(x: Tensor, layer: string): Tensor {
      const what = 'layerInput';
      alive(what);
      checkX(x, what);
      const { name, node } = site(this, layer, what);
      if (node.inputTensors.length !== 1) throw new GlassboxError('INVALID_ARGUMENT', `${what}: layer '${name}' reads ${node.inputTensors.length} tensors; the input side needs a layer with one input`);
      const f = fastModel();
      const path = f?.inputPaths.get(name) ?? null;
      if (f !== null && path !== null) return tf.tidy(() => ownedResult(f.model.layerInput(x, path), [x]));
      return tf.tidy(() => ownedResult(runGraph(graph, x, name, 'input', null, true), [x]));
    },
    forwardWithLayerInput(x: Tensor, layer: string, value: Tensor): Tensor {
      const what = 'forwardWithLayerInput';
      alive(what);
      checkX(x, what);
      const { name, node } = site(this, layer, what);
      if (node.inputTensors.length !== 1) throw new GlassboxError('INVALID_ARGUMENT', `${what}: layer '${name}' reads ${node.inputTensors.length} tensors; the input side needs a layer with one input`);
      const declared = (node.inputTensors[0] as unknown as { shape?: Array<number | null> }).shape ?? null;
      checkValue(value, x.shape[0]!, declared, `the input of layer '${name}'`, what);
      const f = fastModel();
      const path = f?.inputPaths.get(name) ?? null;
      if (f !== null && path !== null) return tf.tidy(() => ownedResult(checkOutput(f.model.forwardWithLayerInput(x, path, value), x.shape[0]!, what), [x, value]));
      return tf.tidy(() => ownedResult(out(checkOutput(runGraph(graph, x, name, 'input', value, false), x.shape[0]!, what)), [x, value]));
    },
    toPooledModel() {
      if (disposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model was disposed`);
      // The fast path sends the ResidualModel as data (its JSON and weights); the workers need no builder module.
      const f = fastModel();
      if (f !== null) return f.model.toPooledModel();
      return layersPoolSpec(model, options, where);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      fast?.dispose();
      made?.dispose();
      if (owned) model.dispose();
    },
  };
}

/**
 * A tfjs-layers model (LayersModel or Sequential, one input and one output) as a Glassbox model: `predict` is
 * differentiable, with no internal batching; the output must be [N, K] or [N]. When every layer is one tensors-ops
 * understands (see `LayersModelOptions.fastPath`), the model runs as a tensors-ops ResidualModel with a copy of its
 * weights (fused kernels; pooled as data); otherwise `model.apply(x)` runs it. `path` says which.
 * The model stays yours: `dispose()` frees only what this function made (the logits layer, the ResidualModel).
 *
 * @param model a tfjs-layers LayersModel.
 * @param options `logits` (default false), `fastPath` (default true): see LayersModelOptions.
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
export async function fromLayersModel(model: LayersModelLike, options: LayersModelOptions = {}): Promise<LayersTfjsModel> {
  const where = 'fromLayersModel';
  const opts = checkLayersOptions(options, where);
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
 * @param options `logits` (default false), `fastPath` (default true): see LayersModelOptions.
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
export async function loadLayersModel(source: ModelSource, options: LayersModelOptions = {}): Promise<LayersTfjsModel> {
  const where = 'loadLayersModel';
  const opts = checkLayersOptions(options, where);
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
