import { expect, it } from 'vitest';
import { asForward, createRng, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { vae } from './vae.js';

function rows(n: number, shape: number[], seed: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(createRng(seed).uniformArray(n * size), [n, ...shape], 'float32');
}

describeBackends('VAE', () => {
  it('the encoder gives the mean and log-variance; encode and the encoder ForwardFn give the mean', async () => {
    const model = vae({ latentDim: 4, hidden: [10], seed: 1 });
    expect(model.kind).toBe('vae');
    expect(model.beta).toBe(1);
    expect(model.options).toEqual({ variant: 'mlp', inputShape: [28, 28, 1], latentDim: 4, hidden: [10], filters: [], beta: 1, seed: 1 });
    expect(model.encoderNet.layers.map((l) => l.name)).toEqual(['flatten', 'enc_dense1', 'moments']);
    expect(model.encoderNet.outputShape).toEqual([8]);
    const x = rows(3, [28, 28, 1], 2);
    await expectNoLeaks(() => {
      const { mean, logVar } = model.encodeDistribution(x);
      const h = model.encoderNet.predict(x);
      const hv = h.arraySync() as number[][];
      expectTensorClose(mean, hv.flatMap((r) => r.slice(0, 4)), 0);
      expectTensorClose(logVar, hv.flatMap((r) => r.slice(4)), 0);
      const z = model.encode(x);
      const zf = model.encoder(x);
      expectTensorClose(z, mean, 0);
      expectTensorClose(zf, mean, 0);
      const r = model.reconstruct(x);
      const p = model.predict(x);
      const d = model.decoder(mean);
      expect(r.shape).toEqual([3, 28, 28, 1]);
      expectTensorClose(r, d, 0);
      expectTensorClose(p, d, 0);
      tf.dispose([mean, logVar, h, z, zf, r, p, d]);
    });
    x.dispose();
    model.dispose();
  });

  it('is differentiable through encoder, decoder and predict, as gradient explainers need', async () => {
    const model = vae({ variant: 'conv', inputShape: [8, 8, 1], filters: [4], latentDim: 3, seed: 5 });
    const x = rows(2, [8, 8, 1], 6);
    const z = tf.tensor2d(createRng(1).normalArray(6), [2, 3]);
    await expectNoLeaks(() => {
      const gx = tf.grad((v: Tensor) => tf.sum(tf.slice(model.encoder(v), [0, 1], [-1, 1])))(x);
      const gz = tf.grad((v: Tensor) => tf.sum(model.decoder(v)))(z);
      const gp = tf.grad((v: Tensor) => tf.sum(asForward(model)(v)))(x);
      expect(gx.shape).toEqual([2, 8, 8, 1]);
      expect(gz.shape).toEqual([2, 3]);
      expect(gp.shape).toEqual([2, 8, 8, 1]);
      for (const g of [gx, gz, gp]) {
        const v = g.dataSync();
        expect(v.every(Number.isFinite)).toBe(true);
        expect(v.some((e) => e !== 0)).toBe(true);
      }
      tf.dispose([gx, gz, gp]);
    });
    tf.dispose([x, z]);
    model.dispose();
  });

  it('samples from the prior N(0, I) with a seeded draw', async () => {
    const model = vae({ latentDim: 3, hidden: [6], seed: 2 });
    await expectNoLeaks(() => {
      const z = model.sampleLatent(4, 11);
      expectTensorClose(z, createRng(11).normalArray(12), 0);
      const a = model.sample(4, 11);
      const b = model.sample(4, 11);
      const c = model.sample(4, 12);
      const d = model.decode(z);
      expect(a.shape).toEqual([4, 28, 28, 1]);
      expectTensorClose(a, b, 0);
      expectTensorClose(a, d, 1e-6);
      expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
      tf.dispose([z, a, b, c, d]);
    });
    model.dispose();
  });

  it('evaluate: -ELBO = reconstruction + KL in nats per image, as computed by hand, whatever the batch size', async () => {
    const model = vae({ latentDim: 3, hidden: [16], seed: 3 });
    const n = 5;
    const x = rows(n, [28, 28, 1], 4);
    // By hand, in float64: KL in closed form, and the Bernoulli NLL at z = mu + sigma * eps with eps from the seed.
    const { mean, logVar } = model.encodeDistribution(x);
    const mu = mean.dataSync();
    const lv = logVar.dataSync();
    const eps = createRng(9).normalArray(n * 3);
    const z = tf.tensor2d(Array.from(mu, (m, i) => m + Math.exp(lv[i]! / 2) * eps[i]!), [n, 3]);
    const xHat = model.decode(z).dataSync();
    const xv = x.dataSync();
    let rec = 0;
    for (let i = 0; i < xv.length; i++) rec -= xv[i]! * Math.log(xHat[i]!) + (1 - xv[i]!) * Math.log(1 - xHat[i]!);
    const klDims = [0, 0, 0];
    for (let i = 0; i < mu.length; i++) klDims[i % 3] += (mu[i]! ** 2 + Math.exp(lv[i]!) - 1 - lv[i]!) / 2 / n;
    const kl = klDims.reduce((a, b) => a + b, 0);
    tf.dispose([mean, logVar, z]);

    const r = await expectNoLeaks(() => model.evaluate(x, { seed: 9, batchSize: 2 }));
    expect(r.rows).toBe(n);
    expect(r.reconstruction / (rec / n)).toBeCloseTo(1, 3);
    expect(r.kl).toBeCloseTo(kl, 4);
    r.klPerDimension.forEach((v, k) => expect(v).toBeCloseTo(klDims[k]!, 4));
    expect(r.negElbo).toBeCloseTo(r.reconstruction + r.kl, 6);
    expect(r.activeDimensions).toBe(klDims.filter((v) => v > 0.01).length);
    const whole = await model.evaluate(x, { seed: 9 });
    expect(whole.negElbo).toBeCloseTo(r.negElbo, 3);
    const again = await model.evaluate(x, { seed: 9, batchSize: 4 });
    expect(again.reconstruction).toBeCloseTo(r.reconstruction, 3);
    const other = await model.evaluate(x, { seed: 10 });
    expect(other.reconstruction).not.toBe(r.reconstruction);
    expect(other.kl).toBeCloseTo(r.kl, 5);
    x.dispose();
    model.dispose();
  });

  it('frees every tensor it made on dispose', async () => {
    await expectNoLeaks(() => vae({ variant: 'conv', inputShape: [8, 8, 1], filters: [2], latentDim: 2 }).dispose());
    await expectNoLeaks(() => vae({ latentDim: 2, hidden: [3] }).dispose());
  });

  it('conv variant and beta', () => {
    const model = vae({ variant: 'conv', inputShape: [8, 8, 1], filters: [4], latentDim: 2, beta: 4, seed: 1 });
    expect(model.beta).toBe(4);
    expect(model.encoderNet.layers.map((l) => l.name)).toEqual(['enc_conv1', 'enc_bn1', 'enc_act1', 'flatten', 'moments']);
    expect(model.decoderNet.layers.map((l) => l.name)).toEqual(['dec_dense', 'dec_reshape', 'dec_bn0', 'dec_act0', 'logits', 'output']);
    const x = rows(2, [8, 8, 1], 1);
    const r = model.reconstruct(x);
    expect(r.shape).toEqual([2, 8, 8, 1]);
    tf.dispose([x, r]);
    model.dispose();
  });

  it('checks its arguments', async () => {
    await expectGlassboxError(() => vae({ beta: 0 }), 'INVALID_ARGUMENT', /options.beta must be a finite number > 0/);
    await expectGlassboxError(() => vae({ hidden: [0] }), 'INVALID_ARGUMENT', /options.hidden/);
    await expectGlassboxError(() => vae('big' as never), 'INVALID_ARGUMENT', /options must be an object/);
    const model = vae({ latentDim: 2, hidden: [3] });
    const x = rows(2, [28, 28, 1], 1);
    await expectGlassboxError(() => model.evaluate(x, { seed: -1 }), 'INVALID_ARGUMENT', /options.seed/);
    await expectGlassboxError(() => model.evaluate(x, { batchSize: 0 }), 'INVALID_ARGUMENT', /options.batchSize/);
    const ac = new AbortController();
    ac.abort();
    await expectGlassboxError(() => model.evaluate(x, { signal: ac.signal }), 'ABORTED');
    await expectGlassboxError(() => model.sampleLatent(2, 1.5), 'INVALID_ARGUMENT', /seed/);
    const flat = tf.zeros([1, 4]);
    await expectGlassboxError(() => model.encodeDistribution(flat), 'SHAPE_MISMATCH');
    tf.dispose([x, flat]);
    model.dispose();
    await expectGlassboxError(() => model.sample(1), 'INVALID_ARGUMENT', /this VAE has been disposed/);
  });
});
