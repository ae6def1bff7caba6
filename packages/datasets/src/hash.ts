/**
 * 32-bit FNV-1a over bytes (internal): h = 0x811c9dc5; for each byte b: h = (h XOR b) * 0x01000193 mod 2^32.
 * Used by the digits split rule, so it must never change.
 */
export function fnv1a32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
