import { describe, expect, it } from 'vitest';
import { tf } from './tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from './testing/index.js';
import { isGlassboxError } from './errors.js';
import { forEachBatch, mapBatches } from './contract/map-batches.js';
import { explainerRun, prepareExplainer } from './contract/prepare-explainer.js';
import { scoreRows } from './contract/score-rows.js';
import { targetGradient } from './contract/safe-grad.js';
import { WASM_HEAP_HEADROOM, WASM_HEAP_MAX, backendComputes, guardWasmHeap, isOutOfMemoryError } from './wasm-memory.js';

// F(x) = x W with W [[1, 2], [3, -1]], except that a batch of more than 4 rows also asks for 2^30 float32 per row:
// 32 GiB for 8 rows, which neither the WASM heap (4 GiB) nor a JavaScript typed array (2^32 elements) can hold, so
// the allocation fails at once, without touching memory.
const W = [
  [1, 2],
  [3, -1],
];
const greedy = (x: tf.Tensor): tf.Tensor => {
  const rows = x.shape[0]!;
  const y = tf.matMul(x, tf.tensor2d(W));
  if (rows <= 4) return y;
  return tf.add(y, tf.sum(tf.fill([rows * 2 ** 30], 0)));
};
const rowsOf = (n: number): number[][] => Array.from({ length: n }, (_, i) => [i / 4 - 1, 1 - i / 8]);

describe('guardWasmHeap (on a stand-in for the Emscripten module)', () => {
  /** A heap of `heap` bytes whose malloc hands out addresses until `free` bytes are used, then 0 (failed). */
  function fakeModule(heap: number, capacity: number) {
    let used = 0;
    const live = new Map<number, number>();
    let next = 8;
    const module = {
      HEAPU8: { length: heap } as unknown as Uint8Array,
      _malloc: (n: number) => {
        if (used + n > capacity) return 0;
        used += n;
        live.set(next, n);
        return (next += n) - n;
      },
      _free: (p: number) => {
        used -= live.get(p) ?? 0;
        live.delete(p);
      },
    };
    Object.setPrototypeOf(module.HEAPU8, Uint8Array.prototype);
    return { module, used: () => used };
  }

  it('throws OUT_OF_MEMORY instead of handing out address 0, and refuses what can never fit without calling malloc', async () => {
    const { module, used } = fakeModule(64 << 20, 32 << 20);
    expect(guardWasmHeap({ wasm: module })).toBe(true);
    expect(guardWasmHeap({ wasm: module })).toBe(true); // idempotent
    expect(module._malloc(16 << 20)).toBe(8);
    await expectGlassboxError(() => module._malloc(32 << 20), 'OUT_OF_MEMORY', /cannot allocate 32\.0 MiB for a tensor/);
    await expectGlassboxError(() => module._malloc(2 ** 32 + 8), 'OUT_OF_MEMORY', /cannot allocate 4\.00 GiB/);
    expect(used()).toBe(16 << 20);
  });

  it('near the maximum heap, keeps the headroom allocatable for the backend (and frees what it refused)', async () => {
    const nearMax = WASM_HEAP_MAX - WASM_HEAP_HEADROOM + 65536;
    // Capacity for 100 MiB of tensors plus the headroom: the 100 MiB fit, 100 MiB more would eat into the headroom.
    const { module, used } = fakeModule(nearMax, (100 << 20) + WASM_HEAP_HEADROOM);
    guardWasmHeap({ wasm: module });
    module._malloc(100 << 20);
    expect(used()).toBe(100 << 20);
    await expectGlassboxError(() => module._malloc(1 << 20), 'OUT_OF_MEMORY', /256\.0 MiB stay free/);
    expect(used()).toBe(100 << 20);
  });

  it('leaves anything that is not a WASM backend alone', () => {
    expect(guardWasmHeap({})).toBe(false);
    expect(guardWasmHeap(null)).toBe(false);
  });
});

describe('isOutOfMemoryError', () => {
  it('knows what the WASM module and the JavaScript engine throw when memory runs out, and nothing else', () => {
    expect(isOutOfMemoryError(new WebAssembly.RuntimeError('memory access out of bounds'))).toBe(true);
    expect(isOutOfMemoryError(new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.'))).toBe(true);
    expect(isOutOfMemoryError(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isOutOfMemoryError(new Error('Cannot enlarge memory, requested 4294967296 bytes'))).toBe(true);
    expect(isOutOfMemoryError(new RangeError('Invalid typed array length: 8589934592'))).toBe(true);
    expect(isOutOfMemoryError(new Error('the model is broken'))).toBe(false);
    expect(isOutOfMemoryError(new TypeError('x is not a function'))).toBe(false);
    expect(isOutOfMemoryError('out of memory?')).toBe(false);
  });
});

describeBackends('out of memory inside a batch', (backend) => {
  it('scoreRows: a batch too large becomes OUT_OF_MEMORY naming its size and a smaller one, leaks nothing; the next call succeeds', async () => {
    const x = tf.tensor2d(rowsOf(8));
    const run = (batchSize: number) => {
      const p = prepareExplainer(greedy, x, { batchSize, target: 1 }, 'explainTest');
      const r = explainerRun(p, undefined, 'explainTest', 8);
      return scoreRows(r, 8, (s, e) => tf.slice(x, s, e - s), (j) => j);
    };
    const err = await expectGlassboxError(
      () => run(8),
      'OUT_OF_MEMORY',
      new RegExp(`^explainTest: out of memory in a batch of 8 rows \\(rows 0 to 7 of 8\\) on the ${backend} backend: pass a smaller options\\.batchSize \\(4 or less\\)`),
    );
    expect((err as { cause?: unknown }).cause).toBeDefined();
    expect(tf.getBackend()).toBe(backend);
    const scores = await expectNoLeaks(() => run(4));
    // Column 1 of x W, by hand: 2 x0 - x1.
    expect(Array.from(scores)).toEqual(rowsOf(8).map((r) => 2 * r[0]! - r[1]!));
    x.dispose();
  });

  it('a gradient batch (forEachBatch + targetGradient, as the gradient explainers run) and mapBatches likewise', async () => {
    const x = tf.tensor2d(rowsOf(8));
    const gradients = (batchSize: number) =>
      forEachBatch(
        8,
        (s, e) => {
          const g = tf.tidy(() => targetGradient(greedy, tf.slice(x, s, e - s), 'gradTest', () => new Int32Array(e - s)));
          g.dispose();
        },
        { batchSize, where: 'gradTest' },
      );
    await expectGlassboxError(() => gradients(6), 'OUT_OF_MEMORY', /^gradTest: out of memory in a batch of 6 rows \(rows 0 to 5 of 8\).*\(3 or less\)/);
    await expectNoLeaks(() => gradients(3));
    await expectGlassboxError(() => mapBatches(greedy, x, { batchSize: 5, where: 'mapTest' }), 'OUT_OF_MEMORY', /batch of 5 rows \(rows 0 to 4 of 8\)/);
    await expectNoLeaks(async () => (await mapBatches(greedy, x, { batchSize: 4 })).dispose());
    x.dispose();
  });

  it('a raw RangeError / RuntimeError of a healthy backend becomes OUT_OF_MEMORY; other errors pass unchanged; nested loops report once', async () => {
    await expectGlassboxError(
      () =>
        forEachBatch(3, () => {
          throw new RangeError('Array buffer allocation failed');
        }, { where: 'rawTest' }),
      'OUT_OF_MEMORY',
      /^rawTest: out of memory in a batch of 3 rows .*\(RangeError: Array buffer allocation failed\)$/,
    );
    const plain = new Error('not a memory problem');
    await expect(forEachBatch(2, () => Promise.reject(plain))).rejects.toBe(plain);
    const nested = forEachBatch(
      2,
      () => forEachBatch(1, () => {
        throw new WebAssembly.RuntimeError('memory access out of bounds');
      }, { where: 'inner' }),
      { where: 'outer' },
    );
    await expect(nested).rejects.toThrow(/^inner: out of memory in a batch of 1 row \(rows 0 to 0 of 1\).*a single row does not fit/);
    expect(backendComputes()).toBe(true);
  });

  if (backend === 'wasm') {
    it('a WASM backend left dead by a failed allocation is re-created: BACKEND_UNAVAILABLE, and the next call computes', async () => {
      const before = tf.memory().numTensors;
      const old = tf.ones([4]);
      const x = tf.tensor2d(rowsOf(4));
      // What tfjs-backend-wasm does unguarded when malloc fails: it writes the tensor at address 0, over the
      // module's own data (65536 bytes of it here); every op fails after that.
      const poison = () => {
        const wasm = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
        wasm.HEAPU8.set(new Uint8Array(65536).fill(0x3f), 0);
        tf.tidy(() => tf.matMul(x, tf.tensor2d(W)).dataSync());
      };
      const err = await forEachBatch(4, poison, { batchSize: 4, where: 'deadTest' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isGlassboxError(err, 'BACKEND_UNAVAILABLE'), String(err)).toBe(true);
      expect((err as Error).message).toMatch(/^deadTest: out of memory in a batch of 4 rows .* It was re-initialised: tensors made before .* are lost/);
      expect(tf.getBackend()).toBe('wasm');
      expect(backendComputes()).toBe(true);
      // The old tensors: reading one says why; disposing them works and the count comes back.
      expect(() => old.dataSync()).toThrow(/lived on a wasm backend that ran out of memory/);
      tf.dispose([old, x]);
      expect(tf.memory().numTensors).toBe(before);
      // The next call, with tensors made again, succeeds.
      const y = tf.tensor2d(rowsOf(4));
      const out = await mapBatches(greedy, y, { batchSize: 4 });
      expect(Array.from(out.dataSync())).toEqual(rowsOf(4).flatMap((r) => [r[0]! + 3 * r[1]!, 2 * r[0]! - r[1]!]).map((v) => Math.fround(v)));
      tf.dispose([y, out]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
