import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { computeOn } from '../testing-internal/parity-helpers.js';
import { expectRelClose, geluDerivative, geluScalar, lcgRows, lcgValues, mlpRows } from '../testing-internal/reference-blocks.js';
import { gelu, geluMlp } from './gelu-mlp.js';

const xs = [-4, -2.5, -1, -0.3, 0, 0.2, 0.7, 1, 1.8, 3, 4];

describeBackends('gelu', () => {
  it('equals x Phi(x) (exact) and the tanh approximation at sample points', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor1d(xs);
      const exact = gelu(x, { approximate: 'none' });
      const tanh = gelu(x);
      // Known values of x Phi(x): gelu(1) = 0.8413447460685429, gelu(-1) = -0.15865525393145707.
      expect(exact.dataSync()[xs.indexOf(1)]).toBeCloseTo(0.8413447460685429, 6);
      expect(exact.dataSync()[xs.indexOf(-1)]).toBeCloseTo(-0.15865525393145707, 6);
      expectTensorClose(exact, xs.map((v) => geluScalar(v, 'none')), 2e-6);
      expectTensorClose(tanh, xs.map((v) => geluScalar(v, 'tanh')), 2e-6);
      // The approximation stays within 5e-4 of the exact GELU.
      expectTensorClose(tanh, xs.map((v) => geluScalar(v, 'none')), 5e-4);
      tf.dispose([x, exact, tanh]);
    });
  });

  it('has the derivative Phi(x) + x phi(x) (exact) and its tanh counterpart', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor1d(xs);
      for (const approximate of ['none', 'tanh'] as const) {
        const g = tf.grad((t: tf.Tensor) => tf.sum(gelu(t, { approximate })))(x);
        expectTensorClose(g, xs.map((v) => geluDerivative(v, approximate)), 2e-6);
        g.dispose();
      }
      x.dispose();
    });
  });

  it('geluMlp equals gelu(x W1 + b1) W2 + b2 on the last axis', async () => {
    await expectNoLeaks(() => {
      const [d, h, o] = [4, 7, 3];
      const xr = lcgRows(41, 2 * 3, d, -2, 2);
      const ref = { w1: lcgRows(42, d, h), b1: lcgValues(43, h), w2: lcgRows(44, h, o), b2: lcgValues(45, o) };
      const x = tf.tensor3d(xr.flat(), [2, 3, d]);
      const p = { w1: tf.tensor2d(ref.w1), b1: tf.tensor1d(ref.b1), w2: tf.tensor2d(ref.w2), b2: tf.tensor1d(ref.b2) };
      for (const approximate of ['tanh', 'none'] as const) {
        const y = geluMlp(x, p, { approximate });
        expect(y.shape).toEqual([2, 3, o]);
        expectTensorClose(y, mlpRows(xr, ref, approximate).flat(), 2e-5);
        y.dispose();
      }
      // Without biases.
      const nb = geluMlp(x, { w1: p.w1, w2: p.w2 });
      expectTensorClose(nb, mlpRows(xr, { w1: ref.w1, w2: ref.w2 }, 'tanh').flat(), 2e-5);
      tf.dispose([x, nb, ...Object.values(p)]);
    });
  });

  it('refuses shapes that do not fit and bad options', async () => {
    const x = tf.zeros([2, 4]);
    const w1 = tf.zeros([4, 5]);
    const w2 = tf.zeros([5, 4]);
    const wrong = tf.zeros([3, 5]);
    const b = tf.zeros([6]);
    const ints = tf.zeros([2, 4], 'int32');
    await expectGlassboxError(() => geluMlp(x, { w1: wrong, w2 }), 'SHAPE_MISMATCH', /params.w1 must have shape \[4, k\]/);
    await expectGlassboxError(() => geluMlp(x, { w1, w2: wrong }), 'SHAPE_MISMATCH', /params.w2 must have shape \[5, k\]/);
    await expectGlassboxError(() => geluMlp(x, { w1, b1: b, w2 }), 'SHAPE_MISMATCH', /params.b1 must have shape \[5\]/);
    await expectGlassboxError(() => geluMlp(x, { w1, w2 }, { approximate: 'erf' as never }), 'INVALID_ARGUMENT', /'tanh' or 'none'/);
    await expectGlassboxError(() => gelu(ints), 'INVALID_ARGUMENT', /float32/);
    await expectGlassboxError(() => gelu(x, { aproximate: 'none' } as never), 'INVALID_ARGUMENT', /unknown key 'aproximate' in options/);
    tf.dispose([x, w1, w2, wrong, b, ints]);
  });
});

describe('geluMlp gradients: wasm equals cpu', () => {
  it('x and all four parameters, both GELUs (1e-4 relative)', async () => {
    for (const approximate of ['tanh', 'none'] as const) {
      const run = (): tf.Tensor[] => {
        const x = tf.tensor3d(lcgValues(51, 3 * 4 * 6, -2, 2), [3, 4, 6]);
        const w1 = tf.tensor2d(lcgValues(52, 6 * 10), [6, 10]);
        const b1 = tf.tensor1d(lcgValues(53, 10));
        const w2 = tf.tensor2d(lcgValues(54, 10 * 6), [10, 6]);
        const b2 = tf.tensor1d(lcgValues(55, 6));
        const w = tf.tensor3d(lcgValues(56, 3 * 4 * 6), [3, 4, 6]);
        return tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor, e: tf.Tensor, f: tf.Tensor) =>
          tf.sum(tf.mul(geluMlp(a, { w1: c, b1: d, w2: e, b2: f }, { approximate }), w)),
        )([x, w1, b1, w2, b2]);
      };
      const cpu = await computeOn('cpu', run);
      const wasm = await computeOn('wasm', run);
      ['x', 'w1', 'b1', 'w2', 'b2'].forEach((name, i) => expectRelClose(wasm.values[i]!, cpu.values[i]!, 1e-4, `${approximate} ${name}`));
    }
  });
});
