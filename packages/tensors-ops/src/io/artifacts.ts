import type { io } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import {
  WEIGHTS_BIN_FILE,
  checkByteLength,
  checkHashes,
  checkHashesAsync,
  checkManifest,
  checkWeightSpecs,
  resolveDecodeOptions,
  toArrayBuffer,
  toWeightSpecs,
  type CheckedManifest,
  type DecodeOptions,
} from './manifest.js';
import { DEFAULT_WEIGHTS_FORMAT, GENERATED_BY, type EncodedWeights } from './encode-weights.js';
import { readWeightFiles, writeWeightFiles } from './files.js';

/** model.json fields carried over between the two representations. */
const CARRIED = ['format', 'generatedBy', 'convertedBy', 'trainingConfig', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const;

/**
 * Turns `{ modelJSON, weightData }` (what `encodeWeights` returns, or a model.json and its bytes) into
 * tf.io ModelArtifacts (`modelTopology`, `weightSpecs`, `weightData`, ...), the object tf.io handlers pass
 * around, e.g. to `tf.io.fromMemory` or `tf.loadLayersModel`. Checks as `decodeWeights` does (the manifest,
 * the byte count, the SHA-256 of each group that gives one), without making tensors.
 *
 * @param encoded `{ modelJSON, weightData }`.
 * @param options `maxElements` (default 50_000_000), `allowNonFinite` (unused here; values are not read).
 * @returns ModelArtifacts sharing the weight bytes.
 * @throws GlassboxError BAD_WEIGHTS for a bad manifest, a byte count or a SHA-256 that does not match.
 *
 * @example
 * ```ts
 * const artifacts = toModelArtifacts(await encodeWeights(weights));
 * const handler = tf.io.fromMemory(artifacts);
 * ```
 */
export function toModelArtifacts(encoded: EncodedWeights, options: DecodeOptions = {}): io.ModelArtifacts {
  const where = 'toModelArtifacts';
  if (encoded === null || typeof encoded !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: encoded must be { modelJSON, weightData }, got ${describe(encoded)}`);
  }
  const { maxElements } = resolveDecodeOptions(options, where);
  const manifest = checkManifest(encoded.modelJSON, where, maxElements);
  return artifactsOf(encoded, manifest, where, false);
}

/** toModelArtifacts after the manifest check; `hashesChecked` when the caller has checked the SHA-256s. */
function artifactsOf(encoded: EncodedWeights, manifest: CheckedManifest, where: string, hashesChecked: boolean): io.ModelArtifacts {
  const weightData = toArrayBuffer(encoded.weightData, where, 'encoded.weightData');
  checkByteLength(manifest, weightData.byteLength, where);
  if (!hashesChecked) checkHashes(manifest, weightData, where);
  const json = encoded.modelJSON as io.ModelJSON & Record<string, unknown>;
  const artifacts: Record<string, unknown> = {
    modelTopology: json.modelTopology ?? {},
    weightSpecs: toWeightSpecs(manifest),
    weightData,
  };
  for (const key of CARRIED) if (json[key] !== undefined) artifacts[key] = json[key];
  return artifacts as io.ModelArtifacts;
}

/**
 * Turns tf.io ModelArtifacts (what a tf.io save handler receives) into `{ modelJSON, weightData }` with a
 * one-group manifest pointing at 'weights.bin', ready to be written as files or decoded. Checks the weight
 * specs and the byte count.
 *
 * @param artifacts ModelArtifacts with `weightSpecs` and `weightData` (an ArrayBuffer or a list of them); a
 *   binary (GraphDef) `modelTopology` is refused.
 * @param options `maxElements` (default 50_000_000).
 * @returns `{ modelJSON, weightData }`.
 * @throws GlassboxError BAD_WEIGHTS for bad specs or a byte count that does not match.
 *
 * @example
 * ```ts
 * const { modelJSON, weightData } = fromModelArtifacts(artifacts);
 * const weights = decodeWeights(modelJSON, weightData);
 * ```
 */
export function fromModelArtifacts(artifacts: io.ModelArtifacts, options: DecodeOptions = {}): EncodedWeights {
  const where = 'fromModelArtifacts';
  if (artifacts === null || typeof artifacts !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: artifacts must be tf.io ModelArtifacts, got ${describe(artifacts)}`);
  }
  const { maxElements } = resolveDecodeOptions(options, where);
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: binary (GraphDef) model topologies are not supported; expected a JSON topology`);
  }
  const manifest = checkWeightSpecs(artifacts.weightSpecs ?? [], where, maxElements);
  const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : toArrayBuffer(artifacts.weightData, where, 'artifacts.weightData');
  checkByteLength(manifest, weightData.byteLength, where);
  const a = artifacts as io.ModelArtifacts & Record<string, unknown>;
  const modelJSON: Record<string, unknown> = {
    modelTopology: (artifacts.modelTopology as object | undefined) ?? {},
    format: artifacts.format ?? DEFAULT_WEIGHTS_FORMAT,
    generatedBy: artifacts.generatedBy ?? GENERATED_BY,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_BIN_FILE], weights: toWeightSpecs(manifest) }],
  };
  for (const key of CARRIED) if (a[key] !== undefined && modelJSON[key] === undefined) modelJSON[key] = a[key];
  return { modelJSON: modelJSON as unknown as io.ModelJSON, weightData };
}

/**
 * A tf.io IOHandler that saves to and loads from a folder in Node (model.json + weights.bin), with the
 * checks of `loadWeightsFromFiles` on load. Use it with anything that speaks tf.io: `model.save(handler)`
 * and `tf.loadLayersModel(handler)` of tfjs-layers, or `handler.load()` + `tf.io.decodeWeights`.
 *
 * @param dir the folder (created on save if needed), or the path of a model.json for loading.
 * @param options `maxElements` (default 50_000_000), checked on load.
 * @returns `{ save, load }`.
 *
 * @example
 * ```ts
 * const handler = fileIOHandler('models/cnn');
 * await handler.save!(artifacts);
 * const loaded = await handler.load!();
 * ```
 */
export function fileIOHandler(dir: string, options: DecodeOptions = {}): io.IOHandler {
  const where = 'fileIOHandler';
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: dir must be a non-empty path string, got ${describe(dir)}`);
  }
  const { maxElements, allowNonFinite } = resolveDecodeOptions(options, where);
  return {
    save: async (artifacts: io.ModelArtifacts): Promise<io.SaveResult> => {
      const { modelJSON, weightData } = fromModelArtifacts(artifacts, { maxElements, allowNonFinite });
      await writeWeightFiles(dir, modelJSON, weightData, `${where}.save`);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(toModelArtifacts({ modelJSON, weightData }, { maxElements })) };
    },
    load: async (): Promise<io.ModelArtifacts> => {
      const raw = await readWeightFiles(dir, maxElements, `${where}.load`);
      await checkHashesAsync(raw.manifest, raw.weightData, `${where}.load`);
      return artifactsOf({ modelJSON: raw.modelJSON, weightData: raw.weightData }, raw.manifest, `${where}.load`, true);
    },
  };
}
