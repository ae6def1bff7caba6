import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import {
  assertFloatTensor,
  assertNumber,
  assertOneOf,
  checkCommonOptions,
  checkInput,
  isBroadcastable,
  resolveBaseline,
  resolveFeatureMask,
} from './validate.js';

describeBackends('validation helpers', () => {
  it('checkInput accepts a finite float batch and names the problem otherwise', async () => {
    const x = tf.tensor2d([[1, 2]]);
    checkInput(x, 'fn');
    await expectGlassboxError(() => checkInput([1, 2], 'fn'), 'INVALID_ARGUMENT', /fn: x must be a float32 tensor, got \[1, 2\]/);
    const xi = tf.tensor2d([[1, 2]], undefined, 'int32');
    await expectGlassboxError(() => checkInput(xi, 'fn'), 'INVALID_ARGUMENT', /dtype int32/);
    const x1 = tf.tensor1d([1, 2]);
    await expectGlassboxError(() => checkInput(x1, 'fn'), 'SHAPE_MISMATCH', /rank >= 2.*\[2\]/);
    const xn = tf.tensor2d([[1, Number.NaN]]);
    await expectGlassboxError(() => checkInput(xn, 'fn'), 'NON_FINITE', /NaN at flat index 1/);
    const xinf = tf.tensor2d([[Infinity, 0]]);
    await expectGlassboxError(() => checkInput(xinf, 'fn'), 'NON_FINITE', /Infinity/);
    const disposed = tf.tensor2d([[1]]);
    disposed.dispose();
    await expectGlassboxError(() => assertFloatTensor(disposed, 'x', 'fn'), 'INVALID_ARGUMENT', /disposed/);
    tf.dispose([x, xi, x1, xn, xinf]);
  });

  it('resolveBaseline broadcasts numbers and tensors to x and rejects bad ones', async () => {
    const x = tf.ones([2, 3]);
    await expectNoLeaks(() => {
      const b0 = resolveBaseline(undefined, x, 'fn');
      expect(Array.from(b0.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
      const b1 = resolveBaseline(0.5, x, 'fn');
      expect(Array.from(b1.dataSync())).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
      const row = tf.tensor1d([1, 2, 3]);
      const b2 = resolveBaseline(row, x, 'fn');
      expect(b2.shape).toEqual([2, 3]);
      expect(Array.from(b2.dataSync())).toEqual([1, 2, 3, 1, 2, 3]);
      tf.dispose([b0, b1, b2, row]);
    });
    const bad = tf.ones([4]);
    await expectGlassboxError(() => resolveBaseline(bad, x, 'fn'), 'SHAPE_MISMATCH', /options\.baseline of shape \[4\] is not broadcastable to x's shape \[2, 3\]/);
    const nan = tf.tensor1d([0, Number.NaN, 0]);
    await expectGlassboxError(() => resolveBaseline(nan, x, 'fn'), 'NON_FINITE', /baseline/);
    await expectGlassboxError(() => resolveBaseline(Infinity, x, 'fn'), 'NON_FINITE', /baseline/);
    await expectGlassboxError(() => resolveBaseline('zero', x, 'fn'), 'INVALID_ARGUMENT', /baseline/);
    tf.dispose([x, bad, nan]);
  });

  it('resolveFeatureMask validates ids, shape and gaps', async () => {
    const dflt = resolveFeatureMask(undefined, [2, 2], 'fn');
    expect(dflt.numGroups).toBe(4);
    expect(Array.from(dflt.groups)).toEqual([0, 1, 2, 3]);
    const m = tf.tensor2d([[0, 1]], [1, 2], 'int32');
    const info = await expectNoLeaks(() => resolveFeatureMask(m, [3, 2], 'fn'));
    expect(Array.from(info.groups)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(info.numGroups).toBe(2);
    const withBatch = tf.tensor3d([[[0], [1], [1]]], [1, 3, 1], 'int32');
    expect(resolveFeatureMask(withBatch, [3, 1], 'fn').numGroups).toBe(2);
    const gap = tf.tensor1d([0, 2], 'int32');
    await expectGlassboxError(() => resolveFeatureMask(gap, [2], 'fn'), 'INVALID_ARGUMENT', /group 1 is missing/);
    const flt = tf.tensor1d([0, 1]);
    await expectGlassboxError(() => resolveFeatureMask(flt, [2], 'fn'), 'INVALID_ARGUMENT', /int32/);
    const wrong = tf.tensor1d([0, 1, 2], 'int32');
    await expectGlassboxError(() => resolveFeatureMask(wrong, [2], 'fn'), 'SHAPE_MISMATCH', /featureMask of shape \[3\]/);
    await expectGlassboxError(() => resolveFeatureMask([0, -1], [2], 'fn'), 'INVALID_ARGUMENT', /integers >= 0/);
    await expectGlassboxError(() => resolveFeatureMask([0, 1, 2], [2], 'fn'), 'SHAPE_MISMATCH', /3 elements, expected 2/);
    tf.dispose([m, withBatch, gap, flt, wrong]);
  });
});

it('assertNumber, assertOneOf and checkCommonOptions name the option', async () => {
  expect(assertNumber(3, 'options.steps', 'ig', { integer: true, min: 1 })).toBe(3);
  await expectGlassboxError(() => assertNumber(0, 'options.steps', 'ig', { integer: true, min: 1 }), 'INVALID_ARGUMENT', /ig: options\.steps must be an integer >= 1, got 0/);
  await expectGlassboxError(() => assertNumber(2.5, 'options.steps', 'ig', { integer: true }), 'INVALID_ARGUMENT', /got 2\.5/);
  await expectGlassboxError(() => assertNumber(Number.NaN, 'options.stdev', 'nt', { min: 0 }), 'INVALID_ARGUMENT', /got NaN/);
  expect(assertOneOf('a', ['a', 'b'], 'options.method', 'ig')).toBe('a');
  await expectGlassboxError(() => assertOneOf('c', ['a', 'b'], 'options.method', 'ig'), 'INVALID_ARGUMENT', /one of 'a', 'b', got "c"/);
  expect(checkCommonOptions({}, 'fn')).toEqual({ batchSize: 64, seed: 0 });
  await expectGlassboxError(() => checkCommonOptions({ batchSize: 0 }, 'fn'), 'INVALID_ARGUMENT', /options\.batchSize/);
  await expectGlassboxError(() => checkCommonOptions({ seed: -3 }, 'fn'), 'INVALID_ARGUMENT', /options\.seed/);
  await expectGlassboxError(() => checkCommonOptions({ onProgress: 3 }, 'fn'), 'INVALID_ARGUMENT', /options\.onProgress/);
  await expectGlassboxError(() => checkCommonOptions({ signal: {} }, 'fn'), 'INVALID_ARGUMENT', /options\.signal/);
  expect(isBroadcastable([1, 3], [2, 3])).toBe(true);
  expect(isBroadcastable([2], [2, 3])).toBe(false);
});
