/**
 * Strict PNG reading for untrusted files. Before fast-png decodes anything, the file's structure is checked
 * against the PNG specification (W3C PNG, 2nd edition): the signature, every chunk's length and CRC-32, the
 * IHDR header (sizes, bit depth allowed for the colour type, methods), the chunk order (PLTE and tRNS before
 * IDAT, consecutive IDATs, IEND last), a PLTE for palette images (and none for grey ones), and the image data.
 *
 * The image data is inflated once with a cap: a PNG of width W, height H, c channels of d bits holds
 * exactly H * (1 + ceil(W c d / 8)) bytes after inflation (the Adam7 passes add up the same way), so zlib
 * stops as soon as the stream would give more than that (a decompression bomb: a small file whose data
 * inflates to gigabytes) or reports that it gives less (truncated data). Only then is a copy of the file
 * holding just the chunks fast-png needs (IHDR, PLTE, tRNS, IDAT, IEND) handed to it, so ancillary chunks it
 * would otherwise inflate without a bound (iCCP) are never read. With an expected size the header is
 * compared first, and nothing is inflated for an image of another size.
 */
import { crc32, inflateSync } from 'node:zlib';
import { decode as decodePng, type DecodedPng } from 'fast-png';

/** Largest image read (pixels), whatever the expected size: 16 megapixels. */
export const MAX_PNG_PIXELS = 4096 * 4096;

/** What IHDR declares. */
export interface PngHeader {
  width: number;
  height: number;
  /** Bits per sample: 1, 2, 4, 8 or 16. */
  depth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: number;
  /** 0 none, 1 Adam7. */
  interlace: number;
}

/** Why a PNG was refused: `message` completes "cannot read <file>: ...". */
export class PngFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PngFormatError';
  }
}

/** The size of a PNG differs from the one asked for (checked before any data is inflated). */
export class PngSizeError extends Error {
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    super(`the PNG is ${width}x${height} pixels`);
    this.name = 'PngSizeError';
  }
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const DEPTHS: Readonly<Record<number, readonly number[]>> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const COLOR_NAMES: Readonly<Record<number, string>> = { 0: 'grey', 2: 'RGB', 3: 'palette', 4: 'grey + alpha', 6: 'RGBA' };
/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** True when the bytes start with the 8-byte PNG signature. */
export function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/**
 * The number of bytes the image data of a PNG inflates to: one filter byte plus the packed samples per row,
 * summed over the Adam7 passes for an interlaced image.
 */
export function inflatedSize(h: PngHeader): number {
  const bits = CHANNELS[h.colorType]! * h.depth;
  const rowBytes = (w: number) => Math.ceil((w * bits) / 8);
  if (h.interlace === 0) return h.height * (1 + rowBytes(h.width));
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = h.width > x0 ? Math.ceil((h.width - x0) / dx) : 0;
    const rows = h.height > y0 ? Math.ceil((h.height - y0) / dy) : 0;
    if (w > 0 && rows > 0) total += rows * (1 + rowBytes(w));
  }
  return total;
}

function readHeader(bytes: Uint8Array, at: number): PngHeader {
  const width = u32(bytes, at);
  const height = u32(bytes, at + 4);
  const [depth, colorType, compression, filter, interlace] = [bytes[at + 8]!, bytes[at + 9]!, bytes[at + 10]!, bytes[at + 11]!, bytes[at + 12]!];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw new PngFormatError(`the PNG header (IHDR) declares a ${width}x${height} image; both sides must be 1..2^31-1`);
  }
  const depths = DEPTHS[colorType];
  if (depths === undefined) throw new PngFormatError(`the PNG header (IHDR) has colour type ${colorType}; expected 0, 2, 3, 4 or 6`);
  if (!depths.includes(depth)) {
    throw new PngFormatError(`the PNG header (IHDR) has bit depth ${depth} for a ${COLOR_NAMES[colorType]} image (colour type ${colorType}); expected ${depths.join(', ')}`);
  }
  if (compression !== 0) throw new PngFormatError(`the PNG header (IHDR) has compression method ${compression}; expected 0 (deflate)`);
  if (filter !== 0) throw new PngFormatError(`the PNG header (IHDR) has filter method ${filter}; expected 0`);
  if (interlace > 1) throw new PngFormatError(`the PNG header (IHDR) has interlace method ${interlace}; expected 0 (none) or 1 (Adam7)`);
  return { width, height, depth, colorType, interlace };
}

/**
 * Checks a PNG file and decodes it with fast-png, inflating no more than its declared size.
 *
 * @param bytes the file.
 * @param expected when given, the size the image must have: another size throws `PngSizeError` before any
 *   image data is inflated.
 * @returns fast-png's decoded image (palette images keep their palette, with tRNS alphas).
 * @throws PngFormatError naming what is wrong (signature, truncation, CRC, header, chunk order, missing
 *   PLTE, image data larger or smaller than declared, bad filter bytes); PngSizeError for another size.
 */
export function decodePngStrict(bytes: Uint8Array, expected?: { width: number; height: number }): DecodedPng {
  if (!hasPngSignature(bytes)) throw new PngFormatError('not a PNG file (the PNG signature is missing)');
  let header: PngHeader | null = null;
  let paletteEntries = -1;
  let seenTrns = false;
  let idatState: 'before' | 'in' | 'after' = 'before';
  let ended = false;
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  const idat: Uint8Array[] = [];
  let at = 8;
  while (!ended) {
    if (at + 8 > bytes.length) {
      throw new PngFormatError(at === bytes.length ? 'the file is truncated (it ends before the IEND chunk)' : 'the file is truncated (a chunk header is cut off)');
    }
    const length = u32(bytes, at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new PngFormatError(`a chunk at byte ${at} has an invalid type ${JSON.stringify(type)} (the file is damaged)`);
    if (length > 0x7fffffff) throw new PngFormatError(`chunk ${type} declares ${length} bytes; at most 2^31-1 are allowed`);
    const end = at + 12 + length;
    if (end > bytes.length) {
      throw new PngFormatError(`the file is truncated (chunk ${type} needs ${length + 12} bytes, ${bytes.length - at} remain)`);
    }
    const stored = u32(bytes, at + 8 + length);
    const computed = crc32(bytes.subarray(at + 4, at + 8 + length)) >>> 0;
    if (stored !== computed) {
      throw new PngFormatError(`chunk ${type} at byte ${at} has a bad CRC (stored ${stored.toString(16).padStart(8, '0')}, computed ${computed.toString(16).padStart(8, '0')}): the file is damaged`);
    }
    const data = at + 8;
    const chunk = bytes.subarray(at, end);
    if (header === null && type !== 'IHDR') throw new PngFormatError(`the first chunk is ${type}; a PNG starts with IHDR`);
    if (idatState === 'in' && type !== 'IDAT') idatState = 'after';
    switch (type) {
      case 'IHDR': {
        if (header !== null) throw new PngFormatError('the PNG has more than one IHDR chunk');
        if (length !== 13) throw new PngFormatError(`the IHDR chunk has ${length} bytes; expected 13`);
        header = readHeader(bytes, data);
        if (expected !== undefined && (header.width !== expected.width || header.height !== expected.height)) {
          throw new PngSizeError(header.width, header.height);
        }
        if (header.width * header.height > MAX_PNG_PIXELS) {
          throw new PngFormatError(`the PNG is ${header.width}x${header.height} pixels; at most ${MAX_PNG_PIXELS} pixels are read`);
        }
        kept.push(chunk);
        break;
      }
      case 'PLTE': {
        if (paletteEntries >= 0) throw new PngFormatError('the PNG has more than one PLTE chunk');
        if (idatState !== 'before') throw new PngFormatError('the PLTE chunk comes after the image data; it must come before IDAT');
        if (header!.colorType === 0 || header!.colorType === 4) {
          throw new PngFormatError(`a ${COLOR_NAMES[header!.colorType]} PNG (colour type ${header!.colorType}) must not have a PLTE chunk`);
        }
        if (length % 3 !== 0 || length === 0 || length > 768) throw new PngFormatError(`the PLTE chunk has ${length} bytes; expected 3 to 768, a multiple of 3`);
        paletteEntries = length / 3;
        if (header!.colorType === 3 && paletteEntries > 2 ** header!.depth) {
          throw new PngFormatError(`the PLTE chunk has ${paletteEntries} colours; a ${header!.depth}-bit palette image has at most ${2 ** header!.depth}`);
        }
        kept.push(chunk);
        break;
      }
      case 'tRNS': {
        if (seenTrns) throw new PngFormatError('the PNG has more than one tRNS chunk');
        seenTrns = true;
        if (idatState !== 'before') throw new PngFormatError('the tRNS chunk comes after the image data; it must come before IDAT');
        const ct = header!.colorType;
        if (ct === 4 || ct === 6) throw new PngFormatError(`a ${COLOR_NAMES[ct]} PNG must not have a tRNS chunk (it has an alpha channel)`);
        if (ct === 3) {
          if (paletteEntries < 0) throw new PngFormatError('the tRNS chunk of a palette image comes before PLTE');
          if (length > paletteEntries) throw new PngFormatError(`the tRNS chunk has ${length} alphas for ${paletteEntries} palette colours`);
        } else if (length !== (ct === 0 ? 2 : 6)) {
          throw new PngFormatError(`the tRNS chunk of a ${COLOR_NAMES[ct]} PNG has ${length} bytes; expected ${ct === 0 ? 2 : 6}`);
        }
        kept.push(chunk);
        break;
      }
      case 'IDAT': {
        if (idatState === 'after') throw new PngFormatError('the IDAT chunks are not consecutive');
        if (header!.colorType === 3 && paletteEntries < 0) {
          throw new PngFormatError('a palette PNG (colour type 3) has no PLTE chunk before its image data, so its pixels have no colours');
        }
        idatState = 'in';
        idat.push(bytes.subarray(data, data + length));
        kept.push(chunk);
        break;
      }
      case 'IEND': {
        if (length !== 0) throw new PngFormatError(`the IEND chunk has ${length} bytes; expected 0`);
        ended = true;
        kept.push(chunk);
        break;
      }
      default: {
        // Bit 5 of the first byte clear (an upper-case letter): a critical chunk, which a decoder must understand.
        if ((bytes[at + 4]! & 0x20) === 0) throw new PngFormatError(`the PNG has an unknown critical chunk ${type}`);
        // Ancillary chunks (text, colour profiles, animation, ...) are checked (CRC) and left out.
      }
    }
    at = end;
  }
  const h = header!;
  if (idat.length === 0) throw new PngFormatError('the PNG has no image data (no IDAT chunk)');
  if (h.colorType === 3 && paletteEntries < 0) throw new PngFormatError('a palette PNG (colour type 3) has no PLTE chunk');

  const size = inflatedSize(h);
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: size });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PngFormatError(`the image data inflates to more than the ${size} bytes a ${h.width}x${h.height} ${COLOR_NAMES[h.colorType]} PNG of ${h.depth} bits holds (refused: a decompression bomb or a damaged file)`);
    }
    if (code === 'Z_BUF_ERROR') throw new PngFormatError('the image data is truncated (the zlib stream ends early)');
    throw new PngFormatError(`the image data is not a valid zlib stream (${(e as Error).message})`);
  }
  if (raw.length !== size) {
    throw new PngFormatError(`the image data is truncated: it inflates to ${raw.length} bytes, a ${h.width}x${h.height} ${COLOR_NAMES[h.colorType]} PNG of ${h.depth} bits holds ${size}`);
  }
  checkFilterBytes(raw, h);
  try {
    return decodePng(new Uint8Array(Buffer.concat(kept)));
  } catch (e) {
    throw new PngFormatError(`not a valid PNG (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Every row (of every Adam7 pass) starts with a filter type 0..4. */
function checkFilterBytes(raw: Uint8Array, h: PngHeader): void {
  const bits = CHANNELS[h.colorType]! * h.depth;
  const passes = h.interlace === 0 ? [[0, 0, 1, 1] as const] : ADAM7;
  let at = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const w = h.width > x0 ? Math.ceil((h.width - x0) / dx) : 0;
    const rows = h.height > y0 ? Math.ceil((h.height - y0) / dy) : 0;
    if (w === 0 || rows === 0) continue;
    const stride = 1 + Math.ceil((w * bits) / 8);
    for (let r = 0; r < rows; r++, at += stride) {
      if (raw[at]! > 4) throw new PngFormatError(`row ${r} of the image data has filter type ${raw[at]}; expected 0..4 (the file is damaged)`);
    }
  }
}
