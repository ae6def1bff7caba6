/**
 * Checks of the TensorFlow.js weights format (model.json with a `weightsManifest`, plus binary weight data)
 * that run before any tensor is made: every entry has a name, a shape of non-negative integers and a dtype
 * Glassbox reads (float32, int32), the sizes stay under a limit, the bytes add up exactly, and they have the
 * SHA-256 a group gives in its `sha256` entry (a Glassbox addition to the format, ignored by other loaders:
 * the digest of the group's files concatenated in the order of `paths`, for one file what `sha256sum` prints).
 */
import type { Tensor, io } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../contract/validate.js';
import { isSha256Hex, sha256Hex, sha256HexAsync } from './hash.js';

/** The most elements all weights together may have unless `maxElements` says otherwise (200 MB of float32). */
export const DEFAULT_MAX_ELEMENTS = 50_000_000;
/** File names of the TensorFlow.js format as Glassbox writes it. */
export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_BIN_FILE = 'weights.bin';

/** The dtypes Glassbox reads and writes. */
export type WeightDType = 'float32' | 'int32';
export const WEIGHT_DTYPES: readonly WeightDType[] = ['float32', 'int32'];

/** Options shared by everything that decodes weights. */
export interface DecodeOptions {
  /**
   * The most elements all weights together may have, checked from the manifest before anything is
   * allocated or read (integer >= 0; default 50_000_000).
   */
  maxElements?: number;
  /** Accept NaN and infinite float32 values (default false: they are refused with BAD_WEIGHTS). */
  allowNonFinite?: boolean;
}

/** The keys of DecodeOptions. */
export const DECODE_OPTION_KEYS = optionKeys<DecodeOptions>({ maxElements: true, allowNonFinite: true });

/** One checked manifest entry with its place in the weight data. */
export interface CheckedWeightEntry {
  name: string;
  shape: number[];
  dtype: WeightDType;
  size: number;
  byteOffset: number;
  byteLength: number;
  group: number;
}

/** One checked group: its file paths and the bytes its weights take. */
export interface CheckedGroup {
  paths: string[];
  byteOffset: number;
  byteLength: number;
  entries: CheckedWeightEntry[];
  /** The SHA-256 of the group's bytes (lowercase hex) when model.json gives one. */
  sha256?: string;
}

export interface CheckedManifest {
  groups: CheckedGroup[];
  entries: CheckedWeightEntry[];
  totalBytes: number;
  totalElements: number;
}

function bad(where: string, message: string, cause?: unknown): GlassboxError {
  return new GlassboxError('BAD_WEIGHTS', `${where}: ${message}`, cause === undefined ? undefined : { cause });
}

export { bad as badWeights };

export function resolveDecodeOptions(
  options: unknown,
  where: string,
  allowed: readonly string[] = DECODE_OPTION_KEYS,
): { maxElements: number; allowNonFinite: boolean } {
  const o = checkOptionKeys<DecodeOptions>(options, allowed, where);
  const maxElements = o.maxElements ?? DEFAULT_MAX_ELEMENTS;
  if (typeof maxElements !== 'number' || !Number.isSafeInteger(maxElements) || maxElements < 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.maxElements must be an integer >= 0, got ${describe(maxElements)}`);
  }
  const allowNonFinite = o.allowNonFinite ?? false;
  if (typeof allowNonFinite !== 'boolean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.allowNonFinite must be a boolean, got ${describe(allowNonFinite)}`);
  }
  return { maxElements, allowNonFinite };
}

/**
 * Checks a list of manifest entries (e.g. `ModelArtifacts.weightSpecs`, or one group's `weights`), adding
 * to `state`. Entries are laid out back to back in the order given.
 */
function checkEntries(
  weights: unknown,
  label: string,
  group: number,
  state: { names: Set<string>; entries: CheckedWeightEntry[]; offset: number; elements: number },
  maxElements: number,
  where: string,
): CheckedWeightEntry[] {
  if (!Array.isArray(weights)) throw bad(where, `${label} must be an array of weight entries, got ${describe(weights)}`);
  const out: CheckedWeightEntry[] = [];
  weights.forEach((w: unknown, i: number) => {
    const at = `${label}[${i}]`;
    if (w === null || typeof w !== 'object' || Array.isArray(w)) {
      throw bad(where, `${at} must be an object { name, shape, dtype }, got ${describe(w)}`);
    }
    const e = w as { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: unknown };
    if (typeof e.name !== 'string' || e.name.length === 0) {
      throw bad(where, `${at}.name must be a non-empty string, got ${describe(e.name)}`);
    }
    const name = e.name;
    if (state.names.has(name)) throw bad(where, `weight '${name}' (${at}) appears more than once in the manifest`);
    if (e.quantization !== undefined) {
      throw bad(where, `weight '${name}' is quantized (${describe(e.quantization)}); only unquantized float32 and int32 weights are supported`);
    }
    if (typeof e.dtype !== 'string' || !(WEIGHT_DTYPES as readonly string[]).includes(e.dtype)) {
      throw bad(where, `weight '${name}' must have dtype 'float32' or 'int32', got ${describe(e.dtype)}`);
    }
    if (!Array.isArray(e.shape)) throw bad(where, `weight '${name}' must have a shape (an array of integers >= 0), got ${describe(e.shape)}`);
    let size = 1;
    e.shape.forEach((d: unknown, k: number) => {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
        throw bad(where, `weight '${name}' has shape ${describe(e.shape)}: dimension ${k} must be an integer >= 0, got ${describe(d)}`);
      }
      size *= d;
      if (size > maxElements) {
        throw bad(
          where,
          `weight '${name}' of shape [${(e.shape as number[]).join(', ')}] has more than maxElements = ${maxElements} elements; ` +
            `pass a larger options.maxElements if the file is trusted`,
        );
      }
    });
    if (state.elements + size > maxElements) {
      throw bad(
        where,
        `the weights up to '${name}' have ${state.elements + size} elements in total, more than maxElements = ${maxElements}; ` +
          `pass a larger options.maxElements if the file is trusted`,
      );
    }
    state.elements += size;
    state.names.add(name);
    const byteLength = size * 4;
    const entry: CheckedWeightEntry = {
      name,
      shape: (e.shape as number[]).slice(),
      dtype: e.dtype as WeightDType,
      size,
      byteOffset: state.offset,
      byteLength,
      group,
    };
    state.offset += byteLength;
    out.push(entry);
    state.entries.push(entry);
  });
  return out;
}

/** Checks a model.json's `weightsManifest` (all groups; their data is concatenated in order). */
export function checkManifest(modelJSON: unknown, where: string, maxElements: number): CheckedManifest {
  if (modelJSON === null || typeof modelJSON !== 'object' || Array.isArray(modelJSON)) {
    throw bad(where, `modelJSON must be an object with a weightsManifest, got ${describe(modelJSON)}`);
  }
  const manifest = (modelJSON as { weightsManifest?: unknown }).weightsManifest;
  if (!Array.isArray(manifest)) {
    throw bad(where, `modelJSON.weightsManifest must be an array of groups { paths, weights }, got ${describe(manifest)}`);
  }
  const state = { names: new Set<string>(), entries: [] as CheckedWeightEntry[], offset: 0, elements: 0 };
  const groups: CheckedGroup[] = [];
  manifest.forEach((g: unknown, gi: number) => {
    const label = `weightsManifest[${gi}]`;
    if (g === null || typeof g !== 'object' || Array.isArray(g)) {
      throw bad(where, `${label} must be an object { paths, weights }, got ${describe(g)}`);
    }
    const group = g as { paths?: unknown; weights?: unknown; sha256?: unknown };
    if (!Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string' && p.length > 0)) {
      throw bad(where, `${label}.paths must be an array of non-empty strings, got ${describe(group.paths)}`);
    }
    if (group.sha256 !== undefined && !isSha256Hex(group.sha256)) {
      throw bad(where, `${label}.sha256 must be a SHA-256 digest (64 hexadecimal digits), got ${describe(group.sha256)}`);
    }
    const byteOffset = state.offset;
    const entries = checkEntries(group.weights, `${label}.weights`, gi, state, maxElements, where);
    const checked: CheckedGroup = { paths: (group.paths as string[]).slice(), byteOffset, byteLength: state.offset - byteOffset, entries };
    if (group.sha256 !== undefined) checked.sha256 = (group.sha256 as string).toLowerCase();
    groups.push(checked);
  });
  return { groups, entries: state.entries, totalBytes: state.offset, totalElements: state.elements };
}

/** Checks a flat list of weight specs (as in `ModelArtifacts.weightSpecs`). */
export function checkWeightSpecs(specs: unknown, where: string, maxElements: number, label = 'weightSpecs'): CheckedManifest {
  const state = { names: new Set<string>(), entries: [] as CheckedWeightEntry[], offset: 0, elements: 0 };
  const entries = checkEntries(specs, label, 0, state, maxElements, where);
  return {
    groups: [{ paths: [WEIGHTS_BIN_FILE], byteOffset: 0, byteLength: state.offset, entries }],
    entries,
    totalBytes: state.offset,
    totalElements: state.elements,
  };
}

/**
 * Weight data as one ArrayBuffer: an ArrayBuffer as is, a view (Uint8Array, Node Buffer) or a list of
 * ArrayBuffers copied into a new one.
 * @throws GlassboxError INVALID_ARGUMENT for anything else.
 */
export function toArrayBuffer(data: unknown, where: string, name = 'weightData'): ArrayBuffer {
  if (data instanceof ArrayBuffer) return data;
  if (ArrayBuffer.isView(data)) {
    const out = new ArrayBuffer(data.byteLength);
    new Uint8Array(out).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return out;
  }
  if (Array.isArray(data) && data.every((d) => d instanceof ArrayBuffer)) {
    const total = (data as ArrayBuffer[]).reduce((a, b) => a + b.byteLength, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const b of data as ArrayBuffer[]) {
      out.set(new Uint8Array(b), offset);
      offset += b.byteLength;
    }
    return out.buffer;
  }
  throw new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: ${name} must be an ArrayBuffer, a typed array / Buffer or an array of ArrayBuffers, got ${describe(data)}`,
  );
}

/** Describes the weights a byte range [start, end) belongs to, for messages. */
function weightsIn(manifest: CheckedManifest, start: number, end: number): string {
  const names = manifest.entries.filter((e) => e.byteOffset < end && e.byteOffset + e.byteLength > start).map((e) => `'${e.name}'`);
  return names.length === 0 ? 'no weights' : names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
}

/**
 * Checks that `byteLength` bytes are exactly what the manifest (or one group of it) describes.
 * @throws GlassboxError BAD_WEIGHTS saying which weight is cut short or how many bytes are extra.
 */
export function checkByteLength(
  manifest: CheckedManifest,
  byteLength: number,
  where: string,
  what = 'weightData',
  range: { offset: number; length: number } = { offset: 0, length: manifest.totalBytes },
): void {
  if (byteLength === range.length) return;
  if (byteLength < range.length) {
    const end = range.offset + byteLength;
    const cut = manifest.entries.find((e) => e.byteOffset + e.byteLength > end && e.byteLength > 0)!;
    throw bad(
      where,
      `${what} is truncated: it has ${byteLength} bytes, but the manifest describes ${range.length} bytes; ` +
        `weight '${cut.name}' (${cut.dtype} [${cut.shape.join(', ')}]) needs bytes ${cut.byteOffset - range.offset}..${cut.byteOffset - range.offset + cut.byteLength} ` +
        `(the weights cut short: ${weightsIn(manifest, end, range.offset + range.length)})`,
    );
  }
  throw bad(
    where,
    `${what} has ${byteLength} bytes, but the manifest describes ${range.length} bytes (${byteLength - range.length} extra bytes after the last weight); ` +
      `the manifest and the data do not belong together`,
  );
}

function groupBytes(group: CheckedGroup, buffer: ArrayBuffer): Uint8Array {
  return new Uint8Array(buffer, group.byteOffset, group.byteLength);
}

function hashMismatch(group: CheckedGroup, index: number, actual: string, where: string): GlassboxError {
  const files = group.paths.join(', ');
  return bad(
    where,
    `the bytes of weightsManifest[${index}] (${files}) do not match the SHA-256 that model.json gives for them: expected ` +
      `${group.sha256}, got ${actual}. The weight file${group.paths.length === 1 ? ' is' : 's are'} corrupt or belong${group.paths.length === 1 ? 's' : ''} ` +
      `to another model.json; restore the file${group.paths.length === 1 ? '' : 's'} (a model.json without 'sha256' is loaded unchecked)`,
  );
}

/**
 * Checks every group that carries a `sha256` against the SHA-256 of its bytes (the group's files concatenated in
 * the order of its paths). Synchronous (@noble/hashes); call after checkByteLength.
 * @throws GlassboxError BAD_WEIGHTS naming the group, its files and both digests.
 */
export function checkHashes(manifest: CheckedManifest, buffer: ArrayBuffer, where: string): void {
  manifest.groups.forEach((g, i) => {
    if (g.sha256 === undefined) return;
    const actual = sha256Hex(groupBytes(g, buffer));
    if (actual !== g.sha256) throw hashMismatch(g, i, actual, where);
  });
}

/** checkHashes with WebCrypto where the platform has it (faster for large weights). */
export async function checkHashesAsync(manifest: CheckedManifest, buffer: ArrayBuffer, where: string): Promise<void> {
  for (const [i, g] of manifest.groups.entries()) {
    if (g.sha256 === undefined) continue;
    const actual = await sha256HexAsync(groupBytes(g, buffer));
    if (actual !== g.sha256) throw hashMismatch(g, i, actual, where);
  }
}

/** Checks that float32 weights hold finite values (reads the buffer; makes no tensors). */
export function checkFinite(manifest: CheckedManifest, buffer: ArrayBuffer, where: string): void {
  for (const e of manifest.entries) {
    if (e.dtype !== 'float32') continue;
    const values = new Float32Array(buffer, e.byteOffset, e.size);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) {
        throw bad(where, `weight '${e.name}' must hold finite values, got ${describe(values[i])} at flat index ${i} (pass allowNonFinite: true to accept it)`);
      }
    }
  }
}

/** The manifest entries as tf.io weight specs. */
export function toWeightSpecs(manifest: CheckedManifest): io.WeightsManifestEntry[] {
  return manifest.entries.map((e) => ({ name: e.name, shape: e.shape.slice(), dtype: e.dtype }));
}

/**
 * Makes the tensors of checked weights (after checking the byte count, the SHA-256 of each group that has one,
 * unless `hashesChecked` says the caller did, and finiteness); on any failure no tensor is left behind.
 */
export function decodeChecked(
  manifest: CheckedManifest,
  buffer: ArrayBuffer,
  allowNonFinite: boolean,
  where: string,
  hashesChecked = false,
): Record<string, Tensor> {
  checkByteLength(manifest, buffer.byteLength, where);
  if (!hashesChecked) checkHashes(manifest, buffer, where);
  if (!allowNonFinite) checkFinite(manifest, buffer, where);
  try {
    return tf.tidy(() => tf.io.decodeWeights(buffer, toWeightSpecs(manifest))) as Record<string, Tensor>;
  } catch (e) {
    throw bad(where, `the weights could not be decoded (${(e as Error).message})`, e);
  }
}

/**
 * Checks a path of a weightsManifest group: relative, '/'-separated, no '..' segment, no scheme, so that a
 * model.json cannot make a loader read outside its folder.
 */
export function checkRelativePath(path: string, where: string): string {
  const segments = path.split('/');
  if (
    path.startsWith('/') ||
    path.includes('\\') ||
    /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) ||
    segments.some((s) => s === '..') ||
    path.includes('\0')
  ) {
    throw bad(where, `weight path ${describe(path)} must be relative to model.json, with no '..', no leading '/', no scheme and no backslash`);
  }
  return path;
}
