import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTEGRATION_METHODS, NOISE_VARIANTS, initBackend, sequential, tf, type Attribution, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends } from '@glassbox/tensors-ops/testing';
import { gradientShap, integratedGradients, latentAttribution, latentJacobian, noiseTunnel, saliency } from '@glassbox/explainers-gradient';
import { kernelShap, latentSensitivity, latentTraversal, lime, occlusion, segmentsToFeatureMask, slic } from '@glassbox/explainers-perturbation';
import { CliError } from './errors.js';
import { METHODS, NOISE, RULES, checkMethodApplies, methodsFor, resolveMethod, toKebabCase, type MethodSettings, type Subject } from './methods.js';

describe('the method registry', () => {
  it('names every method by the kebab-case of its function, with unique names and aliases', () => {
    const seen = new Set<string>();
    for (const m of METHODS) {
      expect(m.name).toBe(toKebabCase(m.fn));
      for (const n of [m.name, ...m.aliases]) {
        expect(seen.has(n), n).toBe(false);
        seen.add(n);
      }
    }
    expect(METHODS.map((m) => m.name)).toEqual(expect.arrayContaining(['saliency', 'integrated-gradients', 'noise-tunnel', 'occlusion', 'kernel-shap', 'lime']));
  });

  it('resolves names, aliases and function names', () => {
    expect(resolveMethod('ig').name).toBe('integrated-gradients');
    expect(resolveMethod('integratedGradients').name).toBe('integrated-gradients');
    expect(resolveMethod('Integrated-Gradients').name).toBe('integrated-gradients');
    expect(resolveMethod('smoothgrad').name).toBe('noise-tunnel');
    expect(resolveMethod('shap').name).toBe('kernel-shap');
  });

  it('lists the known methods when a name is unknown', () => {
    try {
      resolveMethod('magic');
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).exitCode).toBe(2);
      expect((e as Error).message).toMatch(/unknown method 'magic': expected one of saliency, .*lime/);
    }
  });

  it('knows which kinds each method applies to', () => {
    // Every pixel method applies to a classifier; the latent methods need a decoder (ae, vae, gan).
    expect(methodsFor('classifier').length).toBe(METHODS.filter((m) => m.output === 'pixels').length);
    const latent = METHODS.filter((m) => m.output !== 'pixels').map((m) => m.name);
    expect(latent).toEqual(['latent-attribution', 'latent-jacobian', 'latent-traversal', 'latent-sensitivity']);
    for (const kind of ['ae', 'vae', 'gan'] as const) expect(methodsFor(kind).map((m) => m.name)).toEqual(expect.arrayContaining(latent));
    expect(() => checkMethodApplies(resolveMethod('latent-traversal'), 'classifier')).toThrow(/does not apply to a classifier model/);
    expect(methodsFor('gan').map((m) => m.name)).not.toContain('grad-cam');
    expect(() => checkMethodApplies(resolveMethod('grad-cam'), 'ae')).toThrow(/does not apply to an ae model; use one of saliency/);
    expect(() => checkMethodApplies(resolveMethod('deep-lift'), 'cyclegan')).toThrow(/does not apply to a cyclegan model/);
  });
});

describe('every method runs on a small model', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('returns finite attributions of the input shape and leaks no tensor', async () => {
    const net = sequential(
      [
        { type: 'conv2d', name: 'conv1', filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'flatten', name: 'flat' },
        { type: 'dense', name: 'logits', units: 3 },
      ],
      [8, 8, 1],
      { seed: 1 },
    );
    const subject: Subject = {
      kind: 'classifier',
      f: (x) => net.predict(x),
      layered: net,
      cam: { model: net, layer: 'conv1' },
      rowShape: [8, 8, 1],
      imageShape: [8, 8],
      image: Float32Array.from({ length: 64 }, (_, i) => i / 64),
    };
    const x = tf.tidy(() => tf.div(tf.reshape(tf.range(0, 64), [1, 8, 8, 1]), 64));
    const before = tf.memory().numTensors;
    for (const m of METHODS.filter((e) => e.output === 'pixels')) {
      let calls = 0;
      const { attribution, options } = await m.run(subject, x, {
        target: 1,
        seed: 3,
        steps: 8,
        samples: 16,
        cells: 2,
        window: 2,
        onProgress: () => void calls++,
      });
      expect(attribution.attributions.shape, m.name).toEqual([1, 8, 8, 1]);
      const values = Array.from(attribution.attributions.dataSync());
      expect(values.every(Number.isFinite), m.name).toBe(true);
      expect(typeof options).toBe('object');
      tf.dispose([attribution.attributions, ...(attribution.delta ? [attribution.delta] : [])]);
      expect(tf.memory().numTensors, m.name).toBe(before);
    }
    x.dispose();
    net.dispose();
  });
});

/** The explained network, a decoder for the latent methods, and the tensors both need. */
function fixtures() {
  const net = sequential(
    [
      { type: 'conv2d', name: 'conv1', filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' },
      { type: 'flatten', name: 'flat' },
      { type: 'dense', name: 'logits', units: 3 },
    ],
    [8, 8, 1],
    { seed: 5 },
  );
  const decoderNet = sequential(
    [
      { type: 'dense', name: 'hidden', units: 16, activation: 'tanh' },
      { type: 'dense', name: 'pixels', units: 64, activation: 'sigmoid' },
      { type: 'reshape', name: 'image', shape: [8, 8, 1] },
    ],
    [3],
    { seed: 6 },
  );
  // A digit-like picture: a bright bar on a dark ground (SLIC finds edges in it).
  const image = Float32Array.from({ length: 64 }, (_, i) => ((i % 8) >= 3 && (i % 8) <= 4 ? 0.9 : 0.1 + (i % 5) / 50));
  const mask = new Float32Array(64);
  for (let r = 2; r < 6; r++) mask.fill(1, r * 8 + 2, r * 8 + 6);
  const x = tf.tensor(image, [1, 8, 8, 1]);
  const z = tf.tensor2d([[0.3, -0.7, 1.1]]);
  const decoder = (t: Tensor) => decoderNet.predict(t);
  const subject: Subject = {
    kind: 'classifier',
    f: (t: Tensor) => net.predict(t),
    rowShape: [8, 8, 1],
    imageShape: [8, 8],
    image,
    latent: { decoder, z, mask },
  };
  return { net, decoderNet, decoder, subject, x, z, mask, image, dispose: () => (tf.dispose([x, z]), net.dispose(), decoderNet.dispose()) };
}

async function valuesOf(r: { attribution: Attribution } | Attribution | Tensor): Promise<{ shape: number[]; values: number[] }> {
  const t = 'attribution' in r ? r.attribution.attributions : 'attributions' in r ? r.attributions : r;
  const out = { shape: t.shape.slice(), values: Array.from(await t.data()) };
  if ('attribution' in r) tf.dispose([r.attribution.attributions, ...(r.attribution.delta ? [r.attribution.delta] : [])]);
  else if ('attributions' in r) tf.dispose([r.attributions, ...(r.delta ? [r.delta] : [])]);
  else r.dispose();
  return out;
}

describe('the option lists', () => {
  it("--rule and --noise offer exactly tensors-ops' integration methods and noise variants", () => {
    expect([...RULES]).toEqual([...INTEGRATION_METHODS]);
    expect([...NOISE]).toEqual([...NOISE_VARIANTS]);
  });
});

describeBackends('each CLI option reaches the explainer: same numbers as a direct library call', () => {
  let fx: ReturnType<typeof fixtures>;
  beforeAll(() => {
    fx = fixtures();
  });
  afterAll(() => fx.dispose());

  const run = async (name: string, settings: Partial<MethodSettings>) => {
    const before = tf.memory().numTensors;
    const out = await valuesOf(await resolveMethod(name).run(fx.subject, fx.x, { seed: 3, target: 1, ...settings }));
    expect(tf.memory().numTensors, `${name} leaked`).toBe(before);
    return out;
  };

  it('--rule: integrated gradients with riemann_left equals integratedGradients(method: riemann_left), unlike the default', async () => {
    const left = await run('ig', { steps: 8, rule: 'riemann_left' });
    const direct = await valuesOf(await integratedGradients(fx.subject.f, fx.x, { target: 1, steps: 8, method: 'riemann_left' }));
    expect(left).toEqual(direct);
    const gauss = await run('ig', { steps: 8 });
    expect(gauss).toEqual(await valuesOf(await integratedGradients(fx.subject.f, fx.x, { target: 1, steps: 8, method: 'gausslegendre' })));
    expect(left.values).not.toEqual(gauss.values);
  });

  it('--baseline: a number and an image reach integrated gradients, occlusion and gradient-shap', async () => {
    const ig = await run('ig', { steps: 8, baseline: { value: 0.5, label: 0.5 } });
    expect(ig).toEqual(await valuesOf(await integratedGradients(fx.subject.f, fx.x, { target: 1, steps: 8, baseline: 0.5 })));
    expect(ig.values).not.toEqual((await run('ig', { steps: 8 })).values);
    const image = tf.fill([1, 8, 8, 1], 0.25);
    try {
      const igImage = await run('ig', { steps: 8, baseline: { value: image, label: 'grey.png' } });
      expect(igImage).toEqual(await valuesOf(await integratedGradients(fx.subject.f, fx.x, { target: 1, steps: 8, baseline: image })));
    } finally {
      image.dispose();
    }
    const occ = await run('occlusion', { window: 2, stride: 1, baseline: { value: 1, label: 1 } });
    expect(occ).toEqual(await valuesOf(await occlusion(fx.subject.f, fx.x, { target: 1, window: [2, 2, 1], strides: [1, 1, 1], baseline: 1 })));
    const gs = await run('gradient-shap', { samples: 4, stdev: 0.3, baseline: { value: 0.2, label: 0.2 } });
    expect(gs).toEqual(await valuesOf(await gradientShap(fx.subject.f, fx.x, { target: 1, samples: 4, stdev: 0.3, baseline: 0.2, seed: 3 })));
  });

  it('--noise and --stdev reach the noise tunnel', async () => {
    const vargrad = await run('noise-tunnel', { samples: 4, noise: 'vargrad', stdev: 0.3 });
    const direct = noiseTunnel(saliency, { samples: 4, stdev: 0.3, variant: 'vargrad', seed: 3 });
    expect(vargrad).toEqual(await valuesOf(await direct(fx.subject.f, fx.x, { target: 1, seed: 3 })));
    const smooth = await run('noise-tunnel', { samples: 4, stdev: 0.3 });
    expect(smooth).toEqual(await valuesOf(await noiseTunnel(saliency, { samples: 4, stdev: 0.3, variant: 'smoothgrad', seed: 3 })(fx.subject.f, fx.x, { target: 1, seed: 3 })));
    expect(vargrad.values).not.toEqual(smooth.values);
  });

  it("--segments slic: LIME equals lime's own SLIC segmentation; KernelSHAP uses the same superpixels", async () => {
    const limeSlic = await run('lime', { samples: 16, segments: { kind: 'slic', count: 6 } });
    expect(limeSlic).toEqual(await valuesOf(await lime(fx.subject.f, fx.x, { target: 1, samples: 16, seed: 3, segmentation: { kind: 'slic', segments: 6 } })));
    expect(limeSlic.values).not.toEqual((await run('lime', { samples: 16, cells: 2 })).values);
    const featureMask = segmentsToFeatureMask(slic(fx.image, [8, 8], { segments: 6 }), [8, 8, 1]);
    const ks = await run('kernel-shap', { samples: 16, segments: { kind: 'slic', count: 6 } });
    expect(ks).toEqual(await valuesOf(await kernelShap(fx.subject.f, fx.x, { target: 1, samples: 16, seed: 3, featureMask })));
    await expect(run('exact-shapley', { segments: { kind: 'slic', count: 40 } })).rejects.toThrow(/made \d+ superpixels; this method takes at most 16/);
  });

  it('latent-sensitivity records the step it passes (epsilon = 1) and scores mean |decoder(z + e_k) - decoder(z)| per dimension', async () => {
    const before = tf.memory().numTensors;
    const r = await resolveMethod('latent-sensitivity').run(fx.subject, fx.x, { seed: 3 });
    expect(r.options).toEqual({ epsilon: 1 });
    const scores = Array.from(await r.attribution.attributions.data());
    r.attribution.attributions.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Brute force, one decoder call per moved dimension.
    const baseT = fx.decoder(fx.z);
    const base = Array.from(await baseT.data());
    baseT.dispose();
    const z = Array.from(await fx.z.data());
    for (let k = 0; k < z.length; k++) {
      const moved = tf.tidy(() => fx.decoder(tf.tensor2d([z.map((v, j) => (j === k ? v + 1 : v))])));
      const out = Array.from(await moved.data());
      moved.dispose();
      expect(scores[k]).toBeCloseTo(out.reduce((a, v, p) => a + Math.abs(v - base[p]!), 0) / out.length, 5);
    }
    expect(r.extra).toEqual({ order: [0, 1, 2].sort((a, b) => scores[b]! - scores[a]! || a - b) });
  });

  it('the latent methods call the library on the decoder and the code (--rule, --baseline, --dims)', async () => {
    const la = await run('latent-attribution', { steps: 8, rule: 'riemann_middle', baseline: { value: 0.5, label: 0.5 } });
    expect(la.shape).toEqual([1, 3]);
    expect(la).toEqual(await valuesOf(await latentAttribution(fx.decoder, fx.z, fx.mask, { steps: 8, method: 'riemann_middle', baseline: 0.5, reduce: 'mean' })));
    const tr = await run('latent-traversal', { dims: [2, 0] });
    expect(tr).toEqual(await valuesOf(await latentTraversal(fx.decoder, fx.z, { dims: [2, 0], values: [-3, -2, -1, 0, 1, 2, 3] })));
    expect(tr.shape).toEqual([2, 7, 8, 8, 1]);
    expect(await run('latent-jacobian', {})).toEqual(await valuesOf(await latentJacobian(fx.decoder, fx.z)));
    const sens = await run('latent-sensitivity', {});
    expect(sens.values).toEqual(Array.from(Float32Array.from((await latentSensitivity(fx.decoder, fx.z, { delta: 1 })).scores)));
    await expect(run('latent-attribution', { baseline: { value: fx.x, label: 'x.png' } })).rejects.toThrow(/--baseline for latent-attribution is a latent value/);
  });
});
