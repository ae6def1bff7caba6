import { GlassboxError, describe } from '@glassbox/tensors-ops';
import { CharTokenizer } from './char-tokenizer.js';
import { WordTokenizer } from './word-tokenizer.js';

/**
 * A tokenizer saved with `toJSON`, whichever kind it is: `kind: 'char'` gives a CharTokenizer, `kind: 'word'`
 * a WordTokenizer. A model that saves its vocabulary beside its weights loads it with this.
 * @throws GlassboxError BAD_WEIGHTS when `json` is not a saved tokenizer (naming the bad field).
 */
export function tokenizerFromJSON(json: unknown): CharTokenizer | WordTokenizer {
  const kind = json !== null && typeof json === 'object' ? (json as { kind?: unknown }).kind : undefined;
  if (kind === 'char') return CharTokenizer.fromJSON(json);
  if (kind === 'word') return WordTokenizer.fromJSON(json);
  throw new GlassboxError('BAD_WEIGHTS', `tokenizerFromJSON: json.kind must be 'char' or 'word', got ${json !== null && typeof json === 'object' ? describe(kind) : describe(json)}`);
}
