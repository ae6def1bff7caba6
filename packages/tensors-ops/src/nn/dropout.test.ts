import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { dropout, dropoutMask } from './dropout.js';

describeBackends('dropout', () => {
  it('drops about `rate` of the elements and scales the rest by 1/(1-rate)', async () => {
    await expectNoLeaks(() => {
      const x = tf.ones([100, 100]);
      const y = dropout(x, 0.3, 7);
      const v = y.dataSync();
      let zeros = 0;
      let badKept = 0;
      for (const e of v) {
        if (e === 0) zeros++;
        else if (Math.abs(e - 1 / 0.7) > 1e-6) badKept++;
      }
      expect(badKept).toBe(0);
      expect(zeros / v.length).toBeGreaterThan(0.28);
      expect(zeros / v.length).toBeLessThan(0.32);
      tf.dispose([x, y]);
    });
  });

  it('same seed same mask, another seed another mask; rate 0 is the identity', async () => {
    await expectNoLeaks(() => {
      const x = tf.tidy(() => tf.reshape(tf.range(1, 65, 1, 'float32'), [8, 8]));
      const a = dropout(x, 0.5, 1);
      const b = dropout(x, 0.5, 1);
      const c = dropout(x, 0.5, 2);
      const d = dropout(x, 0, 3);
      expectTensorClose(a, b, 0);
      expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
      expectTensorClose(d, x, 0);
      const mask = dropoutMask(64, 0.5, 1);
      const xv = x.dataSync();
      expectTensorClose(a, Array.from(mask, (m, i) => m * xv[i]!), 1e-5);
      tf.dispose([x, a, b, c, d]);
    });
  });

  it('the gradient is the mask', async () => {
    await expectNoLeaks(() => {
      const x = tf.ones([4, 5]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(dropout(t, 0.5, 11)))(x);
      expectTensorClose(g, dropoutMask(20, 0.5, 11), 0);
      tf.dispose([x, g]);
    });
  });

  it('refuses bad arguments', async () => {
    const x = tf.ones([2]);
    await expectGlassboxError(() => dropout(x, 1, 0), 'INVALID_ARGUMENT', /rate must be a number in \[0, 1\)/);
    await expectGlassboxError(() => dropout(x, -0.1, 0), 'INVALID_ARGUMENT', /rate/);
    await expectGlassboxError(() => dropout(x, 0.5, -1), 'INVALID_ARGUMENT', /seed/);
    await expectGlassboxError(() => dropoutMask(-1, 0.5, 0), 'INVALID_ARGUMENT', /n must be/);
    x.dispose();
  });
});

describe('dropout across backends', () => {
  it('draws the same mask on cpu and wasm', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      await initBackend({ backend, fallback: false });
      const x = tf.ones([6, 7]);
      const y = dropout(x, 0.4, 99);
      const out = Array.from(y.dataSync());
      tf.dispose([x, y]);
      return out;
    };
    expect(await run('wasm')).toEqual(await run('cpu'));
  });
});
