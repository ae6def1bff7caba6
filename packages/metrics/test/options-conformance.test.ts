/**
 * Options are checked by name (issue 17): every exported function that takes options refuses a misspelt key
 * with INVALID_ARGUMENT naming it and the intended key. The metrics that run an explainer take their own keys
 * plus the explainer's (when it declared them with tensors-ops' declareOptionKeys, as every Glassbox explainer
 * does) and pass on shared ones (seed, signal, baseline...) only to an explainer that takes them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { declareOptionKeys, tf } from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions, Predictable } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectOptionTypoRefused } from '@glassbox/tensors-ops/testing';
import * as pkg from '../src/index.js';
import { linearModel, localMlp, localSaliency, seededMatrix, type LocalModel } from '../src/testing-internal/fixtures.js';

type Options = Record<string, unknown>;
interface Case {
  label: string;
  typo: string;
  meant: string;
  run: (options: Options) => unknown;
}

/** Explainers that declare their keys, as the Glassbox ones do: one without baseline or seed, one with `steps`. */
const seen: Options[] = [];
const noSeed = declareOptionKeys(async (f: Predictable, x: Tensor, o: Options = {}): Promise<Attribution> => {
  seen.push(o);
  return localSaliency(f, x, o as ExplainOptions);
}, ['target', 'batchSize', 'onProgress', 'signal']);
const stepped = declareOptionKeys(async (f: Predictable, x: Tensor, o: Options = {}): Promise<Attribution> => {
  seen.push(o);
  return localSaliency(f, x, o as ExplainOptions);
}, ['target', 'baseline', 'batchSize', 'seed', 'onProgress', 'signal', 'steps', 'samples']);

const f = linearModel([[1, -1], [0.5, 2], [-1, 1], [2, 0]]);
let x: Tensor;
let a: Tensor;
let model: LocalModel;

const TABLE: Record<string, Case[]> = {
  infidelity: [{ label: 'infidelity', typo: 'perturbaton', meant: 'perturbation', run: (o) => pkg.infidelity(f, x, a, o) }],
  completeness: [
    { label: 'completeness', typo: 'batchsize', meant: 'batchSize', run: (o) => pkg.completeness(a, f, x, 0, o) },
    { label: 'completeness (f, x, attribution, options)', typo: 'baselin', meant: 'baseline', run: (o) => pkg.completeness(f, x, a, o) },
  ],
  deletionCurve: [
    { label: 'deletionCurve', typo: 'stesp', meant: 'steps', run: (o) => pkg.deletionCurve(f, x, a, o) },
    { label: 'deletionCurve (intervals)', typo: 'intervls', meant: 'intervals', run: (o) => pkg.deletionCurve(f, x, a, o) },
  ],
  insertionCurve: [{ label: 'insertionCurve', typo: 'featuremask', meant: 'featureMask', run: (o) => pkg.insertionCurve(f, x, a, o) }],
  sensitivityMax: [
    { label: 'sensitivityMax (its own key)', typo: 'radus', meant: 'radius', run: (o) => pkg.sensitivityMax(stepped, f, x, o) },
    { label: "sensitivityMax (the explainer's key)", typo: 'stpes', meant: 'steps', run: (o) => pkg.sensitivityMax(stepped, f, x, o) },
    {
      label: 'sensitivityMax (options.explainerOptions)',
      typo: 'sampels',
      meant: 'samples',
      run: (o) => pkg.sensitivityMax(stepped, f, x, { explainerOptions: o }),
    },
  ],
  randomizationSanityCheck: [
    { label: 'randomizationSanityCheck (its own key)', typo: 'layer', meant: 'layers', run: (o) => pkg.randomizationSanityCheck(stepped, model, x, o) },
    { label: "randomizationSanityCheck (the explainer's key)", typo: 'step', meant: 'steps', run: (o) => pkg.randomizationSanityCheck(stepped, model, x, o) },
  ],
  compareExplainers: [
    { label: 'compareExplainers', typo: 'infidelty', meant: 'infidelity', run: (o) => pkg.compareExplainers(f, x, { stepped }, ['sparseness'], o) },
    {
      label: 'compareExplainers (options.deletion)',
      typo: 'step',
      meant: 'steps',
      run: (o) => pkg.compareExplainers(f, x, { stepped }, ['deletion'], { deletion: o }),
    },
    {
      label: "compareExplainers (an explainer's options)",
      typo: 'stpes',
      meant: 'steps',
      run: (o) => pkg.compareExplainers(f, x, { s: { explainer: stepped, options: o } }, ['sparseness']),
    },
    {
      label: 'compareExplainers (an explainer entry)',
      typo: 'option',
      meant: 'options',
      run: (o) => pkg.compareExplainers(f, x, { s: { explainer: stepped, ...o } as never }, ['sparseness']),
    },
  ],
};

/** Exports that take no options object. */
const WITHOUT_OPTIONS = new Set(['sparseness', 'rankRows']);

it('every exported function is classified: in the table of misspelt keys, or taking no options object', () => {
  const functions = Object.entries(pkg).filter(([, v]) => typeof v === 'function').map(([k]) => k);
  expect(functions.filter((name) => !(name in TABLE) && !WITHOUT_OPTIONS.has(name))).toEqual([]);
  expect([...Object.keys(TABLE), ...WITHOUT_OPTIONS].filter((name) => !functions.includes(name))).toEqual([]);
});

describeBackends('options checked by name', () => {
  beforeAll(() => {
    x = tf.tensor2d(seededMatrix(2, 4, 5, 0, 1));
    a = tf.tensor2d(seededMatrix(2, 4, 6, -1, 1));
    model = localMlp(4, 3, 2, 9);
  });
  afterAll(() => {
    tf.dispose([x, a]);
    model.dispose();
  });

  for (const cases of Object.values(TABLE)) {
    for (const c of cases) {
      it(`${c.label} refuses '${c.typo}' and suggests '${c.meant}'`, async () => {
        await expectOptionTypoRefused(c.run, c.typo, c.meant);
      });
    }
  }

  it("passes shared options on only to explainers that take them, and refuses a key the explainer does not take", async () => {
    // compareExplainers: a shared baseline and seed are for the metrics and for the explainers that take them.
    seen.length = 0;
    const table = await expectNoLeaks(() =>
      pkg.compareExplainers(f, x, { noSeed, stepped: { explainer: stepped, options: { steps: 3 } } }, ['completeness'], { target: 1, baseline: 0, seed: 4 }),
    );
    expect(table.rows.map((r) => r.explainer).sort()).toEqual(['noSeed', 'stepped']);
    expect(Object.keys(seen[0]!).sort()).toEqual(['batchSize', 'target']);
    expect(seen[1]).toMatchObject({ target: 1, baseline: 0, seed: 4, steps: 3 });

    // sensitivityMax uses its seed for the noise; an explainer without a seed does not get it.
    seen.length = 0;
    await expectNoLeaks(() => pkg.sensitivityMax(noSeed, f, x, { target: 0, seed: 2, samples: 1 }));
    expect(seen.every((o) => !('seed' in o))).toBe(true);
    // ...but a baseline, which sensitivityMax does not use, must be the explainer's.
    await expectGlassboxError(() => pkg.sensitivityMax(noSeed, f, x, { target: 0, baseline: 0 }), 'INVALID_ARGUMENT', /unknown key 'baseline'/);
    // An explainer that declared nothing (a user's own) gets every key but the metric's own.
    seen.length = 0;
    const free = async (g: Predictable, xx: Tensor, o: Options = {}) => {
      seen.push(o);
      return localSaliency(g, xx, o as ExplainOptions);
    };
    await expectNoLeaks(() => pkg.sensitivityMax(free, f, x, { target: 0, seed: 2, samples: 1, anything: 5 }));
    expect(seen[0]).toEqual({ target: 0, seed: 2, anything: 5 });
  });
});
