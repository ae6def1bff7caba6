/**
 * Every method carries its metadata (tensors-ops' declareMethod): its name is its export name, its option keys
 * are the ones it checks, and each default it declares is the one it uses (the same result with and without it).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { methodInfoOf, optionKeysOf, tf } from '@glassbox/tensors-ops';
import type { ForwardFn } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import * as pkg from '../src/index.js';
import { lcgValues, tanhMlp } from '../src/testing-internal/models.js';

const METHODS = [
  'occlusion', 'featureAblation', 'featurePermutation', 'shapleyValueSampling', 'exactShapley', 'kernelShap', 'lime', 'surrogate',
  'latentTraversal', 'latentSensitivity',
] as const;
const HELPERS = new Set(['windowStarts', 'slic', 'gridSegments', 'segmentsToFeatureMask']);

it('declares the metadata of every exported method, and of nothing else', () => {
  const fns = Object.entries(pkg).filter(([, v]) => typeof v === 'function').map(([k]) => k);
  expect(fns.filter((k) => methodInfoOf((pkg as Record<string, unknown>)[k]) !== undefined).sort()).toEqual([...METHODS].sort());
  expect(fns.filter((k) => !HELPERS.has(k) && !(METHODS as readonly string[]).includes(k))).toEqual([]);
  for (const name of METHODS) {
    const info = methodInfoOf(pkg[name])!;
    expect(info.name).toBe(name);
    expect(info.family).toBe('perturbation');
    expect(optionKeysOf(pkg[name])).toEqual(info.optionKeys);
  }
});

it("declares 'tokens' among the inputs of exactly the methods that take token ids", () => {
  const tokens = METHODS.filter((name) => methodInfoOf(pkg[name])!.inputs.includes('tokens'));
  expect(tokens).toEqual(['occlusion', 'featureAblation', 'shapleyValueSampling', 'exactShapley', 'kernelShap', 'lime']);
});

describeBackends('declared defaults are the defaults used', () => {
  let model: { f: ForwardFn; dispose: () => void };
  let x: Tensor;
  let z: Tensor;
  const featureMask = new Int32Array([0, 0, 1, 1, 2, 2]);
  const decoder = (t: Tensor) => tf.tidy(() => tf.sigmoid(tf.tile(t, [1, 3])));
  beforeAll(() => {
    model = tanhMlp(6, 4, 1.5, 7);
    x = tf.tensor2d(lcgValues(24, 5, 0, 1), [4, 6]);
    z = tf.tensor2d(lcgValues(4, 6), [2, 2]);
  });
  afterAll(() => {
    tf.dispose([x, z]);
    model.dispose();
  });
  const defaultsOf = (fn: unknown) =>
    Object.fromEntries(methodInfoOf(fn)!.options.filter((o) => o.default !== undefined && o.key !== 'kind').map((o) => [o.key, o.default]));
  const data = (r: unknown): number[] => {
    const v = r as { attributions?: Tensor; scores?: Float32Array; coefficients?: ArrayLike<number> };
    if (v.attributions !== undefined) return Array.from(v.attributions.dataSync());
    if (v.scores !== undefined) return Array.from(v.scores);
    if (v.coefficients !== undefined) return Array.from(v.coefficients);
    return Array.from((r as Tensor).dataSync());
  };
  const free = (r: unknown) => {
    const v = r as { attributions?: Tensor; delta?: Tensor };
    if (v instanceof tf.Tensor) v.dispose();
    else tf.dispose([v.attributions ?? [], v.delta ?? []]);
  };

  const cases: Record<string, (o: Record<string, unknown>) => Promise<unknown>> = {
    featurePermutation: (o) => pkg.featurePermutation(model.f, x, { featureMask, seed: 1, ...o }),
    shapleyValueSampling: (o) => pkg.shapleyValueSampling(model.f, x, { featureMask, seed: 1, ...o }),
    kernelShap: (o) => pkg.kernelShap(model.f, x, { featureMask, seed: 1, samples: 4, ...o }),
    lime: (o) => pkg.lime(model.f, x, { featureMask, seed: 1, ...o }),
    surrogate: (o) => pkg.surrogate(model.f, x, { featureMask, seed: 1, ...o }),
    latentTraversal: async (o) => {
      const one = tf.slice(z, [0, 0], [1, 2]);
      try {
        return await pkg.latentTraversal(decoder, one, o);
      } finally {
        one.dispose();
      }
    },
    latentSensitivity: (o) => pkg.latentSensitivity(decoder, z, o),
  };
  it.each(Object.keys(cases))('%s', async (name) => {
    const defaults = defaultsOf((pkg as Record<string, unknown>)[name]);
    expect(Object.keys(defaults).length).toBeGreaterThan(0);
    await expectNoLeaks(async () => {
      const a = await cases[name]!({});
      const b = await cases[name]!(defaults);
      try {
        expect(data(b)).toEqual(data(a));
      } finally {
        free(a);
        free(b);
      }
    });
  });
});
