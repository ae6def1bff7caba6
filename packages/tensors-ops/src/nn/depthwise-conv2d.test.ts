import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { depthwiseConv2d } from './depthwise-conv2d.js';
import { globalAvgPool } from './pooling.js';
import { activation } from './activations.js';
import { residualModel } from './residual-model.js';
import { withNonlinearityRule } from './gradient-rule.js';
import { sequential } from './sequential.js';

type Shape4 = [number, number, number, number];

/** Output size and top/left padding along one axis, TensorFlow's rule. */
function axis(size: number, k: number, stride: number, dilation: number, padding: 'same' | 'valid'): { out: number; pad: number } {
  const eff = (k - 1) * dilation + 1;
  const out = padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - eff) / stride) + 1;
  const pad = padding === 'same' ? Math.floor(Math.max((out - 1) * stride + eff - size, 0) / 2) : 0;
  return { out, pad };
}

/**
 * Depthwise convolution by plain loops from its definition, and its adjoint: for the loss L = sum(y * g),
 * dL/dx and dL/dW by scattering every product back to the two factors. Returns [y, shape, dx, dW].
 */
function depthwiseByHand(
  x: number[], xs: Shape4, k: number[], ks: Shape4, b: number[] | null,
  stride: number, padding: 'same' | 'valid', dilation: number, g: (flat: number) => number,
): { y: number[]; shape: number[]; dx: number[]; dk: number[] } {
  const [n, h, w, c] = xs;
  const [kh, kw, , m] = ks;
  const rows = axis(h, kh, stride, dilation, padding);
  const cols = axis(w, kw, stride, dilation, padding);
  const co = c * m;
  const y: number[] = [];
  const dx = new Array<number>(x.length).fill(0);
  const dk = new Array<number>(k.length).fill(0);
  for (let bn = 0; bn < n; bn++)
    for (let i = 0; i < rows.out; i++)
      for (let j = 0; j < cols.out; j++)
        for (let ic = 0; ic < c; ic++)
          for (let mm = 0; mm < m; mm++) {
            const o = ic * m + mm;
            const flat = ((bn * rows.out + i) * cols.out + j) * co + o;
            let s = b ? b[o]! : 0;
            for (let a = 0; a < kh; a++)
              for (let d = 0; d < kw; d++) {
                const r = i * stride + a * dilation - rows.pad;
                const q = j * stride + d * dilation - cols.pad;
                if (r < 0 || r >= h || q < 0 || q >= w) continue;
                const xi = ((bn * h + r) * w + q) * c + ic;
                const ki = ((a * kw + d) * c + ic) * m + mm;
                s += x[xi]! * k[ki]!;
                dx[xi]! += g(flat) * k[ki]!;
                dk[ki]! += g(flat) * x[xi]!;
              }
            y[flat] = s;
          }
  return { y, shape: [n, rows.out, cols.out, co], dx, dk };
}

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
const weightsOf = (i: number): number => Math.cos(i * 0.37) + 0.25;

describeBackends('depthwiseConv2d', () => {
  const xs: Shape4 = [2, 7, 6, 3];
  const xv = range(2 * 7 * 6 * 3, (i) => Math.sin(i * 0.7));

  it('equals the hand loop for strides, padding, dilations and depth multipliers', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(xv, xs);
      const cases = [
        { m: 1, stride: 1, padding: 'same', dilation: 1 },
        { m: 1, stride: 2, padding: 'same', dilation: 1 },
        { m: 2, stride: 2, padding: 'valid', dilation: 1 },
        { m: 1, stride: 1, padding: 'valid', dilation: 2 },
        { m: 3, stride: 1, padding: 'same', dilation: 2 },
      ] as const;
      for (const { m, stride, padding, dilation } of cases) {
        const ks: Shape4 = [3, 3, 3, m];
        const kv = range(9 * 3 * m, (i) => Math.cos(i * 1.3) * 0.5);
        const bv = range(3 * m, (i) => 0.1 * i - 0.2);
        const k = tf.tensor4d(kv, ks);
        const b = tf.tensor1d(bv);
        const y = depthwiseConv2d(x, k, b, { strides: stride, padding, dilations: dilation });
        const want = depthwiseByHand(xv, xs, kv, ks, bv, stride, padding, dilation, () => 0);
        expect(y.shape).toEqual(want.shape);
        expectTensorClose(y, want.y, 1e-5);
        tf.dispose([k, b, y]);
      }
      x.dispose();
    });
  });

  it('gradients to the input and to the kernel equal the adjoint of the hand loop', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(xv, xs);
      for (const { m, stride, padding } of [
        { m: 1, stride: 2, padding: 'same' },
        { m: 2, stride: 1, padding: 'same' },
        { m: 1, stride: 2, padding: 'valid' },
      ] as const) {
        const ks: Shape4 = [3, 3, 3, m];
        const kv = range(9 * 3 * m, (i) => Math.cos(i * 1.3) * 0.5);
        const k = tf.tensor4d(kv, ks);
        const want = depthwiseByHand(xv, xs, kv, ks, null, stride, padding, 1, weightsOf);
        const gw = tf.tensor(range(want.y.length, weightsOf), want.shape);
        const loss = (xx: tf.Tensor, kk: tf.Tensor): tf.Scalar => tf.sum(tf.mul(depthwiseConv2d(xx, kk, null, { strides: stride, padding }), gw));
        const [dx, dk] = tf.grads(loss)([x, k]);
        expectTensorClose(dx!, want.dx, 1e-5, 1e-5);
        expectTensorClose(dk!, want.dk, 1e-4, 1e-5);
        tf.dispose([k, gw, dx!, dk!]);
      }
      x.dispose();
    });
  });

  it('applies its activation (relu6) after the bias', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(range(16, (i) => i - 4), [1, 4, 4, 1]);
      const k = tf.tensor4d([1], [1, 1, 1, 1]);
      const b = tf.tensor1d([0.5]);
      const y = depthwiseConv2d(x, k, b, { activation: 'relu6' });
      expectTensorClose(y, range(16, (i) => Math.min(Math.max(i - 3.5, 0), 6)), 1e-6);
      tf.dispose([x, k, b, y]);
    });
  });

  it('refuses shapes and options that do not fit, leaving nothing allocated', async () => {
    const x = tf.zeros([1, 4, 4, 2]);
    const k = tf.zeros([3, 3, 2, 1]);
    const k3 = tf.zeros([3, 3, 3, 1]);
    const big = tf.zeros([5, 5, 2, 1]);
    const b = tf.zeros([3]);
    const rank3 = tf.zeros([4, 4, 2]);
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => depthwiseConv2d(x, k3), 'SHAPE_MISMATCH', /kernel must have shape \[kh, kw, 2, depthMultiplier\]/);
      await expectGlassboxError(() => depthwiseConv2d(x, k, b), 'SHAPE_MISMATCH', /bias must have shape \[2\]/);
      await expectGlassboxError(() => depthwiseConv2d(x, big), 'SHAPE_MISMATCH', /must fit/);
      await expectGlassboxError(() => depthwiseConv2d(x, k, null, { strides: 0 }), 'INVALID_ARGUMENT', /options.strides/);
      await expectGlassboxError(() => depthwiseConv2d(x, k, null, { stride: 2 } as never), 'INVALID_ARGUMENT', /stride/);
      await expectGlassboxError(() => depthwiseConv2d(rank3 as never, k), 'SHAPE_MISMATCH', /rank 4/);
    });
    tf.dispose([x, k, k3, big, b, rank3]);
  });
});

describeBackends('relu6 and globalAvgPool', () => {
  it('relu6 is min(max(x, 0), 6) with gradient 1 on (0, 6]', async () => {
    await expectNoLeaks(() => {
      const values = [-3, -0.5, 0, 0.25, 3, 5.99, 6, 6.5, 20];
      const x = tf.tensor1d(values);
      const y = activation(x, 'relu6');
      expectTensorClose(y, values.map((v) => Math.min(Math.max(v, 0), 6)), 1e-6);
      const g = tf.grad((t: tf.Tensor) => tf.sum(activation(t, 'relu6')))(x);
      expectTensorClose(g, values.map((v) => (v > 0 && v <= 6 ? 1 : 0)), 0);
      tf.dispose([x, y, g]);
    });
  });

  it('relu6 is one nonlinearity for gradient rules: the rule sees its input and replaces its gradient', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor1d([-1, 2, 7]);
      const seen: string[] = [];
      const g = withNonlinearityRule(
        (r) => {
          seen.push(r.activation.fn);
          return r.activation.fn === 'relu6' ? tf.mul(r.dy, tf.scalar(3)) : null;
        },
        () => tf.grad((t: tf.Tensor) => tf.sum(activation(t, 'relu6')))(x),
      );
      expect(seen).toEqual(['relu6']);
      expectTensorClose(g, [3, 3, 3], 0);
      tf.dispose([x, g]);
    });
  });

  it('globalAvgPool is the mean of each channel; its gradient spreads 1/(H W)', async () => {
    await expectNoLeaks(() => {
      const [n, h, w, c] = [2, 3, 5, 4];
      const xv = range(n * h * w * c, (i) => Math.sin(i) * 3);
      const x = tf.tensor4d(xv, [n, h, w, c]);
      const y = globalAvgPool(x);
      const want = range(n * c, (p) => {
        const [bn, ch] = [Math.floor(p / c), p % c];
        let s = 0;
        for (let i = 0; i < h * w; i++) s += xv[(bn * h * w + i) * c + ch]!;
        return s / (h * w);
      });
      expect(y.shape).toEqual([n, c]);
      expectTensorClose(y, want, 1e-5);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(globalAvgPool(t), tf.tensor2d(range(n * c, (i) => i + 1), [n, c]))))(x);
      expectTensorClose(g, range(n * h * w * c, (i) => (Math.floor(i / (h * w * c)) * c + (i % c) + 1) / (h * w)), 1e-6);
      tf.dispose([x, y, g]);
    });
    const flat = tf.zeros([2, 3]);
    await expectGlassboxError(() => globalAvgPool(flat as never), 'SHAPE_MISMATCH', /rank 4/);
    flat.dispose();
  });
});

describeBackends('depthwiseConv2d and globalAvgPool layers', () => {
  const blocks = [
    { type: 'depthwiseConv2d', name: 'dw', kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu6' },
    { type: 'globalAvgPool', name: 'gap' },
  ] as const;

  it('plan their shapes and parameters, fill in defaults and run as the hand loop in both model types', async () => {
    await expectNoLeaks(() => {
      const res = residualModel(blocks.map((b) => ({ ...b })), [5, 6, 2], { seed: 3 });
      const seq = sequential(blocks.map((b) => ({ ...b })), [5, 6, 2], { seed: 3 });
      try {
        expect(res.blocks.map((b) => b.outputShape)).toEqual([[3, 3, 4], [4]]);
        expect(res.blocks[0]!.spec).toEqual({
          type: 'depthwiseConv2d', name: 'dw', kernelSize: [3, 3], depthMultiplier: 2, strides: [2, 2], padding: 'same',
          dilations: [1, 1], activation: 'relu6', useBias: true, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros',
        });
        expect(res.blocks[0]!.params).toEqual(['dw/kernel', 'dw/bias']);
        const kv = range(3 * 3 * 2 * 2, (i) => Math.cos(i) * 2);
        const bv = [0.5, -0.5, 1, 0];
        const weights = { 'dw/kernel': tf.tensor4d(kv, [3, 3, 2, 2]), 'dw/bias': tf.tensor1d(bv) };
        res.setWeights(weights);
        seq.setWeights(weights);
        tf.dispose(Object.values(weights));
        const xv = range(2 * 5 * 6 * 2, (i) => Math.sin(i * 0.3) * 4);
        const x = tf.tensor4d(xv, [2, 5, 6, 2]);
        const conv = depthwiseByHand(xv, [2, 5, 6, 2], kv, [3, 3, 2, 2], bv, 2, 'same', 1, () => 0);
        const act = conv.y.map((v) => Math.min(Math.max(v, 0), 6));
        const want = range(2 * 4, (p) => {
          const [bn, ch] = [Math.floor(p / 4), p % 4];
          let s = 0;
          for (let i = 0; i < 9; i++) s += act[(bn * 9 + i) * 4 + ch]!;
          return s / 9;
        });
        const yr = res.predict(x);
        const ys = seq.predict(x);
        expectTensorClose(yr, want, 1e-5);
        expectTensorClose(ys, want, 1e-5);
        tf.dispose([x, yr, ys]);
        const copy = residualModel(res.toJSON().blocks, [5, 6, 2], { seed: 3 });
        expect(copy.toJSON()).toEqual(res.toJSON());
        copy.dispose();
      } finally {
        res.dispose();
        seq.dispose();
      }
    });
  });

  it('refuse bad specs', async () => {
    await expectGlassboxError(() => residualModel([{ type: 'depthwiseConv2d', kernelSize: 3, depthMultiplier: 0 }], [4, 4, 1]), 'INVALID_ARGUMENT', /depthMultiplier/);
    await expectGlassboxError(() => residualModel([{ type: 'depthwiseConv2d', kernelSize: 3, filters: 2 } as never], [4, 4, 1]), 'INVALID_ARGUMENT', /unknown key 'filters'/);
    await expectGlassboxError(() => residualModel([{ type: 'depthwiseConv2d', kernelSize: 5 }], [4, 4, 1]), 'SHAPE_MISMATCH', /must fit/);
    await expectGlassboxError(() => residualModel([{ type: 'globalAvgPool' }], [16]), 'SHAPE_MISMATCH', /rank 3/);
    await expectGlassboxError(() => sequential([{ type: 'activation', fn: 'relu7' as never }], [4]), 'INVALID_ARGUMENT', /'relu6'/);
  });
});
