/**
 * Loading models saved in the TensorFlow.js format (model.json + weights.bin) in two phases: first the
 * architecture in model.json's modelTopology is checked and its parameters counted (no tensors), then the
 * weights are decoded with `maxElements` set to exactly that count, so a manifest that claims more is refused
 * before anything is allocated; then the model is built and its weights set (names and shapes checked).
 */
import type { Tensor, io } from '@tensorflow/tfjs-core';
import {
  DEFAULT_MAX_ELEMENTS,
  GlassboxError,
  assertNumber,
  decodeWeights,
  describe,
  fromModelArtifacts,
  isGlassboxError,
  loadWeightsFromFiles,
  loadWeightsFromUrl,
  tf,
  checkOptionKeys,
  optionKeys,
  type EncodedWeights,
} from '../index.js';

/**
 * Options of every loader of the models packages (`load`, `loadFromDir`, `loadPretrained`, `GAN.load`, ...): one
 * type and one set of keys, whatever the source. `fetch` and `requestInit` matter only when something is
 * fetched; a loader that reads memory or a folder accepts and ignores them.
 */
export interface LoadOptions {
  /**
   * The most parameters the model may have (integer >= 0; default 50_000_000): checked from model.json before
   * any weight is read or any tensor made.
   */
  maxElements?: number;
  /** The fetch to use for URLs (default globalThis.fetch). */
  fetch?: typeof fetch;
  /** Passed to every fetch call. */
  requestInit?: RequestInit;
}

/** The keys of LoadOptions. */
export const LOAD_OPTION_KEYS = optionKeys<LoadOptions>({ maxElements: true, fetch: true, requestInit: true });

/** @deprecated LoadOptions holds the fetch options now; this is the same type. */
export type UrlLoadOptions = LoadOptions;

/** @deprecated the same keys as LOAD_OPTION_KEYS. */
export const URL_LOAD_OPTION_KEYS = LOAD_OPTION_KEYS;

/** What a model kind's planner returns for a model.json: the exact parameter count and how to build. */
export interface LoadPlan<T> {
  /** Parameters the model has (all its weights' elements). */
  elements: number;
  /** Builds the model and sets its weights (checking names and shapes); does not dispose `weights`. */
  build(weights: Record<string, Tensor>): T;
}

export type Planner<T> = (modelJSON: unknown, where: string) => LoadPlan<T>;

export function badWeights(where: string, message: string, cause?: unknown): GlassboxError {
  return new GlassboxError('BAD_WEIGHTS', `${where}: ${message}`, cause === undefined ? undefined : { cause });
}

/**
 * Runs `fn`, turning argument errors into BAD_WEIGHTS (a bad topology is a bad model file); `fn` should name
 * what it checks in its messages (e.g. 'modelTopology: options.latentDim must be ...').
 */
export function asBadWeights<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isGlassboxError(e, 'BAD_WEIGHTS')) throw e;
    if (isGlassboxError(e)) throw badWeights(where, (e as Error).message, e);
    throw e;
  }
}

/** The modelTopology object of a model.json, or BAD_WEIGHTS. */
export function topologyOf(modelJSON: unknown, where: string): Record<string, unknown> {
  if (modelJSON === null || typeof modelJSON !== 'object' || Array.isArray(modelJSON)) {
    throw badWeights(where, `model.json must be an object, got ${describe(modelJSON)}`);
  }
  const t = (modelJSON as { modelTopology?: unknown }).modelTopology;
  if (t === null || typeof t !== 'object' || Array.isArray(t)) {
    throw badWeights(where, `model.json must have a modelTopology object describing the model, got ${describe(t)}`);
  }
  return t as Record<string, unknown>;
}

export function resolveLoadOptions(options: unknown, where: string, allowed: readonly string[] = LOAD_OPTION_KEYS): { maxElements: number } {
  const o = checkOptionKeys<LoadOptions>(options, allowed, where);
  const maxElements = o.maxElements === undefined ? DEFAULT_MAX_ELEMENTS : assertNumber(o.maxElements, 'options.maxElements', where, { integer: true, min: 0 });
  return { maxElements };
}

function planWithin<T>(planner: Planner<T>, modelJSON: unknown, maxElements: number, where: string): LoadPlan<T> {
  const plan = planner(modelJSON, where);
  if (plan.elements > maxElements) {
    throw badWeights(where, `model.json describes a model with ${plan.elements} parameters, more than options.maxElements (${maxElements})`);
  }
  return plan;
}

/**
 * Refuses model weights that hold NaN or ±Infinity, with BAD_WEIGHTS naming the weight and the first bad
 * index: a model cannot run on them (its outputs would not be finite). The loaders of the models packages read
 * their files with the weight readers' own finiteness check off and call this instead, so that the message
 * names the loader the user called and suggests no option the loader does not have; the weight readers
 * (`decodeWeights`, `loadWeightsFromFiles`, `loadWeightsFromUrl`) read such files with `allowNonFinite: true`.
 */
export function checkFiniteWeights(weights: Record<string, Tensor>, where: string): void {
  for (const [name, t] of Object.entries(weights)) {
    if (t.dtype !== 'float32') continue;
    const values = t.dataSync();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) {
        throw badWeights(
          where,
          `weight '${name}' must hold finite values, got ${describe(values[i])} at flat index ${i}; a model cannot run on non-finite weights ` +
            `(to look at the file's values, read it with decodeWeights or loadWeightsFromFiles and allowNonFinite: true)`,
        );
      }
    }
  }
}

/** Reads weights without the readers' finiteness check (checkFiniteWeights does it, with the loader's name). */
const UNCHECKED = { allowNonFinite: true } as const;

function buildAndDispose<T>(plan: LoadPlan<T>, weights: Record<string, Tensor>, where: string): T {
  try {
    checkFiniteWeights(weights, where);
    return plan.build(weights);
  } finally {
    tf.dispose(weights);
  }
}

/** Accepts `{ modelJSON, weightData }` (what `save` returns) or tf.io ModelArtifacts (`weightSpecs` + `weightData`). */
export function toEncoded(artifacts: unknown, where: string): EncodedWeights {
  if (artifacts === null || typeof artifacts !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: artifacts must be { modelJSON, weightData } (what save returns) or tf.io ModelArtifacts, got ${describe(artifacts)}`);
  }
  const a = artifacts as Partial<EncodedWeights> & Partial<io.ModelArtifacts>;
  if (a.modelJSON !== undefined) {
    if (a.weightData === undefined) throw badWeights(where, 'artifacts.weightData is missing');
    return { modelJSON: a.modelJSON, weightData: a.weightData as ArrayBuffer };
  }
  if (a.weightSpecs !== undefined || a.modelTopology !== undefined) {
    return fromModelArtifacts(a as io.ModelArtifacts);
  }
  throw new GlassboxError('INVALID_ARGUMENT', `${where}: artifacts must have modelJSON and weightData (what save returns) or weightSpecs and weightData (tf.io ModelArtifacts)`);
}

/** load(artifacts): plan, decode with the exact element count, build. */
export function loadEncoded<T>(artifacts: unknown, planner: Planner<T>, options: LoadOptions, where: string): T {
  const { maxElements } = resolveLoadOptions(options, where);
  const encoded = toEncoded(artifacts, where);
  const plan = planWithin(planner, encoded.modelJSON, maxElements, where);
  const weights = decodeWeights(encoded.modelJSON, encoded.weightData, { maxElements: plan.elements, ...UNCHECKED });
  return buildAndDispose(plan, weights, where);
}

type NodeFs = typeof import('node:fs/promises');
type NodePath = typeof import('node:path');
type NodeUrl = typeof import('node:url');

/** Node's modules, imported when needed (specifiers in variables keep bundlers from resolving them). */
export async function nodeModules(where: string): Promise<{ fs: NodeFs; path: NodePath; url: NodeUrl }> {
  const names = ['node:fs/promises', 'node:path', 'node:url'];
  try {
    const [fs, path, url] = await Promise.all(names.map((n) => import(/* @vite-ignore */ n)));
    return { fs: fs as NodeFs, path: path as NodePath, url: url as NodeUrl };
  } catch (e) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: needs Node's file system, which is not available here; in a browser load from a URL`, { cause: e });
  }
}

/** The most bytes a model.json may have (it holds the architecture and the manifest, not the weights). */
const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;

/** loadFromDir: reads model.json, plans, reads the weights with the exact element count, builds. */
export async function loadDir<T>(dir: unknown, planner: Planner<T>, options: LoadOptions, where: string): Promise<T> {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: dir must be a non-empty path string, got ${describe(dir)}`);
  }
  const { maxElements } = resolveLoadOptions(options, where);
  const { fs, path } = await nodeModules(where);
  const modelPath = dir.toLowerCase().endsWith('.json') ? dir : path.join(dir, 'model.json');
  let text: string;
  try {
    const st = await fs.stat(modelPath);
    if (st.size > MAX_MODEL_JSON_BYTES) throw badWeights(where, `${modelPath} has ${st.size} bytes, more than a model.json may have (${MAX_MODEL_JSON_BYTES})`);
    text = await fs.readFile(modelPath, 'utf8');
  } catch (e) {
    if (isGlassboxError(e)) throw e;
    throw badWeights(where, `could not read ${modelPath} (${(e as { code?: string }).code ?? (e as Error).message})`, e);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw badWeights(where, `${modelPath} is not valid JSON (${(e as Error).message})`, e);
  }
  const plan = planWithin(planner, json, maxElements, where);
  const { weights } = await loadWeightsFromFiles(modelPath, { maxElements: plan.elements, ...UNCHECKED });
  return buildAndDispose(plan, weights, where);
}

/**
 * loadFromUrl: fetches model.json once, plans, then fetches the weights with the exact element count.
 * `weightsUrl` (for bundled assets) replaces the URL the manifest's 'weights.bin' resolves to.
 */
export async function loadUrl<T>(url: string, planner: Planner<T>, options: LoadOptions, where: string, weightsUrl?: string): Promise<T> {
  const { maxElements } = resolveLoadOptions(options, where);
  const fetchFn = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (typeof fetchFn !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.fetch must be a function (no global fetch here), got ${describe(fetchFn)}`);
  }
  let res: Response;
  try {
    res = await fetchFn(url, options.requestInit);
  } catch (e) {
    throw badWeights(where, `could not fetch ${url} (${(e as Error)?.message ?? String(e)})`, e);
  }
  if (!res.ok) throw badWeights(where, `fetching ${url} failed with HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_MODEL_JSON_BYTES) throw badWeights(where, `${url} has more characters than a model.json may have (${MAX_MODEL_JSON_BYTES})`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw badWeights(where, `${url} is not valid JSON (${(e as Error).message})`, e);
  }
  const plan = planWithin(planner, json, maxElements, where);
  let defaultWeights: string | undefined;
  try {
    defaultWeights = new URL('weights.bin', url).href;
  } catch {
    defaultWeights = undefined;
  }
  // Serve model.json from what was fetched; send 'weights.bin' to weightsUrl when given. A bundler may inline a
  // small model.json as a data: URL, against which 'weights.bin' does not resolve (the weight loader then asks for
  // 'data:<type>/weights.bin'): any request for a 'weights.bin' goes to weightsUrl too.
  const wrapped = ((input: string, init?: RequestInit) => {
    if (input === url) return Promise.resolve(new Response(text, { status: 200, headers: { 'content-type': 'application/json' } }));
    if (weightsUrl !== undefined && (input === defaultWeights || /[/:]weights\.bin$/.test(input))) return fetchFn(weightsUrl, init);
    return fetchFn(input, init);
  }) as typeof fetch;
  const { weights } = await loadWeightsFromUrl(url, { maxElements: plan.elements, ...UNCHECKED, fetch: wrapped, requestInit: options.requestInit });
  return buildAndDispose(plan, weights, where);
}
