/**
 * SHA-256 of weight bytes, for the `sha256` entry Glassbox writes into each group of a model.json manifest. The
 * TensorFlow.js format has no checksum: a weights file with a flipped byte loads and predicts garbage. Async
 * callers use WebCrypto (native, ~5x faster; in Node 20+ and in browsers' secure contexts), synchronous ones
 * (decodeWeights, toModelArtifacts) and places without WebCrypto use @noble/hashes; both give the same digest.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** The SHA-256 of `bytes` as 64 lowercase hexadecimal digits (what `sha256sum` prints). Synchronous. */
export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

/** The SHA-256 of `bytes` as 64 lowercase hexadecimal digits, with WebCrypto when the platform has it. */
export async function sha256HexAsync(bytes: Uint8Array): Promise<string> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (subtle != null && typeof subtle.digest === 'function') {
    try {
      return bytesToHex(new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
    } catch {
      // e.g. bytes on a SharedArrayBuffer, which WebCrypto refuses: hash them here instead.
    }
  }
  return sha256Hex(bytes);
}

/** True for a SHA-256 digest written as 64 hexadecimal digits. */
export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-fA-F]{64}$/.test(value);
}
