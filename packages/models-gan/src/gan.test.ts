import { describe, expect, it } from 'vitest';
import { tf, isGlassboxError, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { GAN } from './gan.js';
import { maxDifference, snapshot, squares, tinyGan } from './testing-internal/fixtures.js';

describeBackends('GAN', () => {
  describe('shapes and ranges', () => {
    it('generator: [N, latentDim] -> [N, H, W, C] in 0..1; discriminator: -> [N, 1]', async () => {
      const gan = tinyGan();
      await expectNoLeaks(() => {
        const z = tf.randomNormal([5, 8], 0, 3, 'float32', 1);
        const x = gan.generator(z);
        expect(x.shape).toEqual([5, 8, 8, 1]);
        const v = x.dataSync();
        expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...v)).toBeLessThanOrEqual(1);
        const d = gan.discriminator(x);
        expect(d.shape).toEqual([5, 1]);
        tf.dispose([z, x, d]);
      });
      gan.dispose();
    });

    it('the default architecture makes 28x28x1 digits from 100 numbers', async () => {
      const gan = new GAN();
      expect(gan.config).toMatchObject({ latentDim: 100, imageShape: [28, 28, 1], generatorFilters: [64, 32], discriminatorFilters: [32, 64], outputActivation: 'tanh' });
      expect(gan.networks.generator.layers.map((l) => l.outputShape)).toContainEqual([7, 7, 64]);
      expect(gan.networks.generator.layers.map((l) => l.outputShape)).toContainEqual([14, 14, 32]);
      expect(gan.networks.discriminator.layers.map((l) => l.outputShape)).toContainEqual([7, 7, 64]);
      await expectNoLeaks(async () => {
        const x = await gan.sample(2, 1);
        expect(x.shape).toEqual([2, 28, 28, 1]);
        x.dispose();
      });
      gan.dispose();
    });

    it('sigmoid output: the networks work in 0..1 and the ForwardFns still take and return 0..1', async () => {
      const gan = tinyGan({ outputActivation: 'sigmoid' });
      const z = gan.sampleLatent(4, 2);
      const x = gan.generator(z);
      const raw = gan.networks.generator.predict(z);
      expectTensorClose(x, raw, 0);
      const d1 = gan.discriminator(x);
      const d2 = gan.networks.discriminator.predict(x);
      expectTensorClose(d1, d2, 0);
      tf.dispose([z, x, raw, d1, d2]);
      gan.dispose();
    });

    it('tanh output: generator = (G(z) + 1) / 2 and discriminator(x) = D(2x - 1)', () => {
      const gan = tinyGan();
      const z = gan.sampleLatent(3, 9);
      const x = gan.generator(z);
      const raw = gan.networks.generator.predict(z);
      const want = tf.tidy(() => tf.mul(tf.add(raw, 1), 0.5));
      expectTensorClose(x, want, 1e-6);
      const d = gan.discriminator(x);
      const dRaw = tf.tidy(() => gan.networks.discriminator.predict(tf.sub(tf.mul(x, 2), 1)));
      expectTensorClose(d, dRaw, 1e-6);
      tf.dispose([z, x, raw, want, d, dRaw]);
      gan.dispose();
    });

    it('sample(n, seed) = generator(sampleLatent(n, seed)), the same for the same seed, batched or not', async () => {
      const gan = tinyGan();
      await expectNoLeaks(async () => {
        const a = await gan.sample(7, 11);
        const b = await gan.sample(7, 11, { batchSize: 3 });
        const z = gan.sampleLatent(7, 11);
        const c = gan.generator(z);
        const other = await gan.sample(7, 12);
        expect(a.shape).toEqual([7, 8, 8, 1]);
        expectTensorClose(a, b, 1e-6);
        expectTensorClose(a, c, 1e-6);
        expect(maxAbsDiff(a, other)).toBeGreaterThan(1e-3);
        tf.dispose([a, b, z, c, other]);
      });
      gan.dispose();
    });

    it('interpolate: steps frames from generator(z0) to generator(z1), linear and slerp', async () => {
      const gan = tinyGan();
      const z = gan.sampleLatent(2, 4);
      const [z0, z1] = tf.split(z, 2);
      const ends = gan.generator(z);
      await expectNoLeaks(async () => {
        for (const method of ['linear', 'slerp'] as const) {
          const frames = await gan.interpolate(z0!, z1!, 5, { method });
          expect(frames.shape).toEqual([5, 8, 8, 1]);
          const [first, last, end0, end1] = tf.tidy(() => [tf.slice(frames, 0, 1), tf.slice(frames, 4, 1), tf.slice(ends, 0, 1), tf.slice(ends, 1, 1)]);
          expectTensorClose(first!, end0!, 1e-6);
          expectTensorClose(last!, end1!, 1e-6);
          tf.dispose([frames, first!, last!, end0!, end1!]);
        }
      });
      // 1-D codes are accepted too.
      const a = tf.reshape(z0!, [8]);
      const b = tf.reshape(z1!, [8]);
      const frames = await gan.interpolate(a, b, 3);
      expect(frames.shape).toEqual([3, 8, 8, 1]);
      tf.dispose([z, z0!, z1!, ends, a, b, frames]);
      gan.dispose();
    });

    it('conditional: generator reads [z, onehot], discriminator returns one logit per class', async () => {
      const gan = tinyGan({ numClasses: 3 });
      expect(gan.inputDim).toBe(11);
      const z = gan.sampleLatent(4, 1);
      const v = z.arraySync() as number[][];
      expect(v.map((r) => r.slice(8))).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]);
      const zl = gan.sampleLatent(2, 1, { labels: [2, 2] });
      expect((zl.arraySync() as number[][]).map((r) => r.slice(8))).toEqual([[0, 0, 1], [0, 0, 1]]);
      const x = await gan.sample(4, 1);
      const d = gan.discriminator(x);
      expect(d.shape).toEqual([4, 3]);
      tf.dispose([z, zl, x, d]);
      await expectGlassboxError(() => gan.sampleLatent(2, 1, { labels: [0, 3] }), 'INVALID_ARGUMENT', /labels/);
      await expectGlassboxError(() => gan.sampleLatent(2, 1, { labels: [0] }), 'SHAPE_MISMATCH', /labels/);
      gan.dispose();
    });
  });

  describe('training', () => {
    it('against a fixed generator, discriminator steps lower the discriminator loss', async () => {
      const gan = tinyGan();
      const x = squares(32);
      const logs: number[] = [];
      await expectNoLeaks(() =>
        gan.train(x, { epochs: 6, batchSize: 16, seed: 1, learningRate: 1e-2, generatorLearningRate: 1e-12, divergence: false, onBatch: (l) => void logs.push(l.dLoss) }),
      );
      expect(logs).toHaveLength(12);
      expect(logs[0]!).toBeGreaterThan(1.2); // about 2 ln 2 for an untrained discriminator
      expect(mean(logs.slice(-3))).toBeLessThan(0.5 * mean(logs.slice(0, 3)));
      x.dispose();
      gan.dispose();
    });

    it('against a fixed discriminator, generator steps lower the generator loss', async () => {
      const gan = tinyGan();
      const x = squares(32);
      const logs: number[] = [];
      await gan.train(x, { epochs: 6, batchSize: 16, seed: 1, learningRate: 1e-2, discriminatorLearningRate: 1e-12, divergence: false, onBatch: (l) => void logs.push(l.gLoss) });
      expect(logs.every((l, i) => i === 0 || l < logs[i - 1]! + 0.01)).toBe(true);
      expect(mean(logs.slice(-3))).toBeLessThan(0.85 * mean(logs.slice(0, 3)));
      x.dispose();
      gan.dispose();
    });

    it('joint training moves the samples towards the data', async () => {
      const gan = tinyGan();
      const x = squares(64);
      const dataMean = tf.tidy(() => tf.mean(x, 0));
      const distance = async () => {
        const s = await gan.sample(64, 0);
        const d = tf.tidy(() => tf.mean(tf.abs(tf.sub(tf.mean(s, 0), dataMean))).dataSync()[0]!);
        s.dispose();
        return d;
      };
      const before = await distance();
      const history = await gan.train(x, { epochs: 15, batchSize: 16, seed: 2, learningRate: 5e-3 });
      expect(history.steps).toBe(60);
      expect(history.epochs).toHaveLength(15);
      for (const e of history.epochs) {
        expect(Number.isFinite(e.dLoss) && Number.isFinite(e.gLoss)).toBe(true);
        expect(e.steps).toBe(4);
      }
      expect(await distance()).toBeLessThan(0.5 * before);
      tf.dispose([x, dataMean]);
      gan.dispose();
    });

    it('conditional training uses the labels and lowers the discriminator loss', async () => {
      const gan = tinyGan({ numClasses: 4 });
      const x = squares(32);
      const labels = Int32Array.from({ length: 32 }, (_, i) => i % 4);
      const logs: number[] = [];
      await expectNoLeaks(() =>
        gan.train(x, { labels, epochs: 6, batchSize: 16, seed: 1, learningRate: 1e-2, generatorLearningRate: 1e-12, divergence: false, onBatch: (l) => void logs.push(l.dLoss) }),
      );
      expect(mean(logs.slice(-3))).toBeLessThan(0.7 * mean(logs.slice(0, 3)));
      await expectGlassboxError(() => gan.train(x, { epochs: 1 }), 'INVALID_ARGUMENT', /labels is required/);
      await expectGlassboxError(() => gan.train(x, { labels: labels.subarray(1) }), 'SHAPE_MISMATCH', /labels/);
      const labelTensor = tf.tensor1d(labels, 'int32');
      await expectNoLeaks(() => gan.train(x, { labels: labelTensor, epochs: 1, batchSize: 32 }));
      tf.dispose([x, labelTensor]);
      gan.dispose();
    });

    it('is reproducible: same seed, same weights; another seed, other weights', async () => {
      const x = squares(32);
      const run = async (seed: number) => {
        const gan = tinyGan({ dropout: 0.3 });
        await gan.train(x, { epochs: 2, batchSize: 8, seed, labelSmoothing: 0.1 });
        const w = snapshot(gan.networks);
        gan.dispose();
        return w;
      };
      const a = await run(1);
      const b = await run(1);
      const c = await run(2);
      expect(maxDifference(a, b)).toBe(0);
      expect(maxDifference(a, c)).toBeGreaterThan(0);
      x.dispose();
    });

    it('reports progress: onBatch after every step, onEpoch after every epoch (awaited)', async () => {
      const gan = tinyGan();
      const x = squares(20);
      const events: string[] = [];
      const history = await gan.train(x, {
        epochs: 2,
        batchSize: 8,
        onBatch: (l) => void events.push(`b${l.epoch}.${l.batch}.${l.step}`),
        onEpoch: async (l) => {
          await new Promise((r) => setTimeout(r, 1));
          events.push(`e${l.epoch}`);
        },
      });
      // 20 rows, batch 8: 2 steps per epoch (the last 4 rows of each shuffled epoch are dropped).
      expect(events).toEqual(['b0.0.0', 'b0.1.1', 'e0', 'b1.0.2', 'b1.1.3', 'e1']);
      expect(history.epochs.map((e) => e.epoch)).toEqual([0, 1]);
      x.dispose();
      gan.dispose();
    });

    it('abort between steps: rejects with ABORTED, weights of the last whole step, no leaks', async () => {
      const gan = tinyGan();
      const x = squares(32);
      const controller = new AbortController();
      let atAbort: Record<string, Float32Array> = {};
      let steps = 0;
      await expectGlassboxError(
        () =>
          gan.train(x, {
            epochs: 5,
            batchSize: 8,
            signal: controller.signal,
            onBatch: () => {
              steps++;
              if (steps === 3) {
                controller.abort();
                atAbort = snapshot(gan.networks);
              }
            },
          }),
        'ABORTED',
      );
      expect(steps).toBe(3);
      expect(maxDifference(atAbort, snapshot(gan.networks))).toBe(0);
      // The model still works and trains afterwards.
      await gan.train(x, { epochs: 1, batchSize: 8 });
      x.dispose();
      gan.dispose();
    });

    it('an already aborted signal changes nothing', async () => {
      const gan = tinyGan();
      const x = squares(16);
      const before = snapshot(gan.networks);
      await expectGlassboxError(() => gan.train(x, { signal: AbortSignal.abort() }), 'ABORTED');
      expect(maxDifference(before, snapshot(gan.networks))).toBe(0);
      x.dispose();
      gan.dispose();
    });

    it('a loss that becomes NaN -> NON_FINITE naming the step; that update is not applied', async () => {
      const gan = tinyGan();
      const x = squares(32);
      let last: Record<string, Float32Array> = snapshot(gan.networks);
      const err = await expectGlassboxError(
        () => gan.train(x, { epochs: 20, batchSize: 8, learningRate: 1e30, divergence: false, onBatch: () => void (last = snapshot(gan.networks)) }),
        'NON_FINITE',
        /training diverged: the (discriminator|generator) loss became|gradients of the (discriminator|generator) loss became non-finite/,
      );
      expect(err.message).toMatch(/at step \d+ \(epoch \d+, batch \d+\)/);
      // Every weight is still finite: the failing update was refused.
      const now = snapshot(gan.networks);
      for (const v of Object.values(now)) expect(v.every(Number.isFinite)).toBe(true);
      expect(Object.keys(now)).toEqual(Object.keys(last));
      x.dispose();
      gan.dispose();
    });

    it('a discriminator loss stuck at its minimum -> NON_FINITE with a clear message', async () => {
      const gan = tinyGan();
      const x = squares(32);
      await expectGlassboxError(
        () => gan.train(x, { epochs: 50, batchSize: 16, discriminatorLearningRate: 0.05, generatorLearningRate: 1e-12, divergence: { patience: 5, threshold: 0.05 } }),
        'NON_FINITE',
        /discriminator loss stayed within 0.05 of its minimum 0.0000 for 5 consecutive steps/,
      );
      // With label smoothing the minimum is the binary entropy of the target, not 0.
      const gan2 = tinyGan();
      await expectGlassboxError(
        () => gan2.train(x, { epochs: 80, batchSize: 16, labelSmoothing: 0.1, discriminatorLearningRate: 0.05, generatorLearningRate: 1e-12, divergence: { patience: 5, threshold: 0.05 } }),
        'NON_FINITE',
        /of its minimum 0.3251/,
      );
      x.dispose();
      gan.dispose();
      gan2.dispose();
    });
  });

  describe('save and load', () => {
    it('encode -> load gives identical outputs (also conditional, sigmoid)', async () => {
      for (const options of [{}, { numClasses: 3, outputActivation: 'sigmoid' as const, dropout: 0.2 }]) {
        const gan = tinyGan(options);
        const x = squares(16);
        await gan.train(x, { epochs: 1, batchSize: 8, ...(options.numClasses ? { labels: Int32Array.from({ length: 16 }, (_, i) => i % 3) } : {}) });
        const z = gan.sampleLatent(6, 3);
        const a = gan.generator(z);
        const d = gan.discriminator(a);
        const before = tf.memory().numTensors;
        const loaded = await GAN.load(await gan.encode());
        // The loaded model holds its own variables and nothing else.
        expect(tf.memory().numTensors - before).toBe(gan.networks.generator.params.size + gan.networks.discriminator.params.size);
        expect(loaded.toJSON()).toEqual(gan.toJSON());
        const b = loaded.generator(z);
        const e = loaded.discriminator(a);
        expectTensorClose(b, a, 0);
        expectTensorClose(e, d, 0);
        tf.dispose([x, z, a, d, b, e]);
        gan.dispose();
        loaded.dispose();
      }
    });

    it('save to a folder, load from the folder, model.json and a file: URL', async () => {
      const { mkdtemp, readFile, rm } = await import('node:fs/promises');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const { pathToFileURL } = await import('node:url');
      const dir = await mkdtemp(join(tmpdir(), 'gan-'));
      const gan = tinyGan();
      const z = gan.sampleLatent(4, 1);
      const a = gan.generator(z);
      await expectNoLeaks(() => gan.save(dir));
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      expect(json.format).toBe('glassbox-gan');
      expect(json.modelTopology).toEqual(gan.toJSON());
      expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
      expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toContain('generator/project/kernel');
      for (const source of [dir, join(dir, 'model.json'), pathToFileURL(join(dir, 'model.json')), pathToFileURL(join(dir, 'model.json')).href]) {
        const loaded = await GAN.load(source);
        const b = loaded.generator(z);
        expectTensorClose(b, a, 0);
        b.dispose();
        loaded.dispose();
      }
      tf.dispose([z, a]);
      gan.dispose();
      await rm(dir, { recursive: true });
    });

    it('save and load through tf.io handlers', async () => {
      const gan = tinyGan();
      let saved: tf.io.ModelArtifacts | null = null;
      await gan.save(tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      expect(saved).not.toBeNull();
      const loaded = await GAN.load(tf.io.fromMemory(saved!));
      expect(maxDifference(snapshot(gan.networks), snapshot(loaded.networks))).toBe(0);
      gan.dispose();
      loaded.dispose();
    });

    it('non-finite weights -> BAD_WEIGHTS naming the loader, suggesting no option the loader lacks; no leaks', async () => {
      const { mkdtemp, readFile, rm, writeFile } = await import('node:fs/promises');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const gan = tinyGan();
      const good = await gan.encode();
      const dir = await mkdtemp(join(tmpdir(), 'gan-nan-'));
      await gan.save(dir);
      const bin = await readFile(join(dir, 'weights.bin'));
      new Float32Array(bin.buffer, bin.byteOffset, 4)[3] = Number.NEGATIVE_INFINITY;
      await writeFile(join(dir, 'weights.bin'), bin);
      // Without the content hashes, which would refuse the edited bytes before the finiteness check.
      const dirJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { sha256?: string }[] };
      for (const g of dirJson.weightsManifest) delete g.sha256;
      await writeFile(join(dir, 'model.json'), JSON.stringify(dirJson));
      for (const g of good.modelJSON.weightsManifest as { sha256?: string }[]) delete g.sha256;
      const nan = good.weightData.slice(0);
      new Float32Array(nan)[0] = Number.NaN;
      const first = (good.modelJSON.weightsManifest as { weights: { name: string }[] }[])[0]!.weights[0]!.name;
      await expectNoLeaks(async () => {
        for (const [run, bad] of [
          [() => GAN.load({ modelJSON: good.modelJSON, weightData: nan }), 'NaN at flat index 0'],
          [() => GAN.load(dir), '-Infinity at flat index 3'],
        ] as const) {
          const e = await expectGlassboxError(run, 'BAD_WEIGHTS');
          expect((e as Error).message.startsWith(`GAN.load: weight '${first}' must hold finite values, got ${bad}; a model cannot run on non-finite weights`)).toBe(true);
          expect((e as Error).message).not.toMatch(/pass allowNonFinite/);
        }
      });
      gan.dispose();
      await rm(dir, { recursive: true });
    });

    it('bad artifacts -> BAD_WEIGHTS, no leaks', async () => {
      const gan = tinyGan();
      const good = await gan.encode();
      const json = good.modelJSON as unknown as Record<string, unknown> & { modelTopology: { config: Record<string, unknown> } };
      const withTopology = (t: unknown) => ({ modelJSON: { ...json, modelTopology: t } as never, weightData: good.weightData });
      await expectGlassboxError(() => GAN.load(withTopology({})), 'BAD_WEIGHTS', /modelTopology.format must be 'glassbox-gan'/);
      await expectGlassboxError(() => GAN.load(withTopology(null)), 'BAD_WEIGHTS', /modelTopology/);
      await expectGlassboxError(() => GAN.load(withTopology({ ...json.modelTopology, version: 2 })), 'BAD_WEIGHTS', /version must be 1/);
      await expectGlassboxError(() => GAN.load(withTopology({ ...json.modelTopology, format: 'glassbox-cyclegan' })), 'BAD_WEIGHTS', /format/);
      await expectGlassboxError(
        () => GAN.load(withTopology({ ...json.modelTopology, config: { ...json.modelTopology.config, latentDim: -1 } })),
        'BAD_WEIGHTS',
        /architecture .*latentDim/,
      );
      // An architecture that does not fit the weights.
      await expectGlassboxError(
        () => GAN.load(withTopology({ ...json.modelTopology, config: { ...json.modelTopology.config, latentDim: 9 } })),
        'BAD_WEIGHTS',
        /generator\/project\/kernel' must have shape \[9, /,
      );
      // Truncated weights.bin.
      await expectGlassboxError(() => GAN.load({ modelJSON: good.modelJSON, weightData: good.weightData.slice(0, 100) }), 'BAD_WEIGHTS');
      // A missing weight.
      const manifest = (json.weightsManifest as { paths: string[]; weights: { name: string }[] }[])[0]!;
      // (cut bytes no longer match the manifest's SHA-256, so the edited manifest goes without one, as a hand-edited file would)
      const noLogit = { modelJSON: { ...json, weightsManifest: [{ ...manifest, sha256: undefined, weights: manifest.weights.slice(0, -1) }] } as never, weightData: good.weightData.slice(0, good.weightData.byteLength - 4) };
      await expectGlassboxError(() => GAN.load(noLogit), 'BAD_WEIGHTS', /missing weight 'discriminator\/logit\/bias'/);
      // An unknown network prefix.
      const renamed = { modelJSON: { ...json, weightsManifest: [{ ...manifest, weights: manifest.weights.map((w, i) => (i === 0 ? { ...w, name: 'critic/x' } : w)) }] } as never, weightData: good.weightData };
      await expectGlassboxError(() => GAN.load(renamed), 'BAD_WEIGHTS', /unknown weight 'critic\/x'/);
      // NaN in the weights.
      const nan = good.weightData.slice(0);
      new Float32Array(nan)[0] = Number.NaN;
      await expectGlassboxError(() => GAN.load({ modelJSON: good.modelJSON, weightData: nan }), 'BAD_WEIGHTS');
      // Missing folder / file.
      await expectGlassboxError(() => GAN.load('/nonexistent/glassbox-gan'), 'BAD_WEIGHTS');
      await expectGlassboxError(() => GAN.load(42 as never), 'INVALID_ARGUMENT', /source must be/);
      await expectGlassboxError(() => gan.save(42 as never), 'INVALID_ARGUMENT', /dest must be/);
      gan.dispose();
    });
  });

  describe('arguments', () => {
    it('checks the constructor options', async () => {
      await expectGlassboxError(() => new GAN({ latentDim: 0 }), 'INVALID_ARGUMENT', /options.latentDim/);
      await expectGlassboxError(() => new GAN({ numClasses: 1 }), 'INVALID_ARGUMENT', /numClasses/);
      await expectGlassboxError(() => new GAN({ imageShape: [30, 28, 1] }), 'INVALID_ARGUMENT', /divisible by 4/);
      await expectGlassboxError(() => new GAN({ outputActivation: 'relu' as never }), 'INVALID_ARGUMENT', /outputActivation/);
      await expectGlassboxError(() => new GAN({ dropout: 1 }), 'INVALID_ARGUMENT', /dropout/);
      await expectGlassboxError(() => new GAN({ latentdim: 3 } as never), 'INVALID_ARGUMENT', /unknown key 'latentdim'/);
    });

    it('checks the inputs of the ForwardFns, sample, interpolate and train', async () => {
      const gan = tinyGan();
      const z = tf.zeros([2, 7]);
      const img = tf.zeros([2, 8, 8, 1]);
      const int = tf.zeros([2, 8], 'int32');
      await expectGlassboxError(() => gan.generator(z), 'SHAPE_MISMATCH', /GAN.generator: z must have shape \[N, 8\]/);
      await expectGlassboxError(() => gan.generator(int), 'INVALID_ARGUMENT', /float32/);
      await expectGlassboxError(() => gan.discriminator(z), 'SHAPE_MISMATCH', /GAN.discriminator/);
      await expectGlassboxError(() => gan.sample(0, 1), 'INVALID_ARGUMENT', /n must be/);
      await expectGlassboxError(() => gan.sample(2, -1), 'INVALID_ARGUMENT', /seed/);
      await expectGlassboxError(() => gan.sample(2, 1, { labels: [0, 1] }), 'INVALID_ARGUMENT', /only for conditional/);
      await expectGlassboxError(() => gan.interpolate(z, z, 3), 'SHAPE_MISMATCH', /z0/);
      const z8 = tf.zeros([8]);
      await expectGlassboxError(() => gan.interpolate(z8, z8, 1), 'INVALID_ARGUMENT', /steps/);
      await expectGlassboxError(() => gan.interpolate(z8, z8, 3, { method: 'cubic' as never }), 'INVALID_ARGUMENT', /method/);
      await expectGlassboxError(() => gan.train(z), 'SHAPE_MISMATCH', /x must have shape \[N, 8, 8, 1\]/);
      const big = tf.fill([2, 8, 8, 1], 2);
      await expectGlassboxError(() => gan.train(big), 'INVALID_ARGUMENT', /pixels in 0..1/);
      const nan = tf.fill([2, 8, 8, 1], Number.NaN);
      await expectGlassboxError(() => gan.train(nan), 'NON_FINITE', /x must be finite/);
      await expectGlassboxError(() => gan.train(img, { epochs: 0 }), 'INVALID_ARGUMENT', /epochs/);
      await expectGlassboxError(() => gan.train(img, { labelSmoothing: 0.5 }), 'INVALID_ARGUMENT', /labelSmoothing/);
      await expectGlassboxError(() => gan.train(img, { learningRate: Number.POSITIVE_INFINITY }), 'INVALID_ARGUMENT', /learningRate/);
      await expectGlassboxError(() => gan.train(img, { beta1: 1 }), 'INVALID_ARGUMENT', /beta1/);
      await expectGlassboxError(() => gan.train(img, { divergence: { patience: 0 } }), 'INVALID_ARGUMENT', /patience/);
      await expectGlassboxError(() => gan.train(img, { onEpoch: 3 as never }), 'INVALID_ARGUMENT', /onEpoch/);
      await expectGlassboxError(() => gan.train(img, { signal: {} as never }), 'INVALID_ARGUMENT', /signal/);
      await expectGlassboxError(() => gan.train(img, { epoch: 3 } as never), 'INVALID_ARGUMENT', /unknown key 'epoch'/);
      await expectGlassboxError(() => gan.train(img, { labels: [0, 1] }), 'INVALID_ARGUMENT', /only for conditional/);
      tf.dispose([z, img, int, z8, big, nan]);
      gan.dispose();
      await expectGlassboxError(() => gan.sample(1, 1), 'INVALID_ARGUMENT', /disposed/);
      await expectGlassboxError(() => gan.generator(z8), 'INVALID_ARGUMENT', /disposed/);
    });
  });
});

describe('GAN errors are GlassboxErrors', () => {
  it('isGlassboxError', () => {
    try {
      new GAN({ kernelSize: 0 });
    } catch (e) {
      expect(isGlassboxError(e, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}
