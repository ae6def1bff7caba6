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

/** The special tokens of a CharTokenizer, by id: pad/mask 0, start 1, end 2, unknown 3. */
export const CHAR_SPECIAL_TOKENS = ['[PAD]', '[START]', '[END]', '[UNK]'] as const;

/** Options of `CharTokenizer.encode` and `encodeWithTokens`. */
export interface CharEncodeOptions {
  /** Put the start id (1) first. Default true. */
  start?: boolean;
  /** Put the end id (2) last. Default true; false for a prompt that the model should continue. */
  end?: boolean;
  /** 'map' (default): a character outside the vocabulary becomes the unknown id (3); 'error': refuse it. */
  unknown?: UnknownPolicy;
}

/** Options of `CharTokenizer.encodeBatch`. */
export interface CharBatchOptions extends CharEncodeOptions {
  /** The row width T. Default: the longest encoded text. Longer rows are cut at T (their end id is lost). */
  length?: number;
}

/** A CharTokenizer saved as plain data (`toJSON`), e.g. next to a model's weights. */
export interface CharTokenizerJSON {
  kind: 'char';
  version: 1;
  /** The token of each id: the four specials, then one character (code point) per id. */
  tokens: string[];
}

const ENCODE_KEYS = ['start', 'end', 'unknown'];
const BATCH_KEYS = [...ENCODE_KEYS, 'length'];

/** The text `decode` gives for the unknown id: U+FFFD, the Unicode replacement character. */
export const UNKNOWN_CHAR = '\uFFFD';

function compareCodePoints(a: string, b: string): number {
  return a.codePointAt(0)! - b.codePointAt(0)!;
}

/**
 * A character-level tokenizer with start and end tokens, for a character language model such as the names GPT.
 *
 * Ids: 0 [PAD] (also the mask token), 1 [START], 2 [END], 3 [UNK], then one id per character of the
 * vocabulary in code-point order. A character is a Unicode code point (`for (const ch of text)`), so a
 * character outside the Basic Multilingual Plane is one token, not two UTF-16 units. Text is not
 * normalised: the vocabulary is case-sensitive exactly as built (the names are already lower-case).
 *
 * `encode('ann')` = [1, id(a), id(n), id(n), 2]; `decode` skips [PAD] and [START], stops at the first [END]
 * and writes U+FFFD for [UNK], so `decode(encode(x)) === x` for every text whose characters are all in the
 * vocabulary.
 *
 * @example
 * ```ts
 * const tok = CharTokenizer.fromTexts(['ann', 'bob']);   // [PAD] [START] [END] [UNK] a b n o
 * tok.encode('nab');                                       // Int32Array [1, 6, 4, 5, 2]
 * tok.decode([1, 6, 4, 2, 0, 0]);                          // 'na'
 * const copy = CharTokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
 * ```
 */
export class CharTokenizer implements TextTokenizer {
  /** The pad id: 0. Rows of a batch are padded with it. */
  readonly padId = 0;
  /** The mask id: the same token as pad (0), the "absent" baseline of token explanations. */
  readonly maskId = 0;
  /** The start id: 1, the first id of every encoded text (unless `start: false`). */
  readonly startId = 1;
  /** The end id: 2, the last id of every encoded text (unless `end: false`); a model generates it to stop. */
  readonly endId = 2;
  /** The unknown id: 3, for characters outside the vocabulary. */
  readonly unknownId = 3;
  /** The token of each id (index = id): the specials, then the characters. */
  readonly tokens: readonly string[];
  /** The number of ids: 4 specials + the number of characters. */
  readonly vocabSize: number;
  private readonly index: Map<string, number>;

  /**
   * A tokenizer for exactly these characters (each one code point, any order, no repeats); they get the ids
   * 4, 5, ... in code-point order.
   * @throws GlassboxError INVALID_ARGUMENT when `characters` is not an array of distinct single code points.
   */
  constructor(characters: readonly string[]) {
    const where = 'CharTokenizer';
    checkTexts(characters, 'characters', where, true);
    const seen = new Set<string>();
    characters.forEach((c, i) => {
      if ([...c].length !== 1) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: characters[${i}] must be one character (code point), got ${describe(c)}`);
      }
      if (seen.has(c)) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: characters must be distinct, got ${describe(c)} twice (again at ${i})`);
      }
      seen.add(c);
    });
    this.tokens = Object.freeze([...CHAR_SPECIAL_TOKENS, ...[...characters].sort(compareCodePoints)]);
    this.vocabSize = this.tokens.length;
    this.index = new Map(this.tokens.map((t, i) => [t, i]));
  }

  /**
   * The tokenizer of every character that occurs in `texts` (build it from the training split only, so that
   * characters seen only in test data map to [UNK] as they would for new text).
   * @throws GlassboxError INVALID_ARGUMENT when `texts` is not an array of strings.
   */
  static fromTexts(texts: readonly string[]): CharTokenizer {
    checkTexts(texts, 'texts', 'CharTokenizer.fromTexts', true);
    const chars = new Set<string>();
    for (const t of texts) for (const c of t) chars.add(c);
    return new CharTokenizer([...chars]);
  }

  /**
   * A tokenizer saved with `toJSON` (after `JSON.parse`).
   * @throws GlassboxError BAD_WEIGHTS when `json` is not a saved CharTokenizer (naming the bad field).
   */
  static fromJSON(json: unknown): CharTokenizer {
    const where = 'CharTokenizer.fromJSON';
    const { tokens } = checkTokenizerJson(json, 'char', where);
    checkSpecials(tokens, CHAR_SPECIAL_TOKENS, where);
    const chars = tokens.slice(CHAR_SPECIAL_TOKENS.length);
    chars.forEach((c, i) => {
      if ([...c].length !== 1) {
        throw new GlassboxError('BAD_WEIGHTS', `${where}: json.tokens[${i + 4}] must be one character, got ${describe(c)}`);
      }
      if (i > 0 && compareCodePoints(chars[i - 1]!, c) >= 0) {
        throw new GlassboxError('BAD_WEIGHTS', `${where}: json.tokens must list the characters in code-point order, got ${describe(chars[i - 1])} before ${describe(c)}`);
      }
    });
    return new CharTokenizer(chars);
  }

  /** The tokenizer as plain data: `{ kind: 'char', version: 1, tokens }` (`JSON.stringify` calls it). */
  toJSON(): CharTokenizerJSON {
    return { kind: 'char', version: 1, tokens: [...this.tokens] };
  }

  /** The id of a token (a character or a special such as '[END]'), or undefined when it has none. */
  idOf(token: string): number | undefined {
    return this.index.get(token);
  }

  /**
   * The ids of `text`: [START], one id per character ([UNK] for characters outside the vocabulary, or an
   * error with `unknown: 'error'`), [END]. The empty text gives [START, END] (or [START], the prompt of an
   * unconditioned sample, with `end: false`).
   *
   * @param text Any string.
   * @param options `start` (default true), `end` (default true), `unknown` ('map' default, or 'error').
   * @returns A fresh Int32Array of length chars + start + end.
   * @throws GlassboxError INVALID_ARGUMENT when text is not a string, an option is bad, or (with `unknown:
   *   'error'`) a character is not in the vocabulary.
   */
  encode(text: string, options?: CharEncodeOptions): Int32Array {
    return this.encodeChecked(text, options, 'CharTokenizer.encode', ENCODE_KEYS).ids;
  }

  /** Like `encode`, plus the token string of each id (the character itself even when its id is [UNK]). */
  encodeWithTokens(text: string, options?: CharEncodeOptions): EncodedText {
    return this.encodeChecked(text, options, 'CharTokenizer.encodeWithTokens', ENCODE_KEYS);
  }

  /**
   * Several texts encoded and padded with [PAD] into one `[N, T]` block: `ids` (row-major Int32Array),
   * `shape` and the `lengths` of the rows. T is `options.length`, default the longest row.
   * @throws GlassboxError INVALID_ARGUMENT for a text that is not a string (naming `texts[i]`) or a bad option.
   */
  encodeBatch(texts: readonly string[], options?: CharBatchOptions): TokenBatch {
    const where = 'CharTokenizer.encodeBatch';
    checkTexts(texts, 'texts', where, true);
    const o = checkOptionsObject<CharBatchOptions>(options, where, true, BATCH_KEYS);
    const length = o.length === undefined ? undefined : checkInt(o.length, 'options.length', where, 1);
    const rows = texts.map((t, i) => this.encodeChecked(t, o, where, BATCH_KEYS, `texts[${i}]`).ids);
    return padRows(rows, length, this.padId);
  }

  /**
   * The text of `ids`: [PAD] and [START] are skipped, the first [END] ends the text (what follows is
   * ignored), [UNK] becomes U+FFFD, every other id its character.
   * @throws GlassboxError INVALID_ARGUMENT when ids is not an array of integers in 0..vocabSize-1.
   */
  decode(ids: ArrayLike<number>): string {
    const a = checkIds(ids, this.vocabSize, 'ids', 'CharTokenizer.decode');
    let out = '';
    for (let i = 0; i < a.length; i++) {
      const id = a[i]!;
      if (id === this.endId) break;
      if (id === this.padId || id === this.startId) continue;
      out += id === this.unknownId ? UNKNOWN_CHAR : this.tokens[id]!;
    }
    return out;
  }

  private encodeChecked(text: unknown, options: unknown, where: string, keys: readonly string[], name = 'text'): EncodedText {
    const s = checkString(text, name, where, true);
    const o = checkOptionsObject<CharEncodeOptions>(options, where, true, keys);
    const start = checkBoolean(o.start, 'options.start', where, true);
    const end = checkBoolean(o.end, 'options.end', where, true);
    const unknown = o.unknown === undefined ? 'map' : assertOneOf(o.unknown, UNKNOWN_POLICIES, 'options.unknown', where);
    const chars = [...s];
    const ids = new Int32Array(chars.length + (start ? 1 : 0) + (end ? 1 : 0));
    const tokens: string[] = [];
    let k = 0;
    if (start) {
      ids[k++] = this.startId;
      tokens.push(CHAR_SPECIAL_TOKENS[1]);
    }
    chars.forEach((c, i) => {
      const id = this.index.get(c);
      // A special's name is several characters, so a single character never matches one.
      if (id === undefined && unknown === 'error') {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must only hold characters of the vocabulary, got ${describe(c)} at character ${i}`);
      }
      ids[k++] = id ?? this.unknownId;
      tokens.push(c);
    });
    if (end) {
      ids[k++] = this.endId;
      tokens.push(CHAR_SPECIAL_TOKENS[2]);
    }
    return { ids, tokens };
  }
}
