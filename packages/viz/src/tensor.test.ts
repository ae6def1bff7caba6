import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { fromTensor, fromTensorAsync, type AsyncTensorLike, type TensorLike } from './tensor.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

const fake = (shape: number[], data: ArrayLike<number>): TensorLike & AsyncTensorLike => ({
  shape,
  dataSync: () => data,
  data: async () => data,
});

describe('fromTensor', () => {
  it('accepts a real tfjs Tensor type structurally (no runtime import)', () => {
    expectTypeOf<Tensor>().toMatchTypeOf<TensorLike>();
    expectTypeOf<Tensor>().toMatchTypeOf<AsyncTensorLike>();
  });
  it('drops a leading batch dimension of 1 on rank >= 3 and converts to Float32Array', () => {
    const r = fromTensor(fake([1, 2, 2, 1], Int32Array.of(1, 2, 3, 4)));
    expect(r.shape).toEqual([2, 2, 1]);
    expect(r.values).toBeInstanceOf(Float32Array);
    expect(Array.from(r.values)).toEqual([1, 2, 3, 4]);
    expect(fromTensor(fake([2, 3], new Float32Array(6))).shape).toEqual([2, 3]);
  });
  it('takes one row with batchIndex', () => {
    const r = fromTensor(fake([2, 1, 3], Float32Array.of(0, 1, 2, 10, 11, 12)), { batchIndex: 1 });
    expect(r.shape).toEqual([1, 3]);
    expect(Array.from(r.values)).toEqual([10, 11, 12]);
  });
  it('rejects bad tensors', () => {
    expectVizError(() => fromTensor(null as never), 'INVALID_ARGUMENT', 'fromTensor: tensor');
    expectVizError(() => fromTensor({ shape: [2] } as never), 'INVALID_ARGUMENT', 'dataSync');
    expectVizError(() => fromTensor(fake([2, 2], new Float32Array(3))), 'SHAPE_MISMATCH', 'expected 4 for shape [2, 2]');
    expectVizError(() => fromTensor(fake([2, 2], new Float32Array(4)), { batchIndex: 2 }), 'INVALID_ARGUMENT', 'batchIndex');
    expectVizError(() => fromTensor({ shape: [1], dataSync: () => ['a'] } as never), 'INVALID_ARGUMENT', 'numeric');
  });
});

describe('fromTensorAsync', () => {
  it('reads with data()', async () => {
    const r = await fromTensorAsync({ shape: [1, 1, 2], data: async () => Float32Array.of(5, 6) });
    expect(r.shape).toEqual([1, 2]);
    expect(Array.from(r.values)).toEqual([5, 6]);
  });
  it('falls back to dataSync()', async () => {
    const r = await fromTensorAsync({ shape: [2], dataSync: () => [7, 8] });
    expect(Array.from(r.values)).toEqual([7, 8]);
  });
  it('rejects an object without data access', async () => {
    await expect(fromTensorAsync({ shape: [2] } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
