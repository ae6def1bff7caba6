import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  ResidualModel,
  assertNumber,
  checkOptionKeys,
  createRng,
  describe,
  optionKeys,
  residualModel,
  tf,
  type BlockSpec,
  type EncodedWeights,
} from '@glassbox/tensors-ops';
import { loadDir, loadEncoded, loadUrl, type LoadOptions, type LoadPlan, type UrlLoadOptions } from '@glassbox/tensors-ops/models';
import { CharTokenizer, loadNames, type CharTokenizerJSON } from '@glassbox/datasets';
import {
  checkBatchSize,
  checkEmbeddings,
  checkLimit,
  checkText,
  resolveArchitecture,
  transformerStack,
  type ArchitectureOptions,
  type TransformerShapeOptions,
} from './common.js';
import { TextModel, createTextModel, evaluationData, parseTokenizer, planTextModel, type TextModelKind } from './text-model.js';

/** Options of `createGPT`. */
export interface GPTOptions extends TransformerShapeOptions {
  /**
   * The character tokenizer (a `CharTokenizer` of @glassbox/datasets, or its `toJSON()`): ids 0 [PAD],
   * 1 [START], 2 [END], 3 [UNK], then one id per character. Required; `namesTokenizer()` for first names.
   */
  tokenizer: CharTokenizer | CharTokenizerJSON;
  /** The longest sequence of ids the model reads ([START] and the characters), integer >= 2; default 16. */
  context?: number;
}

/** The keys of GPTOptions. */
export const GPT_OPTION_KEYS = optionKeys<GPTOptions>({ tokenizer: true, dim: true, layers: true, heads: true, hidden: true, context: true, dropout: true, seed: true });
const ARCH_KEYS = GPT_OPTION_KEYS.filter((k) => k !== 'tokenizer');

/** The resolved options of a GPT (what model.json keeps, besides the vocabulary). */
export type ResolvedGPTOptions = ArchitectureOptions;

const GPT_DEFAULTS: ArchitectureOptions = { dim: 64, layers: 2, heads: 4, hidden: 256, context: 16, dropout: 0.1, seed: 0 };

/** Options of `GPT.encode`. */
export interface GPTEncodeOptions {
  /** Put [END] last (to score a whole text); default false (a prompt to continue). */
  end?: boolean;
}
export const GPT_ENCODE_OPTION_KEYS = optionKeys<GPTEncodeOptions>({ end: true });

/** Options of `GPT.generate`. */
export interface GenerateOptions {
  /** The most tokens to sample ([END] included), integer >= 1; default: as many as the context holds. */
  maxTokens?: number;
  /** Softmax temperature, > 0; default 1 (the model's own distribution; lower is more conservative). */
  temperature?: number;
  /** Sample only among the k most likely tokens, integer in 1..vocabSize; default: no cut. */
  topK?: number;
  /** Seed of the draws, integer; default 0. The same seed, prompt and options give the same text. */
  seed?: number;
}
export const GENERATE_OPTION_KEYS = optionKeys<GenerateOptions>({ maxTokens: true, temperature: true, topK: true, seed: true });

/** What `GPT.generate` returns. */
export interface Generation {
  /** The prompt and what was sampled after it (without the special tokens). */
  text: string;
  /** [START], the prompt's ids, the sampled ids, and [END] when the model ended the text. */
  ids: Int32Array;
}

/** Options of `GPT.evaluate`. */
export interface GPTEvaluateOptions {
  /** Use only the first `limit` names (of the split or the list), integer >= 1; default all. */
  limit?: number;
  /** Names per forward pass, integer >= 1; default 256 (never changes the result beyond float rounding). */
  batchSize?: number;
}
export const GPT_EVALUATE_OPTION_KEYS = optionKeys<GPTEvaluateOptions>({ limit: true, batchSize: true });

/** What `GPT.evaluate` returns. */
export interface GPTEvaluation {
  /**
   * Mean negative log-likelihood (natural log) per predicted token: every character and the [END] of each
   * name, -(1 / C) Σ_names Σ_i log p(x_i | x_<i), C = Σ (characters + 1).
   */
  nllPerChar: number;
  /** C: the predicted tokens counted (characters plus one [END] per name). */
  tokens: number;
  /** Names evaluated. */
  names: number;
}

function charTokenizer(value: unknown, name: string, where: string): CharTokenizer {
  const tok = parseTokenizer(value, name, where, 'CharTokenizer');
  if (!(tok instanceof CharTokenizer)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a character tokenizer (kind 'char', e.g. namesTokenizer()), got a word tokenizer`);
  }
  return tok;
}

function resolveGPTArchitecture(options: unknown, where: string, keys: readonly string[]): ArchitectureOptions {
  const o = checkOptionKeys<Partial<Record<keyof ArchitectureOptions, unknown>>>(options, keys, where);
  const arch = resolveArchitecture(o, GPT_DEFAULTS, where, 4096);
  if (arch.context < 2) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.context must be >= 2 ([START] and one character), got ${arch.context}`);
  return arch;
}

function gptSpecs(o: ArchitectureOptions, tokenizer: CharTokenizer): BlockSpec[] {
  return [...transformerStack(o, tokenizer.vocabSize, true), { type: 'dense', name: 'logits', units: tokenizer.vocabSize }];
}

/** A GPT as `planTextModel` and `createTextModel` see it. */
const GPT_KIND: TextModelKind<GPT, ArchitectureOptions, CharTokenizer> = {
  kind: 'gpt',
  resolve: (o, w) => resolveGPTArchitecture(o, w, ARCH_KEYS),
  tokenizerOf: charTokenizer,
  specsOf: gptSpecs,
  make: (o, t) => GPT.create(o, t),
};

/** Rows [START, chars..., END] as next-token pairs: inputs (all but the last id), targets (all but the first), weights (1 real, 0 padding). */
export function nextTokenBatch(rows: readonly Int32Array[], padId: number): { x: Int32Array; y: Int32Array; w: Float32Array; shape: [number, number] } {
  const t = rows.reduce((m, r) => Math.max(m, r.length - 1), 1);
  const n = rows.length;
  const x = new Int32Array(n * t).fill(padId);
  const y = new Int32Array(n * t).fill(padId);
  const w = new Float32Array(n * t);
  rows.forEach((r, i) => {
    for (let j = 0; j + 1 < r.length; j++) {
      x[i * t + j] = r[j]!;
      y[i * t + j] = r[j + 1]!;
      w[i * t + j] = 1;
    }
  });
  return { x, y, w, shape: [n, t] };
}

/**
 * Sum over real positions of log p(target) for a next-token batch, as a scalar tensor (inside a tidy). The
 * log-probabilities come from logSoftmax of the logits [N, T, V].
 */
export function targetLogProb(logits: Tensor, y: Tensor, w: Tensor, vocabSize: number): Tensor {
  const lp = tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(lp, tf.oneHot(y, vocabSize)), 2);
  return tf.sum(tf.mul(picked, w));
}

/**
 * A decoder-only Transformer over characters (GPT): reads [START] and the characters so far and gives, at
 * every position, logits for the next character (or [END]). It models a text as
 * P(x_1..x_n, [END]) = Π_i P(x_i | [START], x_1, ..., x_{i-1}), each factor a softmax of the logits at the
 * previous position; a causal mask keeps each position from seeing later ones, so one forward pass scores
 * every prefix at once.
 *
 * Blocks (a `ResidualModel`, `network`): 'tokens' (token embedding) and 'positions' (learned positional
 * embedding), which `embed` runs; then 'dropout', the pre-norm Transformer blocks 'h0', 'h1', ... (causal
 * self-attention, GELU MLP), a final layer norm 'lnF' and a dense 'logits' layer, which
 * `forwardFromEmbeddings` runs. `forwardFromEmbeddings(embed(ids))` equals `logits(ids)`.
 *
 * Papers: Vaswani et al. 2017, "Attention Is All You Need", arXiv:1706.03762; Radford, Wu, Child, Luan,
 * Amodei & Sutskever 2019, "Language Models are Unsupervised Multitask Learners" (GPT-2: pre-norm blocks).
 *
 * Made by `createGPT`, `GPT.load*` or `loadPretrained('names-gpt')`; trained by `train`.
 *
 * @example
 * ```ts
 * const gpt = await loadPretrained('names-gpt');
 * const { text } = gpt.generate('ma', { temperature: 0.8, seed: 3 });  // e.g. 'mariela'
 * const { ids } = gpt.encode('anna');                                   // [START] a n n a
 * const next = gpt.nextToken(tf.tensor2d(ids, [1, ids.length], 'int32')); // [1, V] logits of what follows
 * ```
 */
export class GPT extends TextModel<CharTokenizer> {
  /** The resolved options (the tokenizer aside). */
  readonly options: Readonly<ResolvedGPTOptions>;

  private constructor(network: ResidualModel, tokenizer: CharTokenizer, options: ResolvedGPTOptions) {
    super(network, tokenizer, options);
    this.options = Object.freeze({ ...options });
    this.logits = this.logits.bind(this);
    this.nextToken = this.nextToken.bind(this);
    this.forwardFromEmbeddings = this.forwardFromEmbeddings.bind(this);
  }

  /** @internal */
  static create(options: ResolvedGPTOptions, tokenizer: CharTokenizer): GPT {
    const network = residualModel(gptSpecs(options, tokenizer), [null], { seed: options.seed });
    return new GPT(network, tokenizer, options);
  }

  protected get what(): string {
    return 'GPT';
  }
  protected get kind(): 'gpt' {
    return 'gpt';
  }
  protected get savedOptions(): Record<string, unknown> {
    return { ...this.options };
  }

  /**
   * The ids of a text: [START], one id per character (and [END] with `end: true`), and the token of each id
   * ('[START]', the characters, '[END]'). The empty text gives [START] alone: the prompt of an unconditioned
   * sample. Characters outside the vocabulary are refused (the model never saw [UNK]; the names vocabulary is
   * lower-case a-z and '-').
   *
   * @param text at most context - 1 characters.
   * @param options `end` (default false).
   * @throws GlassboxError INVALID_ARGUMENT naming `text`: not a string, a character outside the vocabulary,
   *   longer than context - 1 characters (no truncation: the model cannot read it whole).
   */
  encode(text: string, options: GPTEncodeOptions = {}): { ids: Int32Array; tokens: string[] } {
    const where = 'GPT.encode';
    this.alive(where);
    const o = checkOptionKeys<GPTEncodeOptions>(options, GPT_ENCODE_OPTION_KEYS, where);
    const end = o.end ?? false;
    if (typeof end !== 'boolean') throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.end must be true or false, got ${describe(end)}`);
    return this.encodeText(text, end, where, 'text');
  }

  /** @internal `encode` naming the caller and the argument in messages. */
  encodeText(text: unknown, end: boolean, where: string, name: string): { ids: Int32Array; tokens: string[] } {
    const s = checkText(text, where, name, true);
    const chars = [...s];
    if (chars.length > this.context - 1) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: ${name} must have at most ${this.context - 1} characters (the model reads [START] and ${this.context - 1} characters), got ${chars.length}`,
      );
    }
    const tok = this.tokenizer;
    const ids = new Int32Array(chars.length + 1 + (end ? 1 : 0));
    const tokens = ['[START]'];
    ids[0] = tok.startId;
    chars.forEach((ch, i) => {
      const id = tok.idOf(ch);
      if (id === undefined || id <= tok.unknownId) {
        throw new GlassboxError(
          'INVALID_ARGUMENT',
          `${where}: ${name} has the character ${JSON.stringify(ch)} at index ${i}, which is not in the vocabulary (${JSON.stringify(tok.tokens.slice(tok.unknownId + 1).join(''))})`,
        );
      }
      ids[i + 1] = id;
      tokens.push(ch);
    });
    if (end) {
      ids[ids.length - 1] = tok.endId;
      tokens.push('[END]');
    }
    return { ids, tokens };
  }

  /**
   * The logits of the next token at every position: out[n, t, :] scores the token that follows ids[n, 0..t].
   * Rows of different lengths may be padded at the end with any id (0, [PAD]): a causal model never lets a
   * position see the padding after it.
   *
   * @param ids int32 [N, T], 1 <= T <= context, ids in 0..vocabSize-1.
   * @returns float32 [N, T, V] that the caller owns.
   * @throws GlassboxError INVALID_ARGUMENT (dtype, ids out of range), SHAPE_MISMATCH (shape, T > context).
   */
  logits(ids: Tensor): Tensor {
    const where = 'GPT.logits';
    this.checkIds(ids, where);
    return this.network.predict(ids);
  }

  /**
   * The logits of the token after each row: `logits(ids)` at the last position. With it the model is a
   * `Predictable` ([N, T] ids -> [N, V] scores) for the explainers; it is bound, so `gpt.nextToken` can be
   * passed as a function.
   *
   * @param ids int32 [N, T] as for `logits`; every row's last id is the last real one.
   * @returns float32 [N, V] that the caller owns.
   */
  nextToken(ids: Tensor): Tensor {
    const where = 'GPT.nextToken';
    this.checkIds(ids, where);
    const [n, t] = [ids.shape[0]!, ids.shape[1]!];
    return tf.tidy(() => tf.reshape(tf.slice(this.network.predict(ids), [0, t - 1, 0], [n, 1, this.vocabSize]), [n, this.vocabSize]));
  }

  /**
   * The rest of the model after `embed`: dropout (off outside training), the Transformer blocks, the final
   * layer norm and the logits. Differentiable with respect to e, so gradient explainers take
   * d logits / d e through it. `forwardFromEmbeddings(embed(ids))` equals `logits(ids)`.
   *
   * @param e float32 [N, T, D], 1 <= T <= context.
   * @returns float32 [N, T, V] that the caller owns.
   * @throws GlassboxError INVALID_ARGUMENT (not float32), SHAPE_MISMATCH (not [N, T, D], T > context).
   */
  forwardFromEmbeddings(e: Tensor): Tensor {
    const where = 'GPT.forwardFromEmbeddings';
    this.alive(where);
    checkEmbeddings(e, this.dim, this.context, where);
    return this.parts.head(e, {});
  }

  /**
   * Samples a continuation of `prompt`, one token at a time: the logits of the next token are divided by
   * `temperature`, cut to the `topK` largest (if given), and a token is drawn from their softmax with
   * tensors-ops' seeded RNG. [PAD], [START] and [UNK] are never drawn (no training text has them), nor is
   * [END] while the text is still empty (no training text is empty; the model gives it a small probability,
   * 0.07% for 'names-gpt', which would make about one sample in 1,400 empty), as a minimum length of one
   * character in other samplers. Sampling stops at [END], after `maxTokens` tokens, or when the text reaches
   * context - 1 characters (then its ids end without [END]).
   *
   * Formula: p(v) ∝ exp(z_v / temperature) over the allowed (and top-k) tokens v, z = nextToken(ids).
   *
   * @param prompt the beginning of the text ('' for an unconditioned sample), characters of the vocabulary,
   *   at most context - 1 of them.
   * @param options `maxTokens` (default: what the context holds), `temperature` (> 0, default 1), `topK`
   *   (default none), `seed` (default 0).
   * @returns `{ text, ids }`: the whole text (prompt included) and its ids from [START].
   * @throws GlassboxError INVALID_ARGUMENT naming the argument (`prompt`, `options.temperature` <= 0, ...).
   */
  generate(prompt = '', options: GenerateOptions = {}): Generation {
    const where = 'GPT.generate';
    this.alive(where);
    const o = checkOptionKeys<GenerateOptions>(options, GENERATE_OPTION_KEYS, where);
    const maxTokens = o.maxTokens === undefined ? this.context : assertNumber(o.maxTokens, 'options.maxTokens', where, { integer: true, min: 1 });
    const temperature = o.temperature === undefined ? 1 : assertNumber(o.temperature, 'options.temperature', where, { gt: 0 });
    const topK = o.topK === undefined ? this.vocabSize : assertNumber(o.topK, 'options.topK', where, { integer: true, min: 1, max: this.vocabSize });
    const seed = o.seed === undefined ? 0 : assertNumber(o.seed, 'options.seed', where, { integer: true, min: 0, max: 0xffffffff });
    const start = this.encodeText(prompt, false, where, 'prompt').ids;
    const rng = createRng(seed);
    const tok = this.tokenizer;
    const banned = new Set([tok.padId, tok.startId, tok.unknownId]);
    const bannedFirst = new Set([...banned, tok.endId]);
    const ids = Array.from(start);
    let ended = false;
    for (let step = 0; step < maxTokens && ids.length < this.context; step++) {
      const z = tf.tidy(() => {
        const x = tf.tensor2d(Int32Array.from(ids), [1, ids.length], 'int32');
        return tf.slice(this.network.predict(x), [0, ids.length - 1, 0], [1, 1, this.vocabSize]).dataSync();
      });
      const next = sample(z, ids.length === 1 ? bannedFirst : banned, temperature, topK, rng.uniform());
      ids.push(next);
      if (next === tok.endId) {
        ended = true;
        break;
      }
    }
    const out = Int32Array.from(ids);
    return { text: tok.decode(ended ? out.subarray(0, out.length - 1) : out), ids: out };
  }

  /**
   * How well the model predicts names it is given: the mean negative log-likelihood per predicted token
   * (each character and the final [END]; natural log), the measure the README reports. Lower is better; a
   * model that knew nothing would score log(V - 3).
   *
   * @param data 'train' or 'test' (the first names of @glassbox/datasets, `loadNames`), or a list of names
   *   (non-empty, vocabulary characters, at most context - 1 characters each).
   * @param options `limit` (first names only, default all), `batchSize` (default 256).
   * @returns `{ nllPerChar, tokens, names }`.
   * @throws GlassboxError INVALID_ARGUMENT naming `data` or `data[i]`.
   */
  async evaluate(data: 'train' | 'test' | readonly string[], options: GPTEvaluateOptions = {}): Promise<GPTEvaluation> {
    const where = 'GPT.evaluate';
    this.alive(where);
    const o = checkOptionKeys<GPTEvaluateOptions>(options, GPT_EVALUATE_OPTION_KEYS, where);
    const limit = checkLimit(o.limit, where);
    const batchSize = checkBatchSize(o.batchSize, where, 256);
    const names = await evaluationData(data, limit, loadNames, 'an array of names', where);
    if (names.length === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: data must hold at least one name, got an empty array`);
    const rows = names.map((s, i) => this.encodeText(checkText(s, where, `data[${i}]`), true, where, `data[${i}]`).ids);
    this.alive(where);
    let sum = 0;
    let tokens = 0;
    for (let s = 0; s < rows.length; s += batchSize) {
      const b = nextTokenBatch(rows.slice(s, s + batchSize), this.tokenizer.padId);
      sum += tf.tidy(() => {
        const x = tf.tensor2d(b.x, b.shape, 'int32');
        const lp = targetLogProb(this.network.predict(x), tf.tensor2d(b.y, b.shape, 'int32'), tf.tensor2d(b.w, b.shape), this.vocabSize);
        return lp.dataSync()[0]!;
      });
      for (const v of b.w) tokens += v;
    }
    return { nllPerChar: -sum / tokens, tokens, names: rows.length };
  }

  /**
   * Rebuilds a GPT from what `save` returned: the architecture, options and vocabulary from modelTopology
   * (checked, parameters counted before the weights are read), then the weights (names, shapes, finite).
   * @param artifacts `{ modelJSON, weightData }`.
   * @param options `maxElements` (most parameters, default 50_000_000).
   * @throws GlassboxError BAD_WEIGHTS for a file that is not a GPT or does not match; nothing leaks.
   */
  static load(artifacts: EncodedWeights | object, options: LoadOptions = {}): GPT {
    return loadEncoded(artifacts, planGPT, options, 'GPT.load');
  }

  /** Loads a GPT saved with `saveToDir` (a folder with model.json and weights.bin, or the .json's path). Node only. */
  static loadFromDir(dir: string, options: LoadOptions = {}): Promise<GPT> {
    return loadDir(dir, planGPT, options, 'GPT.loadFromDir');
  }

  /** Loads a GPT from the URL of its model.json (weights.bin next to it), e.g. in a browser. */
  static loadFromUrl(url: string, options: UrlLoadOptions = {}): Promise<GPT> {
    return loadUrl(url, planGPT, options, 'GPT.loadFromUrl');
  }
}

/**
 * Draws a token from logits z: temperature, top-k (ties to the lower id), softmax in float64, and the
 * inverse CDF at u in [0, 1). Banned ids get probability 0.
 */
export function sample(z: ArrayLike<number>, banned: ReadonlySet<number>, temperature: number, topK: number, u: number): number {
  const allowed: number[] = [];
  for (let v = 0; v < z.length; v++) if (!banned.has(v)) allowed.push(v);
  allowed.sort((a, b) => z[b]! - z[a]! || a - b);
  const kept = allowed.slice(0, Math.min(topK, allowed.length));
  const m = z[kept[0]!]! / temperature;
  const p = kept.map((v) => Math.exp(z[v]! / temperature - m));
  const total = p.reduce((a, b) => a + b, 0);
  let acc = 0;
  const target = u * total;
  for (let i = 0; i < kept.length; i++) {
    acc += p[i]!;
    if (target < acc) return kept[i]!;
  }
  return kept[kept.length - 1]!;
}

/** Plans loading a GPT from model.json (see `planTextModel`). */
export function planGPT(modelJSON: unknown, where: string): LoadPlan<GPT> {
  return planTextModel(modelJSON, where, GPT_KIND);
}

/**
 * Makes a new GPT with random weights (from `seed`) for the given character tokenizer; train it with `train`.
 *
 * @param options `tokenizer` (required), `dim` (64), `layers` (2), `heads` (4), `hidden` (4 dim), `context`
 *   (16), `dropout` (0.1), `seed` (0).
 * @returns a GPT the caller owns (dispose it).
 * @throws GlassboxError INVALID_ARGUMENT naming the option.
 *
 * @example
 * ```ts
 * const gpt = createGPT({ tokenizer: await namesTokenizer(), layers: 2, seed: 1 });
 * await train(gpt, await loadNames({ split: 'train' }), { epochs: 20, seed: 1 });
 * ```
 */
export function createGPT(options: GPTOptions): GPT {
  return createTextModel(GPT_KIND, options, GPT_OPTION_KEYS, 'createGPT');
}
