import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.js';
import { simdTapsFor, simdTapsModuleBytes } from './simd-taps.js';

describe('simd-taps module', () => {
  it('is valid WebAssembly', () => {
    expect(WebAssembly.validate(simdTapsModuleBytes())).toBe(true);
  });

  it('declines a shared memory', () => {
    if (typeof SharedArrayBuffer === 'undefined') return;
    expect(simdTapsFor(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }))).toBeNull();
  });

  it('sums each pixel’s listed products (0 to 3 taps, 8 and 24 channels) as a plain loop does', () => {
    const memory = new WebAssembly.Memory({ initial: 4 });
    const taps = simdTapsFor(memory);
    expect(taps).not.toBeNull();
    const rng = createRng(5);
    for (const c of [8, 24]) {
      const f32 = new Float32Array(memory.buffer);
      const i32 = new Int32Array(memory.buffer);
      // a: 6 rows of c values at float 0; b: 4 rows at float 1024; out at float 2048; table at int 4096.
      const [A, B, OUT, TABLE] = [0, 1024, 2048, 4096];
      for (let k = 0; k < 6 * c; k++) f32[A + k] = 4 * rng.uniform() - 2;
      for (let k = 0; k < 4 * c; k++) f32[B + k] = 4 * rng.uniform() - 2;
      // Pixel p has p % 4 taps: rows (p + t) % 6 of a with rows (2 p + t) % 4 of b.
      const pixels = 7;
      let e = TABLE;
      const want = new Float32Array(pixels * c);
      for (let p = 0; p < pixels; p++) {
        const n = p % 4;
        i32[e++] = n;
        for (let t = 0; t < n; t++) {
          const ra = (p + t) % 6;
          const rb = (2 * p + t) % 4;
          i32[e++] = ra * c * 4;
          i32[e++] = rb * c * 4;
          for (let k = 0; k < c; k++) want[p * c + k] = Math.fround(want[p * c + k]! + Math.fround(f32[A + ra * c + k]! * f32[B + rb * c + k]!));
        }
      }
      f32.fill(Number.NaN, OUT, OUT + pixels * c);
      taps!(OUT * 4, A * 4, B * 4, TABLE * 4, pixels, c * 4);
      expect(Array.from(f32.subarray(OUT, OUT + pixels * c))).toEqual(Array.from(want));
    }
  });
});
