/**
 * Reading a TensorFlow.js model.json and its weight files (internal), wherever they are: a path in Node, a URL
 * (the weight files are fetched beside it), or the files themselves (a map of file name -> bytes, or the File
 * objects a browser hands over when a user drops them). Everything is read and checked before a model is built:
 * the model.json must be a layers or a graph model, every weight file it lists must be there, and each group of
 * files must hold exactly the bytes its weights need, so a missing or short file is named and nothing is built.
 */
import { GlassboxError, describe, tf } from '@glassbox/tensors-ops';
import type { io } from '@tensorflow/tfjs-core';
import { isFilePath, readSourceBytes } from '../images/source.js';

/** File contents as a user may hold them. */
export type FileBytes = Uint8Array | ArrayBuffer | Blob;

/**
 * Where a model.json comes from: its path (Node) or URL, with the weight files beside it; or the files themselves,
 * by name (a record or a Map of file name -> bytes / Blob, or an array of File objects): the model.json is the file
 * named `model.json`, or the only `.json` file; weight files are found by the names in its weightsManifest (their
 * last path segment).
 */
export type ModelSource = string | URL | Record<string, FileBytes> | Map<string, FileBytes> | readonly File[];

/** What readModelFiles found. */
export interface ModelFiles {
  kind: 'layers' | 'graph';
  /** tf.io ModelArtifacts: the topology, the weight specs in order and all weight bytes in one buffer. */
  artifacts: io.ModelArtifacts;
  /** The parsed model.json. */
  json: Record<string, unknown>;
  /** Where it came from, for messages. */
  label: string;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2, int8: 1, int16: 2 };

function bad(where: string, message: string, cause?: unknown): GlassboxError {
  return new GlassboxError('BAD_WEIGHTS', `${where}: ${message}`, cause === undefined ? undefined : { cause });
}

/** The kind of model a parsed model.json describes, or null when it is neither. */
export function modelKindOf(json: Record<string, unknown>): 'layers' | 'graph' | null {
  const topology = json.modelTopology as Record<string, unknown> | null | undefined;
  if (json.format === 'graph-model' || Array.isArray(topology?.node)) return 'graph';
  if (json.format === 'layers-model' || (topology != null && typeof topology === 'object' && ('model_config' in topology || 'class_name' in topology))) return 'layers';
  return null;
}

function lastSegment(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1]!;
}

async function blobBytes(value: FileBytes): Promise<Uint8Array> {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array((value as ArrayBufferView).buffer, (value as ArrayBufferView).byteOffset, (value as ArrayBufferView).byteLength);
  return new Uint8Array(await (value as Blob).arrayBuffer());
}

function isFileBytes(v: unknown): v is FileBytes {
  const BlobCtor = (globalThis as { Blob?: typeof Blob }).Blob;
  return v instanceof Uint8Array || v instanceof ArrayBuffer || ArrayBuffer.isView(v) || (BlobCtor !== undefined && v instanceof BlobCtor);
}

/** A source of files: how to read the model.json and a weight file named in its manifest. */
interface FileReader {
  label: string;
  modelJson(): Promise<Uint8Array>;
  weight(path: string): Promise<Uint8Array>;
}

function readerOf(source: unknown, where: string): FileReader {
  if (typeof source === 'string' || source instanceof URL) {
    const text = String(source);
    if (text.length === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: source must be a model.json path or URL, got an empty string`);
    const local = typeof source === 'string' && isFilePath(text) && !text.startsWith('file:');
    const base = text.replace(/[^/\\]*$/, '');
    return {
      label: JSON.stringify(text),
      modelJson: async () => (await readSourceBytes(text, where, 'source'))!,
      weight: async (path) => {
        const target = local ? base + path : new URL(path, text).href;
        try {
          return (await readSourceBytes(target, where, 'weight file'))!;
        } catch (e) {
          throw bad(where, `the weight file ${JSON.stringify(path)} listed in the model.json cannot be read (${(e as Error).message.replace(/^[^:]*: /, '')})`, e);
        }
      },
    };
  }
  let entries: Array<[string, unknown]> | null = null;
  if (source instanceof Map) entries = [...source.entries()].map(([k, v]) => [String(k), v]);
  else if (Array.isArray(source)) entries = source.map((f) => [String((f as { name?: unknown })?.name ?? ''), f]);
  else if (source !== null && typeof source === 'object' && !isFileBytes(source)) entries = Object.entries(source as Record<string, unknown>);
  if (entries === null) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: source must be a model.json path or URL, or its files (a map of file name -> bytes, or File objects), got ${describe(source)}`,
    );
  }
  const byName = new Map<string, unknown>();
  for (const [name, value] of entries) {
    if (!isFileBytes(value)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: source[${JSON.stringify(name)}] must be the file's bytes (Uint8Array, ArrayBuffer or Blob), got ${describe(value)}`);
    byName.set(lastSegment(name), value);
  }
  const jsons = [...byName.keys()].filter((k) => k.toLowerCase().endsWith('.json'));
  const jsonName = byName.has('model.json') ? 'model.json' : jsons.length === 1 ? jsons[0]! : null;
  if (jsonName === null) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: source must hold the model.json (a file named model.json, or a single .json file), got ${jsons.length === 0 ? 'no .json file' : `${jsons.length} .json files (${jsons.join(', ')})`} among ${[...byName.keys()].join(', ') || 'no files'}`,
    );
  }
  return {
    label: JSON.stringify(jsonName),
    modelJson: () => blobBytes(byName.get(jsonName) as FileBytes),
    weight: async (path) => {
      const v = byName.get(lastSegment(path));
      if (v === undefined) {
        throw bad(where, `the weight file ${JSON.stringify(path)} listed in ${jsonName} is missing from source (it has ${[...byName.keys()].join(', ')})`);
      }
      return blobBytes(v as FileBytes);
    },
  };
}

interface Group {
  paths: string[];
  weights: io.WeightsManifestEntry[];
}

function checkManifest(json: Record<string, unknown>, where: string, label: string): Group[] {
  const manifest = json.weightsManifest;
  if (manifest === undefined) return [];
  if (!Array.isArray(manifest)) throw bad(where, `${label}: weightsManifest must be an array of { paths, weights }, got ${describe(manifest)}`);
  return manifest.map((g, i) => {
    const paths = (g as { paths?: unknown })?.paths;
    const weights = (g as { weights?: unknown })?.weights;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && p.length > 0) || !Array.isArray(weights)) {
      throw bad(where, `${label}: weightsManifest[${i}] must be { paths: string[], weights: [...] }, got ${describe(g)}`);
    }
    for (const [j, w] of weights.entries()) {
      const e = w as { name?: unknown; shape?: unknown; dtype?: unknown };
      if (typeof e?.name !== 'string' || !Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && (d as number) >= 0) || typeof e.dtype !== 'string') {
        throw bad(where, `${label}: weightsManifest[${i}].weights[${j}] must be { name, shape, dtype }, got ${describe(w)}`);
      }
    }
    return { paths: paths as string[], weights: weights as io.WeightsManifestEntry[] };
  });
}

/** Bytes a group's weights need, or null when one is a string tensor (variable length). */
function bytesNeeded(weights: io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const w of weights) {
    const dtype = w.quantization?.dtype ?? w.dtype;
    const per = BYTES[dtype];
    if (per === undefined) return null;
    total += w.shape.reduce((a, b) => a * b, 1) * per;
  }
  return total;
}

/**
 * Reads and checks a model.json and its weight files. `expect` is the kind the caller loads ('layers' or 'graph');
 * another kind is refused with INVALID_ARGUMENT naming the loader to use.
 *
 * @throws GlassboxError INVALID_ARGUMENT (a source of the wrong type, a model.json that cannot be read, the other
 *   kind of model), BAD_WEIGHTS (not JSON, neither a layers nor a graph model, a bad manifest, a weight file
 *   missing, short or too long).
 */
export async function readModelFiles(source: unknown, expect: 'layers' | 'graph', where: string): Promise<ModelFiles> {
  const reader = readerOf(source, where);
  const label = reader.label;
  const text = new TextDecoder().decode(await reader.modelJson());
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw bad(where, `${label} is not a model.json: not valid JSON (${(e as Error).message})`, e);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw bad(where, `${label} is not a model.json: expected a JSON object, got ${describe(json)}`);
  const kind = modelKindOf(json);
  if (kind === null) {
    throw bad(
      where,
      `${label} is neither a TensorFlow.js layers model (format 'layers-model', a Keras modelTopology) nor a graph model (format 'graph-model', modelTopology.node); got format ${describe(json.format)} and modelTopology ${describe(json.modelTopology)}`,
    );
  }
  if (kind !== expect) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${label} is a TensorFlow.js ${kind} model, not a ${expect} model; load it with ${kind === 'graph' ? 'loadGraphModel' : 'loadLayersModel'}`,
    );
  }
  const groups = checkManifest(json, where, label);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const [i, g] of groups.entries()) {
    const files: Uint8Array[] = [];
    for (const p of g.paths) files.push(await reader.weight(p));
    const got = files.reduce((a, f) => a + f.byteLength, 0);
    const need = bytesNeeded(g.weights);
    if (need !== null && got !== need) {
      throw bad(
        where,
        `the weight file${g.paths.length === 1 ? '' : 's'} of weightsManifest[${i}] (${g.paths.join(', ')}) hold${g.paths.length === 1 ? 's' : ''} ${got} bytes, but its ${g.weights.length} weights need ${need} bytes: ${got < need ? 'a file is short (cut off while copying or downloading?)' : 'a file is longer than the manifest says (from another model?)'}`,
      );
    }
    parts.push(...files);
    total += got;
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.byteLength;
  }
  const artifacts: io.ModelArtifacts = {
    modelTopology: json.modelTopology as object,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: data.buffer,
  };
  for (const key of ['format', 'generatedBy', 'convertedBy', 'trainingConfig', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const) {
    if (json[key] !== undefined && json[key] !== null) (artifacts as Record<string, unknown>)[key] = json[key];
  }
  return { kind, artifacts, json, label };
}

/** A tf.io handler serving already-read artifacts (for tfjs-layers' and tfjs-converter's loaders). */
export function memoryHandler(artifacts: io.ModelArtifacts): io.IOHandler {
  return tf.io.fromMemory(artifacts);
}
