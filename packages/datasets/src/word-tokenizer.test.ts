import { describe, expect, it } from 'vitest';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { tokenizerFromJSON } from './tokenizer-from-json.js';
import { WordTokenizer, wordPieces } from './word-tokenizer.js';

const texts = [
  'Free money! Click here for FREE money.',
  'Meeting at noon: the budget, the plan.',
  "The plan is free; don't be late!",
];
// Piece counts by hand: the 3, free 3, money 2, ! 2, . 2, plan 2; every other piece once.

describe('wordPieces', () => {
  it('lower-cases and cuts into letter runs, digit runs and single other characters', () => {
    expect(wordPieces("Don't pay $1,000!!")).toEqual(['don', "'", 't', 'pay', '$', '1', ',', '000', '!', '!']);
    expect(wordPieces('  Café\tNAÏVE\nmp3 ')).toEqual(['café', 'naïve', 'mp', '3']);
    expect(wordPieces('')).toEqual([]);
    expect(wordPieces('a<b>c')).toEqual(['a', '<', 'b', '>', 'c']);
  });
});

describe('WordTokenizer', () => {
  it('keeps pieces seen minCount times, most frequent first, ties in code-unit order', () => {
    const tok = WordTokenizer.fromTexts(texts, { minCount: 2 });
    expect(tok.tokens).toEqual(['[PAD]', '[UNK]', '[CLS]', 'free', 'the', '!', '.', 'money', 'plan']);
    expect([tok.padId, tok.maskId, tok.unknownId, tok.clsId]).toEqual([0, 0, 1, 2]);
    expect(tok.vocabSize).toBe(9);
    const noCls = WordTokenizer.fromTexts(texts, { minCount: 2, cls: false });
    expect(noCls.tokens).toEqual(['[PAD]', '[UNK]', 'free', 'the', '!', '.', 'money', 'plan']);
    expect(noCls.clsId).toBeNull();
    expect(WordTokenizer.fromTexts(texts, { minCount: 2, maxSize: 5 }).tokens).toEqual(['[PAD]', '[UNK]', '[CLS]', 'free', 'the']);
    expect(WordTokenizer.fromTexts(texts, { minCount: 1 }).vocabSize).toBe(3 + 22);
    expect(WordTokenizer.fromTexts(texts).tokens).toEqual(['[PAD]', '[UNK]', '[CLS]', 'free', 'the']); // default minCount 3
  });

  it('encodes [CLS] then one id per piece, unknown pieces as [UNK]', async () => {
    const tok = WordTokenizer.fromTexts(texts, { minCount: 2 });
    expect([...tok.encode('FREE money, the plan!')]).toEqual([2, 3, 7, 1, 4, 8, 5]);
    expect([...tok.encode('FREE money', { cls: false })]).toEqual([3, 7]);
    expect([...tok.encode('')]).toEqual([2]);
    expect(tok.encode('', { cls: false })).toHaveLength(0);
    expect(tok.encodeWithTokens('Money, honey').tokens).toEqual(['[CLS]', 'money', ',', 'honey']);
    expect([...tok.encodeWithTokens('Money, honey').ids]).toEqual([2, 7, 1, 1]);
    await expectGlassboxError(() => tok.encode('money honey', { unknown: 'error' }), 'INVALID_ARGUMENT', /"honey" \(piece 1\)/);
  });

  it('truncates at maxLength by dropping the last pieces', () => {
    const tok = WordTokenizer.fromTexts(texts, { minCount: 2 });
    expect([...tok.encode('free the money plan', { maxLength: 3 })]).toEqual([2, 3, 4]);
    expect([...tok.encode('free the money plan', { maxLength: 1 })]).toEqual([2]);
    expect([...tok.encode('free the money plan', { maxLength: 2, cls: false })]).toEqual([3, 4]);
    expect([...tok.encode('free', { maxLength: 10 })]).toEqual([2, 3]);
  });

  it('round-trips: decode(encode(x)) = x for lower-case pieces with single spaces, encode(decode(ids)) = ids', () => {
    const tok = WordTokenizer.fromTexts(texts, { minCount: 1 });
    for (const x of ['free money !', "don ' t be late", 'the budget , the plan .']) expect(tok.decode(tok.encode(x))).toBe(x);
    expect(tok.decode(tok.encode('Free   MONEY!'))).toBe('free money !');
    const ids = [2, 5, 9, 3, 3, 12];
    expect([...tok.encode(tok.decode(ids))]).toEqual(ids);
    expect(tok.decode([2, 3, 1, 0, 0])).toBe(`${tok.tokens[3]} [UNK]`);
  });

  it('encodeBatch cuts each row at maxLength and pads to the longest with 0', () => {
    const tok = WordTokenizer.fromTexts(texts, { minCount: 2 });
    const b = tok.encodeBatch(['free', 'the plan . money', ''], { maxLength: 4 });
    expect(b.shape).toEqual([3, 4]);
    expect([...b.ids]).toEqual([2, 3, 0, 0, 2, 4, 8, 6, 2, 0, 0, 0]);
    expect([...b.lengths]).toEqual([2, 4, 1]);
  });

  it('saves and loads its vocabulary as plain JSON', () => {
    for (const cls of [true, false]) {
      const tok = WordTokenizer.fromTexts(texts, { minCount: 1, cls });
      const json = JSON.parse(JSON.stringify(tok)) as unknown;
      expect(json).toEqual({ kind: 'word', version: 1, tokens: [...tok.tokens] });
      const back = WordTokenizer.fromJSON(json);
      expect(back.tokens).toEqual(tok.tokens);
      expect(back.clsId).toBe(tok.clsId);
      expect([...back.encode(texts[2]!)]).toEqual([...tok.encode(texts[2]!)]);
      expect(tokenizerFromJSON(json)).toBeInstanceOf(WordTokenizer);
    }
  });

  it('refuses a bad saved vocabulary with BAD_WEIGHTS naming the field', async () => {
    const good = WordTokenizer.fromTexts(texts, { minCount: 2 }).toJSON();
    await expectGlassboxError(() => WordTokenizer.fromJSON({ ...good, kind: 'char' }), 'BAD_WEIGHTS', /json\.kind/);
    await expectGlassboxError(() => WordTokenizer.fromJSON({ ...good, tokens: ['[UNK]', '[PAD]', 'a'] }), 'BAD_WEIGHTS', /json\.tokens\[0\].*\[PAD\]/);
    await expectGlassboxError(() => WordTokenizer.fromJSON({ ...good, tokens: [...good.tokens, 'two words'] }), 'BAD_WEIGHTS', /one lower-case piece/);
    await expectGlassboxError(() => WordTokenizer.fromJSON({ ...good, tokens: [...good.tokens, 'Free'] }), 'BAD_WEIGHTS', /one lower-case piece/);
    await expectGlassboxError(() => WordTokenizer.fromJSON({ ...good, tokens: [...good.tokens, 'free'] }), 'BAD_WEIGHTS', /distinct/);
    await expectGlassboxError(() => WordTokenizer.fromJSON({ ...good, tokens: [...good.tokens, 7] }), 'BAD_WEIGHTS', /json\.tokens\[9\]/);
  });

  it('refuses bad arguments with INVALID_ARGUMENT naming them', async () => {
    const tok = WordTokenizer.fromTexts(texts, { minCount: 2, cls: false });
    await expectGlassboxError(() => WordTokenizer.fromTexts([]), 'INVALID_ARGUMENT', /texts must hold at least one text/);
    await expectGlassboxError(() => WordTokenizer.fromTexts(['a', 3] as unknown as string[]), 'INVALID_ARGUMENT', /texts\[1\]/);
    await expectGlassboxError(() => WordTokenizer.fromTexts(texts, { minCount: 0 }), 'INVALID_ARGUMENT', /options\.minCount/);
    await expectGlassboxError(() => WordTokenizer.fromTexts(texts, { maxSize: 3 }), 'INVALID_ARGUMENT', /options\.maxSize/);
    await expectGlassboxError(() => WordTokenizer.fromTexts(texts, { minCount: 100 }), 'INVALID_ARGUMENT', /occurs options\.minCount \(100\) times/);
    await expectGlassboxError(() => WordTokenizer.fromTexts(texts, { min_count: 2 } as object), 'INVALID_ARGUMENT', /'min_count'.*did you mean 'minCount'/);
    await expectGlassboxError(() => tok.encode(undefined as unknown as string), 'INVALID_ARGUMENT', /text must be a string, got undefined/);
    await expectGlassboxError(() => tok.encode('a', { cls: true }), 'INVALID_ARGUMENT', /options\.cls must be false/);
    await expectGlassboxError(() => tok.encode('a', { maxLength: 0 }), 'INVALID_ARGUMENT', /options\.maxLength/);
    await expectGlassboxError(() => tok.encodeBatch([{}] as unknown as string[], { maxLength: 4 }), 'INVALID_ARGUMENT', /texts\[0\] must be a string/);
    await expectGlassboxError(() => tok.encodeBatch(['a'], undefined as unknown as { maxLength: number }), 'INVALID_ARGUMENT', /options must be an object/);
    await expectGlassboxError(() => tok.encodeBatch(['a'], {} as { maxLength: number }), 'INVALID_ARGUMENT', /options\.maxLength/);
    await expectGlassboxError(() => tok.decode([8]), 'INVALID_ARGUMENT', /ids\[0\] must be an integer id in 0\.\.7/);
    await expectGlassboxError(() => wordPieces(null as unknown as string), 'INVALID_ARGUMENT', /text must be a string/);
    await expectGlassboxError(() => new WordTokenizer(['a', 'a']), 'INVALID_ARGUMENT', /distinct/);
  });
});
