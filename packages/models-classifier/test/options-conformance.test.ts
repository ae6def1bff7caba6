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

let model: pkg.Classifier;
let x: Tensor;

const TABLE: Record<string, Case[]> = {
  createCnn: [{ label: 'createCnn', typo: 'filter', meant: 'filters', run: (o) => pkg.createCnn(o) }],
  createMlp: [{ label: 'createMlp', typo: 'hiden', meant: 'hidden', run: (o) => pkg.createMlp({ inputSize: 4, classes: 2, ...o }) }],
  createClassifier: [{ label: 'createClassifier', typo: 'sed', meant: 'seed', run: (o) => pkg.createClassifier([{ type: 'dense', units: 2 }], [4], o) }],
  Classifier: [
    { label: 'Classifier.evaluate', typo: 'batchsize', meant: 'batchSize', run: (o) => model.evaluate(x, [0, 1], o) },
    { label: 'Classifier.apply', typo: 'trainig', meant: 'training', run: (o) => model.apply(x, o) },
  ],
  train: [
    { label: 'train', typo: 'epoch', meant: 'epochs', run: (o) => pkg.train(model, { x, y: [0, 1] }, o) },
    { label: 'train', typo: 'shfit', meant: 'shift', run: (o) => pkg.train(model, { x, y: [0, 1] }, o) },
  ],
  load: [{ label: 'load', typo: 'maxElement', meant: 'maxElements', run: (o) => pkg.load({ modelJSON: {}, weightData: new ArrayBuffer(0) }, o) }],
  loadFromDir: [{ label: 'loadFromDir', typo: 'maxelements', meant: 'maxElements', run: (o) => pkg.loadFromDir('tmp/none', o) }],
  loadPretrained: [{ label: 'loadPretrained', typo: 'ur', meant: 'url', run: (o) => pkg.loadPretrained('digits-cnn', o) }],
};

/** Exports that take no options object. */
const WITHOUT_OPTIONS = new Set(['resolveLabels', 'save', 'saveToDir']);

it('every exported function is classified: in the table of misspelt keys, or taking no options object', () => {
  const functions = Object.entries(pkg).filter(([, v]) => typeof v === 'function').map(([k]) => k);
  expect(functions.filter((name) => !(name in TABLE) && !WITHOUT_OPTIONS.has(name))).toEqual([]);
  expect([...Object.keys(TABLE), ...WITHOUT_OPTIONS].filter((name) => !functions.includes(name))).toEqual([]);
});

describeBackends('options checked by name', () => {
  beforeAll(() => {
    model = pkg.createMlp({ inputSize: 4, classes: 2, hidden: [3] });
    x = tf.tensor2d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [2, 4]);
  });
  afterAll(() => {
    model.dispose();
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
