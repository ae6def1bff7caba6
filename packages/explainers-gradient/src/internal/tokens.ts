/**
 * Gradient methods over the token embeddings of a TokenModel (tensors-ops' token contract): the ids x [N, T] are
 * not differentiable, so a method explains the model as a function of its input embeddings e = f.embed(x)
 * [N, T, D], F(e) = f.forwardFromEmbeddings(e) (the last position of a [N, T, K] causal language model), and
 * sums the [N, T, D] embedding attribution over D to one score per token (Captum's LayerIntegratedGradients
 * convention at the embedding layer). This file turns a token call into that embedding-space problem; the
 * methods then run their usual code on it.
 *
 * Padding: when the model declares `padId` and a row holds it, the model needs the row's padding mask in every
 * call. The batch loops only hand the model rows of points, so the mask travels with the points as one extra
 * channel, [N, T, D + 1], that the forward function splits off (read as a constant: no gradient flows into it)
 * and that baselines, paths and noise leave as it is. Padded positions keep x's embedding in every baseline (so
 * integrated gradients gives them exactly 0) and their attribution is set to 0.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  ANY_MODEL_KIND_NAMES,
  EXPLAINS_ANY_MODEL,
  GlassboxError,
  assertFinite,
  assertFloatTensor,
  assertOneOf,
  checkOptionKeys,
  checkTokenId,
  checkTokenIds,
  describe,
  formatShape,
  isBroadcastable,
  isTensor,
  embeddingPointsForward,
  paddingMaskOf,
  poolableTokenForward,
  tf,
} from '@glassbox/tensors-ops';
import type { Attribution, ExplainerNames, ForwardFn, MethodOptionInfo, TokenModel } from '@glassbox/tensors-ops';

/** How the [N, T, D] embedding attribution of a token input is returned: summed over D ([N, T]) or as it is. */
export const TOKEN_REDUCTIONS = ['sum', 'none'] as const;
export type TokenReduction = (typeof TOKEN_REDUCTIONS)[number];

/** The option the gradient methods add for token inputs. */
export interface TokenOptions {
  /**
   * Token inputs only (x int32 ids of a TokenModel): 'sum' (default) returns attributions [N, T], the embedding
   * attribution summed over the embedding dimension; 'none' returns the embedding attribution [N, T, D].
   * Refused (INVALID_ARGUMENT) for any other input.
   */
  tokenReduction?: TokenReduction;
}

/** The method metadata of `tokenReduction` (no declared default: it applies to token inputs only, where it is 'sum'). */
export const TOKEN_REDUCTION_INFO: MethodOptionInfo = Object.freeze({
  key: 'tokenReduction',
  type: 'choice',
  choices: TOKEN_REDUCTIONS,
  summary: "token inputs only: 'sum' (the default) gives per-token scores [N, T], the embedding attribution summed over D; 'none' the embedding attribution [N, T, D]",
});

/** Explains image or tabular rows through any model's function, and token ids through a TokenModel's embeddings. */
export const EXPLAINS_ANY_MODEL_AND_TOKENS = Object.freeze({
  ...EXPLAINS_ANY_MODEL,
  inputs: Object.freeze(['image', 'tabular', 'tokens'] as const),
  modelKinds: ANY_MODEL_KIND_NAMES,
});

/** How the model and its input are called in the messages of the embedding-space run. */
export const TOKEN_NAMES: ExplainerNames = Object.freeze({ model: 'f', input: 'f.embed(x)' });

/** Refuses the token-only options when f is not a TokenModel. */
export function refuseTokenOptions(options: unknown, where: string): void {
  if (options == null || typeof options !== 'object') return;
  const r = (options as { tokenReduction?: unknown }).tokenReduction;
  if (r !== undefined) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: options.tokenReduction applies only to token ids [N, T] explained through a token model (an object with embed, ` +
        `forwardFromEmbeddings and vocabSize), got it (${describe(r)}) with a model that is not one`,
    );
  }
}

/** A token call as an embedding-space problem. */
export interface TokenProblem {
  model: TokenModel;
  /** Rows, tokens per row and embedding width of x. */
  n: number;
  t: number;
  d: number;
  /** d, or d + 1 when the padding mask travels as the last channel. */
  channels: number;
  /** The points explained: f.embed(x) [N, T, channels] (with the mask channel when rows hold padding); owned here. */
  x: Tensor;
  /** The model as a function of such points: [M, T, channels] -> [M, K] or [M] scores. */
  forward: ForwardFn;
  /** [N * T]: 1 for a token, 0 for padding; null when no row holds padding. */
  keep: Float32Array | null;
  reduction: TokenReduction;
}

/**
 * Checks a token call (x token ids in range, options.pool refused for a model without toPooledTokenModel(),
 * options.tokenReduction) and embeds x; with a pool, the forward function carries the model's pool description.
 * `keys` (when given) are checked first, as every explainer does. The caller disposes the problem's x.
 *
 * @throws GlassboxError INVALID_ARGUMENT (float tokens, ids out of range, an empty sequence, an unpoolable pool, a bad
 *   tokenReduction), SHAPE_MISMATCH (x not [N, T], f.embed returning another shape).
 */
export function prepareTokens(f: TokenModel, x: unknown, options: unknown, where: string, keys?: readonly string[]): TokenProblem {
  const o = (keys === undefined ? (options ?? {}) : checkOptionKeys<Record<string, unknown>>(options, keys, where)) as Record<string, unknown>;
  if (o == null || typeof o !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options must be an object, got ${describe(o)}`);
  }
  checkTokenIds(x, where, 'x', f.vocabSize);
  const reduction = o.tokenReduction === undefined ? 'sum' : assertOneOf(o.tokenReduction, TOKEN_REDUCTIONS, 'options.tokenReduction', where);
  const pooled = o.pool !== undefined && o.pool !== null;
  if (pooled && typeof f.toPooledTokenModel !== 'function') {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: options.pool is not supported with this token model: it has no toPooledTokenModel(), so the pool's workers cannot rebuild it ` +
        '(the models of @glassbox/models-transformer have one); leave options.pool out to run on this thread',
    );
  }
  const [n, t] = x.shape as [number, number];
  const e = embedChecked(f, x, where, [n, t]);
  const d = e.shape[2]!;
  let mask: Tensor | undefined;
  try {
    mask = paddingMaskOf(f, x);
  } catch (err) {
    e.dispose();
    throw err;
  }
  let forward: ForwardFn;
  try {
    forward = embeddingForward(f, mask !== undefined, pooled, where);
  } catch (err) {
    tf.dispose([e, mask ?? []]);
    throw err;
  }
  if (mask === undefined) {
    return { model: f, n, t, d, channels: d, x: e, forward, keep: null, reduction };
  }
  const keep = Float32Array.from(mask.dataSync());
  const withMask = tf.tidy(() => tf.concat([e, tf.expandDims(mask!, 2)], 2));
  tf.dispose([e, mask]);
  return { model: f, n, t, d, channels: d + 1, x: withMask, forward, keep, reduction };
}

/** f.embed(ids), checked to be float32 [n, t, D]; owned by the caller. */
function embedChecked(f: TokenModel, ids: Tensor, where: string, nt: [number, number]): Tensor {
  const e = tf.tidy(() => f.embed(ids));
  if (!isTensor(e) || e.dtype !== 'float32' || e.rank !== 3 || e.shape[0] !== nt[0] || e.shape[1] !== nt[1]) {
    if (isTensor(e)) e.dispose();
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: f.embed(x) must return float32 embeddings [${nt.join(', ')}, D] for x of shape [${nt.join(', ')}], got ` +
        (isTensor(e) ? `${e.dtype} of shape ${formatShape(e.shape)}` : describe(e)),
    );
  }
  return e;
}

/**
 * The model as a function of embedding points [M, T, D] (or [M, T, D + 1] with the padding mask last; see
 * tensors-ops' embeddingPointsForward: the mask is read as a constant, so gradients flow only into the
 * embeddings). For a pooled call it carries the model's pool description, so that the explainer's batches run on
 * the pool's workers, which compute the same function from the model's network.
 */
function embeddingForward(f: TokenModel, masked: boolean, pooled: boolean, where: string): ForwardFn {
  const forward = embeddingPointsForward(f, masked);
  return (pooled ? poolableTokenForward(f, forward, 'embeddings', masked, where) : null) ?? forward;
}

/**
 * The baseline of a token call in embedding space, [N, T, channels], owned by the caller:
 * - undefined: the embedding of f.maskId at every position (zeros when the model has no maskId);
 * - a number: a token id (0..vocabSize-1) whose embedding stands at every position;
 * - a tensor: an embedding baseline broadcastable to [N, T, D] (e.g. tf.scalar(0) for zeros).
 * Padded positions keep x's embedding, and the mask channel is x's.
 *
 * @throws GlassboxError INVALID_ARGUMENT (a token id out of range, not float32), SHAPE_MISMATCH (not
 *   broadcastable), NON_FINITE.
 */
export function tokenBaseline(tp: TokenProblem, baseline: unknown, where: string): Tensor {
  const name = 'options.baseline';
  const { model: f, n, t, d } = tp;
  let b: Tensor;
  if (baseline === undefined || typeof baseline === 'number') {
    const id =
      baseline === undefined
        ? f.maskId === undefined
          ? null
          : checkTokenId(f.maskId, where, 'f.maskId (the default baseline)', f.vocabSize)
        : checkTokenId(baseline, where, name, f.vocabSize);
    if (id === null) {
      b = tf.zeros([n, t, d]);
    } else {
      const ids = tf.fill([n, t], id, 'int32');
      try {
        b = embedChecked(f, ids, where, [n, t]);
      } finally {
        ids.dispose();
      }
      if (b.shape[2] !== d) {
        b.dispose();
        throw new GlassboxError('SHAPE_MISMATCH', `${where}: f.embed returned width ${b.shape[2]} for the baseline token ${id}, ${d} for x`);
      }
    }
  } else {
    assertFloatTensor(baseline, name, where);
    if (!isBroadcastable(baseline.shape, [n, t, d])) {
      throw new GlassboxError(
        'SHAPE_MISMATCH',
        `${where}: ${name} must be a token id or an embedding baseline broadcastable to [N, T, D] = ${formatShape([n, t, d])}, got shape ${formatShape(baseline.shape)}`,
      );
    }
    assertFinite(baseline, name, where);
    b = tf.tidy(() => tf.add(tf.zeros([n, t, d]), baseline));
  }
  if (tp.keep === null) return b;
  const keep = tp.keep;
  return tf.tidy(() => {
    const k = tf.tensor(keep, [n, t, 1], 'float32');
    const e = tf.slice(tp.x, [0, 0, 0], [n, t, d]);
    // Exact: keep is 0 or 1 and both terms are finite.
    const mixed = tf.add(tf.mul(b, k), tf.mul(e, tf.sub(1, k)));
    b.dispose();
    return tf.concat([mixed, k], 2);
  });
}

/**
 * Where noise may go, per element of tp.x ([N * T * channels]): 1 on the embedding of a token, 0 on padded
 * positions and on the mask channel; null when noise may go everywhere (no padding).
 */
export function noiseMaskOf(tp: TokenProblem): Float32Array | null {
  if (tp.keep === null) return null;
  const { n, t, d, channels } = tp;
  const out = new Float32Array(n * t * channels);
  for (let p = 0; p < n * t; p++) if (tp.keep[p] === 1) out.fill(1, p * channels, p * channels + d);
  return out;
}

/**
 * The embedding-space attribution [N, T, channels] as the token result: the mask channel dropped, padded
 * positions 0, summed over D ('sum', [N, T]) or not ('none', [N, T, D]). Owned by the caller; `a` is not disposed.
 */
export function tokenResult(tp: TokenProblem, a: Tensor): Tensor {
  const { n, t, d, keep } = tp;
  return tf.tidy(() => {
    let e = tp.channels === d ? a : tf.slice(a, [0, 0, 0], [n, t, d]);
    if (keep !== null) e = tf.mul(e, tf.tensor(keep, [n, t, 1], 'float32'));
    return tp.reduction === 'sum' ? tf.sum(e, 2) : tp.channels === d && keep === null ? tf.clone(e) : e;
  });
}

/**
 * Runs `run` on the embedding-space problem of a token call and returns its result with the token attributions
 * (tokenResult); delta and method as `run` gave them. Nothing leaks on success or failure.
 */
export async function explainTokens(
  f: TokenModel,
  x: unknown,
  options: unknown,
  where: string,
  keys: readonly string[],
  run: (tp: TokenProblem, options: Record<string, unknown>) => Promise<Attribution>,
): Promise<Attribution> {
  const tp = prepareTokens(f, x, options, where, keys);
  try {
    const inner: Record<string, unknown> = { ...((options ?? {}) as Record<string, unknown>) };
    delete inner.tokenReduction;
    const r = await run(tp, inner);
    try {
      return { ...r, attributions: tokenResult(tp, r.attributions) };
    } catch (e) {
      r.delta?.dispose();
      throw e;
    } finally {
      r.attributions.dispose();
    }
  } finally {
    tp.x.dispose();
  }
}
