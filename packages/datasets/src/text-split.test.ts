import { describe, expect, it } from 'vitest';
import { splitByKey, splitOfKey, textKey } from './text-split.js';

describe('the text split rule', () => {
  it('keys a string by the FNV-1a hash of its UTF-8 bytes', () => {
    // Published FNV-1a 32-bit values; 'é' is the two bytes C3 A9.
    expect(textKey('')).toBe(0x811c9dc5);
    expect(textKey('a')).toBe(0xe40c292c);
    expect(textKey('foobar')).toBe(0xbf9cf968);
    let h = 0x811c9dc5;
    for (const b of [0xc3, 0xa9]) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    expect(textKey('é')).toBe(h);
  });

  it('puts the lowest 1/parts of the key range in test', () => {
    // 2^32 / 10 = 429496729.6 and 2^32 / 5 = 858993459.2
    expect(splitOfKey(0, 10)).toBe('test');
    expect(splitOfKey(429496729, 10)).toBe('test');
    expect(splitOfKey(429496730, 10)).toBe('train');
    expect(splitOfKey(0xffffffff, 10)).toBe('train');
    expect(splitOfKey(858993459, 5)).toBe('test');
    expect(splitOfKey(858993460, 5)).toBe('train');
  });

  it('orders each part by key, then by the tie-break, and gives the parts about the expected sizes', () => {
    const items = Array.from({ length: 5000 }, (_, i) => `item-${i}`);
    const parts = splitByKey(items, (s) => s, 5, (a, b) => (a < b ? -1 : 1));
    expect(parts.train.length + parts.test.length).toBe(5000);
    // 1000 expected in test; binomial sd = sqrt(5000 * 0.2 * 0.8) = 28, so 4 sd is 113.
    expect(Math.abs(parts.test.length - 1000)).toBeLessThan(113);
    for (const part of [parts.train, parts.test]) {
      for (let i = 1; i < part.length; i++) expect(textKey(part[i - 1]!)).toBeLessThanOrEqual(textKey(part[i]!));
    }
    // Equal items always share a part.
    for (const x of items.slice(0, 40)) {
      const p = splitByKey([x, 'other', x], (s) => s, 2, () => 0);
      expect(p.train.filter((s) => s === x).length % 2).toBe(0);
    }
  });
});
