import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng, type Rng } from '../rng.js';
import { cachedBackwardFilters, clearBackwardFilters, conv2dBackpropInputWith } from './conv2d-backprop-input.js';
import {
  callOnWasm,
  convOutShape,
  wasmBackend,
  liveCount,
  maxAbsDiff,
  onBothBackends,
  randomConvCase,
  randomTensor,
  runOriginalOnWasm,
  type ConvCase,
} from '../testing-internal/parity-helpers.js';

function attrsOf(c: ConvCase): Record<string, unknown> {
  return { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, inputShape: c.xShape };
}

function inputsOf(rng: Rng, c: ConvCase): { dy: tf.Tensor; filter: tf.Tensor } {
  return { dy: randomTensor(rng, convOutShape(c)), filter: randomTensor(rng, c.filterShape) };
}

function runBackpropInput(rng: Rng, c: ConvCase): tf.Tensor {
  return tf.engine().runKernel('Conv2DBackpropInput', inputsOf(rng, c), attrsOf(c) as never) as tf.Tensor;
}

const LAYER_CASES: ConvCase[] = [
  { xShape: [2, 28, 28, 16], filterShape: [3, 3, 16, 32], strides: [1, 1], pad: 'same' },
  { xShape: [2, 28, 28, 16], filterShape: [3, 3, 16, 32], strides: [2, 2], pad: 'same' },
  { xShape: [2, 14, 14, 32], filterShape: [4, 4, 32, 16], strides: [2, 2], pad: 'same' },
  { xShape: [2, 15, 15, 8], filterShape: [5, 5, 8, 8], strides: [2, 2], pad: 'valid' },
];

describe('Conv2DBackpropInput (wasm)', () => {
  it('matches the cpu backend on random shapes, strides and paddings', async () => {
    const rng = createRng(202);
    for (let t = 0; t < 40; t++) {
      const c = randomConvCase(rng);
      const seed = rng.nextUint32();
      const { cpu, wasm } = await onBothBackends(() => runBackpropInput(createRng(seed), c));
      expect(wasm.shapes[0], JSON.stringify(c)).toEqual(c.xShape);
      expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('matches the cpu backend with >= 8 input channels (the per-phase convolutions; fewer run col2im)', async () => {
    const rng = createRng(404);
    for (let t = 0; t < 20; t++) {
      const base = randomConvCase(rng);
      const ci = 8 + rng.int(5);
      const c: ConvCase = { ...base, xShape: [base.xShape[0], base.xShape[1], base.xShape[2], ci], filterShape: [base.filterShape[0], base.filterShape[1], ci, base.filterShape[3]] };
      const seed = rng.nextUint32();
      const { cpu, wasm } = await onBothBackends(() => runBackpropInput(createRng(seed), c));
      expect(wasm.shapes[0], JSON.stringify(c)).toEqual(c.xShape);
      expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('matches the original wasm kernel, and both strategies agree, on layer-sized cases', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const zeros = conv2dBackpropInputWith('zeros');
    for (const c of LAYER_CASES) {
      const { dy, filter } = inputsOf(createRng(3), c);
      const original = runOriginalOnWasm('Conv2DBackpropInput', { dy, filter }, attrsOf(c) as never);
      const phase = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrsOf(c) as never) as tf.Tensor;
      const viaZeros = callOnWasm(zeros as never, { dy, filter }, attrsOf(c) as never);
      expect(phase.shape).toEqual(original.shape);
      expect(maxAbsDiff(phase.dataSync(), original.values), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(viaZeros.values, original.values), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
      tf.dispose([dy, filter, phase]);
    }
  });

  it.each(['zeros', 'uniform-phase'] as const)('the %s strategy matches the cpu backend on random cases', async (strategy) => {
    const kernel = conv2dBackpropInputWith(strategy);
    const rng = createRng(303);
    for (let t = 0; t < 20; t++) {
      const c = randomConvCase(rng);
      const seed = rng.nextUint32();
      const { cpu } = await onBothBackends(() => runBackpropInput(createRng(seed), c));
      const { dy, filter } = inputsOf(createRng(seed), c);
      const got = callOnWasm(kernel as never, { dy, filter }, attrsOf(c) as never);
      tf.dispose([dy, filter]);
      expect(maxAbsDiff(got.values, cpu.values[0]!), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('the exact phases (>= 8 channels) give bit-identical numbers to the padded phase filter (only zero products are dropped)', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const uniform = conv2dBackpropInputWith('uniform-phase');
    const exact = conv2dBackpropInputWith('phase');
    const cases: ConvCase[] = [
      ...LAYER_CASES,
      { xShape: [3, 28, 28, 32], filterShape: [3, 3, 32, 64], strides: [2, 2], pad: 'same' },
      { xShape: [2, 9, 11, 8], filterShape: [3, 5, 8, 4], strides: [3, 2], pad: 'valid' },
      { xShape: [2, 10, 10, 8], filterShape: [1, 1, 8, 4], strides: [2, 2], pad: 'valid' },
    ];
    for (const c of cases) {
      const { dy, filter } = inputsOf(createRng(5), c);
      const a = callOnWasm(uniform as never, { dy, filter }, attrsOf(c) as never);
      const b = callOnWasm(exact as never, { dy, filter }, attrsOf(c) as never);
      tf.dispose([dy, filter]);
      expect(b.shape, JSON.stringify(c)).toEqual(c.xShape);
      expect(maxAbsDiff(a.values, b.values), JSON.stringify(c)).toBe(0);
    }
  });

  it('falls back to the original kernel for paddings beyond the phase filter (and still matches cpu)', async () => {
    const c: ConvCase = { xShape: [1, 6, 7, 2], filterShape: [2, 2, 2, 3], strides: [1, 1], pad: [[0, 0], [3, 0], [0, 4], [0, 0]] };
    // explicit padding 3 > kh - 1 makes the phase convolution's top padding negative.
    const { cpu, wasm } = await onBothBackends(() => runBackpropInput(createRng(4), c));
    expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!)).toBeLessThanOrEqual(1e-4);
  });

  it('conv2dTranspose (the public op) agrees between backends', async () => {
    const { cpu, wasm } = await onBothBackends(() => {
      const rng = createRng(11);
      const x = randomTensor(rng, [2, 7, 7, 8]) as tf.Tensor4D;
      const f = randomTensor(rng, [3, 3, 4, 8]) as tf.Tensor4D;
      return [tf.conv2dTranspose(x, f, [2, 14, 14, 4], 2, 'same'), tf.conv2dTranspose(x, f, [2, 15, 15, 4], 2, 'valid')];
    });
    expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(wasm.values[1]!, cpu.values[1]!)).toBeLessThanOrEqual(1e-4);
  });

  it('leaks no tensors and no backend data', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const rng = createRng(12);
    const cases = [randomConvCase(rng), randomConvCase(rng), ...LAYER_CASES.slice(1, 3)];
    tf.dispose(runBackpropInput(createRng(1), cases[0]!));
    const before = liveCount();
    for (const c of cases) tf.dispose(tf.tidy(() => runBackpropInput(createRng(2), c)));
    for (const strategy of ['zeros', 'uniform-phase'] as const) {
      const kernel = conv2dBackpropInputWith(strategy);
      for (const c of cases) {
        const { dy, filter } = inputsOf(createRng(2), c);
        callOnWasm(kernel as never, { dy, filter }, attrsOf(c) as never);
        tf.dispose([dy, filter]);
      }
    }
    expect(liveCount()).toEqual(before);
  });

  it('keeps backward filters per forward filter: bit-identical to building them anew, freed with the filter', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const backend = wasmBackend();
    clearBackwardFilters(backend);
    const uncached = conv2dBackpropInputWith('phase', { cacheFilters: false });
    const cases: ConvCase[] = [
      { xShape: [2, 7, 7, 16], filterShape: [1, 1, 16, 24], strides: [1, 1], pad: 'same' }, // 1x1: uniform phase
      { xShape: [2, 9, 9, 8], filterShape: [3, 3, 8, 12], strides: [2, 2], pad: 'same' }, // exact phases
      { xShape: [2, 12, 12, 3], filterShape: [3, 3, 3, 16], strides: [2, 2], pad: 'same' }, // col2im
    ];
    const before = liveCount();
    for (const c of cases) {
      const { dy, filter } = inputsOf(createRng(21), c);
      const want = callOnWasm(uncached as never, { dy, filter }, attrsOf(c) as never).values;
      expect(cachedBackwardFilters(backend)).toBe(0);
      // The first call builds and keeps the backward filter(s), the second finds them; both give the same bits.
      for (let k = 0; k < 2; k++) {
        const got = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrsOf(c) as never) as tf.Tensor;
        expect(maxAbsDiff(got.dataSync(), want), `${JSON.stringify(c)}, call ${k}`).toBe(0);
        got.dispose();
        expect(cachedBackwardFilters(backend)).toBe(1);
      }
      // The same filter data in another geometry (stride) gets its own backward filter, and the right numbers.
      if (c.strides[0] === 1) {
        const c2: ConvCase = { ...c, strides: [2, 2], pad: 'valid', xShape: [2, 2 * c.xShape[1] - 1, 2 * c.xShape[2] - 1, c.xShape[3]] };
        const want2 = callOnWasm(uncached as never, { dy, filter }, attrsOf(c2) as never).values;
        const got2 = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrsOf(c2) as never) as tf.Tensor;
        expect(maxAbsDiff(got2.dataSync(), want2)).toBe(0);
        got2.dispose();
      }
      // Freeing the forward filter frees its backward filters: no backend data is left behind.
      tf.dispose([dy, filter]);
      expect(cachedBackwardFilters(backend)).toBe(0);
      expect(liveCount()).toEqual(before);
    }
  });

  it('a reshaped view of the filter keeps the backward filters until the last reference goes', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const backend = wasmBackend();
    clearBackwardFilters(backend);
    const c: ConvCase = { xShape: [1, 5, 5, 8], filterShape: [1, 1, 8, 4], strides: [1, 1], pad: 'valid' };
    const before = liveCount();
    const { dy, filter } = inputsOf(createRng(22), c);
    const view = tf.reshape(filter, [1, 1, 8, 4]);
    tf.dispose(tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrsOf(c) as never) as tf.Tensor);
    filter.dispose();
    expect(cachedBackwardFilters(backend)).toBe(1); // the data lives on in the view
    const got = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: view }, attrsOf(c) as never) as tf.Tensor;
    const want = tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(dy, [25, 4]), tf.reshape(view, [8, 4]), false, true), [1, 5, 5, 8]));
    expect(maxAbsDiff(got.dataSync(), want.dataSync())).toBeLessThanOrEqual(1e-5);
    tf.dispose([got, want, view, dy]);
    expect(cachedBackwardFilters(backend)).toBe(0);
    expect(liveCount()).toEqual(before);
  });
});
