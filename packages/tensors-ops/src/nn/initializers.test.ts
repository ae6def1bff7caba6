import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import {
  TRUNCATED_NORMAL_STDDEV,
  computeFans,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  initialize,
  initializerValues,
  onesInitializer,
  zerosInitializer,
} from './initializers.js';

function stats(v: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    s += v[i]!;
    min = Math.min(min, v[i]!);
    max = Math.max(max, v[i]!);
  }
  const mean = s / v.length;
  let q = 0;
  for (let i = 0; i < v.length; i++) q += (v[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(q / v.length), min, max };
}

describe('computeFans', () => {
  it('follows the Keras convention', () => {
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(computeFans([20, 30])).toEqual({ fanIn: 20, fanOut: 30 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
  });
});

describe('initializer statistics', () => {
  // [200, 300]: fanIn 200, fanOut 300, 60000 draws; the seed is fixed, so nothing depends on luck.
  const shape = [200, 300];
  const glorotVar = 2 / 500;
  const heVar = 2 / 200;

  it('glorotUniform: U[-sqrt(6/(fanIn+fanOut)), +limit), variance limit^2/3', () => {
    const limit = Math.sqrt(6 / 500);
    const s = stats(initializerValues('glorotUniform', shape, 1));
    expect(s.min).toBeGreaterThanOrEqual(-Math.fround(limit));
    expect(s.max).toBeLessThanOrEqual(Math.fround(limit));
    expect(s.max).toBeGreaterThan(0.99 * limit);
    expect(s.min).toBeLessThan(-0.99 * limit);
    expect(Math.abs(s.mean)).toBeLessThan(0.01 * limit);
    expect(s.std).toBeCloseTo(Math.sqrt(glorotVar), 3);
  });

  it('heUniform: limit sqrt(6/fanIn)', () => {
    const limit = Math.sqrt(6 / 200);
    const s = stats(initializerValues('heUniform', shape, 2));
    expect(s.max).toBeLessThanOrEqual(Math.fround(limit));
    expect(s.min).toBeLessThan(-0.99 * limit);
    expect(s.std / Math.sqrt(heVar)).toBeGreaterThan(0.98);
    expect(s.std / Math.sqrt(heVar)).toBeLessThan(1.02);
  });

  it('glorotNormal and heNormal: truncated at 2 corrected stdevs, variance as in the papers', () => {
    for (const [name, variance, seed] of [
      ['glorotNormal', glorotVar, 3],
      ['heNormal', heVar, 4],
    ] as const) {
      const s = stats(initializerValues(name, shape, seed));
      const bound = (2 * Math.sqrt(variance)) / TRUNCATED_NORMAL_STDDEV;
      expect(s.max).toBeLessThanOrEqual(bound * (1 + 1e-6));
      expect(s.min).toBeGreaterThanOrEqual(-bound * (1 + 1e-6));
      expect(s.max).toBeGreaterThan(0.95 * bound);
      expect(Math.abs(s.mean)).toBeLessThan(0.02 * Math.sqrt(variance));
      expect(s.std / Math.sqrt(variance)).toBeGreaterThan(0.98);
      expect(s.std / Math.sqrt(variance)).toBeLessThan(1.02);
    }
  });

  it('the truncated normal constant is the stdev of N(0,1) truncated to [-2, 2]', () => {
    // Var = 1 - 2*2*phi(2) / (2*Phi(2) - 1), computed independently.
    const phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    const massWithin = 0.9544997361036416; // P(|Z| <= 2)
    expect(Math.sqrt(1 - (4 * phi2) / massWithin)).toBeCloseTo(TRUNCATED_NORMAL_STDDEV, 12);
  });

  it('is deterministic: same seed same values, other seed other values', () => {
    const a = initializerValues('glorotUniform', [10, 10], 9);
    const b = initializerValues('glorotUniform', [10, 10], 9);
    const c = initializerValues('glorotUniform', [10, 10], 10);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('zeros and ones', () => {
    expect(Array.from(initializerValues('zeros', [2, 2]))).toEqual([0, 0, 0, 0]);
    expect(Array.from(initializerValues('ones', [3]))).toEqual([1, 1, 1]);
  });

  it('refuses bad arguments', async () => {
    await expectGlassboxError(() => initializerValues('orthogonal' as never, [2]), 'INVALID_ARGUMENT', /name must be one of/);
    await expectGlassboxError(() => initializerValues('zeros', [2, -1]), 'INVALID_ARGUMENT', /shape/);
    await expectGlassboxError(() => initializerValues('zeros', [2.5]), 'INVALID_ARGUMENT', /shape/);
    await expectGlassboxError(() => glorotUniform([2, 2], -1), 'INVALID_ARGUMENT', /seed/);
    await expectGlassboxError(() => heNormal([2, 2], 1.5), 'INVALID_ARGUMENT', /seed/);
  });
});

describeBackends('initializer tensors', () => {
  it('hold exactly the JS values, with the right shape and dtype, and do not leak', async () => {
    await expectNoLeaks(() => {
      const fns = [
        [glorotUniform, 'glorotUniform'],
        [glorotNormal, 'glorotNormal'],
        [heUniform, 'heUniform'],
        [heNormal, 'heNormal'],
      ] as const;
      for (const [fn, name] of fns) {
        const t = fn([3, 3, 2, 4], 5);
        expect(t.shape).toEqual([3, 3, 2, 4]);
        expect(t.dtype).toBe('float32');
        expect(Array.from(t.dataSync())).toEqual(Array.from(initializerValues(name, [3, 3, 2, 4], 5)));
        t.dispose();
      }
      const z = zerosInitializer([2, 3]);
      const o = onesInitializer([4]);
      const i = initialize('ones', []);
      expect(Array.from(z.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
      expect(Array.from(o.dataSync())).toEqual([1, 1, 1, 1]);
      expect(i.shape).toEqual([]);
      tf.dispose([z, o, i]);
    });
  });
});

describe('initializers across backends', () => {
  it('give the same values on cpu and wasm', async () => {
    const read = async (backend: 'cpu' | 'wasm') => {
      await initBackend({ backend, fallback: false });
      const t = heNormal([16, 8], 123);
      const u = glorotUniform([3, 3, 4, 2], 123);
      const out = [Array.from(t.dataSync()), Array.from(u.dataSync())];
      tf.dispose([t, u]);
      return out;
    };
    const cpu = await read('cpu');
    const wasm = await read('wasm');
    expect(wasm).toEqual(cpu);
  });
});
