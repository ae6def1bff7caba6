import { expect, it } from 'vitest';
import { methodRegistry } from '@glassbox/report';
import { METHODS, cliTakes, methodsWithoutRunner } from './methods.js';

it('offers every method of the registry that explains each input, by its registry id, aliases and summary', () => {
  expect(methodsWithoutRunner()).toEqual([]);
  const expected = methodRegistry.all.filter((m) => cliTakes(m.info));
  expect(METHODS.map((m) => m.name)).toEqual(expected.map((m) => m.id));
  for (const m of METHODS) {
    const info = methodRegistry.get(m.fn).info;
    expect(m.aliases).toEqual(info.aliases);
    expect(m.summary).toBe(info.summary);
  }
  // The methods that explain a batch as a whole are not --method choices.
  expect(METHODS.map((m) => m.fn)).not.toContain('featurePermutation');
  expect(METHODS.map((m) => m.fn)).not.toContain('surrogate');
});
