/**
 * Token models with attention for the tests of the attention explanations (not built, not published): a
 * tensors-ops ResidualModel wrapped as a TokenModel, and a hand-built model whose attention is given and whose
 * output is linear in the gated attention, so that every quantity has a closed form.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { residualModel, tf } from '@glassbox/tensors-ops';
import type { BlockSpec, ResidualModel, TokenModel } from '@glassbox/tensors-ops';

export type AttentionTokenModel = TokenModel & {
  attention(ids: Tensor): Tensor[];
  forwardWithAttentionGates(ids: Tensor, gates: readonly Tensor[]): Tensor;
  dispose(): void;
};

/**
 * A small Transformer as a TokenModel: 'tokens' + 'positions' embeddings (what `embed` runs), then `body`.
 * `padId` (optional) makes padded keys get attention 0.
 */
export function residualTokenModel(vocabSize: number, dim: number, body: BlockSpec[], seed: number, padId?: number): AttentionTokenModel & { network: ResidualModel } {
  const network = residualModel(
    [
      { type: 'tokenEmbedding', name: 'tokens', vocabSize, dim, ...(padId === undefined ? {} : { padId }) },
      { type: 'positionalEmbedding', name: 'positions', maxLength: 16 },
      ...body,
    ],
    [null],
    { seed },
  );
  const { features, head } = network.split('positions');
  return {
    network,
    vocabSize,
    ...(padId === undefined ? {} : { padId, maskId: padId }),
    embed: (ids) => features(ids),
    forwardFromEmbeddings: (e, o) => head(e, o?.paddingMask === undefined ? {} : { paddingMask: o.paddingMask }),
    attention: (ids) => network.attention(ids),
    forwardWithAttentionGates: (ids, gates) => network.apply(ids, { attentionGates: gates }),
    dispose: () => network.dispose(),
  };
}

/** A tiny GPT body: `layers` causal pre-norm blocks, a final norm and a vocabulary head ([N, T, V] out). */
export function gptBody(layers: number, vocabSize: number, heads = 2): BlockSpec[] {
  return [
    ...Array.from({ length: layers }, (_, l): BlockSpec => ({ type: 'transformerBlock', name: `h${l}`, heads, causal: true, hidden: 12 })),
    { type: 'layerNorm', name: 'lnF' },
    { type: 'dense', name: 'logits', units: vocabSize },
  ];
}

/** A tiny encoder-classifier body: `layers` blocks, [CLS] pooling (position 0), `classes` logits ([N, K] out). */
export function encoderBody(layers: number, classes = 3, heads = 2): BlockSpec[] {
  return [
    ...Array.from({ length: layers }, (_, l): BlockSpec => ({ type: 'transformerBlock', name: `h${l}`, heads })),
    { type: 'layerNorm', name: 'lnF' },
    { type: 'sequencePool', name: 'cls', mode: 'first' },
    { type: 'dense', name: 'logits', units: classes },
  ];
}

/**
 * A model with given attention: `maps[l]` ([H, T, T] as nested arrays) is layer l's attention for every row,
 * whatever the ids, and the output is linear in the gated attention,
 *   y[n, k] = Σ_l Σ_h,i,j (A_l ⊙ G_l)[h, i, j] · weights[l][k][h][i][j],
 * so that ∂y_k / ∂G_l at ones is A_l ⊙ weights[l][k]. With `sequenceOutput` the output is [N, T, K] with the
 * same scores at every position (a language model's shape), else [N, K].
 */
export function fixedAttentionModel(
  maps: number[][][][],
  weights: number[][][][][],
  vocabSize = 5,
  sequenceOutput = false,
): AttentionTokenModel {
  const t = maps[0]![0]!.length;
  const k = weights[0]!.length;
  const check = (ids: Tensor) => {
    if (ids.shape[1] !== t) throw new Error(`fixedAttentionModel: ids must have ${t} positions`);
  };
  const gatedOutput = (n: number, gates: readonly Tensor[] | null): Tensor =>
    tf.tidy(() => {
      let y: Tensor = tf.zeros([n, k]);
      maps.forEach((m, l) => {
        const a = tf.tensor3d(m); // [H, T, T]
        const ag = gates === null ? tf.expandDims(a, 0) : tf.mul(a, gates[l]!); // [1 or N, H, T, T]
        const w = tf.tensor4d(weights[l]!); // [K, H, T, T]
        const flatAg = tf.reshape(ag, [ag.shape[0]!, -1]);
        const flatW = tf.reshape(w, [k, -1]);
        y = tf.add(y, tf.matMul(flatAg, flatW, false, true));
      });
      return sequenceOutput ? tf.tile(tf.expandDims(y, 1), [1, t, 1]) : y;
    });
  return {
    vocabSize,
    embed: (ids) => {
      check(ids);
      return tf.tidy(() => tf.expandDims(tf.cast(ids, 'float32'), 2));
    },
    forwardFromEmbeddings: (e) => gatedOutput(e.shape[0]!, null),
    attention: (ids) => {
      check(ids);
      return maps.map((m) => tf.tidy(() => tf.tile(tf.expandDims(tf.tensor3d(m), 0), [ids.shape[0]!, 1, 1, 1])));
    },
    forwardWithAttentionGates: (ids, gates) => {
      check(ids);
      return gatedOutput(ids.shape[0]!, gates);
    },
    dispose: () => undefined,
  };
}

/** [T, T] matrices as plain arrays: a · b. */
export function matmulJs(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

export function eyeJs(t: number): number[][] {
  return Array.from({ length: t }, (_, i) => Array.from({ length: t }, (_, j) => (i === j ? 1 : 0)));
}
