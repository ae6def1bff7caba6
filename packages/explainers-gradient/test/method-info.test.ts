/**
 * Every explainer carries its metadata (tensors-ops' declareMethod): its name is its export name, its option
 * keys are the ones it checks, and each default it declares is the default it uses — calling it without the
 * option gives the same result as calling it with the declared default, so that the registry, the CLI and the
 * demo can read the defaults instead of restating them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { methodInfoOf, optionKeysOf, tf } from '@glassbox/tensors-ops';
import type { ForwardFn } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import * as pkg from '../src/index.js';
import { smoothMlp, uniforms } from '../src/testing-internal/models.js';

const METHODS = [
  'saliency', 'inputXGradient', 'integratedGradients', 'noiseTunnel', 'gradientShap', 'deepLift', 'gradCam', 'guidedGradCam',
  'guidedBackprop', 'latentAttribution', 'latentJacobian', 'attentionRollout', 'gradientWeightedAttention',
  'layerIntegratedGradients', 'layerConductance',
] as const;
/**
 * Exported functions that are helpers, not methods (explainGeneration composes an explainer over the steps of a
 * generation and returns a matrix, not an Attribution: it is not a registry method).
 */
const HELPERS = new Set(['integrationRule', 'gaussLegendre', 'outputRegion', 'explainGeneration', 'contrastTokenModel', 'attentionMaps']);
// layerActivation reads a layer's values (a tensor, not an Attribution): a helper next to the layer methods.
HELPERS.add('layerActivation');

it('declares the metadata of every exported method, and of nothing else', () => {
  const fns = Object.entries(pkg).filter(([, v]) => typeof v === 'function').map(([k]) => k);
  expect(fns.filter((k) => methodInfoOf((pkg as Record<string, unknown>)[k]) !== undefined).sort()).toEqual([...METHODS].sort());
  expect(fns.filter((k) => !HELPERS.has(k) && !(METHODS as readonly string[]).includes(k))).toEqual([]);
  for (const name of METHODS) {
    const fn = pkg[name];
    const info = methodInfoOf(fn)!;
    expect(info.name).toBe(name);
    expect(info.family).toBe('gradient');
    expect(optionKeysOf(fn)).toEqual(info.optionKeys);
    for (const o of info.options) expect(info.optionKeys).toContain(o.key);
  }
});

it('names are unique across names and aliases', () => {
  const seen = new Set<string>();
  for (const name of METHODS) {
    const info = methodInfoOf(pkg[name])!;
    for (const n of [info.name, ...info.aliases]) {
      expect(seen.has(n), n).toBe(false);
      seen.add(n);
    }
  }
});

describeBackends('declared defaults are the defaults used', () => {
  let f: ForwardFn;
  let x: Tensor;
  let z: Tensor;
  const decoder = (t: Tensor) => tf.tidy(() => tf.sigmoid(tf.tile(t, [1, 3])));
  beforeAll(() => {
    f = smoothMlp(6, 3);
    x = tf.tensor2d(uniforms(11, 12), [2, 6]);
    z = tf.tensor2d(uniforms(12, 4, -1, 1), [2, 2]);
  });
  afterAll(() => tf.dispose([x, z]));

  const same = async (run: (o: Record<string, unknown>) => Promise<{ attributions: Tensor; delta?: Tensor }>, extra: Record<string, unknown>) => {
    const a = await run({});
    const b = await run(extra);
    try {
      expect(Array.from(b.attributions.dataSync())).toEqual(Array.from(a.attributions.dataSync()));
    } finally {
      tf.dispose([a.attributions, b.attributions, a.delta ?? [], b.delta ?? []]);
    }
  };
  const defaultsOf = (fn: unknown) =>
    Object.fromEntries(methodInfoOf(fn)!.options.filter((o) => o.default !== undefined).map((o) => [o.key, o.default]));

  it.each(['saliency', 'integratedGradients', 'gradientShap'] as const)('%s', async (name) => {
    const fn = pkg[name] as (f: ForwardFn, x: Tensor, o: Record<string, unknown>) => Promise<{ attributions: Tensor }>;
    const defaults = defaultsOf(fn);
    expect(Object.keys(defaults).length).toBeGreaterThan(0);
    await expectNoLeaks(() => same((o) => fn(f, x, { target: 1, seed: 3, ...o }), defaults));
  });

  it('noiseTunnel', async () => {
    const defaults = defaultsOf(pkg.noiseTunnel);
    await expectNoLeaks(() => same((o) => pkg.noiseTunnel(pkg.saliency, { seed: 2, ...o })(f, x, { target: 0 }), defaults));
  });

  it('latentAttribution', async () => {
    const mask = new Float32Array([1, 0, 1, 1, 0, 1]);
    const defaults = defaultsOf(pkg.latentAttribution);
    await expectNoLeaks(() => same((o) => pkg.latentAttribution(decoder, z, mask, o), defaults));
  });

  it.each(['layerIntegratedGradients', 'layerConductance'] as const)('%s (on a Sequential, at a named layer)', async (name) => {
    const { sequential } = await import('@glassbox/tensors-ops');
    const model = sequential([{ type: 'dense', name: 'h', units: 4, activation: 'tanh' }, { type: 'dense', units: 3 }], [6], { seed: 2 });
    const fn = pkg[name];
    const defaults = defaultsOf(fn);
    expect(Object.keys(defaults).sort()).toEqual(['attributeToLayerInput', 'method', 'steps']);
    try {
      await expectNoLeaks(() => same((o) => fn(model, x, { layer: 'h', target: 1, ...o }), defaults));
    } finally {
      model.dispose();
    }
  });

  it('a declared default differs from another value of the option (the comparison can fail)', async () => {
    const a = await pkg.integratedGradients(f, x, { target: 1, steps: 50 });
    const b = await pkg.integratedGradients(f, x, { target: 1, steps: 2, method: 'riemann_left' });
    try {
      expect(Array.from(a.attributions.dataSync())).not.toEqual(Array.from(b.attributions.dataSync()));
    } finally {
      tf.dispose([a.attributions, b.attributions, a.delta ?? [], b.delta ?? []]);
    }
  });
});

describeBackends('noiseTunnel reads the wrapped explainer\'s metadata', () => {
  it('puts the copies of several rows in one call only for an explainer declared row-wise', async () => {
    const x = tf.tensor2d(uniforms(21, 8), [4, 2]);
    const calls = { declared: 0, plain: 0 };
    const make = (key: 'declared' | 'plain') => async (_f: unknown, xx: Tensor) => {
      calls[key]++;
      return { attributions: tf.clone(xx), method: key };
    };
    const declared = make('declared');
    const info = { ...methodInfoOf(pkg.saliency)!, name: 'copy', optionKeys: ['target', 'batchSize', 'seed', 'signal', 'onProgress'], options: [] };
    const { declareMethod } = await import('@glassbox/tensors-ops');
    declareMethod(declared, info);
    try {
      for (const [fn, key] of [[declared, 'declared'], [make('plain'), 'plain']] as const) {
        const r = await pkg.noiseTunnel(fn, { samples: 2, seed: 1 })((t: Tensor) => t, x, { batchSize: 8 });
        r.attributions.dispose();
        r.delta?.dispose();
        expect(calls[key], key).toBe(key === 'declared' ? 1 : 4);
      }
    } finally {
      x.dispose();
    }
  });
});
