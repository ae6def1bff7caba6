import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng } from '../rng.js';
import { liveCount, maxAbsDiff, onBothBackends, randomTensor } from '../testing-internal/parity-helpers.js';

/** Data buffers the engine tracks (a view shares its input's). */
const buffers = (): number => tf.memory().numDataBuffers;

describe('Identity and same-dtype Cast (wasm): views, not copies', () => {
  it('clone and cast to the same dtype share the buffer, values intact, and outlive the original', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const x = tf.tensor2d([1, -2, 3.5, 4, 5, 6], [2, 3]);
    const before = buffers();
    const c = tf.clone(x);
    const f = tf.cast(x, 'float32');
    expect(buffers()).toBe(before); // no new buffer
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, -2, 3.5, 4, 5, 6]);
    expect(Array.from(f.dataSync())).toEqual([1, -2, 3.5, 4, 5, 6]);
    c.dispose();
    expect(Array.from(f.dataSync())).toEqual([1, -2, 3.5, 4, 5, 6]);
    f.dispose();
    expect(buffers()).toBe(before - 1);
  });

  it('a real dtype change still converts (a cast to bool is x != 0, as on cpu), and strings still copy', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const i = tf.tensor1d([1, 2, 3], 'int32');
    const f = tf.cast(i, 'float32');
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.dataSync())).toEqual([1, 2, 3]);
    const b = tf.cast(tf.tensor1d([0, 2.5, -1, NaN, -0, 1e-30]), 'bool');
    expect(Array.from(b.dataSync())).toEqual([0, 1, 1, 1, 0, 1]); // the original wasm kernel gave [0, 2, 255, 0, 0, 0]
    const s = tf.clone(tf.tensor1d(['a', 'bc'], 'string'));
    expect(await s.array()).toEqual(['a', 'bc']);
    tf.dispose([i, f, b, s]);
  });

  it('gradients through saved (cloned) tensors match the cpu backend, with no leaks', async () => {
    const run = (): tf.Tensor[] => {
      const rng = createRng(9);
      const x = randomTensor(rng, [2, 6, 6, 3]);
      const k = randomTensor(rng, [3, 3, 3, 4]);
      const loss = (xx: tf.Tensor): tf.Scalar => tf.sum(tf.square(tf.relu(tf.conv2d(xx as tf.Tensor4D, k as tf.Tensor4D, 1, 'same'))));
      return [tf.grad(loss)(x), tf.clone(tf.relu(x))];
    };
    const { cpu, wasm } = await onBothBackends(run);
    expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(wasm.values[1]!, cpu.values[1]!)).toBe(0);
    await initBackend({ backend: 'wasm', fallback: false });
    tf.dispose(tf.tidy(run));
    const live = liveCount();
    const mem = buffers();
    tf.dispose(tf.tidy(run));
    expect(liveCount()).toEqual(live);
    expect(buffers()).toBe(mem);
  });
});
