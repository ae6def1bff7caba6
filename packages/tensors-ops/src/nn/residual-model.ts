import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import type { LayerModel } from '../contract/layer-model.js';
import { GlassboxError, describe, isGlassboxError } from '../errors.js';
import { assertNumber, isTensor } from '../contract/validate.js';
import { checkOptionKeys, optionKeys } from '../contract/option-keys.js';
import { DEFAULT_MAX_ELEMENTS } from '../io/manifest.js';
import { decodeWeights } from '../io/decode-weights.js';
import { encodeWeights, type EncodedWeights } from '../io/encode-weights.js';
import { loadWeightsFromFiles, saveWeightsToFiles, type SavedFiles } from '../io/files.js';
import { loadWeightsFromUrl, type UrlLoadOptions } from '../io/url.js';
import type { PooledModelSpec, WeightData } from '../pool/types.js';
import { applyActivation } from './activations.js';
import { conv2dLinear } from './conv2d.js';
import { conv2dTransposeLinear } from './conv2d-transpose.js';
import { batchNormMomentsImpl, batchNormWith, updateMovingAverageImpl } from './batch-norm.js';
import { globalAvgPoolImpl, poolImpl } from './pooling.js';
import { depthwiseConv2dLinear } from './depthwise-conv2d.js';
import { fusedConv2dLayer, fusedDenseLayer, fusedDepthwiseConv2dLayer } from './fused.js';
import { batchNormFoldingEnabled, findConvBnGroups, type ConvBnGroup } from './fold-batch-norm.js';
import { dropoutImpl } from './dropout.js';
import { checkSeed, formatShape, hashString } from './common.js';
import { attentionBias, checkIds, checkPaddingMask, linearLastAxis } from './block-common.js';
import { embeddingImpl, positionalEmbeddingImpl } from './embedding.js';
import { layerNormImpl } from './layer-norm.js';
import { geluMlpImpl } from './gelu-mlp.js';
import { attentionImpl, checkAttentionGate } from './attention.js';
import { transformerBlockImpl } from './transformer-block.js';
import { formatDims, planBlocks, type BlockPlan, type BlockSpec, type BlockType, type Dim, type ResidualModelJSON, type SequencePoolMode } from './block-spec.js';
import { VariableModel, cloneJSON, deepFreeze, parseModelJSON, seedFromJSON, type ApplyOptions, type RunMode } from './variable-model.js';

export const RESIDUAL_MODEL_FORMAT = 'glassbox-residual';

export type { ResidualModelJSON } from './block-spec.js';


/** Options of `residualModel` and `ResidualModel.fromJSON`. */
export interface ResidualModelOptions {
  /** Seed of the parameter initializers (and of dropout masks when `apply` gets no seed); integer, default 0. */
  seed?: number;
}

/** The keys of ResidualModelOptions. */
export const RESIDUAL_MODEL_OPTION_KEYS = optionKeys<ResidualModelOptions>({ seed: true });

/** Options of `ResidualModel.apply` and the other forward methods. */
export interface ResidualApplyOptions extends ApplyOptions {
  /**
   * [N, T] tensor (bool, int32 or float32), 1 for a real token and 0 for padding, used by the attention blocks
   * (padded keys get probability 0) and by 'mean' / 'last' sequence pooling. Default: derived from the ids
   * when the model's tokenEmbedding has a padId (ids !== padId), else no padding.
   */
  paddingMask?: Tensor | null;
  /**
   * Multiplicative gates on the attention probabilities: one float32 [N, H, T, T] per attention of the model,
   * in the order of `attentionNames` (H that attention's heads), each multiplying its softmax output before the
   * values are mixed (see `multiHeadAttention`'s `attentionGate`). A call runs only some blocks (a split's
   * `features` or `head`) and uses the gates of the attentions it runs. Gates of ones give bit-identical
   * outputs; the gradient with respect to a gate at ones is A ⊙ d(output)/dA, A the attention probabilities
   * (gradient-weighted attention explanations). Default none.
   */
  attentionGates?: readonly Tensor[] | null;
}

/** A top-level block of a `ResidualModel`, as its callers see it. */
export interface BlockInfo {
  readonly index: number;
  readonly name: string;
  readonly type: BlockType;
  /** The spec with its name and every default filled in (a residual block's body included). */
  readonly spec: Readonly<BlockSpec> & { readonly name: string };
  /** Shape of one input row (no batch axis); null for a free dimension. */
  readonly inputShape: readonly Dim[];
  /** Shape of one output row (no batch axis). */
  readonly outputShape: readonly Dim[];
  /** Full names of the block's parameters (a residual block's: those of its body). */
  readonly params: readonly string[];
}

/**
 * What `applyWithActivations` returns; the caller owns every tensor (`tf.dispose(result)`). A type alias so
 * that it is a tf.TensorContainer.
 */
export type ResidualActivations = {
  /** The model's output (the same tensor object as the last top-level block's activation). */
  output: Tensor;
  /** The output of every block by full name (residual bodies' blocks included, e.g. 'res1/conv_0'). */
  activations: Record<string, Tensor>;
  /**
   * The attention probabilities [N, H, T, T] of every attention, by name (`attentionNames`): a standalone
   * attention block's path, or `${transformerBlock}/attention`.
   */
  attention: Record<string, Tensor>;
};

/**
 * A model cut after a top-level block; `head(features(x))` equals `apply(x)` exactly, or within float rounding
 * when the cut separates a convolution from its batch norm (inference folds the pair, see `apply`).
 */
export interface ResidualSplit {
  /** Runs the blocks up to and including the split block. Poolable (has `toPooledModel`). */
  features: ((x: Tensor, options?: ResidualApplyOptions) => Tensor) & { toPooledModel(): PooledModelSpec };
  /** Runs the remaining blocks on the split block's output (float32). Poolable (has `toPooledModel`). */
  head: ((a: Tensor, options?: ResidualApplyOptions) => Tensor) & { toPooledModel(): PooledModelSpec };
  /** Index of the split block. */
  blockIndex: number;
  /** Shape of one row of the features (the split block's output shape; null for a free dimension). */
  featuresShape: Dim[];
}

/** Options of the loaders. */
/** The keys of ResidualApplyOptions. */
export const RESIDUAL_APPLY_OPTION_KEYS = optionKeys<ResidualApplyOptions>({ training: true, seed: true, updateStatistics: true, paddingMask: true, attentionGates: true });

export interface ResidualLoadOptions {
  /** The most parameters the model may have, checked from model.json before weights are decoded (default 50_000_000). */
  maxElements?: number;
}

/** The pooled description of a model or of one side of a split. */
export type ResidualPooledSpec = Extract<PooledModelSpec, { kind: 'residual' }>;

interface RunContext extends RunMode {
  /** float32 [N, T] (1 token, 0 padding) or null. */
  mask: Tensor | null;
  biases: Map<boolean, Tensor | null>;
  collect: { activations: Record<string, Tensor>; attention: Record<string, Tensor> } | null;
  /** Attention gates by attention name, or null. */
  gates: Map<string, Tensor> | null;
  /** A block whose output (or input) is read or replaced in this call (the LayerModel methods), or null. */
  hook?: LayerHook | null;
}

/** The block `path` of a run: its output (or input) is captured, or replaced by `value` when given. */
interface LayerHook {
  path: string;
  side: 'input' | 'output';
  value: Tensor | null;
  captured: Tensor | null;
}

function badWeights(where: string, message: string, cause?: unknown): GlassboxError {
  return new GlassboxError('BAD_WEIGHTS', `${where}: ${message}`, cause === undefined ? undefined : { cause });
}

/** Runs fn; argument errors (a bad topology is a bad model file) become BAD_WEIGHTS. */
function asBadWeights<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isGlassboxError(e) && e.code !== 'BAD_WEIGHTS') throw badWeights(where, e.message, e);
    throw e;
  }
}

function walk(plans: readonly BlockPlan[], visit: (p: BlockPlan) => void): void {
  for (const p of plans) {
    visit(p);
    if (p.op.kind === 'residual') walk(p.op.body, visit);
  }
}

/** Checks and parses a `toJSON()` object (or its string). */
function parseJSON(json: unknown, where: string): ResidualModelJSON {
  return parseModelJSON<ResidualModelJSON>(json, RESIDUAL_MODEL_FORMAT, 'ResidualModel', where) as ResidualModelJSON;
}

/** Pooled descriptions already made, with the data ids of the weights they were made from (see pool/model.ts). */
const pooledCache = new WeakMap<ResidualModel, { ids: unknown[]; weights: WeightData[]; specs: Map<string, ResidualPooledSpec> }>();

/**
 * A network of blocks, some of which add their input back (residual connections), with its parameters held in
 * tf.Variables named by block path ('h0/attention/wq'). Residual stacks are not Sequentials (a Transformer
 * block reads the residual stream twice; a MobileNetV2 block adds its input to its output), but this model
 * describes itself as data just as a Sequential does: `toJSON`/`fromJSON` (the block specs),
 * `getWeights`/`setWeights` (tensors by name), `save`/`load` (model.json + weights.bin), and the worker pool
 * rebuilds it from that description (`toPooledModel`). Built by `residualModel(blocks, inputShape, { seed })`.
 */
export class ResidualModel extends VariableModel implements LayerModel {
  /** The top-level blocks, in order. */
  readonly blocks: readonly BlockInfo[];
  /** Shape of one input row (no batch axis); null for a free dimension. */
  readonly inputShape: readonly Dim[];
  /** 'int32' (token ids) when the first block is a tokenEmbedding, else 'float32'. */
  readonly inputDType: 'int32' | 'float32';
  /** Shape of one output row (no batch axis). */
  readonly outputShape: readonly Dim[];
  /** Names of the attentions, in the order they run (the keys of `applyWithActivations(...).attention`). */
  readonly attentionNames: readonly string[];

  private readonly plans: BlockPlan[];
  /** Heads of each attention, in the order of attentionNames. */
  private readonly attentionHeads: readonly number[];
  /** The conv -> batchNorm [-> activation] groups of each block list (the top level, each residual body). */
  private readonly groups = new Map<readonly BlockPlan[], Map<number, ConvBnGroup>>();

  private constructor(inputShape: Dim[], plans: BlockPlan[], seed: number) {
    super('ResidualModel', plans.flatMap((p) => p.params), seed);
    this.plans = plans;
    this.inputShape = Object.freeze(inputShape.slice());
    this.inputDType = plans[0]!.op.kind === 'tokenEmbedding' ? 'int32' : 'float32';
    this.outputShape = Object.freeze(plans[plans.length - 1]!.outputShape.slice());
    const attention: string[] = [];
    const heads: number[] = [];
    walk(plans, (p) => {
      if (p.op.kind === 'attention') attention.push(p.path);
      if (p.op.kind === 'transformerBlock') attention.push(`${p.path}/attention`);
      if (p.op.kind === 'attention' || p.op.kind === 'transformerBlock') heads.push(p.op.heads);
    });
    this.attentionNames = Object.freeze(attention);
    this.attentionHeads = Object.freeze(heads);
    const lists: BlockPlan[][] = [plans];
    walk(plans, (p) => {
      if (p.op.kind === 'residual') lists.push(p.op.body);
    });
    for (const list of lists) {
      const groups = findConvBnGroups(list.map((p) => (p.op.kind === 'layer' ? { path: p.path, op: p.op.layer.op, activation: p.op.layer.activation } : null)));
      if (groups.size > 0) this.groups.set(list, groups);
    }
    // Folded once now, so that inference calls keep the number of live tensors as they find it.
    try {
      for (const groups of this.groups.values()) for (const g of groups.values()) this.folded(g);
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.blocks = Object.freeze(
      plans.map((p) =>
        deepFreeze({
          index: p.index,
          name: p.name,
          type: p.type,
          spec: cloneJSON(p.spec),
          inputShape: p.inputShape.slice(),
          outputShape: p.outputShape.slice(),
          params: p.params.map((q) => q.name),
        }),
      ),
    );
  }

  /** @internal Builds a model from specs; use `residualModel` or `ResidualModel.fromJSON`. */
  static create(blocks: unknown, inputShape: unknown, options: ResidualModelOptions, where: string): ResidualModel {
    checkOptionKeys(options, RESIDUAL_MODEL_OPTION_KEYS, where);
    const seed = options.seed === undefined ? 0 : checkSeed(options.seed, 'options.seed', where);
    const planned = planBlocks(blocks, inputShape, where);
    return new ResidualModel(planned.inputShape, planned.plans, seed);
  }

  /**
   * Rebuilds a model from `toJSON()` output (an object or its JSON string). Parameters are initialised from
   * `options.seed`, else from the stored seed, so a round trip without `setWeights` gives identical outputs.
   * @throws GlassboxError INVALID_ARGUMENT / SHAPE_MISMATCH for a bad description.
   */
  static fromJSON(json: ResidualModelJSON | string, options: ResidualModelOptions = {}): ResidualModel {
    const where = 'ResidualModel.fromJSON';
    const o = parseJSON(json, where);
    checkOptionKeys(options, RESIDUAL_MODEL_OPTION_KEYS, where);
    const seed = seedFromJSON(options.seed, o.seed, where);
    return ResidualModel.create(o.blocks, o.inputShape, { seed }, where);
  }

  /**
   * Rebuilds a model saved with `save` (or any `{ modelJSON, weightData }` in the same format): the
   * architecture from model.json's modelTopology is checked and its parameters counted first, then the weights
   * are decoded with exactly that many elements allowed, then set (names and shapes checked).
   *
   * @param artifacts `{ modelJSON, weightData }`.
   * @param options `maxElements` (default 50_000_000).
   * @throws GlassboxError BAD_WEIGHTS for a bad topology, missing / extra / misshapen weights, short or long
   *   weight data, non-finite values; nothing is left allocated.
   */
  static load(artifacts: EncodedWeights, options: ResidualLoadOptions = {}): ResidualModel {
    const where = 'ResidualModel.load';
    const maxElements = resolveMaxElements(options, where);
    if (artifacts === null || typeof artifacts !== 'object' || (artifacts as Partial<EncodedWeights>).modelJSON === undefined) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: artifacts must be { modelJSON, weightData } (what save returns), got ${describe(artifacts)}`);
    }
    if ((artifacts as Partial<EncodedWeights>).weightData === undefined) throw badWeights(where, 'artifacts.weightData is missing');
    const plan = planResidualModel(artifacts.modelJSON, where);
    if (plan.elements > maxElements) {
      throw badWeights(where, `model.json describes a model with ${plan.elements} parameters, more than options.maxElements (${maxElements})`);
    }
    const weights = asBadWeights(where, () => decodeWeights(artifacts.modelJSON, artifacts.weightData, { maxElements: plan.elements }));
    try {
      return plan.build(weights);
    } finally {
      tf.dispose(weights);
    }
  }

  /**
   * Loads a model saved with `saveToDir` (model.json + weights.bin in a folder, or the path of the .json).
   * Node only. Checks as `load` does; the manifest is checked against `maxElements` before weights are read.
   * @throws GlassboxError BAD_WEIGHTS (missing or unreadable files, bad JSON, topology or weights).
   */
  static async loadFromDir(dir: string, options: ResidualLoadOptions = {}): Promise<ResidualModel> {
    const where = 'ResidualModel.loadFromDir';
    const maxElements = resolveMaxElements(options, where);
    const { modelJSON, weights } = await loadWeightsFromFiles(dir, { maxElements });
    try {
      return planResidualModel(modelJSON, where).build(weights);
    } finally {
      tf.dispose(weights);
    }
  }

  /**
   * Loads a model from the URL of its model.json (the weights file resolves next to it), e.g. in a browser.
   * @param options `maxElements`, `fetch`, `requestInit` (see `loadWeightsFromUrl`).
   * @throws GlassboxError BAD_WEIGHTS (fetch failures, bad JSON, topology or weights).
   */
  static async loadFromUrl(url: string, options: UrlLoadOptions = {}): Promise<ResidualModel> {
    const where = 'ResidualModel.loadFromUrl';
    const { modelJSON, weights } = await loadWeightsFromUrl(url, options);
    try {
      return planResidualModel(modelJSON, where).build(weights);
    } finally {
      tf.dispose(weights);
    }
  }

  /** The architecture as JSON-serialisable data (block specs with defaults, input shape, seed); no weights. */
  toJSON(): ResidualModelJSON {
    return {
      format: RESIDUAL_MODEL_FORMAT,
      version: 1,
      inputShape: this.inputShape.slice(),
      seed: this.seed,
      blocks: this.plans.map((p) => cloneJSON(p.spec)),
    };
  }

  /**
   * Runs the model on a batch. In training mode dropout draws seeded masks and batch norm uses (and, unless
   * `updateStatistics: false`, updates) batch statistics; in inference mode (default) neither depends on
   * chance or on the other rows. Differentiable with respect to x (when float32) and the variables.
   *
   * Inference mode runs each conv2d / depthwiseConv2d block followed by a batchNorm block (and a linear, relu or
   * relu6 activation block) as one convolution with the batch norm folded into its kernel and bias, and
   * conv + bias + activation as one fused kernel whose gradient computes only the parts a tape asks for (see
   * `setBatchNormFolding`): the same function, rounded differently (about 1e-5 of the logits' scale on a
   * MobileNetV2). Blocks whose outputs a call reads or replaces (`applyWithActivations`, the layer methods)
   * run unfolded.
   *
   * @param x [N, ...inputShape]: int32 token ids when the first block is a tokenEmbedding (every id in
   *   [0, vocabSize)), else float32. Free (null) dimensions take any size >= 1 (a sequence no longer than the
   *   positional embeddings' maxLength).
   * @param options `training` (default false), `seed` (dropout masks), `updateStatistics` (default true),
   *   `paddingMask` ([N, T]), `attentionGates` (one [N, H, T, T] per attention); see `ResidualApplyOptions`.
   * @returns float32 [N, ...outputShape] that the caller owns.
   * @throws GlassboxError INVALID_ARGUMENT (dtype, ids out of range, bad options), SHAPE_MISMATCH (shape).
   */
  apply(x: Tensor, options: ResidualApplyOptions = {}): Tensor {
    const ctx = this.context(options, 'ResidualModel.apply');
    const mask = this.checkInput(x, 'x', 0, options, ctx);
    return tf.tidy(() => this.run(x, 0, this.plans.length, this.withMask(ctx, mask)));
  }

  /** Inference-mode forward pass, so the model is a `Predictable` for every explainer. */
  predict(x: Tensor): Tensor {
    const ctx = this.context({}, 'ResidualModel.predict');
    const mask = this.checkInput(x, 'x', 0, {}, ctx);
    return tf.tidy(() => this.run(x, 0, this.plans.length, this.withMask(ctx, mask)));
  }

  /**
   * Runs the model and keeps every block's output and every attention's probabilities, for explainers that
   * look inside (attention maps, layer attributions) and for debugging.
   *
   * @param x as `apply`.
   * @param options as `apply`.
   * @returns `{ output, activations, attention }`; the caller owns every tensor (`tf.dispose(result)`).
   */
  applyWithActivations(x: Tensor, options: ResidualApplyOptions = {}): ResidualActivations {
    const ctx = this.context(options, 'ResidualModel.applyWithActivations');
    const mask = this.checkInput(x, 'x', 0, options, ctx);
    return tf.tidy(() => {
      const c = this.withMask(ctx, mask);
      c.collect = { activations: {}, attention: {} };
      const output = this.run(x, 0, this.plans.length, c);
      return { output, activations: c.collect.activations, attention: c.collect.attention };
    });
  }

  /**
   * The attention probabilities of every attention in the model, in order (`attentionNames`): one float32
   * [N, H, T, T] per attention (a GPT's layers, one each). probs[n, h, i, j] is how much position i attends
   * to position j in head h; each row sums to 1.
   *
   * @param x as `apply`.
   * @param options as `apply`.
   * @returns the tensors, which the caller owns.
   */
  attention(x: Tensor, options: ResidualApplyOptions = {}): Tensor[] {
    const ctx = this.context(options, 'ResidualModel.attention');
    const mask = this.checkInput(x, 'x', 0, options, ctx);
    return tf.tidy(() => {
      const c = this.withMask(ctx, mask);
      c.collect = { activations: {}, attention: {} };
      this.run(x, 0, this.plans.length, c);
      return this.attentionNames.map((n) => c.collect!.attention[n]!);
    });
  }

  /**
   * Splits the model after a top-level block: `features` runs the blocks up to and including it, `head` the
   * rest, and `head(features(x))` equals `apply(x)` exactly (within float rounding when the cut separates a
   * convolution from the batch norm after it, which inference then cannot fold). A text model split after its embedding gives
   * `embed(ids) -> [N, T, D]` and `forwardFromEmbeddings(e)`, through which gradient explainers explain it.
   * `head` cannot see token ids, so it derives no padding mask from a padId: pass `options.paddingMask`.
   * Both parts are poolable (`toPooledModel`).
   *
   * @param blockName the name of the last top-level block of `features`.
   */
  split(blockName: string): ResidualSplit {
    const where = 'ResidualModel.split';
    this.checkAlive(where);
    const plan = this.plans.find((p) => p.name === blockName);
    if (plan === undefined) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: blockName must be one of ${this.plans.map((p) => `'${p.name}'`).join(', ')}, got ${describe(blockName)}`,
      );
    }
    const k = plan.index;
    const n = this.plans.length;
    const features = (x: Tensor, options: ResidualApplyOptions = {}): Tensor => {
      const ctx = this.context(options, `ResidualModel.split('${plan.name}').features`);
      const mask = this.checkInput(x, 'x', 0, options, ctx);
      return tf.tidy(() => this.run(x, 0, k + 1, this.withMask(ctx, mask)));
    };
    const head = (a: Tensor, options: ResidualApplyOptions = {}): Tensor => {
      const ctx = this.context(options, `ResidualModel.split('${plan.name}').head`);
      const mask = this.checkInput(a, 'a', k + 1, options, ctx);
      return tf.tidy(() => this.run(a, k + 1, n, this.withMask(ctx, mask)));
    };
    return {
      features: Object.assign(features, { toPooledModel: () => this.pooledSpec({ split: plan.name, side: 'features' }) }),
      head: Object.assign(head, { toPooledModel: () => this.pooledSpec({ split: plan.name, side: 'head' }) }),
      blockIndex: k,
      featuresShape: plan.outputShape.slice(),
    };
  }

  /**
   * The names of the blocks a layer method can read or replace (tensors-ops `LayerModel`): every top-level
   * block and every block inside a residual body, by full path ('res1/conv_0'), in the order their outputs
   * are computed (a residual body's blocks before the residual block itself).
   */
  get layerNames(): readonly string[] {
    return this.blockPaths();
  }

  /**
   * The output of a block for rows x (inference mode; a padding mask derived from the ids as `predict` does).
   * For a top-level block it equals `split(block).features(x)`; a path inside a residual body reads that
   * block's output before the residual addition.
   *
   * @param x as `predict`.
   * @param layer a block path (see `layerNames`).
   * @returns float32 [N, ...block outputShape] that the caller owns.
   */
  layerOutput(x: Tensor, layer: string): Tensor {
    return this.readLayer(x, layer, 'output', 'ResidualModel.layerOutput');
  }

  /**
   * The model's output on rows x with a block's output replaced by `value` (inference mode). Everything else
   * is computed from x: after a top-level block the rest of the model reads only the block's output (the
   * residual stream), so the blocks before it are skipped; inside a residual body the skip connection still
   * adds the residual block's input computed from x, and the body's later blocks run on `value`. So
   * `forwardWithLayer(x, layer, layerOutput(x, layer))` equals `predict(x)` (within float rounding when the
   * block is part of a folded convolution + batch norm, which then runs unfolded), and d/d value is the gradient of
   * the output with respect to that block's output.
   *
   * @param x as `predict`.
   * @param layer a block path (see `layerNames`).
   * @param value float32 [N, ...block outputShape], one row per row of x.
   * @returns float32 [N, ...outputShape] that the caller owns.
   */
  forwardWithLayer(x: Tensor, layer: string, value: Tensor): Tensor {
    return this.replaceLayer(x, layer, 'output', value, 'ResidualModel.forwardWithLayer');
  }

  /**
   * The input of a block for rows x (the tensor it reads: the previous block's output, the residual block's
   * input for the first block of a body, or x for the first block).
   * @returns [N, ...block inputShape] that the caller owns.
   */
  layerInput(x: Tensor, layer: string): Tensor {
    return this.readLayer(x, layer, 'input', 'ResidualModel.layerInput');
  }

  /**
   * The model's output on rows x with a block's input replaced by `value` for that block only (a skip
   * connection that reads the same tensor still sees the original; a residual block's own input feeds its
   * body and its skip, so both see `value`).
   * @param value float32 [N, ...block inputShape], one row per row of x.
   * @returns float32 [N, ...outputShape] that the caller owns.
   */
  forwardWithLayerInput(x: Tensor, layer: string, value: Tensor): Tensor {
    return this.replaceLayer(x, layer, 'input', value, 'ResidualModel.forwardWithLayerInput');
  }

  /**
   * The model in the TensorFlow.js weights format: model.json (modelTopology = `toJSON()`, a manifest of every
   * weight by name) and the bytes of weights.bin. `ResidualModel.load` reads it back.
   *
   * @example
   * ```ts
   * const { modelJSON, weightData } = await model.save();
   * const copy = ResidualModel.load({ modelJSON, weightData });
   * ```
   */
  async save(): Promise<EncodedWeights> {
    this.checkAlive('ResidualModel.save');
    const weights = this.getWeights();
    try {
      return await encodeWeights(weights, { modelTopology: this.toJSON() });
    } finally {
      tf.dispose(weights);
    }
  }

  /** Writes model.json and weights.bin into a folder (created if needed). Node only. */
  async saveToDir(dir: string): Promise<SavedFiles> {
    this.checkAlive('ResidualModel.saveToDir');
    const weights = this.getWeights();
    try {
      return await saveWeightsToFiles(dir, weights, { modelTopology: this.toJSON() });
    } finally {
      tf.dispose(weights);
    }
  }

  /**
   * The model as data for a worker pool: its JSON and its weights. The pool calls it (explainers with
   * `options.pool`) and rebuilds the model in each worker with `ResidualModel.fromJSON` and `setWeights`.
   * The description is reused while the weights keep their buffers.
   */
  toPooledModel(): PooledModelSpec {
    return this.pooledSpec(undefined);
  }

  // ---- private ----

  private pooledSpec(part: ResidualPooledSpec['part']): ResidualPooledSpec {
    this.checkAlive('ResidualModel.toPooledModel');
    const ids = [...this.vars.values()].map((v) => v.dataId);
    let cached = pooledCache.get(this);
    if (cached === undefined || cached.ids.length !== ids.length || cached.ids.some((id, i) => id !== ids[i])) {
      const weights: WeightData[] = [];
      for (const [name, v] of this.vars) {
        weights.push({ name, shape: v.shape.slice(), data: Float32Array.from(v.dataSync() as Float32Array) });
      }
      cached = { ids, weights, specs: new Map() };
      pooledCache.set(this, cached);
    }
    const key = part === undefined ? '' : `${part.side}:${part.split}`;
    let spec = cached.specs.get(key);
    if (spec === undefined) {
      spec = part === undefined ? { kind: 'residual', json: this.toJSON(), weights: cached.weights } : { kind: 'residual', json: this.toJSON(), weights: cached.weights, part };
      cached.specs.set(key, spec);
    }
    return spec;
  }

  /** Every block path, a residual body's blocks before the residual block. */
  private blockPaths(): string[] {
    const out: string[] = [];
    const visit = (plans: readonly BlockPlan[]): void => {
      for (const p of plans) {
        if (p.op.kind === 'residual') visit(p.op.body);
        out.push(p.path);
      }
    };
    visit(this.plans);
    return out;
  }

  /** The plan of a block path and the index of the top-level block that holds it. */
  private locate(layer: unknown, where: string): { plan: BlockPlan; top: number } {
    let found: { plan: BlockPlan; top: number } | undefined;
    this.plans.forEach((p, top) => walk([p], (q) => {
      if (q.path === layer) found = { plan: q, top };
    }));
    if (found === undefined) {
      const names = this.blockPaths();
      const list = names.slice(0, 20).map((k) => `'${k}'`).join(', ') + (names.length > 20 ? ` and ${names.length - 20} more` : '');
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: layer must be one of ${list}, got ${describe(layer)}`);
    }
    return found;
  }

  private readLayer(x: Tensor, layer: string, side: 'input' | 'output', where: string): Tensor {
    const ctx = this.context({}, where);
    const { plan, top } = this.locate(layer, where);
    const mask = this.checkInput(x, 'x', 0, {}, ctx);
    return tf.tidy(() => {
      const c = this.withMask(ctx, mask);
      const hook: LayerHook = { path: plan.path, side, value: null, captured: null };
      c.hook = hook;
      this.run(x, 0, top + 1, c);
      const a = hook.captured!;
      return a === x ? tf.clone(x) : a;
    });
  }

  private replaceLayer(x: Tensor, layer: string, side: 'input' | 'output', value: Tensor, where: string): Tensor {
    const ctx = this.context({}, where);
    const { plan, top } = this.locate(layer, where);
    const mask = this.checkInput(x, 'x', 0, {}, ctx);
    const rowShape = side === 'output' ? plan.outputShape : plan.inputShape;
    if (side === 'input' && plan.op.kind === 'tokenEmbedding') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: the input of '${plan.path}' is token ids, which cannot be replaced by values; replace its output (forwardWithLayer) instead`);
    }
    if (!isTensor(value) || (value as Tensor & { isDisposed?: boolean }).isDisposed || value.dtype !== 'float32') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: value must be a live float32 tensor, got ${describe(value)}`);
    }
    const t = x.rank >= 2 ? x.shape[1]! : 1;
    const expected = [x.shape[0]!, ...rowShape.map((d) => (d === null ? t : d))];
    if (value.rank !== expected.length || value.shape.some((d, i) => d !== expected[i])) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: value must have shape ${formatShape(expected)} (the ${side} of '${plan.path}' for ${x.shape[0]} rows), got ${formatShape(value.shape)}`);
    }
    return tf.tidy(() => {
      const c = this.withMask(ctx, mask);
      let out: Tensor;
      if (plan.path === this.plans[top]!.path) {
        // A top-level block: the rest of the model reads only the residual stream from here on.
        if (c.mask === null) c.mask = this.idsMask(x);
        out = side === 'output' ? this.run(value, top + 1, this.plans.length, c) : this.run(value, top, this.plans.length, c);
      } else {
        c.hook = { path: plan.path, side, value, captured: null };
        out = this.run(x, 0, this.plans.length, c);
      }
      return out === value ? tf.clone(value) : out;
    });
  }

  /** The padding mask a tokenEmbedding with a padId derives from the ids (null for other models). */
  private idsMask(x: Tensor): Tensor | null {
    const first = this.plans[0]!.op;
    if (first.kind !== 'tokenEmbedding' || first.padId === null) return null;
    return tf.cast(tf.notEqual(x, tf.scalar(first.padId, 'int32')), 'float32');
  }

  private context(options: ResidualApplyOptions, where: string): RunContext {
    return { ...this.runMode(options, RESIDUAL_APPLY_OPTION_KEYS, where), mask: null, biases: new Map(), collect: null, gates: null };
  }

  private withMask(ctx: RunContext, mask: Tensor | null): RunContext {
    ctx.mask = mask === null ? null : mask.dtype === 'float32' ? mask : tf.cast(mask, 'float32');
    return ctx;
  }

  /**
   * Checks the input of the blocks from..end: dtype, shape (free dimensions any size >= 1), ids in range,
   * sequence length within every positional embedding met, and the padding mask. Returns the mask (or null).
   */
  private checkInput(x: unknown, name: string, from: number, options: ResidualApplyOptions, ctx: RunContext): Tensor | null {
    const where = ctx.where;
    const first = this.plans[from];
    const rowShape = first === undefined ? this.outputShape : first.inputShape;
    const dtype = from === 0 ? this.inputDType : 'float32';
    if (!isTensor(x) || (x as Tensor & { isDisposed?: boolean }).isDisposed) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a live ${dtype} tensor, got ${describe(x)}`);
    }
    if (x.dtype !== dtype) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: ${name} must be ${dtype === 'int32' ? 'an int32 tensor of token ids' : 'a float32 tensor'}, got dtype ${x.dtype}`,
      );
    }
    const ok = x.rank === rowShape.length + 1 && x.shape[0]! >= 1 && rowShape.every((d, i) => (d === null ? x.shape[i + 1]! >= 1 : x.shape[i + 1] === d));
    if (!ok) {
      throw new GlassboxError(
        'SHAPE_MISMATCH',
        `${where}: ${name} must have shape [N, ${rowShape.map((d) => (d === null ? 'T' : String(d))).join(', ')}] with N${rowShape.includes(null) ? ', T' : ''} >= 1, got ${formatShape(x.shape)}`,
      );
    }
    if (first?.op.kind === 'tokenEmbedding') checkIds(x, first.op.vocabSize, where, name);
    const t = x.rank >= 2 ? x.shape[1]! : 1;
    walk(this.plans.slice(from), (p) => {
      if (p.op.kind === 'positionalEmbedding' && t > p.op.maxLength) {
        throw new GlassboxError(
          'SHAPE_MISMATCH',
          `${where}: ${name} has ${t} positions, more than the ${p.op.maxLength} (maxLength) of positional embedding '${p.path}'`,
        );
      }
    });
    ctx.gates = this.checkGates(options.attentionGates, x.shape[0]!, t, where);
    const m = options.paddingMask;
    if (m === undefined || m === null) return null;
    if (x.rank < 2) throw new GlassboxError('SHAPE_MISMATCH', `${where}: options.paddingMask needs sequences [N, T, ...], but ${name} has shape ${formatShape(x.shape)}`);
    return checkPaddingMask(m, x.shape[0]!, t, where);
  }

  /** Checks options.attentionGates (one [n, heads, t, t] per attention) and maps them by attention name. */
  private checkGates(gates: unknown, n: number, t: number, where: string): Map<string, Tensor> | null {
    if (gates === undefined || gates === null) return null;
    const names = this.attentionNames;
    if (!Array.isArray(gates) || gates.length !== names.length) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: options.attentionGates must be an array of ${names.length} tensors, one per attention (${names.map((a) => `'${a}'`).join(', ') || 'this model has none'}), got ${describe(gates)}`,
      );
    }
    const out = new Map<string, Tensor>();
    names.forEach((a, i) => out.set(a, checkAttentionGate(gates[i], n, this.attentionHeads[i]!, t, where, `options.attentionGates[${i}] (of '${a}')`)));
    return out;
  }

  private v(path: string, key: string): Variable {
    return this.vars.get(`${path}/${key}`)!;
  }

  private optional(path: string, key: string, use: boolean): Tensor | null {
    return use ? this.v(path, key) : null;
  }

  private bias(ctx: RunContext, t: number, causal: boolean): Tensor | null {
    if (!ctx.biases.has(causal)) ctx.biases.set(causal, attentionBias(t, causal, ctx.mask));
    return ctx.biases.get(causal) ?? null;
  }


  /** Blocks from..to-1 of a list; a new tensor even when the range is empty. */
  private run(x: Tensor, from: number, to: number, ctx: RunContext, plans: BlockPlan[] = this.plans): Tensor {
    // Inference: conv -> batchNorm [-> activation] runs of blocks as one fused convolution, unless a block of
    // the run is read or replaced (a hook) or every block's output is collected.
    const groups = !ctx.training && ctx.collect === null && batchNormFoldingEnabled() ? this.groups.get(plans) : undefined;
    let h = x;
    for (let i = from; i < to; i++) {
      const plan = plans[i]!;
      const hook = ctx.hook;
      const group = groups?.get(i);
      if (group !== undefined && i + group.length <= to && (hook == null || !group.paths.includes(hook.path))) {
        h = this.runFoldedGroup(group, h);
        i += group.length - 1;
        continue;
      }
      if (hook == null || hook.path !== plan.path) {
        h = this.block(plan, h, ctx);
      } else if (hook.side === 'output') {
        h = hook.value ?? this.block(plan, h, ctx);
        if (hook.value === null) hook.captured = h;
      } else {
        if (hook.value === null) hook.captured = h;
        h = this.block(plan, hook.value ?? h, ctx);
      }
      if (ctx.collect !== null) ctx.collect.activations[plan.path] = h;
    }
    return h === x ? tf.clone(x) : h;
  }

  /** One block. Never returns x itself. */
  private block(plan: BlockPlan, x: Tensor, ctx: RunContext): Tensor {
    const y = this.blockOutput(plan, x, ctx);
    return y === x ? tf.clone(x) : y;
  }

  private blockOutput(plan: BlockPlan, x: Tensor, ctx: RunContext): Tensor {
    const op = plan.op;
    const path = plan.path;
    switch (op.kind) {
      case 'tokenEmbedding': {
        if (op.padId !== null && ctx.mask === null) {
          ctx.mask = tf.cast(tf.notEqual(x, tf.scalar(op.padId, 'int32')), 'float32');
          ctx.biases.clear();
        }
        return embeddingImpl(x, this.v(path, 'table'));
      }
      case 'positionalEmbedding':
        return tf.add(x, positionalEmbeddingImpl(x.shape[1]!, this.v(path, 'table')));
      case 'layerNorm':
        return layerNormImpl(x, this.v(path, 'gamma'), this.v(path, 'beta'), op.epsilon);
      case 'attention': {
        const dropout = ctx.training ? op.dropout : 0;
        const r = attentionImpl(
          x,
          this.v(path, 'wq'),
          this.v(path, 'wk'),
          this.v(path, 'wv'),
          this.v(path, 'wo'),
          {
            heads: op.heads,
            keyDim: op.keyDim,
            bq: this.optional(path, 'bq', op.useBias),
            bk: this.optional(path, 'bk', op.useBias),
            bv: this.optional(path, 'bv', op.useBias),
            bo: this.optional(path, 'bo', op.useBias),
          },
          this.bias(ctx, x.shape[1]!, op.causal),
          dropout,
          dropout > 0 ? this.dropoutSeed(ctx, hashString(path)) : 0,
          ctx.collect !== null,
          ctx.gates?.get(path) ?? null,
        );
        if (ctx.collect !== null) ctx.collect.attention[path] = r.probs!;
        return r.output;
      }
      case 'mlp':
        return geluMlpImpl(
          x,
          this.v(path, 'w1'),
          this.optional(path, 'b1', op.useBias),
          this.v(path, 'w2'),
          this.optional(path, 'b2', op.useBias),
          op.approximate,
        );
      case 'transformerBlock': {
        const dropout = ctx.training ? op.dropout : 0;
        const g = (k: string): Variable => this.v(path, k);
        const r = transformerBlockImpl(
          x,
          {
            ln1: { gamma: g('ln1/gamma'), beta: g('ln1/beta') },
            attention: { wq: g('attention/wq'), wk: g('attention/wk'), wv: g('attention/wv'), wo: g('attention/wo') },
            ln2: { gamma: g('ln2/gamma'), beta: g('ln2/beta') },
            mlp: { w1: g('mlp/w1'), w2: g('mlp/w2') },
          },
          {
            attention: {
              heads: op.heads,
              keyDim: op.keyDim,
              bq: g('attention/bq'),
              bk: g('attention/bk'),
              bv: g('attention/bv'),
              bo: g('attention/bo'),
            },
            epsilon: op.epsilon,
            approximate: op.approximate,
            b1: g('mlp/b1'),
            b2: g('mlp/b2'),
          },
          this.bias(ctx, x.shape[1]!, op.causal),
          dropout,
          dropout > 0 ? this.dropoutSeed(ctx, hashString(path)) : 0,
          ctx.collect !== null,
          ctx.gates?.get(`${path}/attention`) ?? null,
        );
        if (ctx.collect !== null) ctx.collect.attention[`${path}/attention`] = r.probs!;
        return r.output;
      }
      case 'sequencePool':
        return sequencePoolImpl(x, op.mode, ctx.mask);
      case 'dense':
        return applyActivation(linearLastAxis(x, this.v(path, 'kernel'), this.optional(path, 'bias', op.useBias)), op.activation);
      case 'residual':
        return tf.add(x, this.run(x, 0, op.body.length, ctx, op.body));
      case 'layer':
        return this.layer(plan, x, ctx);
    }
  }

  /** A Sequential layer type inside the model (its linear part, then its activation), as a Sequential runs it. */
  private layer(plan: BlockPlan, x: Tensor, ctx: RunContext): Tensor {
    if (plan.op.kind !== 'layer') throw new Error('unreachable');
    const layer = plan.op.layer;
    const op = layer.op;
    const path = plan.path;
    if (!ctx.training) {
      // Inference: conv / depthwise conv / dense + bias + linear, relu or relu6 as one fused kernel (./fused.ts).
      const act = layer.activation;
      const fused =
        op.kind === 'conv2d'
          ? fusedConv2dLayer(x, this.v(path, 'kernel'), this.optional(path, 'bias', op.useBias), op.config, act)
          : op.kind === 'depthwiseConv2d'
            ? fusedDepthwiseConv2dLayer(x, this.v(path, 'kernel'), this.optional(path, 'bias', op.useBias), op.config, act)
            : op.kind === 'dense' && x.rank === 2
              ? fusedDenseLayer(x, this.v(path, 'kernel'), this.optional(path, 'bias', op.useBias), act)
              : null;
      if (fused !== null) return fused;
    }
    let z: Tensor;
    switch (op.kind) {
      case 'dense':
        z = linearLastAxis(x, this.v(path, 'kernel'), this.optional(path, 'bias', op.useBias));
        break;
      case 'conv2d':
        z = conv2dLinear(x, this.v(path, 'kernel'), this.optional(path, 'bias', op.useBias), op.config);
        break;
      case 'conv2dTranspose':
        z = conv2dTransposeLinear(x, this.v(path, 'kernel'), this.optional(path, 'bias', op.useBias), op.config);
        break;
      case 'depthwiseConv2d':
        z = depthwiseConv2dLinear(x, this.v(path, 'kernel'), this.optional(path, 'bias', op.useBias), op.config);
        break;
      case 'globalAvgPool':
        z = globalAvgPoolImpl(x);
        break;
      case 'batchNorm': {
        const [gamma, beta, movingMean, movingVariance] = ['gamma', 'beta', 'movingMean', 'movingVariance'].map((k) => this.v(path, k));
        if (!ctx.training) {
          z = batchNormWith(x, movingMean!, movingVariance!, gamma!, beta!, op.epsilon);
        } else {
          const { mean, variance } = batchNormMomentsImpl(x);
          if (ctx.update) {
            updateMovingAverageImpl(movingMean!, mean, op.momentum);
            updateMovingAverageImpl(movingVariance!, variance, op.momentum);
          }
          z = batchNormWith(x, mean, variance, gamma!, beta!, op.epsilon);
        }
        break;
      }
      case 'activation':
        z = x;
        break;
      case 'flatten':
        z = tf.reshape(x, [x.shape[0]!, layer.outputShape[0]!]);
        break;
      case 'reshape':
        z = tf.reshape(x, [x.shape[0]!, ...op.shape]);
        break;
      case 'pool':
        z = poolImpl(op.pool, x, op.config);
        break;
      case 'dropout':
        z = ctx.training && op.rate > 0 ? dropoutImpl(x, op.rate, this.dropoutSeed(ctx, hashString(path))) : x;
        break;
    }
    const act = layer.activation;
    return act === null || act.fn === 'linear' ? z : applyActivation(z, act);
  }
}

/** [N, T, D] -> [N, D] by position 0, the last real position or the mean of the real positions. */
function sequencePoolImpl(x: Tensor, mode: SequencePoolMode, mask: Tensor | null): Tensor {
  const [n, t, d] = [x.shape[0]!, x.shape[1]!, x.shape[2]!];
  if (mode === 'first') return tf.reshape(tf.slice(x, [0, 0, 0], [n, 1, d]), [n, d]);
  if (mask === null) {
    if (mode === 'last') return tf.reshape(tf.slice(x, [0, t - 1, 0], [n, 1, d]), [n, d]);
    return tf.mean(x, 1);
  }
  let weights: Tensor;
  if (mode === 'last') {
    // The last position whose flag is 1: t - 1 - (first 1 of the reversed flags).
    const last = tf.sub(tf.scalar(t - 1, 'int32'), tf.cast(tf.argMax(tf.reverse(mask, 1), 1), 'int32'));
    weights = tf.cast(tf.oneHot(last, t), 'float32');
  } else {
    weights = tf.div(mask, tf.maximum(tf.sum(mask, 1, true), tf.scalar(1)));
  }
  return tf.sum(tf.mul(x, tf.reshape(weights, [n, t, 1])), 1);
}

function resolveMaxElements(options: unknown, where: string): number {
  checkOptionKeys(options, ['maxElements'], where);
  const m = (options as ResidualLoadOptions).maxElements;
  return m === undefined ? DEFAULT_MAX_ELEMENTS : assertNumber(m, 'options.maxElements', where, { integer: true, min: 0 });
}

/**
 * Plans loading a `ResidualModel` from a model.json (its modelTopology, as `save` writes it) without making
 * tensors: the exact number of parameters, and `build(weights)` that makes the model and sets its weights
 * (names and shapes checked; `weights` are not disposed). It has the shape of the planners that
 * `@glassbox/tensors-ops/models` loaders take (`loadEncoded`, `loadDir`, `loadUrl`).
 *
 * @throws GlassboxError BAD_WEIGHTS when model.json has no valid ResidualModel topology.
 *
 * @example
 * ```ts
 * import { loadUrl } from '@glassbox/tensors-ops/models';
 * const model = await loadUrl('https://example.org/gpt/model.json', planResidualModel, {}, 'myLoader');
 * ```
 */
export function planResidualModel(modelJSON: unknown, where = 'planResidualModel'): { elements: number; build(weights: Record<string, Tensor>): ResidualModel } {
  if (modelJSON === null || typeof modelJSON !== 'object' || Array.isArray(modelJSON)) {
    throw badWeights(where, `model.json must be an object, got ${describe(modelJSON)}`);
  }
  const topology = (modelJSON as { modelTopology?: unknown }).modelTopology;
  const json = asBadWeights(where, () => parseJSON(topology, `${where}: modelTopology`));
  const seed = asBadWeights(where, () => (json.seed === undefined ? 0 : checkSeed(json.seed, 'modelTopology.seed', where)));
  const { elements } = asBadWeights(where, () => planBlocks(json.blocks, json.inputShape, `${where}: modelTopology`));
  return {
    elements,
    build: (weights) => {
      const model = asBadWeights(where, () => ResidualModel.create(json.blocks, json.inputShape, { seed }, `${where}: modelTopology`));
      try {
        model.setWeights(weights);
      } catch (e) {
        model.dispose();
        throw e;
      }
      return model;
    },
  };
}

/**
 * Builds a network of blocks with residual connections from plain block specs; the blocks run in order and a
 * `residual` block adds its input to its body's output. A decoder-only Transformer (GPT), a BERT-style encoder
 * with a pooled head and a residual CNN are all lists of such blocks. The parameters live in tf.Variables
 * named '<block path>/<param>' and are initialised from the seed (the same numbers on every backend). Like a
 * Sequential it is data: `toJSON`/`ResidualModel.fromJSON` round-trip the architecture, `getWeights`/
 * `setWeights` and `save`/`ResidualModel.load` the weights (model.json + weights.bin, BAD_WEIGHTS on bad
 * files), and a worker pool rebuilds it from `toPooledModel()`.
 *
 * Formula: f(x) = B_n(... B_2(B_1(x))), with a residual block B(h) = h + body(h) and every other block one of
 * the nn blocks (see their doc comments for the formulas).
 *
 * Block specs (`name` optional everywhere, default `${type}_${index}`; parameters in brackets):
 * - `{ type: 'tokenEmbedding', vocabSize, dim, padId? = null, initializer? = 'glorotUniform' }` first block
 *   only; the model then takes int32 ids [N, T] [table];
 * - `{ type: 'positionalEmbedding', maxLength, initializer? }` adds table[0:T] [table];
 * - `{ type: 'layerNorm', epsilon? = 1e-5 }` [gamma, beta];
 * - `{ type: 'attention', heads, keyDim? = D / heads, causal? = false, useBias? = true, dropout? = 0 }`
 *   [wq, bq, wk, bk, wv, bv, wo, bo];
 * - `{ type: 'mlp', hidden, approximate? = 'tanh', useBias? = true }` [w1, b1, w2, b2];
 * - `{ type: 'transformerBlock', heads, hidden? = 4 D, keyDim?, causal? = false, epsilon? = 1e-5,
 *   approximate? = 'tanh', dropout? = 0 }` [ln1/gamma, ln1/beta, attention/w*, attention/b*, ln2/*, mlp/*];
 * - `{ type: 'sequencePool', mode: 'first' | 'last' | 'mean' }` [T, D] -> [D] ('last' and 'mean' skip padding);
 * - `{ type: 'residual', body: [...blocks] }` y = x + body(x) (the body must keep the row shape);
 * - every `Sequential` layer spec: 'dense' (on the last axis), 'activation', 'dropout' (any rows),
 *   'conv2d', 'conv2dTranspose', 'depthwiseConv2d', 'batchNorm', 'flatten', 'reshape', 'maxPool', 'avgPool',
 *   'globalAvgPool' (rows of fixed size). A MobileNetV2 is conv2d / batchNorm / activation 'relu6' blocks,
 *   depthwiseConv2d, residual blocks around its inverted bottlenecks, then globalAvgPool and dense.
 *
 * Paper: He, Zhang, Ren & Sun 2015, "Deep Residual Learning for Image Recognition", arXiv:1512.03385
 * (residual connections); Vaswani et al. 2017, arXiv:1706.03762 (Transformer); the blocks cite theirs.
 *
 * @param blocks the blocks, in order (at least one).
 * @param inputShape one input row without the batch axis; null for a free dimension, e.g. [null] for token
 *   ids of any length, [null, 16] for sequences of 16-feature vectors.
 * @param options `seed` (integer, default 0): initializers and default dropout masks.
 * @throws GlassboxError INVALID_ARGUMENT for a bad spec or duplicate names, SHAPE_MISMATCH when a block does
 *   not fit its input (no variables are made then).
 *
 * @example
 * ```ts
 * const gpt = residualModel(
 *   [
 *     { type: 'tokenEmbedding', name: 'tokens', vocabSize: 30, dim: 32 },
 *     { type: 'positionalEmbedding', name: 'positions', maxLength: 16 },
 *     { type: 'transformerBlock', name: 'h0', heads: 4, causal: true },
 *     { type: 'transformerBlock', name: 'h1', heads: 4, causal: true },
 *     { type: 'layerNorm', name: 'lnF' },
 *     { type: 'dense', name: 'logits', units: 30 },
 *   ],
 *   [null],
 *   { seed: 1 },
 * );
 * const logits = gpt.predict(ids);                              // ids int32 [N, T] -> [N, T, 30]
 * const [a0, a1] = gpt.attention(ids);                          // [N, 4, T, T] each
 * const { features: embed, head } = gpt.split('positions');     // head(embed(ids)) equals predict(ids)
 * ```
 */
export function residualModel(blocks: BlockSpec[], inputShape: Dim[], options: ResidualModelOptions = {}): ResidualModel {
  return ResidualModel.create(blocks, inputShape, options, 'residualModel');
}

/** For messages: a row shape with free dimensions. */
export { formatDims };
