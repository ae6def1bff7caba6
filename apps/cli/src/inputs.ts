/**
 * Input specs: what to explain, as text on the command line.
 *
 *   digits:test:17       one image of the digits test split (split 'train' or 'test'; omitted: test)
 *   digits:test:0-7      a range (both ends included); also lists: digits:train:1,5,9-12
 *   path/to/image.png    a 28x28 PNG: grey, grey+alpha, RGB, RGBA or palette, 1..16 bits; colours are turned
 *                        into grey (ITU-R BT.601 luma), alpha is composited over black; damaged or malformed
 *                        files are refused and the data is inflated no further than 28x28 needs (png.ts)
 *   path/to/input.json   numbers: one image ([28][28], [28][28][1] or 784 flat), several ([N][28][28]...), or a
 *                        latent code (GAN, latent methods); pixels in 0..1 (values above 1 are read as 0..255)
 *   random:SEED          a latent code z ~ N(0, I) drawn from SEED (GAN; the latent methods of an ae or vae)
 *
 * Parsing is pure and cheap; loading reads files and the digits data (lazily imported).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { PngFormatError, PngSizeError, decodePngStrict } from './png.js';
import { usageError } from './errors.js';

export type DigitsSplit = 'train' | 'test';

export type InputSpec =
  | { type: 'digits'; text: string; split: DigitsSplit; indices: number[] }
  | { type: 'png'; text: string; path: string }
  | { type: 'json'; text: string; path: string }
  | { type: 'random'; text: string; seed: number };

/** Images as plain arrays: N grey images of height x width, pixels in 0..1, row-major. */
export interface ImageBatch {
  values: Float32Array;
  n: number;
  height: number;
  width: number;
  /** The true label of each image when known (digits), else null. */
  labels: (number | null)[];
  /** Where each image came from, e.g. 'digits:test:17' or 'seven.png'. */
  sources: string[];
}

/** Numbers read from a JSON input, with the nesting they had. */
export interface JsonNumbers {
  values: Float32Array;
  /** The array's shape (e.g. [28, 28], [784], [100], [2, 28, 28]). */
  shape: number[];
}

const MAX_SEED = 0xffffffff;
/** Largest PNG file read: 16 MiB (a 28x28 PNG takes a few kilobytes). */
const MAX_PNG_BYTES = 16 * 1024 * 1024;

function parseIndexList(text: string, spec: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (m === null) {
      throw usageError(`bad input '${spec}': expected digits:<train|test>:<index>, a range a-b or a list a,b,c (e.g. digits:test:17 or digits:test:0-7)`);
    }
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw usageError(`bad input '${spec}': the range ${a}-${b} is empty (write the smaller index first)`);
    if (b - a > 100_000) throw usageError(`bad input '${spec}': the range ${a}-${b} is too large`);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

/**
 * Parses an input spec (no file is read).
 * @throws CliError (exit 2) naming the spec and the expected forms.
 */
export function parseInputSpec(text: string): InputSpec {
  if (typeof text !== 'string' || text.trim() === '') {
    throw usageError(`bad input '': expected digits:<split>:<index>, a .png or .json file, or random:<seed>`);
  }
  const spec = text.trim();
  if (/^digits(:|$)/i.test(spec)) {
    const parts = spec.split(':');
    let split: string;
    let indices: string;
    if (parts.length === 3) {
      split = parts[1]!.toLowerCase();
      indices = parts[2]!;
    } else if (parts.length === 2) {
      split = 'test';
      indices = parts[1]!;
    } else {
      throw usageError(`bad input '${spec}': expected digits:<train|test>:<index> (e.g. digits:test:17 or digits:test:0-7)`);
    }
    if (split !== 'train' && split !== 'test') throw usageError(`bad input '${spec}': the digits split must be 'train' or 'test', got '${split}'`);
    return { type: 'digits', text: spec, split, indices: parseIndexList(indices, spec) };
  }
  if (/^random(:|$)/i.test(spec)) {
    const seedText = spec.slice('random'.length + 1);
    const seed = seedText === '' ? 0 : Number(seedText);
    if (!/^\d*$/.test(seedText) || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
      throw usageError(`bad input '${spec}': expected random:<seed> with an integer seed in 0..${MAX_SEED}`);
    }
    return { type: 'random', text: spec, seed };
  }
  const ext = extname(spec).toLowerCase();
  if (ext === '.png') return { type: 'png', text: spec, path: spec };
  if (ext === '.json') return { type: 'json', text: spec, path: spec };
  throw usageError(`bad input '${spec}': expected digits:<train|test>:<index>, a path ending in .png or .json, or random:<seed>`);
}

/**
 * Decodes a PNG into grey levels in 0..1 (row-major, height x width). Colour is turned into grey with the
 * BT.601 luma weights (0.299 R + 0.587 G + 0.114 B); alpha is composited over black. Palette images and bit
 * depths 1, 2, 4, 8 and 16 are read. The file is checked first (`decodePngStrict`): a damaged or malformed
 * PNG (bad CRC, truncated, a palette image without PLTE, ...) is refused, and the image data is inflated to
 * no more than the size the header declares.
 * @param expected when given, the size the image must have (checked before any image data is inflated).
 * @throws CliError (exit 2) when the bytes are not a readable PNG, or not of the expected size.
 */
export function decodePngToGray(bytes: Uint8Array, name: string, expected?: { width: number; height: number }): { values: Float32Array; width: number; height: number } {
  let png: ReturnType<typeof decodePngStrict>;
  try {
    png = decodePngStrict(bytes, expected);
  } catch (e) {
    if (e instanceof PngSizeError) {
      throw usageError(`${name} is ${e.width}x${e.height} pixels; expected a ${expected!.width}x${expected!.height} grey or RGB PNG`);
    }
    if (e instanceof PngFormatError) throw usageError(`cannot read ${name}: ${e.message}`);
    throw e;
  }
  const { width, height, depth, data } = png;
  const channels = png.channels;
  const palette = png.palette;
  const rowLength = width * channels;
  const rowBytes = Math.ceil((rowLength * depth) / 8);
  const maxValue = depth === 16 ? 65535 : (1 << depth) - 1;
  const sample = (row: number, k: number): number => {
    if (depth === 8 || depth === 16) return data[row * rowLength + k]!;
    const bit = k * depth;
    const byte = data[row * rowBytes + (bit >> 3)]!;
    return (byte >> (8 - depth - (bit & 7))) & maxValue;
  };
  const needed = depth < 8 ? rowBytes * height : rowLength * height;
  if (width <= 0 || height <= 0 || data.length < needed) {
    throw usageError(`cannot read ${name}: the PNG's pixel data is truncated`);
  }
  const values = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r: number;
      let g: number;
      let b: number;
      let a = 1;
      if (palette !== undefined && channels === 1) {
        const color = palette[sample(y, x)];
        if (color === undefined) throw usageError(`cannot read ${name}: a pixel names a colour missing from the PNG's palette`);
        r = color[0]! / 255;
        g = color[1]! / 255;
        b = color[2]! / 255;
        if (color.length > 3) a = color[3]! / 255;
      } else if (channels === 1 || channels === 2) {
        r = g = b = sample(y, x * channels) / maxValue;
        if (channels === 2) a = sample(y, x * channels + 1) / maxValue;
      } else if (channels === 3 || channels === 4) {
        r = sample(y, x * channels) / maxValue;
        g = sample(y, x * channels + 1) / maxValue;
        b = sample(y, x * channels + 2) / maxValue;
        if (channels === 4) a = sample(y, x * channels + 3) / maxValue;
      } else {
        throw usageError(`cannot read ${name}: unsupported PNG with ${channels} channels`);
      }
      const grey = channels <= 2 && palette === undefined ? r : 0.299 * r + 0.587 * g + 0.114 * b;
      values[y * width + x] = Math.min(1, Math.max(0, grey * a));
    }
  }
  return { values, width, height };
}

/** Reads a PNG file as one grey image of the expected size. */
export async function readPngImage(path: string, height: number, width: number): Promise<Float32Array> {
  let bytes: Uint8Array;
  let size: number;
  try {
    size = (await stat(path)).size;
    if (size <= MAX_PNG_BYTES) bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw usageError(`cannot read ${path}: ${describeFsError(e)}`);
  }
  if (size > MAX_PNG_BYTES) {
    throw usageError(`cannot read ${path}: the file has ${size} bytes; a ${width}x${height} PNG takes far fewer (at most ${MAX_PNG_BYTES} are read)`);
  }
  return decodePngToGray(bytes!, path, { width, height }).values;
}

function describeFsError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err?.code === 'ENOENT') return 'no such file';
  if (err?.code === 'EISDIR') return 'it is a directory';
  if (err?.code === 'EACCES') return 'permission denied';
  return err?.message ?? String(e);
}

/** Reads a JSON file of numbers (nested arrays, or an object with a `values` array). */
export async function readJsonNumbers(path: string): Promise<JsonNumbers> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw usageError(`cannot read ${path}: ${describeFsError(e)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw usageError(`cannot read ${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const o = parsed as { values?: unknown; shape?: unknown };
    if (!Array.isArray(o.values)) throw usageError(`cannot read ${path}: expected an array of numbers (or { "values": [...] })`);
    const flat = flattenNumbers(o.values, path);
    if (Array.isArray(o.shape) && o.shape.every((d) => Number.isInteger(d) && d >= 0) && o.shape.reduce((a: number, b: number) => a * b, 1) === flat.values.length) {
      return { values: flat.values, shape: o.shape as number[] };
    }
    return flat;
  }
  return flattenNumbers(parsed, path);
}

function flattenNumbers(value: unknown, path: string): JsonNumbers {
  if (!Array.isArray(value)) throw usageError(`cannot read ${path}: expected an array of numbers, got ${value === null ? 'null' : typeof value}`);
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  const out: number[] = [];
  const walk = (v: unknown, depth: number, at: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw usageError(`cannot read ${path}: every entry must be a finite number, got ${JSON.stringify(v) ?? String(v)} at ${at}`);
      }
      out.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw usageError(`cannot read ${path}: the arrays are ragged (expected ${shape[depth]} entries at ${at})`);
    }
    v.forEach((x, i) => walk(x, depth + 1, `${at}[${i}]`));
  };
  walk(value, 0, '');
  if (out.length === 0) throw usageError(`cannot read ${path}: the array is empty`);
  return { values: Float32Array.from(out), shape };
}

/** Pixels that look like bytes (any value above 1) are divided by 255. */
function toUnitRange(values: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max > 1) for (let i = 0; i < values.length; i++) values[i] = values[i]! / 255;
  return values;
}

/**
 * Loads the images an input spec names, as grey height x width images in 0..1.
 * @param spec a parsed spec (not 'random').
 * @throws CliError (exit 2): unreadable file, wrong size, digits index out of range, a latent spec.
 */
export async function loadImages(spec: InputSpec, height = 28, width = 28): Promise<ImageBatch> {
  const size = height * width;
  switch (spec.type) {
    case 'digits': {
      if (height !== 28 || width !== 28) throw usageError(`the digits are 28x28 images, but the model takes ${height}x${width} images`);
      const { loadDigitsArrays } = await import('@glassbox/datasets');
      const data = await loadDigitsArrays({ split: spec.split, format: 'float32' });
      const count = data.labels.length;
      const values = new Float32Array(spec.indices.length * size);
      const labels: number[] = [];
      spec.indices.forEach((index, i) => {
        if (index >= count) {
          throw usageError(`digits index ${index} is out of range: the ${spec.split} split has ${count} images (0..${count - 1})`);
        }
        values.set((data.images as Float32Array).subarray(index * size, (index + 1) * size), i * size);
        labels.push(data.labels[index]!);
      });
      return {
        values,
        n: spec.indices.length,
        height,
        width,
        labels,
        sources: spec.indices.map((i) => `digits:${spec.split}:${i}`),
      };
    }
    case 'png': {
      const values = await readPngImage(spec.path, height, width);
      return { values, n: 1, height, width, labels: [null], sources: [spec.path] };
    }
    case 'json': {
      const { values, shape } = await readJsonNumbers(spec.path);
      if (values.length % size !== 0) {
        throw usageError(`${spec.path} holds ${values.length} numbers (shape [${shape.join(', ')}]); expected ${height}x${width} images (${size} numbers each)`);
      }
      const n = values.length / size;
      return {
        values: toUnitRange(values),
        n,
        height,
        width,
        labels: new Array<null>(n).fill(null),
        sources: n === 1 ? [spec.path] : Array.from({ length: n }, (_, i) => `${spec.path}[${i}]`),
      };
    }
    case 'random':
      throw usageError(`input '${spec.text}' is a latent code; it only applies to a GAN (use an image: digits:test:0, a .png or a .json)`);
  }
}

/**
 * Reads a latent code of `dim` numbers from a JSON file ([dim] or [[dim]]).
 * @throws CliError (exit 2) when the file does not hold `dim` finite numbers.
 */
export async function loadLatentJson(path: string, dim: number): Promise<Float32Array> {
  const { values, shape } = await readJsonNumbers(path);
  if (values.length !== dim) {
    throw usageError(`${path} holds ${values.length} numbers (shape [${shape.join(', ')}]); a latent code of this GAN has ${dim}`);
  }
  return values;
}
