/**
 * Options are checked by name (issue 17): every exported function that takes options refuses a misspelt key
 * with INVALID_ARGUMENT naming it and the intended key, before loading or drawing anything.
 */
import { expect, it } from 'vitest';
import { describeBackends, expectOptionTypoRefused } from '@glassbox/tensors-ops/testing';
import * as pkg from '../src/index.js';

type Options = Record<string, unknown>;
interface Case {
  typo: string;
  meant: string;
  run: (options: Options) => unknown;
}

const TABLE: Record<string, Case> = {
  // 'nosie' is the typo of the issue.
  linearData: { typo: 'nosie', meant: 'noise', run: (o) => pkg.linearData({ n: 4, d: 2, ...o }) },
  linearDataArrays: { typo: 'wieghts', meant: 'weights', run: (o) => pkg.linearDataArrays({ n: 4, d: 2, ...o }) },
  twoMoons: { typo: 'shufle', meant: 'shuffle', run: (o) => pkg.twoMoons({ n: 4, ...o }) },
  twoMoonsArrays: { typo: 'sed', meant: 'seed', run: (o) => pkg.twoMoonsArrays({ n: 4, ...o }) },
  shapes: { typo: 'sise', meant: 'size', run: (o) => pkg.shapes({ n: 3, ...o }) },
  shapesArrays: { typo: 'Noise', meant: 'noise', run: (o) => pkg.shapesArrays({ n: 3, ...o }) },
  loadDigits: { typo: 'limt', meant: 'limit', run: (o) => pkg.loadDigits({ split: 'test', ...o }) },
  loadDigitsArrays: { typo: 'clases', meant: 'classes', run: (o) => pkg.loadDigitsArrays({ split: 'test', ...o }) },
  loadFashion: { typo: 'perclass', meant: 'perClass', run: (o) => pkg.loadFashion(o) },
  loadFashionArrays: { typo: 'formt', meant: 'format', run: (o) => pkg.loadFashionArrays(o) },
  loadNames: { typo: 'limti', meant: 'limit', run: (o) => pkg.loadNames({ split: 'test', ...o }) },
  loadSpam: { typo: 'splt', meant: 'split', run: (o) => pkg.loadSpam({ split: 'test', ...o }) },
  spamTokenizer: { typo: 'maxsize', meant: 'maxSize', run: (o) => pkg.spamTokenizer(o) },
};

/** Exports that take no options object. */
// The tokenizer classes check their methods' options in their own tests (char-tokenizer.test.ts,
// word-tokenizer.test.ts).
const WITHOUT_OPTIONS = new Set([
  'encodeDigitsAsset',
  'parseDigitsAsset',
  'namesTokenizer',
  'emailToText',
  'htmlToText',
  'wordPieces',
  'tokenizerFromJSON',
  'CharTokenizer',
  'WordTokenizer',
]);

it('every exported function is classified: in the table of misspelt keys, or taking no options object', () => {
  const functions = Object.entries(pkg).filter(([, v]) => typeof v === 'function').map(([k]) => k);
  expect(functions.filter((name) => !(name in TABLE) && !WITHOUT_OPTIONS.has(name))).toEqual([]);
  expect([...Object.keys(TABLE), ...WITHOUT_OPTIONS].filter((name) => !functions.includes(name))).toEqual([]);
});

describeBackends('options checked by name', () => {
  for (const [name, c] of Object.entries(TABLE)) {
    it(`${name} refuses '${c.typo}' and suggests '${c.meant}'`, async () => {
      await expectOptionTypoRefused(c.run, c.typo, c.meant);
    });
  }
});
