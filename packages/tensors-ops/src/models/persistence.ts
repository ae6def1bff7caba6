/**
 * The one persistence API of the models packages, on top of the two-phase loaders of model-io.ts: `loadModel`
 * reads a model from wherever it is (a folder or model.json path in Node, a URL, bytes in memory, a tf.io
 * handler) and `saveModel` / `encodeModel` write one (a folder in Node, a tf.io handler, memory). A model kind
 * supplies only its planner (model.json -> parameter count and builder) and its weights and topology.
 */
import type { Tensor, io } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  describe,
  encodeWeights,
  isGlassboxError,
  saveWeightsToFiles,
  tf,
  toModelArtifacts,
  type EncodedWeights,
  type SavedFiles,
} from '../index.js';
import { loadDir, loadEncoded, loadUrl, nodeModules, resolveLoadOptions, type LoadOptions, type Planner } from './model-io.js';

/**
 * Where a model is loaded from: a folder or model.json path (Node), a URL (a string with a scheme, or a URL
 * object; file: URLs are read from disk in Node), `{ modelJSON, weightData }` (what `encode`/`save` return),
 * tf.io ModelArtifacts, or a tf.io IOHandler with `load()`.
 */
export type ModelSource = string | URL | EncodedWeights | io.ModelArtifacts | io.IOHandler;

/** Where a model is saved to: a folder (Node) or a tf.io IOHandler with `save()`. */
export type ModelDestination = string | io.IOHandler;

/** What a model hands the savers: its weights by name (a fresh record the saver disposes) and its architecture. */
export interface SaveSpec {
  /** Called once; the saver disposes the tensors it returns. */
  weights: () => Record<string, Tensor>;
  /** Stored as model.json's `modelTopology`: whatever the model kind's planner reads back. */
  modelTopology: object;
  /** model.json's `format` field (optional). */
  format?: string;
}

/** True in Node (not in a browser or a worker). */
function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return p?.versions?.node != null && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

/** A URL string that is fetched even in Node (anything else with no scheme is a path there). */
const FETCHED_SCHEMES = /^(https?|blob|data):/i;

async function loadFileUrl<T>(url: URL, planner: Planner<T>, options: LoadOptions, where: string): Promise<T> {
  const { url: nodeUrl } = await nodeModules(where);
  return loadDir(nodeUrl.fileURLToPath(url), planner, options, where);
}

/**
 * Loads a model from any source (see ModelSource) in the two phases of the loaders: model.json is read and
 * `planner` counts the parameters before any weight is read, the weights are decoded with exactly that many
 * elements allowed, checked finite, and handed to the plan's builder.
 *
 * A string is a path in Node unless it starts with http:, https:, blob: or data: (fetched) or file: (read
 * from disk); outside Node every string is fetched as given (relative to the page).
 *
 * @param options `maxElements` (default 50_000_000), `fetch`, `requestInit` (checked first, whatever the source).
 * @throws GlassboxError INVALID_ARGUMENT for a source of no known kind or bad options; BAD_WEIGHTS for missing,
 *   unreadable or inconsistent files. Nothing leaks.
 */
export async function loadModel<T>(source: unknown, planner: Planner<T>, options: LoadOptions | undefined, where: string): Promise<T> {
  resolveLoadOptions(options, where);
  const o = options ?? {};
  if (typeof source === 'string') {
    if (source.length === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: source must be a non-empty path or URL, got ""`);
    if (FETCHED_SCHEMES.test(source) || !isNode()) return loadUrl(source, planner, o, where);
    if (/^file:/i.test(source)) return loadFileUrl(new URL(source), planner, o, where);
    return loadDir(source, planner, o, where);
  }
  if (source instanceof URL) {
    if (source.protocol === 'file:' && isNode()) return loadFileUrl(source, planner, o, where);
    return loadUrl(source.href, planner, o, where);
  }
  if (source !== null && typeof source === 'object') {
    const s = source as Partial<EncodedWeights> & Partial<io.ModelArtifacts> & io.IOHandler;
    if (s.modelJSON !== undefined || s.weightSpecs !== undefined || s.modelTopology !== undefined) return loadEncoded(s, planner, o, where);
    if (typeof s.load === 'function') {
      let artifacts: io.ModelArtifacts;
      try {
        artifacts = await s.load();
      } catch (e) {
        if (isGlassboxError(e)) throw e;
        throw new GlassboxError('BAD_WEIGHTS', `${where}: the IOHandler's load() failed (${(e as Error)?.message ?? String(e)})`, { cause: e });
      }
      return loadEncoded(artifacts, planner, o, where);
    }
  }
  throw new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: source must be a folder or model.json path, a URL, { modelJSON, weightData } or a tf.io IOHandler with load(), got ${describe(source)}`,
  );
}

/**
 * The model in the TensorFlow.js format, in memory: `{ modelJSON, weightData }` (model.json's object and the
 * bytes of weights.bin). The tensors `spec.weights()` returns are disposed.
 */
export async function encodeModel(spec: SaveSpec): Promise<EncodedWeights> {
  const weights = spec.weights();
  try {
    return await encodeWeights(weights, { modelTopology: spec.modelTopology, ...(spec.format !== undefined ? { format: spec.format } : {}) });
  } finally {
    tf.dispose(weights);
  }
}

/**
 * Saves model.json + weights.bin into a folder (created if needed; Node only). `name` is the argument's name
 * in error messages (default 'dir').
 * @returns the paths written and the weight bytes.
 */
export async function saveModelToDir(dir: unknown, spec: SaveSpec, where: string, name = 'dir'): Promise<SavedFiles> {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a non-empty folder path, got ${describe(dir)}`);
  }
  const weights = spec.weights();
  try {
    return await saveWeightsToFiles(dir, weights, { modelTopology: spec.modelTopology, ...(spec.format !== undefined ? { format: spec.format } : {}) });
  } finally {
    tf.dispose(weights);
  }
}

/**
 * Saves to a folder (a path string; Node) or through a tf.io IOHandler with `save()`. `name` is the argument's
 * name in error messages (default 'dest').
 */
export async function saveModel(dest: unknown, spec: SaveSpec, where: string, name = 'dest'): Promise<void> {
  if (typeof dest === 'string') {
    await saveModelToDir(dest, spec, where, name);
    return;
  }
  if (dest !== null && typeof dest === 'object' && typeof (dest as io.IOHandler).save === 'function') {
    const encoded = await encodeModel(spec);
    await (dest as io.IOHandler).save!(toModelArtifacts(encoded));
    return;
  }
  throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a folder path (Node) or a tf.io IOHandler with save(), got ${describe(dest)}`);
}

/** The file functions of a models package whose models are plain objects (models-classifier, models-ae-vae). */
export interface ModelFiles<M> {
  /**
   * The model in the TensorFlow.js format, in memory: `{ modelJSON, weightData }` (model.json's object, whose
   * `modelTopology` lets `load` rebuild the model, and the bytes of weights.bin). Nothing is written anywhere.
   */
  save(model: M): Promise<EncodedWeights>;
  /**
   * Rebuilds a model from what `save` returned (or tf.io ModelArtifacts): the architecture from modelTopology
   * and its parameters counted first (a manifest claiming more is refused before anything is allocated), then
   * the weights, all checked: a truncated, oversized or mismatched weights file, unknown or missing weights,
   * wrong shapes or non-finite values give BAD_WEIGHTS. `options.maxElements` defaults to 50_000_000.
   */
  load(artifacts: EncodedWeights | object, options?: LoadOptions): M;
  /** Saves model.json + weights.bin into a folder (created if needed). Node only. Returns the paths written. */
  saveToDir(model: M, dir: string): Promise<SavedFiles>;
  /**
   * Loads a model saved with `saveToDir` (the folder, or the path of its model.json). Node only. model.json is
   * checked and the parameters counted before weights.bin is read; the file's size must match the manifest.
   */
  loadFromDir(dir: string, options?: LoadOptions): Promise<M>;
}

/**
 * Makes a package's `save`, `load`, `saveToDir` and `loadFromDir` from its planner and a function that checks
 * a model (naming the function it was passed to) and says what to save.
 */
export function modelFiles<M>(kind: { planner: Planner<M>; saveSpec: (model: unknown, where: string) => SaveSpec }): ModelFiles<M> {
  return {
    save: async (model) => encodeModel(kind.saveSpec(model, 'save')),
    load: (artifacts, options = {}) => loadEncoded(artifacts, kind.planner, options, 'load'),
    saveToDir: async (model, dir) => saveModelToDir(dir, kind.saveSpec(model, 'saveToDir'), 'saveToDir'),
    loadFromDir: (dir, options = {}) => loadDir(dir, kind.planner, options, 'loadFromDir'),
  };
}
