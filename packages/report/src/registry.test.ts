import { describe, expect, it } from 'vitest';
import * as gradient from '@glassbox/explainers-gradient';
import * as perturbation from '@glassbox/explainers-perturbation';
import { methodInfoOf } from '@glassbox/tensors-ops';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { METHODS, methodRegistry, toKebabCase } from './registry.js';
import { METHOD_LABELS } from './methods.js';

describe('the method registry', () => {
  it('holds every explainer the two explainer packages export with metadata, once', () => {
    const declared = [...Object.values(gradient), ...Object.values(perturbation)].filter((v) => methodInfoOf(v) !== undefined);
    expect(new Set(METHODS.map((m) => m.fn))).toEqual(new Set(declared));
    expect(METHODS.length).toBe(declared.length);
  });

  it('finds a method by function name, kebab-case id and alias, and nothing else', async () => {
    expect(methodRegistry.find('integratedGradients')?.fn).toBe(gradient.integratedGradients);
    expect(methodRegistry.find('integrated-gradients')?.fn).toBe(gradient.integratedGradients);
    expect(methodRegistry.find('IG')?.fn).toBe(gradient.integratedGradients);
    expect(methodRegistry.find('kshap')?.fn).toBe(perturbation.kernelShap);
    expect(methodRegistry.find('nope')).toBeUndefined();
    await expectGlassboxError(() => methodRegistry.get('nope'), 'INVALID_ARGUMENT', /unknown method 'nope'/);
  });

  it('names and aliases are unique', () => {
    const names = METHODS.flatMap((m) => [m.id, ...m.info.aliases]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('filters by input kind and by model kind and the subjects a caller can provide', () => {
    const latent = methodRegistry.forInput('latent').map((m) => m.info.name);
    expect(latent).toEqual(['latentAttribution', 'latentJacobian', 'latentTraversal', 'latentSensitivity']);
    const ganWithFunctions = methodRegistry.forModelKind('gan', ['function']).map((m) => m.info.name);
    expect(ganWithFunctions).toContain('saliency');
    expect(ganWithFunctions).not.toContain('gradCam');
    expect(ganWithFunctions).not.toContain('latentTraversal');
    expect(methodRegistry.forModelKind('classifier').map((m) => m.info.name)).not.toContain('latentAttribution');
  });

  it('toKebabCase', () => {
    expect(toKebabCase('integratedGradients')).toBe('integrated-gradients');
    expect(toKebabCase(' XMLParser ')).toBe('xml-parser');
  });

  it('the report labels its methods with the registry label unless a suite names its set-up', () => {
    expect(METHOD_LABELS.integratedGradients).toBe(methodRegistry.info('ig')!.label);
    expect(METHOD_LABELS.saliency).toBe('Saliency |dF/dx|');
  });
});
