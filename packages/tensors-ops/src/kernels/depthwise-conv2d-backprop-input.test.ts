import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng, type Rng } from '../rng.js';
import { convOutShape, liveCount, maxAbsDiff, onBothBackends, randomConvCase, randomTensor, type ConvCase } from '../testing-internal/parity-helpers.js';

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
