import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  checkCommonOptions,
  checkOptionKeys,
  checkTokenId,
  checkTokenIds,
  declareOptionKeys,
  describe,
  forEachBatch,
  formatShape,
  isGlassboxError,
  isTensor,
  isTokenModel,
  lastPositionScores,
  optionKeys,
  optionKeysOf,
  paddingMaskOf,
  tf,
} from '@glassbox/tensors-ops';
import type { Attribution, TokenModel } from '@glassbox/tensors-ops';
import { integratedGradients } from './integrated-gradients.js';

/**
 * An explainer that explainGeneration runs at each step: the contract's `(f, x, options) => Promise<Attribution>`
 * called with a TokenModel as f, token ids [1, p] as x and `{ ...explainerOptions, target }`, resolving to
 * per-token attributions [1, p]. The gradient methods of this package and the perturbation methods of
 * @glassbox/explainers-perturbation take token models this way.
 */
// The options are the explainer's own (checked by it), hence `any`: every explainer's options type fits.
export type GenerationExplainer = (model: TokenModel, ids: Tensor, options?: any) => Promise<Attribution>;

/**
 * What each step explains: 'generated' (the token generated at that step), one token id (its logit at every
 * step), or `{ contrast: [a, b] }` (logit(a) - logit(b) at every step: why a rather than b).
 */
export type GenerationTarget = 'generated' | number | { contrast: readonly [number, number] };

export interface ExplainGenerationOptions {
  /** Number of prompt ids at the start of `ids`, an integer in 1..T-1; the tokens after them are explained. Required. */
  promptLength: number;
  /** The explainer run at each step. Default this package's integratedGradients. */
  explainer?: GenerationExplainer;
  /**
   * Options of the explainer (steps, baseline, method, ...), passed on as they are and checked by it. `target`,
   * `signal` and `onProgress` are explainGeneration's own and may not appear here.
   */
  explainerOptions?: Record<string, unknown>;
  /** 'generated' (default), a token id, or `{ contrast: [a, b] }`. */
  target?: GenerationTarget;
  /** Called after each generated token is explained: (tokens done, G). */
  onProgress?: (done: number, total: number) => void;
  /** Abort -> rejects with GlassboxError 'ABORTED' (passed on to the explainer too), no tensors leaked. */
  signal?: AbortSignal;
}

/** The keys of ExplainGenerationOptions. */
export const EXPLAIN_GENERATION_OPTION_KEYS = optionKeys<ExplainGenerationOptions>({
  promptLength: true,
  explainer: true,
  explainerOptions: true,
  target: true,
  onProgress: true,
  signal: true,
});

/**
 * The explanation of a generated continuation: plain arrays, no tensors. Row i is the generated token at
 * position p = positions[i]; it fits @glassbox/viz's `generationMatrix(matrix, shape, { positions, probabilities,
 * entropies })`.
 */
export interface GenerationExplanation {
  /**
   * [G, T-1] row-major, G = T - promptLength generated tokens, columns = context positions 0..T-2. Row i holds
   * the attribution of the token at positions[i] to each token before it; cells at or after column positions[i]
   * are NaN ("not before this token").
   */
  matrix: Float32Array;
  /** [G, T - 1]. */
  shape: [number, number];
  /** The T ids of the sequence (prompt then generated), to label rows and columns. */
  tokens: number[];
  /** The token id explained at each row: the generated token, the given id, or a of a contrast [a, b]. */
  targets: number[];
  /** For a contrast target: [a, b]; absent otherwise. */
  contrast?: [number, number];
  /** softmax(step logits)[targets[i]]: how sure the model was of the explained token at that step (p(a) for a contrast). */
  probabilities: number[];
  /** For a contrast target: softmax(step logits)[b] per row; absent otherwise. */
  contrastProbabilities?: number[];
  /** Entropy (nats) of each step's next-token distribution, -sum_v p_v ln p_v: high where the model was unsure. */
  entropies: number[];
  /** The position p of each row's token in ids, promptLength..T-1 (= the number of context columns explained). */
  positions: number[];
  /** The explainer's method name, e.g. 'integratedGradients'. */
  method: string;
}

const WHERE = 'explainGeneration';
/** Keys of an explainer call that explainGeneration sets itself. */
const OWN_KEYS = { target: 'options.target', signal: 'options.signal', onProgress: 'options.onProgress' } as const;

/**
 * Why did a causal language model generate this continuation? Explains a generated sequence token by token:
 * for each generated position p the step model reads ids[:, :p] and its last-position logits predict the token
 * at p; the explainer attributes the chosen score to each of the p tokens before it (prompt and earlier generated
 * tokens). The rows form a lower-triangular matrix [generated, context], shown beside each step's probability of
 * the explained token and the entropy of the next-token distribution, so a reader sees which earlier tokens
 * mattered and where the model was unsure (the view of inseq: G. Sarti et al., "Inseq: An Interpretability
 * Toolkit for Sequence Generation Models", 2023, arXiv:2302.13942).
 *
 *   row p - promptLength, column s < p:  A(step model on ids[:, :p], target)[s]
 *   probability = softmax(z)[target],  entropy = -sum_v softmax(z)_v ln softmax(z)_v,  z = logits at position p-1 of ids[:, :p]
 *
 * A contrast target `{ contrast: [a, b] }` explains z_a - z_b (why a rather than b; Yin & Neubig, "Interpreting
 * Language Models with Contrastive Explanations", 2022, arXiv:2202.10419): the model is wrapped in a TokenModel
 * whose output is that difference ([N, 1], see `contrastTokenModel`), so gradient and perturbation explainers
 * serve alike; for methods linear in the logits (saliency, IG, occlusion) it equals the difference of the two
 * single-token explanations.
 *
 * The probabilities and entropies come from one forward pass per step over the same prefix the explainer sees.
 *
 * @param model a causal language model as a TokenModel: `forwardFromEmbeddings(embed(ids))` returns logits
 *   [1, T, V] (V = vocabSize) whose row t predicts the token at t + 1 (e.g. the GPT of @glassbox/models-transformer).
 * @param ids int32 [1, T]: the prompt followed by the generated tokens, ids in 0..vocabSize-1.
 * @param options
 *  - `promptLength` (required): prompt ids at the start, 1..T-1; rows are the T - promptLength tokens after them.
 *  - `explainer`: `(model, ids, options) => Promise<Attribution>` returning [1, p] per-token scores; default
 *    integratedGradients (baseline = the model's mask token embedding, as the token methods define it).
 *  - `explainerOptions`: passed on to the explainer (e.g. `{ steps: 64 }`, `{ baseline: maskId }`), default {}.
 *  - `target`: 'generated' (default), a token id, or `{ contrast: [a, b] }` with a != b.
 *  - `onProgress(done, G)` once per generated token; `signal` (passed on to the explainer when it takes one).
 * @returns a GenerationExplanation (plain arrays: nothing to dispose).
 * @throws GlassboxError INVALID_ARGUMENT (not a token model, ids not int32 token ids in range, promptLength out of
 *   1..T-1, a target id out of range, a contrast of equal or invalid ids, explainer not a function, explainerOptions
 *   setting target/signal/onProgress), SHAPE_MISMATCH (ids not [1, T], a model output that is not [1, T, V]: not a
 *   causal language model; an explainer result that is not [1, p]), NON_FINITE (non-finite logits), ABORTED; and
 *   whatever the explainer throws, with the step named.
 *
 * @example
 * ```ts
 * const { ids } = gpt.generate('ma', { seed: 1 });                       // [START] m a r i a ...
 * const x = tf.tensor2d(ids, [1, ids.length], 'int32');
 * const g = await explainGeneration(gpt, x, { promptLength: 3, explainerOptions: { steps: 32 } });
 * const svg = generationMatrix(g.matrix, g.shape, { positions: g.positions, probabilities: g.probabilities, entropies: g.entropies }).svg;
 * ```
 */
export async function explainGeneration(model: TokenModel, ids: Tensor, options: ExplainGenerationOptions): Promise<GenerationExplanation> {
  if (options === undefined) throw new GlassboxError('INVALID_ARGUMENT', `${WHERE}: options.promptLength is required (the number of prompt ids at the start of ids)`);
  const o = checkOptionKeys<ExplainGenerationOptions>(options, EXPLAIN_GENERATION_OPTION_KEYS, WHERE);
  if (!isTokenModel(model)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${WHERE}: model must be a TokenModel (embed, forwardFromEmbeddings, vocabSize) of a causal language model, got ${describe(model)}`,
    );
  }
  const vocabSize = model.vocabSize;
  checkTokenIds(ids, WHERE, 'ids', vocabSize);
  if (ids.shape[0] !== 1) {
    throw new GlassboxError('SHAPE_MISMATCH', `${WHERE}: ids must be one sequence [1, T] (prompt then generated tokens), got shape ${formatShape(ids.shape)}`);
  }
  const T = ids.shape[1]!;
  if (T < 2) {
    throw new GlassboxError('INVALID_ARGUMENT', `${WHERE}: ids must hold a prompt and at least one generated token (T >= 2), got T = ${T}`);
  }
  const promptLength = o.promptLength;
  if (typeof promptLength !== 'number' || !Number.isInteger(promptLength) || promptLength < 1 || promptLength > T - 1) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${WHERE}: options.promptLength must be an integer in 1..${T - 1} (at least one prompt id and one generated id among the T = ${T} ids), got ${describe(promptLength)}`,
    );
  }
  const explainer = o.explainer === undefined ? (integratedGradients as unknown as GenerationExplainer) : o.explainer;
  if (typeof explainer !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${WHERE}: options.explainer must be an explainer function (model, ids, options) => Promise<Attribution>, got ${describe(explainer)}`);
  }
  const explainerOptions = checkOptionKeys<Record<string, unknown>>(o.explainerOptions, Object.keys(o.explainerOptions ?? {}), WHERE, 'options.explainerOptions');
  for (const [key, own] of Object.entries(OWN_KEYS)) {
    if (key in explainerOptions) {
      throw new GlassboxError('INVALID_ARGUMENT', `${WHERE}: options.explainerOptions.${key} is set by explainGeneration; give ${own} instead`);
    }
  }
  checkCommonOptions({ onProgress: o.onProgress, signal: o.signal }, WHERE);

  // What each step explains.
  const idsArray = Array.from(ids.dataSync());
  let contrast: [number, number] | undefined;
  let fixedTarget: number | undefined;
  const target = o.target ?? 'generated';
  if (target === 'generated') {
    // the generated id of each row
  } else if (typeof target === 'number') {
    fixedTarget = checkTokenId(target, WHERE, 'options.target', vocabSize);
  } else if (target !== null && typeof target === 'object' && !Array.isArray(target) && 'contrast' in target) {
    checkOptionKeys(target, ['contrast'], WHERE, 'options.target');
    const pair = (target as { contrast: unknown }).contrast;
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new GlassboxError('INVALID_ARGUMENT', `${WHERE}: options.target.contrast must be two token ids [a, b], got ${describe(pair)}`);
    }
    const a = checkTokenId(pair[0], WHERE, 'options.target.contrast[0]', vocabSize);
    const b = checkTokenId(pair[1], WHERE, 'options.target.contrast[1]', vocabSize);
    if (a === b) {
      throw new GlassboxError('INVALID_ARGUMENT', `${WHERE}: options.target.contrast must be two different token ids, got [${a}, ${b}] (logit(a) - logit(a) is 0)`);
    }
    contrast = [a, b];
  } else {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${WHERE}: options.target must be 'generated', a token id or { contrast: [a, b] }, got ${describe(target)}`,
    );
  }

  const innerKeys = optionKeysOf(explainer);
  const passSignal = o.signal !== undefined && (innerKeys === undefined || innerKeys.includes('signal'));
  const stepModel = contrast === undefined ? model : contrastTokenModel(model, contrast[0], contrast[1]);
  const G = T - promptLength;
  const cols = T - 1;
  const matrix = new Float32Array(G * cols).fill(Number.NaN);
  const targets: number[] = [];
  const probabilities: number[] = [];
  const contrastProbabilities: number[] = [];
  const entropies: number[] = [];
  const positions: number[] = [];
  let method = '';

  await forEachBatch(
    G,
    async (row) => {
      const p = promptLength + row;
      const explained = contrast !== undefined ? contrast[0] : fixedTarget !== undefined ? fixedTarget : idsArray[p]!;
      const prefix = tf.slice(ids, [0, 0], [1, p]);
      let result: Attribution | undefined;
      try {
        // The step's next-token distribution, from the same prefix the explainer sees.
        const logits = stepLogits(model, prefix, p);
        const { logProbs, entropy } = logSoftmaxAndEntropy(logits, p);
        targets.push(explained);
        probabilities.push(Math.exp(logProbs[explained]!));
        if (contrast !== undefined) contrastProbabilities.push(Math.exp(logProbs[contrast[1]]!));
        entropies.push(entropy);
        positions.push(p);

        const call: Record<string, unknown> = { ...explainerOptions, target: contrast === undefined ? explained : 0 };
        if (passSignal) call.signal = o.signal;
        try {
          result = await explainer(stepModel, prefix, call);
        } catch (e) {
          if (isGlassboxError(e) && e.code !== 'ABORTED') {
            throw new GlassboxError(e.code, `${WHERE}: explaining the token at position ${p} (ids[:, :${p}]): ${e.message}`, { cause: e });
          }
          throw e;
        }
        if (result == null || !isTensor(result.attributions)) {
          throw new GlassboxError('INVALID_ARGUMENT', `${WHERE}: options.explainer must resolve to { attributions: Tensor, ... }, got ${describe(result)}`);
        }
        const a = result.attributions;
        if (a.rank !== 2 || a.shape[0] !== 1 || a.shape[1] !== p) {
          throw new GlassboxError(
            'SHAPE_MISMATCH',
            `${WHERE}: options.explainer returned attributions of shape ${formatShape(a.shape)} for the step ids [1, ${p}]; expected per-token scores [1, ${p}]`,
          );
        }
        const values = await a.data();
        matrix.set(values, row * cols);
        method = typeof result.method === 'string' ? result.method : 'explainer';
      } finally {
        prefix.dispose();
        if (result != null) {
          if (isTensor(result.attributions)) result.attributions.dispose();
          if (isTensor(result.delta)) result.delta.dispose();
        }
      }
    },
    { batchSize: 1, onProgress: o.onProgress, signal: o.signal, where: WHERE },
  );

  const explanation: GenerationExplanation = {
    matrix,
    shape: [G, cols],
    tokens: idsArray,
    targets,
    probabilities,
    entropies,
    positions,
    method,
  };
  if (contrast !== undefined) {
    explanation.contrast = contrast;
    explanation.contrastProbabilities = contrastProbabilities;
  }
  return explanation;
}
declareOptionKeys(explainGeneration, EXPLAIN_GENERATION_OPTION_KEYS);

/** The last-position logits of the prefix (length p), after checking the model's output is [1, p, V]. */
function stepLogits(model: TokenModel, prefix: Tensor, p: number): Float32Array {
  const out = tf.tidy(() => {
    const e = model.embed(prefix);
    const mask = paddingMaskOf(model, prefix);
    return mask === undefined ? model.forwardFromEmbeddings(e) : model.forwardFromEmbeddings(e, { paddingMask: mask });
  });
  try {
    const V = model.vocabSize;
    if (!isTensor(out) || out.rank !== 3 || out.shape[0] !== 1 || out.shape[1] !== p || out.shape[2] !== V) {
      throw new GlassboxError(
        'SHAPE_MISMATCH',
        `${WHERE}: model must be a causal language model whose forwardFromEmbeddings returns next-token logits [1, T, V] ` +
          `(one row per position, V = vocabSize = ${V}); for ids [1, ${p}] it returned ${isTensor(out) ? `shape ${formatShape(out.shape)}` : describe(out)}`,
      );
    }
    const last = tf.tidy(() => lastPositionScores(out));
    try {
      return Float32Array.from(last.dataSync());
    } finally {
      last.dispose();
    }
  } finally {
    if (isTensor(out)) out.dispose();
  }
}

/** ln softmax(z) and the entropy -sum p ln p (nats), in float64; refuses non-finite logits. */
function logSoftmaxAndEntropy(z: Float32Array, p: number): { logProbs: Float64Array; entropy: number } {
  let max = -Infinity;
  for (let v = 0; v < z.length; v++) {
    if (!Number.isFinite(z[v]!)) {
      throw new GlassboxError('NON_FINITE', `${WHERE}: the model's next-token logits for ids[:, :${p}] hold ${z[v]} at token ${v}`);
    }
    if (z[v]! > max) max = z[v]!;
  }
  let sum = 0;
  for (let v = 0; v < z.length; v++) sum += Math.exp(z[v]! - max);
  const lse = max + Math.log(sum);
  const logProbs = new Float64Array(z.length);
  let entropy = 0;
  for (let v = 0; v < z.length; v++) {
    const lp = z[v]! - lse;
    logProbs[v] = lp;
    const pv = Math.exp(lp);
    if (pv > 0) entropy -= pv * lp;
  }
  return { logProbs, entropy: Math.max(0, entropy) };
}

/**
 * A TokenModel whose output is the contrast logit(a) - logit(b), [N, 1], of `model`'s scores (at the last
 * position for a causal language model [N, T, V]): explaining it with any token explainer (target 0 or none)
 * answers "why a rather than b". Keeps the model's embed, vocabSize, maskId, padId and attention.
 *
 * @throws GlassboxError INVALID_ARGUMENT (not a token model, a or b not a token id in range, a == b); when
 *   called, SHAPE_MISMATCH if the model's scores are not [N, K] with a and b < K.
 */
export function contrastTokenModel(model: TokenModel, a: number, b: number): TokenModel {
  const where = 'contrastTokenModel';
  if (!isTokenModel(model)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must be a TokenModel (embed, forwardFromEmbeddings, vocabSize), got ${describe(model)}`);
  }
  checkTokenId(a, where, 'a', model.vocabSize);
  checkTokenId(b, where, 'b', model.vocabSize);
  if (a === b) throw new GlassboxError('INVALID_ARGUMENT', `${where}: a and b must be different token ids, got ${a} twice`);
  const wrapped: TokenModel = {
    vocabSize: model.vocabSize,
    embed: (ids) => model.embed(ids),
    forwardFromEmbeddings: (e, opts) =>
      tf.tidy(() => {
        const scores = lastPositionScores(opts === undefined ? model.forwardFromEmbeddings(e) : model.forwardFromEmbeddings(e, opts));
        if (scores.rank !== 2 || scores.shape[1]! <= Math.max(a, b)) {
          throw new GlassboxError(
            'SHAPE_MISMATCH',
            `${where}: the model's scores must be [N, K] (or [N, T, K]) with K > ${Math.max(a, b)} to contrast tokens ${a} and ${b}, got shape ${formatShape(scores.shape)}`,
          );
        }
        const n = scores.shape[0]!;
        return tf.sub(tf.slice(scores, [0, a], [n, 1]), tf.slice(scores, [0, b], [n, 1]));
      }),
  };
  const extra = wrapped as { -readonly [K in keyof TokenModel]: TokenModel[K] };
  if (model.maskId !== undefined) extra.maskId = model.maskId;
  if (model.padId !== undefined) extra.padId = model.padId;
  if (typeof model.attention === 'function') extra.attention = (ids) => model.attention!(ids);
  return wrapped;
}
