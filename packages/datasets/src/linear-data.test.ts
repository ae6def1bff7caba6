import { describe, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { linearData, linearDataArrays } from './linear-data.js';

describe('linearDataArrays', () => {
  it('satisfies y = Xw + b exactly (up to float32 rounding) when noise is 0', () => {
    const { x, y, weights, bias, shape } = linearDataArrays({ n: 200, d: 6, seed: 3 });
    expect(shape).toEqual([200, 6]);
    expect(x.length).toBe(1200);
    expect(weights.length).toBe(6);
    for (let i = 0; i < 200; i++) {
      let s = bias;
      for (let j = 0; j < 6; j++) s += x[i * 6 + j]! * weights[j]!;
      expect(y[i]).toBe(Math.fround(s));
    }
  });

  it('uses the given coefficients', () => {
    const { x, y, weights, bias } = linearDataArrays({ n: 10, d: 3, weights: [1, -2, 0.5], bias: 4 });
    expect([...weights]).toEqual([1, -2, 0.5]);
    expect(bias).toBe(4);
    for (let i = 0; i < 10; i++) expect(y[i]).toBeCloseTo(x[3 * i]! - 2 * x[3 * i + 1]! + 0.5 * x[3 * i + 2]! + 4, 5);
  });

  it('is deterministic, and the coefficients and rows do not depend on n', () => {
    const a = linearDataArrays({ n: 50, d: 4, seed: 9, noise: 0.1 });
    const b = linearDataArrays({ n: 50, d: 4, seed: 9, noise: 0.1 });
    expect(b).toEqual(a);
    const c = linearDataArrays({ n: 80, d: 4, seed: 9 });
    expect(c.weights).toEqual(a.weights);
    expect(c.bias).toBe(a.bias);
    expect(c.x.subarray(0, 200)).toEqual(a.x);
    const other = linearDataArrays({ n: 50, d: 4, seed: 10 });
    expect(other.weights).not.toEqual(a.weights);
  });

  it('adds Gaussian noise of standard deviation `noise`', () => {
    const noise = 0.5;
    const { x, y, weights, bias } = linearDataArrays({ n: 20000, d: 2, seed: 1, noise });
    let ss = 0;
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const r = y[i]! - (x[2 * i]! * weights[0]! + x[2 * i + 1]! * weights[1]! + bias);
      sum += r;
      ss += r * r;
    }
    const mean = sum / 20000;
    const sd = Math.sqrt(ss / 20000 - mean * mean);
    // Fixed seed: these bounds hold for this draw (about 5 standard errors wide).
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - noise)).toBeLessThan(0.015);
  });

  it('rejects bad options with INVALID_ARGUMENT naming the argument', async () => {
    const bad: [unknown, RegExp][] = [
      [undefined, /linearDataArrays: options must be an object/],
      [{ d: 2 }, /options.n must be an integer >= 1, got undefined/],
      [{ n: 0, d: 2 }, /options.n must be an integer >= 1, got 0/],
      [{ n: 5, d: 0 }, /options.d must be an integer >= 1, got 0/],
      [{ n: 5, d: 2, noise: -1 }, /options.noise must be a finite number >= 0, got -1/],
      [{ n: 5, d: 2, seed: -3 }, /options.seed must be an integer >= 0/],
      [{ n: 5, d: 2, weights: [1] }, /options.weights must be 2 finite numbers \(options.d\), got \[1\]/],
      [{ n: 5, d: 2, weights: [1, NaN] }, /options.weights must be 2 finite numbers/],
      [{ n: 5, d: 2, bias: Infinity }, /options.bias must be a finite number, got Infinity/],
    ];
    for (const [options, message] of bad) {
      await expectGlassboxError(() => linearDataArrays(options as never), 'INVALID_ARGUMENT', message);
    }
  });
});

describeBackends('linearData', () => {
  it('gives x float32 [n, d] with tf.matMul(x, w) + b = y', async () => {
    await expectNoLeaks(() => {
      const { x, y, weights, bias } = linearData({ n: 64, d: 5, seed: 11 });
      expect(x.shape).toEqual([64, 5]);
      expect(x.dtype).toBe('float32');
      const pred = tf.tidy(() => tf.add(tf.reshape(tf.matMul(x, tf.tensor2d(weights, [5, 1])), [64]), bias));
      const p = pred.dataSync();
      for (let i = 0; i < 64; i++) expect(Math.abs(p[i]! - y[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(y[i]!)));
      tf.dispose([x, pred]);
    });
  });

  it('creates no tensor when the options are bad', async () => {
    await expectGlassboxError(() => linearData({ n: 0, d: 3 }), 'INVALID_ARGUMENT', /linearData: options.n/);
  });
});
