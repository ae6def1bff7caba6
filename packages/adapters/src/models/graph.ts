/**
 * TensorFlow.js graph models (a SavedModel or frozen graph converted with the tensorflowjs converter) as Glassbox
 * models. Needs the optional peer @tensorflow/tfjs-converter.
 */
import { GlassboxError, checkOptionKeys, describe, optionKeys, tf, type Tensor } from '@glassbox/tensors-ops';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { importConverter } from './optional.js';
import { graphPoolSpec } from '../pool/spec.js';
import { memoryHandler, readModelFiles, type ModelSource } from './files.js';
import { buildError, checkDeclaredOutput, checkInputShape, checkOutput, logProbabilities, type TfjsModel } from './model.js';
import { checkLayer, checkRows, checkValue, owned as ownedResult } from './layer-access.js';

/** Options of fromGraphModel and loadGraphModel. */
export interface GraphModelOptions {
  /**
   * The node whose value is the model's output: one of the model's outputs (`model.outputNodes`) or any node of
   * the graph by name. Default: the model's only output (a model with several outputs must name one).
   */
  output?: string;
  /**
   * Explain logits instead of probabilities: when the output node is a Softmax (after any Identity nodes), the
   * model's output becomes the Softmax's input (`model.logits` is 'input'). When nodes that reshape (Reshape,
   * Squeeze, ExpandDims) sit between the Softmax and the output, it cannot be cut without changing the output's
   * shape: the model explains the log-probabilities log p instead (`model.logits` is 'log'; see
   * `logProbabilities`). An output that no Softmax makes is refused. Default false.
   */
  logits?: boolean;
}

export const GRAPH_MODEL_OPTION_KEYS = optionKeys<GraphModelOptions>({ output: true, logits: true });

/** What fromGraphModel needs of a tfjs-converter GraphModel. */
export interface GraphModelLike {
  execute(x: Tensor, outputs?: string | string[]): unknown;
  readonly inputs: ReadonlyArray<{ name: string; shape?: number[] }>;
  readonly outputs: ReadonlyArray<{ name: string; shape?: number[] }>;
}

interface GraphNode {
  name: string;
  op: string;
  inputNames: string[];
  attrParams?: Record<string, { value?: unknown }>;
}

/** Nodes between a final Softmax and the output that only pass or reshape its values (log p commutes with them). */
const SHAPE_ONLY_OPS = new Set(['Identity', 'Reshape', 'Squeeze', 'ExpandDims', 'StopGradient', 'Snapshot']);

/** Nodes that hold no computation of x: weights, constants and the input placeholders. */
const NOT_LAYERS = new Set(['Const', 'Placeholder', 'PlaceholderWithDefault', 'NoOp']);

/** Runs a graph model synchronously on a feed; the execute of a graph with control flow throws (use predict's error). */
function executeOne(model: GraphModel, feed: Record<string, Tensor>, output: string): Tensor {
  const y = model.execute(feed, output);
  if (Array.isArray(y)) throw new GlassboxError('INVALID_ARGUMENT', `the graph returned ${y.length} tensors for '${output}'`);
  return y as Tensor;
}

function isGraphModel(m: unknown): m is GraphModel {
  const o = m as Partial<GraphModel> | null;
  return o != null && typeof o === 'object' && typeof o.execute === 'function' && Array.isArray(o.inputs) && Array.isArray(o.outputs);
}

/** The graph's nodes by name (tfjs-converter keeps them on its executor). */
function nodesOf(model: GraphModel): Record<string, GraphNode> | null {
  const graph = (model as unknown as { executor?: { graph?: { nodes?: Record<string, GraphNode> } } }).executor?.graph;
  return graph?.nodes ?? null;
}

const bare = (name: string) => name.replace(/^\^/, '').replace(/:0$/, '');

function wrap(model: GraphModel, options: GraphModelOptions, where: string, owned: boolean): TfjsModel {
  if (model.inputs.length !== 1) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model must have one input, got ${model.inputs.length} (${model.inputs.map((i) => i.name).join(', ')}); wrap it in a function that feeds them`);
  }
  const nodes = nodesOf(model);
  const outputNames = model.outputs.map((o) => o.name);
  let output: string;
  if (options.output !== undefined) {
    if (typeof options.output !== 'string' || (!outputNames.includes(options.output) && nodes !== null && nodes[bare(options.output)] === undefined)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.output must name an output (${outputNames.join(', ')}) or a node of the graph, got ${describe(options.output)}`);
    }
    output = options.output;
  } else if (outputNames.length === 1) {
    output = outputNames[0]!;
  } else {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model has ${outputNames.length} outputs (${outputNames.join(', ')}); name the one to explain with options.output`);
  }
  const info = model.outputs.find((o) => o.name === output);
  const outputShape = info?.shape === undefined ? [null, null] : info.shape.map((d) => (d < 0 ? null : d));
  if (info?.shape !== undefined) checkDeclaredOutput(outputShape, where, JSON.stringify(output));
  let logits: 'input' | 'log' | null = null;
  if (options.logits === true) {
    // Back from the output through Identity nodes (cut: the Softmax's input becomes the output) and through nodes
    // that only reshape (log p is taken: the softmax cannot be cut without changing the output's shape).
    let node = nodes?.[bare(output)];
    let direct = true;
    while (node !== undefined && SHAPE_ONLY_OPS.has(node.op) && node.inputNames.length > 0) {
      if (node.op !== 'Identity') direct = false;
      node = nodes![bare(node.inputNames[0]!)];
    }
    if (node === undefined || node.op !== 'Softmax') {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: options.logits: the output ${JSON.stringify(output)} is not made by a Softmax node (it is ${node === undefined ? 'not found in the graph' : `a ${node.op} node`}); leave options.logits out to explain it as it is`,
      );
    }
    if (direct) {
      output = node.inputNames[0]!;
      logits = 'input';
    } else {
      logits = 'log';
    }
  }
  const out = logits === 'log' ? logProbabilities : (y: Tensor) => y;
  const inputShape = (model.inputs[0]!.shape ?? []).map((d) => (d < 0 ? null : d));
  const inputName = model.inputs[0]!.name;
  const layerNames = nodes === null ? [] : Object.values(nodes).filter((n) => !NOT_LAYERS.has(n.op)).map((n) => n.name);
  let disposed = false;
  const check = (self: TfjsModel, x: unknown, layer: unknown, what: string): string => {
    if (disposed) throw new GlassboxError('INVALID_ARGUMENT', `${what}: the model was disposed`);
    checkRows(x, what);
    if (inputShape.length > 0) checkInputShape(x, inputShape, what);
    return checkLayer(self, layer, what);
  };
  return {
    kind: 'graph',
    inputShape,
    outputShape,
    layers: nodes === null ? [] : Object.keys(nodes),
    layerNames,
    logits,
    inner: model,
    predict(x: Tensor): Tensor {
      if (disposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model was disposed`);
      if (inputShape.length > 0) checkInputShape(x, inputShape, 'predict');
      return tf.tidy(() => out(checkOutput(model.execute(x, output), x.shape[0]!, 'predict')));
    },
    layerOutput(x: Tensor, layer: string): Tensor {
      const name = check(this, x, layer, 'layerOutput');
      return tf.tidy(() => ownedResult(executeOne(model, { [inputName]: x }, name), [x]));
    },
    // tfjs-converter's executor takes any node of the graph in the feed: the node is then a dead end of the
    // execution subgraph (its inputs are not run), and every other node still runs from the input x.
    forwardWithLayer(x: Tensor, layer: string, value: Tensor): Tensor {
      const what = 'forwardWithLayer';
      const name = check(this, x, layer, what);
      checkValue(value, x.shape[0]!, null, `the output of node '${name}'`, what);
      return tf.tidy(() => ownedResult(out(checkOutput(executeOne(model, { [inputName]: x, [name]: value }, output), x.shape[0]!, what)), [x, value]));
    },
    toPooledModel() {
      if (disposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model was disposed`);
      return graphPoolSpec(model, options, where);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      if (owned) model.dispose();
    },
  };
}

/**
 * A tfjs-converter GraphModel (one input) as a Glassbox model: `predict` runs `model.execute(x, output)`
 * (synchronous and differentiable for graphs without control flow), the output must be [N, K] or [N]. The model
 * stays yours: `dispose()` does not free it.
 *
 * @param model a GraphModel.
 * @param options `output`, `logits`: see GraphModelOptions.
 * @throws GlassboxError INVALID_ARGUMENT (not a graph model, several inputs, an unknown or ambiguous output, logits
 *   without a final Softmax), SHAPE_MISMATCH (an output that is not [N, K] or [N]).
 *
 * @example
 * ```ts
 * import { loadGraphModel } from '@tensorflow/tfjs-converter';
 * const model = await fromGraphModel(await loadGraphModel(url), { output: 'Identity' });
 * ```
 */
export async function fromGraphModel(model: GraphModelLike, options: GraphModelOptions = {}): Promise<TfjsModel> {
  const where = 'fromGraphModel';
  const opts = checkOptionKeys<GraphModelOptions>(options, GRAPH_MODEL_OPTION_KEYS, where);
  if (!isGraphModel(model)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must be a tfjs-converter GraphModel (with execute, inputs, outputs), got ${describe(model)}`);
  return wrap(model, opts, where, false);
}

/**
 * Loads a TensorFlow.js graph model (the converter's model.json + weight files) as a Glassbox model. Every file is
 * read and checked before the model is built (see loadLayersModel); `dispose()` frees its weights.
 *
 * @param source the model.json's path (Node) or URL, or its files (a map of file name -> bytes, or File objects).
 * @param options `output`, `logits`: see GraphModelOptions.
 * @throws GlassboxError INVALID_ARGUMENT (source, a layers model, options), BAD_WEIGHTS (not a model.json,
 *   missing or short weight files, a graph tfjs-converter cannot load), SHAPE_MISMATCH, BACKEND_UNAVAILABLE
 *   (tfjs-converter missing).
 *
 * @example
 * ```ts
 * const model = await loadGraphModel('models/resnet/model.json', { logits: true });
 * const r = await saliency(model, x, { target: 7 });
 * model.dispose();
 * ```
 */
export async function loadGraphModel(source: ModelSource, options: GraphModelOptions = {}): Promise<TfjsModel> {
  const where = 'loadGraphModel';
  const opts = checkOptionKeys<GraphModelOptions>(options, GRAPH_MODEL_OPTION_KEYS, where);
  const files = await readModelFiles(source, 'graph', where);
  const tfc = await importConverter(where);
  let model: GraphModel;
  try {
    model = await tfc.loadGraphModel(memoryHandler(files.artifacts));
  } catch (e) {
    throw buildError(e, where, `tfjs-converter could not load the graph of ${files.label}`);
  }
  try {
    return wrap(model, opts, where, true);
  } catch (e) {
    model.dispose();
    throw e;
  }
}
