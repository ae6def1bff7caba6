import { expect, it } from 'vitest';
import { createRng, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { autoencoder } from './autoencoder.js';

function rows(n: number, shape: number[], seed: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(createRng(seed).uniformArray(n * size), [n, ...shape], 'float32');
}

function range(t: Tensor): [number, number] {
  const v = t.dataSync();
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return [lo, hi];
}

describeBackends('Autoencoder', () => {
  it('MLP: encode, decode, reconstruct, predict, and the encoder/decoder ForwardFns', async () => {
    const ae = autoencoder({ latentDim: 5, hidden: [12], seed: 1 });
    expect(ae.kind).toBe('ae');
    expect(ae.variant).toBe('mlp');
    expect(ae.loss).toBe('bce');
    expect(ae.encoderNet.layers.map((l) => l.name)).toEqual(['flatten', 'enc_dense1', 'latent']);
    expect(ae.decoderNet.layers.map((l) => l.name)).toEqual(['dec_dense1', 'logits', 'reshape', 'output']);
    const x = rows(3, [28, 28, 1], 1);
    await expectNoLeaks(() => {
      const z = ae.encode(x);
      expect(z.shape).toEqual([3, 5]);
      const xHat = ae.decode(z);
      expect(xHat.shape).toEqual([3, 28, 28, 1]);
      const [lo, hi] = range(xHat);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      const r = ae.reconstruct(x);
      const p = ae.predict(x);
      const zf = ae.encoder(x);
      const viaFns = ae.decoder(zf);
      expectTensorClose(r, xHat, 0);
      expectTensorClose(p, xHat, 0);
      expectTensorClose(viaFns, xHat, 0);
      tf.dispose([z, xHat, r, p, zf, viaFns]);
    });
    x.dispose();
    ae.dispose();
    expect(ae.isDisposed).toBe(true);
    await expectGlassboxError(() => ae.encode(x), 'INVALID_ARGUMENT', /disposed/);
  });

  it('conv: strided convolutions, batch norm and leakyRelu down, transposed convolutions up, sigmoid out', async () => {
    const ae = autoencoder({ variant: 'conv', inputShape: [8, 8, 2], filters: [4, 6], latentDim: 3, seed: 2 });
    expect(ae.encoderNet.layers.map((l) => `${l.name}:${l.type}`)).toEqual([
      'enc_conv1:conv2d', 'enc_bn1:batchNorm', 'enc_act1:activation', 'enc_conv2:conv2d', 'enc_bn2:batchNorm', 'enc_act2:activation', 'flatten:flatten', 'latent:dense',
    ]);
    expect(ae.decoderNet.layers.map((l) => `${l.name}:${l.type}`)).toEqual([
      'dec_dense:dense', 'dec_reshape:reshape', 'dec_bn0:batchNorm', 'dec_act0:activation', 'dec_deconv1:conv2dTranspose', 'dec_bn1:batchNorm', 'dec_act1:activation', 'logits:conv2dTranspose', 'output:activation',
    ]);
    expect(ae.encoderNet.layers[1]!.outputShape).toEqual([4, 4, 4]);
    expect(ae.decoderNet.layers[4]!.outputShape).toEqual([4, 4, 4]);
    expect(ae.encoderNet.layers[2]!.activation).toEqual({ fn: 'leakyRelu', alpha: 0.2 });
    const x = rows(2, [8, 8, 2], 3);
    await expectNoLeaks(() => {
      const r = ae.reconstruct(x);
      expect(r.shape).toEqual([2, 8, 8, 2]);
      const [lo, hi] = range(r);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      r.dispose();
    });
    x.dispose();
    ae.dispose();
  });

  it('frees every tensor it made on dispose', async () => {
    await expectNoLeaks(() => autoencoder({ variant: 'conv', inputShape: [8, 8, 1], filters: [2], latentDim: 2 }).dispose());
    await expectNoLeaks(() => autoencoder({ latentDim: 2, hidden: [3] }).dispose());
  });

  it('works on plain rows (an MLP over [D])', () => {
    const ae = autoencoder({ inputShape: [6], latentDim: 2, hidden: [4], loss: 'mse' });
    const x = rows(4, [6], 1);
    const r = ae.reconstruct(x);
    expect(r.shape).toEqual([4, 6]);
    tf.dispose([x, r]);
    ae.dispose();
  });

  it('sample draws from the Gaussian fitted to the codes; interpolate and traverse walk the latent space', async () => {
    const ae = autoencoder({ latentDim: 4, hidden: [8], seed: 3 });
    const x = rows(10, [28, 28, 1], 4);
    const fitted = await expectNoLeaks(() => ae.fitLatentDistribution(x, { batchSize: 3 }));
    const codes = ae.encode(x);
    const z = codes.arraySync() as number[][];
    for (let j = 0; j < 4; j++) {
      const col = z.map((r) => r[j]!);
      const mean = col.reduce((a, b) => a + b, 0) / 10;
      const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / 10);
      expect(fitted.mean[j]).toBeCloseTo(mean, 4);
      expect(fitted.std[j]).toBeCloseTo(std, 4);
    }
    expect(ae.latentDistribution()).toEqual(fitted);
    // Each public function leaves no tensor behind besides its result.
    for (const f of [() => ae.sampleLatent(3, 7), () => ae.sample(3, 7), () => ae.interpolate([0, 0, 0, 0], [1, 1, 1, 1], 3), () => ae.traverse([0, 0, 0, 0], 1, [0, 1])]) {
      await expectNoLeaks(() => f().dispose());
    }
    tf.tidy(() => {
      const zs = ae.sampleLatent(3, 7);
      const eps = createRng(7).normalArray(12);
      const expected = Array.from(eps, (e, i) => fitted.mean[i % 4]! + fitted.std[i % 4]! * e);
      expectTensorClose(zs, expected, 1e-5);
      const s1 = ae.sample(3, 7);
      const s2 = ae.sample(3, 7);
      expect(s1.shape).toEqual([3, 28, 28, 1]);
      expectTensorClose(s1, s2, 0);
      expectTensorClose(s1, ae.decode(zs), 1e-6);
      const z0 = tf.slice(codes, [0, 0], [1, 4]);
      const z1 = tf.slice(codes, [1, 0], [1, 4]);
      const path = ae.interpolate(z0, Array.from(z1.dataSync()), 5);
      expect(path.shape).toEqual([5, 28, 28, 1]);
      expectTensorClose(tf.slice(path, 0, 1), ae.decode(z0), 1e-6);
      expectTensorClose(tf.slice(path, 4, 1), ae.decode(z1), 1e-6);
      expectTensorClose(tf.slice(path, 2, 1), ae.decode(tf.mul(tf.add(z0, z1), 0.5)), 1e-5);
      const walk = ae.traverse(tf.reshape(z0, [4]), 2, [-1, 0, 1]);
      expect(walk.shape).toEqual([3, 28, 28, 1]);
      const manual = Array.from(z0.dataSync());
      manual[2] = 1;
      expectTensorClose(tf.slice(walk, 2, 1), ae.decode(tf.tensor2d(manual, [1, 4])), 1e-6);
    });
    codes.dispose();
    x.dispose();
    ae.dispose();
  });

  it('evaluate: per-pixel MSE and binary cross-entropy per image, as computed by hand', async () => {
    const ae = autoencoder({ latentDim: 3, hidden: [8], seed: 4 });
    const x = rows(5, [28, 28, 1], 5);
    const xHat = ae.reconstruct(x);
    const xv = x.dataSync();
    const pv = xHat.dataSync();
    let se = 0;
    let bce = 0;
    for (let i = 0; i < xv.length; i++) {
      se += (pv[i]! - xv[i]!) ** 2;
      bce -= xv[i]! * Math.log(pv[i]!) + (1 - xv[i]!) * Math.log(1 - pv[i]!);
    }
    const r = await expectNoLeaks(() => ae.evaluate(x, { batchSize: 2 }));
    expect(r.rows).toBe(5);
    expect(r.mse).toBeCloseTo(se / xv.length, 5);
    expect(r.bce / (bce / 5)).toBeCloseTo(1, 4);
    expect(r.loss).toBe(r.bce);
    tf.dispose([x, xHat]);
    ae.dispose();
  });

  it('checks its arguments', async () => {
    await expectGlassboxError(() => autoencoder({ variant: 'rnn' as never }), 'INVALID_ARGUMENT', /options.variant must be one of 'mlp', 'conv'/);
    await expectGlassboxError(() => autoencoder({ latentDim: 0 }), 'INVALID_ARGUMENT', /options.latentDim/);
    await expectGlassboxError(() => autoencoder({ loss: 'l1' as never }), 'INVALID_ARGUMENT', /options.loss/);
    await expectGlassboxError(() => autoencoder({ filters: [4] }), 'INVALID_ARGUMENT', /options.filters is only for variant 'conv'/);
    await expectGlassboxError(() => autoencoder({ variant: 'conv', hidden: [4] }), 'INVALID_ARGUMENT', /options.hidden is only for variant 'mlp'/);
    await expectGlassboxError(() => autoencoder({ variant: 'conv', inputShape: [10, 10, 1], filters: [2, 2] }), 'SHAPE_MISMATCH', /divisible by 2\^2 = 4/);
    await expectGlassboxError(() => autoencoder({ variant: 'conv', inputShape: [8] }), 'SHAPE_MISMATCH');
    const ae = autoencoder({ latentDim: 2, hidden: [3] });
    const wrong = tf.zeros([2, 28, 28]);
    const z3 = tf.zeros([2, 3]);
    await expectGlassboxError(() => ae.encode(wrong), 'SHAPE_MISMATCH', /Autoencoder.encode: x must have shape \[N, 28, 28, 1\]/);
    await expectGlassboxError(() => ae.decode(z3), 'SHAPE_MISMATCH', /Autoencoder.decode: z must have shape \[N, 2\]/);
    await expectGlassboxError(() => ae.sample(0), 'INVALID_ARGUMENT', /n must be an integer >= 1/);
    await expectGlassboxError(() => ae.interpolate([0, 0], [1, 1], 1), 'INVALID_ARGUMENT', /steps/);
    await expectGlassboxError(() => ae.interpolate([0, 0, 0], [1, 1], 3), 'SHAPE_MISMATCH', /z0 must have 2 numbers/);
    await expectGlassboxError(() => ae.interpolate(z3, [1, 1], 3), 'SHAPE_MISMATCH', /z0 must have shape \[2\] or \[1, 2\]/);
    await expectGlassboxError(() => ae.interpolate([0, NaN], [1, 1], 3), 'NON_FINITE');
    await expectGlassboxError(() => ae.traverse([0, 0], 2, [1]), 'INVALID_ARGUMENT', /dim/);
    await expectGlassboxError(() => ae.traverse([0, 0], 0, []), 'INVALID_ARGUMENT', /values/);
    tf.dispose([wrong, z3]);
    ae.dispose();
  });
});
