import { GlassboxError, assertOneOf, describe } from '@glassbox/tensors-ops';
import {
  type EncodedText,
  type TextTokenizer,
  type TokenBatch,
  type UnknownPolicy,
  UNKNOWN_POLICIES,
  checkIds,
  checkSpecials,
  checkTexts,
  checkTokenizerJson,
  padRows,
} from './tokenizer-common.js';
import { checkBoolean, checkInt, checkOptionsObject, checkString } from './validate.js';

/**
 * The pieces a text is cut into, after lower-casing: a run of letters (with their combining marks), a run of
 * digits, or any other single character that is not white space (punctuation, symbols).
 * "Don't pay $50!" -> don ' t pay $ 50 !
 */
export const WORD_PATTERN = /[\p{L}\p{M}]+|\p{N}+|[^\s\p{L}\p{M}\p{N}]/gu;

/** The special tokens of a WordTokenizer, by id: pad/mask 0, unknown 1, and [CLS] 2 when it has one. */
export const WORD_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]'] as const;

/** Options of `WordTokenizer.fromTexts`. */
export interface WordTokenizerOptions {
  /** A piece enters the vocabulary only if it occurs at least this often in the texts. Default 3. */
  minCount?: number;
  /** The most ids, specials included (the most frequent pieces are kept). Default 8192. */
  maxSize?: number;
  /** Give the vocabulary a [CLS] token (id 2) that `encode` puts first, for a pooled classifier head. Default true. */
  cls?: boolean;
}

/** Options of `WordTokenizer.encode` and `encodeWithTokens`. */
export interface WordEncodeOptions {
  /**
   * The most ids to return. Longer texts are cut at the end: [CLS] (if any) and the first maxLength - 1
   * pieces are kept. Default: no limit.
   */
  maxLength?: number;
  /** Put [CLS] first. Default: true when the tokenizer has a [CLS] token (it is an error to ask without one). */
  cls?: boolean;
  /** 'map' (default): a piece outside the vocabulary becomes [UNK] (1); 'error': refuse it. */
  unknown?: UnknownPolicy;
}

/**
 * Options of `WordTokenizer.encodeBatch`: the encode options, with `maxLength` required (an e-mail can be
 * tens of thousands of pieces long, and every row is padded to the longest).
 */
export interface WordBatchOptions extends WordEncodeOptions {
  maxLength: number;
}

/** A WordTokenizer saved as plain data (`toJSON`), e.g. next to a model's weights. */
export interface WordTokenizerJSON {
  kind: 'word';
  version: 1;
  /** The token of each id: the specials, then the pieces, most frequent first. */
  tokens: string[];
}

const BUILD_KEYS = ['minCount', 'maxSize', 'cls'];
const ENCODE_KEYS = ['maxLength', 'cls', 'unknown'];

/** The pieces of a text: lower-cased (`toLowerCase`), then cut by WORD_PATTERN. */
export function wordPieces(text: string): string[] {
  const s = checkString(text, 'text', 'wordPieces', true);
  return s.toLowerCase().match(WORD_PATTERN) ?? [];
}

/**
 * A word-level tokenizer for e-mail and other prose, with a vocabulary of the most frequent pieces of the
 * training texts.
 *
 * Text is lower-cased and cut into pieces by WORD_PATTERN: runs of letters, runs of digits, and single
 * punctuation or symbol characters ("Win $1,000!!" -> win $ 1 , 000 ! !). The vocabulary is every piece that
 * occurs at least `minCount` times in the texts it is built from, most frequent first (ties in code-unit
 * order), cut to `maxSize` ids. Ids: 0 [PAD] (also the mask token), 1 [UNK], 2 [CLS] (optional), then the
 * pieces. Pieces outside the vocabulary map to [UNK].
 *
 * `decode` writes the pieces separated by single spaces (white space is not kept), skipping [PAD] and
 * [CLS] and writing [UNK] as '[UNK]'; so `decode(encode(x)) === x` for a text x of in-vocabulary pieces
 * written lower-case with single spaces, and `encode(decode(ids))` gives `ids` back for ids of pieces.
 *
 * Libraries considered: pretrained BPE tokenizers (js-tiktoken, gpt-tokenizer) have fixed 50k-200k vocabularies
 * not built from our training split; @huggingface/tokenizers (pure JS) only runs tokenizers trained elsewhere;
 * sentencepiece ports need a model trained by the Python trainer. A word vocabulary is a regular expression
 * and a frequency count, so it is written here.
 *
 * @example
 * ```ts
 * const tok = WordTokenizer.fromTexts(trainTexts, { minCount: 3 });
 * const ids = tok.encode('Free money!', { maxLength: 256 }); // Int32Array [2, id(free), id(money), id(!)]
 * const batch = tok.encodeBatch(texts, { maxLength: 256 });   // { ids, shape: [N, T], lengths }
 * ```
 */
export class WordTokenizer implements TextTokenizer {
  /** The pad id: 0. Rows of a batch are padded with it. */
  readonly padId = 0;
  /** The mask id: the same token as pad (0), the "absent" baseline of token explanations. */
  readonly maskId = 0;
  /** The unknown id: 1. */
  readonly unknownId = 1;
  /** The [CLS] id (2), or null when the tokenizer has none. */
  readonly clsId: number | null;
  /** The token of each id (index = id). */
  readonly tokens: readonly string[];
  /** The number of ids, specials included. */
  readonly vocabSize: number;
  private readonly index: Map<string, number>;

  /**
   * A tokenizer for exactly these pieces (ids 2.. or 3.. in the given order).
   * @param pieces Distinct non-empty pieces, each one match of WORD_PATTERN on lower-case text.
   * @param options `cls`: add [CLS] as id 2 (default true).
   * @throws GlassboxError INVALID_ARGUMENT for a piece that the pattern could never produce, or a repeat.
   */
  constructor(pieces: readonly string[], options?: { cls?: boolean }) {
    const where = 'WordTokenizer';
    checkTexts(pieces, 'pieces', where, true);
    const o = checkOptionsObject<{ cls?: boolean }>(options, where, true, ['cls']);
    const cls = checkBoolean(o.cls, 'options.cls', where, true);
    const seen = new Set<string>();
    pieces.forEach((p, i) => {
      const m = p.toLowerCase().match(WORD_PATTERN);
      if (m === null || m.length !== 1 || m[0] !== p) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: pieces[${i}] must be one lower-case piece of WORD_PATTERN, got ${describe(p)}`);
      }
      if (seen.has(p)) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: pieces must be distinct, got ${describe(p)} twice (again at ${i})`);
      }
      seen.add(p);
    });
    const specials = cls ? WORD_SPECIAL_TOKENS : WORD_SPECIAL_TOKENS.slice(0, 2);
    this.clsId = cls ? 2 : null;
    this.tokens = Object.freeze([...specials, ...pieces]);
    this.vocabSize = this.tokens.length;
    this.index = new Map(this.tokens.map((t, i) => [t, i]));
  }

  /**
   * The tokenizer of the most frequent pieces of `texts` (build it from the training split only, so that
   * pieces seen only in test data map to [UNK] as they would for new text).
   *
   * @param texts The training texts.
   * @param options `minCount` (default 3), `maxSize` (default 8192, specials included), `cls` (default true).
   * @throws GlassboxError INVALID_ARGUMENT for a text that is not a string (naming `texts[i]`), a bad option,
   *   or texts in which no piece occurs `minCount` times.
   */
  static fromTexts(texts: readonly string[], options?: WordTokenizerOptions): WordTokenizer {
    const where = 'WordTokenizer.fromTexts';
    checkTexts(texts, 'texts', where, false);
    const o = checkOptionsObject<WordTokenizerOptions>(options, where, true, BUILD_KEYS);
    const minCount = checkInt(o.minCount, 'options.minCount', where, 1, 3);
    const cls = checkBoolean(o.cls, 'options.cls', where, true);
    const specials = cls ? 3 : 2;
    const maxSize = checkInt(o.maxSize, 'options.maxSize', where, specials + 1, 8192);
    const counts = new Map<string, number>();
    for (const t of texts) {
      for (const p of t.toLowerCase().match(WORD_PATTERN) ?? []) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    const kept = [...counts].filter(([, c]) => c >= minCount);
    if (kept.length === 0) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: texts must hold at least one piece that occurs options.minCount (${minCount}) times, got none`);
    }
    kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new WordTokenizer(kept.slice(0, maxSize - specials).map(([p]) => p), { cls });
  }

  /**
   * A tokenizer saved with `toJSON` (after `JSON.parse`).
   * @throws GlassboxError BAD_WEIGHTS when `json` is not a saved WordTokenizer (naming the bad field).
   */
  static fromJSON(json: unknown): WordTokenizer {
    const where = 'WordTokenizer.fromJSON';
    const { tokens } = checkTokenizerJson(json, 'word', where);
    const cls = tokens[2] === WORD_SPECIAL_TOKENS[2];
    const specials = cls ? 3 : 2;
    checkSpecials(tokens, WORD_SPECIAL_TOKENS.slice(0, specials), where);
    try {
      return new WordTokenizer(tokens.slice(specials), { cls });
    } catch (e) {
      throw new GlassboxError('BAD_WEIGHTS', `${where}: json.tokens must hold the specials, then distinct pieces: ${(e as Error).message}`, { cause: e });
    }
  }

  /** The tokenizer as plain data: `{ kind: 'word', version: 1, tokens }` (`JSON.stringify` calls it). */
  toJSON(): WordTokenizerJSON {
    return { kind: 'word', version: 1, tokens: [...this.tokens] };
  }

  /** The id of a token (a piece or a special such as '[CLS]'), or undefined when it has none. */
  idOf(token: string): number | undefined {
    return this.index.get(token);
  }

  /**
   * The ids of `text`: [CLS] (when the tokenizer has it, unless `cls: false`), then one id per piece ([UNK]
   * for pieces outside the vocabulary, or an error with `unknown: 'error'`), cut to `maxLength` ids by
   * dropping the pieces at the end. A text without pieces gives [CLS] alone (or no ids without [CLS]).
   *
   * @param options `maxLength` (default none), `cls` (default: the tokenizer has [CLS]), `unknown` ('map' or 'error').
   * @throws GlassboxError INVALID_ARGUMENT when text is not a string or an option is bad.
   */
  encode(text: string, options?: WordEncodeOptions): Int32Array {
    return this.encodeChecked(text, options, 'WordTokenizer.encode').ids;
  }

  /** Like `encode`, plus the piece each id stands for (the piece itself even when its id is [UNK]). */
  encodeWithTokens(text: string, options?: WordEncodeOptions): EncodedText {
    return this.encodeChecked(text, options, 'WordTokenizer.encodeWithTokens');
  }

  /**
   * Several texts encoded (each cut to `maxLength` ids, required) and padded with [PAD] to the longest row:
   * `ids` (row-major Int32Array), `shape` [N, T] with T <= maxLength, and the `lengths` of the rows.
   * @throws GlassboxError INVALID_ARGUMENT for a text that is not a string (naming `texts[i]`), a missing
   *   maxLength or another bad option.
   */
  encodeBatch(texts: readonly string[], options: WordBatchOptions): TokenBatch {
    const where = 'WordTokenizer.encodeBatch';
    checkTexts(texts, 'texts', where, true);
    const o = checkOptionsObject<WordBatchOptions>(options, where, false, ENCODE_KEYS);
    checkInt(o.maxLength, 'options.maxLength', where, 1);
    const rows = texts.map((t, i) => this.encodeChecked(t, options, where, `texts[${i}]`).ids);
    return padRows(rows, undefined, this.padId);
  }

  /**
   * The pieces of `ids` separated by single spaces; [PAD] and [CLS] are skipped and [UNK] is written '[UNK]'.
   * @throws GlassboxError INVALID_ARGUMENT when ids is not an array of integers in 0..vocabSize-1.
   */
  decode(ids: ArrayLike<number>): string {
    const a = checkIds(ids, this.vocabSize, 'ids', 'WordTokenizer.decode');
    const out: string[] = [];
    for (let i = 0; i < a.length; i++) {
      const id = a[i]!;
      if (id === this.padId || id === this.clsId) continue;
      out.push(this.tokens[id]!);
    }
    return out.join(' ');
  }

  private encodeChecked(text: unknown, options: unknown, where: string, name = 'text'): EncodedText {
    const s = checkString(text, name, where, true);
    const o = checkOptionsObject<WordEncodeOptions>(options, where, true, ENCODE_KEYS);
    const maxLength = checkInt(o.maxLength, 'options.maxLength', where, 1, Number.POSITIVE_INFINITY);
    const cls = checkBoolean(o.cls, 'options.cls', where, this.clsId !== null);
    if (cls && this.clsId === null) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.cls must be false for a tokenizer built without [CLS], got true`);
    }
    const unknown = o.unknown === undefined ? 'map' : assertOneOf(o.unknown, UNKNOWN_POLICIES, 'options.unknown', where);
    const ids: number[] = [];
    const tokens: string[] = [];
    if (cls) {
      ids.push(this.clsId!);
      tokens.push(WORD_SPECIAL_TOKENS[2]);
    }
    // matchAll works on a copy of the pattern, and stopping at maxLength skips cutting the rest of a long text.
    let i = 0;
    for (const m of s.toLowerCase().matchAll(WORD_PATTERN)) {
      if (ids.length >= maxLength) break;
      const p = m[0];
      const id = this.index.get(p);
      // Specials contain brackets, which the pattern always cuts off, so a piece never matches one.
      if (id === undefined && unknown === 'error') {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must only hold pieces of the vocabulary, got ${describe(p)} (piece ${i})`);
      }
      ids.push(id ?? this.unknownId);
      tokens.push(p);
      i++;
    }
    return { ids: Int32Array.from(ids), tokens };
  }
}
