import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { avgPool, maxPool } from './pooling.js';

/** Pooling by plain loops; padded cells are ignored (TensorFlow's rule). */
function poolByHand(kind: 'max' | 'avg', x: number[], [n, h, w, c]: number[], k: number, s: number, padding: 'same' | 'valid'): [number[], number[]] {
  const oh = padding === 'same' ? Math.ceil(h / s) : Math.floor((h - k) / s) + 1;
  const ow = padding === 'same' ? Math.ceil(w / s) : Math.floor((w - k) / s) + 1;
  const pt = padding === 'same' ? Math.floor(Math.max((oh - 1) * s + k - h, 0) / 2) : 0;
  const pl = padding === 'same' ? Math.floor(Math.max((ow - 1) * s + k - w, 0) / 2) : 0;
  const out: number[] = [];
  for (let b = 0; b < n!; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c!; ch++) {
          const cells: number[] = [];
          for (let a = 0; a < k; a++)
            for (let d = 0; d < k; d++) {
              const r = i * s + a - pt;
              const q = j * s + d - pl;
              if (r >= 0 && r < h! && q >= 0 && q < w!) cells.push(x[((b * h! + r) * w! + q) * c! + ch]!);
            }
          out.push(kind === 'max' ? Math.max(...cells) : cells.reduce((u, v) => u + v, 0) / cells.length);
        }
  return [out, [n!, oh, ow, c!]];
}

describeBackends('pooling', () => {
  it('2x2 max and average pooling of a 4x4 image, by hand', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
      const m = maxPool(x);
      const a = avgPool(x, { poolSize: 2 });
      expect(m.shape).toEqual([1, 2, 2, 1]);
      expectTensorClose(m, [6, 8, 14, 16], 0);
      expectTensorClose(a, [3.5, 5.5, 11.5, 13.5], 1e-6);
      tf.dispose([x, m, a]);
    });
  });

  it('windows, strides and padding equal the hand loop', async () => {
    await expectNoLeaks(() => {
      const shape = [2, 5, 5, 3];
      const vals = Array.from({ length: 150 }, (_, i) => Math.sin(i * 1.7) * 3);
      const x = tf.tensor4d(vals, shape as [number, number, number, number]);
      for (const [k, s, padding] of [[2, 2, 'valid'], [3, 2, 'same'], [3, 1, 'valid'], [2, 2, 'same'], [3, 3, 'same']] as const) {
        for (const kind of ['max', 'avg'] as const) {
          const y = (kind === 'max' ? maxPool : avgPool)(x, { poolSize: k, strides: s, padding });
          const [want, outShape] = poolByHand(kind, vals, shape, k, s, padding);
          expect(y.shape).toEqual(outShape);
          expectTensorClose(y, want, 1e-5);
          y.dispose();
        }
      }
      x.dispose();
    });
  });

  it('gradients route to the max and spread for the average', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d([1, 5, 2, 0], [1, 2, 2, 1]);
      const gm = tf.grad((t: tf.Tensor) => tf.sum(maxPool(t)))(x);
      const ga = tf.grad((t: tf.Tensor) => tf.sum(avgPool(t)))(x);
      expectTensorClose(gm, [0, 1, 0, 0], 0);
      expectTensorClose(ga, [0.25, 0.25, 0.25, 0.25], 1e-7);
      tf.dispose([x, gm, ga]);
    });
  });

  it('refuses bad options', async () => {
    const x = tf.zeros([1, 3, 3, 1]);
    await expectGlassboxError(() => maxPool(x, { poolSize: 4 }), 'SHAPE_MISMATCH', /must fit/);
    await expectGlassboxError(() => avgPool(x, { poolSize: 0 }), 'INVALID_ARGUMENT', /options.poolSize/);
    await expectGlassboxError(() => avgPool(x, { strides: [1, 2, 3] as never }), 'INVALID_ARGUMENT', /options.strides/);
    x.dispose();
  });
});
