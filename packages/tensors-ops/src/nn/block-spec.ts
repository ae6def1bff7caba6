/**
 * Block specs: plain, JSON-serialisable data that describes one block of a `ResidualModel`, and the planning
 * step that checks the blocks against their input shapes, fills in the defaults and lists the parameters
 * (no tensors are made). Shapes are rows without the batch axis; a dimension may be null (any size, e.g. the
 * sequence length of a text model).
 */
import { GlassboxError, describe } from '../errors.js';
import { assertNumber } from '../contract/validate.js';
import { resolveActivation, type ActivationConfig, type ActivationRef } from './activations.js';
import { INITIALIZER_NAMES, type InitializerName } from './initializers.js';
import { LAYER_TYPES, planLayer, type DenseLayerSpec, type LayerPlan, type LayerSpec, type LayerType } from './layer-spec.js';
import { LAYER_NORM_EPSILON } from './layer-norm.js';
import { GELU_APPROXIMATIONS, type GeluApproximate } from './gelu-mlp.js';
import { checkRate, sizeOf } from './common.js';

/** A dimension of a row shape: a size, or null for "any size >= 1" (e.g. the sequence length). */
export type Dim = number | null;

interface Named {
  /** Unique among its siblings, no '/'; default `${type}_${index}`. Parameters are named `${path}/${param}`. */
  name?: string;
}

/**
 * Token embedding (`embedding`): int32 ids [T] -> [T, dim]. Only as the first block of a model, which then
 * takes int32 ids [N, T]. Parameter `table` [vocabSize, dim].
 */
export interface TokenEmbeddingBlockSpec extends Named {
  type: 'tokenEmbedding';
  /** Number of token ids V, integer >= 1 (ids lie in [0, V)). */
  vocabSize: number;
  /** Embedding width D, integer >= 1. */
  dim: number;
  /**
   * The padding token's id, or null (default). When set, positions holding it are masked as padding (for the
   * attention blocks and 'mean' / 'last' pooling) unless `apply` gets an explicit `paddingMask`.
   */
  padId?: number | null;
  /** Default 'glorotUniform'. */
  initializer?: InitializerName;
}

/** Learned positional embedding (`positionalEmbedding`): [T, D] -> [T, D] + table[0:T]. Parameter `table` [maxLength, D]. */
export interface PositionalEmbeddingBlockSpec extends Named {
  type: 'positionalEmbedding';
  /** The longest sequence, integer >= 1. */
  maxLength: number;
  /** Default 'glorotUniform'. */
  initializer?: InitializerName;
}

/** Layer normalisation over the last axis (`layerNorm`). Parameters gamma, beta [D]. */
export interface LayerNormBlockSpec extends Named {
  type: 'layerNorm';
  /** > 0, default 1e-5. */
  epsilon?: number;
}

/**
 * Multi-head self-attention (`multiHeadAttention`): [T, D] -> [T, D]. Parameters wq, wk, wv [D, heads*keyDim],
 * wo [heads*keyDim, D] and (useBias) bq, bk, bv [heads*keyDim], bo [D].
 */
export interface AttentionBlockSpec extends Named {
  type: 'attention';
  /** Integer >= 1. */
  heads: number;
  /** Features per head; default D / heads (then heads must divide D). */
  keyDim?: number;
  /** Default false. */
  causal?: boolean;
  /** Default true. */
  useBias?: boolean;
  /** Dropout on the attention probabilities in training, in [0, 1); default 0. */
  dropout?: number;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerName;
}

/** GELU MLP on the last axis (`geluMlp`): [..., D] -> [..., D]. Parameters w1 [D, hidden], b1, w2 [hidden, D], b2. */
export interface MlpBlockSpec extends Named {
  type: 'mlp';
  /** Hidden width, integer >= 1. */
  hidden: number;
  /** Default 'tanh'. */
  approximate?: GeluApproximate;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerName;
}

/**
 * Pre-norm Transformer block (`transformerBlock`): [T, D] -> [T, D]. Parameters ln1/gamma, ln1/beta,
 * attention/{wq, bq, wk, bk, wv, bv, wo, bo}, ln2/gamma, ln2/beta, mlp/{w1, b1, w2, b2}.
 */
export interface TransformerBlockSpec extends Named {
  type: 'transformerBlock';
  /** Integer >= 1. */
  heads: number;
  /** MLP width; default 4 D. */
  hidden?: number;
  /** Features per head; default D / heads. */
  keyDim?: number;
  /** Default false. */
  causal?: boolean;
  /** Layer-norm epsilon, default 1e-5. */
  epsilon?: number;
  /** Default 'tanh'. */
  approximate?: GeluApproximate;
  /** Dropout in training (attention probabilities, both sub-layer outputs), in [0, 1); default 0. */
  dropout?: number;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerName;
}

/** How `sequencePool` reduces a sequence: its first position ([CLS]), its last real position, or the mean of its real positions. */
export type SequencePoolMode = 'first' | 'last' | 'mean';
export const SEQUENCE_POOL_MODES: readonly SequencePoolMode[] = ['first', 'last', 'mean'];

/** [T, D] -> [D]: one vector per sequence. 'last' and 'mean' skip padding (see the padding mask). */
export interface SequencePoolBlockSpec extends Named {
  type: 'sequencePool';
  mode: SequencePoolMode;
}

/**
 * A residual connection around a body of blocks: y = x + body(x). The body must give back x's shape. A
 * MobileNetV2 inverted residual, a pre-norm attention sub-layer and a ResNet basic block are all of this form.
 */
export interface ResidualBlockSpec extends Named {
  type: 'residual';
  body: BlockSpec[];
}

/**
 * One block of a `ResidualModel`, as plain JSON-serialisable data: the sequence blocks above, `residual`, or a
 * `Sequential` layer spec. A 'dense' layer acts on the last axis (so also on [T, D] rows); 'activation' and
 * 'dropout' accept any rows; the other layer types need rows of fixed size, as in a Sequential.
 */
export type BlockSpec =
  | TokenEmbeddingBlockSpec
  | PositionalEmbeddingBlockSpec
  | LayerNormBlockSpec
  | AttentionBlockSpec
  | MlpBlockSpec
  | TransformerBlockSpec
  | SequencePoolBlockSpec
  | ResidualBlockSpec
  | LayerSpec;

export type BlockType = BlockSpec['type'];

const OWN_TYPES = ['tokenEmbedding', 'positionalEmbedding', 'layerNorm', 'attention', 'mlp', 'transformerBlock', 'sequencePool', 'residual'] as const;

export const BLOCK_TYPES: readonly BlockType[] = [...OWN_TYPES, ...LAYER_TYPES];

const ALLOWED_KEYS: Record<(typeof OWN_TYPES)[number] | 'dense', readonly string[]> = {
  tokenEmbedding: ['type', 'name', 'vocabSize', 'dim', 'padId', 'initializer'],
  positionalEmbedding: ['type', 'name', 'maxLength', 'initializer'],
  layerNorm: ['type', 'name', 'epsilon'],
  attention: ['type', 'name', 'heads', 'keyDim', 'causal', 'useBias', 'dropout', 'kernelInitializer'],
  mlp: ['type', 'name', 'hidden', 'approximate', 'useBias', 'kernelInitializer'],
  transformerBlock: ['type', 'name', 'heads', 'hidden', 'keyDim', 'causal', 'epsilon', 'approximate', 'dropout', 'kernelInitializer'],
  sequencePool: ['type', 'name', 'mode'],
  residual: ['type', 'name', 'body'],
  dense: ['type', 'name', 'units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer'],
};

/** A parameter a block needs: its full name ('h0/attention/wq'), shape, initializer and whether it is trained. */
export interface BlockParamPlan {
  name: string;
  shape: number[];
  initializer: InitializerName;
  trainable: boolean;
}

/** What a block computes, with every option checked and normalised. */
export type BlockOp =
  | { kind: 'tokenEmbedding'; vocabSize: number; dim: number; padId: number | null }
  | { kind: 'positionalEmbedding'; maxLength: number }
  | { kind: 'layerNorm'; epsilon: number }
  | { kind: 'attention'; heads: number; keyDim: number; causal: boolean; useBias: boolean; dropout: number }
  | { kind: 'mlp'; hidden: number; approximate: GeluApproximate; useBias: boolean }
  | {
      kind: 'transformerBlock';
      heads: number;
      keyDim: number;
      hidden: number;
      causal: boolean;
      epsilon: number;
      approximate: GeluApproximate;
      dropout: number;
    }
  | { kind: 'sequencePool'; mode: SequencePoolMode }
  | { kind: 'dense'; useBias: boolean; activation: ActivationConfig }
  | { kind: 'layer'; layer: LayerPlan }
  | { kind: 'residual'; body: BlockPlan[] };

/** A checked block. */
export interface BlockPlan {
  /** Index among its siblings. */
  index: number;
  name: string;
  /** Full name: the names of the enclosing residual blocks and its own, joined by '/'. */
  path: string;
  type: BlockType;
  /** The spec with its name and every default filled in (what `toJSON` stores). */
  spec: BlockSpec & { name: string };
  inputShape: Dim[];
  outputShape: Dim[];
  /** Every parameter of the block (for a residual block, those of its body), with full names. */
  params: BlockParamPlan[];
  op: BlockOp;
}

function formatDims(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (d === null ? 'T' : String(d))).join(', ')}]`;
}

export { formatDims };

function checkKeys(spec: Record<string, unknown>, allowed: readonly string[], type: string, where: string): void {
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: unknown key '${key}' for a '${type}' block; allowed keys are ${allowed.map((k) => `'${k}'`).join(', ')}`,
      );
    }
  }
}

function checkInitializer(value: unknown, name: string, where: string): InitializerName {
  if (value === undefined) return 'glorotUniform';
  if (typeof value !== 'string' || !(INITIALIZER_NAMES as readonly string[]).includes(value)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be one of ${INITIALIZER_NAMES.map((n) => `'${n}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as InitializerName;
}

function checkBoolean(value: unknown, fallback: boolean, name: string, where: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a boolean, got ${describe(value)}`);
  return value;
}

function checkApproximate(value: unknown, where: string): GeluApproximate {
  if (value === undefined) return 'tanh';
  if (typeof value !== 'string' || !(GELU_APPROXIMATIONS as readonly string[]).includes(value)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: approximate must be 'tanh' or 'none', got ${describe(value)}`);
  }
  return value as GeluApproximate;
}

function activationRef(config: ActivationConfig): ActivationRef {
  return config.alpha === undefined ? config.fn : { fn: config.fn, alpha: config.alpha };
}

/** Rows [T, D] with D known. */
function requireSequence(shape: readonly Dim[], type: string, where: string): number {
  if (shape.length !== 2 || shape[1] === null) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: a '${type}' block needs rows [T, D] (a sequence of D-feature vectors, D fixed), but its input rows have shape ${formatDims(shape)}`,
    );
  }
  return shape[1]!;
}

/** Rows [..., D] with D known. */
function requireLastAxis(shape: readonly Dim[], type: string, where: string): number {
  const d = shape[shape.length - 1];
  if (shape.length === 0 || d === null || d === undefined) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: a '${type}' block needs rows [..., D] with D fixed, but its input rows have shape ${formatDims(shape)}`);
  }
  return d;
}

/** Default keyDim = D / heads; refuses when heads does not divide D. */
function resolveKeyDim(value: unknown, d: number, heads: number, where: string): number {
  if (value !== undefined) return assertNumber(value, 'keyDim', where, { integer: true, min: 1 });
  if (d % heads !== 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: heads must divide the ${d} features of the input (or give keyDim), got heads ${heads}`);
  }
  return d / heads;
}

function sameDims(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Checks one block spec against the shape of its input rows and plans it (recursively for residual bodies).
 * @throws GlassboxError INVALID_ARGUMENT for a bad spec, SHAPE_MISMATCH when it does not fit its input.
 */
export function planBlock(spec: unknown, index: number, inputShape: readonly Dim[], context: string, parent: string | null): BlockPlan {
  const label = parent === null ? `blocks[${index}]` : `'${parent}'.body[${index}]`;
  let where = `${context}: ${label}`;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where} must be a block spec object { type, ... }, got ${describe(spec)}`);
  }
  const s = spec as Record<string, unknown>;
  const type = s.type;
  if (typeof type !== 'string' || !(BLOCK_TYPES as readonly string[]).includes(type)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}.type must be one of ${BLOCK_TYPES.map((t) => `'${t}'`).join(', ')}, got ${describe(type)}`);
  }
  const t = type as BlockType;
  let name: string;
  if (s.name === undefined) {
    name = `${t}_${index}`;
  } else if (typeof s.name !== 'string' || s.name.length === 0 || s.name.includes('/')) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}.name must be a non-empty string without '/', got ${describe(s.name)}`);
  } else {
    name = s.name;
  }
  const path = parent === null ? name : `${parent}/${name}`;
  where = `${context}: block '${path}' (${label})`;
  const inShape = inputShape.slice();
  const param = (key: string, shape: number[], initializer: InitializerName, trainable = true): BlockParamPlan => ({
    name: `${path}/${key}`,
    shape,
    initializer,
    trainable,
  });
  const base = { index, name, path, type: t, inputShape: inShape };

  if (t !== 'dense' && (LAYER_TYPES as readonly string[]).includes(t)) {
    // A Sequential layer: planned by the Sequential's own planner, on rows of fixed size (activation and
    // dropout keep any shape, so they also accept rows with a free dimension).
    const free = inShape.some((d) => d === null);
    if (free && t !== 'activation' && t !== 'dropout') {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: a '${t}' layer needs input rows of fixed size, but they have shape ${formatDims(inShape)}`);
    }
    const layer = planLayer({ ...s, name }, index, inShape as number[], `${context} (${label})`);
    return {
      ...base,
      spec: layer.spec as BlockSpec & { name: string },
      outputShape: layer.outputShape.slice() as Dim[],
      params: layer.params.map((q) => ({ name: `${path}/${q.key}`, shape: q.shape.slice(), initializer: q.initializer, trainable: q.trainable })),
      op: { kind: 'layer', layer },
    };
  }
  checkKeys(s, ALLOWED_KEYS[t as keyof typeof ALLOWED_KEYS], t, where);

  switch (t) {
    case 'tokenEmbedding': {
      if (parent !== null || index !== 0) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: a 'tokenEmbedding' block can only be the first block of a model (it takes the model's int32 ids)`);
      }
      if (inShape.length !== 1) {
        throw new GlassboxError('SHAPE_MISMATCH', `${where}: a 'tokenEmbedding' block takes rows of T token ids (inputShape [T] or [null]), got ${formatDims(inShape)}`);
      }
      const vocabSize = assertNumber(s.vocabSize, 'vocabSize', where, { integer: true, min: 1 });
      const dim = assertNumber(s.dim, 'dim', where, { integer: true, min: 1 });
      const padId = s.padId === undefined || s.padId === null ? null : assertNumber(s.padId, 'padId', where, { integer: true, min: 0, max: vocabSize - 1 });
      const initializer = checkInitializer(s.initializer, 'initializer', where);
      return {
        ...base,
        spec: { type: t, name, vocabSize, dim, padId, initializer },
        outputShape: [inShape[0]!, dim],
        params: [param('table', [vocabSize, dim], initializer)],
        op: { kind: t, vocabSize, dim, padId },
      };
    }
    case 'positionalEmbedding': {
      const d = requireSequence(inShape, t, where);
      const maxLength = assertNumber(s.maxLength, 'maxLength', where, { integer: true, min: 1 });
      if (inShape[0] !== null && inShape[0]! > maxLength) {
        throw new GlassboxError('SHAPE_MISMATCH', `${where}: its input rows have ${inShape[0]} positions, more than maxLength ${maxLength}`);
      }
      const initializer = checkInitializer(s.initializer, 'initializer', where);
      return {
        ...base,
        spec: { type: t, name, maxLength, initializer },
        outputShape: inShape.slice(),
        params: [param('table', [maxLength, d], initializer)],
        op: { kind: t, maxLength },
      };
    }
    case 'layerNorm': {
      const d = requireLastAxis(inShape, t, where);
      const epsilon = assertNumber(s.epsilon ?? LAYER_NORM_EPSILON, 'epsilon', where, { gt: 0 });
      return {
        ...base,
        spec: { type: t, name, epsilon },
        outputShape: inShape.slice(),
        params: [param('gamma', [d], 'ones'), param('beta', [d], 'zeros')],
        op: { kind: t, epsilon },
      };
    }
    case 'attention': {
      const d = requireSequence(inShape, t, where);
      const heads = assertNumber(s.heads, 'heads', where, { integer: true, min: 1 });
      const keyDim = resolveKeyDim(s.keyDim, d, heads, where);
      const causal = checkBoolean(s.causal, false, 'causal', where);
      const useBias = checkBoolean(s.useBias, true, 'useBias', where);
      const dropout = s.dropout === undefined ? 0 : checkRate(s.dropout, 'dropout', where);
      const kernelInitializer = checkInitializer(s.kernelInitializer, 'kernelInitializer', where);
      const inner = heads * keyDim;
      const params: BlockParamPlan[] = [];
      for (const p of ['q', 'k', 'v']) {
        params.push(param(`w${p}`, [d, inner], kernelInitializer));
        if (useBias) params.push(param(`b${p}`, [inner], 'zeros'));
      }
      params.push(param('wo', [inner, d], kernelInitializer));
      if (useBias) params.push(param('bo', [d], 'zeros'));
      return {
        ...base,
        spec: { type: t, name, heads, keyDim, causal, useBias, dropout, kernelInitializer },
        outputShape: inShape.slice(),
        params,
        op: { kind: t, heads, keyDim, causal, useBias, dropout },
      };
    }
    case 'mlp': {
      const d = requireLastAxis(inShape, t, where);
      const hidden = assertNumber(s.hidden, 'hidden', where, { integer: true, min: 1 });
      const approximate = checkApproximate(s.approximate, where);
      const useBias = checkBoolean(s.useBias, true, 'useBias', where);
      const kernelInitializer = checkInitializer(s.kernelInitializer, 'kernelInitializer', where);
      const params = [param('w1', [d, hidden], kernelInitializer)];
      if (useBias) params.push(param('b1', [hidden], 'zeros'));
      params.push(param('w2', [hidden, d], kernelInitializer));
      if (useBias) params.push(param('b2', [d], 'zeros'));
      return {
        ...base,
        spec: { type: t, name, hidden, approximate, useBias, kernelInitializer },
        outputShape: inShape.slice(),
        params,
        op: { kind: t, hidden, approximate, useBias },
      };
    }
    case 'transformerBlock': {
      const d = requireSequence(inShape, t, where);
      const heads = assertNumber(s.heads, 'heads', where, { integer: true, min: 1 });
      const keyDim = resolveKeyDim(s.keyDim, d, heads, where);
      const hidden = s.hidden === undefined ? 4 * d : assertNumber(s.hidden, 'hidden', where, { integer: true, min: 1 });
      const causal = checkBoolean(s.causal, false, 'causal', where);
      const epsilon = assertNumber(s.epsilon ?? LAYER_NORM_EPSILON, 'epsilon', where, { gt: 0 });
      const approximate = checkApproximate(s.approximate, where);
      const dropout = s.dropout === undefined ? 0 : checkRate(s.dropout, 'dropout', where);
      const kernelInitializer = checkInitializer(s.kernelInitializer, 'kernelInitializer', where);
      const inner = heads * keyDim;
      const params: BlockParamPlan[] = [param('ln1/gamma', [d], 'ones'), param('ln1/beta', [d], 'zeros')];
      for (const p of ['q', 'k', 'v']) {
        params.push(param(`attention/w${p}`, [d, inner], kernelInitializer), param(`attention/b${p}`, [inner], 'zeros'));
      }
      params.push(param('attention/wo', [inner, d], kernelInitializer), param('attention/bo', [d], 'zeros'));
      params.push(param('ln2/gamma', [d], 'ones'), param('ln2/beta', [d], 'zeros'));
      params.push(param('mlp/w1', [d, hidden], kernelInitializer), param('mlp/b1', [hidden], 'zeros'));
      params.push(param('mlp/w2', [hidden, d], kernelInitializer), param('mlp/b2', [d], 'zeros'));
      return {
        ...base,
        spec: { type: t, name, heads, hidden, keyDim, causal, epsilon, approximate, dropout, kernelInitializer },
        outputShape: inShape.slice(),
        params,
        op: { kind: t, heads, keyDim, hidden, causal, epsilon, approximate, dropout },
      };
    }
    case 'sequencePool': {
      const d = requireSequence(inShape, t, where);
      const mode = s.mode;
      if (typeof mode !== 'string' || !(SEQUENCE_POOL_MODES as readonly string[]).includes(mode)) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: mode must be one of ${SEQUENCE_POOL_MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(mode)}`);
      }
      return {
        ...base,
        spec: { type: t, name, mode: mode as SequencePoolMode },
        outputShape: [d],
        params: [],
        op: { kind: t, mode: mode as SequencePoolMode },
      };
    }
    case 'dense': {
      const d = requireLastAxis(inShape, t, where);
      const units = assertNumber(s.units, 'units', where, { integer: true, min: 1 });
      const activation = resolveActivation(s.activation ?? 'linear', 'activation', where);
      const useBias = checkBoolean(s.useBias, true, 'useBias', where);
      const kernelInitializer = checkInitializer(s.kernelInitializer, 'kernelInitializer', where);
      const biasInitializer = s.biasInitializer === undefined ? 'zeros' : checkInitializer(s.biasInitializer, 'biasInitializer', where);
      const params = [param('kernel', [d, units], kernelInitializer)];
      if (useBias) params.push(param('bias', [units], biasInitializer));
      const normalized: DenseLayerSpec & { name: string } = {
        type: 'dense',
        name,
        units,
        activation: activationRef(activation),
        useBias,
        kernelInitializer,
        biasInitializer,
      };
      return {
        ...base,
        spec: normalized,
        outputShape: [...inShape.slice(0, -1), units],
        params,
        op: { kind: 'dense', useBias, activation },
      };
    }
    case 'residual': {
      const body = planBlockList(s.body, inShape, context, path, `${where}: body`);
      const out = body[body.length - 1]!.outputShape;
      if (!sameDims(out, inShape)) {
        throw new GlassboxError(
          'SHAPE_MISMATCH',
          `${where}: the body must give back its input's row shape ${formatDims(inShape)} (it is added to it), got ${formatDims(out)}`,
        );
      }
      return {
        ...base,
        spec: { type: t, name, body: body.map((b) => b.spec) },
        outputShape: inShape.slice(),
        params: body.flatMap((b) => b.params),
        op: { kind: t, body },
      };
    }
  }
  // Unreachable: every type is handled above.
  throw new GlassboxError('INVALID_ARGUMENT', `${where}: unknown block type ${describe(t)}`);
}

/** Plans a list of sibling blocks, each feeding the next; names must be unique among siblings. */
export function planBlockList(specs: unknown, inputShape: readonly Dim[], context: string, parent: string | null, label: string): BlockPlan[] {
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${label} must be a non-empty array of block specs, got ${describe(specs)}`);
  }
  const plans: BlockPlan[] = [];
  const names = new Set<string>();
  let shape = inputShape.slice();
  for (let i = 0; i < specs.length; i++) {
    const plan = planBlock(specs[i], i, shape, context, parent);
    if (names.has(plan.name)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${context}: block '${plan.path}' (${parent === null ? `blocks[${i}]` : `'${parent}'.body[${i}]`}) has a name an earlier sibling already uses`);
    }
    names.add(plan.name);
    plans.push(plan);
    shape = plan.outputShape;
  }
  return plans;
}

/**
 * Checks a whole model's blocks against its input shape and plans them (no tensors are made).
 * @returns the checked input shape, the top-level plans and the number of parameters (all weights' elements).
 * @throws GlassboxError INVALID_ARGUMENT (bad spec, duplicate name) or SHAPE_MISMATCH (a block does not fit).
 */
export function planBlocks(specs: unknown, inputShape: unknown, context: string): { inputShape: Dim[]; plans: BlockPlan[]; elements: number } {
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => d === null || (Number.isSafeInteger(d) && d >= 1))) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${context}: inputShape must be a non-empty array of integers >= 1 or null (any size), one row without the batch axis, got ${describe(inputShape)}`,
    );
  }
  const plans = planBlockList(specs, inputShape as Dim[], context, null, `${context}: blocks`);
  let elements = 0;
  for (const p of plans) for (const q of p.params) elements += sizeOf(q.shape);
  return { inputShape: (inputShape as Dim[]).slice(), plans, elements };
}

/** Types of the Sequential layers a block list may use (re-exported for messages and docs). */
export type { LayerType };

/** The architecture of a `ResidualModel` as JSON (no weights; `save` stores those beside it). */
export interface ResidualModelJSON {
  format: 'glassbox-residual';
  version: 1;
  /** One input row without the batch axis; null for a free dimension (the sequence length). */
  inputShape: Dim[];
  /** The seed the parameters were initialised with. */
  seed: number;
  blocks: BlockSpec[];
}
