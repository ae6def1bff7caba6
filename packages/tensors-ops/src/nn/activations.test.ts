import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { ACTIVATION_NAMES, activation, resolveActivation } from './activations.js';

const xs = [-3, -1.5, -0.25, 0, 0.5, 2, 4];

function softmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const expected: Record<string, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  leakyRelu: (v) => (v >= 0 ? v : 0.2 * v),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: (v) => Math.tanh(v),
  softplus: (v) => Math.log(1 + Math.exp(v)),
  elu: (v) => (v > 0 ? v : Math.exp(v) - 1),
};

describeBackends('activation', () => {
  for (const [name, f] of Object.entries(expected)) {
    it(`${name} matches its formula`, async () => {
      await expectNoLeaks(() => {
        const x = tf.tensor1d(xs);
        const y = activation(x, name as never);
        expectTensorClose(y, xs.map(f), 1e-5);
        x.dispose();
        y.dispose();
      });
    });
  }

  it('leakyRelu and elu take alpha (by option or in a config)', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor1d(xs);
      const a = activation(x, 'leakyRelu', { alpha: 0.1 });
      expectTensorClose(a, xs.map((v) => (v >= 0 ? v : 0.1 * v)), 1e-6);
      const b = activation(x, { fn: 'elu', alpha: 0.5 });
      expectTensorClose(b, xs.map((v) => (v > 0 ? v : 0.5 * (Math.exp(v) - 1))), 1e-5);
      const c = activation(x, 'elu', { alpha: 2 });
      expectTensorClose(c, xs.map((v) => (v > 0 ? v : 2 * (Math.exp(v) - 1))), 1e-5);
      tf.dispose([x, a, b, c]);
    });
  });

  it('softmax and logSoftmax work along the last axis', async () => {
    await expectNoLeaks(() => {
      const rows = [
        [1, 2, 3],
        [-1, 0, 10],
      ];
      const x = tf.tensor2d(rows);
      const s = activation(x, 'softmax');
      const ls = activation(x, 'logSoftmax');
      const want = rows.flatMap(softmaxRow);
      expectTensorClose(s, want, 1e-6);
      expectTensorClose(ls, want.map(Math.log), 1e-5);
      tf.dispose([x, s, ls]);
    });
  });

  it('linear returns a new tensor the caller can dispose', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor1d([1, 2]);
      const y = activation(x, 'linear');
      expect(y).not.toBe(x);
      y.dispose();
      expect(x.isDisposed).toBe(false);
      x.dispose();
    });
  });

  it('is differentiable (leakyRelu slope, elu with alpha)', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor1d([-2, 3]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(activation(t, 'leakyRelu', { alpha: 0.3 })))(x);
      expectTensorClose(g, [0.3, 1], 1e-6);
      const g2 = tf.grad((t: tf.Tensor) => tf.sum(activation(t, { fn: 'elu', alpha: 0.5 })))(x);
      expectTensorClose(g2, [0.5 * Math.exp(-2), 1], 1e-6);
      tf.dispose([x, g, g2]);
    });
  });

  it('refuses bad arguments', async () => {
    const x = tf.tensor1d([1]);
    await expectGlassboxError(() => activation(x, 'gelu' as never), 'INVALID_ARGUMENT', /fn must be one of/);
    await expectGlassboxError(() => activation(x, 'relu', { alpha: 0.1 }), 'INVALID_ARGUMENT', /only used by/);
    await expectGlassboxError(() => activation(x, 'leakyRelu', { alpha: -1 }), 'INVALID_ARGUMENT', /alpha/);
    await expectGlassboxError(() => activation(x, { fn: 'relu', beta: 1 } as never), 'INVALID_ARGUMENT', /unknown key 'beta'/);
    const i = tf.tensor1d([1], 'int32');
    await expectGlassboxError(() => activation(i, 'relu'), 'INVALID_ARGUMENT', /float32/);
    const s = tf.scalar(1);
    await expectGlassboxError(() => activation(s, 'softmax'), 'SHAPE_MISMATCH', /rank >= 1/);
    tf.dispose([x, i, s]);
  });
});

it('resolveActivation fills in defaults and lists every name', () => {
  expect(resolveActivation('leakyRelu', 'a', 't')).toEqual({ fn: 'leakyRelu', alpha: 0.2 });
  expect(resolveActivation('elu', 'a', 't')).toEqual({ fn: 'elu', alpha: 1 });
  expect(resolveActivation({ fn: 'relu' }, 'a', 't')).toEqual({ fn: 'relu' });
  expect(ACTIVATION_NAMES).toHaveLength(10);
});
