import { describe, expect, it } from 'vitest';
import { fnv1a32 } from './hash.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('fnv1a32', () => {
  it('gives the published FNV-1a 32-bit values', () => {
    // Reference values of the FNV specification's test suite (Fowler, Noll, Vo).
    expect(fnv1a32(bytes(''))).toBe(0x811c9dc5);
    expect(fnv1a32(bytes('a'))).toBe(0xe40c292c);
    expect(fnv1a32(bytes('foobar'))).toBe(0xbf9cf968);
  });

  it('hashes [start, end) exactly like the slice on its own', () => {
    const b = bytes('xxfoobaryy');
    expect(fnv1a32(b, 2, 8)).toBe(fnv1a32(bytes('foobar')));
    expect(fnv1a32(b, 5, 5)).toBe(0x811c9dc5);
  });
});
