import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { computeOn } from '../testing-internal/parity-helpers.js';
import { expectRelClose, lcgValues } from '../testing-internal/reference-blocks.js';
import { embedding, positionalEmbedding } from './embedding.js';

const V = 5;
const D = 3;
const tableValues = lcgValues(11, V * D);
// Repeated ids (3 three times, 0 twice), as in real text.
const idRows = [
  [3, 0, 3, 1],
  [4, 3, 0, 2],
];

describeBackends('embedding', () => {
  it('picks row ids[n, t] of the table', async () => {
    await expectNoLeaks(() => {
      const ids = tf.tensor2d(idRows, [2, 4], 'int32');
      const table = tf.tensor2d(tableValues, [V, D]);
      const e = embedding(ids, table);
      expect(e.shape).toEqual([2, 4, D]);
      const want = idRows.flat().flatMap((id) => tableValues.slice(id * D, (id + 1) * D));
      expectTensorClose(e, want, 0);
      // Any rank of ids: a single sequence [T] -> [T, D].
      const pair = tf.tensor1d([2, 2], 'int32');
      const one = embedding(pair, table);
      expect(one.shape).toEqual([2, D]);
      tf.dispose([ids, table, e, pair, one]);
    });
  });

  it("adds up the gradients of repeated ids in the table's gradient (gather -> UnsortedSegmentSum)", async () => {
    await expectNoLeaks(() => {
      const ids = tf.tensor2d(idRows, [2, 4], 'int32');
      const table = tf.tensor2d(tableValues, [V, D]);
      const wValues = lcgValues(12, 2 * 4 * D);
      const w = tf.tensor3d(wValues, [2, 4, D]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embedding(ids, t), w)))(table);
      // d/dtable[v] = sum of w[n, t, :] over the positions with ids[n, t] = v; untouched rows get 0.
      const want = new Array<number>(V * D).fill(0);
      idRows.flat().forEach((id, pos) => {
        for (let d = 0; d < D; d++) want[id * D + d] += wValues[pos * D + d]!;
      });
      expectTensorClose(g, want, 1e-6);
      tf.dispose([ids, table, w, g]);
    });
  });

  it('positionalEmbedding takes the first T rows; its gradient reaches only them', async () => {
    await expectNoLeaks(() => {
      const table = tf.tensor2d(tableValues, [V, D]);
      const p = positionalEmbedding(3, table);
      expectTensorClose(p, tableValues.slice(0, 3 * D), 0);
      const w = tf.tensor2d(lcgValues(13, 3 * D), [3, D]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(positionalEmbedding(3, t), w)))(table);
      expectTensorClose(g, [...lcgValues(13, 3 * D), ...new Array<number>((V - 3) * D).fill(0)], 1e-7);
      tf.dispose([table, p, w, g]);
    });
  });

  it('refuses bad ids and tables', async () => {
    const table = tf.tensor2d(tableValues, [V, D]);
    const floatIds = tf.tensor2d([[1, 2]]);
    const high = tf.tensor2d([[1, 5]], [1, 2], 'int32');
    const negative = tf.tensor1d([0, -1], 'int32');
    const vector = tf.tensor1d([1, 2, 3]);
    const ok = tf.tensor1d([1], 'int32');
    await expectGlassboxError(() => embedding(floatIds, table), 'INVALID_ARGUMENT', /ids must be an int32 tensor of token ids, got dtype float32/);
    await expectGlassboxError(() => embedding(high, table), 'INVALID_ARGUMENT', /ids must lie in \[0, 5\).*got 5 at flat index 1/);
    await expectGlassboxError(() => embedding(negative, table), 'INVALID_ARGUMENT', /got -1 at flat index 1/);
    await expectGlassboxError(() => embedding(ok, vector), 'SHAPE_MISMATCH', /table must have rank 2/);
    await expectGlassboxError(() => embedding([1] as never, table), 'INVALID_ARGUMENT', /ids must be an int32 tensor/);
    await expectGlassboxError(() => positionalEmbedding(6, table), 'INVALID_ARGUMENT', /length must be an integer >= 1 <= 5, got 6/);
    await expectGlassboxError(() => positionalEmbedding(0, table), 'INVALID_ARGUMENT', /length/);
    tf.dispose([table, floatIds, high, negative, vector, ok]);
  });
});

describe('embedding gradients: wasm equals cpu', () => {
  it('table gradient with repeated ids (1e-4 relative)', async () => {
    const run = (): tf.Tensor[] => {
      // 64 positions over a vocabulary of 7: every id repeats many times.
      const ids = tf.tensor2d(Array.from({ length: 64 }, (_, i) => (i * 5 + (i >> 3)) % 7), [8, 8], 'int32');
      const table = tf.tensor2d(lcgValues(21, 7 * 6), [7, 6]);
      const pos = tf.tensor2d(lcgValues(22, 10 * 6), [10, 6]);
      const w = tf.tensor3d(lcgValues(23, 8 * 8 * 6), [8, 8, 6]);
      const f = (t: tf.Tensor, p: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.tanh(tf.add(embedding(ids, t), positionalEmbedding(8, p))), w));
      return tf.grads(f)([table, pos]);
    };
    const cpu = await computeOn('cpu', run);
    const wasm = await computeOn('wasm', run);
    expectRelClose(wasm.values[0]!, cpu.values[0]!, 1e-4, 'token table');
    expectRelClose(wasm.values[1]!, cpu.values[1]!, 1e-4, 'positional table');
  });
});
