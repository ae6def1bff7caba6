/**
 * Models that can travel to a worker: a model crosses a thread as data (its architecture and weights, or the
 * name of a builder the worker imports), never as a closure.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import type { Predictable } from '../contract/types.js';
import { asAsyncForward, asyncModelError, isAsyncModel } from '../contract/async-model.js';
import { Sequential, sequentialOf, type SequentialJSON } from '../nn/sequential.js';
import { ResidualModel } from '../nn/residual-model.js';
import { embeddingPointsForward, tokenModelForward, type TokenModel } from '../contract/token-model.js';
import type { PooledModelSpec, WeightData } from './types.js';
import { registeredPoolBuilder, registeredPoolBuilders } from './builders.js';

/** The property under which a Predictable carries its pooled description (see `poolable`). */
export const POOLED_MODEL: unique symbol = Symbol.for('glassbox.pooledModel');

/** A module builder description, for `poolable`. */
export interface ModuleModelSpec {
  /**
   * The name of a builder registered in the worker (`registerPoolBuilder` in a worker entry the pool was started
   * from, see `createPool({ worker })`); used instead of importing `module` when the worker holds it. Required
   * unless `module` is given.
   */
  builder?: string;
  /** A specifier the worker can import: a package name or an absolute file:/https: URL. Required unless `builder` is given. */
  module?: string;
  /** The export name of `module`'s builder (required with `module`); called as `await builder(args, { tf, weights, ops })`, returns a Predictable. */
  export?: string;
  /** Structured-clone data for the builder. */
  args?: unknown;
  /** Weights (tensors by name, or plain data) handed to the builder as tensors. */
  weights?: Record<string, Tensor> | WeightData[];
}

/** A model described for the pool: the spec and a key that identifies its content (for the workers' cache). */
export interface PoolModel {
  spec: PooledModelSpec;
  key: string;
}

type SequentialLike = {
  toJSON(): unknown;
  getWeights(): Record<string, Tensor>;
  isDisposed?: boolean;
};

/** 64-bit content hash (two 32-bit FNV-1a variants) of strings and typed arrays, as hex. */
function hashParts(parts: Array<string | ArrayBufferView>): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  const mix = (v: number): void => {
    h1 = Math.imul(h1 ^ v, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ ((v << 7) | (v >>> 25)), 0x5bd1e995) >>> 0;
  };
  for (let p of parts) {
    if (typeof p === 'string') {
      mix(p.length);
      for (let i = 0; i < p.length; i++) mix(p.charCodeAt(i));
    } else {
      mix(p.byteLength);
      // Whole 32-bit words, then the bytes left; a view that starts off a word boundary (a Uint8Array may start at
      // any byte) is copied first, so that the hash depends on the content only.
      if (p.byteOffset % 4 !== 0) p = new Uint8Array(p.buffer, p.byteOffset, p.byteLength).slice();
      const whole = p.byteLength >> 2;
      const words = new Uint32Array(p.buffer, p.byteOffset, whole);
      for (let i = 0; i < whole; i++) mix(words[i]!);
      const bytes = new Uint8Array(p.buffer, p.byteOffset + whole * 4, p.byteLength - whole * 4);
      for (let i = 0; i < bytes.length; i++) mix(bytes[i]!);
    }
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

function weightsToData(weights: Record<string, Tensor> | WeightData[] | undefined, where: string): WeightData[] {
  if (weights === undefined) return [];
  if (Array.isArray(weights)) {
    return weights.map((w, i) => {
      if (w == null || typeof w.name !== 'string' || !Array.isArray(w.shape) || !(w.data instanceof Float32Array)) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: weights[${i}] must be { name, shape, data: Float32Array }, got ${describe(w)}`);
      }
      return w;
    });
  }
  if (typeof weights !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: weights must be a record of tensors by name, got ${describe(weights)}`);
  }
  return Object.entries(weights).map(([name, t]) => {
    if (t == null || typeof (t as Tensor).dataSync !== 'function' || !Array.isArray((t as Tensor).shape)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: weights['${name}'] must be a tensor, got ${describe(t)}`);
    }
    if ((t as Tensor).dtype !== 'float32') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: weights['${name}'] must be float32, got dtype ${(t as Tensor).dtype}`);
    }
    return { name, shape: (t as Tensor).shape.slice(), data: Float32Array.from((t as Tensor).dataSync() as Float32Array) };
  });
}

/**
 * Appends a module spec's args to the parts of its content hash: binary data (typed arrays, ArrayBuffers, e.g. the
 * bytes of a model's files) is hashed as bytes, everything else by its JSON-like form; throws on a cycle.
 */
function argParts(v: unknown, parts: Array<string | ArrayBufferView>, seen: Set<object>): void {
  if (v === null || typeof v !== 'object') {
    parts.push(typeof v === 'string' ? `s${v.length}:${v}` : `${typeof v}:${String(v)}`);
    return;
  }
  if (ArrayBuffer.isView(v)) {
    parts.push(`view:${v.constructor.name}`, v);
    return;
  }
  if (v instanceof ArrayBuffer) {
    parts.push('buffer', new Uint8Array(v));
    return;
  }
  if (seen.has(v)) throw new Error('cycle');
  seen.add(v);
  if (Array.isArray(v)) {
    parts.push(`[${v.length}`);
    for (const e of v) argParts(e, parts, seen);
  } else if (v instanceof Map) {
    parts.push(`map${v.size}`);
    for (const [k, e] of v) {
      argParts(k, parts, seen);
      argParts(e, parts, seen);
    }
  } else {
    const keys = Object.keys(v);
    parts.push(`{${keys.length}`);
    for (const k of keys) {
      parts.push(`k${k.length}:${k}`);
      argParts((v as Record<string, unknown>)[k], parts, seen);
    }
  }
  seen.delete(v);
}

function keyOf(spec: PooledModelSpec): string {
  const parts: Array<string | ArrayBufferView> = [];
  if (spec.kind === 'sequential') {
    parts.push('sequential', JSON.stringify(spec.json));
  } else if (spec.kind === 'residual') {
    parts.push('residual', JSON.stringify(spec.json), spec.part === undefined ? '' : `${spec.part.side}:${spec.part.split}`);
  } else if (spec.kind === 'tokens') {
    parts.push('tokens', JSON.stringify(spec.json), spec.split, spec.input, String(spec.padId), String(spec.maskChannel === true));
  } else {
    parts.push('module', `b:${spec.builder ?? ''}`, `m:${spec.module ?? ''}`, `e:${spec.export ?? ''}`);
    try {
      argParts(spec.args, parts, new Set());
    } catch {
      // Cycles or values that cannot be cloned: no caching across calls.
      parts.push(`uncacheable:${Math.random()}:${Date.now()}`);
    }
  }
  for (const w of spec.weights ?? []) parts.push(w.name, w.shape.join(','), w.data);
  return hashParts(parts);
}

/**
 * Marks a model as buildable in a pool worker: returns a Predictable that computes exactly what `f` computes on
 * the main thread and that the pool rebuilds in each worker by importing `spec.module` and calling its export
 * `spec.export` as `await builder(spec.args, { tf, weights, ops })`. Use it for models that are not tensors-ops
 * `Sequential`s (those are poolable as they are). The builder must compute the same function as `f`.
 *
 * `spec.builder` names a builder registered in the worker instead (`registerPoolBuilder(name, build)` in a worker
 * entry that imports `@glassbox/tensors-ops/pool-worker`, the pool started with `createPool({ worker })`): a
 * worker that holds it calls it and imports nothing; one that does not imports `spec.module` when given. Bundled
 * browser apps need the registered form, since their workers cannot import unbundled modules at run time.
 *
 * @example
 * ```ts
 * // my-model.mjs:  export function build(args, { tf, weights }) { return (x) => tf.matMul(x, weights.w); }
 * const g = poolable((x) => tf.matMul(x, w), { module: new URL('./my-model.mjs', import.meta.url).href, export: 'build', weights: { w } });
 * await integratedGradients(g, x, { pool });
 * ```
 */
export function poolable<T extends Predictable>(f: T, spec: ModuleModelSpec): T {
  const where = 'poolable';
  if (typeof f !== 'function' && (f == null || typeof (f as { predict?: unknown }).predict !== 'function')) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: f must be a function or an object with predict(x), got ${describe(f)}`);
  }
  if (spec == null || typeof spec !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: spec must be { module, export, args?, weights? }, got ${describe(spec)}`);
  }
  if (spec.builder !== undefined && (typeof spec.builder !== 'string' || spec.builder.length === 0)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: spec.builder must be the name of a registered builder (a non-empty string), got ${describe(spec.builder)}`);
  }
  if (spec.builder === undefined && spec.module === undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: spec must name a registered builder (spec.builder) or a module to import (spec.module), got neither`);
  }
  if (spec.module !== undefined || spec.export !== undefined) {
    if (typeof spec.module !== 'string' || spec.module.length === 0) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: spec.module must be a module specifier or URL string, got ${describe(spec.module)}`);
    }
    if (typeof spec.export !== 'string' || spec.export.length === 0) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: spec.export must be the builder's export name, got ${describe(spec.export)}`);
    }
  }
  const weights = weightsToData(spec.weights, where);
  const described: PooledModelSpec = {
    kind: 'module',
    ...(spec.builder === undefined ? {} : { builder: spec.builder }),
    ...(spec.module === undefined ? {} : { module: spec.module, export: spec.export! }),
    args: spec.args,
    weights,
  };
  if (typeof f === 'function') {
    const fn = f as (x: Tensor) => Tensor;
    const wrapped = ((x: Tensor) => fn(x)) as unknown as T;
    Object.defineProperty(wrapped, POOLED_MODEL, { value: described, enumerable: false });
    return wrapped;
  }
  const obj = f as { predict(x: Tensor): Tensor | Tensor[] };
  const wrapped = { predict: (x: Tensor) => obj.predict(x) } as unknown as T;
  Object.defineProperty(wrapped, POOLED_MODEL, { value: described, enumerable: false });
  return wrapped;
}

/**
 * Descriptions of Sequentials already described, with the data ids of the weights they were made from. Reading
 * and hashing the weights costs ~3 ms for a small CNN, more than a whole pooled saliency batch, so an explainer
 * call reuses the description while the model holds the same weight buffers (tf.Variable.assign and
 * setWeights give a variable a new data id, so changed weights are described again).
 */
const described = new WeakMap<object, { names: string[]; ids: unknown[]; json: string; model: PoolModel }>();

function describeSequential(m: SequentialLike, where: string): PoolModel {
  if (m.isDisposed === true) throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model has been disposed`);
  const json = m.toJSON() as SequentialJSON;
  const weights = m.getWeights();
  try {
    const names = Object.keys(weights);
    const ids = names.map((n) => weights[n]!.dataId);
    const text = JSON.stringify(json);
    const cached = described.get(m);
    if (
      cached !== undefined &&
      cached.json === text &&
      cached.names.length === names.length &&
      cached.names.every((n, i) => n === names[i] && cached.ids[i] === ids[i])
    ) {
      return cached.model;
    }
    const spec: PooledModelSpec = { kind: 'sequential', json, weights: weightsToData(weights, where) };
    const model = { spec, key: keyOf(spec) };
    described.set(m, { names, ids, json: text, model });
    return model;
  } finally {
    tf.dispose(weights);
  }
}

/** Content keys of specs returned by toPooledModel() or carried, by spec object (specs are treated as immutable). */
const specKeys = new WeakMap<object, string>();

function cachedKeyOf(spec: PooledModelSpec): string {
  let key = specKeys.get(spec);
  if (key === undefined) {
    key = keyOf(spec);
    specKeys.set(spec, key);
  }
  return key;
}

/** 'tokens' specs made by poolableTokenForward, by the network spec they wrap (reused while it is). */
const tokenSpecs = new WeakMap<object, Map<string, PooledModelSpec>>();

/**
 * A token model's forward function marked for the pool (see `PooledModelSpec` kind 'tokens'): `forward` itself,
 * carrying the description, or null when the model gives no `toPooledTokenModel()`. `input: 'ids'` describes
 * `tokenModelForward(model)`; `input: 'embeddings'` describes `embeddingPointsForward(model, masked)`. The caller
 * passes the function it describes; a pool worker rebuilds the same computation from the model's network.
 *
 * @throws GlassboxError INVALID_ARGUMENT when `model.toPooledTokenModel()` returns something else than
 *   `{ network: <a ResidualModel's toPooledModel()>, split: <block name> }`.
 */
export function poolableTokenForward<F extends (x: Tensor) => Tensor>(
  model: TokenModel,
  forward: F,
  input: 'ids' | 'embeddings',
  masked = false,
  where = 'poolableTokenForward',
): F | null {
  if (typeof model.toPooledTokenModel !== 'function') return null;
  const d = model.toPooledTokenModel();
  if (d == null || d.network == null || d.network.kind !== 'residual' || d.network.part !== undefined || typeof d.split !== 'string') {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: f.toPooledTokenModel() must return { network: ResidualModel.toPooledModel(), split: '<block name>' }, got ${describe(d)}`,
    );
  }
  let byKind = tokenSpecs.get(d.network);
  if (byKind === undefined) {
    byKind = new Map();
    tokenSpecs.set(d.network, byKind);
  }
  const padId = input === 'ids' ? model.padId : undefined;
  const name = `${d.split}|${input}|${padId}|${masked}`;
  let spec = byKind.get(name);
  if (spec === undefined) {
    spec = {
      kind: 'tokens',
      json: d.network.json,
      weights: d.network.weights,
      split: d.split,
      input,
      ...(padId === undefined ? {} : { padId }),
      ...(input === 'embeddings' ? { maskChannel: masked } : {}),
    };
    byKind.set(name, spec);
  }
  Object.defineProperty(forward, POOLED_MODEL, { value: spec, enumerable: false, configurable: true });
  return forward;
}

/**
 * The pooled description of a model, or a sentence saying why it has none. Poolable: a tensors-ops
 * `Sequential`; a `ResidualModel` or one side of its `split` (they have `toPooledModel()`); an object whose
 * `network` is a Sequential and whose `predict` is that network's inference pass (the models-classifier `Classifier`); anything marked with `poolable(f, spec)` or carrying a `POOLED_MODEL`
 * property / `toPooledModel()` method returning a `PooledModelSpec`. A plain function (a closure) is not: it
 * cannot cross a thread.
 */
export function describePoolModel(f: Predictable, where = 'describePoolModel'): PoolModel | { reason: string } {
  const carried = (f as unknown as Record<symbol, unknown>)?.[POOLED_MODEL];
  if (carried !== undefined) {
    const spec = carried as PooledModelSpec;
    return { spec, key: cachedKeyOf(spec) };
  }
  if (f != null && typeof (f as { toPooledModel?: unknown }).toPooledModel === 'function') {
    const spec = (f as unknown as { toPooledModel(): PooledModelSpec }).toPooledModel();
    if (spec == null || (spec.kind !== 'sequential' && spec.kind !== 'module' && spec.kind !== 'residual')) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: f.toPooledModel() must return a pooled model spec, got ${describe(spec)}`);
    }
    // A model that returns the same spec object while its weights are unchanged (ResidualModel does) is hashed once.
    return { spec, key: cachedKeyOf(spec) };
  }
  const network = sequentialOf(f);
  if (network !== null) return describeSequential(network, where);
  if (typeof f === 'function') {
    return {
      reason:
        'f is a plain function: a closure cannot cross a thread, so the pool cannot rebuild it in a worker. ' +
        'Pass a tensors-ops Sequential (or a models-package model), or wrap f with poolable(f, { module, export, args, weights })',
    };
  }
  return {
    reason:
      'f is an object with predict(x) that the pool does not know how to rebuild in a worker (not a tensors-ops Sequential). ' +
      'Give it a toPooledModel() method or wrap it with poolable(f, { module, export, args, weights })',
  };
}

/** A model rebuilt in a worker. */
export interface BuiltModel {
  forward: (x: Tensor) => Tensor;
  /**
   * Present for an asynchronous model (a builder that returned one, see isAsyncModel): the call the worker awaits
   * for the jobs that only call the model ('forward'); `forward` then refuses (gradients need a synchronous model).
   */
  forwardAsync?: (x: Tensor) => Promise<Tensor>;
  dispose(): void;
}

/** Sets the weights a spec carries on a freshly built model (disposed if they do not fit); returns the model. */
function withWeights<M extends { setWeights(w: Record<string, Tensor>): void; dispose(): void }>(model: M, weights: readonly WeightData[]): M {
  const tensors: Record<string, Tensor> = {};
  try {
    for (const w of weights) tensors[w.name] = tf.tensor(w.data, w.shape, 'float32');
    model.setWeights(tensors);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(tensors);
  }
}

/** Worker side: rebuilds a model from its spec. `ops` is the tensors-ops module (handed to module builders). */
export async function buildPoolModel(spec: PooledModelSpec, ops: unknown): Promise<BuiltModel> {
  const where = 'pool worker';
  if (spec.kind === 'sequential') {
    const model = withWeights(Sequential.fromJSON(spec.json), spec.weights);
    return { forward: (x) => model.predict(x), dispose: () => model.dispose() };
  }
  if (spec.kind === 'residual') {
    const model = withWeights(ResidualModel.fromJSON(spec.json), spec.weights);
    const run = spec.part === undefined ? (x: Tensor) => model.predict(x) : model.split(spec.part.split)[spec.part.side];
    const takesIds = model.inputDType === 'int32' && spec.part?.side !== 'head';
    // Row recipes are float32; a model of token ids gets them back as int32 (exact for integers; others refused).
    const forward = takesIds ? (x: Tensor) => (x.dtype === 'float32' ? runOnIds(run, x, where) : run(x)) : (x: Tensor) => run(x);
    return { forward, dispose: () => model.dispose() };
  }
  if (spec.kind === 'tokens') {
    const network = withWeights(ResidualModel.fromJSON(spec.json), spec.weights);
    const { features, head } = network.split(spec.split);
    // The token model the main thread ran, rebuilt from its network (see PooledTokenModel).
    const model: TokenModel = {
      embed: (ids) => features(ids, {}),
      forwardFromEmbeddings: (e, o) => head(e, o?.paddingMask === undefined ? {} : { paddingMask: o.paddingMask }),
      vocabSize: 0,
      ...(spec.padId === undefined ? {} : { padId: spec.padId }),
    };
    let forward: (x: Tensor) => Tensor;
    if (spec.input === 'ids') {
      const scores = tokenModelForward(model);
      // Row recipes are float32; the ids come back as int32 (exact for integers; others refused).
      forward = (x) => (x.dtype === 'float32' ? runOnIds(scores, x, where) : scores(x));
    } else {
      forward = embeddingPointsForward(model, spec.maskChannel === true);
    }
    return { forward, dispose: () => network.dispose() };
  }
  if (spec.kind === 'module') {
    const builder = await moduleBuilder(spec, where);
    const registered = spec.builder !== undefined && registeredPoolBuilder(spec.builder) !== undefined;
    // How the messages below name the builder.
    const short = registered ? `'${spec.builder}'` : `'${spec.export}'`;
    const long = registered ? `'${spec.builder}' (registered)` : `'${spec.export}' of ${describe(spec.module)}`;
    const weights: Record<string, Tensor> = {};
    for (const w of spec.weights ?? []) weights[w.name] = tf.tensor(w.data, w.shape, 'float32');
    let built: unknown;
    try {
      built = await builder(spec.args, { tf, weights, ops });
    } catch (e) {
      tf.dispose(weights);
      throw e;
    }
    const disposeAll = (): void => {
      const d = (built as { dispose?: unknown } | null)?.dispose;
      if (typeof d === 'function') (d as () => void).call(built);
      tf.dispose(weights);
    };
    if (isAsyncModel(built)) {
      const call = asAsyncForward(built as Predictable, where, `builder ${short} model`);
      return {
        forward: () => {
          throw asyncModelError(where, 'the pooled model');
        },
        forwardAsync: call,
        dispose: disposeAll,
      };
    }
    if (typeof built === 'function') return { forward: built as (x: Tensor) => Tensor, dispose: disposeAll };
    if (built != null && typeof (built as { predict?: unknown }).predict === 'function') {
      const m = built as { predict(x: Tensor): Tensor };
      return { forward: (x) => m.predict(x), dispose: disposeAll };
    }
    disposeAll();
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: builder ${long} must return a function or an object with predict(x), got ${describe(built)}`);
  }
  throw new GlassboxError('INVALID_ARGUMENT', `${where}: unknown pooled model kind ${describe((spec as { kind?: unknown }).kind)}`);
}

/**
 * The builder of a `module` spec: the one registered in this worker under `spec.builder` when there is one, else
 * the export `spec.export` of `spec.module`, imported.
 */
async function moduleBuilder(spec: Extract<PooledModelSpec, { kind: 'module' }>, where: string): Promise<(args: unknown, ctx: unknown) => unknown> {
  if (spec.builder !== undefined) {
    const registered = registeredPoolBuilder(spec.builder);
    if (registered !== undefined) return registered as (args: unknown, ctx: unknown) => unknown;
  }
  // How to give a worker the builder, for the messages below.
  const howTo =
    spec.builder === undefined
      ? ''
      : `; this worker has no builder registered as ${describe(spec.builder)} (it has ${describe(registeredPoolBuilders())}): in a bundled browser app, start the pool from a worker entry that registers it, e.g. createPool({ worker: () => new Worker(new URL('<package>/pool-worker', import.meta.url), { type: 'module' }) })`;
  if (spec.module === undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model names the builder ${describe(spec.builder)} and no module to import${howTo}`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ spec.module)) as Record<string, unknown>;
  } catch (e) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: cannot import model module ${describe(spec.module)} (${(e as Error)?.message ?? e})${howTo}`, { cause: e });
  }
  const builder = mod[spec.export ?? ''];
  if (typeof builder !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: module ${describe(spec.module)} has no function export '${spec.export}', got ${describe(builder)}`);
  }
  return builder as (args: unknown, ctx: unknown) => unknown;
}

/** Runs a model of int32 token ids on float32 rows that hold integers. */
function runOnIds(run: (x: Tensor) => Tensor, x: Tensor, where: string): Tensor {
  const values = x.dataSync();
  const ids = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: the model takes int32 token ids, but row values hold ${describe(v)} at flat index ${i}`);
    }
    ids[i] = v;
  }
  const t = tf.tensor(ids, x.shape, 'int32');
  try {
    return run(t);
  } finally {
    t.dispose();
  }
}
