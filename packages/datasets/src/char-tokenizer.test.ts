import { describe, expect, it } from 'vitest';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { CharTokenizer, UNKNOWN_CHAR } from './char-tokenizer.js';
import { tokenizerFromJSON } from './tokenizer-from-json.js';

const tok = CharTokenizer.fromTexts(['bob', 'ann', 'zoë']);

describe('CharTokenizer', () => {
  it('numbers the specials 0-3, then the characters in code-point order', () => {
    expect(tok.tokens).toEqual(['[PAD]', '[START]', '[END]', '[UNK]', 'a', 'b', 'n', 'o', 'z', 'ë']);
    expect(tok.vocabSize).toBe(10);
    expect([tok.padId, tok.maskId, tok.startId, tok.endId, tok.unknownId]).toEqual([0, 0, 1, 2, 3]);
    expect(tok.idOf('n')).toBe(6);
    expect(tok.idOf('[END]')).toBe(2);
    expect(tok.idOf('q')).toBeUndefined();
  });

  it('encodes start, one id per character, end', () => {
    expect([...tok.encode('nab')]).toEqual([1, 6, 4, 5, 2]);
    expect([...tok.encode('nab', { start: false })]).toEqual([6, 4, 5, 2]);
    expect([...tok.encode('nab', { end: false })]).toEqual([1, 6, 4, 5]);
    expect([...tok.encode('')]).toEqual([1, 2]);
    expect([...tok.encode('', { end: false })]).toEqual([1]);
    expect(tok.encode('ab')).toBeInstanceOf(Int32Array);
  });

  it('round-trips text made of vocabulary characters, including a non-ASCII one', () => {
    for (const s of ['', 'a', 'zoë', 'bannob', 'ëëë']) expect(tok.decode(tok.encode(s))).toBe(s);
  });

  it('maps characters outside the vocabulary to the unknown id, or refuses them when asked', async () => {
    expect([...tok.encode('aqa')]).toEqual([1, 4, 3, 4, 2]);
    expect([...tok.encode('A')]).toEqual([1, 3, 2]); // case-sensitive: 'A' was never seen
    expect(tok.decode(tok.encode('aqa'))).toBe(`a${UNKNOWN_CHAR}a`);
    const w = tok.encodeWithTokens('aqa');
    expect(w.tokens).toEqual(['[START]', 'a', 'q', 'a', '[END]']);
    await expectGlassboxError(() => tok.encode('aqa', { unknown: 'error' }), 'INVALID_ARGUMENT', /text.*"q" at character 1/);
  });

  it('treats a character outside the BMP as one token', () => {
    const t = CharTokenizer.fromTexts(['a😀']);
    expect(t.tokens.slice(4)).toEqual(['a', '😀']);
    expect([...t.encode('😀a')]).toEqual([1, 5, 4, 2]);
    expect(t.decode(t.encode('😀a😀'))).toBe('😀a😀');
  });

  it('decode skips pad and start and stops at the first end', () => {
    expect(tok.decode([1, 4, 0, 5, 2, 6, 6])).toBe('ab');
    expect(tok.decode(new Int32Array([0, 0]))).toBe('');
    expect(tok.decode([4, 1, 5])).toBe('ab');
  });

  it('encodeBatch pads to the longest row (or cuts at length) with the pad id', () => {
    const b = tok.encodeBatch(['ab', 'bobo', '']);
    expect(b.shape).toEqual([3, 6]);
    expect([...b.lengths]).toEqual([4, 6, 2]);
    expect([...b.ids]).toEqual([1, 4, 5, 2, 0, 0, 1, 5, 7, 5, 7, 2, 1, 2, 0, 0, 0, 0]);
    const cut = tok.encodeBatch(['ab', 'bobo'], { length: 3, end: false });
    expect(cut.shape).toEqual([2, 3]);
    expect([...cut.ids]).toEqual([1, 4, 5, 1, 5, 7]);
    expect([...cut.lengths]).toEqual([3, 3]);
    expect(tok.encodeBatch([]).shape).toEqual([0, 0]);
  });

  it('saves and loads its vocabulary as plain JSON', () => {
    const json = JSON.parse(JSON.stringify(tok)) as unknown;
    expect(json).toEqual({ kind: 'char', version: 1, tokens: [...tok.tokens] });
    const back = CharTokenizer.fromJSON(json);
    expect(back.tokens).toEqual(tok.tokens);
    expect([...back.encode('zoë')]).toEqual([...tok.encode('zoë')]);
    const any = tokenizerFromJSON(json);
    expect(any).toBeInstanceOf(CharTokenizer);
  });

  it('refuses a bad saved vocabulary with BAD_WEIGHTS naming the field', async () => {
    const good = tok.toJSON();
    await expectGlassboxError(() => CharTokenizer.fromJSON(null), 'BAD_WEIGHTS', /json must be/);
    await expectGlassboxError(() => CharTokenizer.fromJSON({ ...good, kind: 'word' }), 'BAD_WEIGHTS', /json\.kind/);
    await expectGlassboxError(() => CharTokenizer.fromJSON({ ...good, version: 2 }), 'BAD_WEIGHTS', /json\.version/);
    await expectGlassboxError(() => CharTokenizer.fromJSON({ ...good, tokens: 'abc' }), 'BAD_WEIGHTS', /json\.tokens/);
    await expectGlassboxError(() => CharTokenizer.fromJSON({ ...good, tokens: ['[PAD]', '[END]', '[START]', '[UNK]', 'a'] }), 'BAD_WEIGHTS', /json\.tokens\[1\].*\[START\]/);
    await expectGlassboxError(() => CharTokenizer.fromJSON({ ...good, tokens: [...good.tokens.slice(0, 4), 'ab'] }), 'BAD_WEIGHTS', /json\.tokens\[4\].*one character/);
    await expectGlassboxError(() => CharTokenizer.fromJSON({ ...good, tokens: [...good.tokens.slice(0, 4), 'b', 'a'] }), 'BAD_WEIGHTS', /code-point order/);
    await expectGlassboxError(() => CharTokenizer.fromJSON({ ...good, tokens: [...good.tokens, 'a'] }), 'BAD_WEIGHTS', /distinct/);
    await expectGlassboxError(() => tokenizerFromJSON({ kind: 'bpe' }), 'BAD_WEIGHTS', /json\.kind/);
  });

  it('refuses bad arguments with INVALID_ARGUMENT naming them', async () => {
    await expectGlassboxError(() => tok.encode(42 as unknown as string), 'INVALID_ARGUMENT', /text must be a string, got 42/);
    await expectGlassboxError(() => tok.encode('a', { start: 1 as unknown as boolean }), 'INVALID_ARGUMENT', /options\.start/);
    await expectGlassboxError(() => tok.encode('a', { unknown: 'skip' as 'map' }), 'INVALID_ARGUMENT', /options\.unknown/);
    await expectGlassboxError(() => tok.encode('a', { ends: false } as object), 'INVALID_ARGUMENT', /'ends'.*did you mean 'end'/);
    await expectGlassboxError(() => tok.encodeBatch(['a', null as unknown as string]), 'INVALID_ARGUMENT', /texts\[1\] must be a string/);
    await expectGlassboxError(() => tok.encodeBatch('ab' as unknown as string[]), 'INVALID_ARGUMENT', /texts must be an array/);
    await expectGlassboxError(() => tok.encodeBatch(['a'], { length: 0 }), 'INVALID_ARGUMENT', /options\.length/);
    await expectGlassboxError(() => tok.decode([1, 10]), 'INVALID_ARGUMENT', /ids\[1\] must be an integer id in 0\.\.9, got 10/);
    await expectGlassboxError(() => tok.decode([1.5]), 'INVALID_ARGUMENT', /ids\[0\]/);
    await expectGlassboxError(() => tok.decode('ab' as unknown as number[]), 'INVALID_ARGUMENT', /ids must be an array/);
    await expectGlassboxError(() => CharTokenizer.fromTexts([1] as unknown as string[]), 'INVALID_ARGUMENT', /texts\[0\]/);
    await expectGlassboxError(() => new CharTokenizer(['a', 'a']), 'INVALID_ARGUMENT', /distinct/);
    await expectGlassboxError(() => new CharTokenizer(['ab']), 'INVALID_ARGUMENT', /characters\[0\]/);
  });
});
