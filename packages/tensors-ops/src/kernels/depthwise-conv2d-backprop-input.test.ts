import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng, type Rng } from '../rng.js';
import { callOnWasm, computeOn, convOutShape, liveCount, maxAbsDiff, onBothBackends, randomConvCase, randomTensor, type ConvCase } from '../testing-internal/parity-helpers.js';
import { depthwiseConv2dBackpropInputWith, type DepthwiseBackpropInputStrategy } from './depthwise-conv2d-backprop-input.js';

// Depthwise gradients assert stride 1 or dilation 1; the kernels get dilations [1, 1] here.
function attrsOf(c: ConvCase, extra: Record<string, unknown>): Record<string, unknown> {
  return { strides: c.strides, pad: c.pad, dimRoundingMode: c.dimRoundingMode, dilations: [1, 1], ...extra };
}

function runInput(rng: Rng, c: ConvCase): tf.Tensor {
  const dy = randomTensor(rng, convOutShape(c, [1, 1], true));
  const filter = randomTensor(rng, c.filterShape);
  return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrsOf(c, { inputShape: c.xShape }) as never) as tf.Tensor;
}

describe('DepthwiseConv2dNativeBackpropInput (wasm)', () => {
  it('matches the cpu backend on random shapes, strides, multipliers and paddings', async () => {
    const rng = createRng(717);
    for (let t = 0; t < 20; t++) {
      const c = randomConvCase(rng, { depthwise: true });
      const seed = rng.nextUint32();
      const { cpu, wasm } = await onBothBackends(() => runInput(createRng(seed), c));
      expect(wasm.shapes[0], JSON.stringify(c)).toEqual(c.xShape);
      expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('gives depthwiseConv2d its input gradient (wasm vs cpu)', async () => {
    const { cpu, wasm } = await onBothBackends(() => {
      const rng = createRng(5);
      const x = randomTensor(rng, [2, 9, 9, 3]) as tf.Tensor4D;
      const f = randomTensor(rng, [3, 3, 3, 2]) as tf.Tensor4D;
      const w = randomTensor(rng, [2, 5, 5, 6]);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), w)))([x, f])[0]!;
    });
    expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!)).toBeLessThanOrEqual(1e-4);
  });

  it('bridges dilations other than 1 to the cpu kernel (same result as cpu)', async () => {
    const c: ConvCase = { xShape: [2, 9, 9, 3], filterShape: [3, 3, 3, 2], strides: [1, 1], pad: 'same' };
    const dil = (rng: Rng) => {
      const dyShape = convOutShape(c, [2, 2], true);
      const attrs = { strides: c.strides, pad: c.pad, dilations: [2, 2], inputShape: c.xShape };
      const dy = randomTensor(rng, dyShape);
      const filter = randomTensor(rng, c.filterShape);
      return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrs as never) as tf.Tensor;
    };
    const { cpu, wasm } = await onBothBackends(() => dil(createRng(6)));
    expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!)).toBeLessThanOrEqual(1e-4);
  });

  it('leaks no tensors and no backend data (wasm and cpu)', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const rng = createRng(16);
    const cases = [randomConvCase(rng, { depthwise: true }), randomConvCase(rng, { depthwise: true })];
    tf.dispose(runInput(createRng(1), cases[0]!));
    const before = liveCount();
    for (const c of cases) tf.dispose(tf.tidy(() => runInput(createRng(2), c)));
    expect(liveCount()).toEqual(before);
  });
});

/** max |a − b| relative to max |b| (b the cpu kernel's result). */
function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  return maxAbsDiff(a, b) / Math.max(scale, 1e-30);
}

/** The cpu kernel's result for dy/filter drawn from `seed`. */
async function cpuResult(c: ConvCase, seed: number): Promise<Float32Array> {
  return (await computeOn('cpu', () => runInput(createRng(seed), c))).values[0]!;
}

/** A strategy's result on wasm, its kernel function called directly (output freed). */
function wasmResult(strategy: DepthwiseBackpropInputStrategy, c: ConvCase, seed: number): { values: Float32Array; shape: number[] } {
  const rng = createRng(seed);
  const dy = randomTensor(rng, convOutShape(c, [1, 1], true));
  const filter = randomTensor(rng, c.filterShape);
  try {
    return callOnWasm(depthwiseConv2dBackpropInputWith(strategy) as never, { dy, filter }, attrsOf(c, { inputShape: c.xShape }) as never);
  } finally {
    tf.dispose([dy, filter]);
  }
}

const STRATEGIES: DepthwiseBackpropInputStrategy[] = ['taps', 'zeros', 'phase', 'loop'];

// The depthwise layers of MobileNetV2 (3×3, 'same', channels 32..960), at small batch and sides, odd ones included.
const MOBILENET_CASES: ConvCase[] = [
  { xShape: [2, 16, 16, 32], filterShape: [3, 3, 32, 1], strides: [1, 1], pad: 'same' },
  { xShape: [1, 15, 15, 96], filterShape: [3, 3, 96, 1], strides: [2, 2], pad: 'same' },
  { xShape: [2, 14, 14, 144], filterShape: [3, 3, 144, 1], strides: [2, 2], pad: 'same' },
  { xShape: [1, 13, 13, 144], filterShape: [3, 3, 144, 1], strides: [1, 1], pad: 'same' },
  { xShape: [1, 9, 11, 192], filterShape: [3, 3, 192, 1], strides: [2, 2], pad: 'same' },
  { xShape: [1, 7, 7, 384], filterShape: [3, 3, 384, 1], strides: [1, 1], pad: 'same' },
  { xShape: [1, 7, 7, 576], filterShape: [3, 3, 576, 1], strides: [2, 2], pad: 'same' },
  { xShape: [2, 7, 7, 960], filterShape: [3, 3, 960, 1], strides: [1, 1], pad: 'same' },
  { xShape: [1, 3, 3, 960], filterShape: [3, 3, 960, 1], strides: [1, 1], pad: 'same' },
];

describe('DepthwiseConv2dNativeBackpropInput (wasm), the XNNPACK routes (multiplier 1)', () => {
  it('puts one tap of the filter at each input pixel a one-hot dy reaches (closed form, every strategy)', async () => {
    // 1 image, 1 channel, 7×7 input, 3×3 filter w[i, j] = 10·i + j + 1, stride 2, 'same' (4×4 outputs, 2 rows of
    // padding: 1 at the top, 1 at the bottom): output (1, 2) reads input (2·1 + i − 1, 2·2 + j − 1), so a dy of 1
    // there only gives dx[1 + i, 3 + j] = w[i, j].
    await initBackend({ backend: 'wasm', fallback: false });
    const w = Array.from({ length: 9 }, (_, k) => 10 * Math.floor(k / 3) + (k % 3) + 1);
    const dyValues = new Float32Array(16);
    dyValues[1 * 4 + 2] = 1;
    const expected = new Float32Array(49);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expected[(1 + i) * 7 + 3 + j] = w[i * 3 + j]!;
    const dy = tf.tensor4d(dyValues, [1, 4, 4, 1]);
    const filter = tf.tensor4d(w, [3, 3, 1, 1]);
    try {
      for (const strategy of STRATEGIES) {
        const attrs = { strides: [2, 2], pad: 'same', dilations: [1, 1], inputShape: [1, 7, 7, 1] };
        const got = callOnWasm(depthwiseConv2dBackpropInputWith(strategy) as never, { dy, filter }, attrs as never);
        expect(got.shape, strategy).toEqual([1, 7, 7, 1]);
        expect(Array.from(got.values), strategy).toEqual(Array.from(expected));
      }
    } finally {
      tf.dispose([dy, filter]);
    }
  });

  it('matches the cpu kernel within 1e-5 relative on random multiplier-1 shapes, strides and paddings (every strategy)', async () => {
    const rng = createRng(2020);
    for (let t = 0; t < 24; t++) {
      const c = randomConvCase(rng, { depthwise: true });
      c.filterShape = [c.filterShape[0], c.filterShape[1], c.filterShape[2], 1];
      const seed = rng.nextUint32();
      const cpu = await cpuResult(c, seed);
      await initBackend({ backend: 'wasm', fallback: false });
      for (const strategy of STRATEGIES) {
        const got = wasmResult(strategy, c, seed);
        expect(got.shape, `${strategy} ${JSON.stringify(c)}`).toEqual(c.xShape);
        expect(relativeDiff(got.values, cpu), `${strategy} ${JSON.stringify(c)}`).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it('taps route: matches the cpu kernel within 1e-5 relative on random shapes, strides and paddings with 8 or 16 channels', async () => {
    const rng = createRng(2021);
    for (let t = 0; t < 24; t++) {
      const c = randomConvCase(rng, { depthwise: true });
      const channels = 8 * (1 + (t % 2));
      c.xShape = [c.xShape[0], c.xShape[1], c.xShape[2], channels];
      c.filterShape = [c.filterShape[0], c.filterShape[1], channels, 1];
      const seed = rng.nextUint32();
      const cpu = await cpuResult(c, seed);
      await initBackend({ backend: 'wasm', fallback: false });
      const got = wasmResult('taps', c, seed);
      expect(got.shape, JSON.stringify(c)).toEqual(c.xShape);
      expect(relativeDiff(got.values, cpu), JSON.stringify(c)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('matches the cpu kernel within 1e-5 relative on the MobileNetV2 depthwise shapes (registered kernel and every strategy)', async () => {
    for (const [k, c] of MOBILENET_CASES.entries()) {
      const cpu = await cpuResult(c, 100 + k);
      const wasm = (await computeOn('wasm', () => runInput(createRng(100 + k), c))).values[0]!;
      expect(relativeDiff(wasm, cpu), JSON.stringify(c)).toBeLessThanOrEqual(1e-5);
      for (const strategy of STRATEGIES) expect(relativeDiff(wasmResult(strategy, c, 100 + k).values, cpu), `${strategy} ${JSON.stringify(c)}`).toBeLessThanOrEqual(1e-5);
    }
  });

  it('gives depthwiseConv2d (3×3, multiplier 1, strides 1 and 2) its input gradient (wasm vs cpu)', async () => {
    for (const stride of [1, 2] as const) {
      const { cpu, wasm } = await onBothBackends(() => {
        const rng = createRng(30 + stride);
        const x = randomTensor(rng, [2, 11, 10, 24]) as tf.Tensor4D;
        const f = randomTensor(rng, [3, 3, 24, 1]) as tf.Tensor4D;
        const side = (n: number) => Math.ceil(n / stride);
        const w = randomTensor(rng, [2, side(11), side(10), 24]);
        return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, f, stride, 'same'), w)))(x);
      });
      expect(relativeDiff(wasm.values[0]!, cpu.values[0]!), `stride ${stride}`).toBeLessThanOrEqual(1e-5);
    }
  });

  it('frees every intermediate (every strategy, strides 1 and 2, also when the route declines)', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const cases: ConvCase[] = [
      MOBILENET_CASES[0]!,
      MOBILENET_CASES[1]!,
      // An explicit top padding of k: the convolution routes decline and the loop runs.
      { xShape: [1, 6, 6, 2], filterShape: [2, 2, 2, 1], strides: [1, 1], pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
    ];
    for (const strategy of STRATEGIES) wasmResult(strategy, cases[0]!, 1);
    const before = liveCount();
    for (const c of cases) {
      for (const strategy of STRATEGIES) wasmResult(strategy, c, 2);
      tf.dispose(tf.tidy(() => runInput(createRng(3), c)));
    }
    expect(liveCount()).toEqual(before);
  });
});
