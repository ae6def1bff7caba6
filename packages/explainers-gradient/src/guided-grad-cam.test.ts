import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { guidedGradCam } from './guided-grad-cam.js';
import { normals, uniforms } from './testing-internal/models.js';

/** head(A) = sum_{i,j,c} V[c, t] A[i, j, c]: its gradient with respect to A_c is V[c, t] everywhere. */
function channelHead(v: Float32Array, c: number, k: number) {
  return (a: Tensor) => tf.tidy(() => tf.matMul(tf.sum(a, [1, 2]), tf.tensor2d(v, [c, k])));
}

describeBackends('guidedGradCam', () => {
  it('guidedGradCam is gradCam times the guided gradient: relu(sum_c V_c relu(x_c)) * relu(V_c) * [x_c > 0]', async () => {
    const H = 2;
    const W = 3;
    const C = 3;
    const v = normals(21, C);
    const xv = uniforms(22, 2 * H * W * C, -1, 1);
    const x = tf.tensor4d(xv, [2, H, W, C]);
    await expectNoLeaks(async () => {
      const { attributions, method } = await guidedGradCam({ features: (t: Tensor) => tf.relu(t), head: channelHead(v, C, 1) }, x);
      expect(method).toBe('guidedGradCam');
      const expected = new Float32Array(xv.length);
      for (let p = 0; p < 2 * H * W; p++) {
        let s = 0;
        for (let c = 0; c < C; c++) s += v[c]! * Math.max(xv[p * C + c]!, 0);
        for (let c = 0; c < C; c++) expected[p * C + c] = Math.max(s, 0) * Math.max(v[c]!, 0) * (xv[p * C + c]! > 0 ? 1 : 0);
      }
      expectTensorClose(attributions, expected, 1e-5);
      attributions.dispose();
    });
    x.dispose();
  });
});
