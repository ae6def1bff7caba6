import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng, type Rng } from '../rng.js';
import { liveCount, maxAbsDiff, onBothBackends, pick, randomTensor } from '../testing-internal/parity-helpers.js';

function run(rng: Rng, rows: number, rest: number[], numSegments: number, idRange: [number, number]): tf.Tensor {
  const x = randomTensor(rng, [rows, ...rest]);
  const ids = tf.tensor1d(Array.from({ length: rows }, () => pick(rng, idRange[0], idRange[1])), 'int32');
  return tf.unsortedSegmentSum(x, ids, numSegments);
}

describe('UnsortedSegmentSum (wasm)', () => {
  it('matches the cpu backend (ids in range: the ScatterNd path, with duplicates)', async () => {
    const rng = createRng(606);
    for (let t = 0; t < 20; t++) {
      const rows = pick(rng, 1, 30);
      const rest = Array.from({ length: pick(rng, 0, 2) }, () => pick(rng, 1, 6));
      const numSegments = pick(rng, 1, 12);
      const seed = rng.nextUint32();
      const { cpu, wasm } = await onBothBackends(() => run(createRng(seed), rows, rest, numSegments, [0, numSegments - 1]));
      expect(wasm.shapes[0]).toEqual([numSegments, ...rest]);
      expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!), `${rows} ${rest} ${numSegments}`).toBeLessThanOrEqual(1e-4);
    }
  });

  it('matches the cpu backend when ids fall outside [0, numSegments) (bridged)', async () => {
    const { cpu, wasm } = await onBothBackends(() => run(createRng(3), 25, [4], 6, [-2, 8]));
    expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!)).toBeLessThanOrEqual(1e-4);
  });

  it('matches the cpu backend for int32 values (bridged)', async () => {
    const { cpu, wasm } = await onBothBackends(() =>
      tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([1, 0, 1], 'int32'), 3),
    );
    expect(Array.from(wasm.values[0]!)).toEqual(Array.from(cpu.values[0]!));
  });

  it('gives gather its gradient (wasm vs cpu)', async () => {
    const { cpu, wasm } = await onBothBackends(() => {
      const rng = createRng(4);
      const x = randomTensor(rng, [10, 3, 4]);
      const w0 = randomTensor(rng, [7, 3, 4]);
      const w1 = randomTensor(rng, [10, 5, 4]);
      const idx = tf.tensor1d([1, 7, 7, 0, 9, 1, 1], 'int32');
      const idx1 = tf.tensor1d([2, 0, 2, 1, 2], 'int32');
      // Along axis 0 and along axis 1 (the gradient transposes around the segment sum).
      const g0 = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.gather(v, idx, 0), w0)))(x);
      const g1 = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.gather(v, idx1, 1), w1)))(x);
      return [g0, g1];
    });
    expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(wasm.values[1]!, cpu.values[1]!)).toBeLessThanOrEqual(1e-4);
  });

  it('leaks no tensors and no backend data (wasm and cpu)', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    tf.dispose(run(createRng(1), 10, [3], 5, [0, 4]));
    tf.dispose(run(createRng(1), 10, [3], 5, [-1, 6]));
    const before = liveCount();
    tf.dispose(tf.tidy(() => run(createRng(2), 12, [2, 3], 4, [0, 3])));
    tf.dispose(tf.tidy(() => run(createRng(2), 12, [2, 3], 4, [-3, 7])));
    expect(liveCount()).toEqual(before);
  });
});
