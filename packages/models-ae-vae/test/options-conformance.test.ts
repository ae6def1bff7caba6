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

let ae: pkg.Autoencoder;
let v: pkg.VAE;
let x: Tensor;

const small = { inputShape: [2, 2, 1], latentDim: 2, hidden: [3] };
const TABLE: Record<string, Case[]> = {
  autoencoder: [{ label: 'autoencoder', typo: 'latentdim', meant: 'latentDim', run: (o) => pkg.autoencoder(o) }],
  vae: [{ label: 'vae', typo: 'beat', meant: 'beta', run: (o) => pkg.vae(o) }],
  Autoencoder: [
    { label: 'Autoencoder.evaluate', typo: 'batchsize', meant: 'batchSize', run: (o) => ae.evaluate(x, o) },
    { label: 'Autoencoder.fitLatentDistribution', typo: 'singal', meant: 'signal', run: (o) => ae.fitLatentDistribution(x, o) },
  ],
  VAE: [{ label: 'VAE.evaluate', typo: 'sed', meant: 'seed', run: (o) => v.evaluate(x, o) }],
  train: [{ label: 'train', typo: 'learningrate', meant: 'learningRate', run: (o) => pkg.train(ae, x, o) }],
  load: [{ label: 'load', typo: 'maxElement', meant: 'maxElements', run: (o) => pkg.load({ modelJSON: {}, weightData: new ArrayBuffer(0) }, o) }],
  loadFromDir: [{ label: 'loadFromDir', typo: 'maxelements', meant: 'maxElements', run: (o) => pkg.loadFromDir('tmp/none', o) }],
  loadPretrained: [{ label: 'loadPretrained', typo: 'fech', meant: 'fetch', run: (o) => pkg.loadPretrained('digits-vae', o) }],
};

/** Exports that take no options object (LatentModel is the base class; its methods take none). */
const WITHOUT_OPTIONS = new Set(['LatentModel', 'save', 'saveToDir']);

it('every exported function is classified: in the table of misspelt keys, or taking no options object', () => {
  const functions = Object.entries(pkg).filter(([, f]) => typeof f === 'function').map(([k]) => k);
  expect(functions.filter((name) => !(name in TABLE) && !WITHOUT_OPTIONS.has(name))).toEqual([]);
  expect([...Object.keys(TABLE), ...WITHOUT_OPTIONS].filter((name) => !functions.includes(name))).toEqual([]);
});

describeBackends('options checked by name', () => {
  beforeAll(() => {
    ae = pkg.autoencoder(small);
    v = pkg.vae(small);
    x = tf.tensor4d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [2, 2, 2, 1]);
  });
  afterAll(() => {
    ae.dispose();
    v.dispose();
    x.dispose();
  });
  for (const cases of Object.values(TABLE)) {
    for (const c of cases) {
      it(`${c.label} refuses '${c.typo}' and suggests '${c.meant}'`, async () => {
        await expectOptionTypoRefused(c.run, c.typo, c.meant);
      });
    }
  }
});
