/**
 * What the attention explanations share (internal): the model and position checks, reading and checking the
 * attention maps a token model returns, fusing heads and multiplying per-layer matrices through the layers.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, assertNumber, describe, formatShape, isTensor, isTokenModel, paddingMaskOf, tf } from '@glassbox/tensors-ops';
import type { TokenModel } from '@glassbox/tensors-ops';

/** A token model that exposes its attention probabilities. */
export type AttentionModel = TokenModel & { attention(ids: Tensor): Tensor[] };
/** One that can also run with multiplicative gates on them. */
export type GatedAttentionModel = AttentionModel & { forwardWithAttentionGates(ids: Tensor, gates: readonly Tensor[]): Tensor };

/** How the heads of a layer are fused into one [T, T] matrix. */
export type HeadFusion = 'mean' | 'max' | 'min';
export const HEAD_FUSIONS: readonly HeadFusion[] = ['mean', 'max', 'min'];

/**
 * Checks that `model` is a TokenModel with `attention(ids)` (and `forwardWithAttentionGates` when `gates`).
 * @throws GlassboxError INVALID_ARGUMENT naming `model` and the member it lacks.
 */
export function checkAttentionModel(model: unknown, where: string, gates: boolean): asserts model is GatedAttentionModel {
  if (!isTokenModel(model)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: model must be a TokenModel (embed, forwardFromEmbeddings, vocabSize) with attention(ids), such as the GPT or TextClassifier of @glassbox/models-transformer, got ${describe(model)}`,
    );
  }
  if (typeof (model as Partial<AttentionModel>).attention !== 'function') {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: model must expose its attention probabilities, model.attention(ids) -> one [N, H, T, T] per layer; this TokenModel has no attention method (got ${describe((model as { attention?: unknown }).attention)})`,
    );
  }
  if (gates && typeof (model as Partial<GatedAttentionModel>).forwardWithAttentionGates !== 'function') {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: model must have forwardWithAttentionGates(ids, gates) (its output with the attention probabilities multiplied by gates) to take gradients with respect to the attention; this TokenModel has none (got ${describe((model as { forwardWithAttentionGates?: unknown }).forwardWithAttentionGates)})`,
    );
  }
}

/**
 * model.attention(ids), checked: a non-empty array of float32 [N, H_l, T, T] tensors (N, T those of ids). The
 * caller owns the result; nothing is left allocated on error.
 * @throws GlassboxError INVALID_ARGUMENT (not an array of tensors), SHAPE_MISMATCH (a map of another shape).
 */
export function readAttention(model: AttentionModel, ids: Tensor, where: string): Tensor[] {
  const [n, t] = [ids.shape[0]!, ids.shape[1]!];
  const maps: unknown = model.attention(ids);
  try {
    if (!Array.isArray(maps) || maps.length === 0) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.attention(ids) must return a non-empty array of [N, H, T, T] tensors, one per layer, got ${describe(maps)}`);
    }
    maps.forEach((m: unknown, l) => {
      if (!isTensor(m)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.attention(ids)[${l}] must be a tensor [N, H, T, T], got ${describe(m)}`);
      if (m.dtype !== 'float32') throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.attention(ids)[${l}] must be float32, got dtype ${m.dtype}`);
      if (m.rank !== 4 || m.shape[0] !== n || m.shape[2] !== t || m.shape[3] !== t || m.shape[1]! < 1) {
        throw new GlassboxError('SHAPE_MISMATCH', `${where}: model.attention(ids)[${l}] must have shape [${n}, H, ${t}, ${t}] for ids of shape [${n}, ${t}], got ${formatShape(m.shape)}`);
      }
    });
    return maps as Tensor[];
  } catch (e) {
    if (Array.isArray(maps)) tf.dispose(maps.filter((m) => isTensor(m)) as Tensor[]);
    throw e;
  }
}

/**
 * The position whose row of the rollout is the explanation when `options.position` is not given: the last
 * position for a model whose output is [N, T, K] (a causal language model explains its next-token logits
 * there), else 0 (an encoder classifier reads its [CLS] token at position 0). Runs the model on the first row.
 */
export function defaultPosition(model: TokenModel, ids: Tensor): number {
  const t = ids.shape[1]!;
  const rank = tf.tidy(() => {
    const row = tf.slice(ids, [0, 0], [1, t]);
    const e = model.embed(row);
    const mask = paddingMaskOf(model, row);
    const out = mask === undefined ? model.forwardFromEmbeddings(e) : model.forwardFromEmbeddings(e, { paddingMask: mask });
    return out.rank;
  });
  return rank === 3 ? t - 1 : 0;
}

/**
 * options.position checked against T positions (or the default).
 * @throws GlassboxError INVALID_ARGUMENT (not an integer >= 0), TARGET_OUT_OF_RANGE (>= T).
 */
export function resolvePosition(position: unknown, t: number, fallback: () => number, where: string): number {
  if (position === undefined) return fallback();
  const p = assertNumber(position, 'options.position', where, { integer: true, min: 0 });
  if (p >= t) {
    throw new GlassboxError('TARGET_OUT_OF_RANGE', `${where}: options.position must be a position of the sequence, in 0..${t - 1} (ids have ${t} positions), got ${p}`);
  }
  return p;
}

/** [B, H, T, T] -> [B, T, T] by the mean, max or min over the heads. Call inside tf.tidy. */
export function fuseHeads(a: Tensor, fusion: HeadFusion): Tensor {
  return fusion === 'mean' ? tf.mean(a, 1) : fusion === 'max' ? tf.max(a, 1) : tf.min(a, 1);
}

/** M_L ··· M_2 M_1 for per-layer [B, T, T] matrices given in layer order. Call inside tf.tidy. */
export function layerProduct(mats: readonly Tensor[]): Tensor {
  let r = mats[0]!;
  for (let l = 1; l < mats.length; l++) r = tf.matMul(mats[l]!, r);
  return r;
}

/** Row `position` of [B, T, T]: [B, T]. Call inside tf.tidy. */
export function rowAt(r: Tensor, position: number): Tensor {
  const [b, t] = [r.shape[0]!, r.shape[1]!];
  return tf.reshape(tf.slice(r, [0, position, 0], [b, 1, t]), [b, t]);
}
