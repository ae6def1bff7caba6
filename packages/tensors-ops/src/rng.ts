import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from './tf.js';
import { GlassboxError, describe } from './errors.js';
import { checkOptionKeys } from './contract/option-keys.js';

/**
 * A seeded random number generator for every random draw in Glassbox. It runs in plain JavaScript
 * (xoshiro128** seeded through splitmix32), so the same seed gives the same numbers on every backend and
 * platform; tensors of random numbers are made from its output.
 */
export interface Rng {
  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number;
  /** Uniform in [0, 1) with 53 bits of precision. */
  uniform(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Shuffles an array in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T;
  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array;
  /** k distinct integers from 0..n-1, in the order drawn. */
  subset(n: number, k: number): Int32Array;
  /** n uniforms in [lo, hi) as float32. */
  uniformArray(n: number, lo?: number, hi?: number): Float32Array;
  /** n normals with the given mean and standard deviation as float32. */
  normalArray(n: number, mean?: number, stdev?: number): Float32Array;
  /** An independent generator derived from this one's seed and a stream number (does not advance this one). */
  fork(stream: number): Rng;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const TWO_32 = 4294967296;

class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(private readonly seed: number, private readonly stream: number) {
    const sm = splitmix32((seed ^ Math.imul(stream + 1, 0x632be5ab)) >>> 0);
    this.s0 = sm();
    this.s1 = sm();
    this.s2 = sm();
    this.s3 = sm();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) {
      throw new GlassboxError('INVALID_ARGUMENT', `Rng.int: n must be an integer in 1..2^32, got ${describe(n)}`);
    }
    // Rejection sampling removes the modulo bias.
    const limit = TWO_32 - (TWO_32 % n);
    let r = this.nextUint32();
    while (r >= limit) r = this.nextUint32();
    return r % n;
  }

  shuffle<T extends { length: number; [i: number]: any }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }

  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  subset(n: number, k: number): Int32Array {
    if (!Number.isInteger(k) || k < 0 || k > n) {
      throw new GlassboxError('INVALID_ARGUMENT', `Rng.subset: k must be an integer in 0..${n}, got ${describe(k)}`);
    }
    // Partial Fisher-Yates over a sparse map: O(k) memory and time.
    const swapped = new Map<number, number>();
    const out = new Int32Array(k);
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const vj = swapped.get(j) ?? j;
      const vi = swapped.get(i) ?? i;
      out[i] = vj;
      swapped.set(j, vi);
    }
    return out;
  }

  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    const out = new Float32Array(n);
    const span = hi - lo;
    // 24 bits, so that the float32 value stays below 1 before scaling.
    for (let i = 0; i < n; i++) out[i] = lo + span * ((this.nextUint32() >>> 8) / 16777216);
    return out;
  }

  normalArray(n: number, mean = 0, stdev = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + stdev * this.normal();
    return out;
  }

  fork(stream: number): Rng {
    return new Xoshiro128(this.seed, (this.stream * 1000003 + stream + 1) >>> 0);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Creates a seeded generator. Same seed, same numbers, on every backend.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * const noise = rng.normalArray(784, 0, 0.1);
 * ```
 */
export function createRng(seed: number): Rng {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new GlassboxError('INVALID_ARGUMENT', `createRng: seed must be an integer in 0..2^32-1, got ${describe(seed)}`);
  }
  return new Xoshiro128(seed, 0);
}

function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: shape must be an array of integers >= 0, got ${describe(shape)}`);
  }
  return shape as number[];
}

/** A float32 tensor of normals from a seed (same values on every backend). */
export function randomNormal(shape: number[], options: { seed: number; mean?: number; stdev?: number }): Tensor {
  const s = checkShape(shape, 'randomNormal');
  checkOptionKeys(options, ['seed', 'mean', 'stdev'], 'randomNormal');
  const stdev = options.stdev ?? 1;
  if (!Number.isFinite(stdev) || stdev < 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `randomNormal: stdev must be a finite number >= 0, got ${describe(stdev)}`);
  }
  const n = s.reduce((a, b) => a * b, 1);
  return tf.tensor(createRng(options.seed).normalArray(n, options.mean ?? 0, stdev), s, 'float32');
}

/** A float32 tensor of uniforms in [min, max) from a seed (same values on every backend). */
export function randomUniform(shape: number[], options: { seed: number; min?: number; max?: number }): Tensor {
  const s = checkShape(shape, 'randomUniform');
  checkOptionKeys(options, ['seed', 'min', 'max'], 'randomUniform');
  const n = s.reduce((a, b) => a * b, 1);
  return tf.tensor(createRng(options.seed).uniformArray(n, options.min ?? 0, options.max ?? 1), s, 'float32');
}
