import { describe, expect, it } from 'vitest';
import { tf } from './tf.js';
import { createRng, randomNormal, randomUniform } from './rng.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from './testing/index.js';

describe('createRng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const sa = Array.from({ length: 20 }, () => a.nextUint32());
    const sb = Array.from({ length: 20 }, () => b.nextUint32());
    const sc = Array.from({ length: 20 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('draws uniforms in [0, 1) with the right mean and variance', () => {
    const rng = createRng(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      s += u;
      s2 += u * u;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    const mean = s / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(s2 / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const v = createRng(2).normalArray(200_000);
    let s = 0;
    let s2 = 0;
    for (const x of v) {
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / v.length)).toBeLessThan(0.01);
    expect(Math.abs(s2 / v.length - 1)).toBeLessThan(0.01);
  });

  it('makes permutations and subsets without repeats', () => {
    const rng = createRng(3);
    const p = rng.permutation(50);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const s = rng.subset(1000, 100);
    expect(new Set(s).size).toBe(100);
    expect(Math.max(...s)).toBeLessThan(1000);
    expect(Math.min(...s)).toBeGreaterThanOrEqual(0);
  });

  it('int(n) is unbiased enough over a small range', () => {
    const rng = createRng(4);
    const counts = new Array(3).fill(0);
    for (let i = 0; i < 30_000; i++) counts[rng.int(3)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('fork gives an independent stream and does not advance the parent', () => {
    const a = createRng(5);
    const b = createRng(5);
    const f = a.fork(1);
    expect(a.nextUint32()).toBe(b.nextUint32());
    expect(f.nextUint32()).not.toBe(createRng(5).fork(2).nextUint32());
  });

  it('rejects bad seeds', async () => {
    await expectGlassboxError(() => createRng(-1), 'INVALID_ARGUMENT', /seed/);
    await expectGlassboxError(() => createRng(1.5), 'INVALID_ARGUMENT', /seed/);
    await expectGlassboxError(() => createRng(Number.NaN), 'INVALID_ARGUMENT', /seed/);
  });
});

describeBackends('random tensors', (backend) => {
  it(`are identical across backends (${backend})`, async () => {
    await expectNoLeaks(() => {
      const t = randomNormal([3, 4], { seed: 11, stdev: 2 });
      const expected = createRng(11).normalArray(12, 0, 2);
      expect(Array.from(t.dataSync())).toEqual(Array.from(expected));
      t.dispose();
      const u = randomUniform([5], { seed: 3, min: -1, max: 1 });
      expect(Array.from(u.dataSync())).toEqual(Array.from(createRng(3).uniformArray(5, -1, 1)));
      u.dispose();
    });
    expect(tf.getBackend()).toBe(backend);
  });

  it('reject bad arguments', async () => {
    await expectGlassboxError(() => randomNormal([2, -1], { seed: 1 }), 'INVALID_ARGUMENT', /shape/);
    await expectGlassboxError(() => randomNormal([2], { seed: 1, stdev: -1 }), 'INVALID_ARGUMENT', /stdev/);
  });
});
