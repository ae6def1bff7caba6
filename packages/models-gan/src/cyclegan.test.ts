import { describe, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { CycleGAN } from './cyclegan.js';
import { dilate } from './dilate.js';
import { crosses, maxDifference, snapshot, tinyCycleGan } from './testing-internal/fixtures.js';

describeBackends('CycleGAN', () => {
  describe('shapes and ranges', () => {
    it('translateAB / translateBA: images in 0..1 -> images in 0..1; discriminators -> [N, 1]', async () => {
      const cg = tinyCycleGan();
      const a = crosses(3);
      await expectNoLeaks(() => {
        for (const f of [cg.translateAB, cg.translateBA]) {
          const y = f(a);
          expect(y.shape).toEqual([3, 8, 8, 1]);
          const v = y.dataSync();
          expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
          expect(Math.max(...v)).toBeLessThanOrEqual(1);
          y.dispose();
        }
        for (const d of [cg.discriminatorA, cg.discriminatorB]) {
          const s = d(a);
          expect(s.shape).toEqual([3, 1]);
          s.dispose();
        }
      });
      // discriminatorA is the mean of D_A's patch scores on 2x - 1.
      const s = cg.discriminatorA(a);
      const patches = tf.tidy(() => cg.networks.discriminatorA.predict(tf.sub(tf.mul(a, 2), 1)));
      expect(patches.shape).toEqual([3, 2, 2, 1]);
      const want = tf.tidy(() => tf.reshape(tf.mean(patches, [1, 2, 3]), [3, 1]));
      expectTensorClose(s, want, 1e-6);
      tf.dispose([a, s, patches, want]);
      cg.dispose();
    });

    it('the default architecture is fully convolutional on 28x28x1', () => {
      const cg = new CycleGAN();
      expect(cg.config).toMatchObject({ imageShape: [28, 28, 1], generatorFilters: [32, 32], generatorKernelSize: 3, discriminatorFilters: [16, 32], outputActivation: 'tanh' });
      expect(cg.networks.generatorAB.layers.every((l) => l.type === 'conv2d')).toBe(true);
      expect(cg.networks.discriminatorB.outputShape).toEqual([7, 7, 1]);
      cg.dispose();
    });
  });

  describe('training', () => {
    it('a few steps on thin and thick crosses lower the cycle and discriminator losses, without leaks', async () => {
      const cg = tinyCycleGan();
      const a = crosses(24);
      const b = dilate(crosses(24));
      const logs: { cycleLoss: number; dLoss: number; gLoss: number }[] = [];
      const history = await expectNoLeaks(() =>
        cg.train(a, b, { epochs: 5, batchSize: 8, learningRate: 5e-3, seed: 1, onBatch: (l) => void logs.push(l) }),
      );
      expect(history.steps).toBe(15);
      expect(logs).toHaveLength(15);
      const first = logs.slice(0, 3);
      const last = logs.slice(-3);
      expect(mean(last.map((l) => l.cycleLoss))).toBeLessThan(0.6 * mean(first.map((l) => l.cycleLoss)));
      expect(mean(last.map((l) => l.gLoss))).toBeLessThan(0.7 * mean(first.map((l) => l.gLoss)));
      expect(mean(last.map((l) => l.dLoss))).toBeLessThan(mean(first.map((l) => l.dLoss)));
      tf.dispose([a, b]);
      cg.dispose();
    });

    it('the identity loss pulls G(b) towards b', async () => {
      const a = crosses(16);
      const b = dilate(crosses(16));
      const identityError = async (identityWeight: number) => {
        const cg = tinyCycleGan();
        await cg.train(a, b, { epochs: 4, batchSize: 8, learningRate: 5e-3, seed: 1, identityWeight });
        const e = tf.tidy(() => tf.mean(tf.abs(tf.sub(cg.translateAB(b), b))).dataSync()[0]!);
        cg.dispose();
        return e;
      };
      expect(await identityError(20)).toBeLessThan(await identityError(0));
      tf.dispose([a, b]);
    });

    it('is reproducible with a seed', async () => {
      const a = crosses(16);
      const b = dilate(crosses(16));
      const run = async (seed: number) => {
        const cg = tinyCycleGan();
        await cg.train(a, b, { epochs: 1, batchSize: 4, seed });
        const w = snapshot(cg.networks);
        cg.dispose();
        return w;
      };
      expect(maxDifference(await run(3), await run(3))).toBe(0);
      expect(maxDifference(await run(3), await run(4))).toBeGreaterThan(0);
      tf.dispose([a, b]);
    });

    it('abort: ABORTED, weights of the last whole step, no leaks', async () => {
      const cg = tinyCycleGan();
      const a = crosses(16);
      const b = dilate(crosses(16));
      const controller = new AbortController();
      let atAbort: Record<string, Float32Array> = {};
      await expectGlassboxError(
        () =>
          cg.train(a, b, {
            epochs: 3,
            batchSize: 4,
            signal: controller.signal,
            onBatch: (l) => {
              if (l.step === 1) {
                controller.abort();
                atAbort = snapshot(cg.networks);
              }
            },
          }),
        'ABORTED',
      );
      expect(maxDifference(atAbort, snapshot(cg.networks))).toBe(0);
      tf.dispose([a, b]);
      cg.dispose();
    });

    it('NaN -> NON_FINITE; discriminators stuck at 0 -> NON_FINITE', async () => {
      const a = crosses(16);
      const b = dilate(crosses(16));
      const cg = tinyCycleGan();
      await expectGlassboxError(() => cg.train(a, b, { epochs: 30, batchSize: 4, learningRate: 1e30, divergence: false }), 'NON_FINITE', /training diverged/);
      for (const v of Object.values(snapshot(cg.networks))) expect(v.every(Number.isFinite)).toBe(true);
      const cg2 = tinyCycleGan();
      await expectGlassboxError(
        () => cg2.train(a, b, { epochs: 40, batchSize: 8, generatorLearningRate: 1e-12, discriminatorLearningRate: 0.02, divergence: { patience: 4, threshold: 0.02 } }),
        'NON_FINITE',
        /discriminators loss stayed within 0.02 of its minimum 0.0000 for 4 consecutive steps/,
      );
      tf.dispose([a, b]);
      cg.dispose();
      cg2.dispose();
    });
  });

  describe('save and load', () => {
    it('encode -> load and save -> load give identical translations', async () => {
      const { mkdtemp, rm } = await import('node:fs/promises');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const cg = tinyCycleGan({ generatorFilters: [4, 6], outputActivation: 'sigmoid' });
      const a = crosses(4);
      const b = dilate(a);
      await cg.train(a, b, { epochs: 1, batchSize: 2 });
      const dir = await mkdtemp(join(tmpdir(), 'cyclegan-'));
      await expectNoLeaks(() => cg.save(dir));
      for (const source of [await cg.encode(), dir]) {
        const loaded = await CycleGAN.load(source);
        expect(loaded.toJSON()).toEqual(cg.toJSON());
        for (const f of ['translateAB', 'translateBA', 'discriminatorA', 'discriminatorB'] as const) {
          const want = cg[f](a);
          const got = loaded[f](a);
          expectTensorClose(got, want, 0);
          tf.dispose([want, got]);
        }
        loaded.dispose();
      }
      await rm(dir, { recursive: true });
      tf.dispose([a, b]);
      cg.dispose();
    });

    it('bad artifacts -> BAD_WEIGHTS', async () => {
      const cg = tinyCycleGan();
      const good = await cg.encode();
      const json = good.modelJSON as unknown as { modelTopology: { config: Record<string, unknown> } };
      const withTopology = (t: unknown) => ({ modelJSON: { ...good.modelJSON, modelTopology: t } as never, weightData: good.weightData });
      await expectGlassboxError(() => CycleGAN.load(withTopology({ ...json.modelTopology, format: 'glassbox-gan' })), 'BAD_WEIGHTS', /'glassbox-cyclegan'/);
      await expectGlassboxError(
        () => CycleGAN.load(withTopology({ ...json.modelTopology, config: { ...json.modelTopology.config, generatorFilters: [] } })),
        'BAD_WEIGHTS',
        /generatorFilters/,
      );
      await expectGlassboxError(
        () => CycleGAN.load(withTopology({ ...json.modelTopology, config: { ...json.modelTopology.config, generatorFilters: [9] } })),
        'BAD_WEIGHTS',
        /generatorAB\/conv1\/kernel' must have shape/,
      );
      await expectGlassboxError(() => CycleGAN.load({ modelJSON: good.modelJSON, weightData: good.weightData.slice(4) }), 'BAD_WEIGHTS');
      // A GAN's files are not a CycleGAN's.
      const { GAN } = await import('./gan.js');
      const gan = new GAN({ latentDim: 2, imageShape: [8, 8, 1], generatorFilters: [2, 2], discriminatorFilters: [2, 2] });
      await expectGlassboxError(async () => CycleGAN.load(await gan.encode()), 'BAD_WEIGHTS', /must be 'glassbox-cyclegan', got "glassbox-gan"/);
      gan.dispose();
      cg.dispose();
    });
  });

  describe('arguments', () => {
    it('checks options and inputs', async () => {
      await expectGlassboxError(() => new CycleGAN({ imageShape: [9, 8, 1] }), 'INVALID_ARGUMENT', /divisible by 4/);
      await expectGlassboxError(() => new CycleGAN({ generatorFilters: [0] }), 'INVALID_ARGUMENT', /generatorFilters/);
      await expectGlassboxError(() => new CycleGAN({ seed: -1 }), 'INVALID_ARGUMENT', /seed/);
      const cg = tinyCycleGan();
      const a = crosses(4);
      const wrong = tf.zeros([4, 9, 8, 1]);
      await expectGlassboxError(() => cg.translateAB(wrong), 'SHAPE_MISMATCH', /CycleGAN.translateAB: x must have shape \[N, 8, 8, 1\]/);
      await expectGlassboxError(() => cg.discriminatorB(wrong), 'SHAPE_MISMATCH', /discriminatorB/);
      await expectGlassboxError(() => cg.train(a, wrong), 'SHAPE_MISMATCH', /b must have shape/);
      await expectGlassboxError(() => cg.train(a, a, { cycleWeight: -1 }), 'INVALID_ARGUMENT', /cycleWeight/);
      await expectGlassboxError(() => cg.train(a, a, { identityWeight: Number.NaN }), 'INVALID_ARGUMENT', /identityWeight/);
      await expectGlassboxError(() => cg.train(a, a, { labelSmoothing: 0.1 } as never), 'INVALID_ARGUMENT', /unknown key 'labelSmoothing'/);
      tf.dispose([a, wrong]);
      cg.dispose();
      await expectGlassboxError(() => cg.translateBA(a), 'INVALID_ARGUMENT', /disposed|float32/);
    });
  });
});

describe('dilate', () => {
  it('one bright pixel becomes a 3x3 square; the border keeps the image size', () => {
    const v = new Float32Array(25);
    v[0] = 1; // corner
    v[12] = 0.5; // centre
    const x = tf.tensor4d(v, [1, 5, 5, 1]);
    const y = dilate(x);
    expect(Array.from(y.dataSync())).toEqual([
      1, 1, 0, 0, 0,
      1, 1, 0.5, 0.5, 0,
      0, 0.5, 0.5, 0.5, 0,
      0, 0.5, 0.5, 0.5, 0,
      0, 0, 0, 0, 0,
    ].map((p, i) => (i === 6 ? 1 : p)));
    tf.dispose([x, y]);
  });

  it('equals the 3x3 neighbourhood maximum computed by hand', () => {
    const n = 2, h = 6, w = 7, c = 2;
    const v = Float32Array.from({ length: n * h * w * c }, (_, i) => ((i * 37) % 101) / 101);
    const x = tf.tensor4d(v, [n, h, w, c]);
    const y = dilate(x);
    const got = y.dataSync();
    const at = (b: number, i: number, j: number, k: number) => v[((b * h + i) * w + j) * c + k]!;
    for (let b = 0; b < n; b++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) {
      let m = -Infinity;
      for (let di = -1; di <= 1; di++) for (let dj = -1; dj <= 1; dj++) {
        if (i + di >= 0 && i + di < h && j + dj >= 0 && j + dj < w) m = Math.max(m, at(b, i + di, j + dj, k));
      }
      expect(got[((b * h + i) * w + j) * c + k]).toBe(m);
    }
    tf.dispose([x, y]);
  });

  it('checks its argument', async () => {
    const r3 = tf.zeros([2, 3, 3]);
    await expectGlassboxError(() => dilate(r3), 'SHAPE_MISMATCH', /rank 4/);
    await expectGlassboxError(() => dilate([1, 2] as never), 'INVALID_ARGUMENT', /float32 tensor/);
    r3.dispose();
  });
});

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
