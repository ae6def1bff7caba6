/**
 * The fast path of tfjs-layers models (internal): a model whose every layer this file understands is translated
 * into a tensors-ops ResidualModel (block specs and the same weights), which runs on tensors-ops' own kernels (fused
 * convolutions, its WASM depthwise and batch-norm gradients) and crosses to a worker pool as data (its JSON and
 * weights, no builder module).
 *
 * Understood: InputLayer, Conv2D, DepthwiseConv2D (channels last, 'same' or 'valid' padding, with their activation),
 * a ZeroPadding2D whose only reader is such a convolution with 'valid' padding and whose pads are exactly the
 * ones 'same' padding would add (Keras' MobileNetV2 pads its stride-2 depthwise convolutions this way: the pair
 * becomes one convolution with 'same' padding), BatchNormalization (last axis), ReLU (no cap, or a cap of 6),
 * LeakyReLU, Activation and Softmax (last axis) with an activation tensors-ops has (linear, relu, relu6, sigmoid,
 * tanh, softplus, elu, softmax), Dense, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, Flatten, Reshape,
 * Dropout (the identity at inference) and Add joining a chain with an identity skip: the tensor t that feeds a
 * chain of layers is also one input of the Add that ends it, add(t, body(t)) (MobileNetV2's inverted residuals,
 * ResNet's identity blocks; residuals nest). Anything else (another layer type, a layer called twice, a skip
 * through layers of its own, several inputs or outputs, open input sizes, a name with '/') is not translated and
 * the model runs on tfjs-layers as before.
 */
import { residualModel, tf, type ActivationRef, type BlockSpec, type ResidualModel, type Tensor } from '@glassbox/tensors-ops';

/** A tfjs-layers LayerVariable, as far as the copy reads it. */
interface LayerVariableLike {
  originalName: string;
  read(): Tensor;
}

/** A node of tfjs-layers' graph, as far as the translation reads it. */
export interface FastGraphNode {
  outboundLayer: {
    name: string;
    getClassName(): string;
    getConfig?(): Record<string, unknown>;
    weights?: LayerVariableLike[];
  };
  inputTensors: Array<{ id: number; shape?: Array<number | null> }>;
  outputTensors: Array<{ id: number; shape: Array<number | null> }>;
}

/** The graph to translate: nodes in topological order, one input and the output. */
export interface FastGraph {
  nodes: FastGraphNode[];
  inputs: Array<{ id: number; shape?: Array<number | null> }>;
  output: { id: number };
}

/** One parameter of the ResidualModel and where its values come from. */
interface WeightSource {
  /** The ResidualModel's parameter name ('<block path>/<param>'). */
  name: string;
  /** The layers model's variable, or null for a parameter the layer does not have (BN without scale / center). */
  variable: LayerVariableLike | null;
  /** The value of a missing parameter (gamma 1, beta 0). */
  fill: number;
  /** The shape of a missing parameter. */
  shape: number[];
}

/** A translated model: the blocks, and for each layer name the block path whose output (input) is that layer's. */
export interface Translation {
  blocks: BlockSpec[];
  inputShape: number[];
  /** Layer name -> block path of its output; null when the block's output is not the layer's (a merged padding). */
  outputPaths: Map<string, string | null>;
  /** Layer name -> block path whose input is the layer's input; null where they differ (a conv after a merged padding). */
  inputPaths: Map<string, string | null>;
  weights: WeightSource[];
}

class Unsupported extends Error {}

const ACTIVATIONS: Record<string, ActivationRef> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softplus: 'softplus',
  elu: 'elu',
  softmax: 'softmax',
};

function activationOf(layer: string, value: unknown): ActivationRef {
  const a = value == null ? 'linear' : ACTIVATIONS[String(value)];
  if (a === undefined) throw new Unsupported(`layer '${layer}' has activation ${JSON.stringify(value)}`);
  return a;
}

function pair(value: unknown, layer: string, what: string): [number, number] {
  const v = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((d) => Number.isInteger(d) && d >= 1)) throw new Unsupported(`layer '${layer}' has ${what} ${JSON.stringify(value)}`);
  return [v[0], v[1]];
}

function channelsLast(config: Record<string, unknown>, layer: string): void {
  if (config.dataFormat != null && config.dataFormat !== 'channelsLast') throw new Unsupported(`layer '${layer}' has dataFormat ${JSON.stringify(config.dataFormat)}`);
}

function padding(config: Record<string, unknown>, layer: string): 'same' | 'valid' {
  if (config.padding !== 'same' && config.padding !== 'valid') throw new Unsupported(`layer '${layer}' has padding ${JSON.stringify(config.padding)}`);
  return config.padding;
}

/** The pads 'same' padding adds before and after along a dimension of size n (TensorFlow's rule). */
function samePads(n: number, kernel: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(n / stride) - 1) * stride + kernel - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * Translates tfjs-layers' graph of a model into ResidualModel blocks, or says why it cannot (the first thing it
 * does not understand).
 */
export function translateLayersGraph(graph: FastGraph): Translation | { reason: string } {
  try {
    return translate(graph);
  } catch (e) {
    if (e instanceof Unsupported) return { reason: e.message };
    throw e;
  }
}

function translate(graph: FastGraph): Translation {
  if (graph.inputs.length !== 1) throw new Unsupported(`the model has ${graph.inputs.length} inputs`);
  const consumers = new Map<number, FastGraphNode[]>();
  const seen = new Set<string>();
  let layerNodes = 0;
  for (const node of graph.nodes) {
    const l = node.outboundLayer;
    if (l.getClassName() === 'InputLayer') continue;
    layerNodes++;
    if (seen.has(l.name)) throw new Unsupported(`layer '${l.name}' is called more than once`);
    seen.add(l.name);
    if (l.name.includes('/') || l.name.length === 0) throw new Unsupported(`layer name ${JSON.stringify(l.name)} cannot name a block`);
    if (node.outputTensors.length !== 1) throw new Unsupported(`layer '${l.name}' has ${node.outputTensors.length} outputs`);
    for (const t of node.inputTensors) {
      const list = consumers.get(t.id) ?? [];
      list.push(node);
      consumers.set(t.id, list);
    }
  }
  const input = graph.inputs[0]!;
  const inputShape = (input.shape ?? graph.nodes.find((n) => n.outboundLayer.getClassName() === 'InputLayer')?.outputTensors[0]?.shape ?? []).slice(1);
  if (inputShape.length === 0 || !inputShape.every((d): d is number => typeof d === 'number' && d >= 1)) {
    throw new Unsupported(`the input shape [${inputShape.map((d) => d ?? '?').join(', ')}] has open sizes`);
  }

  const outputPaths = new Map<string, string | null>();
  const inputPaths = new Map<string, string | null>();
  const weights: WeightSource[] = [];
  let translated = 0;
  const join = (parent: string | null, name: string): string => (parent === null ? name : `${parent}/${name}`);
  const isAdd = (n: FastGraphNode): boolean => n.outboundLayer.getClassName() === 'Add';
  const readers = (id: number): FastGraphNode[] => consumers.get(id) ?? [];

  /** The layer's variables by the last part of their name ('kernel', 'moving_mean', ...). */
  const variablesOf = (node: FastGraphNode): Map<string, LayerVariableLike> => {
    const out = new Map<string, LayerVariableLike>();
    for (const v of node.outboundLayer.weights ?? []) out.set(v.originalName.slice(v.originalName.lastIndexOf('/') + 1), v);
    return out;
  };
  const take = (node: FastGraphNode, path: string, pairs: Array<[string, string | null, number]>): void => {
    const vars = variablesOf(node);
    const c = node.inputTensors[0]?.shape?.at(-1);
    let used = 0;
    for (const [param, from, fill] of pairs) {
      const v = from === null ? undefined : vars.get(from);
      if (v !== undefined) used++;
      else if (typeof c !== 'number') throw new Unsupported(`layer '${node.outboundLayer.name}' has no ${param} and an open channel count`);
      weights.push({ name: `${path}/${param}`, variable: v ?? null, fill, shape: typeof c === 'number' ? [c] : [] });
    }
    if (used !== vars.size) throw new Unsupported(`layer '${node.outboundLayer.name}' has weights ${[...vars.keys()].join(', ')}`);
  };

  /** One layer (or a padding and its convolution) as a block; returns the tensor it computes. */
  const leaf = (node: FastGraphNode, out: BlockSpec[], parent: string | null): number => {
    const l = node.outboundLayer;
    const cls = l.getClassName();
    const name = l.name;
    const config = l.getConfig?.() ?? {};
    const path = join(parent, name);
    if (node.inputTensors.length !== 1) throw new Unsupported(`layer '${name}' (${cls}) reads ${node.inputTensors.length} tensors`);
    const inShape = node.inputTensors[0]!.shape ?? [];
    translated++;
    let spec: BlockSpec;
    let conv: FastGraphNode = node;
    let convConfig = config;
    let pad: [[number, number], [number, number]] | null = null;
    if (cls === 'ZeroPadding2D') {
      channelsLast(config, name);
      const p = config.padding;
      const next = readers(node.outputTensors[0]!.id);
      const c = next[0];
      if (next.length !== 1 || c === undefined || !['Conv2D', 'DepthwiseConv2D'].includes(c.outboundLayer.getClassName())) {
        throw new Unsupported(`layer '${name}' (ZeroPadding2D) is not read by one convolution alone`);
      }
      if (!Array.isArray(p) || p.length !== 2 || !p.every((q) => Array.isArray(q) && q.length === 2)) throw new Unsupported(`layer '${name}' has padding ${JSON.stringify(p)}`);
      pad = p as [[number, number], [number, number]];
      conv = c;
      convConfig = c.outboundLayer.getConfig?.() ?? {};
      translated++;
    }
    const cname = conv.outboundLayer.name;
    const ccls = conv.outboundLayer.getClassName();
    const cpath = join(parent, cname);
    switch (ccls) {
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        channelsLast(convConfig, cname);
        const kernelSize = pair(convConfig.kernelSize, cname, 'kernelSize');
        const strides = pair(convConfig.strides ?? 1, cname, 'strides');
        const dilations = pair(convConfig.dilationRate ?? 1, cname, 'dilationRate');
        let pads = padding(convConfig, cname);
        if (pad !== null) {
          // Explicit zero padding then a 'valid' convolution is 'same' padding when the pads are 'same''s own.
          const h = inShape[1];
          const w = inShape[2];
          const ok =
            pads === 'valid' &&
            typeof h === 'number' &&
            typeof w === 'number' &&
            dilations[0] === 1 &&
            dilations[1] === 1 &&
            JSON.stringify(pad) === JSON.stringify([samePads(h, kernelSize[0], strides[0]), samePads(w, kernelSize[1], strides[1])]);
          if (!ok) throw new Unsupported(`layer '${name}' (ZeroPadding2D ${JSON.stringify(pad)}) before '${cname}' is not the padding 'same' would add`);
          pads = 'same';
        }
        const activation = activationOf(cname, convConfig.activation);
        const useBias = convConfig.useBias !== false;
        if (ccls === 'Conv2D') {
          spec = { type: 'conv2d', name: cname, filters: Number(convConfig.filters), kernelSize, strides, padding: pads, dilations, activation, useBias, kernelInitializer: 'zeros' };
          take(conv, cpath, [['kernel', 'kernel', 0], ...(useBias ? [['bias', 'bias', 0] as [string, string, number]] : [])]);
        } else {
          const depthMultiplier = Number(convConfig.depthMultiplier ?? 1);
          spec = { type: 'depthwiseConv2d', name: cname, kernelSize, depthMultiplier, strides, padding: pads, dilations, activation, useBias, kernelInitializer: 'zeros' };
          take(conv, cpath, [['kernel', 'depthwise_kernel', 0], ...(useBias ? [['bias', 'bias', 0] as [string, string, number]] : [])]);
        }
        break;
      }
      case 'BatchNormalization': {
        const axis = config.axis;
        if (axis !== -1 && axis !== inShape.length - 1) throw new Unsupported(`layer '${name}' normalises axis ${JSON.stringify(axis)}`);
        const epsilon = Number(config.epsilon ?? 1e-3);
        const momentum = typeof config.momentum === 'number' && config.momentum >= 0 && config.momentum <= 1 ? config.momentum : 0.99;
        spec = { type: 'batchNorm', name, epsilon, momentum };
        take(node, path, [
          ['gamma', config.scale === false ? null : 'gamma', 1],
          ['beta', config.center === false ? null : 'beta', 0],
          ['movingMean', 'moving_mean', 0],
          ['movingVariance', 'moving_variance', 1],
        ]);
        break;
      }
      case 'ReLU': {
        const max = config.maxValue;
        if (max != null && max !== 6) throw new Unsupported(`layer '${name}' (ReLU) caps at ${JSON.stringify(max)}`);
        spec = { type: 'activation', name, fn: max === 6 ? 'relu6' : 'relu' };
        break;
      }
      case 'LeakyReLU':
        spec = { type: 'activation', name, fn: 'leakyRelu', alpha: typeof config.alpha === 'number' ? config.alpha : 0.3 };
        break;
      case 'Activation': {
        const a = activationOf(name, config.activation);
        spec = { type: 'activation', name, fn: a as Exclude<ActivationRef, object> };
        break;
      }
      case 'Softmax': {
        const axis = config.axis ?? -1;
        if (axis !== -1 && axis !== inShape.length - 1) throw new Unsupported(`layer '${name}' (Softmax) runs along axis ${JSON.stringify(axis)}`);
        spec = { type: 'activation', name, fn: 'softmax' };
        break;
      }
      case 'Dense': {
        const useBias = config.useBias !== false;
        spec = { type: 'dense', name, units: Number(config.units), activation: activationOf(name, config.activation), useBias, kernelInitializer: 'zeros' };
        take(node, path, [['kernel', 'kernel', 0], ...(useBias ? [['bias', 'bias', 0] as [string, string, number]] : [])]);
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        channelsLast(config, name);
        const poolSize = pair(config.poolSize ?? 2, name, 'poolSize');
        const strides = pair(config.strides ?? poolSize, name, 'strides');
        spec = { type: ccls === 'MaxPooling2D' ? 'maxPool' : 'avgPool', name, poolSize, strides, padding: padding(config, name) };
        break;
      }
      case 'GlobalAveragePooling2D':
        channelsLast(config, name);
        if (config.keepDims === true) throw new Unsupported(`layer '${name}' keeps its dimensions`);
        spec = { type: 'globalAvgPool', name };
        break;
      case 'Flatten':
        channelsLast(config, name);
        spec = { type: 'flatten', name };
        break;
      case 'Reshape': {
        const shape = config.targetShape;
        if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d))) throw new Unsupported(`layer '${name}' has targetShape ${JSON.stringify(shape)}`);
        spec = { type: 'reshape', name, shape: shape as number[] };
        break;
      }
      case 'Dropout': {
        const rate = Number(config.rate ?? 0);
        if (!(rate >= 0 && rate < 1)) throw new Unsupported(`layer '${name}' has rate ${rate}`);
        spec = { type: 'dropout', name, rate };
        break;
      }
      default:
        throw new Unsupported(`layer '${cname}' is a ${ccls}`);
    }
    out.push(spec);
    if (pad !== null) {
      outputPaths.set(name, null);
      inputPaths.set(name, null);
      outputPaths.set(cname, cpath);
      inputPaths.set(cname, null);
    } else {
      outputPaths.set(name, path);
      inputPaths.set(name, path);
    }
    return conv.outputTensors[0]!.id;
  };

  /** Appends the blocks that compute `stop` from tensor `t`. */
  const follow = (t: number, stop: number, out: BlockSpec[], parent: string | null): void => {
    while (t !== stop) {
      const next = readers(t);
      if (next.length === 1 && !isAdd(next[0]!)) {
        t = leaf(next[0]!, out, parent);
        continue;
      }
      if (next.length === 2) {
        const adds = next.filter((n) => isAdd(n) && n.inputTensors.length === 2 && n.inputTensors.some((i) => i.id === t));
        const add = adds.length === 1 ? adds[0]! : undefined;
        const first = next.find((n) => n !== add);
        const end = add?.inputTensors.find((i) => i.id !== t)?.id;
        if (add === undefined || first === undefined || isAdd(first) || end === undefined || readers(end).length !== 1) {
          throw new Unsupported(`a tensor is read by ${next.map((n) => `'${n.outboundLayer.name}'`).join(' and ')}, which is not a chain with an identity skip joined by an Add`);
        }
        const name = add.outboundLayer.name;
        const path = join(parent, name);
        const body: BlockSpec[] = [];
        follow(leaf(first, body, path), end, body, path);
        out.push({ type: 'residual', name, body });
        translated++;
        outputPaths.set(name, path);
        inputPaths.set(name, null);
        t = add.outputTensors[0]!.id;
        continue;
      }
      if (next.length === 0) throw new Unsupported('a branch of the graph ends before the output');
      throw new Unsupported(`a tensor is read by ${next.length} layers (${next.map((n) => `'${n.outboundLayer.name}'`).join(', ')})`);
    }
  };

  const blocks: BlockSpec[] = [];
  follow(input.id, graph.output.id, blocks, null);
  if (translated !== layerNodes) throw new Unsupported(`the chain from the input to the output passes ${translated} of the model's ${layerNodes} layers`);
  if (blocks.length === 0) throw new Unsupported('the model has no layers');
  return { blocks, inputShape, outputPaths, inputPaths, weights };
}

/**
 * The ResidualModel of a translated layers model, holding a copy of its weights; `sync()` copies them again when
 * the layers model's variables changed (setWeights), so the two never disagree.
 */
export class FastLayers {
  readonly model: ResidualModel;
  readonly outputPaths: Map<string, string | null>;
  readonly inputPaths: Map<string, string | null>;
  private readonly weights: WeightSource[];
  private ids: unknown[] = [];

  constructor(t: Translation) {
    this.model = residualModel(t.blocks, t.inputShape, { seed: 0 });
    this.outputPaths = t.outputPaths;
    this.inputPaths = t.inputPaths;
    this.weights = t.weights;
    try {
      this.sync();
    } catch (e) {
      this.model.dispose();
      throw e;
    }
  }

  /** Copies the layers model's weights when any of its variables holds new data since the last copy. */
  sync(): void {
    const ids = this.weights.map((w) => (w.variable === null ? null : w.variable.read().dataId));
    if (ids.length === this.ids.length && ids.every((id, i) => id === this.ids[i])) return;
    const values: Record<string, Tensor> = {};
    const made: Tensor[] = [];
    try {
      for (const w of this.weights) {
        if (w.variable !== null) {
          values[w.name] = w.variable.read();
        } else {
          const t = tf.fill(w.shape, w.fill);
          made.push(t);
          values[w.name] = t;
        }
      }
      this.model.setWeights(values);
    } finally {
      tf.dispose(made);
    }
    this.ids = ids;
  }

  dispose(): void {
    this.model.dispose();
  }
}
