import type { Tensor, io } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { checkOptionKeys, isTensor, optionKeys } from '../contract/validate.js';
import { WEIGHTS_BIN_FILE, checkRelativePath } from './manifest.js';
import { sha256HexAsync } from './hash.js';

/** Options of `encodeWeights` (and of the functions that save). */
export interface EncodeOptions {
  /** Stored as model.json's `modelTopology`, e.g. `Sequential.toJSON()`; must be JSON-serialisable (default {}). */
  modelTopology?: object;
  /** Stored as model.json's `format` (default 'glassbox-weights'; tf.loadLayersModel expects 'layers-model'). */
  format?: string;
  /** Stored as model.json's `userDefinedMetadata` (JSON-serialisable). */
  userDefinedMetadata?: Record<string, object>;
  /** The weights file named in the manifest, relative to model.json (default 'weights.bin'). */
  weightsPath?: string;
}

/** The keys of EncodeOptions. */
export const ENCODE_OPTION_KEYS = optionKeys<EncodeOptions>({ modelTopology: true, format: true, userDefinedMetadata: true, weightsPath: true });

/**
 * A group of model.json's weightsManifest as Glassbox writes it: tf.io's fields plus `sha256`, the SHA-256 of the
 * group's weight bytes (lowercase hex), which the loaders check; other TensorFlow.js loaders ignore it.
 */
export type WeightsGroup = io.WeightsManifestConfig[number] & { sha256?: string };

/** Weights in the TensorFlow.js format: the model.json object and the bytes of weights.bin. */
export interface EncodedWeights {
  modelJSON: io.ModelJSON;
  weightData: ArrayBuffer;
}

/** Named tensors as a Record or a Map. */
export type NamedWeights = Record<string, Tensor> | ReadonlyMap<string, Tensor>;

export const DEFAULT_WEIGHTS_FORMAT = 'glassbox-weights';
export const GENERATED_BY = '@glassbox/tensors-ops';

function checkJSON(value: unknown, name: string, where: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a JSON-serialisable object, got ${describe(value)}`);
  }
  try {
    JSON.stringify(value);
  } catch (e) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be JSON-serialisable (${(e as Error).message})`);
  }
}

/** Checks named tensors for saving; returns them as a list in a stable order. */
export function checkNamedWeights(named: unknown, where: string): { name: string; tensor: Tensor }[] {
  if (named === null || typeof named !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: named must be a record (or Map) of tensors by name, got ${describe(named)}`);
  }
  const entries: [string, unknown][] = named instanceof Map ? [...named.entries()] : Object.entries(named);
  return entries.map(([name, t]) => {
    if (typeof name !== 'string' || name.length === 0) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: weight names must be non-empty strings, got ${describe(name)}`);
    }
    if (!isTensor(t) || (t as Tensor & { isDisposed?: boolean }).isDisposed) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: weight '${name}' must be a live tensor, got ${describe(t)}`);
    }
    if (t.dtype !== 'float32' && t.dtype !== 'int32') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: weight '${name}' must be float32 or int32, got dtype ${t.dtype}`);
    }
    return { name, tensor: t };
  });
}

/** Checks encode options; returns the model.json fields they set. */
export function resolveEncodeOptions(options: unknown, where: string): Required<Pick<EncodeOptions, 'format' | 'weightsPath'>> & EncodeOptions {
  const o = checkOptionKeys<EncodeOptions>(options, ENCODE_OPTION_KEYS, where);
  if (o.modelTopology !== undefined) checkJSON(o.modelTopology, 'options.modelTopology', where);
  if (o.userDefinedMetadata !== undefined) checkJSON(o.userDefinedMetadata, 'options.userDefinedMetadata', where);
  const format = o.format ?? DEFAULT_WEIGHTS_FORMAT;
  if (typeof format !== 'string' || format.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.format must be a non-empty string, got ${describe(format)}`);
  }
  const weightsPath = o.weightsPath ?? WEIGHTS_BIN_FILE;
  if (typeof weightsPath !== 'string' || weightsPath.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.weightsPath must be a non-empty string, got ${describe(weightsPath)}`);
  }
  try {
    checkRelativePath(weightsPath, where);
  } catch {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.weightsPath must be a relative path without '..', got ${describe(weightsPath)}`);
  }
  return { ...o, format, weightsPath };
}

/**
 * Encodes named tensors in the TensorFlow.js weights format: a model.json object whose `weightsManifest`
 * has one group (path 'weights.bin') listing each weight's name, shape and dtype, with `sha256`, the SHA-256 of
 * the weight bytes (checked when loading), and the weights' bytes back to back (little-endian float32 / int32,
 * in the order of `named`). The result loads with
 * `decodeWeights`, `tf.io.decodeWeights`, and (with a Keras topology and format 'layers-model')
 * `tf.loadLayersModel`.
 *
 * Format: https://www.tensorflow.org/js/guide/save_load (model.json + binary weight shards).
 *
 * @param named tensors by name (a record or Map), float32 or int32; not disposed, the caller keeps them.
 * @param options `modelTopology` (object, default {}), `format` (string, default 'glassbox-weights'),
 *   `userDefinedMetadata` (object), `weightsPath` (string, default 'weights.bin').
 * @returns `{ modelJSON, weightData }`.
 * @throws GlassboxError INVALID_ARGUMENT for a non-tensor, a bool/string/complex tensor or bad options.
 *
 * @example
 * ```ts
 * const weights = model.getWeights();
 * const { modelJSON, weightData } = await encodeWeights(weights, { modelTopology: model.toJSON() });
 * tf.dispose(weights);
 * ```
 */
export async function encodeWeights(named: NamedWeights, options: EncodeOptions = {}): Promise<EncodedWeights> {
  const where = 'encodeWeights';
  const list = checkNamedWeights(named, where);
  const o = resolveEncodeOptions(options, where);
  const { data, specs } = await tf.io.encodeWeights(list);
  const group: WeightsGroup = {
    paths: [o.weightsPath],
    sha256: await sha256HexAsync(new Uint8Array(data)),
    weights: specs.map((s) => ({ name: s.name, shape: s.shape.slice(), dtype: s.dtype })),
  };
  const modelJSON: io.ModelJSON = {
    modelTopology: o.modelTopology === undefined ? {} : JSON.parse(JSON.stringify(o.modelTopology)),
    format: o.format,
    generatedBy: GENERATED_BY,
    convertedBy: null,
    weightsManifest: [group],
  };
  if (o.userDefinedMetadata !== undefined) modelJSON.userDefinedMetadata = JSON.parse(JSON.stringify(o.userDefinedMetadata));
  return { modelJSON, weightData: data };
}
