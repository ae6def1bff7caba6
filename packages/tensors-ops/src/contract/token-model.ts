import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { isTensor } from './validate.js';
import type { PooledModelSpec } from '../pool/types.js';

/**
 * How a pool worker rebuilds a token model: its network as a pooled `ResidualModel` description
 * (`ResidualModel.toPooledModel()`) and the block after which `embed` ends. The worker runs `embed` as
 * `network.split(split).features(ids)` and `forwardFromEmbeddings(e, { paddingMask })` as its `head`, so a model
 * may give this only when its own `embed` and `forwardFromEmbeddings` are exactly those.
 */
export interface PooledTokenModel {
  network: Extract<PooledModelSpec, { kind: 'residual' }>;
  split: string;
}

/**
 * A model that reads token ids. Gradient explainers explain it through its input embeddings (the ids are not
 * differentiable): `forwardFromEmbeddings(embed(ids))` is the model's output. Perturbation explainers take its
 * int32 ids directly. The models of @glassbox/models-transformer have these members; any object with them works.
 *
 * The output of `forwardFromEmbeddings` is [N, K] (or [N]) scores, or [N, T, K] for a causal language model, in
 * which case the explained scores are those of the last position: the logits of the next token.
 */
export interface TokenModel {
  /** int32 ids [N, T] -> float32 [N, T, D] (the caller owns the result). */
  embed(ids: Tensor): Tensor;
  /**
   * float32 [N, T, D] -> [N, K], [N] or [N, T, K]. `paddingMask` ([N, T] float32, 1 token / 0 padding) is passed
   * only when the rows hold `padId` and the model declares one.
   */
  forwardFromEmbeddings(e: Tensor, options?: { paddingMask?: Tensor }): Tensor;
  /** Number of token ids V: valid ids are 0..V-1. */
  readonly vocabSize: number;
  /** The id that stands for "no token" in a baseline (a [MASK] or [PAD] token); default baseline of the methods. */
  readonly maskId?: number;
  /** The padding id; positions holding it are masked out of attention and are not explained. */
  readonly padId?: number;
  /** The attention probabilities of every layer, one [N, H, T, T] per layer (the caller owns them). */
  attention?(ids: Tensor): Tensor[];
  /**
   * The model's output on ids (what `forwardFromEmbeddings(embed(ids), { paddingMask })` returns) with the
   * attention probabilities of layer l multiplied elementwise by `gates[l]` ([N, H, T, T], one per layer as
   * `attention` returns them) after the softmax. Differentiable with respect to the gates: at gates of ones the
   * output is unchanged (bit-identical) and d y / d gates[l] = A_l ⊙ d y / d A_l, which gradient-weighted
   * attention explanations read. The caller owns the result.
   */
  forwardWithAttentionGates?(ids: Tensor, gates: readonly Tensor[]): Tensor;
  /**
   * Optional: the model as data a worker pool can rebuild (see `PooledTokenModel`). With it, explainers run a
   * token call's batches on `options.pool`; without it they refuse the pool.
   */
  toPooledTokenModel?(): PooledTokenModel;
}

/** True for an object (or function) with `embed`, `forwardFromEmbeddings` and a numeric `vocabSize`. */
export function isTokenModel(value: unknown): value is TokenModel {
  if (value == null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const v = value as Partial<TokenModel>;
  return typeof v.embed === 'function' && typeof v.forwardFromEmbeddings === 'function' && typeof v.vocabSize === 'number';
}

/**
 * Checks token ids: an int32 tensor [N, T] with N >= 1, T >= 1 and (when `vocabSize` is given) every id in
 * 0..vocabSize-1.
 *
 * @throws GlassboxError INVALID_ARGUMENT (not a tensor, not int32 (float tokens), disposed, an empty sequence,
 *   an id out of range, naming the first one and its position), SHAPE_MISMATCH (not rank 2).
 */
export function checkTokenIds(ids: unknown, where: string, name = 'x', vocabSize?: number): asserts ids is Tensor {
  if (!isTensor(ids)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an int32 tensor of token ids [N, T], got ${describe(ids)}`);
  if ((ids as Tensor & { isDisposed?: boolean }).isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} has been disposed`);
  if (ids.dtype !== 'int32') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must hold int32 token ids [N, T], got dtype ${ids.dtype} (use tf.tensor2d(ids, shape, 'int32'))`);
  }
  if (ids.rank !== 2) throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must be token ids [N, T], got shape [${ids.shape.join(', ')}]`);
  if (ids.shape[0] === 0 || ids.shape[1] === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must hold at least one row of at least one token, got shape [${ids.shape.join(', ')}] (an empty sequence)`);
  }
  const data = ids.dataSync();
  const t = ids.shape[1]!;
  for (let i = 0; i < data.length; i++) {
    const id = data[i]!;
    if (id < 0 || (vocabSize !== undefined && id >= vocabSize)) {
      const range = vocabSize === undefined ? '>= 0' : `in 0..${vocabSize - 1}`;
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must hold token ids ${range}, got ${id} at row ${Math.floor(i / t)}, position ${i % t}`);
    }
  }
}

/**
 * Checks a baseline token id (an integer in 0..vocabSize-1 when vocabSize is known).
 * @throws GlassboxError INVALID_ARGUMENT naming `name`.
 */
export function checkTokenId(id: unknown, where: string, name: string, vocabSize?: number): number {
  const ok = typeof id === 'number' && Number.isInteger(id) && id >= 0 && (vocabSize === undefined || id < vocabSize);
  if (!ok) {
    const range = vocabSize === undefined ? 'a non-negative integer' : `an integer in 0..${vocabSize - 1}`;
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a token id, ${range}, got ${describe(id)}`);
  }
  return id as number;
}

/**
 * The scores a token model's output stands for: [N, K] and [N] as they are; [N, T, K] (a causal language model)
 * cut to the last position, [N, K]. Disposes nothing: call it inside a tidy.
 */
export function lastPositionScores(out: Tensor): Tensor {
  if (out.rank !== 3) return out;
  const [n, t, k] = out.shape as [number, number, number];
  return tf.reshape(tf.slice(out, [0, t - 1, 0], [n, 1, k]), [n, k]);
}

/**
 * The model as a function of ids (ids -> scores): embed then forwardFromEmbeddings (with the padding mask when
 * the rows hold the model's padId), cut to the last position for a causal language model. What perturbation
 * explainers call when handed a TokenModel.
 */
export function tokenModelForward(model: TokenModel): (ids: Tensor) => Tensor {
  return (ids: Tensor) =>
    tf.tidy(() => {
      const e = model.embed(ids);
      const mask = paddingMaskOf(model, ids);
      const out = mask === undefined ? model.forwardFromEmbeddings(e) : model.forwardFromEmbeddings(e, { paddingMask: mask });
      return lastPositionScores(out);
    });
}

/**
 * The model as a function of embedding points (what gradient explainers differentiate): [M, T, D] ->
 * forwardFromEmbeddings, cut to the last position for a causal language model. With `masked`, the points are
 * [M, T, D + 1] and their last channel is the padding mask: it is split off and read as a constant (its values,
 * not its tape, rounded to 0/1, so gradients flow only into the embeddings) and passed as `paddingMask`.
 */
export function embeddingPointsForward(model: TokenModel, masked: boolean): (p: Tensor) => Tensor {
  return (p: Tensor) =>
    tf.tidy(() => {
      if (!masked) return lastPositionScores(model.forwardFromEmbeddings(p));
      const [m, t, c] = p.shape as [number, number, number];
      const d = c - 1;
      const e = tf.slice(p, [0, 0, 0], [m, t, d]);
      // 0/1 again even if noise reached the channel (a wrapped explainer's own noise).
      const values = Float32Array.from(tf.slice(p, [0, 0, d], [m, t, 1]).dataSync(), (v) => (v > 0.5 ? 1 : 0));
      const mask = tf.tensor(values, [m, t], 'float32');
      return lastPositionScores(model.forwardFromEmbeddings(e, { paddingMask: mask }));
    });
}

/** [N, T] float32, 1 where ids != padId, or undefined when the model has no padId or the rows hold none. */
export function paddingMaskOf(model: TokenModel, ids: Tensor): Tensor | undefined {
  if (model.padId === undefined) return undefined;
  const data = ids.dataSync();
  let any = false;
  for (let i = 0; i < data.length; i++) if (data[i] === model.padId) { any = true; break; }
  if (!any) return undefined;
  return tf.tidy(() => tf.cast(tf.notEqual(ids, tf.scalar(model.padId!, 'int32')), 'float32'));
}
