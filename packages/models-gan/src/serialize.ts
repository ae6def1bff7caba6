/**
 * Saving and loading the models in the TensorFlow.js format (model.json + weights.bin): the architecture as
 * a small JSON in model.json's `modelTopology`, the weights of every network in one weights.bin, named
 * '<network>/<layer>/<param>'. Sources and destinations: a folder (Node), a URL (fetch), an object
 * `{ modelJSON, weightData }` (memory), or a tf.io IOHandler.
 */
import {
  GlassboxError,
  checkOptionKeys,
  decodeWeights,
  describe,
  encodeWeights,
  fromModelArtifacts,
  isGlassboxError,
  loadWeightsFromFiles,
  loadWeightsFromUrl,
  saveWeightsToFiles,
  tf,
  toModelArtifacts,
  type EncodedWeights,
  type Sequential,
  type Tensor,
} from '@glassbox/tensors-ops';
import { checkFiniteWeights } from '@glassbox/tensors-ops/models';
import type { io } from '@tensorflow/tfjs-core';

/** Where a model is loaded from: a folder or model.json path (Node), a URL, encoded weights, or a tf.io handler. */
export type ModelSource = string | URL | EncodedWeights | io.IOHandler;
/** Where a model is saved to: a folder (Node) or a tf.io handler with `save`. */
export type ModelDestination = string | io.IOHandler;

/** Options of the loaders. */
export interface LoadOptions {
  /** The fetch to use for URLs (default: the global fetch). */
  fetch?: typeof fetch;
  /** Passed to every fetch call. */
  requestInit?: RequestInit;
}

const isNode = typeof process !== 'undefined' && process.versions?.node != null && typeof window === 'undefined';

async function fileUrlToPath(url: URL, where: string): Promise<string> {
  const name = 'node:url';
  try {
    const mod = (await import(/* @vite-ignore */ name)) as typeof import('node:url');
    return mod.fileURLToPath(url);
  } catch (e) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: a file: URL needs Node (node:url), which is not available here`, { cause: e });
  }
}

/**
 * Reads model.json and the decoded weights from any source. The caller owns the tensors. Weights that hold NaN
 * or ±Infinity are refused with BAD_WEIGHTS in the caller's name (tensors-ops' checkFiniteWeights).
 */
export async function readModel(source: unknown, options: LoadOptions, where: string): Promise<{ modelJSON: io.ModelJSON; weights: Record<string, Tensor> }> {
  const read = await readUnchecked(source, options, where);
  try {
    checkFiniteWeights(read.weights, where);
  } catch (e) {
    tf.dispose(read.weights);
    throw e;
  }
  return read;
}

/** The weight readers' own finiteness check is off here: readModel checks, naming the loader. */
const UNCHECKED = { allowNonFinite: true } as const;

async function readUnchecked(source: unknown, options: LoadOptions, where: string): Promise<{ modelJSON: io.ModelJSON; weights: Record<string, Tensor> }> {
  checkOptionKeys(options, ['fetch', 'requestInit'], where);
  const urlOptions = { ...UNCHECKED, ...(options.fetch !== undefined ? { fetch: options.fetch } : {}), ...(options.requestInit !== undefined ? { requestInit: options.requestInit } : {}) };
  if (typeof source === 'string') {
    if (source.length === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: source must be a non-empty path or URL, got ""`);
    if (/^(https?|blob|data):/i.test(source) || !isNode) return loadWeightsFromUrl(source, urlOptions);
    if (/^file:/i.test(source)) return loadWeightsFromFiles(await fileUrlToPath(new URL(source), where), UNCHECKED);
    return loadWeightsFromFiles(source, UNCHECKED);
  }
  if (source instanceof URL) {
    if (source.protocol === 'file:' && isNode) return loadWeightsFromFiles(await fileUrlToPath(source, where), UNCHECKED);
    return loadWeightsFromUrl(source.href, urlOptions);
  }
  if (source !== null && typeof source === 'object') {
    const s = source as Partial<EncodedWeights> & io.IOHandler;
    if (s.modelJSON !== undefined) {
      const weights = decodeWeights(s.modelJSON, s.weightData as ArrayBuffer, UNCHECKED);
      return { modelJSON: s.modelJSON, weights };
    }
    if (typeof s.load === 'function') {
      let artifacts: io.ModelArtifacts;
      try {
        artifacts = await s.load();
      } catch (e) {
        if (isGlassboxError(e)) throw e;
        throw new GlassboxError('BAD_WEIGHTS', `${where}: the IOHandler's load() failed (${(e as Error)?.message ?? String(e)})`, { cause: e });
      }
      const { modelJSON, weightData } = fromModelArtifacts(artifacts);
      return { modelJSON, weights: decodeWeights(modelJSON, weightData, UNCHECKED) };
    }
  }
  throw new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: source must be a folder or model.json path, a URL, { modelJSON, weightData } or a tf.io IOHandler with load(), got ${describe(source)}`,
  );
}

/** Encodes the networks' weights, prefixed by network name, with the architecture JSON as modelTopology. */
export async function encodeModel(networks: Record<string, Sequential>, topology: object, format: string): Promise<EncodedWeights> {
  const named: Record<string, Tensor> = {};
  try {
    for (const [net, model] of Object.entries(networks)) {
      const w = model.getWeights();
      for (const [name, t] of Object.entries(w)) named[`${net}/${name}`] = t;
    }
    return await encodeWeights(named, { modelTopology: topology, format });
  } finally {
    tf.dispose(Object.values(named));
  }
}

/** Saves to a folder (Node) or through a tf.io handler. */
export async function saveModel(dest: unknown, networks: Record<string, Sequential>, topology: object, format: string, where: string): Promise<void> {
  if (typeof dest === 'string') {
    if (dest.length === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: dest must be a non-empty folder path, got ""`);
    const named: Record<string, Tensor> = {};
    try {
      for (const [net, model] of Object.entries(networks)) {
        const w = model.getWeights();
        for (const [name, t] of Object.entries(w)) named[`${net}/${name}`] = t;
      }
      await saveWeightsToFiles(dest, named, { modelTopology: topology, format });
    } finally {
      tf.dispose(Object.values(named));
    }
    return;
  }
  if (dest !== null && typeof dest === 'object' && typeof (dest as io.IOHandler).save === 'function') {
    const encoded = await encodeModel(networks, topology, format);
    await (dest as io.IOHandler).save!(toModelArtifacts(encoded));
    return;
  }
  throw new GlassboxError('INVALID_ARGUMENT', `${where}: dest must be a folder path (Node) or a tf.io IOHandler with save(), got ${describe(dest)}`);
}

/** Checks model.json's architecture JSON: an object of the expected format and version; returns its config. */
export function readTopology(modelJSON: io.ModelJSON, format: string, where: string): Record<string, unknown> {
  const t = modelJSON.modelTopology as unknown;
  if (t === null || typeof t !== 'object' || Array.isArray(t)) {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: model.json's modelTopology must be the architecture JSON { format: '${format}', version: 1, config }, got ${describe(t)}`);
  }
  const o = t as { format?: unknown; version?: unknown; config?: unknown };
  if (o.format !== format) {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: model.json's modelTopology.format must be '${format}', got ${describe(o.format)}`);
  }
  if (o.version !== 1) {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: model.json's modelTopology.version must be 1, got ${describe(o.version)}`);
  }
  if (o.config === null || typeof o.config !== 'object' || Array.isArray(o.config)) {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: model.json's modelTopology.config must be an object, got ${describe(o.config)}`);
  }
  return o.config as Record<string, unknown>;
}

/** Any GlassboxError other than BAD_WEIGHTS raised while building from a stored config becomes BAD_WEIGHTS. */
export function asBadWeights(e: unknown, where: string, what: string): unknown {
  if (isGlassboxError(e) && e.code !== 'BAD_WEIGHTS') {
    return new GlassboxError('BAD_WEIGHTS', `${where}: the stored ${what} is not valid: ${e.message}`, { cause: e });
  }
  return e;
}

/**
 * Sets every network's weights from the flat record '<network>/<name>'. Unknown prefixes, missing and
 * misshapen weights are refused (BAD_WEIGHTS) before anything changes.
 */
export function assignWeights(networks: Record<string, Sequential>, weights: Record<string, Tensor>, where: string): void {
  const parts: Record<string, Record<string, Tensor>> = Object.fromEntries(Object.keys(networks).map((n) => [n, {}]));
  for (const [full, t] of Object.entries(weights)) {
    const slash = full.indexOf('/');
    const net = slash < 0 ? '' : full.slice(0, slash);
    if (!(net in parts)) {
      throw new GlassboxError(
        'BAD_WEIGHTS',
        `${where}: unknown weight '${full}'; weight names must start with one of ${Object.keys(networks).map((n) => `'${n}/'`).join(', ')}`,
      );
    }
    parts[net]![full.slice(slash + 1)] = t;
  }
  // Check all before assigning any: a dry run on each network would copy; Sequential.setWeights checks
  // everything of one network before changing it, so check the names and shapes of all networks here first.
  for (const [net, model] of Object.entries(networks)) {
    const given = parts[net]!;
    for (const [name, v] of model.params) {
      const t = given[name];
      if (t === undefined) throw new GlassboxError('BAD_WEIGHTS', `${where}: missing weight '${net}/${name}'`);
      if (t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
        throw new GlassboxError('BAD_WEIGHTS', `${where}: weight '${net}/${name}' must have shape [${v.shape.join(', ')}], got [${t.shape.join(', ')}]`);
      }
    }
  }
  for (const [net, model] of Object.entries(networks)) {
    try {
      model.setWeights(parts[net]!);
    } catch (e) {
      if (isGlassboxError(e)) throw new GlassboxError(e.code, `${where}: network '${net}': ${e.message}`, { cause: e });
      throw e;
    }
  }
}
