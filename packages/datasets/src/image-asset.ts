/**
 * The compact binary image format of the digits assets (`dist/assets/digits-train.bin`, `digits-test.bin`).
 *
 * Layout, little-endian:
 *
 * | bytes                 | content                                   |
 * |-----------------------|-------------------------------------------|
 * | 0..3                  | magic `GBI1` (0x47 0x42 0x49 0x31)         |
 * | 4..7                  | uint32 N, the number of images             |
 * | 8..11                 | uint32 H, the height                       |
 * | 12..15                | uint32 W, the width                        |
 * | 16 .. 16+N*H*W        | uint8 pixels 0..255, row-major [N, H, W]   |
 * | 16+N*H*W .. +N        | uint8 labels                               |
 */
import { GlassboxError, describe } from '@glassbox/tensors-ops';
import type { ImageArrays } from './types.js';

const MAGIC = [0x47, 0x42, 0x49, 0x31] as const; // 'GBI1'
const HEADER_BYTES = 16;

function toBytes(buffer: unknown, where: string, name: string): Uint8Array {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an ArrayBuffer or a Uint8Array, got ${describe(buffer)}`);
}

/**
 * Reads a digits asset (the `GBI1` format above) into typed arrays: uint8 pixels 0..255 and int32 labels.
 * Use it to load the asset yourself (from a CDN, IndexedDB, a bundler's asset URL) and then make a tensor
 * with `tf.tensor4d(Float32Array.from(images, (v) => v / 255), shape)`, or pass `url` to `loadDigits`.
 *
 * @param buffer the whole file, as an ArrayBuffer or a byte view (e.g. a Node Buffer).
 * @returns `{ images: Uint8Array (N*H*W), labels: Int32Array (N), shape: [N, H, W, 1] }`; the arrays are
 *   copies, independent of `buffer`.
 * @throws GlassboxError INVALID_ARGUMENT when the bytes are not a complete `GBI1` file.
 *
 * @example
 * ```ts
 * const bytes = await (await fetch('/digits-test.bin')).arrayBuffer();
 * const { images, labels, shape } = parseDigitsAsset(bytes);
 * ```
 */
export function parseDigitsAsset(buffer: ArrayBuffer | ArrayBufferView): ImageArrays<Uint8Array> {
  const where = 'parseDigitsAsset';
  const bytes = toBytes(buffer, where, 'buffer');
  if (bytes.length < HEADER_BYTES) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: buffer must hold a ${HEADER_BYTES}-byte GBI1 header, got ${bytes.length} bytes`);
  }
  if (MAGIC.some((m, i) => bytes[i] !== m)) {
    const got = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: buffer must start with the magic 'GBI1' (47 42 49 31), got ${got}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(4, true);
  const h = view.getUint32(8, true);
  const w = view.getUint32(12, true);
  const pixels = n * h * w;
  const expected = HEADER_BYTES + pixels + n;
  if (h === 0 || w === 0 || bytes.length !== expected) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: buffer must be ${expected} bytes for ${n} images of ${h}x${w} (header + pixels + labels), got ${bytes.length} bytes`,
    );
  }
  const images = bytes.slice(HEADER_BYTES, HEADER_BYTES + pixels);
  const labels = Int32Array.from(bytes.subarray(HEADER_BYTES + pixels, expected));
  return { images, labels, shape: [n, h, w, 1] };
}

/**
 * Writes images and labels in the `GBI1` format that `parseDigitsAsset` reads (the build uses it to make
 * the digits assets; use it to package your own grey images the same way).
 *
 * @param data `images`: uint8 pixels N*H*W; `labels`: N integers 0..255; `shape`: [N, H, W] or [N, H, W, 1].
 * @throws GlassboxError INVALID_ARGUMENT / SHAPE_MISMATCH when the parts do not fit each other.
 */
export function encodeDigitsAsset(data: { images: Uint8Array; labels: ArrayLike<number>; shape: readonly number[] }): Uint8Array {
  const where = 'encodeDigitsAsset';
  if (data === null || typeof data !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: data must be an object { images, labels, shape }, got ${describe(data)}`);
  }
  const { images, labels, shape } = data;
  if (!(images instanceof Uint8Array)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.images must be a Uint8Array, got ${describe(images)}`);
  }
  if (
    !Array.isArray(shape) ||
    !(shape.length === 3 || (shape.length === 4 && shape[3] === 1)) ||
    !shape.every((s) => Number.isInteger(s) && s >= 0 && s <= 0xffffffff) ||
    shape[1] === 0 ||
    shape[2] === 0
  ) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.shape must be [N, H, W] or [N, H, W, 1] with H, W >= 1, got ${describe(shape)}`);
  }
  const [n, h, w] = shape as [number, number, number];
  if (images.length !== n * h * w) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: data.images must have N*H*W = ${n * h * w} values for shape [${shape.join(', ')}], got ${images.length}`);
  }
  if (labels == null || typeof labels.length !== 'number' || labels.length !== n) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: data.labels must have N = ${n} values, got ${describe(labels)}`);
  }
  const out = new Uint8Array(HEADER_BYTES + n * h * w + n);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, n, true);
  view.setUint32(8, h, true);
  view.setUint32(12, w, true);
  out.set(images, HEADER_BYTES);
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label > 255) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.labels must be integers in 0..255, got ${describe(label)} at index ${i}`);
    }
    out[HEADER_BYTES + n * h * w + i] = label;
  }
  return out;
}
