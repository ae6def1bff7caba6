import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError } from '../errors.js';
import { assertNumber } from '../contract/validate.js';
import { assertFloatOfRank, formatShape } from './common.js';
import { checkIds } from './block-common.js';

/** Looks rows of `table` up by id, without checks: [...ids.shape] -> [...ids.shape, D]. */
export function embeddingImpl(ids: Tensor, table: Tensor): Tensor {
  return tf.tidy(() => {
    const d = table.shape[1]!;
    // A flat 1-D gather: its gradient is one UnsortedSegmentSum over 1-D ids (the WASM ScatterNd fast path).
    const rows = tf.gather(table, tf.reshape(ids, [ids.size]), 0);
    return tf.reshape(rows, [...ids.shape, d]);
  });
}

/**
 * Token embedding: each token id picks its row of a learned table, so a sequence of ids becomes a sequence
 * of D-dimensional vectors. It is the first layer of every language model; gradient explainers explain a
 * text model through its output (the ids themselves are not differentiable).
 *
 * Formula: E[n, t, :] = table[ids[n, t], :]. The gradient with respect to the table adds up the
 * gradients of every position that used a row: dL/dtable[v] = Σ_{(n,t): ids[n,t] = v} dL/dE[n, t]
 * (tf.gather's gradient, an UnsortedSegmentSum; on WASM the kernel Glassbox registers, so repeated ids add up).
 *
 * Paper: Bengio, Ducharme, Vincent & Jauvin 2003, "A Neural Probabilistic Language Model", JMLR 3.
 *
 * @param ids int32 token ids of any shape, typically [N, T]; every id in [0, V).
 * @param table float32 [V, D], one row per token of the vocabulary.
 * @returns float32 [...ids.shape, D] that the caller owns.
 * @throws GlassboxError INVALID_ARGUMENT when ids are not int32 or an id is out of range; SHAPE_MISMATCH
 *   when the table is not a matrix.
 *
 * @example
 * ```ts
 * const e = embedding(tf.tensor2d([[1, 0, 1]], [1, 3], 'int32'), tf.tensor2d([[0, 0], [1, 2]])); // [1, 3, 2]
 * // [[[1, 2], [0, 0], [1, 2]]]
 * ```
 */
export function embedding(ids: Tensor, table: Tensor): Tensor {
  const where = 'embedding';
  assertFloatOfRank(table, 'table', where, 2, ' ([V, D]: one row per token id)');
  checkIds(ids, table.shape[0]!, where);
  return embeddingImpl(ids, table);
}

/** The first `length` rows of a positional table, without checks. */
export function positionalEmbeddingImpl(length: number, table: Tensor): Tensor {
  return tf.slice(table, [0, 0], [length, table.shape[1]!]);
}

/**
 * Learned positional embedding: position t of a sequence gets row t of a learned table, which is added to
 * the token embeddings so that attention, which by itself ignores order, can tell positions apart.
 *
 * Formula: P = table[0 : length, :], used as h[n, t, :] = E[n, t, :] + P[t, :] (broadcast over the batch).
 * The gradient with respect to the table is dL/dP on its first `length` rows and 0 below.
 *
 * Paper: Gehring, Auli, Grangier, Yarats & Dauphin 2017, "Convolutional Sequence to Sequence Learning",
 * arXiv:1705.03122 (learned positions); Radford et al. 2018 (GPT) and Devlin et al. 2018 (BERT,
 * arXiv:1810.04805) use them.
 *
 * @param length the sequence length T, an integer in 1..maxLength.
 * @param table float32 [maxLength, D].
 * @returns float32 [T, D] that the caller owns; add it to [N, T, D] embeddings.
 * @throws GlassboxError INVALID_ARGUMENT for a length outside 1..maxLength; SHAPE_MISMATCH when the table
 *   is not a matrix.
 *
 * @example
 * ```ts
 * const h = tf.add(embedding(ids, tokens), positionalEmbedding(ids.shape[1], positions)); // [N, T, D]
 * ```
 */
export function positionalEmbedding(length: number, table: Tensor): Tensor {
  const where = 'positionalEmbedding';
  assertFloatOfRank(table, 'table', where, 2, ' ([maxLength, D]: one row per position)');
  const maxLength = table.shape[0]!;
  if (maxLength < 1) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: table must have at least one row, got shape ${formatShape(table.shape)}`);
  }
  assertNumber(length, 'length', where, { integer: true, min: 1, max: maxLength });
  return positionalEmbeddingImpl(length, table);
}
