import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { checkOptionKeys } from '../contract/option-keys.js';
import { GlassboxError, describe } from '../errors.js';
import { assertNumber, isTensor } from '../contract/validate.js';
import { assertFloatOfRank, checkRate, checkSeed, formatShape } from './common.js';
import { dropoutImpl } from './dropout.js';
import {
  attentionBias,
  checkBooleanOption,
  checkMatrix,
  checkOptionalVector,
  checkPaddingMask,
  checkParam,
  linearLastAxis,
} from './block-common.js';

/**
 * The projections of a multi-head self-attention. With I = heads * keyDim inner features, head h uses
 * columns h * keyDim .. (h + 1) * keyDim - 1 of wq, wk and wv (and the same rows of wo).
 */
export interface AttentionParams {
  /** Query projection, float32 [D, I]. */
  wq: Tensor;
  /** Key projection, float32 [D, I]. */
  wk: Tensor;
  /** Value projection, float32 [D, I]. */
  wv: Tensor;
  /** Output projection, float32 [I, Dout]. */
  wo: Tensor;
  /** Biases [I] (bq, bk, bv) and [Dout] (bo); each null/undefined for none. */
  bq?: Tensor | null;
  bk?: Tensor | null;
  bv?: Tensor | null;
  bo?: Tensor | null;
}

/** Options of `multiHeadAttention`. */
export interface MultiHeadAttentionOptions {
  /** Number of heads, an integer >= 1 that divides I (the columns of wq). Required. */
  heads: number;
  /** true: position t attends only to positions <= t (decoders such as GPT); default false. */
  causal?: boolean;
  /**
   * [N, T] tensor (bool, int32 or float32) with 1 for a real token and 0 for padding; padded positions get
   * attention probability exactly 0 as keys. Default: no padding.
   */
  paddingMask?: Tensor | null;
  /** Also return the attention probabilities [N, H, T, T] (default false). */
  returnProbs?: boolean;
  /** Dropout rate on the attention probabilities, in [0, 1) (default 0: none; use only in training). */
  dropout?: number;
  /** Seed of the dropout mask, an integer (default 0). */
  seed?: number;
  /**
   * Multiplicative gate on the attention probabilities, float32 [N, H, T, T]: the values mix with
   * probs ⊙ attentionGate instead of probs (before dropout). Default none. With a gate of ones the output is
   * bit-identical to no gate; its gradient there is probs ⊙ d(output)/d(probs), which is what
   * gradient-weighted attention explanations need (`probs` are still returned ungated).
   */
  attentionGate?: Tensor | null;
}

/** What `multiHeadAttention` returns; the caller owns the tensors (`tf.dispose(result)`). */
export type AttentionResult = {
  /** float32 [N, T, Dout]. */
  output: Tensor;
  /** float32 [N, H, T, T]: probs[n, h, i, j] is how much position i attends to position j in head h. */
  probs?: Tensor;
};

/** Checked attention parameters. */
export interface AttentionConfig {
  heads: number;
  keyDim: number;
  bq: Tensor | null;
  bk: Tensor | null;
  bv: Tensor | null;
  bo: Tensor | null;
}

/** Checks the projections against x [N, T, D] and the head count. */
export function checkAttentionParams(params: unknown, d: number, heads: number, where: string, prefix = 'params'): AttentionConfig {
  if (params === null || typeof params !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${prefix} must be { wq, wk, wv, wo, bq?, bk?, bv?, bo? }, got ${describe(params)}`);
  }
  const p = params as AttentionParams;
  const hint = ` (x has ${d} features on its last axis)`;
  const inner = checkMatrix(p.wq, `${prefix}.wq`, d, where, hint);
  checkParam(p.wk, `${prefix}.wk`, [d, inner], where, ` (like ${prefix}.wq)`);
  checkParam(p.wv, `${prefix}.wv`, [d, inner], where, ` (like ${prefix}.wq)`);
  const out = checkMatrix(p.wo, `${prefix}.wo`, inner, where, ` (${prefix}.wq has ${inner} columns)`);
  if (inner % heads !== 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: heads must divide the ${inner} columns of ${prefix}.wq (heads * keyDim), got heads ${heads}`);
  }
  return {
    heads,
    keyDim: inner / heads,
    bq: checkOptionalVector(p.bq, `${prefix}.bq`, inner, where),
    bk: checkOptionalVector(p.bk, `${prefix}.bk`, inner, where),
    bv: checkOptionalVector(p.bv, `${prefix}.bv`, inner, where),
    bo: checkOptionalVector(p.bo, `${prefix}.bo`, out, where),
  };
}

/**
 * Multi-head self-attention without checks. `bias` is the additive mask from `attentionBias` (or null);
 * `gate` (or null) multiplies the probabilities; dropout (rate > 0) is then applied to them with `seed`.
 * Returns the probabilities (before gate and dropout) when `wantProbs`.
 */
export function attentionImpl(
  x: Tensor,
  wq: Tensor,
  wk: Tensor,
  wv: Tensor,
  wo: Tensor,
  config: AttentionConfig,
  bias: Tensor | null,
  dropout: number,
  seed: number,
  wantProbs: boolean,
  gate: Tensor | null = null,
): AttentionResult {
  return tf.tidy(() => {
    const [n, t] = [x.shape[0]!, x.shape[1]!];
    const { heads, keyDim } = config;
    const inner = heads * keyDim;
    // [N, T, I] -> [N, H, T, keyDim]
    const split = (w: Tensor, b: Tensor | null): Tensor => tf.transpose(tf.reshape(linearLastAxis(x, w, b), [n, t, heads, keyDim]), [0, 2, 1, 3]);
    const q = split(wq, config.bq);
    const k = split(wk, config.bk);
    const v = split(wv, config.bv);
    let scores = tf.mul(tf.matMul(q, k, false, true), tf.scalar(1 / Math.sqrt(keyDim)));
    if (bias !== null) scores = tf.add(scores, bias);
    const probs = tf.softmax(scores);
    const gated = gate === null ? probs : tf.mul(probs, gate);
    const used = dropout > 0 ? dropoutImpl(gated, dropout, seed) : gated;
    const context = tf.reshape(tf.transpose(tf.matMul(used, v), [0, 2, 1, 3]), [n, t, inner]);
    const output = linearLastAxis(context, wo, config.bo);
    return wantProbs ? { output, probs } : { output };
  });
}

export const MULTI_HEAD_ATTENTION_OPTIONS = ['heads', 'causal', 'paddingMask', 'returnProbs', 'dropout', 'seed', 'attentionGate'] as const;

/**
 * Checks an attention gate: a live float32 tensor [n, heads, t, t]. `name` is how the caller calls it.
 * @throws GlassboxError INVALID_ARGUMENT (not a live float32 tensor), SHAPE_MISMATCH (another shape).
 */
export function checkAttentionGate(gate: unknown, n: number, heads: number, t: number, where: string, name = 'options.attentionGate'): Tensor {
  if (!isTensor(gate) || (gate as Tensor & { isDisposed?: boolean }).isDisposed) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a live float32 tensor [${n}, ${heads}, ${t}, ${t}] (N, heads, T, T), got ${describe(gate)}`);
  }
  if (gate.dtype !== 'float32') throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be float32, got dtype ${gate.dtype}`);
  const want = [n, heads, t, t];
  if (gate.rank !== 4 || gate.shape.some((d, i) => d !== want[i])) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have shape [${want.join(', ')}] (N, heads, T, T: one gate per attention probability), got ${formatShape(gate.shape)}`);
  }
  return gate;
}

/** Checks the options of `multiHeadAttention` against x [N, T, D]. */
export function resolveAttentionOptions(
  options: unknown,
  n: number,
  t: number,
  where: string,
  allowed: readonly string[] = MULTI_HEAD_ATTENTION_OPTIONS,
): { heads: number; causal: boolean; paddingMask: Tensor | null; returnProbs: boolean; dropout: number; seed: number; attentionGate: Tensor | null } {
  const o = checkOptionKeys<MultiHeadAttentionOptions>(options, allowed, where);
  const heads = assertNumber(o.heads, 'options.heads', where, { integer: true, min: 1 });
  return {
    heads,
    causal: checkBooleanOption(o.causal, false, 'options.causal', where),
    paddingMask: o.paddingMask === undefined || o.paddingMask === null ? null : checkPaddingMask(o.paddingMask, n, t, where),
    returnProbs: checkBooleanOption(o.returnProbs, false, 'options.returnProbs', where),
    dropout: o.dropout === undefined ? 0 : checkRate(o.dropout, 'options.dropout', where),
    seed: o.seed === undefined ? 0 : checkSeed(o.seed, 'options.seed', where),
    attentionGate: o.attentionGate === undefined || o.attentionGate === null ? null : checkAttentionGate(o.attentionGate, n, heads, t, where),
  };
}

/**
 * Multi-head scaled dot-product self-attention: every position builds a query, a key and a value from its
 * vector; it then takes a weighted average of all positions' values, weighted by how well its query matches
 * their keys. Several heads do this in parallel on smaller projections and their results are concatenated
 * and projected back. A causal mask keeps position t from looking at later positions (so a decoder can be
 * trained to predict the next token); a padding mask keeps every position from looking at padding.
 *
 * Formula: for each head h, Q_h = x Wq_h + bq_h, K_h = x Wk_h + bk_h, V_h = x Wv_h + bv_h (each [T, keyDim]),
 * P_h = softmax(Q_h K_hᵀ / √keyDim + M) [T, T], head_h = P_h V_h;
 * output = concat_h(head_h) Wo + bo. M is 0 where query i may attend to key j and -1e9 where it may not
 * (j > i when causal; key j padded), so a masked key gets probability exactly 0. A query whose keys are all
 * masked (e.g. a padded position under a causal mask with left padding) attends uniformly to them: its
 * output is finite but meaningless; leave such positions out of the loss.
 *
 * Paper: Vaswani, Shazeer, Parmar, Uszkoreit, Jones, Gomez, Kaiser & Polosukhin 2017, "Attention Is All You
 * Need", arXiv:1706.03762.
 *
 * @param x float32 [N, T, D].
 * @param params `{ wq, wk, wv [D, I], wo [I, Dout], bq?, bk?, bv? [I], bo? [Dout] }`, I = heads * keyDim.
 * @param options `heads` (required), `causal` (default false), `paddingMask` ([N, T], 1 token / 0 padding;
 *   default none), `returnProbs` (default false), `dropout` (rate on the probabilities, default 0), `seed`
 *   (of the dropout mask, default 0), `attentionGate` ([N, H, T, T] multiplying the probabilities; default none).
 * @returns `{ output [N, T, Dout], probs? [N, H, T, T] }` (probs before dropout, when asked); the caller
 *   owns them.
 * @throws GlassboxError SHAPE_MISMATCH when x is not [N, T, D] or a parameter / the mask does not fit;
 *   INVALID_ARGUMENT for heads that do not divide I, mask values other than 0/1, bad options.
 *
 * @example
 * ```ts
 * const { output, probs } = multiHeadAttention(h, { wq, wk, wv, wo }, { heads: 4, causal: true, returnProbs: true });
 * // output [N, T, D], probs [N, 4, T, T]; each row of probs sums to 1 and is 0 above the diagonal.
 * ```
 */
export function multiHeadAttention(
  x: Tensor,
  params: AttentionParams,
  options: MultiHeadAttentionOptions & { returnProbs: true },
): { output: Tensor; probs: Tensor };
export function multiHeadAttention(x: Tensor, params: AttentionParams, options: MultiHeadAttentionOptions): AttentionResult;
export function multiHeadAttention(x: Tensor, params: AttentionParams, options: MultiHeadAttentionOptions): AttentionResult {
  const where = 'multiHeadAttention';
  assertFloatOfRank(x, 'x', where, 3, ' ([N, T, D]: N sequences of T positions with D features)');
  const [n, t, d] = [x.shape[0]!, x.shape[1]!, x.shape[2]!];
  if (n < 1 || t < 1 || d < 1) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: x must have N, T, D >= 1, got shape ${formatShape(x.shape)}`);
  }
  const o = resolveAttentionOptions(options, n, t, where);
  const config = checkAttentionParams(params, d, o.heads, where);
  return tf.tidy(() => {
    const bias = attentionBias(t, o.causal, o.paddingMask);
    return attentionImpl(x, params.wq, params.wk, params.wv, params.wo, config, bias, o.dropout, o.seed, o.returnProbs, o.attentionGate);
  });
}
