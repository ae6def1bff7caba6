import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { latentJacobian } from './latent-jacobian.js';
import { normals, uniforms } from './testing-internal/models.js';

describeBackends('latentJacobian', () => {
  const D = 3;

  it('is W[d] as an image for every code of a linear decoder', async () => {
    const W = normals(41, D * 6);
    const decoder = (z: Tensor) => tf.tidy(() => tf.reshape(tf.matMul(z, tf.tensor2d(W, [D, 6])), [z.shape[0]!, 3, 2]));
    const z = tf.tensor2d(uniforms(1, 2 * D, -1, 1), [2, D]);
    await expectNoLeaks(async () => {
      const J = await latentJacobian(decoder, z, { batchSize: 4 });
      expect(J.shape).toEqual([2, D, 3, 2]);
      expectTensorClose(J, [...W, ...W], 1e-6);
      J.dispose();
    });
    z.dispose();
  });

  it('agrees with central differences (float64 reference) on a nonlinear conv decoder, for any batchSize', async () => {
    const w1 = tf.tensor2d(normals(42, D * 2 * 2 * 4, 0.7), [D, 16]);
    const k = tf.tensor4d(normals(43, 3 * 3 * 2 * 4, 0.4), [3, 3, 2, 4]);
    const decoder = (z: Tensor) =>
      tf.tidy(() => {
        const h = tf.reshape(tf.tanh(tf.matMul(z, w1)), [z.shape[0]!, 2, 2, 4]) as tf.Tensor4D;
        return tf.sigmoid(tf.conv2dTranspose(h, k, [z.shape[0]!, 4, 4, 2], 2, 'same'));
      });
    const n = 2;
    const zv = uniforms(2, n * D, -1, 1);
    const z = tf.tensor2d(zv, [n, D]);
    const J = await latentJacobian(decoder, z);
    expect(J.shape).toEqual([n, D, 4, 4, 2]);
    const jv = J.dataSync();
    const eps = 1e-2;
    const size = 32;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < D; d++) {
        const plus = Float32Array.from(zv.subarray(i * D, i * D + D));
        const minus = Float32Array.from(plus);
        plus[d] += eps;
        minus[d] -= eps;
        const op = tf.tidy(() => decoder(tf.tensor2d(plus, [1, D])).dataSync());
        const om = tf.tidy(() => decoder(tf.tensor2d(minus, [1, D])).dataSync());
        for (let p = 0; p < size; p++) {
          const fd = (op[p]! - om[p]!) / (2 * eps);
          worst = Math.max(worst, Math.abs(fd - jv[(i * D + d) * size + p]!));
        }
      }
    }
    expect(worst).toBeLessThan(2e-3); // central differences: O(eps^2) truncation + float32 rounding / eps
    expect(Math.max(...Array.from(jv, Math.abs))).toBeGreaterThan(0.05);
    for (const batchSize of [1, 5]) {
      const Jb = await latentJacobian(decoder, z, { batchSize });
      expectTensorClose(Jb, J, 1e-6);
      Jb.dispose();
    }
    for (const t of [J, z, w1, k]) t.dispose();
  });

  it('calls the decoder with at most batchSize rows and reports progress', async () => {
    const sizes: number[] = [];
    const decoder = (z: Tensor) => {
      sizes.push(z.shape[0]!);
      return tf.square(z);
    };
    const z = tf.tensor2d(uniforms(3, 4 * D), [4, D]);
    const progress: number[] = [];
    const J = await latentJacobian(decoder, z, { batchSize: 5, onProgress: (d) => progress.push(d) });
    // d z_k^2 / d z_d = 2 z_d on the diagonal
    const zv = z.dataSync();
    const jv = J.dataSync();
    for (let i = 0; i < 4; i++) for (let d = 0; d < D; d++) for (let kk = 0; kk < D; kk++) {
      expect(jv[(i * D + d) * D + kk]).toBeCloseTo(d === kk ? 2 * zv[i * D + d]! : 0, 5);
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
    expect(progress).toEqual([5, 10, 12]);
    J.dispose();
    z.dispose();
  });

  it('rejects bad arguments and aborts without leaking', async () => {
    const z = tf.zeros([2, D]);
    const z1 = tf.zeros([2]);
    await expectGlassboxError(() => latentJacobian((t: Tensor) => t, z1), 'SHAPE_MISMATCH');
    z1.dispose();
    await expectGlassboxError(() => latentJacobian((t: Tensor) => t, z, { batchSize: 0 }), 'INVALID_ARGUMENT', /batchSize/);
    await expectGlassboxError(() => latentJacobian((t: Tensor) => tf.concat([t, t], 0), z), 'SHAPE_MISMATCH', /decoder/);
    await expectGlassboxError(() => latentJacobian(42 as never, z), 'INVALID_ARGUMENT', /decoder/);
    const ac = new AbortController();
    await expectGlassboxError(
      () => latentJacobian((t: Tensor) => tf.square(t), z, { batchSize: 1, signal: ac.signal, onProgress: () => ac.abort() }),
      'ABORTED',
    );
    z.dispose();
  });
});
