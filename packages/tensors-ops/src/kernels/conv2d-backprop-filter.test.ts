import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng, type Rng } from '../rng.js';
import { isGlassboxError } from '../errors.js';
import { conv2dBackpropFilterWith } from './conv2d-backprop-filter.js';
import { callOnWasm, convOutShape, liveCount, maxAbsDiff, onBothBackends, randomConvCase, randomTensor, type ConvCase } from '../testing-internal/parity-helpers.js';

type Case = ConvCase;

function dyShape(c: Case, dilations: [number, number] = [1, 1]): [number, number, number, number] {
  return convOutShape(c, dilations);
}

function randomCase(rng: Rng): Case {
  return randomConvCase(rng);
}

function runBackpropFilter(rng: Rng, c: Case, dilations?: [number, number]): tf.Tensor {
  const x = randomTensor(rng, c.xShape);
  const dy = randomTensor(rng, dyShape(c, dilations ?? [1, 1]));
  const attrs: Record<string, unknown> = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, filterShape: c.filterShape };
  if (dilations !== undefined) attrs.dilations = dilations;
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor;
}

/** Naive reference: dw[i, j, c, o] = Σ x[n, y·s + i·d − top, x·s + j·d − left, c] · dy[n, y, x, o]. */
function naiveBackpropFilter(x: Float32Array, dy: Float32Array, c: Case, dil: [number, number]): Float32Array {
  const info = tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, dil, c.pad, c.dimRoundingMode);
  const [n, h, w, ci] = c.xShape;
  const [kh, kw, , co] = c.filterShape;
  const [, oh, ow] = info.outShape;
  const out = new Float32Array(kh * kw * ci * co);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let b = 0; b < n; b++)
        for (let y = 0; y < oh; y++) {
          const r = y * c.strides[0] + i * dil[0] - info.padInfo.top;
          if (r < 0 || r >= h) continue;
          for (let xx = 0; xx < ow; xx++) {
            const q = xx * c.strides[1] + j * dil[1] - info.padInfo.left;
            if (q < 0 || q >= w) continue;
            for (let ch = 0; ch < ci; ch++) {
              const xv = x[((b * h + r) * w + q) * ci + ch]!;
              for (let o = 0; o < co; o++) out[((i * kw + j) * ci + ch) * co + o] += xv * dy[((b * oh + y) * ow + xx) * co + o]!;
            }
          }
        }
  return out;
}

describe('Conv2DBackpropFilter (wasm)', () => {
  it('matches the cpu backend on random shapes, strides and paddings', async () => {
    const rng = createRng(101);
    for (let t = 0; t < 40; t++) {
      const c = randomCase(rng);
      const seed = rng.nextUint32();
      const { cpu, wasm } = await onBothBackends(() => runBackpropFilter(createRng(seed), c));
      expect(wasm.shapes[0], JSON.stringify(c)).toEqual(c.filterShape);
      expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('the convolution strategy matches the cpu backend on random cases', async () => {
    const viaConv = conv2dBackpropFilterWith('conv');
    const rng = createRng(111);
    for (let t = 0; t < 20; t++) {
      const c = randomCase(rng);
      const seed = rng.nextUint32();
      const { cpu } = await onBothBackends(() => runBackpropFilter(createRng(seed), c));
      const r = createRng(seed);
      const x = randomTensor(r, c.xShape);
      const dy = randomTensor(r, dyShape(c));
      const got = callOnWasm(viaConv as never, { x, dy }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, filterShape: c.filterShape } as never);
      tf.dispose([x, dy]);
      expect(maxAbsDiff(got.values, cpu.values[0]!), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('processes large batches in chunks (checked against the convolution strategy)', async () => {
    // 40 images x 9 taps x 32x32 pixels x 16 channels exceed the patch budget (4M floats): two chunks.
    await initBackend({ backend: 'wasm', fallback: false });
    const c: Case = { xShape: [40, 32, 32, 16], filterShape: [3, 3, 16, 4], strides: [1, 1], pad: 'same' };
    const r = createRng(17);
    const x = randomTensor(r, c.xShape);
    const dy = randomTensor(r, dyShape(c));
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape };
    const chunked = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor;
    const reference = callOnWasm(conv2dBackpropFilterWith('conv') as never, { x, dy }, attrs as never);
    const scale = Math.max(...Array.from(reference.values, Math.abs));
    expect(maxAbsDiff(chunked.dataSync(), reference.values) / scale).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, dy, chunked]);
  });

  it('matches the cpu backend on a layer-sized case (2x28x28x16 -> 32, stride 2, same)', async () => {
    const c: Case = { xShape: [2, 28, 28, 16], filterShape: [3, 3, 16, 32], strides: [2, 2], pad: 'same' };
    const { cpu, wasm } = await onBothBackends(() => runBackpropFilter(createRng(7), c));
    expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!)).toBeLessThanOrEqual(1e-4);
  });

  it('honours a dilations attribute (checked against a direct sum)', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const rng = createRng(5);
    for (const [c, dil] of [
      [{ xShape: [2, 9, 10, 3], filterShape: [3, 2, 3, 4], strides: [1, 1], pad: 'same' }, [2, 3]],
      [{ xShape: [1, 11, 8, 2], filterShape: [2, 3, 2, 3], strides: [1, 1], pad: 'valid' }, [3, 2]],
      [{ xShape: [2, 8, 8, 2], filterShape: [3, 3, 2, 2], strides: [1, 1], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] }, [2, 2]],
    ] as Array<[Case, [number, number]]>) {
      const seed = rng.nextUint32();
      const r1 = createRng(seed);
      const x = randomTensor(r1, c.xShape);
      const dy = randomTensor(r1, dyShape(c, dil));
      const expected = naiveBackpropFilter(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, c, dil);
      tf.dispose([x, dy]);
      const got = runBackpropFilter(createRng(seed), c, dil);
      expect(maxAbsDiff(got.dataSync(), expected), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
      got.dispose();
    }
  });

  it('gives a zero gradient for an empty batch', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const x = tf.zeros([0, 5, 5, 2]);
    const dy = tf.zeros([0, 5, 5, 3]);
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] } as never) as tf.Tensor;
    expect(dw.shape).toEqual([3, 3, 2, 3]);
    expect(Array.from(dw.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, dy, dw]);
  });

  it('throws a GlassboxError for NCHW', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const x = tf.zeros([1, 2, 5, 5]);
    const dy = tf.zeros([1, 3, 5, 5]);
    let caught: unknown;
    try {
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] } as never);
    } catch (e) {
      caught = e;
    }
    expect(isGlassboxError(caught, 'INVALID_ARGUMENT')).toBe(true);
    tf.dispose([x, dy]);
  });

  it('leaks no tensors and no backend data', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const rng = createRng(9);
    const cases = [randomCase(rng), randomCase(rng), { xShape: [2, 9, 9, 3], filterShape: [3, 3, 3, 4], strides: [2, 2], pad: 'valid' } as Case];
    // Warm up once so that lazily created backend state is not counted.
    tf.dispose(runBackpropFilter(createRng(1), cases[0]!));
    const before = liveCount();
    for (const c of cases) tf.dispose(tf.tidy(() => runBackpropFilter(createRng(2), c)));
    // The chunked path (40 images exceed the patch budget) and the convolution strategy.
    const big: Case = { xShape: [40, 32, 32, 16], filterShape: [3, 3, 16, 2], strides: [1, 1], pad: 'same' };
    tf.dispose(tf.tidy(() => runBackpropFilter(createRng(3), big)));
    const r = createRng(4);
    const x = randomTensor(r, cases[2]!.xShape);
    const dy = randomTensor(r, dyShape(cases[2]!));
    callOnWasm(conv2dBackpropFilterWith('conv') as never, { x, dy }, { strides: [2, 2], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] } as never);
    tf.dispose([x, dy]);
    expect(liveCount()).toEqual(before);
  });
});
