/**
 * Options are checked by name (issue 17): explainModel and renderReport refuse a misspelt key with
 * INVALID_ARGUMENT naming it and the intended key (explainModel's settings too), before any model call; and the
 * suites pass each explainer only the options it takes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectOptionTypoRefused } from '@glassbox/tensors-ops/testing';
import * as pkg from '../src/index.js';
import { images, tinyModels, type TinyModels } from '../src/testing-internal/models.js';
import { FAST } from '../src/testing-internal/helpers.js';

/** Exports that take an options object. */
const WITH_OPTIONS = ['explainModel', 'renderReport', 'explainDataset'];
/**
 * Exports that take no options object: the method registry's name helper; the data-set run's shard planning,
 * exact sums, merge and Arrow conversion (positional data only); the whole-test-set renderer (one summary).
 */
const WITHOUT_OPTIONS = [
  'toKebabCase',
  'shardRows', 'checkShard', 'ExactSums', 'exactToNumber', 'mergePartials', 'summarizeDataset', 'partialToArrow', 'partialFromArrow',
  'renderDatasetSummary',
];

it('every exported function is classified', () => {
  const functions = Object.entries(pkg).filter(([, v]) => typeof v === 'function').map(([k]) => k);
  expect(functions.sort()).toEqual([...WITH_OPTIONS, ...WITHOUT_OPTIONS].sort());
});

describeBackends('options checked by name', () => {
  let m: TinyModels;
  let x: Tensor;
  beforeAll(() => {
    m = tinyModels();
    x = images(2);
  });
  afterAll(() => {
    m.dispose();
    x.dispose();
  });

  it("explainModel refuses 'sampels' and suggests 'samples', before calling the model", async () => {
    let calls = 0;
    const model = { kind: 'classifier' as const, predict: (t: Tensor) => (calls++, m.linear.predict(t)) };
    await expectOptionTypoRefused((o) => pkg.explainModel(model, x, o), 'sampels', 'samples');
    await expectOptionTypoRefused((o) => pkg.explainModel(model, x, o), 'batchsize', 'batchSize');
    expect(calls).toBe(0);
  });

  it("explainDataset refuses 'chunksize' and suggests 'chunkSize', before calling the model", async () => {
    let calls = 0;
    const f = (t: Tensor) => (calls++, m.linear.predict(t));
    await expectOptionTypoRefused((o) => pkg.explainDataset(f, { images: new Float32Array(0), shape: [0] } as never, (() => Promise.reject(new Error('not called'))) as never, o), 'chunksize', 'chunkSize');
    expect(calls).toBe(0);
  });

  it("explainModel refuses a misspelt setting and suggests the intended one", async () => {
    await expectGlassboxError(
      () => pkg.explainModel(m.linear, x, { settings: { igstep: 4 } as never }),
      'INVALID_ARGUMENT',
      /options\.settings\.igstep is not a setting; known settings: .*; did you mean 'igSteps'\?/,
    );
  });

  it("renderReport refuses 'titel' and suggests 'title'; the suites pass each explainer only what it takes", async () => {
    // saliency and integratedGradients get the same shared options: the run would fail if any key reached an
    // explainer or batch loop that does not take it (saliency has no baseline, mapBatches no seed).
    const result = await expectNoLeaks(() => pkg.explainModel(m.linear, x, { samples: 1, seed: 3, methods: ['saliency', 'integratedGradients'], settings: FAST }));
    await expectOptionTypoRefused((o) => pkg.renderReport(result, o), 'titel', 'title');
    expect(pkg.renderReport(result, { title: 'ok' })).toContain('<title>ok</title>');
  });
});
