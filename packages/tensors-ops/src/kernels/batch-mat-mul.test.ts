import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng, type Rng } from '../rng.js';
import { liveCount, maxAbsDiff, onBothBackends, pick, randomTensor } from '../testing-internal/parity-helpers.js';

interface Case {
  aShape: number[];
  bShape: number[];
  transposeA: boolean;
  transposeB: boolean;
}

function shapesFor(batchA: number[], batchB: number[], m: number, k: number, n: number, tA: boolean, tB: boolean): Case {
  return {
    aShape: [...batchA, ...(tA ? [k, m] : [m, k])],
    bShape: [...batchB, ...(tB ? [n, k] : [k, n])],
    transposeA: tA,
    transposeB: tB,
  };
}

/** Every layout the kernel distinguishes, on random sizes. */
function randomCase(rng: Rng, t: number): Case {
  const m = pick(rng, 1, 40);
  const k = pick(rng, 1, 40);
  const n = pick(rng, 1, 40);
  const tA = rng.int(2) === 1;
  const tB = rng.int(2) === 1;
  const b = pick(rng, 2, 5);
  switch (t % 6) {
    case 0:
      return shapesFor([], [], m, k, n, tA, tB); // 2-D
    case 1:
      return shapesFor([b], [b], m, k, n, tA, tB); // batch against batch
    case 2:
      return shapesFor([b], [1], m, k, n, tA, tB); // batch against a shared b
    case 3:
      return shapesFor([1], [b], m, k, n, tA, tB); // a shared a against a batch
    case 4:
      return shapesFor([2, b], [2, b], m, k, n, tA, tB); // rank 4
    default:
      return shapesFor([b, 2], [], m, k, n, tA, tB); // rank 4 against rank 2 (broadcast)
  }
}

function run(rng: Rng, c: Case): tf.Tensor {
  return tf.matMul(randomTensor(rng, c.aShape), randomTensor(rng, c.bShape), c.transposeA, c.transposeB);
}

describe('BatchMatMul (wasm)', () => {
  it('matches the cpu backend for transposes, batches and broadcasts', async () => {
    const rng = createRng(404);
    for (let t = 0; t < 48; t++) {
      const c = randomCase(rng, t);
      const seed = rng.nextUint32();
      const { cpu, wasm } = await onBothBackends(() => run(createRng(seed), c));
      expect(wasm.shapes[0], JSON.stringify(c)).toEqual(cpu.shapes[0]);
      expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('takes both routes for transposeA with transposeB ((B·A)ᵀ when the output is small)', async () => {
    for (const c of [shapesFor([], [], 3, 64, 4, true, true), shapesFor([], [], 64, 2, 64, true, true), shapesFor([3], [3], 5, 40, 6, true, true)]) {
      const { cpu, wasm } = await onBothBackends(() => run(createRng(1), c));
      expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('matches the cpu backend on a dense-layer gradient size (256x512 @ 512x256, transposed)', async () => {
    for (const c of [shapesFor([], [], 256, 512, 256, true, false), shapesFor([], [], 256, 512, 256, false, true)]) {
      const { cpu, wasm } = await onBothBackends(() => run(createRng(2), c));
      expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('handles empty dimensions (zeros for K = 0, where the original kernel returns garbage)', async () => {
    const { cpu, wasm } = await onBothBackends(() => [
      tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 4])),
      tf.matMul(tf.zeros([2, 0, 5]), tf.zeros([2, 5, 3])),
    ]);
    expect(wasm.shapes).toEqual(cpu.shapes);
    expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!)).toBe(0);
  });

  it('rejects non-float32 inputs and mismatched inner sizes like the original kernel', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const a = tf.ones([2, 3], 'int32');
    const b = tf.ones([3, 2], 'int32');
    expect(() => tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false })).toThrow(/float32/);
    const c = tf.ones([2, 3]);
    const d = tf.ones([2, 3]);
    expect(() => tf.engine().runKernel('BatchMatMul', { a: c, b: d }, { transposeA: false, transposeB: false })).toThrow(/inner shapes/);
    tf.dispose([a, b, c, d]);
  });

  it('leaks no tensors and no backend data', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const rng = createRng(13);
    const cases = Array.from({ length: 12 }, (_, t) => randomCase(rng, t));
    tf.dispose(run(createRng(1), cases[0]!));
    const before = liveCount();
    for (const c of cases) tf.dispose(tf.tidy(() => run(createRng(2), c)));
    expect(liveCount()).toEqual(before);
  });
});
