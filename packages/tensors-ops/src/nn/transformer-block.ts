import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { assertNumber, isTensor } from '../contract/validate.js';
import { assertFloatOfRank, formatShape, mixSeed } from './common.js';
import { dropoutImpl } from './dropout.js';
import { LAYER_NORM_EPSILON, layerNormImpl, type LayerNormParams } from './layer-norm.js';
import { GELU_APPROXIMATIONS, geluMlpImpl, type GeluApproximate, type GeluMlpParams } from './gelu-mlp.js';
import {
  MULTI_HEAD_ATTENTION_OPTIONS,
  attentionImpl,
  checkAttentionParams,
  resolveAttentionOptions,
  type AttentionConfig,
  type AttentionParams,
  type AttentionResult,
  type MultiHeadAttentionOptions,
} from './attention.js';
import { attentionBias, checkMatrix, checkOptionalVector, checkParam } from './block-common.js';

/** The parameters of a pre-norm Transformer block, by sub-layer (x has D features). */
export interface TransformerBlockParams {
  /** Layer norm before the attention: gamma, beta [D]. */
  ln1: LayerNormParams;
  /** Self-attention: wq, wk, wv [D, I], wo [I, D], optional biases. */
  attention: AttentionParams;
  /** Layer norm before the MLP: gamma, beta [D]. */
  ln2: LayerNormParams;
  /** GELU MLP: w1 [D, hidden], w2 [hidden, D], optional biases. */
  mlp: GeluMlpParams;
}

/** Options of `transformerBlock`: those of `multiHeadAttention` and a few more. */
export interface TransformerBlockOptions extends MultiHeadAttentionOptions {
  /** Epsilon of both layer norms, > 0 (default 1e-5). */
  epsilon?: number;
  /** The MLP's GELU: 'tanh' (default) or 'none' (exact). */
  approximate?: GeluApproximate;
  /**
   * Dropout rate in [0, 1) (default 0; use only in training) on the attention probabilities and on the
   * output of each sub-layer before it is added to the residual stream, with masks derived from `seed`.
   */
  dropout?: number;
}

/** Checked parameters of a transformer block. */
export interface TransformerBlockConfig {
  attention: AttentionConfig;
  epsilon: number;
  approximate: GeluApproximate;
  b1: Tensor | null;
  b2: Tensor | null;
}

/** Checks the parameters of a transformer block against D features. */
export function checkTransformerParams(params: unknown, d: number, heads: number, epsilon: number, approximate: GeluApproximate, where: string): TransformerBlockConfig {
  if (params === null || typeof params !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: params must be { ln1, attention, ln2, mlp }, got ${describe(params)}`);
  }
  const p = params as TransformerBlockParams;
  for (const key of ['ln1', 'attention', 'ln2', 'mlp'] as const) {
    if (p[key] === null || typeof p[key] !== 'object') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: params.${key} must be an object of tensors, got ${describe(p[key])}`);
    }
  }
  const hint = ` (x has ${d} features on its last axis)`;
  for (const ln of ['ln1', 'ln2'] as const) {
    checkParam(p[ln].gamma, `params.${ln}.gamma`, [d], where, hint);
    checkParam(p[ln].beta, `params.${ln}.beta`, [d], where, hint);
  }
  const wo = p.attention.wo;
  if (isTensor(wo) && wo.rank === 2 && wo.shape[1] !== d) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: params.attention.wo must have ${d} columns (its output is added to x), got shape ${formatShape(wo.shape)}`);
  }
  const attention = checkAttentionParams(p.attention, d, heads, where, 'params.attention');
  const hidden = checkMatrix(p.mlp.w1, 'params.mlp.w1', d, where, hint);
  const b1 = checkOptionalVector(p.mlp.b1, 'params.mlp.b1', hidden, where);
  checkParam(p.mlp.w2, 'params.mlp.w2', [hidden, d], where, ` (back to the ${d} features of x)`);
  const b2 = checkOptionalVector(p.mlp.b2, 'params.mlp.b2', d, where);
  return { attention, epsilon, approximate, b1, b2 };
}

/**
 * A pre-norm transformer block without checks; `bias` is the additive attention mask (or null), `gate` (or
 * null) multiplies the attention probabilities.
 */
export function transformerBlockImpl(
  x: Tensor,
  p: TransformerBlockParams,
  config: TransformerBlockConfig,
  bias: Tensor | null,
  dropout: number,
  seed: number,
  wantProbs: boolean,
  gate: Tensor | null = null,
): AttentionResult {
  return tf.tidy(() => {
    const drop = (h: Tensor, stream: number): Tensor => (dropout > 0 ? dropoutImpl(h, dropout, mixSeed(seed, stream)) : h);
    const a = attentionImpl(
      layerNormImpl(x, p.ln1.gamma, p.ln1.beta, config.epsilon),
      p.attention.wq,
      p.attention.wk,
      p.attention.wv,
      p.attention.wo,
      config.attention,
      bias,
      dropout,
      mixSeed(seed, 1),
      wantProbs,
      gate,
    );
    const h = tf.add(x, drop(a.output, 2));
    const m = geluMlpImpl(layerNormImpl(h, p.ln2.gamma, p.ln2.beta, config.epsilon), p.mlp.w1, config.b1, p.mlp.w2, config.b2, config.approximate);
    const output = tf.add(h, drop(m, 3));
    return a.probs === undefined ? { output } : { output, probs: a.probs };
  });
}

/**
 * A pre-norm Transformer block (GPT-2 style): self-attention and then a GELU MLP, each reading a layer-normed
 * copy of the residual stream and adding its result back to it. Stacking such blocks gives GPT (causal) or a
 * BERT-style encoder (not causal, with a padding mask).
 *
 * Formula: h = x + MHA(LN1(x)); y = h + MLP(LN2(h)), with LN the layer norm (`layerNorm`), MHA the multi-head
 * self-attention (`multiHeadAttention`, causal / padding masks as there) and MLP(z) = gelu(z W1 + b1) W2 + b2
 * (`geluMlp`). In training, dropout (rate `dropout`) acts on the attention probabilities and on MHA(...) and
 * MLP(...) before each addition.
 *
 * Paper: Vaswani et al. 2017, "Attention Is All You Need", arXiv:1706.03762; pre-norm placement as in
 * Radford, Wu, Child, Luan, Amodei & Sutskever 2019 (GPT-2) and Xiong et al. 2020, "On Layer Normalization in
 * the Transformer Architecture", arXiv:2002.04745.
 *
 * @param x float32 [N, T, D].
 * @param params `{ ln1: { gamma, beta }, attention: { wq, wk, wv, wo, bq?, bk?, bv?, bo? }, ln2: { gamma, beta },
 *   mlp: { w1, b1?, w2, b2? } }`, with wo [I, D] and w2 [hidden, D] so that the sub-layers return D features.
 * @param options those of `multiHeadAttention` (`heads` required, `causal`, `paddingMask`, `returnProbs`,
 *   `seed`, `attentionGate`), plus `epsilon` (layer norms, default 1e-5), `approximate` (GELU, 'tanh' default or 'none'),
 *   `dropout` (default 0).
 * @returns `{ output [N, T, D], probs? [N, H, T, T] }`; the caller owns them.
 * @throws GlassboxError SHAPE_MISMATCH / INVALID_ARGUMENT as the blocks it is made of.
 *
 * @example
 * ```ts
 * const { output } = transformerBlock(h, params, { heads: 4, causal: true }); // [N, T, D]
 * ```
 */
export function transformerBlock(
  x: Tensor,
  params: TransformerBlockParams,
  options: TransformerBlockOptions & { returnProbs: true },
): { output: Tensor; probs: Tensor };
export function transformerBlock(x: Tensor, params: TransformerBlockParams, options: TransformerBlockOptions): AttentionResult;
export function transformerBlock(x: Tensor, params: TransformerBlockParams, options: TransformerBlockOptions): AttentionResult {
  const where = 'transformerBlock';
  assertFloatOfRank(x, 'x', where, 3, ' ([N, T, D]: N sequences of T positions with D features)');
  const [n, t, d] = [x.shape[0]!, x.shape[1]!, x.shape[2]!];
  if (n < 1 || t < 1 || d < 1) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: x must have N, T, D >= 1, got shape ${formatShape(x.shape)}`);
  }
  const o = resolveAttentionOptions(options, n, t, where, [...MULTI_HEAD_ATTENTION_OPTIONS, 'epsilon', 'approximate']);
  const raw = options as TransformerBlockOptions;
  const epsilon = assertNumber(raw.epsilon ?? LAYER_NORM_EPSILON, 'options.epsilon', where, { gt: 0 });
  const approximate = raw.approximate ?? 'tanh';
  if (!GELU_APPROXIMATIONS.includes(approximate)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.approximate must be 'tanh' or 'none', got ${describe(approximate)}`);
  }
  const config = checkTransformerParams(params, d, o.heads, epsilon, approximate, where);
  return tf.tidy(() => transformerBlockImpl(x, params, config, attentionBias(t, o.causal, o.paddingMask), o.dropout, o.seed, o.returnProbs, o.attentionGate));
}
