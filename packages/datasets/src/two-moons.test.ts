import { describe, expect, it } from 'vitest';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { twoMoons, twoMoonsArrays } from './two-moons.js';

describe('twoMoonsArrays', () => {
  it('puts floor(n/2) points on the upper moon (label 0) and the rest on the lower moon (label 1)', () => {
    const { x, y, shape } = twoMoonsArrays({ n: 101, seed: 2 });
    expect(shape).toEqual([101, 2]);
    expect(x.length).toBe(202);
    expect(y.filter((l) => l === 0).length).toBe(50);
    expect(y.filter((l) => l === 1).length).toBe(51);
    for (let i = 0; i < 101; i++) {
      const [a, b] = [x[2 * i]!, x[2 * i + 1]!];
      if (y[i] === 0) {
        expect(Math.hypot(a, b)).toBeCloseTo(1, 6);
        expect(b).toBeGreaterThanOrEqual(-1e-7);
      } else {
        expect(Math.hypot(a - 1, b - 0.5)).toBeCloseTo(1, 6);
        expect(b).toBeLessThanOrEqual(0.5 + 1e-7);
      }
    }
  });

  it('keeps the angle order with shuffle: false, as scikit-learn make_moons(shuffle=False)', () => {
    const { x, y } = twoMoonsArrays({ n: 6, shuffle: false });
    expect([...y]).toEqual([0, 0, 0, 1, 1, 1]);
    const expected = [1, 0, 0, 1, -1, 0, 0, 0.5, 1, -0.5, 2, 0.5];
    expected.forEach((v, i) => expect(x[i]).toBeCloseTo(v, 6));
  });

  it('is deterministic per seed and shuffles by default', () => {
    const a = twoMoonsArrays({ n: 40, noise: 0.1, seed: 5 });
    expect(twoMoonsArrays({ n: 40, noise: 0.1, seed: 5 })).toEqual(a);
    expect(twoMoonsArrays({ n: 40, noise: 0.1, seed: 6 }).x).not.toEqual(a.x);
    expect([...a.y]).not.toEqual([...a.y].sort());
    const one = twoMoonsArrays({ n: 1 });
    expect([...one.y]).toEqual([1]);
  });

  it('adds noise of the given size', () => {
    const { x, y } = twoMoonsArrays({ n: 4000, noise: 0.1, seed: 1 });
    let off = 0;
    for (let i = 0; i < 4000; i++) {
      const r = y[i] === 0 ? Math.hypot(x[2 * i]!, x[2 * i + 1]!) : Math.hypot(x[2 * i]! - 1, x[2 * i + 1]! - 0.5);
      off += Math.abs(r - 1);
    }
    const meanOff = off / 4000; // about 0.1 * sqrt(2/pi) = 0.08 for radial noise
    expect(meanOff).toBeGreaterThan(0.06);
    expect(meanOff).toBeLessThan(0.1);
  });

  it('rejects bad options with INVALID_ARGUMENT naming the argument', async () => {
    await expectGlassboxError(() => twoMoonsArrays({ n: 0 }), 'INVALID_ARGUMENT', /twoMoonsArrays: options.n must be an integer >= 1, got 0/);
    await expectGlassboxError(() => twoMoonsArrays({ n: 10, noise: -0.1 }), 'INVALID_ARGUMENT', /options.noise must be a finite number >= 0/);
    await expectGlassboxError(() => twoMoonsArrays({ n: 10, shuffle: 'yes' as never }), 'INVALID_ARGUMENT', /options.shuffle must be true or false, got "yes"/);
    await expectGlassboxError(() => twoMoonsArrays({ n: 10, seed: 1.5 }), 'INVALID_ARGUMENT', /options.seed must be an integer/);
  });
});

describeBackends('twoMoons', () => {
  it('gives x float32 [n, 2] equal to the typed-array form, leaking nothing', async () => {
    const arrays = twoMoonsArrays({ n: 30, noise: 0.05, seed: 4 });
    await expectNoLeaks(() => {
      const { x, y } = twoMoons({ n: 30, noise: 0.05, seed: 4 });
      expect(x.shape).toEqual([30, 2]);
      expect(x.dtype).toBe('float32');
      expect([...x.dataSync()]).toEqual([...arrays.x]);
      expect([...y]).toEqual([...arrays.y]);
      x.dispose();
    });
    await expectGlassboxError(() => twoMoons({ n: -1 }), 'INVALID_ARGUMENT', /twoMoons: options.n/);
  });
});
