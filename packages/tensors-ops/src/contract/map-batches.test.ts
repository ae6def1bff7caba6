import { expect, it, vi } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { forEachBatch, mapBatches } from './map-batches.js';
import { asForward } from './as-forward.js';

const W = tf.tensor2d([
  [1, -1],
  [2, 0.5],
  [0, 3],
]);
const linear = (x: tf.Tensor) => tf.matMul(x, W);

describeBackends('mapBatches', () => {
  it('gives the same result for every batch size and calls the model once per batch', async () => {
    const x = tf.tensor2d(Array.from({ length: 10 * 3 }, (_, i) => (i % 7) - 3), [10, 3]);
    const whole = tf.tidy(() => linear(x));
    for (const batchSize of [1, 3, 4, 10, 64]) {
      const calls: number[] = [];
      const spy = (b: tf.Tensor) => {
        calls.push(b.shape[0]!);
        return linear(b);
      };
      const out = await expectNoLeaks(async () => {
        const o = await mapBatches(spy, x, { batchSize });
        const v = Array.from(o.dataSync());
        o.dispose();
        return v;
      });
      expect(out).toEqual(Array.from(whole.dataSync()));
      expect(calls.length).toBe(Math.ceil(10 / batchSize));
      expect(Math.max(...calls)).toBeLessThanOrEqual(batchSize);
    }
    tf.dispose([x, whole]);
  });

  it('reports progress after each batch and accepts a RowSource', async () => {
    const progress = vi.fn();
    const src = { rows: 5, get: (s: number, e: number) => tf.fill([e - s, 3], s) };
    const out = await mapBatches({ predict: linear }, src, { batchSize: 2, onProgress: progress });
    expect(out.shape).toEqual([5, 2]);
    expect(progress.mock.calls).toEqual([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
    expect(Array.from(out.dataSync()).slice(0, 2)).toEqual([0, 0]);
    out.dispose();
  });

  it('checks the model output batch size and dtype without leaking', async () => {
    const x = tf.zeros([4, 3]);
    await expectGlassboxError(() => mapBatches((b) => tf.slice(linear(b), 0, 1), x, { batchSize: 2 }), 'SHAPE_MISMATCH', /for a batch of 2 rows/);
    await expectGlassboxError(() => mapBatches((b) => tf.cast(linear(b), 'int32'), x), 'INVALID_ARGUMENT', /float32/);
    await expectGlassboxError(
      () =>
        mapBatches(
          () => {
            throw new Error('boom');
          },
          x,
        ).catch((e: Error) => {
          // A model that throws: its error passes through unchanged; rethrow as Glassbox to reuse the leak check.
          expect(e.message).toBe('boom');
          throw Object.assign(new Error('wrapped'), { name: 'GlassboxError', code: 'INVALID_ARGUMENT' });
        }),
      'INVALID_ARGUMENT',
    );
    x.dispose();
  });

  it('aborts between batches with ABORTED and leaks nothing', async () => {
    const x = tf.zeros([8, 3]);
    const ctrl = new AbortController();
    let calls = 0;
    await expectGlassboxError(
      () =>
        mapBatches(
          (b) => {
            calls++;
            if (calls === 2) ctrl.abort();
            return linear(b);
          },
          x,
          { batchSize: 2, signal: ctrl.signal },
        ),
      'ABORTED',
    );
    expect(calls).toBe(2);
    const pre = new AbortController();
    pre.abort();
    await expectGlassboxError(() => mapBatches(linear, x, { signal: pre.signal }), 'ABORTED');
    x.dispose();
  });
});

it('forEachBatch walks chunks in order and validates its arguments', async () => {
  const seen: Array<[number, number]> = [];
  await forEachBatch(7, (s, e) => void seen.push([s, e]), { batchSize: 3 });
  expect(seen).toEqual([
    [0, 3],
    [3, 6],
    [6, 7],
  ]);
  await expectGlassboxError(() => forEachBatch(3, () => {}, { batchSize: 0 }), 'INVALID_ARGUMENT', /batchSize/);
});

it('asForward accepts functions and predictables only', async () => {
  const f = (x: tf.Tensor) => x;
  expect(asForward(f)).toBe(f);
  const x = tf.ones([1, 1]);
  const y = asForward({ predict: (v: tf.Tensor) => tf.mul(v, 2) })(x);
  expect(Array.from(y.dataSync())).toEqual([2]);
  await expectGlassboxError(() => asForward({} as never), 'INVALID_ARGUMENT', /predict/);
  await expectGlassboxError(() => asForward({ predict: () => [x, x] } as never)(x), 'INVALID_ARGUMENT', /one tensor/);
  tf.dispose([x, y]);
});
