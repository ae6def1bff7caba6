/** Conversions between the typed-array form and the tensor form (internal). */
import { tf } from '@glassbox/tensors-ops';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { ImageArrays, ImageSet, PixelFormat } from './types.js';

/** Bytes 0..255 to float32 0..1 (v / 255). */
export function bytesToFloat(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! / 255;
  return out;
}

/** Keeps the rows whose label is in `classes` (all when null), the first `limit` of them, as a copy in `format`. */
export function selectRows(
  data: ImageArrays<Uint8Array>,
  classes: readonly number[] | null,
  limit: number,
  format: PixelFormat,
): ImageArrays<Float32Array> | ImageArrays<Uint8Array> {
  const [n, h, w, c] = data.shape;
  const row = h * w * c;
  const keep = classes === null ? null : new Set(classes);
  const rows: number[] = [];
  for (let i = 0; i < n && rows.length < limit; i++) {
    if (keep === null || keep.has(data.labels[i]!)) rows.push(i);
  }
  const bytes = new Uint8Array(rows.length * row);
  const labels = new Int32Array(rows.length);
  rows.forEach((r, j) => {
    bytes.set(data.images.subarray(r * row, (r + 1) * row), j * row);
    labels[j] = data.labels[r]!;
  });
  const shape: [number, number, number, number] = [rows.length, h, w, c];
  return format === 'uint8' ? { images: bytes, labels, shape } : { images: bytesToFloat(bytes), labels, shape };
}

/** The tensor form of float32 arrays: x float32 [N, H, W, C] (the caller disposes it) and y. */
export function toImageSet(data: ImageArrays<Float32Array>): ImageSet {
  const x = tf.tensor4d(data.images, data.shape, 'float32') as Tensor4D;
  return { x, y: data.labels };
}
