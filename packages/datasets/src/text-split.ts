/**
 * The fixed train/test rule of the text data sets (internal; `loadNames` and `loadSpam` use it, so it must
 * never change).
 *
 * Each item (a name, an e-mail's text) gets a key: the 32-bit FNV-1a hash of its UTF-8 bytes. The key picks
 * one of `parts` equal buckets by its high bits, bucket = floor(key * parts / 2^32), and bucket 0 is test:
 * `parts` 10 gives a 90/10 split, 5 gives 80/20. The high bits are used because FNV-1a's low bits mix
 * poorly (its lowest bit is just the parity of the bytes' lowest bits).
 *
 * An item's part depends on nothing but the item itself: adding or removing other items never moves it, and
 * identical items always land in the same part. Each part is ordered by (key, then the item's own order
 * given by `tieBreak`): a fixed, well-mixed order, so a prefix (`limit`) is a roughly uniform sample.
 */
import { fnv1a32 } from './hash.js';
import type { Split } from './types.js';

const encoder = new TextEncoder();

/** The FNV-1a 32-bit key of a string's UTF-8 bytes. */
export function textKey(text: string): number {
  return fnv1a32(encoder.encode(text));
}

/** The part of an item with this key: 'test' when floor(key * parts / 2^32) is 0. */
export function splitOfKey(key: number, parts: number): Split {
  return Math.floor((key * parts) / 4294967296) === 0 ? 'test' : 'train';
}

/** Splits items by the rule above; each part ordered by (key, tieBreak). */
export function splitByKey<T>(items: readonly T[], textOf: (item: T) => string, parts: number, tieBreak: (a: T, b: T) => number): Record<Split, T[]> {
  const keyed = items.map((item) => ({ item, key: textKey(textOf(item)) }));
  keyed.sort((a, b) => a.key - b.key || tieBreak(a.item, b.item));
  const out: Record<Split, T[]> = { train: [], test: [] };
  for (const { item, key } of keyed) out[splitOfKey(key, parts)].push(item);
  return out;
}
