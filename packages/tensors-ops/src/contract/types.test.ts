import { expect, it } from 'vitest';
import { EXPLAIN_KEYS, EXPLAIN_KEYS_WITHOUT_BASELINE, explainKeysWithout } from './types.js';
import { optionKeys } from './option-keys.js';

// The contract's option names as DESIGN.md lists them, in their order.
const CONTRACT = ['target', 'baseline', 'batchSize', 'seed', 'onProgress', 'signal'];

it('explainKeysWithout leaves out the named keys and keeps the order of the rest', () => {
  expect(Object.keys(explainKeysWithout())).toEqual(CONTRACT);
  expect(Object.keys(explainKeysWithout('baseline', 'seed'))).toEqual(['target', 'batchSize', 'onProgress', 'signal']);
  expect(Object.keys(explainKeysWithout('target', 'baseline', 'seed'))).toEqual(['batchSize', 'onProgress', 'signal']);
  expect(explainKeysWithout('baseline')).toEqual(EXPLAIN_KEYS_WITHOUT_BASELINE);
  // A method's key list: the shared keys it takes, then its own.
  expect(optionKeys<{ target?: number; batchSize?: number; onProgress?: () => void; signal?: AbortSignal; layer?: string }>({ ...explainKeysWithout('baseline', 'seed'), layer: true })).toEqual([
    'target',
    'batchSize',
    'onProgress',
    'signal',
    'layer',
  ]);
  // The shared constant is not changed.
  expect(Object.keys(EXPLAIN_KEYS)).toEqual(CONTRACT);
  expect(Object.isFrozen(explainKeysWithout('seed'))).toBe(true);
});
