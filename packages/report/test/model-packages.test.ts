/**
 * The models of @glassbox/models-classifier, models-ae-vae and models-gan go into explainModel as they are
 * (small untrained instances on 8x8 images): the report's structural model types match their property names
 * (checked by the compiler here) and the suites run on them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { createRng, tf } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { createCnn, type Classifier } from '@glassbox/models-classifier';
import { autoencoder, vae, type Autoencoder, type VAE } from '@glassbox/models-ae-vae';
import { CycleGAN, GAN } from '@glassbox/models-gan';
import { explainModel, renderReport, REPORT_METHODS, type ReportModel } from '../src/index.js';
import { FAST, expectSelfContained, expectedPictures } from '../src/testing-internal/helpers.js';

// Compile-time: each model class is a ReportModel.
const asReportModel = (m: Classifier | Autoencoder | VAE | GAN | CycleGAN): ReportModel => m;

describeBackends('explainModel on the models of the models packages', () => {
  let x: Tensor;
  const models: { dispose(): void }[] = [];
  const keep = <T extends { dispose(): void }>(m: T): T => (models.push(m), m);
  beforeAll(() => {
    x = tf.tensor4d(createRng(3).uniformArray(2 * 64), [2, 8, 8, 1]);
  });
  afterAll(() => {
    x.dispose();
    for (const m of models) m.dispose();
  });

  it('a models-classifier CNN: Grad-CAM at its last convolution', async () => {
    const cnn = keep(createCnn({ inputShape: [8, 8, 1], classes: 3, filters: [2, 2], denseUnits: 4, seed: 1 }));
    const r = await expectNoLeaks(() => explainModel(asReportModel(cnn), x, { samples: 1, settings: FAST }));
    expect(r.meta.methods).toEqual(REPORT_METHODS.classifier);
    expectSelfContained(renderReport(r), expectedPictures(r));
  });

  it('a models-ae-vae autoencoder and VAE', async () => {
    for (const m of [keep(autoencoder({ variant: 'conv', inputShape: [8, 8, 1], latentDim: 2, filters: [2], seed: 1 })), keep(vae({ variant: 'conv', inputShape: [8, 8, 1], latentDim: 2, filters: [2], seed: 1 }))]) {
      const r = await expectNoLeaks(() => explainModel(asReportModel(m), x, { samples: 1, settings: FAST }));
      expect(r.kind).toBe(m.kind);
      expect(r.meta.methods).toEqual(REPORT_METHODS[m.kind]);
      expectSelfContained(renderReport(r), expectedPictures(r));
    }
  });

  it('a models-gan GAN (also conditional) and CycleGAN', async () => {
    const gan = keep(new GAN({ latentDim: 3, imageShape: [8, 8, 1], generatorFilters: [2, 2], discriminatorFilters: [2, 2], seed: 1 }));
    const cgan = keep(new GAN({ latentDim: 3, numClasses: 2, imageShape: [8, 8, 1], generatorFilters: [2, 2], discriminatorFilters: [2, 2], seed: 1 }));
    const cyc = keep(new CycleGAN({ imageShape: [8, 8, 1], generatorFilters: [2], discriminatorFilters: [2, 2], seed: 1 }));
    for (const m of [gan, cgan, cyc]) {
      const r = await expectNoLeaks(() => explainModel(asReportModel(m), { x, y: [1, 0] }, { samples: 2, settings: FAST }));
      expect(r.kind).toBe(m.kind);
      expect(r.meta.methods).toEqual(REPORT_METHODS[m.kind]);
      expectSelfContained(renderReport(r), expectedPictures(r));
    }
  });
});
