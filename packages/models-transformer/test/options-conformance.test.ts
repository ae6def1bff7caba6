/**
 * Options are checked by name (issue 17): every exported function and method that takes options refuses a
 * misspelt key with INVALID_ARGUMENT naming it and the intended key, before building, training or loading.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectOptionTypoRefused } from '@glassbox/tensors-ops/testing';
import { WordTokenizer, namesTokenizer, type CharTokenizer } from '@glassbox/datasets';
import * as pkg from '../src/index.js';

type Options = Record<string, unknown>;
interface Case {
  label: string;
  typo: string;
  meant: string;
  run: (options: Options) => unknown;
}

let chars: CharTokenizer;
const words = WordTokenizer.fromTexts(['free cash now', 'meeting at noon'], { minCount: 1 });
let gpt: pkg.GPT;
let clf: pkg.TextClassifier;
let e: Tensor;

const TABLE: Record<string, Case[]> = {
  createGPT: [{ label: 'createGPT', typo: 'layer', meant: 'layers', run: (o) => pkg.createGPT({ tokenizer: chars, ...o }) }],
  createTextClassifier: [{ label: 'createTextClassifier', typo: 'contxt', meant: 'context', run: (o) => pkg.createTextClassifier({ tokenizer: words, ...o }) }],
  GPT: [
    { label: 'GPT.encode', typo: 'ends', meant: 'end', run: (o) => gpt.encode('ann', o) },
    { label: 'GPT.generate', typo: 'temprature', meant: 'temperature', run: (o) => gpt.generate('', o) },
    { label: 'GPT.generate', typo: 'topk', meant: 'topK', run: (o) => gpt.generate('', o) },
    { label: 'GPT.evaluate', typo: 'limt', meant: 'limit', run: (o) => gpt.evaluate(['ann'], o) },
    { label: 'GPT.load', typo: 'maxElement', meant: 'maxElements', run: (o) => pkg.GPT.load({ modelJSON: {}, weightData: new ArrayBuffer(0) }, o) },
    { label: 'GPT.loadFromDir', typo: 'maxelements', meant: 'maxElements', run: (o) => pkg.GPT.loadFromDir('tmp/none', o) },
    { label: 'GPT.loadFromUrl', typo: 'fetc', meant: 'fetch', run: (o) => pkg.GPT.loadFromUrl('http://models.test/model.json', o) },
  ],
  TextClassifier: [
    { label: 'TextClassifier.forwardFromEmbeddings', typo: 'paddingmask', meant: 'paddingMask', run: (o) => clf.forwardFromEmbeddings(e, o) },
    { label: 'TextClassifier.evaluate', typo: 'batchsize', meant: 'batchSize', run: (o) => clf.evaluate([{ text: 'free', label: 1 }], o) },
    { label: 'TextClassifier.load', typo: 'maxElement', meant: 'maxElements', run: (o) => pkg.TextClassifier.load({ modelJSON: {}, weightData: new ArrayBuffer(0) }, o) },
    { label: 'TextClassifier.loadFromDir', typo: 'maxelements', meant: 'maxElements', run: (o) => pkg.TextClassifier.loadFromDir('tmp/none', o) },
    { label: 'TextClassifier.loadFromUrl', typo: 'requestinit', meant: 'requestInit', run: (o) => pkg.TextClassifier.loadFromUrl('http://models.test/model.json', o) },
  ],
  train: [{ label: 'train', typo: 'epoch', meant: 'epochs', run: (o) => pkg.train(gpt, ['ann'], o) }],
  loadPretrained: [{ label: 'loadPretrained', typo: 'ur', meant: 'url', run: (o) => pkg.loadPretrained('names-gpt', o) }],
};

/** Exports that take no options object. */
const WITHOUT_OPTIONS = new Set<string>([]);

it('every exported function is classified: in the table of misspelt keys, or taking no options object', () => {
  const functions = Object.entries(pkg).filter(([, v]) => typeof v === 'function').map(([k]) => k);
  expect(functions.filter((name) => !(name in TABLE) && !WITHOUT_OPTIONS.has(name))).toEqual([]);
  expect([...Object.keys(TABLE), ...WITHOUT_OPTIONS].filter((name) => !functions.includes(name))).toEqual([]);
});

describeBackends('options checked by name', () => {
  beforeAll(async () => {
    chars = await namesTokenizer();
    gpt = pkg.createGPT({ tokenizer: chars, dim: 8, layers: 1, heads: 1, seed: 1 });
    clf = pkg.createTextClassifier({ tokenizer: words, dim: 8, layers: 1, heads: 1, context: 8, seed: 1 });
    const ids = tf.tensor2d([[2, 3]], [1, 2], 'int32');
    e = clf.embed(ids);
    ids.dispose();
  });
  afterAll(() => {
    gpt.dispose();
    clf.dispose();
    e.dispose();
  });
  for (const cases of Object.values(TABLE)) {
    for (const c of cases) {
      it(`${c.label} refuses '${c.typo}' and suggests '${c.meant}'`, async () => {
        await expectOptionTypoRefused(c.run, c.typo, c.meant);
      });
    }
  }
});
