import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng, type Rng } from '../rng.js';
import { choose, liveCount, maxAbsDiff, onBothBackends, pick, randomTensor, runOriginalOnWasm } from '../testing-internal/parity-helpers.js';

interface Case {
  xShape: [number, number, number, number];
  filterSize: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid' | number;
  range: [number, number];
}

function randomCase(rng: Rng): Case {
  for (;;) {
    const fh = pick(rng, 1, 4);
    const fw = pick(rng, 1, 4);
    const c: Case = {
      xShape: [pick(rng, 1, 3), pick(rng, fh, 10), pick(rng, fw, 10), pick(rng, 1, 4)],
      filterSize: [fh, fw],
      strides: [pick(rng, 1, 3), pick(rng, 1, 3)],
      pad: choose(rng, ['same', 'valid', 0, 1] as const),
      range: choose(rng, [[-1, 1], [-2, -0.5], [0.1, 2]] as Array<[number, number]>),
    };
    // With a numeric pad tfjs-core computes the output width from the window height and the height stride
    // (one size for both axes), and the WASM MaxPool then writes past its output: keep those square.
    if (typeof c.pad === 'number' && (fh !== fw || c.strides[0] !== c.strides[1])) continue;
    if (typeof c.pad === 'number' && c.pad > 0 && c.pad >= fh) continue;
    const info = tf.backend_util.computePool2DInfo(c.xShape, c.filterSize, c.strides, 1, c.pad);
    if (info.outHeight > 0 && info.outWidth > 0) return c;
  }
}

function run(rng: Rng, c: Case): tf.Tensor {
  const x = randomTensor(rng, c.xShape, ...c.range) as tf.Tensor4D;
  const dy = randomTensor(rng, tf.backend_util.computePool2DInfo(c.xShape, c.filterSize, c.strides, 1, c.pad).outShape);
  return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, c.filterSize, c.strides, c.pad), dy)))(x);
}

describe('MaxPoolGrad (wasm)', () => {
  it('matches the cpu backend on random shapes, strides, paddings and value ranges', async () => {
    const rng = createRng(808);
    for (let t = 0; t < 30; t++) {
      const c = randomCase(rng);
      const seed = rng.nextUint32();
      const { cpu, wasm } = await onBothBackends(() => run(createRng(seed), c));
      expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('is still needed: the original kernel misroutes windows whose values are all negative', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const x = tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]);
    const dy = tf.tensor4d([1], [1, 1, 1, 1]);
    const y = tf.maxPool(x, 2, 2, 'valid');
    const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
    const original = runOriginalOnWasm('MaxPoolGrad', { dy, input: x, output: y }, attrs as never);
    const fixed = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs as never) as tf.Tensor;
    expect(Array.from(fixed.dataSync())).toEqual([0, 1, 0, 0]);
    // If this starts to fail, tfjs fixed the kernel and the replacement can go.
    expect(Array.from(original.values)).not.toEqual([0, 1, 0, 0]);
    tf.dispose([x, dy, y, fixed]);
  });

  it('leaks no tensors and no backend data (wasm and cpu)', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const rng = createRng(15);
    const cases = [randomCase(rng), randomCase(rng), randomCase(rng)];
    tf.dispose(run(createRng(1), cases[0]!));
    const before = liveCount();
    for (const c of cases) tf.dispose(tf.tidy(() => run(createRng(2), c)));
    expect(liveCount()).toEqual(before);
  });
});
