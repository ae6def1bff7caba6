/**
 * Layer specs: plain, JSON-serialisable data that describes one layer of a `Sequential`, and the planning
 * step that checks a spec against its input shape, fills in the defaults and works out the output shape
 * and the parameters.
 */
import { GlassboxError, describe } from '../errors.js';
import { assertNumber, closestName } from '../contract/validate.js';
import { resolveActivation, type ActivationConfig, type ActivationName, type ActivationRef } from './activations.js';
import { INITIALIZER_NAMES, type InitializerName } from './initializers.js';
import { resolveConv2DOptions, type Conv2DConfig } from './conv2d.js';
import { resolveConv2DTransposeOptions, type Conv2DTransposeConfig } from './conv2d-transpose.js';
import { resolvePool2DOptions, type Pool2DConfig } from './pooling.js';
import { resolveDepthMultiplier } from './depthwise-conv2d.js';
import { resolveRowShape } from './reshape.js';
import { BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM } from './batch-norm.js';
import {
  checkRate,
  checkWindowFits,
  convOutputLength,
  convTransposeOutputLength,
  formatShape,
  sizeOf,
  toPair,
  type Padding,
} from './common.js';

interface Named {
  /** Unique within the model, no '/'; default `${type}_${index}`. Parameters are named `${name}/kernel` etc. */
  name?: string;
}

/** Dense layer: y = activation(x W + b). Input rows must be vectors (flatten images first). */
export interface DenseLayerSpec extends Named {
  type: 'dense';
  /** Output features, integer >= 1. */
  units: number;
  /** Default 'linear'. */
  activation?: ActivationRef;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerName;
  /** Default 'zeros'. */
  biasInitializer?: InitializerName;
}

/** 2-D convolution, NHWC; kernel [kh, kw, inChannels, filters]. */
export interface Conv2DLayerSpec extends Named {
  type: 'conv2d';
  /** Output channels, integer >= 1. */
  filters: number;
  /** Integer >= 1 or [rows, cols]. */
  kernelSize: number | [number, number];
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Default 1. */
  dilations?: number | [number, number];
  /** Default 'linear'. */
  activation?: ActivationRef;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerName;
  /** Default 'zeros'. */
  biasInitializer?: InitializerName;
}

/**
 * Depthwise 2-D convolution, NHWC: each input channel convolved with its own `depthMultiplier` filters;
 * kernel [kh, kw, inChannels, depthMultiplier], output channels inChannels * depthMultiplier.
 */
export interface DepthwiseConv2DLayerSpec extends Named {
  type: 'depthwiseConv2d';
  /** Integer >= 1 or [rows, cols]. */
  kernelSize: number | [number, number];
  /** Filters per input channel, integer >= 1; default 1. */
  depthMultiplier?: number;
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Default 1. */
  dilations?: number | [number, number];
  /** Default 'linear'. */
  activation?: ActivationRef;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerName;
  /** Default 'zeros'. */
  biasInitializer?: InitializerName;
}

/** Transposed 2-D convolution, NHWC; kernel [kh, kw, filters, inChannels]. */
export interface Conv2DTransposeLayerSpec extends Named {
  type: 'conv2dTranspose';
  /** Output channels, integer >= 1. */
  filters: number;
  /** Integer >= 1 or [rows, cols]. */
  kernelSize: number | [number, number];
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Default 'linear'. */
  activation?: ActivationRef;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerName;
  /** Default 'zeros'. */
  biasInitializer?: InitializerName;
}

/** Batch normalisation over the last axis (parameters gamma, beta, movingMean, movingVariance). */
export interface BatchNormLayerSpec extends Named {
  type: 'batchNorm';
  /** Weight of the old value in the moving averages, in [0, 1]; default 0.99. */
  momentum?: number;
  /** > 0, default 1e-3. */
  epsilon?: number;
}

/** A nonlinearity on its own. */
export interface ActivationLayerSpec extends Named {
  type: 'activation';
  fn: ActivationName;
  /** For 'leakyRelu' (default 0.2) and 'elu' (default 1). */
  alpha?: number;
}

/** [N, ...] -> [N, prod(...)]. */
export interface FlattenLayerSpec extends Named {
  type: 'flatten';
}

/** [N, ...] -> [N, ...shape]; at most one -1. */
export interface ReshapeLayerSpec extends Named {
  type: 'reshape';
  shape: number[];
}

/** Max or average pooling, NHWC. */
export interface Pool2DLayerSpec extends Named {
  type: 'maxPool' | 'avgPool';
  /** Default 2. */
  poolSize?: number | [number, number];
  /** Default poolSize. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
}

/** Global average pooling, NHWC: [H, W, C] -> [C], the mean of each channel. */
export interface GlobalAvgPoolLayerSpec extends Named {
  type: 'globalAvgPool';
}

/** Inverted dropout in training mode, identity in inference mode. */
export interface DropoutLayerSpec extends Named {
  type: 'dropout';
  /** In [0, 1). */
  rate: number;
}

/** One layer of a `Sequential`, as plain JSON-serialisable data. */
export type LayerSpec =
  | DenseLayerSpec
  | Conv2DLayerSpec
  | Conv2DTransposeLayerSpec
  | DepthwiseConv2DLayerSpec
  | BatchNormLayerSpec
  | ActivationLayerSpec
  | FlattenLayerSpec
  | ReshapeLayerSpec
  | Pool2DLayerSpec
  | GlobalAvgPoolLayerSpec
  | DropoutLayerSpec;

export type LayerType = LayerSpec['type'];

export const LAYER_TYPES: readonly LayerType[] = [
  'dense',
  'conv2d',
  'conv2dTranspose',
  'batchNorm',
  'activation',
  'flatten',
  'reshape',
  'maxPool',
  'avgPool',
  'dropout',
  'depthwiseConv2d',
  'globalAvgPool',
];

const ALLOWED_KEYS: Record<LayerType, readonly string[]> = {
  dense: ['type', 'name', 'units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer'],
  conv2d: ['type', 'name', 'filters', 'kernelSize', 'strides', 'padding', 'dilations', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer'],
  conv2dTranspose: ['type', 'name', 'filters', 'kernelSize', 'strides', 'padding', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer'],
  batchNorm: ['type', 'name', 'momentum', 'epsilon'],
  activation: ['type', 'name', 'fn', 'alpha'],
  flatten: ['type', 'name'],
  reshape: ['type', 'name', 'shape'],
  maxPool: ['type', 'name', 'poolSize', 'strides', 'padding'],
  avgPool: ['type', 'name', 'poolSize', 'strides', 'padding'],
  dropout: ['type', 'name', 'rate'],
  depthwiseConv2d: ['type', 'name', 'kernelSize', 'depthMultiplier', 'strides', 'padding', 'dilations', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer'],
  globalAvgPool: ['type', 'name'],
};

/** Which parameter of a layer. */
export type ParamKey = 'kernel' | 'bias' | 'gamma' | 'beta' | 'movingMean' | 'movingVariance';

/** A parameter a layer needs: its full name ('conv1/kernel'), shape, initializer and whether it is trained. */
export interface ParamPlan {
  key: ParamKey;
  name: string;
  shape: number[];
  initializer: InitializerName;
  trainable: boolean;
}

/** What a layer computes, with every option checked and normalised. */
export type LayerOp =
  | { kind: 'dense'; useBias: boolean }
  | { kind: 'conv2d'; useBias: boolean; config: Conv2DConfig }
  | { kind: 'conv2dTranspose'; useBias: boolean; config: Conv2DTransposeConfig }
  | { kind: 'depthwiseConv2d'; useBias: boolean; config: Conv2DConfig }
  | { kind: 'globalAvgPool' }
  | { kind: 'batchNorm'; momentum: number; epsilon: number }
  | { kind: 'activation' }
  | { kind: 'flatten' }
  | { kind: 'reshape'; shape: number[] }
  | { kind: 'pool'; pool: 'max' | 'avg'; config: Pool2DConfig }
  | { kind: 'dropout'; rate: number };

/** A checked layer: the normalised spec, shapes (without the batch axis), activation and parameters. */
export interface LayerPlan {
  index: number;
  name: string;
  type: LayerType;
  /** The spec with its name and every default filled in (what `toJSON` stores). */
  spec: LayerSpec & { name: string };
  inputShape: number[];
  outputShape: number[];
  /** The layer's nonlinearity, applied after its linear part; null for layers that have none. */
  activation: ActivationConfig | null;
  params: ParamPlan[];
  op: LayerOp;
}

/** A config as the shortest reference: the bare name when it has no alpha. */
function activationRef(config: ActivationConfig): ActivationRef {
  return config.alpha === undefined ? config.fn : { fn: config.fn, alpha: config.alpha };
}

function checkKeys(spec: Record<string, unknown>, type: LayerType, where: string): void {
  const allowed = ALLOWED_KEYS[type];
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) {
      const guess = closestName(key, allowed);
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: unknown key '${key}' for a '${type}' layer${guess === undefined ? '' : ` (did you mean '${guess}'?)`}; allowed keys are ${allowed.map((k) => `'${k}'`).join(', ')}`,
      );
    }
  }
}

function checkInitializer(value: unknown, fallback: InitializerName, name: string, where: string): InitializerName {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(INITIALIZER_NAMES as readonly string[]).includes(value)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be one of ${INITIALIZER_NAMES.map((n) => `'${n}'`).join(', ')}, got ${describe(value)}`,
    );
  }
  return value as InitializerName;
}

function checkBoolean(value: unknown, fallback: boolean, name: string, where: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

function requireRank(inputShape: readonly number[], rank: number, type: string, where: string, hint: string): void {
  if (inputShape.length !== rank) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: a '${type}' layer needs rows of rank ${rank} ${hint}, but its input rows have shape ${formatShape(inputShape)}`,
    );
  }
}

/** The default name of the layer at `index`. */
export function defaultLayerName(type: LayerType, index: number): string {
  return `${type}_${index}`;
}

/**
 * Checks one spec against the shape of its input rows (without the batch axis) and plans the layer.
 * @throws GlassboxError INVALID_ARGUMENT for a bad spec, SHAPE_MISMATCH when it does not fit its input.
 */
export function planLayer(spec: unknown, index: number, inputShape: readonly number[], context: string): LayerPlan {
  let where = `${context}: layers[${index}]`;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where} must be a layer spec object { type, ... }, got ${describe(spec)}`);
  }
  const s = spec as Record<string, unknown>;
  const type = s.type;
  if (typeof type !== 'string' || !(LAYER_TYPES as readonly string[]).includes(type)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}.type must be one of ${LAYER_TYPES.map((t) => `'${t}'`).join(', ')}, got ${describe(type)}`,
    );
  }
  const t = type as LayerType;
  checkKeys(s, t, where);
  let name: string;
  if (s.name === undefined) {
    name = defaultLayerName(t, index);
  } else if (typeof s.name !== 'string' || s.name.length === 0 || s.name.includes('/')) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}.name must be a non-empty string without '/', got ${describe(s.name)}`);
  } else {
    name = s.name;
  }
  where = `${context}: layer '${name}' (layers[${index}])`;
  const inShape = inputShape.slice();
  const param = (key: ParamKey, shape: number[], initializer: InitializerName, trainable = true): ParamPlan => ({
    key,
    name: `${name}/${key}`,
    shape,
    initializer,
    trainable,
  });
  /**
   * What conv2d and depthwiseConv2d share: the window options, the kernel [kh, kw, C, perChannel], the bias over
   * `outChannels`, and the output shape.
   */
  const windowLayer = (perChannel: number, outChannels: number) => {
    const kernelSize = toPair(s.kernelSize, 'kernelSize', where);
    const config = resolveConv2DOptions({ strides: s.strides, padding: s.padding, dilations: s.dilations, activation: s.activation }, where, '');
    checkWindowFits(inShape.slice(0, 2), kernelSize, config.dilations, config.padding, 'kernel', where);
    const useBias = checkBoolean(s.useBias, true, 'useBias', where);
    const kernelInitializer = checkInitializer(s.kernelInitializer, 'glorotUniform', 'kernelInitializer', where);
    const biasInitializer = checkInitializer(s.biasInitializer, 'zeros', 'biasInitializer', where);
    const params = [param('kernel', [kernelSize[0], kernelSize[1], inShape[2]!, perChannel], kernelInitializer)];
    if (useBias) params.push(param('bias', [outChannels], biasInitializer));
    const outputShape = [
      convOutputLength(inShape[0]!, kernelSize[0], config.strides[0], config.dilations[0], config.padding),
      convOutputLength(inShape[1]!, kernelSize[1], config.strides[1], config.dilations[1], config.padding),
      outChannels,
    ];
    const specTail = {
      strides: config.strides,
      padding: config.padding,
      dilations: config.dilations,
      activation: activationRef(config.activation),
      useBias,
      kernelInitializer,
      biasInitializer,
    };
    return { kernelSize, config, useBias, params, outputShape, specTail };
  };

  switch (t) {
    case 'dense': {
      requireRank(inShape, 1, t, where, '(vectors; add a flatten layer before it)');
      const units = assertNumber(s.units, 'units', where, { integer: true, min: 1 });
      const activation = resolveActivation(s.activation ?? 'linear', 'activation', where);
      const useBias = checkBoolean(s.useBias, true, 'useBias', where);
      const kernelInitializer = checkInitializer(s.kernelInitializer, 'glorotUniform', 'kernelInitializer', where);
      const biasInitializer = checkInitializer(s.biasInitializer, 'zeros', 'biasInitializer', where);
      const params = [param('kernel', [inShape[0]!, units], kernelInitializer)];
      if (useBias) params.push(param('bias', [units], biasInitializer));
      return {
        index,
        name,
        type: t,
        spec: { type: t, name, units, activation: activationRef(activation), useBias, kernelInitializer, biasInitializer },
        inputShape: inShape,
        outputShape: [units],
        activation,
        params,
        op: { kind: 'dense', useBias },
      };
    }
    case 'conv2d': {
      requireRank(inShape, 3, t, where, '([H, W, C] images)');
      const filters = assertNumber(s.filters, 'filters', where, { integer: true, min: 1 });
      const w = windowLayer(filters, filters);
      return {
        index,
        name,
        type: t,
        spec: { type: t, name, filters, kernelSize: w.kernelSize, ...w.specTail },
        inputShape: inShape,
        outputShape: w.outputShape,
        activation: w.config.activation,
        params: w.params,
        op: { kind: 'conv2d', useBias: w.useBias, config: w.config },
      };
    }
    case 'conv2dTranspose': {
      requireRank(inShape, 3, t, where, '([H, W, C] images)');
      const filters = assertNumber(s.filters, 'filters', where, { integer: true, min: 1 });
      const kernelSize = toPair(s.kernelSize, 'kernelSize', where);
      const config = resolveConv2DTransposeOptions({ strides: s.strides, padding: s.padding, activation: s.activation }, where, '');
      const useBias = checkBoolean(s.useBias, true, 'useBias', where);
      const kernelInitializer = checkInitializer(s.kernelInitializer, 'glorotUniform', 'kernelInitializer', where);
      const biasInitializer = checkInitializer(s.biasInitializer, 'zeros', 'biasInitializer', where);
      const params = [param('kernel', [kernelSize[0], kernelSize[1], filters, inShape[2]!], kernelInitializer)];
      if (useBias) params.push(param('bias', [filters], biasInitializer));
      return {
        index,
        name,
        type: t,
        spec: {
          type: t,
          name,
          filters,
          kernelSize,
          strides: config.strides,
          padding: config.padding,
          activation: activationRef(config.activation),
          useBias,
          kernelInitializer,
          biasInitializer,
        },
        inputShape: inShape,
        outputShape: [
          convTransposeOutputLength(inShape[0]!, kernelSize[0], config.strides[0], config.padding),
          convTransposeOutputLength(inShape[1]!, kernelSize[1], config.strides[1], config.padding),
          filters,
        ],
        activation: config.activation,
        params,
        op: { kind: 'conv2dTranspose', useBias, config },
      };
    }
    case 'depthwiseConv2d': {
      requireRank(inShape, 3, t, where, '([H, W, C] images)');
      const depthMultiplier = resolveDepthMultiplier(s.depthMultiplier, where);
      const w = windowLayer(depthMultiplier, inShape[2]! * depthMultiplier);
      return {
        index,
        name,
        type: t,
        spec: { type: t, name, kernelSize: w.kernelSize, depthMultiplier, ...w.specTail },
        inputShape: inShape,
        outputShape: w.outputShape,
        activation: w.config.activation,
        params: w.params,
        op: { kind: 'depthwiseConv2d', useBias: w.useBias, config: w.config },
      };
    }
    case 'globalAvgPool':
      requireRank(inShape, 3, t, where, '([H, W, C] images)');
      return {
        index,
        name,
        type: t,
        spec: { type: t, name },
        inputShape: inShape,
        outputShape: [inShape[2]!],
        activation: null,
        params: [],
        op: { kind: 'globalAvgPool' },
      };
    case 'batchNorm': {
      const momentum = assertNumber(s.momentum ?? BATCH_NORM_MOMENTUM, 'momentum', where, { min: 0, max: 1 });
      const epsilon = assertNumber(s.epsilon ?? BATCH_NORM_EPSILON, 'epsilon', where, { gt: 0 });
      const c = inShape[inShape.length - 1]!;
      return {
        index,
        name,
        type: t,
        spec: { type: t, name, momentum, epsilon },
        inputShape: inShape,
        outputShape: inShape.slice(),
        activation: null,
        params: [
          param('gamma', [c], 'ones'),
          param('beta', [c], 'zeros'),
          param('movingMean', [c], 'zeros', false),
          param('movingVariance', [c], 'ones', false),
        ],
        op: { kind: 'batchNorm', momentum, epsilon },
      };
    }
    case 'activation': {
      const activation = resolveActivation(s.alpha === undefined ? s.fn : { fn: s.fn, alpha: s.alpha }, 'fn', where);
      const normalized: ActivationLayerSpec & { name: string } = { type: t, name, fn: activation.fn };
      if (activation.alpha !== undefined) normalized.alpha = activation.alpha;
      return {
        index,
        name,
        type: t,
        spec: normalized,
        inputShape: inShape,
        outputShape: inShape.slice(),
        activation,
        params: [],
        op: { kind: 'activation' },
      };
    }
    case 'flatten':
      return {
        index,
        name,
        type: t,
        spec: { type: t, name },
        inputShape: inShape,
        outputShape: [sizeOf(inShape)],
        activation: null,
        params: [],
        op: { kind: 'flatten' },
      };
    case 'reshape': {
      const shape = resolveRowShape(s.shape, sizeOf(inShape), inShape, 'shape', where);
      return {
        index,
        name,
        type: t,
        spec: { type: t, name, shape: (s.shape as number[]).slice() },
        inputShape: inShape,
        outputShape: shape,
        activation: null,
        params: [],
        op: { kind: 'reshape', shape },
      };
    }
    case 'maxPool':
    case 'avgPool': {
      requireRank(inShape, 3, t, where, '([H, W, C] images)');
      const config = resolvePool2DOptions({ poolSize: s.poolSize, strides: s.strides, padding: s.padding }, where, '');
      checkWindowFits(inShape.slice(0, 2), config.poolSize, [1, 1], config.padding, 'pool', where);
      return {
        index,
        name,
        type: t,
        spec: { type: t, name, poolSize: config.poolSize, strides: config.strides, padding: config.padding },
        inputShape: inShape,
        outputShape: [
          convOutputLength(inShape[0]!, config.poolSize[0], config.strides[0], 1, config.padding),
          convOutputLength(inShape[1]!, config.poolSize[1], config.strides[1], 1, config.padding),
          inShape[2]!,
        ],
        activation: null,
        params: [],
        op: { kind: 'pool', pool: t === 'maxPool' ? 'max' : 'avg', config },
      };
    }
    case 'dropout': {
      const rate = checkRate(s.rate, 'rate', where);
      return {
        index,
        name,
        type: t,
        spec: { type: t, name, rate },
        inputShape: inShape,
        outputShape: inShape.slice(),
        activation: null,
        params: [],
        op: { kind: 'dropout', rate },
      };
    }
  }
}

/**
 * Checks a whole list of specs against the model's input shape and plans every layer (no tensors are made).
 * @throws GlassboxError INVALID_ARGUMENT (bad spec, duplicate name) or SHAPE_MISMATCH (a layer does not fit).
 */
export function planLayers(specs: unknown, inputShape: unknown, context: string): { inputShape: number[]; plans: LayerPlan[] } {
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${context}: inputShape must be a non-empty array of integers >= 1 (one row, without the batch axis), got ${describe(inputShape)}`,
    );
  }
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${context}: layers must be a non-empty array of layer specs, got ${describe(specs)}`);
  }
  const plans: LayerPlan[] = [];
  const names = new Set<string>();
  let shape = (inputShape as number[]).slice();
  for (let i = 0; i < specs.length; i++) {
    const plan = planLayer(specs[i], i, shape, context);
    if (names.has(plan.name)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${context}: layers[${i}] has the name '${plan.name}', which an earlier layer already uses`);
    }
    names.add(plan.name);
    plans.push(plan);
    shape = plan.outputShape;
  }
  return { inputShape: (inputShape as number[]).slice(), plans };
}
