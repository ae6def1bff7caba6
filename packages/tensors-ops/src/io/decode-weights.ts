import type { Tensor } from '@tensorflow/tfjs-core';
import { checkManifest, decodeChecked, resolveDecodeOptions, toArrayBuffer, type DecodeOptions } from './manifest.js';

/**
 * Decodes weights in the TensorFlow.js format (a model.json object and the concatenated bytes of its
 * weight files) into tensors by name. Everything is checked before any tensor is made: each manifest entry
 * needs a name (unique), a shape of integers >= 0 and dtype 'float32' or 'int32' (no quantization); the
 * total number of elements must stay under `maxElements` (checked from the shapes alone, so a manifest
 * claiming [1e6, 1e6] is refused without allocating); the bytes must match the manifest exactly, and the
 * SHA-256 a group gives in its `sha256` entry (written by `encodeWeights`; a manifest without it is read
 * unchecked); float32 values must be finite.
 *
 * Format: https://www.tensorflow.org/js/guide/save_load. Groups of a multi-group manifest are read in order.
 *
 * @param modelJSON the parsed model.json (an object with `weightsManifest`).
 * @param weightData the weight bytes: an ArrayBuffer, a Uint8Array/Buffer, or a list of ArrayBuffers (shards
 *   in manifest order).
 * @param options `maxElements` (integer >= 0, default 50_000_000), `allowNonFinite` (default false).
 * @returns tensors by weight name; the caller owns them.
 * @throws GlassboxError BAD_WEIGHTS naming the weight and what was expected vs what came; no tensor is
 *   left behind.
 *
 * @example
 * ```ts
 * const weights = decodeWeights(modelJSON, weightData);
 * model.setWeights(weights);
 * tf.dispose(weights);
 * ```
 */
export function decodeWeights(modelJSON: unknown, weightData: ArrayBuffer | ArrayBufferView | ArrayBuffer[], options: DecodeOptions = {}): Record<string, Tensor> {
  const where = 'decodeWeights';
  const { maxElements, allowNonFinite } = resolveDecodeOptions(options, where);
  const manifest = checkManifest(modelJSON, where, maxElements);
  const buffer = toArrayBuffer(weightData, where);
  return decodeChecked(manifest, buffer, allowNonFinite, where);
}
