import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, sequential, tf } from '@glassbox/tensors-ops';
import { CliError } from './errors.js';
import { METHODS, checkMethodApplies, methodsFor, resolveMethod, toKebabCase, type Subject } from './methods.js';

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
    expect(methodsFor('classifier').length).toBe(METHODS.length);
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
    };
    const x = tf.tidy(() => tf.div(tf.reshape(tf.range(0, 64), [1, 8, 8, 1]), 64));
    const before = tf.memory().numTensors;
    for (const m of METHODS) {
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
