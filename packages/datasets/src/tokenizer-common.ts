/**
 * What the two tokenizers share (internal apart from the exported types): argument checks, the padded batch,
 * and the checks of a saved vocabulary.
 */
import { GlassboxError, describe } from '@glassbox/tensors-ops';

/** Token ids of several texts, padded into one row-major `[N, T]` block (ready for an int32 tensor). */
export interface TokenBatch {
  /** N*T ids, row-major; positions after a row's length hold the pad id (0). */
  ids: Int32Array;
  /** [N, T]. */
  shape: [number, number];
  /** The number of real (non-pad) ids of each row, N values. */
  lengths: Int32Array;
}

/** Ids and, for each id, the piece of text it stands for (the original piece even when the id is unknown). */
export interface EncodedText {
  ids: Int32Array;
  tokens: string[];
}

/** What to do with a piece of text that is not in the vocabulary. */
export type UnknownPolicy = 'map' | 'error';

/** What both tokenizers offer; `tokenizerFromJSON` returns one of them. */
export interface TextTokenizer {
  /** The number of ids, specials included. */
  readonly vocabSize: number;
  /** The token of each id (index = id); the specials are the bracketed names such as '[PAD]'. */
  readonly tokens: readonly string[];
  /** The pad id, also the mask id (0). */
  readonly padId: number;
  /** The same id as `padId`: the token explainers use as the "absent" baseline. */
  readonly maskId: number;
  /** The id of text that is not in the vocabulary. */
  readonly unknownId: number;
  encode(text: string, options?: object): Int32Array;
  encodeWithTokens(text: string, options?: object): EncodedText;
  encodeBatch(texts: readonly string[], options?: object): TokenBatch;
  decode(ids: ArrayLike<number>): string;
  toJSON(): object;
}

export const UNKNOWN_POLICIES: readonly UnknownPolicy[] = ['map', 'error'];

/** Checks ids: an array-like of integers in 0..vocabSize-1. */
export function checkIds(ids: unknown, vocabSize: number, name: string, where: string): ArrayLike<number> {
  const ok = Array.isArray(ids) || (ArrayBuffer.isView(ids) && !(ids instanceof DataView));
  if (!ok) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an array or typed array of token ids, got ${describe(ids)}`);
  }
  const a = ids as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= vocabSize) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name}[${i}] must be an integer id in 0..${vocabSize - 1}, got ${describe(v)}`);
    }
  }
  return a as ArrayLike<number>;
}

/** Checks a list of texts (an array of strings). */
export function checkTexts(texts: unknown, name: string, where: string, allowEmptyList: boolean): string[] {
  if (!Array.isArray(texts)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an array of strings, got ${describe(texts)}`);
  }
  if (!allowEmptyList && texts.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must hold at least one text, got an empty array`);
  }
  texts.forEach((t: unknown, i) => {
    if (typeof t !== 'string') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name}[${i}] must be a string, got ${describe(t)}`);
    }
  });
  return texts as string[];
}

/** Pads encoded rows into a TokenBatch of width `length` (default: the longest row); longer rows are cut. */
export function padRows(rows: readonly Int32Array[], length: number | undefined, padId: number): TokenBatch {
  let t = length ?? 0;
  if (length === undefined) for (const r of rows) t = Math.max(t, r.length);
  const ids = new Int32Array(rows.length * t).fill(padId);
  const lengths = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    const n = Math.min(r.length, t);
    ids.set(r.subarray(0, n), i * t);
    lengths[i] = n;
  });
  return { ids, shape: [rows.length, t], lengths };
}

/** Checks the common frame of a saved tokenizer: `{ kind, version: 1, tokens: string[] }`; returns the tokens. */
export function checkTokenizerJson(json: unknown, kind: string, where: string): { o: Record<string, unknown>; tokens: string[] } {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: json must be a saved tokenizer object, got ${describe(json)}`);
  }
  const o = json as Record<string, unknown>;
  if (o.kind !== kind) {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: json.kind must be ${JSON.stringify(kind)}, got ${describe(o.kind)}`);
  }
  if (o.version !== 1) {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: json.version must be 1, got ${describe(o.version)}`);
  }
  if (!Array.isArray(o.tokens)) {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: json.tokens must be an array of strings, got ${describe(o.tokens)}`);
  }
  const seen = new Set<string>();
  o.tokens.forEach((t: unknown, i) => {
    if (typeof t !== 'string' || t.length === 0) {
      throw new GlassboxError('BAD_WEIGHTS', `${where}: json.tokens[${i}] must be a non-empty string, got ${describe(t)}`);
    }
    if (seen.has(t)) {
      throw new GlassboxError('BAD_WEIGHTS', `${where}: json.tokens must be distinct, got ${JSON.stringify(t)} twice (again at ${i})`);
    }
    seen.add(t);
  });
  return { o, tokens: o.tokens as string[] };
}

/** Checks that the saved tokens start with the expected specials. */
export function checkSpecials(tokens: readonly string[], specials: readonly string[], where: string): void {
  specials.forEach((s, i) => {
    if (tokens[i] !== s) {
      throw new GlassboxError('BAD_WEIGHTS', `${where}: json.tokens[${i}] must be the special token ${s}, got ${describe(tokens[i])}`);
    }
  });
}
