/**
 * What `Sequential` and `ResidualModel` share (internal): a model whose parameters live in tf.Variables by full
 * name, initialised from a seed. The base class holds the variables and the life cycle around them (trainable
 * and non-trainable lists, weights out and in, dispose) and the parts of a forward call that do not depend on
 * the architecture (the training / statistics / seed options, dropout seeds); the JSON helpers read and write
 * the architecture descriptions of both.
 */
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { createRng, type Rng } from '../rng.js';
import { checkOptionKeys, isTensor, optionKeys } from '../contract/validate.js';
import { initialize, type InitializerName } from './initializers.js';
import { checkSeed, formatShape, hashString, mixSeed } from './common.js';
import { applyActivation } from './activations.js';
import { conv2dLinear } from './conv2d.js';
import { depthwiseConv2dLinear } from './depthwise-conv2d.js';
import { FoldCache, type ConvBnGroup } from './fold-batch-norm.js';
import { fusedConv2dLayer, fusedDepthwiseConv2dLayer } from './fused.js';

/** Options of `setWeights`. */
export interface SetWeightsOptions {
  /** Allow weights to be missing (those keep their values); default false. Unknown names are always refused. */
  allowPartial?: boolean;
}

/** The keys of SetWeightsOptions. */
export const SET_WEIGHTS_OPTION_KEYS = optionKeys<SetWeightsOptions>({ allowPartial: true });

/** Options of `apply` and the other forward methods. */
export interface ApplyOptions {
  /**
   * Training mode (default false): batch norm uses the batch's statistics and dropout drops. Inference mode:
   * batch norm uses its moving statistics and dropout is the identity.
   */
  training?: boolean;
  /**
   * Seed of the dropout masks of this call (integer). Default: the next number of the model's own seeded
   * generator, so successive training steps get different masks and a run is still reproducible.
   */
  seed?: number;
  /**
   * In training mode, update the moving mean and variance of the batch-norm layers (default true). Works
   * inside gradient tapes too (the update is not differentiated). Set false to run training-mode statistics
   * without side effects (e.g. for an explainer).
   */
  updateStatistics?: boolean;
}

/** The keys of ApplyOptions. */
export const APPLY_OPTION_KEYS = optionKeys<ApplyOptions>({ training: true, seed: true, updateStatistics: true });

/** A parameter to make: its full name, shape, initializer and whether training changes it. */
export interface VariablePlan {
  name: string;
  shape: number[];
  initializer: InitializerName;
  trainable: boolean;
}

/** The checked mode of one forward call. */
export interface RunMode {
  training: boolean;
  /** Update batch-norm moving statistics (training mode and `updateStatistics`). */
  update: boolean;
  /** The dropout seed of the call; drawn from the model's generator at the first dropout when undefined. */
  seed: number | undefined;
  where: string;
}

/** Freezes an object and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A deep copy of JSON data. */
export function cloneJSON<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Checks an architecture description made by a model's `toJSON()` (the object or its JSON string): an object
 * whose `format` is `format` and whose `version` is 1. `what` names the class in the message.
 * @throws GlassboxError INVALID_ARGUMENT.
 */
export function parseModelJSON<T extends { format: string; version: number }>(json: unknown, format: string, what: string, where: string): Partial<T> {
  let j: unknown = json;
  if (typeof json === 'string') {
    try {
      j = JSON.parse(json);
    } catch (e) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: json is not valid JSON (${(e as Error).message})`);
    }
  }
  if (j === null || typeof j !== 'object' || Array.isArray(j)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: json must be an object from ${what}.toJSON(), got ${describe(j)}`);
  }
  const o = j as Partial<T>;
  if (o.format !== format) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: json.format must be '${format}', got ${describe(o.format)}`);
  }
  if (o.version !== 1) throw new GlassboxError('INVALID_ARGUMENT', `${where}: json.version must be 1, got ${describe(o.version)}`);
  return o;
}

/** The seed of a model rebuilt from JSON: `options.seed` when given, else the stored one, else 0. */
export function seedFromJSON(optionSeed: number | undefined, storedSeed: unknown, where: string): number {
  return optionSeed ?? (storedSeed === undefined ? 0 : checkSeed(storedSeed, 'json.seed', where));
}

/** Names for a message: all of them quoted, or the first 12 and how many more. */
function listNames(names: readonly string[]): string {
  const quoted = names.slice(0, 12).map((k) => `'${k}'`).join(', ');
  return names.length <= 12 ? quoted : `${quoted} and ${names.length - 12} more`;
}

/**
 * The base of the models whose parameters are tf.Variables named '<layer or block path>/<param>': makes them
 * from the plans (each initialised from mixSeed(seed, hash of its name), so every backend gets the same
 * numbers), and gives the weight access and life cycle that do not depend on the architecture.
 */
export abstract class VariableModel {
  /** Every parameter by full name, in the model's order. */
  readonly params: ReadonlyMap<string, Variable>;
  /** The seed the parameters were initialised with. */
  readonly seed: number;

  protected readonly vars = new Map<string, Variable>();
  /** The folded kernel and bias of each conv -> batchNorm group run in inference (see fold-batch-norm.ts). */
  protected readonly folds = new FoldCache();
  private readonly trainable = new Set<string>();
  private readonly dropoutRng: Rng;
  private readonly what: string;
  private disposed = false;

  /**
   * @param what the class name, for messages ('this Sequential has been disposed').
   * @param params every parameter to make, in order; nothing is left allocated when one fails.
   */
  protected constructor(what: string, params: Iterable<VariablePlan>, seed: number) {
    this.what = what;
    this.seed = seed;
    this.dropoutRng = createRng(seed).fork(0xd209);
    try {
      for (const q of params) {
        const init = initialize(q.initializer, q.shape, mixSeed(seed, hashString(q.name)));
        try {
          this.vars.set(q.name, tf.variable(init, q.trainable));
        } finally {
          init.dispose();
        }
        if (q.trainable) this.trainable.add(q.name);
      }
    } catch (e) {
      for (const v of this.vars.values()) v.dispose();
      throw e;
    }
    this.params = this.vars;
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The trainable variables (kernels, biases, embeddings, norm gains and shifts), in the model's order. */
  trainableVariables(): Variable[] {
    this.checkAlive(`${this.what}.trainableVariables`);
    return [...this.vars.entries()].filter(([name]) => this.trainable.has(name)).map(([, v]) => v);
  }

  /** The non-trainable variables (batch-norm moving statistics), in the model's order. */
  nonTrainableVariables(): Variable[] {
    this.checkAlive(`${this.what}.nonTrainableVariables`);
    return [...this.vars.entries()].filter(([name]) => !this.trainable.has(name)).map(([, v]) => v);
  }

  /** Number of scalar parameters (trainable and not). */
  countParams(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** A copy of every parameter by full name (the caller owns the tensors), ready for `encodeWeights`. */
  getWeights(): Record<string, Tensor> {
    this.checkAlive(`${this.what}.getWeights`);
    const out: Record<string, Tensor> = {};
    for (const [name, v] of this.vars) out[name] = tf.clone(v);
    return out;
  }

  /**
   * Sets parameters from tensors by full name (e.g. from `getWeights()` or `decodeWeights`). Everything is
   * checked before anything is changed. The given tensors stay owned by the caller.
   *
   * @param weights a record or Map from parameter name to float32 tensor of that parameter's shape.
   * @param options `allowPartial` (default false): allow missing names.
   * @throws GlassboxError BAD_WEIGHTS naming the weight: unknown or missing name, not a float32 tensor,
   *   wrong shape (expected vs got), non-finite values, negative moving variance.
   */
  setWeights(weights: Record<string, Tensor> | ReadonlyMap<string, Tensor>, options: SetWeightsOptions = {}): void {
    const where = `${this.what}.setWeights`;
    this.checkAlive(where);
    checkOptionKeys(options, SET_WEIGHTS_OPTION_KEYS, where);
    if (weights === null || typeof weights !== 'object') {
      throw new GlassboxError('BAD_WEIGHTS', `${where}: weights must be a record of tensors by name, got ${describe(weights)}`);
    }
    const entries: [string, unknown][] = weights instanceof Map ? [...weights.entries()] : Object.entries(weights);
    const seen = new Set<string>();
    for (const [name, t] of entries) {
      const v = this.vars.get(name);
      if (v === undefined) {
        throw new GlassboxError('BAD_WEIGHTS', `${where}: unknown weight '${name}'; this model's weights are ${listNames([...this.vars.keys()])}`);
      }
      if (!isTensor(t) || (t as Tensor & { isDisposed?: boolean }).isDisposed) {
        throw new GlassboxError('BAD_WEIGHTS', `${where}: weight '${name}' must be a live float32 tensor, got ${describe(t)}`);
      }
      if (t.dtype !== 'float32') throw new GlassboxError('BAD_WEIGHTS', `${where}: weight '${name}' must be float32, got dtype ${t.dtype}`);
      if (t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
        throw new GlassboxError('BAD_WEIGHTS', `${where}: weight '${name}' must have shape ${formatShape(v.shape)}, got ${formatShape(t.shape)}`);
      }
      const values = t.dataSync();
      const isVariance = name.endsWith('/movingVariance');
      for (let i = 0; i < values.length; i++) {
        const x = values[i]!;
        if (!Number.isFinite(x) || (isVariance && x < 0)) {
          throw new GlassboxError(
            'BAD_WEIGHTS',
            `${where}: weight '${name}' must hold ${isVariance ? 'finite values >= 0' : 'finite values'}, got ${describe(x)} at flat index ${i}`,
          );
        }
      }
      seen.add(name);
    }
    if (!options.allowPartial) {
      const missing = [...this.vars.keys()].filter((k) => !seen.has(k));
      if (missing.length > 0) {
        throw new GlassboxError(
          'BAD_WEIGHTS',
          `${where}: missing weight${missing.length > 1 ? 's' : ''} ${missing.map((k) => `'${k}'`).join(', ')} (pass { allowPartial: true } to keep their values)`,
        );
      }
    }
    for (const [name, t] of entries) this.vars.get(name)!.assign(t as Tensor);
  }

  /** The folded kernel and bias of a conv -> batchNorm group (kept by the model; folded in the call under a gradient tape). */
  protected folded(group: ConvBnGroup): { kernel: Tensor; bias: Tensor } {
    const [conv, bn] = group.paths as [string, string];
    const w = (name: string, key: string): Variable => this.vars.get(`${name}/${key}`)!;
    return this.folds.get(conv, group, {
      kernel: w(conv, 'kernel'),
      bias: group.useBias ? w(conv, 'bias') : null,
      gamma: w(bn, 'gamma'),
      beta: w(bn, 'beta'),
      movingMean: w(bn, 'movingMean'),
      movingVariance: w(bn, 'movingVariance'),
    });
  }

  /** A conv -> batchNorm [-> activation] group in inference mode: one (fused) convolution with the folded parameters. */
  protected runFoldedGroup(group: ConvBnGroup, x: Tensor): Tensor {
    const { kernel, bias } = this.folded(group);
    const fused =
      group.kind === 'conv2d'
        ? fusedConv2dLayer(x, kernel, bias, group.config, group.activation)
        : fusedDepthwiseConv2dLayer(x, kernel, bias, group.config, group.activation);
    if (fused !== null) return fused;
    const z = group.kind === 'conv2d' ? conv2dLinear(x, kernel, bias, group.config) : depthwiseConv2dLinear(x, kernel, bias, group.config);
    return group.activation === null ? z : applyActivation(z, group.activation);
  }

  /** Frees every variable. The model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.folds.dispose();
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
    this.disposed = true;
  }

  /** Throws INVALID_ARGUMENT after `dispose()`. */
  protected checkAlive(where: string): void {
    if (this.disposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: this ${this.what} has been disposed`);
  }

  /** Checks that the model is alive and the options of a forward call (`keys` are the method's valid keys). */
  protected runMode(options: ApplyOptions, keys: readonly string[], where: string): RunMode {
    this.checkAlive(where);
    const o = checkOptionKeys<ApplyOptions>(options, keys, where);
    const training = o.training ?? false;
    if (typeof training !== 'boolean') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.training must be a boolean, got ${describe(training)}`);
    }
    const update = o.updateStatistics ?? true;
    if (typeof update !== 'boolean') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.updateStatistics must be a boolean, got ${describe(update)}`);
    }
    const seed = o.seed === undefined ? undefined : checkSeed(o.seed, 'options.seed', where);
    return { training, update: training && update, seed, where };
  }

  /**
   * The seed of one dropout of a call: the call's seed (drawn from the model's generator at its first dropout
   * when the call gave none) mixed with `stream`, a number that tells the dropouts of the model apart.
   */
  protected dropoutSeed(mode: RunMode, stream: number): number {
    if (mode.seed === undefined) mode.seed = this.dropoutRng.nextUint32();
    return mixSeed(mode.seed, stream);
  }
}
