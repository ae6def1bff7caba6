/**
 * Options are checked by name (issue 17): every exported function and method that takes options refuses a
 * misspelt key with INVALID_ARGUMENT naming it and the intended key, before building, training or loading.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectOptionTypoRefused } from '@glassbox/tensors-ops/testing';
import * as pkg from '../src/index.js';

type Options = Record<string, unknown>;
interface Case {
  label: string;
  typo: string;
  meant: string;
  run: (options: Options) => unknown;
}

let gan: pkg.GAN;
let cyc: pkg.CycleGAN;
let images: Tensor;
let z: Tensor;

const TABLE: Record<string, Case[]> = {
  GAN: [
    { label: 'new GAN', typo: 'latentdim', meant: 'latentDim', run: (o) => new pkg.GAN(o) },
    { label: 'GAN.sampleLatent', typo: 'label', meant: 'labels', run: (o) => gan.sampleLatent(2, 1, o) },
    { label: 'GAN.sample', typo: 'batchsize', meant: 'batchSize', run: (o) => gan.sample(2, 1, o) },
    { label: 'GAN.interpolate', typo: 'methd', meant: 'method', run: (o) => gan.interpolate(z, z, 3, o) },
    { label: 'GAN.train', typo: 'epoch', meant: 'epochs', run: (o) => gan.train(images, o) },
    { label: 'GAN.train (options.divergence)', typo: 'patiense', meant: 'patience', run: (o) => gan.train(images, { divergence: o }) },
    { label: 'GAN.load', typo: 'fech', meant: 'fetch', run: (o) => pkg.GAN.load('tmp/none', o) },
  ],
  CycleGAN: [
    { label: 'new CycleGAN', typo: 'imageshape', meant: 'imageShape', run: (o) => new pkg.CycleGAN(o) },
    { label: 'CycleGAN.train', typo: 'cycleweight', meant: 'cycleWeight', run: (o) => cyc.train(images, images, o) },
    { label: 'CycleGAN.load', typo: 'requestinit', meant: 'requestInit', run: (o) => pkg.CycleGAN.load('tmp/none', o) },
  ],
  interpolateLatents: [{ label: 'interpolateLatents', typo: 'linearTial', meant: 'linearTail', run: (o) => pkg.interpolateLatents(z, z, 3, o) }],
  loadPretrained: [{ label: 'loadPretrained', typo: 'URL', meant: 'url', run: (o) => pkg.loadPretrained('digits-gan', o) }],
  measureGanQuality: [{ label: 'measureGanQuality', typo: 'referense', meant: 'reference', run: (o) => pkg.measureGanQuality(gan, o as never) }],
  measureTranslation: [{ label: 'measureTranslation', typo: 'targetb', meant: 'targetB', run: (o) => pkg.measureTranslation(cyc, { a: images, b: images, ...o }) }],
};

/** Exports that take no options object (the layer builders take a resolved config). */
const WITHOUT_OPTIONS = new Set([
  'cycleDiscriminatorLayers', 'cycleGeneratorLayers', 'dilate', 'featureStatistics', 'frechetDistance', 'ganDiscriminatorLayers', 'ganGeneratorLayers',
  'histogramEntropy',
]);

it('every exported function is classified: in the table of misspelt keys, or taking no options object', () => {
  const functions = Object.entries(pkg).filter(([, f]) => typeof f === 'function').map(([k]) => k);
  expect(functions.filter((name) => !(name in TABLE) && !WITHOUT_OPTIONS.has(name))).toEqual([]);
  expect([...Object.keys(TABLE), ...WITHOUT_OPTIONS].filter((name) => !functions.includes(name))).toEqual([]);
});

describeBackends('options checked by name', () => {
  beforeAll(() => {
    gan = new pkg.GAN({ latentDim: 2, imageShape: [4, 4, 1], generatorFilters: [2, 2], discriminatorFilters: [2, 2] });
    cyc = new pkg.CycleGAN({ imageShape: [4, 4, 1], generatorFilters: [2, 2], discriminatorFilters: [2, 2] });
    images = tf.fill([2, 4, 4, 1], 0.5);
    z = tf.tensor2d([[0.5, -1]]);
  });
  afterAll(() => {
    gan.dispose();
    cyc.dispose();
    tf.dispose([images, z]);
  });
  for (const cases of Object.values(TABLE)) {
    for (const c of cases) {
      it(`${c.label} refuses '${c.typo}' and suggests '${c.meant}'`, async () => {
        await expectOptionTypoRefused(c.run, c.typo, c.meant);
      });
    }
  }
});
