/** Hand-made token models with closed-form answers for the token tests of this package (not published). */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import type { TokenModel } from '@glassbox/tensors-ops';
import { normals } from './models.js';

export interface LinearTokenModel extends TokenModel {
  /** Token table [V][D], positional table [T][D], weights [D][K], all float32-representable. */
  table: number[][];
  pos: number[][];
  w: number[][];
  d: number;
  k: number;
  /** e[t] = table[id] + pos[t], in float64 from the same numbers. */
  embedRow(ids: readonly number[]): number[][];
  /** F_k(e) = sum_t mask_t e_t . w[:, k] in float64. */
  score(e: number[][], k: number, mask?: readonly number[]): number;
}

export interface TokenModelOptions {
  v?: number;
  d?: number;
  k?: number;
  maxT?: number;
  seed?: number;
  /** [N, T, K] output (cumulative sums over positions), explained at the last position. */
  causal?: boolean;
  maskId?: number;
  padId?: number;
}

function table(seed: number, rows: number, cols: number): number[][] {
  const v = normals(seed, rows * cols);
  return Array.from({ length: rows }, (_, r) => Array.from(v.subarray(r * cols, (r + 1) * cols)));
}

/**
 * A linear bag-of-embeddings model: e = table[ids] + pos, out[n, k] = sum_t mask_t e[n, t, :] . w[:, k]
 * (mask from the padding mask option, all ones without it); with `causal`, out[n, t, k] is the sum up to t.
 */
export function linearTokenModel(o: TokenModelOptions = {}): LinearTokenModel {
  const v = o.v ?? 6;
  const d = o.d ?? 3;
  const k = o.k ?? 2;
  const maxT = o.maxT ?? 8;
  const seed = o.seed ?? 1;
  const tab = table(seed, v, d);
  const pos = table(seed + 1, maxT, d);
  const w = table(seed + 2, d, k);
  const m: LinearTokenModel = {
    table: tab,
    pos,
    w,
    d,
    k,
    vocabSize: v,
    embed: (ids: Tensor) =>
      tf.tidy(() => {
        const t = ids.shape[1]!;
        return tf.add(tf.gather(tf.tensor2d(tab), ids), tf.slice(tf.tensor2d(pos), [0, 0], [t, d]));
      }),
    forwardFromEmbeddings: (e: Tensor, opts?: { paddingMask?: Tensor }) =>
      tf.tidy(() => {
        const [n, t] = e.shape as [number, number, number];
        const em = opts?.paddingMask ? tf.mul(e, tf.expandDims(opts.paddingMask, 2)) : e;
        const per = tf.reshape(tf.matMul(tf.reshape(em, [n * t, d]), tf.tensor2d(w)), [n, t, k]);
        if (!o.causal) return tf.sum(per, 1);
        // Cumulative sums over positions as L [T, T] (lower triangular ones) times per (tfjs-core 4.22's cumsum
        // gradient is wrong along an axis other than the last).
        const lower = tf.linalg.bandPart(tf.ones([t, t]), -1, 0);
        const flat = tf.reshape(tf.transpose(per, [1, 0, 2]), [t, n * k]);
        return tf.transpose(tf.reshape(tf.matMul(lower, flat), [t, n, k]), [1, 0, 2]);
      }),
    embedRow: (ids) => ids.map((id, t) => tab[id]!.map((x, j) => x + pos[t]![j]!)),
    score: (e, kk, mask) => {
      let s = 0;
      e.forEach((row, t) => {
        if (mask !== undefined && mask[t] === 0) return;
        row.forEach((x, j) => (s += x * w[j]![kk]!));
      });
      return s;
    },
  };
  if (o.maskId !== undefined) Object.assign(m, { maskId: o.maskId });
  if (o.padId !== undefined) Object.assign(m, { padId: o.padId });
  return m;
}

/**
 * A non-linear token model with interactions between positions (for batching and completeness tests):
 * h = tanh(e W1) [N, T, H], a = softmax_t(h u) (masked), out = (sum_t a_t h_t) W2 [N, K].
 */
export function tanhTokenModel(o: TokenModelOptions = {}): TokenModel {
  const v = o.v ?? 7;
  const d = o.d ?? 4;
  const k = o.k ?? 3;
  const maxT = o.maxT ?? 8;
  const seed = o.seed ?? 5;
  const h = 5;
  const tab = table(seed, v, d);
  const pos = table(seed + 1, maxT, d);
  const w1 = table(seed + 2, d, h);
  const u = table(seed + 3, h, 1);
  const w2 = table(seed + 4, h, k);
  const m: TokenModel = {
    vocabSize: v,
    embed: (ids: Tensor) =>
      tf.tidy(() => tf.add(tf.gather(tf.tensor2d(tab), ids), tf.slice(tf.tensor2d(pos), [0, 0], [ids.shape[1]!, d]))),
    forwardFromEmbeddings: (e: Tensor, opts?: { paddingMask?: Tensor }) =>
      tf.tidy(() => {
        const [n, t] = e.shape as [number, number, number];
        const hid = tf.reshape(tf.tanh(tf.matMul(tf.reshape(e, [n * t, d]), tf.tensor2d(w1))), [n, t, h]);
        let logits = tf.reshape(tf.matMul(tf.reshape(hid, [n * t, h]), tf.tensor2d(u)), [n, t]);
        if (opts?.paddingMask) logits = tf.add(logits, tf.mul(tf.sub(opts.paddingMask, 1), 1e4));
        const a = tf.softmax(logits, 1);
        const pooled = tf.sum(tf.mul(hid, tf.expandDims(a, 2)), 1);
        return tf.matMul(pooled, tf.tensor2d(w2));
      }),
  };
  if (o.maskId !== undefined) Object.assign(m, { maskId: o.maskId });
  if (o.padId !== undefined) Object.assign(m, { padId: o.padId });
  return m;
}

/** An int32 ids tensor [N, T]. */
export function idsOf(rows: number[][]): Tensor {
  return tf.tensor2d(rows.flat(), [rows.length, rows[0]!.length], 'int32');
}
