/**
 * The part of GPT and TextClassifier that does not depend on the kind of model (internal): the network of
 * blocks, its split into embeddings and the rest, attention maps, saving and loading.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  checkOptionKeys,
  describe,
  encodeWeights,
  planResidualModel,
  saveWeightsToFiles,
  tf,
  type BlockSpec,
  type EncodedWeights,
  type PooledTokenModel,
  type ResidualModel,
  type ResidualSplit,
  type SavedFiles,
} from '@glassbox/tensors-ops';
import { asBadWeights, badWeights, topologyOf, type LoadPlan } from '@glassbox/tensors-ops/models';
import { tokenizerFromJSON, type CharTokenizer, type WordTokenizer } from '@glassbox/datasets';
import { TRANSFORMER_FORMAT, checkAlive, checkGates, checkIdsTensor, idsToArray, layerNames, type ArchitectureOptions, type TransformerKind } from './common.js';

/** The name of the block after which `embed` ends (token plus positional embedding). */
export const EMBEDDING_BLOCK = 'positions';

/** model.json's modelTopology for a text model. */
export interface TransformerTopology {
  format: typeof TRANSFORMER_FORMAT;
  version: 1;
  kind: TransformerKind;
  /** The resolved options the model was made with (no tokenizer). */
  options: Record<string, unknown>;
  /** The tokenizer's vocabulary (`tokenizer.toJSON()`). */
  tokenizer: unknown;
  /** The network's architecture (`ResidualModel.toJSON()`); the weights are named after its blocks. */
  network: ReturnType<ResidualModel['toJSON']>;
}

/** What the base class needs from a subclass. */
export abstract class TextModel<Tok extends CharTokenizer | WordTokenizer> {
  /** The network of blocks (a `ResidualModel`): parameters, `applyWithActivations`, `toPooledModel`, ... */
  readonly network: ResidualModel;
  /** The tokenizer whose ids the model reads (its vocabulary is saved with the weights). */
  readonly tokenizer: Tok;
  /** Names of the Transformer blocks in order ('h0', 'h1', ...); `attention(ids)[i]` belongs to `layers[i]`. */
  readonly layers: readonly string[];
  /** Number of token ids V. */
  readonly vocabSize: number;
  /** Embedding width D (`embed` returns [N, T, D]). */
  readonly dim: number;
  /** Attention heads per block (`attention` returns [N, heads, T, T] per layer). */
  readonly heads: number;
  /** The longest sequence of ids the model reads. */
  readonly context: number;

  protected readonly parts: ResidualSplit;
  private disposedFlag = false;

  protected constructor(network: ResidualModel, tokenizer: Tok, arch: ArchitectureOptions) {
    this.network = network;
    this.tokenizer = tokenizer;
    this.layers = Object.freeze(layerNames(arch.layers));
    this.vocabSize = tokenizer.vocabSize;
    this.dim = arch.dim;
    this.heads = arch.heads;
    this.context = arch.context;
    this.parts = network.split(EMBEDDING_BLOCK);
    // Bound, so that they can be handed around as plain functions (e.g. to an explainer).
    this.embed = this.embed.bind(this);
    this.attention = this.attention.bind(this);
    this.forwardWithAttentionGates = this.forwardWithAttentionGates.bind(this);
  }

  /** The class name, for messages. */
  protected abstract get what(): string;
  /** The kind written in model.json. */
  protected abstract get kind(): TransformerKind;
  /** The resolved options written in model.json. */
  protected abstract get savedOptions(): Record<string, unknown>;

  /**
   * The id explainers put in place of a token (the tokenizer's mask id, which is its [PAD]): the default
   * baseline of gradient methods (its embedding) and of perturbation methods over tokens.
   */
  get maskId(): number {
    return this.tokenizer.maskId;
  }

  /**
   * The model as data for a worker pool (tensors-ops' `PooledTokenModel`): its network and the block where
   * `embed` ends. Explainers given `options.pool` run a call's batches on the pool's workers with it; the
   * description is reused while the weights keep their buffers.
   */
  toPooledTokenModel(): PooledTokenModel {
    this.alive(`${this.what}.toPooledTokenModel`);
    return { network: this.network.toPooledModel() as PooledTokenModel['network'], split: EMBEDDING_BLOCK };
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Throws INVALID_ARGUMENT when disposed. */
  protected alive(where: string): void {
    checkAlive(this.disposedFlag, where, this.what);
  }

  /** Checks ids [N, T] (int32, T <= context, ids in range) for `where`. */
  protected checkIds(ids: unknown, where: string, name = 'ids'): asserts ids is Tensor {
    this.alive(where);
    checkIdsTensor(ids, this.vocabSize, this.context, where, name);
  }

  /**
   * The text of ids, as the model's tokenizer decodes it: a GPT skips [PAD] and [START], ends at the first
   * [END] and writes [UNK] as U+FFFD; a TextClassifier joins the word pieces with spaces, skipping [PAD] and
   * [CLS] and writing [UNK] as '[UNK]'.
   * @param ids an array of ids, an Int32Array, or an int32 tensor [T] or [1, T].
   * @throws GlassboxError INVALID_ARGUMENT for ids outside 0..vocabSize-1 or of the wrong type.
   */
  decode(ids: ArrayLike<number> | Tensor): string {
    const where = `${this.what}.decode`;
    this.alive(where);
    return this.tokenizer.decode(idsToArray(ids, where));
  }

  /**
   * The model's input vectors: the token embedding of each id plus the positional embedding of its position,
   * e[n, t, :] = tokens[ids[n, t], :] + positions[t, :]. Gradient explainers explain a text model through these
   * (the ids themselves are not differentiable): `forwardFromEmbeddings(embed(ids))` gives the model's output.
   *
   * @param ids int32 [N, T], 1 <= T <= context, every id in 0..vocabSize-1.
   * @returns float32 [N, T, D] that the caller owns.
   * @throws GlassboxError INVALID_ARGUMENT (not an int32 tensor, ids out of range), SHAPE_MISMATCH (not
   *   [N, T], or T > context).
   */
  embed(ids: Tensor): Tensor {
    const where = `${this.what}.embed`;
    this.checkIds(ids, where);
    return this.parts.features(ids, {});
  }

  /**
   * The attention probabilities of every layer: one float32 [N, H, T, T] per Transformer block, in the
   * order of `layers`. probs[n, h, i, j] is how much position i attends to position j in head h of that
   * layer; each row sums to 1 (and, in a GPT, is 0 above the diagonal).
   *
   * @param ids int32 [N, T] as for `embed`.
   * @returns the tensors (the caller owns them).
   */
  attention(ids: Tensor): Tensor[] {
    const where = `${this.what}.attention`;
    this.checkIds(ids, where);
    return this.network.attention(ids, {});
  }

  /**
   * The model's output on ids (`logits` for a GPT, `predict` for a classifier: what `forwardFromEmbeddings`
   * returns on `embed(ids)` with the padding mask) with the attention probabilities of layer l multiplied
   * elementwise by `gates[l]` after the softmax, before they mix the values:
   * head_h = (A_h ⊙ G_h) V_h. Gates of ones give the model's output bit for bit; the gradient of an output with
   * respect to gates[l] at ones is A_l ⊙ d output / d A_l, what gradient-weighted attention explanations read
   * (Chefer, Gur & Wolf 2021, arXiv:2103.15679). Differentiable with respect to the gates.
   *
   * @param ids int32 [N, T] as for `embed`.
   * @param gates one float32 [N, heads, T, T] per layer, in the order of `layers` (the shapes `attention`
   *   returns).
   * @returns float32 [N, T, V] (GPT) or [N, K] (classifier) that the caller owns.
   * @throws GlassboxError as `embed` for ids; INVALID_ARGUMENT (not an array of one tensor per layer, not
   *   float32) or SHAPE_MISMATCH (a gate of another shape) naming `gates[l]`.
   */
  forwardWithAttentionGates(ids: Tensor, gates: readonly Tensor[]): Tensor {
    const where = `${this.what}.forwardWithAttentionGates`;
    this.checkIds(ids, where);
    checkGates(gates, this.layers.length, [ids.shape[0]!, this.heads, ids.shape[1]!, ids.shape[1]!], where);
    return this.network.apply(ids, { attentionGates: gates });
  }

  /** The model.json topology (architecture, options and vocabulary; no weights). */
  toJSON(): TransformerTopology {
    return {
      format: TRANSFORMER_FORMAT,
      version: 1,
      kind: this.kind,
      options: this.savedOptions,
      tokenizer: this.tokenizer.toJSON(),
      network: this.network.toJSON(),
    };
  }

  /**
   * The model in the TensorFlow.js weights format: model.json (its modelTopology holds the kind, the
   * options, the tokenizer's vocabulary and the network's blocks; its manifest lists every weight) and the
   * bytes of weights.bin (little-endian float32). The class's `load` reads it back.
   * @returns `{ modelJSON, weightData }`.
   */
  async save(): Promise<EncodedWeights> {
    this.alive(`${this.what}.save`);
    const weights = this.network.getWeights();
    try {
      return await encodeWeights(weights, { modelTopology: this.toJSON() });
    } finally {
      tf.dispose(weights);
    }
  }

  /**
   * Writes model.json and weights.bin into a folder (created if needed). Node only.
   * @param dir the folder.
   * @returns the paths written and the weight bytes.
   */
  async saveToDir(dir: string): Promise<SavedFiles> {
    const where = `${this.what}.saveToDir`;
    this.alive(where);
    if (typeof dir !== 'string' || dir.length === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: dir must be a non-empty path string, got ${describe(dir)}`);
    const weights = this.network.getWeights();
    try {
      return await saveWeightsToFiles(dir, weights, { modelTopology: this.toJSON() });
    } finally {
      tf.dispose(weights);
    }
  }

  /** Frees the model's tensors. It cannot be used afterwards. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.network.dispose();
    this.disposedFlag = true;
  }
}

/** What `planTextModel` and `createTextModel` need to know about one kind of text model. */
export interface TextModelKind<M extends { network: ResidualModel; dispose(): void }, O extends { seed: number }, Tok> {
  /** The kind written in model.json. */
  kind: TransformerKind;
  /** Checks the options (all but the tokenizer) and fills in the defaults. */
  resolve: (options: unknown, where: string) => O;
  /** Checks a tokenizer (or its toJSON()) for this kind, naming it `name`. */
  tokenizerOf: (tokenizer: unknown, name: string, where: string) => Tok;
  /** The network's blocks for the resolved options. */
  specsOf: (options: O, tokenizer: Tok) => BlockSpec[];
  /** Makes the model (weights from `options.seed`). */
  make: (options: O, tokenizer: Tok) => M;
}

/**
 * A tokenizer from a tokenizer object or its `toJSON()`, as `tokenizerFromJSON` reads it; `expected` names
 * the class the caller wants, for the message.
 * @throws GlassboxError INVALID_ARGUMENT naming `name`.
 */
export function parseTokenizer(value: unknown, name: string, where: string, expected: string): CharTokenizer | WordTokenizer {
  let json: unknown = value;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    json = (value as { toJSON(): unknown }).toJSON();
  }
  try {
    return tokenizerFromJSON(json);
  } catch (e) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a ${expected} (or its toJSON()): ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Makes a new model of a kind from the options of `createGPT` / `createTextClassifier`: the tokenizer
 * (required), then the other options (`keys` are all the valid ones).
 * @throws GlassboxError INVALID_ARGUMENT naming the option.
 */
export function createTextModel<M extends { network: ResidualModel; dispose(): void }, O extends { seed: number }, Tok>(
  k: TextModelKind<M, O, Tok>,
  options: unknown,
  keys: readonly string[],
  where: string,
): M {
  if (options === undefined) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options must be an object with a tokenizer, got undefined`);
  const o = checkOptionKeys<Record<string, unknown>>(options, keys, where);
  const tokenizer = k.tokenizerOf(o.tokenizer, 'options.tokenizer', where);
  const { tokenizer: _t, ...rest } = o;
  return k.make(k.resolve(rest, where), tokenizer);
}

/**
 * What an `evaluate` call runs on: a split ('train' or 'test', loaded with `load`) or the given list, cut to
 * `limit` (undefined: all).
 * @throws GlassboxError INVALID_ARGUMENT naming `data` (`what` says what a list holds).
 */
export async function evaluationData<T>(
  data: unknown,
  limit: number | undefined,
  load: (options: { split: 'train' | 'test'; limit?: number }) => Promise<readonly T[]>,
  what: string,
  where: string,
): Promise<readonly T[]> {
  if (data === 'train' || data === 'test') return load(limit === undefined ? { split: data } : { split: data, limit });
  if (Array.isArray(data)) return limit === undefined ? (data as T[]) : (data as T[]).slice(0, limit);
  throw new GlassboxError('INVALID_ARGUMENT', `${where}: data must be 'train', 'test' or ${what}, got ${describe(data)}`);
}

/**
 * Plans loading a text model of `kind` from model.json without making tensors: checks the topology (format,
 * kind, options, vocabulary), counts the parameters of the architecture the options describe, and returns
 * `build(weights)`, which makes the model, checks that its blocks are the saved ones and sets the weights.
 * Every problem is BAD_WEIGHTS.
 */
export function planTextModel<M extends { network: ResidualModel; dispose(): void }, O extends { seed: number }, Tok>(
  modelJSON: unknown,
  where: string,
  k: TextModelKind<M, O, Tok>,
): LoadPlan<M> {
  const kind = k.kind;
  const t = topologyOf(modelJSON, where);
  if (t.format !== TRANSFORMER_FORMAT || t.version !== 1 || t.kind !== kind) {
    throw badWeights(
      where,
      `model.json's modelTopology must describe a ${kind} ({ format: '${TRANSFORMER_FORMAT}', version: 1, kind: '${kind}' }), got format ${describe(t.format)}, version ${describe(t.version)}, kind ${describe(t.kind)}`,
    );
  }
  let tokenizer: Tok;
  try {
    tokenizer = k.tokenizerOf(tokenizerFromJSON(t.tokenizer), 'modelTopology.tokenizer', where);
  } catch (e) {
    throw badWeights(where, `modelTopology.tokenizer is not a saved tokenizer of the right kind (${(e as Error).message})`, e);
  }
  const options = asBadWeights(where, () => k.resolve(t.options, 'modelTopology'));
  const specs = k.specsOf(options, tokenizer);
  const { elements } = asBadWeights(where, () =>
    planResidualModel({ modelTopology: { format: 'glassbox-residual', version: 1, inputShape: [null], seed: options.seed, blocks: specs } }, `${where}: modelTopology`),
  );
  const network = t.network as { blocks?: unknown; inputShape?: unknown } | null | undefined;
  if (network === null || typeof network !== 'object') throw badWeights(where, `modelTopology.network must be the network's JSON, got ${describe(network)}`);
  return {
    elements,
    build(weights: Record<string, Tensor>): M {
      const model = asBadWeights(where, () => k.make(options, tokenizer));
      try {
        const mine = model.network.toJSON();
        if (JSON.stringify(mine.blocks) !== JSON.stringify(network.blocks) || JSON.stringify(mine.inputShape) !== JSON.stringify(network.inputShape)) {
          throw badWeights(where, 'modelTopology.network does not match the blocks its options describe');
        }
        model.network.setWeights(weights);
        return model;
      } catch (e) {
        model.dispose();
        throw e;
      }
    },
  };
}
