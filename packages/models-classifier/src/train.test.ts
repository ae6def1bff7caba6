import { describe, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { shapes, twoMoons } from '@glassbox/datasets';
import { createCnn, createMlp, type Classifier } from './classifier.js';
import { shiftedBatch, train } from './train.js';

function weightsOf(model: Classifier): Map<string, Float32Array> {
  return new Map([...model.network.params].map(([k, v]) => [k, v.dataSync().slice() as Float32Array]));
}

function expectSameWeights(model: Classifier, expected: Map<string, Float32Array>): void {
  for (const [k, v] of model.network.params) expect(Array.from(v.dataSync()), k).toEqual(Array.from(expected.get(k)!));
}

describe('shiftedBatch (the shift augmentation)', () => {
  it('moves each image by its own (dy, dx) with zero fill', () => {
    // Two 3x3 one-channel images: 1..9 and 11..19; draws (as Rng.int results) 2,0 then 0,1 with shift 1:
    // image 0 moves by (dy, dx) = (1, -1), image 1 by (-1, 0).
    const data = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const draws = [2, 0, 0, 1];
    const rng = { int: () => draws.shift()! } as never;
    const out = shiftedBatch(data, Int32Array.from([1, 0]), [3, 3, 1], 1, rng);
    // Row 0 of the batch is image 1 moved by (dy, dx) = (1, -1): out[y][x] = in[y - 1][x + 1].
    expect(Array.from(out.subarray(0, 9))).toEqual([0, 0, 0, 12, 13, 0, 15, 16, 0]);
    // Row 1 is image 0 moved by (-1, 0): out[y][x] = in[y + 1][x].
    expect(Array.from(out.subarray(9))).toEqual([4, 5, 6, 7, 8, 9, 0, 0, 0]);
  });
});

describeBackends('train', () => {
  it('lowers the loss of an MLP on two moons, without leaking, and reports every batch and epoch', async () => {
    const data = twoMoons({ n: 96, noise: 0.1, seed: 1 });
    const mlp = createMlp({ inputSize: 2, classes: 2, hidden: [16, 16], seed: 1 });
    const before = await mlp.evaluate(data.x, data.y);
    const batches: number[] = [];
    const epochs: number[] = [];
    const history = await expectNoLeaks(() =>
      train(mlp, data, {
        epochs: 8,
        batchSize: 32,
        learningRate: 0.02,
        seed: 4,
        onBatch: (b) => {
          batches.push(b.batch);
          expect(b.batches).toBe(3);
          expect(Number.isFinite(b.loss)).toBe(true);
        },
        onEpoch: (e) => {
          epochs.push(e.epoch);
        },
      }),
    );
    const after = await mlp.evaluate(data.x, data.y);
    expect(history.steps).toBe(24);
    expect(batches).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(epochs).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(history.epochs[7]!.loss).toBeLessThan(history.epochs[0]!.loss);
    expect(after.loss).toBeLessThan(before.loss * 0.7);
    expect(after.accuracy).toBeGreaterThan(0.8);
    expect(history.epochs[7]!.accuracy).toBeGreaterThan(0.8);
    data.x.dispose();
    mlp.dispose();
  });

  it('lowers the loss of a small CNN on images in a few steps', async () => {
    const data = shapes({ n: 48, size: 12, seed: 2 });
    const cnn = createCnn({ inputShape: [12, 12, 1], classes: 3, filters: [4, 8], denseUnits: 16, dropout: 0.1, seed: 2 });
    const before = await cnn.evaluate(data.x, data.y);
    await expectNoLeaks(() => train(cnn, data, { epochs: 6, batchSize: 16, learningRate: 0.01, seed: 1 }));
    const after = await cnn.evaluate(data.x, data.y);
    expect(after.loss).toBeLessThan(before.loss);
    // With random shifts (augmentation) too, reproducibly.
    const run = async () => {
      const m = createCnn({ inputShape: [12, 12, 1], classes: 3, filters: [4, 8], denseUnits: 16, seed: 2 });
      await train(m, data, { epochs: 4, batchSize: 16, learningRate: 0.01, seed: 1, shift: 2 });
      const r = await m.evaluate(data.x, data.y);
      const w = Array.from(m.network.params.get('conv1/kernel')!.dataSync());
      m.dispose();
      return { r, w };
    };
    const a = await expectNoLeaks(run);
    const b = await run();
    expect(a.w).toEqual(b.w);
    expect(a.r.loss).toBeLessThan(before.loss);
    data.x.dispose();
    cnn.dispose();
  });

  it('is reproducible from its seed (shuffle order and dropout masks)', async () => {
    const data = twoMoons({ n: 40, noise: 0.2, seed: 3 });
    const run = async (seed: number) => {
      const m = createMlp({ inputSize: 2, classes: 2, hidden: [8], dropout: 0.3, seed: 5 });
      await train(m, data, { epochs: 2, batchSize: 8, seed, learningRate: 0.01 });
      const w = weightsOf(m);
      m.dispose();
      return w;
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect([...a.entries()].map(([k, v]) => [k, Array.from(v)])).toEqual([...b.entries()].map(([k, v]) => [k, Array.from(v)]));
    expect(Array.from(a.get('dense1/kernel')!)).not.toEqual(Array.from(c.get('dense1/kernel')!));
    data.x.dispose();
  });

  it('stops with NON_FINITE on non-finite data before any update', async () => {
    const m = createMlp({ inputSize: 2, classes: 2, hidden: [4], seed: 1 });
    const initial = weightsOf(m);
    const x = tf.tensor2d([0, 1, 2, NaN, 1, 1], [3, 2]);
    await expectGlassboxError(() => train(m, { x, y: [0, 1, 0] }), 'NON_FINITE', /data.x must be finite, got NaN in row 1/);
    expectSameWeights(m, initial);
    x.dispose();
    m.dispose();
  });

  it('stops with NON_FINITE when the loss diverges, keeping the weights of the last finite step', async () => {
    const data = twoMoons({ n: 64, noise: 0.1, seed: 1 });
    const m = createMlp({ inputSize: 2, classes: 2, hidden: [32, 32], seed: 1 });
    let last = weightsOf(m);
    let steps = 0;
    await expectGlassboxError(
      () =>
        train(m, data, {
          epochs: 5,
          batchSize: 16,
          learningRate: 1e30,
          onBatch: () => {
            steps++;
            last = weightsOf(m);
          },
        }),
      'NON_FINITE',
      /train: the loss became non-finite at epoch \d+, batch \d+; training stopped before that update/,
    );
    expect(steps).toBeGreaterThanOrEqual(1);
    expect(steps).toBeLessThan(20);
    expectSameWeights(m, last);
    for (const v of m.network.params.values()) expect(v.dataSync().every(Number.isFinite)).toBe(true);
    data.x.dispose();
    m.dispose();
  });

  it('aborts between steps with ABORTED and leaves the weights of the last completed step', async () => {
    const data = twoMoons({ n: 64, noise: 0.1, seed: 2 });
    const m = createMlp({ inputSize: 2, classes: 2, hidden: [8], seed: 2 });
    const ac = new AbortController();
    let snapshot: Map<string, Float32Array> | null = null;
    let steps = 0;
    await expectGlassboxError(
      () =>
        train(m, data, {
          epochs: 3,
          batchSize: 8,
          signal: ac.signal,
          onBatch: (b) => {
            steps++;
            if (b.epoch === 1 && b.batch === 2) {
              snapshot = weightsOf(m);
              ac.abort();
            }
          },
        }),
      'ABORTED',
    );
    expect(steps).toBe(8 + 3);
    expectSameWeights(m, snapshot!);
    // Already aborted: nothing changes.
    const before = weightsOf(m);
    await expectGlassboxError(() => train(m, data, { signal: ac.signal }), 'ABORTED');
    expectSameWeights(m, before);
    data.x.dispose();
    m.dispose();
  });

  it('checks its arguments', async () => {
    const m = createMlp({ inputSize: 2, classes: 2, hidden: [2] });
    const x = tf.zeros([4, 2]);
    const x3 = tf.zeros([4, 3]);
    const y = [0, 1, 0, 1];
    await expectGlassboxError(() => train({} as never, { x, y }), 'INVALID_ARGUMENT', /model must be a Classifier/);
    await expectGlassboxError(() => train(m, null as never), 'INVALID_ARGUMENT', /data must be \{ x, y \}/);
    await expectGlassboxError(() => train(m, { x: x3, y }), 'SHAPE_MISMATCH', /data.x must have shape \[N, 2\]/);
    await expectGlassboxError(() => train(m, { x, y: [0, 1] }), 'SHAPE_MISMATCH', /data.y must have one label per row/);
    await expectGlassboxError(() => train(m, { x, y: [0, 1, 2, 0] }), 'INVALID_ARGUMENT', /data.y\[2\] must be an integer class in 0..1/);
    await expectGlassboxError(() => train(m, { x, y }, { epochs: 0 }), 'INVALID_ARGUMENT', /options.epochs/);
    await expectGlassboxError(() => train(m, { x, y }, { batchSize: 1.5 }), 'INVALID_ARGUMENT', /options.batchSize/);
    await expectGlassboxError(() => train(m, { x, y }, { learningRate: 0 }), 'INVALID_ARGUMENT', /options.learningRate/);
    await expectGlassboxError(() => train(m, { x, y }, { seed: -1 }), 'INVALID_ARGUMENT', /options.seed/);
    await expectGlassboxError(() => train(m, { x, y }, { onEpoch: 3 as never }), 'INVALID_ARGUMENT', /options.onEpoch/);
    await expectGlassboxError(() => train(m, { x, y }, { signal: {} as never }), 'INVALID_ARGUMENT', /options.signal/);
    await expectGlassboxError(() => train(m, { x, y }, { shift: 1 }), 'INVALID_ARGUMENT', /options.shift is for image models/);
    await expectGlassboxError(() => train(m, { x, y }, { shift: -1 }), 'INVALID_ARGUMENT', /options.shift must be an integer >= 0/);
    tf.dispose([x, x3] as Tensor[]);
    m.dispose();
    await expectGlassboxError(() => train(m, { x, y }), 'INVALID_ARGUMENT', /disposed/);
  });
});
