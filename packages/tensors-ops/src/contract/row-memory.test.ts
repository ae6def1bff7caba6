import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import { explainerRun, prepareExplainer } from './prepare-explainer.js';
import { MEASURED_BATCH_MEMORY_BUDGET, measureRowBytes } from './row-memory.js';

// A model whose forward pass on a row of D floats makes exactly two tensors of D float32 (x * c, then tanh of it)
// and one of 1 (the row's sum): 8 D + 4 bytes per row. c is made outside the model, so it is not the model's cost.
function model(c: tf.Tensor) {
  let calls = 0;
  const f = (x: tf.Tensor) => {
    calls++;
    return tf.sum(tf.tanh(tf.mul(x, c)), 1);
  };
  return { f, calls: () => calls };
}

describeBackends('measured memory of one row (the automatic batch size of any model)', () => {
  it('forward: the bytes of the tensors the pass makes, by their sizes; b rows cost b times one row; leaks nothing', async () => {
    const c = tf.scalar(0.5);
    const { f } = model(c);
    const d = 1000;
    const one = tf.ones([1, d]);
    const three = tf.ones([3, d]);
    await expectNoLeaks(() => {
      expect(measureRowBytes(f, one, 'forward')).toBe(8 * d + 4);
      expect(measureRowBytes(f, three, 'forward')).toBe(3 * (8 * d + 4));
    });
    // The backward pass keeps the forward's tensors and adds at least the gradient of x (D float32).
    const grad = measureRowBytes(f, one, 'gradients')!;
    expect(grad).toBeGreaterThanOrEqual(8 * d + 4 + 4 * d);
    tf.dispose([c, one, three]);
  });

  it('inside tf.profile too (the user profiling a call): same measure, and the outer profile keeps its kernels', async () => {
    const c = tf.scalar(0.5);
    const { f } = model(c);
    const one = tf.ones([1, 100]);
    let inner: number | null = null;
    const outer = await tf.profile(() => {
      tf.tidy(() => tf.neg(one));
      inner = measureRowBytes(f, one, 'forward');
    });
    expect(inner).toBe(8 * 100 + 4);
    expect(outer.kernelNames[0]).toBe('Neg');
    tf.dispose([c, one]);
  });

  it('null (never a throw) for a model that fails on the row or does not return a tensor', () => {
    const one = tf.ones([1, 4]);
    expect(measureRowBytes(() => { throw new Error('no'); }, one)).toBeNull();
    expect(measureRowBytes(() => 3 as never, one, 'forward')).toBeNull();
    expect(measureRowBytes(() => Promise.resolve(tf.ones([1])) as never, one, 'forward')).toBeNull();
    // Not differentiable: the gradient pass cannot be measured.
    expect(measureRowBytes((x) => tf.tensor1d([x.dataSync()[0]!]), one, 'gradients')).toBeNull();
    one.dispose();
  });

  it('an explainer without batchSize picks the most rows whose measured bytes fit the budget, probing once per model', async () => {
    const c = tf.scalar(0.5);
    const { f, calls } = model(c);
    // 2^21 floats a row: 8 * 2^21 + 4 bytes, just over 16 MiB, so 63 rows fit 1 GiB (64, the cap, would not).
    const d = 2 ** 21;
    const x = tf.ones([2, d]);
    const perRow = 8 * d + 4;
    const expected = Math.floor(MEASURED_BATCH_MEMORY_BUDGET / perRow);
    expect(expected).toBe(63);
    await expectNoLeaks(() => {
      const p = prepareExplainer(f, x, {}, 'test');
      expect(calls()).toBe(0); // nothing measured before a batch loop asks
      const run = explainerRun(p, undefined, 'test', 100);
      expect(run.batchFor(100, false, 'forward')).toBe(expected);
      expect(calls()).toBe(1);
      expect(run.batchFor(100, false, 'gradients')).toBeLessThan(expected);
      // The next call with the same model measures nothing again.
      const again = explainerRun(prepareExplainer(f, x, {}, 'test'), undefined, 'test', 100);
      const before = calls();
      expect(again.batchFor(100, false, 'forward')).toBe(expected);
      expect(calls()).toBe(before);
      // Fewer rows than fit: a loop still never asks for more than the contract's 64.
      expect(explainerRun(prepareExplainer((y: tf.Tensor) => tf.sum(y, 1), x, {}, 'test'), undefined, 'test', 100).batchFor(100, false, 'forward')).toBe(64);
      // An aborted call measures nothing (its loop rejects before any model call).
      const aborted = model(c);
      const stopped = explainerRun(prepareExplainer(aborted.f, x, {}, 'test'), { signal: AbortSignal.abort() }, 'test', 100);
      expect(stopped.batchFor(100, false, 'forward')).toBe(64);
      expect(aborted.calls()).toBe(0);
      // A given batchSize wins and nothing is measured.
      const given = prepareExplainer(model(c).f, x, { batchSize: 7 }, 'test');
      expect(given.measureRowBytes).toBeUndefined();
      expect(explainerRun(given, undefined, 'test', 100).batchFor(100, false)).toBe(7);
    });
    tf.dispose([c, x]);
  });
});
