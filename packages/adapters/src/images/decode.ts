import { GlassboxError, checkOptionKeys, describe, optionKeys } from '@glassbox/tensors-ops';
import { convertIndexedToRgb, decode as decodePngLib, type DecodedPng } from 'fast-png';
import jpeg from 'jpeg-js';
import type { Pixels } from './pixels.js';

/** The encodings the pure-JS decoders read. */
export type ImageFormat = 'png' | 'jpeg';

/** An RGB colour, 0..255 per channel. */
export type RGB = readonly [r: number, g: number, b: number];

export interface DecodeImageOptions {
  /**
   * The colour transparent pixels are composited on (alpha blending, out = a * colour + (1 - a) * background,
   * a = alpha / max alpha), RGB 0..255; default white `[255, 255, 255]`. The alpha channel is then dropped.
   */
  background?: RGB;
  /**
   * Which decoder runs: `'auto'` (default) uses the browser's canvas (createImageBitmap + OffscreenCanvas)
   * where both exist, the pure-JS decoders (fast-png, jpeg-js) elsewhere (Node); `'js'` always the pure-JS
   * ones; `'canvas'` always the canvas (INVALID_ARGUMENT where there is none).
   */
  decoder?: 'auto' | 'js' | 'canvas';
}

/** The keys of DecodeImageOptions. */
export const DECODE_IMAGE_OPTION_KEYS = optionKeys<DecodeImageOptions>({ background: true, decoder: true });
/** The keys `decodeImageSync` takes (no decoder choice: it is always the pure-JS one). */
const SYNC_KEYS = ['background'] as const;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The format of encoded image bytes, read from their first bytes (the PNG signature, or a JPEG's start-of-image
 * marker FF D8 FF); undefined for anything else.
 *
 * @example
 * ```ts
 * imageFormat(readFileSync('photo.jpg')); // 'jpeg'
 * ```
 */
export function imageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Names a few other formats by their magic bytes, for a helpful message. */
function otherFormat(bytes: Uint8Array): string | undefined {
  const ascii = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (ascii(0, 4) === 'GIF8') return 'a GIF';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'a WebP';
  if (ascii(0, 2) === 'BM') return 'a BMP';
  if (ascii(4, 8) === 'ftyp') return 'an HEIC/AVIF (ISO media)';
  if ((bytes[0] === 0x49 && bytes[1] === 0x49) || (bytes[0] === 0x4d && bytes[1] === 0x4d)) return 'a TIFF';
  if (ascii(0, 5).trimStart().startsWith('<')) return 'text (HTML or SVG?)';
  return undefined;
}

/** Internal: bytes as a Uint8Array (a Buffer, a Uint8Array or an ArrayBuffer), not empty. */
export function toBytes(value: unknown, name: string, where: string): Uint8Array {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) bytes = value;
  else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
  else if (ArrayBuffer.isView(value)) bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  else throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a Uint8Array (or an ArrayBuffer) of PNG or JPEG bytes, got ${describe(value)}`);
  if (bytes.length === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} is empty (0 bytes), expected the bytes of a PNG or JPEG file`);
  return bytes;
}

function checkBackground(value: unknown, where: string): RGB {
  if (value === undefined) return [255, 255, 255];
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 255)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.background must be [r, g, b] with values in 0..255, got ${describe(value)}`);
  }
  return value as unknown as RGB;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function notAnImage(bytes: Uint8Array, name: string, where: string): GlassboxError {
  const other = otherFormat(bytes);
  return new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: ${name} is neither a PNG nor a JPEG (${other !== undefined ? `it looks like ${other}` : `it starts with ${hex(bytes)}`}); ` +
      `convert the image to PNG or JPEG first`,
  );
}

function corrupt(format: ImageFormat, name: string, where: string, detail: string, cause?: unknown): GlassboxError {
  return new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: ${name} could not be decoded as a ${format.toUpperCase()} (truncated or corrupt file?): ${detail}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Composites one pixel's colour on the background: a in 0..1. */
function over(c: number, a: number, bg: number): number {
  return Math.round(a * c + (1 - a) * bg);
}

/** Unpacks 1-, 2- or 4-bit grey samples (rows padded to whole bytes, most significant bits first) to 0..255. */
function unpackGrey(data: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const max = (1 << depth) - 1;
  const scale = 255 / max;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)]!;
      const v = (byte >> (8 - depth - (bit & 7))) & max;
      out[y * width + x] = Math.round(v * scale);
    }
  }
  return out;
}

function pngToRgb(png: DecodedPng, bg: RGB, name: string, where: string): Pixels<Uint8Array> {
  const { width, height } = png;
  let channels = png.channels;
  let data: Uint8Array | Uint8ClampedArray | Uint16Array = png.data;
  let max = png.depth === 16 ? 65535 : 255;
  if (png.palette !== undefined) {
    data = convertIndexedToRgb(png);
    channels = data.length / (width * height);
    max = 255;
  } else if (png.depth < 8) {
    data = unpackGrey(data as Uint8Array, width, height, png.depth);
  }
  const n = width * height;
  if (data.length < n * channels) throw corrupt('png', name, where, `${data.length} samples decoded, expected ${n * channels}`);
  // A tRNS chunk on a grey or RGB image names one colour that is fully transparent.
  let key = png.palette === undefined && png.transparency !== undefined && png.transparency.length > 0 ? Array.from(png.transparency) : undefined;
  // Unpacked low-depth grey was scaled to 0..255: so is its key.
  if (key !== undefined && png.palette === undefined && png.depth < 8) key = key.map((v) => Math.round((v * 255) / ((1 << png.depth) - 1)));
  const out = new Uint8Array(n * 3);
  const k = 255 / max;
  for (let i = 0; i < n; i++) {
    let r: number;
    let g: number;
    let b: number;
    let a = 1;
    if (channels <= 2) {
      const v = data[i * channels]!;
      r = g = b = v * k;
      if (channels === 2) a = data[i * 2 + 1]! / max;
      else if (key !== undefined && v === key[0]) a = 0;
    } else {
      const o = i * channels;
      r = data[o]! * k;
      g = data[o + 1]! * k;
      b = data[o + 2]! * k;
      if (channels === 4) a = data[o + 3]! / max;
      else if (key !== undefined && key.length >= 3 && data[o] === key[0] && data[o + 1] === key[1] && data[o + 2] === key[2]) a = 0;
    }
    out[3 * i] = over(r, a, bg[0]);
    out[3 * i + 1] = over(g, a, bg[1]);
    out[3 * i + 2] = over(b, a, bg[2]);
  }
  return { width, height, channels: 3, data: out };
}

function decodePng(bytes: Uint8Array, bg: RGB, name: string, where: string): Pixels<Uint8Array> {
  let png: DecodedPng;
  try {
    png = decodePngLib(bytes, { checkCrc: true });
  } catch (e) {
    throw corrupt('png', name, where, (e as Error)?.message ?? String(e), e);
  }
  return pngToRgb(png, bg, name, where);
}

function decodeJpeg(bytes: Uint8Array, bg: RGB, name: string, where: string): Pixels<Uint8Array> {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false });
  } catch (e) {
    throw corrupt('jpeg', name, where, (e as Error)?.message ?? String(e), e);
  }
  const n = img.width * img.height;
  if (!(n > 0) || img.data.length !== 4 * n) throw corrupt('jpeg', name, where, `${img.data.length} samples decoded for ${img.width}x${img.height}`);
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    // JPEG has no alpha: jpeg-js writes 255, so the background never shows.
    const a = img.data[4 * i + 3]! / 255;
    out[3 * i] = over(img.data[4 * i]!, a, bg[0]);
    out[3 * i + 1] = over(img.data[4 * i + 1]!, a, bg[1]);
    out[3 * i + 2] = over(img.data[4 * i + 2]!, a, bg[2]);
  }
  return { width: img.width, height: img.height, channels: 3, data: out };
}

function decodeJs(bytes: Uint8Array, bg: RGB, name: string, where: string): Pixels<Uint8Array> {
  const format = imageFormat(bytes);
  if (format === 'png') return decodePng(bytes, bg, name, where);
  if (format === 'jpeg') return decodeJpeg(bytes, bg, name, where);
  throw notAnImage(bytes, name, where);
}

/**
 * Decodes PNG or JPEG bytes to 8-bit RGB with the pure-JS decoders (fast-png, jpeg-js), synchronously, in Node
 * and in browsers alike.
 *
 * Every image comes out as 3 channels: grey is repeated into R, G and B, a palette is looked up, 16-bit samples
 * are scaled to 8 bits (v * 255 / 65535, rounded), and transparency is composited on `options.background`
 * (white by default) and then dropped. Colour profiles (ICC) and EXIF orientation are ignored: the pixels are
 * as stored in the file.
 *
 * @param bytes the file's bytes (Uint8Array, Buffer or ArrayBuffer).
 * @param options `background` (default `[255, 255, 255]`).
 * @returns `{ width, height, channels: 3, data }`, data a Uint8Array of height * width * 3 values 0..255.
 * @throws GlassboxError INVALID_ARGUMENT when the bytes are neither PNG nor JPEG (other formats are named), or
 *   cannot be decoded (truncated or corrupt).
 * @example
 * ```ts
 * const img = decodeImageSync(readFileSync('photo.jpg')); // { width: 640, height: 480, channels: 3, data }
 * ```
 */
export function decodeImageSync(bytes: Uint8Array | ArrayBuffer, options: Pick<DecodeImageOptions, 'background'> = {}): Pixels<Uint8Array> {
  const where = 'decodeImageSync';
  const data = toBytes(bytes, 'bytes', where);
  const o = checkOptionKeys<Pick<DecodeImageOptions, 'background'>>(options, SYNC_KEYS, where);
  return decodeJs(data, checkBackground(o.background, where), 'bytes', where);
}

interface CanvasGlobals {
  createImageBitmap?: (blob: Blob) => Promise<{ width: number; height: number; close?(): void }>;
  OffscreenCanvas?: new (w: number, h: number) => {
    getContext(kind: '2d'): {
      fillStyle: string;
      fillRect(x: number, y: number, w: number, h: number): void;
      drawImage(image: unknown, x: number, y: number): void;
      getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
    } | null;
  };
}

/** True where the browser's canvas can decode images (createImageBitmap and OffscreenCanvas both exist). */
export function hasCanvasDecoder(): boolean {
  const g = globalThis as CanvasGlobals;
  return typeof g.createImageBitmap === 'function' && typeof g.OffscreenCanvas === 'function';
}

async function decodeCanvas(bytes: Uint8Array, bg: RGB, name: string, where: string): Promise<Pixels<Uint8Array>> {
  const g = globalThis as CanvasGlobals;
  let bitmap: { width: number; height: number; close?(): void };
  try {
    bitmap = await g.createImageBitmap!(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  } catch (e) {
    const format = imageFormat(bytes);
    if (format === undefined && otherFormat(bytes) === undefined) throw notAnImage(bytes, name, where);
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} could not be decoded by the browser (truncated, corrupt or an unsupported format?): ${(e as Error)?.message ?? String(e)}`,
      { cause: e },
    );
  }
  try {
    const { width, height } = bitmap;
    const ctx = new g.OffscreenCanvas!(width, height).getContext('2d');
    if (ctx === null) throw new GlassboxError('BACKEND_UNAVAILABLE', `${where}: the canvas gave no 2d context`);
    // Transparent pixels are composited on the background by the canvas itself.
    ctx.fillStyle = `rgb(${bg[0]}, ${bg[1]}, ${bg[2]})`;
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(bitmap, 0, 0);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const out = new Uint8Array(width * height * 3);
    for (let i = 0, n = width * height; i < n; i++) {
      out[3 * i] = rgba[4 * i]!;
      out[3 * i + 1] = rgba[4 * i + 1]!;
      out[3 * i + 2] = rgba[4 * i + 2]!;
    }
    return { width, height, channels: 3, data: out };
  } finally {
    bitmap.close?.();
  }
}

/**
 * Decodes image bytes to 8-bit RGB: in a browser with the canvas (createImageBitmap + OffscreenCanvas: fast,
 * and any format the browser reads, WebP included; the browser may apply the file's colour profile and EXIF
 * orientation), elsewhere (Node) with the pure-JS PNG and JPEG decoders of `decodeImageSync`. Either way the
 * result has 3 channels, grey expanded to RGB and transparency composited on `options.background` (white by
 * default), then dropped.
 *
 * @param bytes the file's bytes (Uint8Array, Buffer or ArrayBuffer).
 * @param options `background` (default `[255, 255, 255]`), `decoder` ('auto' | 'js' | 'canvas', default 'auto').
 * @returns `{ width, height, channels: 3, data }`, data a Uint8Array of height * width * 3 values 0..255.
 * @throws GlassboxError INVALID_ARGUMENT when the bytes are not an image the decoder reads, or are truncated
 *   or corrupt; when `decoder: 'canvas'` is asked for where there is no canvas.
 * @example
 * ```ts
 * const img = await decodeImage(new Uint8Array(await file.arrayBuffer())); // a File from an <input>
 * ```
 */
export async function decodeImage(bytes: Uint8Array | ArrayBuffer, options: DecodeImageOptions = {}): Promise<Pixels<Uint8Array>> {
  const where = 'decodeImage';
  return decodeWith(bytes, options, where, 'bytes');
}

/** Internal: decodeImage with the caller's names in messages. */
export async function decodeWith(bytes: unknown, options: unknown, where: string, name: string, optionsName = 'options'): Promise<Pixels<Uint8Array>> {
  const data = toBytes(bytes, name, where);
  const o = checkOptionKeys<DecodeImageOptions>(options, DECODE_IMAGE_OPTION_KEYS, where, optionsName);
  const bg = checkBackground(o.background, where);
  const decoder = o.decoder ?? 'auto';
  if (decoder !== 'auto' && decoder !== 'js' && decoder !== 'canvas') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${optionsName}.decoder must be one of 'auto', 'js', 'canvas', got ${describe(decoder)}`);
  }
  const canvas = hasCanvasDecoder();
  if (decoder === 'canvas' && !canvas) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${optionsName}.decoder 'canvas' needs createImageBitmap and OffscreenCanvas (a browser); use 'js' or 'auto' here`);
  }
  if (decoder === 'canvas' || (decoder === 'auto' && canvas)) return decodeCanvas(data, bg, name, where);
  return decodeJs(data, bg, name, where);
}
