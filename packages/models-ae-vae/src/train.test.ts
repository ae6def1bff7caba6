import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { shapes } from '@glassbox/datasets';
import { autoencoder, type Autoencoder } from './autoencoder.js';
import { vae, type VAE } from './vae.js';
import { train } from './train.js';

type Model = Autoencoder | VAE;

function weightsOf(model: Model): Map<string, number[]> {
  const w = model.getWeights();
  const out = new Map(Object.entries(w).map(([k, v]) => [k, Array.from(v.dataSync())]));
  tf.dispose(w);
  return out;
}

function expectSameWeights(model: Model, expected: Map<string, number[]>): void {
  const now = weightsOf(model);
  expect([...now.keys()]).toEqual([...expected.keys()]);
  for (const [k, v] of now) expect(v, k).toEqual(expected.get(k));
}

/** 8x8 squares, circles and crosses in 0..1. */
const tiny = (n: number, seed = 1): Tensor => shapes({ n, size: 8, seed }).x;

describeBackends('train', () => {
  it('lowers the reconstruction loss of an MLP autoencoder and fits its latent Gaussian', async () => {
    const x = tiny(48);
    const ae = autoencoder({ inputShape: [8, 8, 1], latentDim: 4, hidden: [32], seed: 1 });
    const before = await ae.evaluate(x);
    const epochs: number[] = [];
    const history = await expectNoLeaks(() => train(ae, x, { epochs: 10, batchSize: 16, learningRate: 0.01, seed: 2, onEpoch: (l) => void epochs.push(l.mse) }));
    const after = await ae.evaluate(x);
    expect(history.steps).toBe(30);
    expect(epochs).toHaveLength(10);
    expect(after.bce).toBeLessThan(before.bce * 0.9);
    expect(after.mse).toBeLessThan(before.mse);
    expect(history.epochs[9]!.loss).toBeLessThan(history.epochs[0]!.loss);
    expect(Array.from(ae.latentDistribution().std).some((s) => s > 0)).toBe(true);
    x.dispose();
    ae.dispose();
  });

  it('lowers the loss of a conv autoencoder (batch norm, transposed convolutions) with the mse loss', async () => {
    const x = tiny(32, 2);
    const ae = autoencoder({ variant: 'conv', inputShape: [8, 8, 1], filters: [4, 8], latentDim: 4, loss: 'mse', seed: 3 });
    const history = await expectNoLeaks(() => train(ae, { x }, { epochs: 6, batchSize: 8, learningRate: 0.01, seed: 1 }));
    expect(history.epochs[5]!.loss).toBeLessThan(history.epochs[0]!.loss);
    expect(history.epochs[5]!.mse).toBe(history.epochs[5]!.loss);
    x.dispose();
    ae.dispose();
  });

  it('lowers the -ELBO of a VAE; the training loss is reconstruction + beta * KL', async () => {
    const x = tiny(48, 3);
    const model = vae({ inputShape: [8, 8, 1], latentDim: 3, hidden: [32], beta: 2, seed: 4 });
    const before = await model.evaluate(x, { seed: 1 });
    const history = await expectNoLeaks(() => train(model, x, { epochs: 10, batchSize: 16, learningRate: 0.01, seed: 5 }));
    const after = await model.evaluate(x, { seed: 1 });
    expect(after.negElbo).toBeLessThan(before.negElbo);
    for (const e of history.epochs) expect(e.loss).toBeCloseTo(e.reconstruction + 2 * e.kl, 3);
    x.dispose();
    model.dispose();
  });

  it('is reproducible from its seed (shuffle order and every eps)', async () => {
    const x = tiny(24, 4);
    const run = async (seed: number) => {
      const m = vae({ inputShape: [8, 8, 1], latentDim: 2, hidden: [8], seed: 1 });
      await train(m, x, { epochs: 2, batchSize: 8, seed });
      const w = weightsOf(m);
      m.dispose();
      return w;
    };
    const a = await run(3);
    const b = await run(3);
    const c = await run(4);
    expect([...a]).toEqual([...b]);
    expect(a.get('encoder/moments/kernel')).not.toEqual(c.get('encoder/moments/kernel'));
    x.dispose();
  });

  it('stops with NON_FINITE on non-finite data before any update', async () => {
    const ae = autoencoder({ inputShape: [4], latentDim: 2, hidden: [3], seed: 1 });
    const initial = weightsOf(ae);
    const x = tf.tensor2d([0, 0.5, 1, 0.2, 0.1, Infinity, 0, 0], [2, 4]);
    await expectGlassboxError(() => train(ae, x), 'NON_FINITE', /data must be finite, got Infinity in row 1/);
    expectSameWeights(ae, initial);
    x.dispose();
    ae.dispose();
  });

  it('stops with NON_FINITE when the loss diverges, keeping the weights and batch-norm statistics of the last finite step', async () => {
    const x = tiny(32, 5);
    const ae = autoencoder({ variant: 'conv', inputShape: [8, 8, 1], filters: [4], latentDim: 3, seed: 2 });
    let last = weightsOf(ae);
    let steps = 0;
    await expectGlassboxError(
      () =>
        train(ae, x, {
          epochs: 10,
          batchSize: 8,
          learningRate: 1e30,
          onBatch: () => {
            steps++;
            last = weightsOf(ae);
          },
        }),
      'NON_FINITE',
      /train: (the loss|a gradient) became non-finite at epoch \d+, batch \d+/,
    );
    expect(steps).toBeLessThan(40);
    expectSameWeights(ae, last);
    for (const v of last.values()) expect(v.every(Number.isFinite)).toBe(true);
    x.dispose();
    ae.dispose();
  });

  it('aborts between steps with ABORTED and leaves the weights of the last completed step', async () => {
    const x = tiny(40, 6);
    const model = vae({ inputShape: [8, 8, 1], latentDim: 2, hidden: [8], seed: 3 });
    const ac = new AbortController();
    let snapshot: Map<string, number[]> | null = null;
    let steps = 0;
    await expectGlassboxError(
      () =>
        train(model, x, {
          epochs: 4,
          batchSize: 8,
          signal: ac.signal,
          onBatch: (b) => {
            steps++;
            if (b.epoch === 1 && b.batch === 1) {
              snapshot = weightsOf(model);
              ac.abort();
            }
          },
        }),
      'ABORTED',
    );
    expect(steps).toBe(5 + 2);
    expectSameWeights(model, snapshot!);
    x.dispose();
    model.dispose();
  });

  it('checks its arguments', async () => {
    const ae = autoencoder({ inputShape: [4], latentDim: 2, hidden: [3] });
    const x = tf.zeros([3, 4]);
    const wrong = tf.zeros([3, 5]);
    await expectGlassboxError(() => train({} as never, x), 'INVALID_ARGUMENT', /model must be an Autoencoder or a VAE/);
    await expectGlassboxError(() => train(ae, [1, 2] as never), 'INVALID_ARGUMENT', /data must be a float32 tensor of rows or \{ x \}/);
    await expectGlassboxError(() => train(ae, wrong), 'SHAPE_MISMATCH', /data must have shape \[N, 4\]/);
    await expectGlassboxError(() => train(ae, { x: wrong }), 'SHAPE_MISMATCH', /data.x must have shape/);
    await expectGlassboxError(() => train(ae, x, { epochs: -1 }), 'INVALID_ARGUMENT', /options.epochs/);
    await expectGlassboxError(() => train(ae, x, { learningRate: NaN }), 'INVALID_ARGUMENT', /options.learningRate/);
    await expectGlassboxError(() => train(ae, x, { shuffle: 1 as never }), 'INVALID_ARGUMENT', /options.shuffle/);
    tf.dispose([x, wrong]);
    ae.dispose();
    await expectGlassboxError(() => train(ae, x), 'INVALID_ARGUMENT', /disposed/);
  });
});
