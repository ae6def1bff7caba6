/**
 * Weights as files in Node: model.json + weights.bin in a folder. Node's modules are imported when a
 * function runs (not when this module loads), so the package still bundles for browsers.
 */
import type { Tensor, io } from '@tensorflow/tfjs-core';
import { GlassboxError, describe } from '../errors.js';
import {
  MODEL_JSON_FILE,
  badWeights,
  checkByteLength,
  checkHashesAsync,
  checkManifest,
  checkRelativePath,
  decodeChecked,
  resolveDecodeOptions,
  type CheckedManifest,
  type DecodeOptions,
} from './manifest.js';
import { checkNamedWeights, resolveEncodeOptions, type EncodeOptions, type NamedWeights, encodeWeights } from './encode-weights.js';
import { sha256HexAsync } from './hash.js';

type NodeFs = typeof import('node:fs/promises');
type NodePath = typeof import('node:path');

/** Where `saveWeightsToFiles` wrote. */
export interface SavedFiles {
  /** Full path of model.json. */
  modelJSONPath: string;
  /** Full path of the weights file. */
  weightsPath: string;
  /** Bytes written to the weights file. */
  weightBytes: number;
}

/** What the loaders return: the parsed model.json (for its modelTopology) and the tensors by name. */
export interface LoadedWeights {
  modelJSON: io.ModelJSON;
  /** Tensors by weight name; the caller owns them. */
  weights: Record<string, Tensor>;
}

/** Checked, not yet decoded, weights read from somewhere. */
export interface RawWeights {
  modelJSON: io.ModelJSON;
  manifest: CheckedManifest;
  weightData: ArrayBuffer;
}

async function nodeModules(where: string): Promise<{ fs: NodeFs; path: NodePath }> {
  // Specifiers in variables keep bundlers from trying to resolve Node's modules for the browser.
  const fsName = 'node:fs/promises';
  const pathName = 'node:path';
  try {
    const [fs, path] = await Promise.all([import(/* @vite-ignore */ fsName) as Promise<NodeFs>, import(/* @vite-ignore */ pathName) as Promise<NodePath>]);
    return { fs, path };
  } catch (e) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: needs Node's file system (node:fs/promises), which is not available here; in a browser use loadWeightsFromUrl`,
      { cause: e },
    );
  }
}

function checkDir(dir: unknown, where: string, name = 'dir'): string {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a non-empty path string, got ${describe(dir)}`);
  }
  return dir;
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' ? code : (e as Error)?.message ?? String(e);
}

/**
 * Writes model.json and the (single) weights file of an encoded model into `dir` (created if needed); model.json
 * gets the SHA-256 of the weights file when it has none.
 */
export async function writeWeightFiles(dir: string, modelJSON: io.ModelJSON, weightData: ArrayBuffer, where: string): Promise<SavedFiles> {
  const { fs, path } = await nodeModules(where);
  const weightsRel = modelJSON.weightsManifest[0]?.paths[0];
  if (modelJSON.weightsManifest.length !== 1 || modelJSON.weightsManifest[0]!.paths.length !== 1 || weightsRel === undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: can only write a manifest with one group and one path`);
  }
  const modelJSONPath = path.join(dir, MODEL_JSON_FILE);
  const weightsPath = path.join(dir, checkRelativePath(weightsRel, where));
  // Every model.json Glassbox writes carries the SHA-256 of its weights file, so that a corrupt copy is refused.
  const group = modelJSON.weightsManifest[0] as io.WeightsManifestConfig[number] & { sha256?: string };
  if (group.sha256 === undefined) {
    modelJSON = { ...modelJSON, weightsManifest: [{ ...group, sha256: await sha256HexAsync(new Uint8Array(weightData)) } as io.WeightsManifestConfig[number]] };
  }
  try {
    await fs.mkdir(path.dirname(weightsPath), { recursive: true });
    // Weights first: a model.json on disk always has its weights complete next to it.
    await fs.writeFile(weightsPath, new Uint8Array(weightData));
    await fs.writeFile(modelJSONPath, JSON.stringify(modelJSON));
  } catch (e) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: could not write to ${dir} (${errorCode(e)})`, { cause: e });
  }
  return { modelJSONPath, weightsPath, weightBytes: weightData.byteLength };
}

/**
 * Reads and checks model.json and its weight files (from a folder, or from the path of a .json file): the
 * manifest is checked (including maxElements) before any weight file is touched, the files' sizes are
 * checked against the manifest before they are read.
 */
export async function readWeightFiles(dirOrFile: string, maxElements: number, where: string): Promise<RawWeights> {
  const { fs, path } = await nodeModules(where);
  const isFile = dirOrFile.toLowerCase().endsWith('.json');
  const modelPath = isFile ? dirOrFile : path.join(dirOrFile, MODEL_JSON_FILE);
  const baseDir = isFile ? path.dirname(dirOrFile) : dirOrFile;
  let text: string;
  try {
    text = await fs.readFile(modelPath, 'utf8');
  } catch (e) {
    throw badWeights(where, `could not read ${modelPath} (${errorCode(e)})`, e);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw badWeights(where, `${modelPath} is not valid JSON (${(e as Error).message})`, e);
  }
  const manifest = checkManifest(json, where, maxElements);
  const files: string[][] = [];
  for (const [gi, g] of manifest.groups.entries()) {
    const groupFiles = g.paths.map((p) => path.join(baseDir, checkRelativePath(p, where)));
    let bytes = 0;
    for (const f of groupFiles) {
      let size: number;
      try {
        const st = await fs.stat(f);
        if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'not a file' });
        size = st.size;
      } catch (e) {
        throw badWeights(where, `the weight file ${f} listed in weightsManifest[${gi}].paths could not be read (${errorCode(e)})`, e);
      }
      bytes += size;
    }
    checkByteLength(manifest, bytes, where, `the weight file${g.paths.length === 1 ? '' : 's'} of weightsManifest[${gi}] (${g.paths.join(', ')})`, {
      offset: g.byteOffset,
      length: g.byteLength,
    });
    files.push(groupFiles);
  }
  const data = new Uint8Array(manifest.totalBytes);
  let offset = 0;
  for (const f of files.flat()) {
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(f);
    } catch (e) {
      throw badWeights(where, `the weight file ${f} could not be read (${errorCode(e)})`, e);
    }
    if (offset + bytes.byteLength > data.byteLength) {
      throw badWeights(where, `the weight file ${f} grew while it was read; the weight files have more bytes than the manifest describes`);
    }
    data.set(bytes, offset);
    offset += bytes.byteLength;
  }
  checkByteLength(manifest, offset, where, 'the weight files');
  return { modelJSON: json as io.ModelJSON, manifest, weightData: data.buffer };
}

/**
 * Saves named tensors as model.json + weights.bin (the TensorFlow.js format, see `encodeWeights`) into a
 * folder, creating it if needed. Node only.
 *
 * @param dir the folder.
 * @param named tensors by name (record or Map), float32 or int32; the caller keeps them.
 * @param extra `modelTopology` (e.g. `Sequential.toJSON()`), `format`, `userDefinedMetadata`, `weightsPath`
 *   (see `encodeWeights`).
 * @returns the paths written and the number of weight bytes.
 * @throws GlassboxError INVALID_ARGUMENT for bad tensors or options, or when the folder cannot be written.
 *
 * @example
 * ```ts
 * const w = model.getWeights();
 * await saveWeightsToFiles('models/mnist-cnn', w, { modelTopology: model.toJSON() });
 * tf.dispose(w);
 * ```
 */
export async function saveWeightsToFiles(dir: string, named: NamedWeights, extra: EncodeOptions = {}): Promise<SavedFiles> {
  const where = 'saveWeightsToFiles';
  checkDir(dir, where);
  checkNamedWeights(named, where);
  resolveEncodeOptions(extra, where);
  const { modelJSON, weightData } = await encodeWeights(named, extra);
  return writeWeightFiles(dir, modelJSON, weightData, where);
}

/**
 * Loads weights saved in the TensorFlow.js format from a folder (model.json and the files its manifest
 * lists, relative to it) or from the path of a model.json. Node only. Checks as `decodeWeights` does
 * (including the SHA-256 of the weights when model.json gives it), and before reading a weight file: the
 * manifest (with maxElements), the paths (relative, inside the folder) and the files' sizes.
 *
 * @param dir a folder holding model.json, or the path of a .json file.
 * @param options `maxElements` (default 50_000_000), `allowNonFinite` (default false).
 * @returns `{ modelJSON, weights }`; the caller owns the tensors.
 * @throws GlassboxError BAD_WEIGHTS (missing or unreadable files, bad JSON or manifest, sizes or SHA-256 that
 *   do not match); no tensor is left behind.
 *
 * @example
 * ```ts
 * const { modelJSON, weights } = await loadWeightsFromFiles('models/mnist-cnn');
 * const model = Sequential.fromJSON(modelJSON.modelTopology as SequentialJSON);
 * model.setWeights(weights);
 * tf.dispose(weights);
 * ```
 */
export async function loadWeightsFromFiles(dir: string, options: DecodeOptions = {}): Promise<LoadedWeights> {
  const where = 'loadWeightsFromFiles';
  checkDir(dir, where);
  const { maxElements, allowNonFinite } = resolveDecodeOptions(options, where);
  const raw = await readWeightFiles(dir, maxElements, where);
  await checkHashesAsync(raw.manifest, raw.weightData, where);
  return { modelJSON: raw.modelJSON, weights: decodeChecked(raw.manifest, raw.weightData, allowNonFinite, where, true) };
}
