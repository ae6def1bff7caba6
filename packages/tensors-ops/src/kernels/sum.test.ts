import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng, type Rng } from '../rng.js';
import { describeBackends } from '../testing/index.js';
import { liveCount, maxAbsDiff, runOriginalOnWasm } from '../testing-internal/parity-helpers.js';
import { leadingAxesSplit } from './sum.js';

interface Case {
  shape: number[];
  axis: number | number[] | null;
  keepDims?: boolean;
}

/** Values of mixed magnitudes and signs (so that the order of the additions shows in the last bits), with ±0. */
function values(rng: Rng, n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = rng.int(10);
    v[i] = k === 0 ? 0 : k === 1 ? -0 : (2 * rng.uniform() - 1) * 10 ** rng.int(4);
  }
  return v;
}

function input(c: Case, seed: number, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  const n = c.shape.reduce((a, b) => a * b, 1);
  const v = values(createRng(seed), n);
  return dtype === 'int32' ? tf.tensor(Int32Array.from(v, (e) => Math.round(e * 100)), c.shape, 'int32') : tf.tensor(v, c.shape, 'float32');
}

const attrsOf = (c: Case) => ({ axis: c.axis, keepDims: c.keepDims ?? false });

/** Bit patterns (float32 -> uint32), so that -0 vs 0 and every last bit count. */
function bits(v: ArrayLike<number>): number[] {
  return Array.from(new Uint32Array(Float32Array.from(v).buffer));
}

// The fast path: reduced axes lead (size-1 axes anywhere), at least 8 kept values.
const FAST: Case[] = [
  { shape: [4, 7, 7, 32], axis: [0, 1, 2] },
  { shape: [4, 7, 7, 32], axis: [0, 1, 2], keepDims: true },
  { shape: [3, 5, 5, 8], axis: [-4, -3, -2] },
  { shape: [2, 3, 4, 16], axis: [0, 1] },
  { shape: [3000, 9], axis: 0 },
  { shape: [257, 13], axis: [0], keepDims: true },
  { shape: [1, 1, 6, 10], axis: [2] }, // tf.batchNorm's gradient of a rank-2 x ([N, C] seen as [1, 1, N, C])
  { shape: [3, 1, 4, 12], axis: [0, 1, 2] },
  { shape: [3, 1, 4, 12], axis: [0, 2] },
  { shape: [5, 2, 1, 11], axis: [0, 2] }, // a size-1 axis after a kept one
  { shape: [1, 9], axis: 0 },
  { shape: [2, 2, 3, 5, 4], axis: [0, 1] },
];

// The original kernel: other axes, few kept values, other dtypes, empty tensors, all axes.
const FALLBACK: Array<Case & { dtype?: 'int32' }> = [
  { shape: [4, 6, 6, 16], axis: [1, 2] },
  { shape: [4, 6, 6, 16], axis: [3] },
  { shape: [4, 6, 6, 16], axis: [1, 0, 2] },
  { shape: [4, 6, 6, 16], axis: [0, 2] },
  { shape: [4, 6, 6, 16], axis: null },
  { shape: [4, 6, 6, 16], axis: [0, 1, 2, 3], keepDims: true },
  { shape: [64, 6, 6, 3], axis: [0, 1, 2] },
  { shape: [300, 1], axis: 0 },
  { shape: [4, 6, 6, 16], axis: [0, 1, 2], dtype: 'int32' },
  { shape: [0, 6, 6, 16], axis: [0, 1, 2] },
  { shape: [4, 6, 6, 0], axis: [0, 1, 2] },
];

describe('Sum (wasm): leading axes', () => {
  it('takes the single pass exactly where the reduced axes lead and keep >= 8 values', () => {
    expect(leadingAxesSplit([4, 7, 7, 32], [0, 1, 2], false)).toEqual({ rows: 196, cols: 32, outShape: [32] });
    expect(leadingAxesSplit([4, 7, 7, 32], [0, 1, 2], true)).toEqual({ rows: 196, cols: 32, outShape: [1, 1, 1, 32] });
    expect(leadingAxesSplit([1, 1, 6, 10], [2], false)).toEqual({ rows: 6, cols: 10, outShape: [1, 1, 10] });
    expect(leadingAxesSplit([5, 2, 1, 11], [0, 2], true)).toEqual({ rows: 5, cols: 22, outShape: [1, 2, 1, 11] });
    expect(leadingAxesSplit([2, 3, 4, 16], [-4, -3], false)).toEqual({ rows: 6, cols: 64, outShape: [4, 16] });
    for (const c of FAST) expect(leadingAxesSplit(c.shape, c.axis, c.keepDims ?? false), JSON.stringify(c)).not.toBeNull();
    for (const c of FALLBACK.filter((k) => k.dtype === undefined)) {
      expect(leadingAxesSplit(c.shape, c.axis, c.keepDims ?? false), JSON.stringify(c)).toBeNull();
    }
  });

  it('is bit-identical to the original kernel (same float32 additions in the same order)', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    for (const [i, c] of [...FAST, ...FALLBACK].entries()) {
      const x = input(c, 100 + i, (c as { dtype?: 'int32' }).dtype);
      try {
        const ours = tf.engine().runKernel('Sum', { x }, attrsOf(c) as never) as tf.Tensor;
        const original = runOriginalOnWasm('Sum', { x }, attrsOf(c) as never);
        expect(ours.shape, JSON.stringify(c)).toEqual(original.shape);
        // (An empty x: the original leaves its output unwritten, so only the shapes are comparable.)
        if (x.size === 0) expect(ours.size).toBe(original.shape.reduce((a, b) => a * b, 1));
        else if (x.dtype === 'int32') expect(Array.from(ours.dataSync()), JSON.stringify(c)).toEqual(Array.from(original.values));
        else expect(bits(ours.dataSync()), JSON.stringify(c)).toEqual(bits(original.values));
        ours.dispose();
      } finally {
        x.dispose();
      }
    }
  });

  it('the check above sees the order of the additions (another order gives other bits)', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const c: Case = { shape: [3000, 9], axis: 0 };
    const x = input(c, 7);
    const v = x.dataSync();
    // Rows summed backwards, in float32.
    const backwards = new Float32Array(9);
    for (let r = 2999; r >= 0; r--) for (let k = 0; k < 9; k++) backwards[k] += v[r * 9 + k]!;
    const ours = tf.sum(x, 0);
    expect(bits(ours.dataSync())).not.toEqual(bits(backwards));
    expect(maxAbsDiff(ours.dataSync(), backwards)).toBeLessThan(1);
    tf.dispose([x, ours]);
  });

  it('keeps infinities and signed zeros as the original does', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const x = tf.tensor2d([[-0, Infinity, 1, -0, 3e38, 1e-45, -1, 0], [-0, 1, -Infinity, 0, 3e38, 1e-45, 1, -0]]);
    const ours = tf.sum(x, 0);
    const original = runOriginalOnWasm('Sum', { x }, { axis: [0], keepDims: false });
    expect(bits(ours.dataSync())).toEqual(bits(original.values));
    expect(Array.from(ours.dataSync())).toEqual([0, Infinity, -Infinity, 0, Infinity, 2 * Math.fround(1e-45), 0, 0]);
    tf.dispose([x, ours]);
  });

  it('leaks no tensors and no backend data', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const x = input({ shape: [4, 7, 7, 32], axis: null }, 3);
    tf.dispose([tf.sum(x, [0, 1, 2]), tf.sum(x, [1, 2])]);
    const before = liveCount();
    tf.dispose(tf.tidy(() => [tf.sum(x, [0, 1, 2]), tf.sum(x, [0, 1, 2], true), tf.sum(x, [1, 2]), tf.sum(x, 3)]));
    expect(liveCount()).toEqual(before);
    x.dispose();
  });
});

/** The sum of `v` (of `shape`) over `axis` in float64, by multi-index (independent of any kernel). */
function referenceSum(v: ArrayLike<number>, shape: number[], axis: number | number[] | null): Float64Array {
  const axes = tf.util.parseAxisParam(axis ?? shape.map((_, i) => i), shape);
  const rank = shape.length;
  const kept = shape.map((_, k) => !axes.includes(k));
  const out = new Float64Array(shape.filter((_, k) => kept[k]).reduce((a, b) => a * b, 1));
  const idx = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < v.length; flat++) {
    let o = 0;
    for (let k = 0; k < rank; k++) if (kept[k]) o = o * shape[k]! + idx[k]!;
    out[o] += v[flat]!;
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

describeBackends('Sum over leading axes (parity)', (backend) => {
  it('agrees with a float64 reference', () => {
    for (const [i, c] of FAST.entries()) {
      const x = input(c, 200 + i);
      const got = tf.sum(x, c.axis ?? undefined, c.keepDims);
      const v = x.dataSync();
      const ref = referenceSum(v, c.shape, c.axis);
      let scale = 1;
      for (let k = 0; k < v.length; k++) scale = Math.max(scale, Math.abs(v[k]!));
      expect(maxAbsDiff(got.dataSync(), ref), `${backend} ${JSON.stringify(c)}`).toBeLessThanOrEqual(scale * 1e-6 * Math.sqrt(v.length));
      tf.dispose([x, got]);
    }
  });
});
