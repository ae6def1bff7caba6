/**
 * Options are checked by name (issue 17): every exported function that takes options refuses a misspelt key
 * with INVALID_ARGUMENT naming it and the intended key (LIME's segmentation options too), methods without a
 * baseline refuse one, and each explainer carries its keys for wrappers and a registry.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { optionKeysOf, tf } from '@glassbox/tensors-ops';
import type { ForwardFn } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectOptionTypoRefused } from '@glassbox/tensors-ops/testing';
import * as pkg from '../src/index.js';

type Options = Record<string, unknown>;
interface Case {
  label: string;
  typo: string;
  meant: string;
  run: (options: Options) => unknown;
}

// A row-sum model of images [N, 2, 2, 1] and a decoder of latent codes [N, 2].
const f: ForwardFn = (t) => tf.sum(tf.reshape(t, [t.shape[0]!, -1]), 1, true);
const decoder: ForwardFn = (t) => tf.tile(t, [1, 2]);
let x: Tensor;
let z: Tensor;
let z1: Tensor;
const image = new Float32Array([0, 0.5, 1, 0.25]);

const TABLE: Record<string, Case[]> = {
  occlusion: [{ label: 'occlusion', typo: 'stride', meant: 'strides', run: (o) => pkg.occlusion(f, x, { window: [1, 1, 1], ...o } as never) }],
  featureAblation: [{ label: 'featureAblation', typo: 'featuremask', meant: 'featureMask', run: (o) => pkg.featureAblation(f, x, o) }],
  featurePermutation: [{ label: 'featurePermutation', typo: 'repeat', meant: 'repeats', run: (o) => pkg.featurePermutation(f, x, o) }],
  shapleyValueSampling: [{ label: 'shapleyValueSampling', typo: 'sample', meant: 'samples', run: (o) => pkg.shapleyValueSampling(f, x, o) }],
  exactShapley: [{ label: 'exactShapley', typo: 'featureMaks', meant: 'featureMask', run: (o) => pkg.exactShapley(f, x, o) }],
  // The typos of the issue, on the functions it names.
  kernelShap: [
    { label: 'kernelShap', typo: 'sample', meant: 'samples', run: (o) => pkg.kernelShap(f, x, o) },
    { label: 'kernelShap', typo: 'varient', meant: 'variant', run: (o) => pkg.kernelShap(f, x, o) },
  ],
  lime: [
    { label: 'lime', typo: 'kernelwidth', meant: 'kernelWidth', run: (o) => pkg.lime(f, x, o) },
    { label: 'lime (options.segmentation, slic)', typo: 'segment', meant: 'segments', run: (o) => pkg.lime(f, x, { segmentation: { kind: 'slic', ...o } as never }) },
    { label: 'lime (options.segmentation, grid)', typo: 'cell', meant: 'cells', run: (o) => pkg.lime(f, x, { segmentation: { kind: 'grid', ...o } as never }) },
  ],
  surrogate: [{ label: 'surrogate', typo: 'maxdepth', meant: 'maxDepth', run: (o) => pkg.surrogate(f, x, o) }],
  latentTraversal: [{ label: 'latentTraversal', typo: 'dim', meant: 'dims', run: (o) => pkg.latentTraversal(decoder, z1, o) }],
  latentSensitivity: [
    { label: 'latentSensitivity', typo: 'delt', meant: 'delta', run: (o) => pkg.latentSensitivity(decoder, z, o) },
    { label: 'latentSensitivity (epsilon)', typo: 'epsilom', meant: 'epsilon', run: (o) => pkg.latentSensitivity(decoder, z, o) },
  ],
  slic: [{ label: 'slic', typo: 'compactnes', meant: 'compactness', run: (o) => pkg.slic(image, [2, 2, 1], o) }],
  gridSegments: [{ label: 'gridSegments', typo: 'cell', meant: 'cells', run: (o) => pkg.gridSegments([2, 2, 1], o) }],
};

/** Exports that take no options object. */
const WITHOUT_OPTIONS = new Set(['segmentsToFeatureMask', 'windowStarts']);

const COMMON = ['target', 'batchSize', 'seed', 'onProgress', 'signal', 'pool'];
const DECLARED: Array<[string, unknown, readonly string[], string[]]> = [
  ['occlusion', pkg.occlusion, pkg.OCCLUSION_OPTION_KEYS, [...COMMON, 'baseline', 'window', 'strides', 'incremental']],
  ['featureAblation', pkg.featureAblation, pkg.FEATURE_ABLATION_OPTION_KEYS, [...COMMON, 'baseline', 'featureMask']],
  ['featurePermutation', pkg.featurePermutation, pkg.FEATURE_PERMUTATION_OPTION_KEYS, [...COMMON, 'featureMask', 'repeats']],
  ['shapleyValueSampling', pkg.shapleyValueSampling, pkg.SHAPLEY_VALUE_SAMPLING_OPTION_KEYS, [...COMMON, 'baseline', 'featureMask', 'samples']],
  ['exactShapley', pkg.exactShapley, pkg.EXACT_SHAPLEY_OPTION_KEYS, [...COMMON, 'baseline', 'featureMask']],
  ['kernelShap', pkg.kernelShap, pkg.KERNEL_SHAP_OPTION_KEYS, [...COMMON, 'baseline', 'featureMask', 'samples', 'variant']],
  ['lime', pkg.lime, pkg.LIME_OPTION_KEYS, [...COMMON, 'baseline', 'featureMask', 'segmentation', 'samples', 'distance', 'kernelWidth', 'alpha']],
  ['surrogate', pkg.surrogate, pkg.SURROGATE_OPTION_KEYS, [...COMMON, 'kind', 'featureMask', 'alpha', 'maxDepth', 'minLeaf', 'holdout']],
  ['latentTraversal', pkg.latentTraversal, pkg.LATENT_TRAVERSAL_OPTION_KEYS, ['dims', 'values', 'batchSize', 'onProgress', 'signal']],
  ['latentSensitivity', pkg.latentSensitivity, pkg.LATENT_SENSITIVITY_OPTION_KEYS, ['epsilon', 'delta', 'batchSize', 'onProgress', 'signal']],
  ['slic', pkg.slic, pkg.SLIC_OPTION_KEYS, ['segments', 'compactness', 'iterations', 'minSizeFactor']],
  ['gridSegments', pkg.gridSegments, pkg.GRID_SEGMENTS_OPTION_KEYS, ['cells']],
];

it('every exported function is classified: in the table of misspelt keys, or taking no options object', () => {
  const functions = Object.entries(pkg).filter(([, v]) => typeof v === 'function').map(([k]) => k);
  expect(functions.filter((name) => !(name in TABLE) && !WITHOUT_OPTIONS.has(name))).toEqual([]);
  expect([...Object.keys(TABLE), ...WITHOUT_OPTIONS].filter((name) => !functions.includes(name))).toEqual([]);
});

it('each function declares its option keys on itself, the same as its exported list and its documentation', () => {
  for (const [name, fn, exported, documented] of DECLARED) {
    expect(optionKeysOf(fn), name).toEqual(exported);
    expect([...exported].sort(), name).toEqual([...documented].sort());
  }
});

describeBackends('options checked by name', () => {
  beforeAll(() => {
    x = tf.tensor4d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [2, 2, 2, 1]);
    z = tf.tensor2d([0.5, -1, 2, 0.25], [2, 2]);
    z1 = tf.tensor2d([0.5, -1], [1, 2]);
  });
  afterAll(() => tf.dispose([x, z, z1]));

  for (const cases of Object.values(TABLE)) {
    for (const c of cases) {
      it(`${c.label} refuses '${c.typo}' and suggests '${c.meant}'`, async () => {
        await expectOptionTypoRefused(c.run, c.typo, c.meant);
      });
    }
  }

  it('the pool option is valid wherever it is read: every explainer that reads it lists it', () => {
    for (const [name, , keys] of DECLARED.slice(0, 8)) expect(keys, name).toContain('pool');
  });

  it('methods without a baseline refuse one', async () => {
    await expectGlassboxError(() => pkg.featurePermutation(f, x, { baseline: 0 } as never), 'INVALID_ARGUMENT', /options\.baseline is not used/);
    await expectGlassboxError(() => pkg.surrogate(f, x, { baseline: 0 } as never), 'INVALID_ARGUMENT', /options\.baseline is not used/);
    await expectGlassboxError(() => pkg.latentTraversal(decoder, z1, { baseline: 0 } as never), 'INVALID_ARGUMENT', /unknown key 'baseline'/);
  });
});
