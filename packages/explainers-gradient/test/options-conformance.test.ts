/**
 * Options are checked by name (issue 17): every exported function that takes options refuses a misspelt key
 * with INVALID_ARGUMENT naming it and the intended key, methods without a baseline refuse one, wrappers check
 * what they pass on against the wrapped explainer's keys, and each explainer carries its keys for a registry.
 */
import { beforeAll, afterAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { optionKeysOf, tf } from '@glassbox/tensors-ops';
import type { ForwardFn } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectOptionTypoRefused } from '@glassbox/tensors-ops/testing';
import * as pkg from '../src/index.js';
import { smoothMlp, uniforms } from '../src/testing-internal/models.js';
import { fixedAttentionModel } from '../src/testing-internal/attention-models.js';

type Options = Record<string, unknown>;
interface Case {
  label: string;
  typo: string;
  meant: string;
  run: (options: Options) => unknown;
}

let g: ForwardFn;
let x: Tensor;
let z: Tensor;
const layered = (f: ForwardFn) => ({
  layers: [{ activation: null }],
  applyLayer: (_: number, t: Tensor) => f(t),
  applyLayerLinear: (_: number, t: Tensor) => f(t),
});
const split = (f: ForwardFn) => ({ features: (t: Tensor) => tf.relu(t), head: f });
const decoder = (t: Tensor) => tf.tile(t, [1, 2]);
let ids: Tensor;
const attentive = fixedAttentionModel([[[[1, 0], [0.5, 0.5]]]], [[[[[1, 2], [3, 4]]]]]);

const TABLE: Record<string, Case[]> = {
  saliency: [{ label: 'saliency', typo: 'Abs', meant: 'abs', run: (o) => pkg.saliency(g, x, o) }],
  inputXGradient: [{ label: 'inputXGradient', typo: 'targt', meant: 'target', run: (o) => pkg.inputXGradient(g, x, o) }],
  // The typos of the issue, on the function it names.
  integratedGradients: [
    { label: 'integratedGradients', typo: 'stpes', meant: 'steps', run: (o) => pkg.integratedGradients(g, x, o) },
    { label: 'integratedGradients', typo: 'batchsize', meant: 'batchSize', run: (o) => pkg.integratedGradients(g, x, o) },
    { label: 'integratedGradients', typo: 'sed', meant: 'seed', run: (o) => pkg.integratedGradients(g, x, o) },
    { label: 'integratedGradients', typo: 'baselines', meant: 'baseline', run: (o) => pkg.integratedGradients(g, x, o) },
  ],
  gradientShap: [{ label: 'gradientShap', typo: 'sample', meant: 'samples', run: (o) => pkg.gradientShap(g, x, o) }],
  deepLift: [{ label: 'deepLift', typo: 'esp', meant: 'eps', run: (o) => pkg.deepLift(layered(g), x, o) }],
  gradCam: [{ label: 'gradCam', typo: 'layr', meant: 'layer', run: (o) => pkg.gradCam(split(g), x, o) }],
  guidedGradCam: [{ label: 'guidedGradCam', typo: 'layers', meant: 'layer', run: (o) => pkg.guidedGradCam(split(g), x, o) }],
  guidedBackprop: [{ label: 'guidedBackprop', typo: 'targets', meant: 'target', run: (o) => pkg.guidedBackprop(g, x, o) }],
  latentAttribution: [
    { label: 'latentAttribution', typo: 'reduc', meant: 'reduce', run: (o) => pkg.latentAttribution(decoder, z, [1, 1, 0, 0], o) },
    { label: 'latentAttribution (mask as an option)', typo: 'mak', meant: 'mask', run: (o) => pkg.latentAttribution(decoder, z, { mask: [1, 1, 0, 0], ...o }) },
  ],
  layerIntegratedGradients: [{ label: 'layerIntegratedGradients', typo: 'layr', meant: 'layer', run: (o) => pkg.layerIntegratedGradients(split(g), x, o) }],
  layerConductance: [{ label: 'layerConductance', typo: 'stpes', meant: 'steps', run: (o) => pkg.layerConductance(split(g), x, o) }],
  layerActivation: [{ label: 'layerActivation', typo: 'attributeToLayerInputs', meant: 'attributeToLayerInput', run: (o) => pkg.layerActivation(split(g), x, o) }],
  latentJacobian: [{ label: 'latentJacobian', typo: 'batchsize', meant: 'batchSize', run: (o) => pkg.latentJacobian(decoder, z, o) }],
  attentionRollout: [{ label: 'attentionRollout', typo: 'residualweight', meant: 'residualWeight', run: (o) => pkg.attentionRollout(attentive, ids, o) }],
  gradientWeightedAttention: [{ label: 'gradientWeightedAttention', typo: 'postion', meant: 'position', run: (o) => pkg.gradientWeightedAttention(attentive, ids, o) }],
  // Its keys are checked before its arguments.
  explainGeneration: [{ label: 'explainGeneration', typo: 'promtLength', meant: 'promptLength', run: (o) => pkg.explainGeneration(null as never, x, { promptLength: 1, ...o }) }],
  noiseTunnel: [
    { label: 'noiseTunnel (its config)', typo: 'stdv', meant: 'stdev', run: (o) => pkg.noiseTunnel(pkg.saliency, o) },
    { label: 'noiseTunnel(integratedGradients) (a call)', typo: 'stpes', meant: 'steps', run: (o) => pkg.noiseTunnel(pkg.integratedGradients, { samples: 2 })(g, x, o) },
    { label: 'noiseTunnel(saliency) (a call)', typo: 'sede', meant: 'seed', run: (o) => pkg.noiseTunnel(pkg.saliency, { samples: 2 })(g, x, o) },
  ],
};

/** Exports that take no options object. */
const WITHOUT_OPTIONS = new Set(['gaussLegendre', 'integrationRule', 'outputRegion', 'attentionMaps', 'contrastTokenModel']);

/** Each explainer's keys as its doc comment lists them (the registry metadata read by wrappers). */
const COMMON = ['target', 'batchSize', 'seed', 'onProgress', 'signal'];
const DECLARED: Array<[string, unknown, readonly string[], string[]]> = [
  ['saliency', pkg.saliency, pkg.SALIENCY_OPTION_KEYS, [...COMMON, 'pool', 'abs', 'tokenReduction']],
  ['inputXGradient', pkg.inputXGradient, pkg.INPUT_X_GRADIENT_OPTION_KEYS, [...COMMON, 'pool', 'tokenReduction']],
  ['integratedGradients', pkg.integratedGradients, pkg.INTEGRATED_GRADIENTS_OPTION_KEYS, [...COMMON, 'baseline', 'pool', 'steps', 'method', 'tokenReduction']],
  ['gradientShap', pkg.gradientShap, pkg.GRADIENT_SHAP_OPTION_KEYS, [...COMMON, 'baseline', 'pool', 'samples', 'stdev', 'tokenReduction']],
  ['deepLift', pkg.deepLift, pkg.DEEP_LIFT_OPTION_KEYS, [...COMMON, 'baseline', 'eps']],
  ['gradCam', pkg.gradCam, pkg.GRAD_CAM_OPTION_KEYS, ['target', 'batchSize', 'onProgress', 'signal', 'layer']],
  ['guidedGradCam', pkg.guidedGradCam, pkg.GRAD_CAM_OPTION_KEYS, ['target', 'batchSize', 'onProgress', 'signal', 'layer']],
  ['guidedBackprop', pkg.guidedBackprop, pkg.GUIDED_BACKPROP_OPTION_KEYS, [...COMMON, 'pool']],
  ['latentAttribution', pkg.latentAttribution, pkg.LATENT_ATTRIBUTION_OPTION_KEYS, ['mask', 'baseline', 'batchSize', 'seed', 'onProgress', 'signal', 'pool', 'steps', 'method', 'reduce']],
  ['layerIntegratedGradients', pkg.layerIntegratedGradients, pkg.LAYER_INTEGRATED_GRADIENTS_OPTION_KEYS, ['target', 'baseline', 'batchSize', 'onProgress', 'signal', 'layer', 'steps', 'method', 'attributeToLayerInput']],
  ['layerConductance', pkg.layerConductance, pkg.LAYER_CONDUCTANCE_OPTION_KEYS, ['target', 'baseline', 'batchSize', 'onProgress', 'signal', 'layer', 'steps', 'method', 'attributeToLayerInput']],
  ['layerActivation', pkg.layerActivation, pkg.LAYER_ACTIVATION_OPTION_KEYS, ['layer', 'attributeToLayerInput', 'batchSize', 'onProgress', 'signal']],
  ['latentJacobian', pkg.latentJacobian, pkg.LATENT_JACOBIAN_OPTION_KEYS, ['batchSize', 'onProgress', 'signal']],
  ['attentionRollout', pkg.attentionRollout, pkg.ATTENTION_ROLLOUT_OPTION_KEYS, ['batchSize', 'onProgress', 'signal', 'headFusion', 'residualWeight', 'position', 'returnRollout']],
  ['gradientWeightedAttention', pkg.gradientWeightedAttention, pkg.GRADIENT_WEIGHTED_ATTENTION_OPTION_KEYS, ['target', 'batchSize', 'onProgress', 'signal', 'position', 'returnRollout']],
  ['explainGeneration', pkg.explainGeneration, pkg.EXPLAIN_GENERATION_OPTION_KEYS, ['promptLength', 'explainer', 'explainerOptions', 'target', 'onProgress', 'signal']],
];

it('every exported function is classified: in the table of misspelt keys, or taking no options object', () => {
  const functions = Object.entries(pkg).filter(([, v]) => typeof v === 'function').map(([k]) => k);
  expect(functions.filter((name) => !(name in TABLE) && !WITHOUT_OPTIONS.has(name))).toEqual([]);
  expect([...Object.keys(TABLE), ...WITHOUT_OPTIONS].filter((name) => !functions.includes(name))).toEqual([]);
});

it('each explainer declares its option keys on itself, the same as its exported list and its documentation', () => {
  for (const [name, fn, exported, documented] of DECLARED) {
    expect(optionKeysOf(fn), name).toEqual(exported);
    expect([...exported].sort(), name).toEqual([...documented].sort());
  }
  // A tunnel takes what its explainer takes; a tunnel around a user's function declares nothing.
  const tunnel = pkg.noiseTunnel(pkg.integratedGradients);
  expect([...optionKeysOf(tunnel)!].sort()).toEqual([...pkg.INTEGRATED_GRADIENTS_OPTION_KEYS].sort());
  expect(optionKeysOf(pkg.noiseTunnel(async () => ({ attributions: tf.scalar(0), method: 'mine' })))).toBeUndefined();
});

describeBackends('options checked by name', () => {
  beforeAll(() => {
    g = smoothMlp(4, 3, 6, 77);
    x = tf.tensor(uniforms(1, 2 * 4, -1, 1), [2, 2, 2, 1]);
    z = tf.tensor2d([0.5, -1, 2, 0.25], [2, 2]);
    ids = tf.tensor2d([[1, 2]], [1, 2], 'int32');
  });
  afterAll(() => tf.dispose([x, z, ids]));

  for (const cases of Object.values(TABLE)) {
    for (const c of cases) {
      it(`${c.label} refuses '${c.typo}' and suggests '${c.meant}'`, async () => {
        await expectOptionTypoRefused(c.run, c.typo, c.meant);
      });
    }
  }

  it('methods without a baseline refuse one (item 6: they used to accept baseline "zero" and ignore it)', async () => {
    const noBaseline: Array<[string, (o: Options) => unknown]> = [
      ['saliency', (o) => pkg.saliency(g, x, o)],
      ['inputXGradient', (o) => pkg.inputXGradient(g, x, o)],
      ['guidedBackprop', (o) => pkg.guidedBackprop(g, x, o)],
      ['gradCam', (o) => pkg.gradCam(split(g), x, o)],
      ['guidedGradCam', (o) => pkg.guidedGradCam(split(g), x, o)],
      ['noiseTunnel(saliency)', (o) => pkg.noiseTunnel(pkg.saliency, { samples: 2 })(g, x, o)],
    ];
    for (const [name, run] of noBaseline) {
      const e = await expectGlassboxError(() => run({ target: 0, baseline: 'zero' }), 'INVALID_ARGUMENT', /unknown key 'baseline'/);
      expect(e.message, name).toMatch(/valid keys: /);
      expect(e.message, name).not.toMatch(/'baseline',|'baseline'$/);
    }
    // A CAM method is deterministic and takes no seed either; latentAttribution has no target.
    await expectGlassboxError(() => pkg.gradCam(split(g), x, { seed: 1 } as never), 'INVALID_ARGUMENT', /unknown key 'seed'/);
    await expectGlassboxError(() => pkg.latentAttribution(decoder, z, [1, 1, 0, 0], { target: 0 } as never), 'INVALID_ARGUMENT', /unknown key 'target'/);
  });

  it('the noise tunnel passes its seed on only to an explainer that takes one, and still checks every key', async () => {
    // gradCam takes no seed: the tunnel uses it for the noise and does not pass it on.
    const a = await pkg.noiseTunnel(pkg.gradCam, { samples: 2 })(split(g), x, { target: 1, seed: 3 });
    const b = await pkg.noiseTunnel(pkg.gradCam, { samples: 2, seed: 3 })(split(g), x, { target: 1 });
    expect(Array.from(a.attributions.dataSync())).toEqual(Array.from(b.attributions.dataSync()));
    tf.dispose([a.attributions, b.attributions]);
    await expectOptionTypoRefused((o) => pkg.noiseTunnel(pkg.gradCam, { samples: 2 })(split(g), x, o), 'layre', 'layer', { target: 1 });
  });
});
