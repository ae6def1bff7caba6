import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { conv2d } from './conv2d.js';

/** NHWC convolution by plain loops, TensorFlow's padding rule. Returns [values, shape]. */
function convByHand(
  x: number[], xs: [number, number, number, number],
  k: number[], ks: [number, number, number, number],
  b: number[] | null, stride: number, padding: 'same' | 'valid', dilation = 1,
): [number[], number[]] {
  const [n, h, w, c] = xs;
  const [kh, kw, , o] = ks;
  const ekh = (kh - 1) * dilation + 1;
  const ekw = (kw - 1) * dilation + 1;
  const oh = padding === 'same' ? Math.ceil(h / stride) : Math.floor((h - ekh) / stride) + 1;
  const ow = padding === 'same' ? Math.ceil(w / stride) : Math.floor((w - ekw) / stride) + 1;
  const pt = padding === 'same' ? Math.floor(Math.max((oh - 1) * stride + ekh - h, 0) / 2) : 0;
  const pl = padding === 'same' ? Math.floor(Math.max((ow - 1) * stride + ekw - w, 0) / 2) : 0;
  const out: number[] = [];
  for (let bn = 0; bn < n; bn++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let oc = 0; oc < o; oc++) {
          let s = b ? b[oc]! : 0;
          for (let a = 0; a < kh; a++)
            for (let d = 0; d < kw; d++) {
              const r = i * stride + a * dilation - pt;
              const q = j * stride + d * dilation - pl;
              if (r < 0 || r >= h || q < 0 || q >= w) continue;
              for (let ic = 0; ic < c; ic++) s += x[((bn * h + r) * w + q) * c + ic]! * k[((a * kw + d) * c + ic) * o + oc]!;
            }
          out.push(s);
        }
  return [out, [n, oh, ow, o]];
}

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describeBackends('conv2d', () => {
  // A 4x4 single-channel image and a 3x3 kernel with distinct values.
  const xv = range(16, (i) => i + 1);
  const kv = [1, 0, -1, 2, 0.5, -2, 0.25, 1, -0.5];

  it('valid 3x3 on 4x4 equals the hand loop (and a hand-checked corner)', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(xv, [1, 4, 4, 1]);
      const k = tf.tensor4d(kv, [3, 3, 1, 1]);
      const b = tf.tensor1d([0.5]);
      const y = conv2d(x, k, b);
      expect(y.shape).toEqual([1, 2, 2, 1]);
      // Top-left output: 1*1 + 2*0 + 3*(-1) + 5*2 + 6*0.5 + 7*(-2) + 9*0.25 + 10*1 + 11*(-0.5) + 0.5 = 4.25
      expect(y.dataSync()[0]).toBeCloseTo(4.25, 5);
      const [want] = convByHand(xv, [1, 4, 4, 1], kv, [3, 3, 1, 1], [0.5], 1, 'valid');
      expectTensorClose(y, want, 1e-5);
      tf.dispose([x, k, b, y]);
    });
  });

  it('same padding, strides, channels and activation equal the hand loop', async () => {
    await expectNoLeaks(() => {
      const xvals = range(2 * 5 * 5 * 2, (i) => Math.sin(i * 0.7));
      const kvals = range(3 * 3 * 2 * 3, (i) => Math.cos(i * 1.3) * 0.5);
      const bvals = [0.1, -0.2, 0.3];
      const x = tf.tensor4d(xvals, [2, 5, 5, 2]);
      const k = tf.tensor4d(kvals, [3, 3, 2, 3]);
      const b = tf.tensor1d(bvals);
      for (const [stride, padding] of [[1, 'same'], [2, 'same'], [2, 'valid'], [1, 'valid']] as const) {
        const y = conv2d(x, k, b, { strides: stride, padding, activation: 'relu' });
        const [want, shape] = convByHand(xvals, [2, 5, 5, 2], kvals, [3, 3, 2, 3], bvals, stride, padding);
        expect(y.shape).toEqual(shape);
        expectTensorClose(y, want.map((v) => Math.max(v, 0)), 1e-5);
        y.dispose();
      }
      const yd = conv2d(x, k, null, { dilations: 2 });
      const [wantD, shapeD] = convByHand(xvals, [2, 5, 5, 2], kvals, [3, 3, 2, 3], null, 1, 'valid', 2);
      expect(yd.shape).toEqual(shapeD);
      expectTensorClose(yd, wantD, 1e-5);
      tf.dispose([x, k, b, yd]);
    });
  });

  it('gradient with respect to the input equals the hand loop', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(xv, [1, 4, 4, 1]);
      const k = tf.tensor4d(kv, [3, 3, 1, 1]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(conv2d(t, k, null, { padding: 'same' })))(x);
      // d sum(y) / dx[r, q] = sum of the kernel taps that touch (r, q): perturb each pixel in the hand loop.
      const want = range(16, (p) => {
        const e = range(16, (i) => (i === p ? 1 : 0));
        return convByHand(e, [1, 4, 4, 1], kv, [3, 3, 1, 1], null, 1, 'same')[0].reduce((a, v) => a + v, 0);
      });
      expectTensorClose(g, want, 1e-5);
      tf.dispose([x, k, g]);
    });
  });

  // Needs Conv2DBackpropFilter, which the WASM backend lacks until the kernels work lands.
  it('gradient with respect to the kernel equals the hand loop', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(xv, [1, 4, 4, 1]);
      const k = tf.tensor4d(kv, [3, 3, 1, 1]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(conv2d(x, t, null, { padding: 'valid' })))(k);
      const want = range(9, (p) => {
        const e = range(9, (i) => (i === p ? 1 : 0));
        return convByHand(xv, [1, 4, 4, 1], e, [3, 3, 1, 1], null, 1, 'valid')[0].reduce((a, v) => a + v, 0);
      });
      expectTensorClose(g, want, 1e-4);
      tf.dispose([x, k, g]);
    });
  });

  it('refuses shapes and options that do not fit', async () => {
    const x = tf.zeros([1, 4, 4, 1]);
    const k = tf.zeros([3, 3, 1, 2]);
    const k2 = tf.zeros([3, 3, 2, 2]);
    const big = tf.zeros([5, 5, 1, 1]);
    const b = tf.zeros([3]);
    await expectGlassboxError(() => conv2d(x, k2), 'SHAPE_MISMATCH', /kernel must have shape \[kh, kw, 1, outChannels\]/);
    await expectGlassboxError(() => conv2d(x, k, b), 'SHAPE_MISMATCH', /bias must have shape \[2\]/);
    await expectGlassboxError(() => conv2d(x, big), 'SHAPE_MISMATCH', /must fit/);
    await expectGlassboxError(() => conv2d(x, k, null, { strides: 0 }), 'INVALID_ARGUMENT', /options.strides/);
    await expectGlassboxError(() => conv2d(x, k, null, { padding: 'full' as never }), 'INVALID_ARGUMENT', /options.padding/);
    await expectGlassboxError(() => conv2d(x, k, null, { strides: 2, dilations: 2, padding: 'same' }), 'INVALID_ARGUMENT', /cannot both be > 1/);
    await expectGlassboxError(() => conv2d(tf.zeros([4, 4]) as never, k), 'SHAPE_MISMATCH', /rank 4/).catch(() => undefined);
    tf.dispose([x, k, k2, big, b]);
  });
});
