import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { conv2dTranspose } from './conv2d-transpose.js';

/**
 * Transposed convolution by plain loops: every input pixel stamps kernel * value at (i*s - pt, j*s - pl).
 * Output size and crop follow Keras/TensorFlow: 'same' in*s with pad max(k - s, 0) split floor/ceil;
 * 'valid' in*s + max(k - s, 0), no crop.
 */
function convTransposeByHand(
  x: number[], xs: [number, number, number, number],
  k: number[], ks: [number, number, number, number],
  b: number[] | null, stride: number, padding: 'same' | 'valid',
): [number[], number[]] {
  const [n, h, w, c] = xs;
  const [kh, kw, o] = ks;
  const oh = padding === 'same' ? h * stride : h * stride + Math.max(kh - stride, 0);
  const ow = padding === 'same' ? w * stride : w * stride + Math.max(kw - stride, 0);
  const pt = padding === 'same' ? Math.floor(Math.max(kh - stride, 0) / 2) : 0;
  const pl = padding === 'same' ? Math.floor(Math.max(kw - stride, 0) / 2) : 0;
  const out = new Array<number>(n * oh * ow * o).fill(0);
  for (let bn = 0; bn < n; bn++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let ic = 0; ic < c; ic++) {
          const v = x[((bn * h + i) * w + j) * c + ic]!;
          for (let a = 0; a < kh; a++)
            for (let d = 0; d < kw; d++) {
              const r = i * stride + a - pt;
              const q = j * stride + d - pl;
              if (r < 0 || r >= oh || q < 0 || q >= ow) continue;
              for (let oc = 0; oc < o; oc++) out[((bn * oh + r) * ow + q) * o + oc] += v * k[((a * kw + d) * o + oc) * c + ic]!;
            }
        }
  if (b) for (let i = 0; i < out.length; i++) out[i] += b[i % o]!;
  return [out, [n, oh, ow, o]];
}

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describeBackends('conv2dTranspose', () => {
  it('a 2x2 input, 3x3 kernel, stride 2, valid: 5x5 output, by hand', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
      const k = tf.tensor4d(range(9, (i) => i + 1), [3, 3, 1, 1]);
      const y = conv2dTranspose(x, k, null, { strides: 2 });
      expect(y.shape).toEqual([1, 5, 5, 1]);
      // The centre pixel (2, 2) gets the corner taps of all four stamps: 1*9 + 2*7 + 3*3 + 4*1 = 36.
      expect(y.dataSync()[12]).toBeCloseTo(36, 5);
      // (0, 0) only gets x[0,0] * k[0,0] = 1.
      expect(y.dataSync()[0]).toBeCloseTo(1, 5);
      tf.dispose([x, k, y]);
    });
  });

  it('output sizes and values equal the hand loop (strides, padding, channels, k < s)', async () => {
    await expectNoLeaks(() => {
      const xv = range(2 * 3 * 4 * 2, (i) => Math.sin(i * 0.9));
      const x = tf.tensor4d(xv, [2, 3, 4, 2]);
      for (const [kh, stride, padding] of [
        [3, 1, 'same'], [3, 2, 'same'], [4, 2, 'same'], [3, 2, 'valid'], [2, 3, 'valid'], [5, 2, 'valid'], [1, 1, 'valid'],
      ] as const) {
        const kv = range(kh * kh * 3 * 2, (i) => Math.cos(i * 0.37));
        const k = tf.tensor4d(kv, [kh, kh, 3, 2]);
        const b = tf.tensor1d([0.5, -1, 0.25]);
        const y = conv2dTranspose(x, k, b, { strides: stride, padding, activation: 'tanh' });
        const [want, shape] = convTransposeByHand(xv, [2, 3, 4, 2], kv, [kh, kh, 3, 2], [0.5, -1, 0.25], stride, padding);
        expect(y.shape, `k ${kh} s ${stride} ${padding}`).toEqual(shape);
        expectTensorClose(y, want.map(Math.tanh), 1e-5);
        tf.dispose([k, b, y]);
      }
      x.dispose();
    });
  });

  it('gradient with respect to the input equals the hand loop', async () => {
    await expectNoLeaks(() => {
      const xv = [0.5, -1, 2, 1.5];
      const kv = range(9, (i) => i - 4);
      const x = tf.tensor4d(xv, [1, 2, 2, 1]);
      const k = tf.tensor4d(kv, [3, 3, 1, 1]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(conv2dTranspose(t, k, null, { strides: 2, padding: 'same' })))(x);
      const want = range(4, (p) => convTransposeByHand(range(4, (i) => (i === p ? 1 : 0)), [1, 2, 2, 1], kv, [3, 3, 1, 1], null, 2, 'same')[0].reduce((a, v) => a + v, 0));
      expectTensorClose(g, want, 1e-5);
      tf.dispose([x, k, g]);
    });
  });

  // Needs Conv2DBackpropFilter on WASM (the kernels work).
  it('gradient with respect to the kernel equals the hand loop', async () => {
    await expectNoLeaks(() => {
      const xv = [0.5, -1, 2, 1.5];
      const x = tf.tensor4d(xv, [1, 2, 2, 1]);
      const k = tf.tensor4d(range(9, (i) => i - 4), [3, 3, 1, 1]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(conv2dTranspose(x, t, null, { strides: 2, padding: 'valid' })))(k);
      const want = range(9, (p) => convTransposeByHand(xv, [1, 2, 2, 1], range(9, (i) => (i === p ? 1 : 0)), [3, 3, 1, 1], null, 2, 'valid')[0].reduce((a, v) => a + v, 0));
      expectTensorClose(g, want, 1e-5);
      tf.dispose([x, k, g]);
    });
  });

  it('refuses shapes that do not fit', async () => {
    const x = tf.zeros([1, 2, 2, 3]);
    const k = tf.zeros([3, 3, 4, 2]);
    const b = tf.zeros([3]);
    const k3 = tf.zeros([3, 3, 4, 3]);
    await expectGlassboxError(() => conv2dTranspose(x, k), 'SHAPE_MISMATCH', /kernel must have shape \[kh, kw, outChannels, 3\]/);
    await expectGlassboxError(() => conv2dTranspose(x, k3, b), 'SHAPE_MISMATCH', /bias must have shape \[4\]/);
    await expectGlassboxError(() => conv2dTranspose(x, k3, null, { strides: [1, 0] }), 'INVALID_ARGUMENT', /strides\[1\]/);
    tf.dispose([x, k, b, k3]);
  });
});
