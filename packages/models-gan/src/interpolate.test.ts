import { describe, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { interpolateLatents } from './interpolate.js';

describe('interpolateLatents', () => {
  it('linear: evenly spaced points from z0 to z1', async () => {
    const z0 = tf.tensor1d([0, 2, -4]);
    const z1 = tf.tensor2d([[4, 2, 0]]);
    await expectNoLeaks(() => interpolateLatents(z0, z1, 5).dispose());
    const path = interpolateLatents(z0, z1, 5);
    expect(path.arraySync()).toEqual([
      [0, 2, -4],
      [1, 2, -3],
      [2, 2, -2],
      [3, 2, -1],
      [4, 2, 0],
    ]);
    tf.dispose([z0, z1, path]);
  });

  it('slerp: stays on the sphere between two codes of the same norm (linear cuts through it)', () => {
    const z0 = tf.tensor1d([3, 0]);
    const z1 = tf.tensor1d([0, 3]);
    const s = interpolateLatents(z0, z1, 3, { method: 'slerp' }).arraySync() as number[][];
    expect(s[1]![0]).toBeCloseTo(3 / Math.SQRT2, 5);
    expect(s[1]![1]).toBeCloseTo(3 / Math.SQRT2, 5);
    const l = interpolateLatents(z0, z1, 3).arraySync() as number[][];
    expect(Math.hypot(...l[1]!)).toBeCloseTo(3 / Math.SQRT2, 5);
    // Parallel codes: slerp falls back to linear.
    const z2 = tf.tensor1d([6, 0]);
    expect(interpolateLatents(z0, z2, 3, { method: 'slerp' }).arraySync()).toEqual([[3, 0], [4.5, 0], [6, 0]]);
    tf.dispose([z0, z1, z2]);
  });

  it('linearTail: the last entries (a one-hot class) move linearly under slerp', () => {
    const z0 = tf.tensor1d([3, 0, 1, 0]);
    const z1 = tf.tensor1d([0, 3, 0, 1]);
    const s = interpolateLatents(z0, z1, 3, { method: 'slerp', linearTail: 2 }).arraySync() as number[][];
    expect(s[1]![0]).toBeCloseTo(3 / Math.SQRT2, 5);
    expect(s[1]!.slice(2)).toEqual([0.5, 0.5]);
  });

  it('checks its arguments', async () => {
    const z = tf.zeros([3]);
    const z2 = tf.zeros([2, 3]);
    const z4 = tf.zeros([4]);
    const nan = tf.tensor1d([Number.NaN, 0, 0]);
    await expectGlassboxError(() => interpolateLatents(z, z2, 3), 'SHAPE_MISMATCH', /z1 must have shape \[3\] or \[1, 3\]/);
    await expectGlassboxError(() => interpolateLatents(z, z4, 3), 'SHAPE_MISMATCH', /z1/);
    await expectGlassboxError(() => interpolateLatents(z, z, 1), 'INVALID_ARGUMENT', /steps/);
    await expectGlassboxError(() => interpolateLatents(z, z, 2.5), 'INVALID_ARGUMENT', /steps/);
    await expectGlassboxError(() => interpolateLatents(z, nan, 2), 'NON_FINITE', /z1/);
    await expectGlassboxError(() => interpolateLatents(z, z, 2, { method: 'x' as never }), 'INVALID_ARGUMENT', /method/);
    await expectGlassboxError(() => interpolateLatents(z, z, 2, { linearTail: 4 }), 'INVALID_ARGUMENT', /linearTail/);
    tf.dispose([z, z2, z4, nan]);
  });
});
