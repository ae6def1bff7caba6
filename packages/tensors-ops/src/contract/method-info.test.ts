import { describe as suite, expect, it } from 'vitest';
import { isGlassboxError } from '../errors.js';
import { declareMethod, methodInfoOf, optionDefault, type MethodInfoInput } from './method-info.js';
import { optionKeysOf } from './option-keys.js';

const INFO: MethodInfoInput = {
  name: 'myMethod',
  label: 'My method',
  summary: 'a test method',
  family: 'gradient',
  inputs: ['image'],
  modelKinds: ['classifier'],
  subject: 'function',
  output: 'attribution',
  rowwise: true,
  signed: true,
  options: [{ key: 'steps', type: 'integer', default: 50, min: 1, summary: 'points on the path' }],
  optionKeys: ['target', 'steps'],
};

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(isGlassboxError(e)).toBe(true);
    return e as { code: string; message: string };
  }
  throw new Error('expected a GlassboxError');
}

suite('declareMethod / methodInfoOf', () => {
  it('records the info and the option keys on the function, with the usually-false flags filled in', () => {
    const fn = declareMethod(async () => 0, INFO);
    const info = methodInfoOf(fn)!;
    expect(info.name).toBe('myMethod');
    expect(info.aliases).toEqual([]);
    expect([info.batch, info.gradientLike, info.complete, info.wrapper, info.baseline]).toEqual([false, false, false, false, 'none']);
    expect(optionKeysOf(fn)).toEqual(['target', 'steps']);
    expect(Object.isFrozen(info) && Object.isFrozen(info.options) && Object.isFrozen(info.options[0])).toBe(true);
  });

  it('is invisible to enumeration and absent on functions that declared nothing', () => {
    const fn = declareMethod(async () => 0, INFO);
    expect(Object.keys(fn)).toEqual([]);
    expect(methodInfoOf(async () => 0)).toBeUndefined();
    expect(methodInfoOf({ name: 'x' })).toBeUndefined();
    expect(methodInfoOf(undefined)).toBeUndefined();
  });

  it('refuses an option that is not among the option keys, and a missing name', () => {
    const e = errorOf(() => declareMethod(async () => 0, { ...INFO, options: [{ key: 'stpes', type: 'integer', summary: '' }] }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain("option 'stpes' of myMethod");
    expect(errorOf(() => declareMethod(async () => 0, { ...INFO, name: '' })).code).toBe('INVALID_ARGUMENT');
  });

  it('optionDefault reads a declared default and refuses an undeclared one', () => {
    const info = methodInfoOf(declareMethod(async () => 0, INFO))!;
    expect(optionDefault<number>(info, 'steps')).toBe(50);
    expect(errorOf(() => optionDefault(info, 'target')).message).toContain("no default for option 'target'");
  });
});
