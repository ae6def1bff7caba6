import { fusedConv2dLayer, fusedDenseLayer, fusedDepthwiseConv2dLayer } from './fused.js';
import { batchNormFoldingEnabled, findConvBnGroups, type ConvBnGroup } from './fold-batch-norm.js';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import type { LayerModel } from '../contract/layer-model.js';
import { GlassboxError, describe } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../contract/validate.js';
import { applyActivation, type ActivationConfig } from './activations.js';
import { denseLinear } from './dense.js';
import { conv2dLinear } from './conv2d.js';
import { conv2dTransposeLinear } from './conv2d-transpose.js';
import { batchNormMomentsImpl, batchNormWith, updateMovingAverageImpl } from './batch-norm.js';
import { globalAvgPoolImpl, poolImpl } from './pooling.js';
import { depthwiseConv2dLinear } from './depthwise-conv2d.js';
import { dropoutImpl } from './dropout.js';
import { checkRows, checkSeed } from './common.js';
import { planLayers, type LayerPlan, type LayerSpec, type LayerType, type ParamKey } from './layer-spec.js';
import { APPLY_OPTION_KEYS, VariableModel, cloneJSON, deepFreeze, parseModelJSON, seedFromJSON, type ApplyOptions, type RunMode } from './variable-model.js';

export { APPLY_OPTION_KEYS, SET_WEIGHTS_OPTION_KEYS, type ApplyOptions, type SetWeightsOptions } from './variable-model.js';

/** Options of `sequential`. */
export interface SequentialOptions {
  /** Seed of the parameter initializers (and of dropout masks when `apply` gets no seed); integer, default 0. */
  seed?: number;
}

/** The keys of SequentialOptions. */
export const SEQUENTIAL_OPTION_KEYS = optionKeys<SequentialOptions>({ seed: true });

/** A layer of a `Sequential`, as its callers see it. */
export interface LayerInfo {
  readonly index: number;
  readonly name: string;
  readonly type: LayerType;
  /** The spec with its name and every default filled in. */
  readonly spec: Readonly<LayerSpec> & { readonly name: string };
  /** Shape of one input row (no batch axis). */
  readonly inputShape: readonly number[];
  /** Shape of one output row (no batch axis). */
  readonly outputShape: readonly number[];
  /**
   * The nonlinearity the layer applies after its linear part (dense, conv2d, conv2dTranspose: their
   * `activation`, `{ fn: 'linear' }` when none; activation layers: their fn), or null for layers without one
   * (batchNorm, pooling, flatten, reshape, dropout). `applyLayerLinear` computes the part before it.
   */
  readonly activation: Readonly<ActivationConfig> | null;
  /** Full names of the layer's parameters, e.g. ['conv1/kernel', 'conv1/bias']. */
  readonly params: readonly string[];
}

/**
 * What `applyWithActivations` returns; the caller owns every tensor (dispose with `tf.dispose(result)`).
 * (A type alias, not an interface, so that it is a tf.TensorContainer.)
 */
export type ActivationsResult = {
  /** The model's output; the same tensor object as `activations[last layer's name]`. */
  output: Tensor;
  /** The output of every layer, by layer name. */
  activations: Record<string, Tensor>;
  /**
   * The input of every layer's nonlinearity, by layer name, for the layers whose `activation` is not
   * 'linear' (dense/conv with an activation, and activation layers).
   */
  preActivations: Record<string, Tensor>;
};

/**
 * A model split at a layer; `head(features(x))` equals `apply(x)` exactly, or within float rounding when the
 * split separates a convolution from its batch norm (inference folds the pair, see `Sequential.apply`).
 */
export interface SplitModel {
  /** Runs the layers up to and including the split layer (inference mode unless options say otherwise). */
  features: (x: Tensor, options?: ApplyOptions) => Tensor;
  /** Runs the remaining layers on the split layer's output (the identity when split at the last layer). */
  head: (a: Tensor, options?: ApplyOptions) => Tensor;
  /** Index of the split layer. */
  layerIndex: number;
  /** Shape of one row of the features (the split layer's output shape). */
  featuresShape: number[];
}

/** The architecture of a `Sequential` as JSON (no weights; store those with the io functions). */
export interface SequentialJSON {
  format: 'glassbox-sequential';
  version: 1;
  inputShape: number[];
  /** The seed the parameters were initialised with. */
  seed: number;
  layers: LayerSpec[];
}

export const SEQUENTIAL_FORMAT = 'glassbox-sequential';

/**
 * A stack of layers, each feeding the next, with its parameters held in tf.Variables. Built by
 * `sequential(specs, inputShape, { seed })` from plain layer specs; see `sequential` for the full story.
 */
export class Sequential extends VariableModel implements LayerModel {
  /** The layers, in order. */
  readonly layers: readonly LayerInfo[];
  /** Shape of one input row (no batch axis). */
  readonly inputShape: readonly number[];
  /** Shape of one output row (no batch axis). */
  readonly outputShape: readonly number[];

  private readonly plans: LayerPlan[];
  /** The conv -> batchNorm [-> activation] runs of layers, by the index of their convolution. */
  private readonly groups: Map<number, ConvBnGroup>;

  private constructor(inputShape: number[], plans: LayerPlan[], seed: number) {
    super('Sequential', plans.flatMap((p) => p.params), seed);
    this.plans = plans;
    this.groups = findConvBnGroups(plans.map((p) => ({ path: p.name, op: p.op, activation: p.activation })));
    // Folded once now, so that inference calls keep the number of live tensors as they find it.
    try {
      for (const g of this.groups.values()) this.folded(g);
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.inputShape = Object.freeze(inputShape.slice());
    this.outputShape = Object.freeze(plans[plans.length - 1]!.outputShape.slice());
    this.layers = Object.freeze(
      plans.map((p) =>
        deepFreeze({
          index: p.index,
          name: p.name,
          type: p.type,
          spec: cloneJSON(p.spec),
          inputShape: p.inputShape.slice(),
          outputShape: p.outputShape.slice(),
          activation: p.activation === null ? null : { ...p.activation },
          params: p.params.map((q) => q.name),
        }),
      ),
    );
  }

  /** @internal Builds a model from checked plans; use `sequential` or `Sequential.fromJSON`. */
  static create(specs: unknown, inputShape: unknown, options: SequentialOptions, where: string): Sequential {
    checkOptionKeys(options, SEQUENTIAL_OPTION_KEYS, where);
    const seed = options.seed === undefined ? 0 : checkSeed(options.seed, 'options.seed', where);
    const planned = planLayers(specs, inputShape, where);
    return new Sequential(planned.inputShape, planned.plans, seed);
  }

  /**
   * Rebuilds a model from `toJSON()` output (an object or its JSON string). Parameters are initialised from
   * `options.seed`, else from the stored seed, so a round trip without `setWeights` gives identical outputs.
   */
  static fromJSON(json: SequentialJSON | string, options: SequentialOptions = {}): Sequential {
    const where = 'Sequential.fromJSON';
    const o = parseModelJSON<SequentialJSON>(json, SEQUENTIAL_FORMAT, 'Sequential', where);
    checkOptionKeys(options, SEQUENTIAL_OPTION_KEYS, where);
    const seed = seedFromJSON(options.seed, o.seed, where);
    return Sequential.create(o.layers, o.inputShape, { seed }, where);
  }

  /** The architecture as JSON-serialisable data (specs with defaults, input shape, seed); no weights. */
  toJSON(): SequentialJSON {
    return {
      format: SEQUENTIAL_FORMAT,
      version: 1,
      inputShape: this.inputShape.slice(),
      seed: this.seed,
      layers: this.plans.map((p) => cloneJSON(p.spec)),
    };
  }

  /**
   * Runs the model on a batch. In training mode batch norm uses batch statistics (and updates its moving
   * averages unless `updateStatistics: false`) and dropout draws seeded masks; in inference mode (default)
   * neither depends on the other rows or on chance. Differentiable with respect to x and the variables.
   * Inference mode folds each batch norm that follows a conv2d / depthwiseConv2d layer (itself without
   * activation) into that convolution and runs conv + bias + linear / relu / relu6 as one fused kernel (see
   * `setBatchNormFolding`): the same function, rounded differently.
   *
   * @param x float32 [N, ...inputShape].
   * @param options `training` (default false), `seed` (dropout masks), `updateStatistics` (default true).
   * @returns float32 [N, ...outputShape] that the caller owns.
   */
  apply(x: Tensor, options: ApplyOptions = {}): Tensor {
    const ctx = this.context(options, 'Sequential.apply');
    checkRows(x, this.inputShape, ctx.where);
    return tf.tidy(() => this.run(x, 0, this.plans.length, ctx));
  }

  /** Inference-mode forward pass, so a Sequential is a `Predictable` for every explainer. */
  predict(x: Tensor): Tensor {
    const ctx = this.context({}, 'Sequential.predict');
    checkRows(x, this.inputShape, ctx.where);
    return tf.tidy(() => this.run(x, 0, this.plans.length, ctx));
  }

  /**
   * Runs the model and keeps every layer's output by name (and the input of every nonlinearity), for
   * explainers that look inside (GradCAM, DeepLIFT, layer attributions) and for debugging.
   *
   * @param x float32 [N, ...inputShape].
   * @param options as `apply`.
   * @returns `{ output, activations, preActivations }`; the caller owns every tensor (`tf.dispose(result)`).
   */
  applyWithActivations(x: Tensor, options: ApplyOptions = {}): ActivationsResult {
    const ctx = this.context(options, 'Sequential.applyWithActivations');
    checkRows(x, this.inputShape, ctx.where);
    return tf.tidy(() => {
      const activations: Record<string, Tensor> = {};
      const preActivations: Record<string, Tensor> = {};
      let h = x;
      for (const plan of this.plans) {
        if (plan.activation !== null && plan.activation.fn !== 'linear') {
          const z = this.linear(plan, h, ctx);
          preActivations[plan.name] = z;
          h = applyActivation(z, plan.activation);
        } else {
          h = this.full(plan, h, ctx);
        }
        activations[plan.name] = h;
      }
      return { output: h, activations, preActivations };
    });
  }

  /**
   * Runs one layer (its linear part and its activation) on that layer's input.
   *
   * @param layer index or name.
   * @param x float32 [N, ...layers[i].inputShape].
   * @param options as `apply`.
   * @returns float32 [N, ...layers[i].outputShape] that the caller owns.
   */
  applyLayer(layer: number | string, x: Tensor, options: ApplyOptions = {}): Tensor {
    const ctx = this.context(options, 'Sequential.applyLayer');
    const plan = this.plan(layer, ctx.where);
    checkRows(x, plan.inputShape, ctx.where);
    return tf.tidy(() => this.full(plan, x, ctx));
  }

  /**
   * Runs one layer without its nonlinearity (the pre-activation: x W + b for dense, the convolution plus
   * bias for conv layers, the identity for activation layers; the whole layer for layers without an
   * activation). `activation(applyLayerLinear(i, x), layers[i].activation)` equals `applyLayer(i, x)`.
   *
   * @param layer index or name.
   * @param x float32 [N, ...layers[i].inputShape].
   * @param options as `apply`.
   * @returns float32 [N, ...layers[i].outputShape] that the caller owns.
   */
  applyLayerLinear(layer: number | string, x: Tensor, options: ApplyOptions = {}): Tensor {
    const ctx = this.context(options, 'Sequential.applyLayerLinear');
    const plan = this.plan(layer, ctx.where);
    checkRows(x, plan.inputShape, ctx.where);
    return tf.tidy(() => this.linear(plan, x, ctx));
  }

  /**
   * Splits the model after a layer: `features` runs the layers up to and including it, `head` the rest, and
   * `head(features(x))` equals `apply(x)` exactly (GradCAM takes gradients of the head at the features; within
   * float rounding when the split separates a convolution from the batch norm after it).
   * Both default to inference mode, so each is a ForwardFn.
   *
   * @param layerName the name of the last layer of `features`.
   */
  split(layerName: string): SplitModel {
    const where = 'Sequential.split';
    this.checkAlive(where);
    const plan = this.plan(layerName, where);
    const k = plan.index;
    const n = this.plans.length;
    return {
      layerIndex: k,
      featuresShape: plan.outputShape.slice(),
      features: (x: Tensor, options: ApplyOptions = {}) => {
        const ctx = this.context(options, `Sequential.split('${plan.name}').features`);
        checkRows(x, this.inputShape, ctx.where);
        return tf.tidy(() => this.run(x, 0, k + 1, ctx));
      },
      head: (a: Tensor, options: ApplyOptions = {}) => {
        const ctx = this.context(options, `Sequential.split('${plan.name}').head`);
        checkRows(a, plan.outputShape, ctx.where, 'a');
        return tf.tidy(() => this.run(a, k + 1, n, ctx));
      },
    };
  }

  /** The layer names, in order: what `layerOutput`, `forwardWithLayer` and the layer methods accept (LayerModel). */
  get layerNames(): readonly string[] {
    return this.layers.map((l) => l.name);
  }

  /**
   * The output of a layer for rows x (inference mode): `split(layer).features(x)`. With `forwardWithLayer`,
   * makes a Sequential a tensors-ops `LayerModel` for the layer methods (Grad-CAM, layer integrated gradients,
   * layer conductance).
   *
   * @param x float32 [N, ...inputShape].
   * @param layer a layer name.
   * @returns float32 [N, ...layers[i].outputShape] that the caller owns.
   */
  layerOutput(x: Tensor, layer: string): Tensor {
    const ctx = this.context({}, 'Sequential.layerOutput');
    const plan = this.plan(layer, ctx.where);
    checkRows(x, this.inputShape, ctx.where);
    return tf.tidy(() => this.run(x, 0, plan.index + 1, ctx));
  }

  /**
   * The model's output with a layer's output replaced by `value` (inference mode): the layers after it run on
   * `value`, and x only fixes the number of rows (a chain reads nothing else from before the layer), so
   * `forwardWithLayer(x, layer, layerOutput(x, layer))` equals `predict(x)` (within float rounding when the
   * layer separates a convolution from its folded batch norm) and equals `split(layer).head(value)`.
   *
   * @param x float32 [N, ...inputShape].
   * @param layer a layer name.
   * @param value float32 [N, ...layers[i].outputShape].
   * @returns float32 [N, ...outputShape] that the caller owns.
   */
  forwardWithLayer(x: Tensor, layer: string, value: Tensor): Tensor {
    const ctx = this.context({}, 'Sequential.forwardWithLayer');
    const plan = this.plan(layer, ctx.where);
    this.checkSubstitute(x, value, plan.outputShape, ctx.where);
    return tf.tidy(() => this.run(value, plan.index + 1, this.plans.length, ctx));
  }

  /**
   * The input of a layer for rows x (the previous layer's output, or x for the first layer), inference mode.
   * @returns float32 [N, ...layers[i].inputShape] that the caller owns.
   */
  layerInput(x: Tensor, layer: string): Tensor {
    const ctx = this.context({}, 'Sequential.layerInput');
    const plan = this.plan(layer, ctx.where);
    checkRows(x, this.inputShape, ctx.where);
    return tf.tidy(() => this.run(x, 0, plan.index, ctx));
  }

  /**
   * The model's output with a layer's input replaced by `value`: that layer and the ones after it run on
   * `value` (inference mode).
   * @param value float32 [N, ...layers[i].inputShape].
   * @returns float32 [N, ...outputShape] that the caller owns.
   */
  forwardWithLayerInput(x: Tensor, layer: string, value: Tensor): Tensor {
    const ctx = this.context({}, 'Sequential.forwardWithLayerInput');
    const plan = this.plan(layer, ctx.where);
    this.checkSubstitute(x, value, plan.inputShape, ctx.where);
    return tf.tidy(() => this.run(value, plan.index, this.plans.length, ctx));
  }

  // ---- private ----

  private context(options: ApplyOptions, where: string): RunMode {
    return this.runMode(options, APPLY_OPTION_KEYS, where);
  }

  private plan(layer: unknown, where: string): LayerPlan {
    if (typeof layer === 'number') {
      if (Number.isInteger(layer) && layer >= 0 && layer < this.plans.length) return this.plans[layer]!;
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: layer index must be an integer in 0..${this.plans.length - 1}, got ${describe(layer)}`);
    }
    const found = typeof layer === 'string' ? this.plans.find((p) => p.name === layer) : undefined;
    if (found === undefined) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: layer must be one of ${this.plans.map((p) => `'${p.name}'`).join(', ')} (or an index), got ${describe(layer)}`,
      );
    }
    return found;
  }

  /** x: float32 rows of the input shape; value: float32 [N, ...rowShape] with x's N. */
  private checkSubstitute(x: unknown, value: unknown, rowShape: readonly number[], where: string): void {
    checkRows(x, this.inputShape, where);
    checkRows(value, rowShape, where, 'value');
    if (value.shape[0] !== x.shape[0]) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: value must have one row per row of x (${x.shape[0]}), got ${value.shape[0]}`);
    }
  }

  private v(plan: LayerPlan, key: ParamKey): Variable {
    return this.vars.get(`${plan.name}/${key}`)!;
  }

  private optionalBias(plan: LayerPlan, useBias: boolean): Tensor | null {
    return useBias ? this.v(plan, 'bias') : null;
  }

  /** The layer's linear part (everything but its activation). Never returns x itself. */
  private linear(plan: LayerPlan, x: Tensor, ctx: RunMode): Tensor {
    const op = plan.op;
    switch (op.kind) {
      case 'dense':
        return denseLinear(x, this.v(plan, 'kernel'), this.optionalBias(plan, op.useBias));
      case 'conv2d':
        return conv2dLinear(x, this.v(plan, 'kernel'), this.optionalBias(plan, op.useBias), op.config);
      case 'conv2dTranspose':
        return conv2dTransposeLinear(x, this.v(plan, 'kernel'), this.optionalBias(plan, op.useBias), op.config);
      case 'depthwiseConv2d':
        return depthwiseConv2dLinear(x, this.v(plan, 'kernel'), this.optionalBias(plan, op.useBias), op.config);
      case 'globalAvgPool':
        return globalAvgPoolImpl(x);
      case 'batchNorm': {
        const gamma = this.v(plan, 'gamma');
        const beta = this.v(plan, 'beta');
        const movingMean = this.v(plan, 'movingMean');
        const movingVariance = this.v(plan, 'movingVariance');
        if (!ctx.training) return batchNormWith(x, movingMean, movingVariance, gamma, beta, op.epsilon);
        const { mean, variance } = batchNormMomentsImpl(x);
        if (ctx.update) {
          updateMovingAverageImpl(movingMean, mean, op.momentum);
          updateMovingAverageImpl(movingVariance, variance, op.momentum);
        }
        return batchNormWith(x, mean, variance, gamma, beta, op.epsilon);
      }
      case 'activation':
        return tf.clone(x);
      case 'flatten':
        return tf.reshape(x, [x.shape[0]!, plan.outputShape[0]!]);
      case 'reshape':
        return tf.reshape(x, [x.shape[0]!, ...op.shape]);
      case 'pool':
        return poolImpl(op.pool, x, op.config);
      case 'dropout':
        return ctx.training && op.rate > 0 ? dropoutImpl(x, op.rate, this.dropoutSeed(ctx, plan.index)) : tf.clone(x);
    }
  }

  /** The whole layer. Never returns x itself. */
  private full(plan: LayerPlan, x: Tensor, ctx: RunMode): Tensor {
    const act = plan.activation;
    if (plan.op.kind === 'activation') {
      const y = applyActivation(x, act!);
      return y === x ? tf.clone(x) : y;
    }
    if (!ctx.training) {
      // Inference: conv/dense + bias + linear/relu as one fused kernel (see ./fused.ts); null when it does not apply.
      const op = plan.op;
      const fused =
        op.kind === 'conv2d'
          ? fusedConv2dLayer(x, this.v(plan, 'kernel'), this.optionalBias(plan, op.useBias), op.config, act)
          : op.kind === 'depthwiseConv2d'
            ? fusedDepthwiseConv2dLayer(x, this.v(plan, 'kernel'), this.optionalBias(plan, op.useBias), op.config, act)
            : op.kind === 'dense'
              ? fusedDenseLayer(x, this.v(plan, 'kernel'), this.optionalBias(plan, op.useBias), act)
              : null;
      if (fused !== null) return fused;
    }
    const z = this.linear(plan, x, ctx);
    return act === null || act.fn === 'linear' ? z : applyActivation(z, act);
  }


  /** Layers from..to-1; a new tensor even when the range is empty. */
  private run(x: Tensor, from: number, to: number, ctx: RunMode): Tensor {
    // Inference: conv -> batchNorm [-> activation] runs inside the range as one fused convolution.
    const fold = !ctx.training && this.groups.size > 0 && batchNormFoldingEnabled();
    let h = x;
    for (let i = from; i < to; i++) {
      const group = fold ? this.groups.get(i) : undefined;
      if (group !== undefined && i + group.length <= to) {
        h = this.runFoldedGroup(group, h);
        i += group.length - 1;
      } else {
        h = this.full(this.plans[i]!, h, ctx);
      }
    }
    return h === x ? tf.clone(x) : h;
  }
}

/**
 * Builds a sequential model from plain layer specs: each layer feeds the next, the parameters live in
 * tf.Variables named '<layer>/<param>' and are initialised from the seed (the same numbers on every backend).
 * The specs are JSON (`toJSON`/`Sequential.fromJSON` round-trip the architecture; `getWeights`/`setWeights`
 * with the io functions the weights), and every layer keeps its activation apart from its linear part, so
 * explainers can walk the model layer by layer (`layers[i].activation`, `applyLayer`, `applyLayerLinear`,
 * `applyWithActivations`) or cut it in two (`split`).
 *
 * Formula: f(x) = L_n(... L_2(L_1(x))), L_i(h) = activation_i(linear_i(h)).
 *
 * Layer specs (`name` optional everywhere, default `${type}_${index}`):
 * - `{ type: 'dense', units, activation?, useBias? = true, kernelInitializer? = 'glorotUniform', biasInitializer? = 'zeros' }`
 *   params kernel [in, units], bias [units];
 * - `{ type: 'conv2d', filters, kernelSize, strides? = 1, padding? = 'valid', dilations? = 1, activation?, useBias?, ...Initializer? }`
 *   params kernel [kh, kw, in, filters], bias [filters];
 * - `{ type: 'conv2dTranspose', filters, kernelSize, strides? = 1, padding? = 'valid', activation?, useBias?, ...Initializer? }`
 *   params kernel [kh, kw, filters, in], bias [filters];
 * - `{ type: 'batchNorm', momentum? = 0.99, epsilon? = 1e-3 }` params gamma, beta (trainable), movingMean,
 *   movingVariance (not trainable), each [C];
 * - `{ type: 'activation', fn, alpha? }`, `{ type: 'flatten' }`, `{ type: 'reshape', shape }`,
 *   `{ type: 'maxPool' | 'avgPool', poolSize? = 2, strides? = poolSize, padding? = 'valid' }`, `{ type: 'dropout', rate }`.
 * - `{ type: 'depthwiseConv2d', kernelSize, depthMultiplier? = 1, strides? = 1, padding? = 'valid', dilations? = 1,
 *   activation?, useBias?, ...Initializer? }` (kernel [kh, kw, C, depthMultiplier]), `{ type: 'globalAvgPool' }`
 *   ([H, W, C] -> [C]).
 *
 * Paper: the blocks cite theirs (see `dense`, `conv2d`, `conv2dTranspose`, `batchNorm`, `dropout`, the
 * initializers); the layer-wise view serves DeepLIFT (Shrikumar et al. 2017, arXiv:1704.02685) and Grad-CAM
 * (Selvaraju et al. 2016, arXiv:1610.02391).
 *
 * @param specs the layers, in order (at least one).
 * @param inputShape one input row without the batch axis, e.g. [28, 28, 1].
 * @param options `seed` (integer, default 0): initializers and default dropout masks.
 * @throws GlassboxError INVALID_ARGUMENT for a bad spec or duplicate names, SHAPE_MISMATCH when a layer does
 *   not fit its input (no variables are made then).
 *
 * @example
 * ```ts
 * const model = sequential(
 *   [
 *     { type: 'conv2d', name: 'conv1', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' },
 *     { type: 'maxPool', name: 'pool1', poolSize: 2 },
 *     { type: 'flatten' },
 *     { type: 'dense', name: 'logits', units: 10 },
 *   ],
 *   [28, 28, 1],
 *   { seed: 42 },
 * );
 * const logits = model.predict(images);              // [N, 10]
 * const { features, head } = model.split('conv1');    // head(features(x)) equals predict(x)
 * ```
 */
export function sequential(specs: LayerSpec[], inputShape: number[], options: SequentialOptions = {}): Sequential {
  return Sequential.create(specs, inputShape, options, 'sequential');
}

/**
 * The tensors-ops Sequential behind a model, or null: `f` itself, or the `network` of a models-classifier
 * `Classifier` (an object with kind 'classifier' whose predict is its network's inference pass). Also
 * recognises a Sequential made by another copy of this package (same JSON format and methods), as happens
 * when a bundle or a test runner loads the package twice. Explainers use it to take model-aware fast paths;
 * the pool to send the model to its workers.
 */
export function sequentialOf(f: unknown): Sequential | null {
  if (isSequential(f)) return f;
  if (f !== null && typeof f === 'object' && (f as { kind?: unknown }).kind === 'classifier') {
    const network = (f as { network?: unknown }).network;
    if (isSequential(network)) return network;
  }
  return null;
}

function isSequential(value: unknown): value is Sequential {
  if (value instanceof Sequential) return true;
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<Sequential>;
  if (
    !Array.isArray(v.layers) ||
    !Array.isArray(v.inputShape) ||
    !(v.params instanceof Map) ||
    typeof v.predict !== 'function' ||
    typeof v.getWeights !== 'function' ||
    typeof v.toJSON !== 'function'
  ) {
    return false;
  }
  try {
    return (v.toJSON() as { format?: unknown } | null)?.format === SEQUENTIAL_FORMAT;
  } catch {
    return false;
  }
}
