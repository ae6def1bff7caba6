import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { sequential, tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { gradCam } from './grad-cam.js';
import { normals, randomizeWeights, uniforms } from './testing-internal/models.js';

/** head(A) = sum_{i,j,c} V[c, t] A[i, j, c]: its gradient with respect to A_c is V[c, t] everywhere. */
function channelHead(v: Float32Array, c: number, k: number) {
  return (a: Tensor) => tf.tidy(() => tf.matMul(tf.sum(a, [1, 2]), tf.tensor2d(v, [c, k])));
}

describeBackends('gradCam', () => {
  it('is relu(sum_c V_c A_c) broadcast over channels when features is the identity', async () => {
    const H = 3;
    const W = 4;
    const C = 2;
    const K = 2;
    const v = normals(1, C * K);
    const xv = uniforms(2, 2 * H * W * C, -1, 1);
    const x = tf.tensor4d(xv, [2, H, W, C]);
    await expectNoLeaks(async () => {
      const { attributions, method, delta } = await gradCam({ features: (t: Tensor) => t, head: channelHead(v, C, K) }, x, { target: 1 });
      expect(method).toBe('gradCam');
      expect(delta).toBeUndefined();
      const expected = new Float32Array(xv.length);
      for (let p = 0; p < 2 * H * W; p++) {
        let s = 0;
        for (let c = 0; c < C; c++) s += v[c * K + 1]! * xv[p * C + c]!;
        for (let c = 0; c < C; c++) expected[p * C + c] = Math.max(s, 0);
      }
      expectTensorClose(attributions, expected, 1e-5);
      attributions.dispose();
    });
    x.dispose();
  });

  it('upsamples a 2x2 map to 4x4 bilinearly with half-pixel centres: rows [a, 3a/4 + b/4, a/4 + 3b/4, b]', async () => {
    // features: 2x2 average pooling of a one-channel image; head: the sum (V = 1), so the map is relu(A).
    const xv = uniforms(3, 16, 0, 1);
    const x = tf.tensor4d(xv, [1, 4, 4, 1]);
    const features = (t: Tensor) => tf.avgPool(t as tf.Tensor4D, 2, 2, 'valid');
    const head = (a: Tensor) => tf.sum(a, [1, 2, 3]);
    const { attributions } = await gradCam({ features, head }, x);
    const A = [0, 1].map((r) => [0, 1].map((c) => (xv[(2 * r) * 4 + 2 * c]! + xv[(2 * r) * 4 + 2 * c + 1]! + xv[(2 * r + 1) * 4 + 2 * c]! + xv[(2 * r + 1) * 4 + 2 * c + 1]!) / 4));
    // The 1-D weights of half-pixel bilinear upsampling by 2 (edges clamp).
    const wts = [[1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1]];
    const expected = new Float32Array(16);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) s += wts[i]![r]! * wts[j]![c]! * A[r]![c]!;
      expected[i * 4 + j] = s;
    }
    expectTensorClose(attributions, expected, 1e-5);
    attributions.dispose();
    x.dispose();
  });

  it('explains a tensors-ops nn CNN through split(layer): same as { features, head }, >= 0, x-shaped, batch independent', async () => {
    const model = sequential(
      [
        { type: 'conv2d', name: 'conv1', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'conv2d', name: 'conv2', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
        { type: 'flatten' },
        { type: 'dense', name: 'logits', units: 3 },
      ],
      [6, 6, 2],
      { seed: 3 },
    );
    randomizeWeights(model, 5);
    const x = tf.tensor4d(uniforms(4, 3 * 72), [3, 6, 6, 2]);
    const a = await gradCam(model, x, { layer: 'conv2', target: [0, 1, 2] });
    const b = await gradCam(model.split('conv2'), x, { target: [0, 1, 2], batchSize: 1 });
    expect(a.attributions.shape).toEqual([3, 6, 6, 2]);
    expectTensorClose(a.attributions, b.attributions, 1e-6);
    expect(Math.min(...a.attributions.dataSync())).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.attributions.dataSync())).toBeGreaterThan(0);
    for (const t of [a.attributions, b.attributions, x]) t.dispose();
    model.dispose();
  });

  it('accepts [N, H, W] images and [N, C] features (a global map)', async () => {
    const x = tf.tensor3d(uniforms(5, 2 * 9, -1, 1), [2, 3, 3]);
    const features = (t: Tensor) => tf.stack([tf.sum(t, [1, 2]), tf.neg(tf.sum(t, [1, 2]))], 1); // [N, 2]
    const head = (a: Tensor) => tf.matMul(a, tf.tensor2d([[2], [-1]]));
    const { attributions } = await gradCam({ features, head }, x);
    const s = tf.tidy(() => tf.sum(x, [1, 2]).dataSync());
    // sum_c A_c dF/dA_c = 2 s + (-1)(-s) = 3 s, relu'd, broadcast over the image.
    const expected = new Float32Array(18);
    for (let i = 0; i < 2; i++) for (let p = 0; p < 9; p++) expected[i * 9 + p] = Math.max(3 * s[i]!, 0);
    expectTensorClose(attributions, expected, 1e-5);
    attributions.dispose();
    x.dispose();
  });

  it('rejects bad models, layers and inputs', async () => {
    const model = sequential([{ type: 'conv2d', name: 'c', filters: 2, kernelSize: 1 }, { type: 'flatten' }, { type: 'dense', units: 2 }], [2, 2, 1], { seed: 1 });
    const x = tf.zeros([1, 2, 2, 1]);
    const flat = tf.zeros([1, 4]);
    await expectGlassboxError(() => gradCam(((t: Tensor) => t) as never, x), 'INVALID_ARGUMENT', /features, head/);
    await expectGlassboxError(() => gradCam(model, x, { target: 0 }), 'INVALID_ARGUMENT', /options\.layer/);
    await expectGlassboxError(() => gradCam(model, x, { layer: 'nope', target: 0 }), 'INVALID_ARGUMENT', /nope/);
    await expectGlassboxError(() => gradCam(model, flat, { layer: 'c', target: 0 }), 'SHAPE_MISMATCH', /x must be images/);
    await expectGlassboxError(() => gradCam(model, x, { layer: 'c', target: 5 }), 'TARGET_OUT_OF_RANGE');
    await expectGlassboxError(
      () => gradCam({ features: (t: Tensor) => tf.reshape(t, [1, 2, 2]), head: (a: Tensor) => tf.sum(a, [1, 2]) }, x),
      'SHAPE_MISMATCH',
      /features must return/,
    );
    for (const t of [x, flat]) t.dispose();
    model.dispose();
  });
});
