// The Text tab's work: the two pretrained Transformers of @glassbox/models-transformer, generation and its
// explanation (names-gpt), and the spam classifier's p(spam), token attributions and deletion curve.
import { GlassboxError, tf } from '@glassbox/tensors-ops';
import type { Attribution, Tensor, TokenModel } from '@glassbox/tensors-ops';
import { loadPretrained } from '@glassbox/models-transformer';
import type { GPT, TextClassifier } from '@glassbox/models-transformer';
import { attentionMaps, attentionRollout, explainGeneration, gradientShap, gradientWeightedAttention, inputXGradient, integratedGradients, noiseTunnel, saliency } from '@glassbox/explainers-gradient';
import type { GenerationExplainer } from '@glassbox/explainers-gradient';
import { exactShapley, featureAblation, kernelShap, lime, occlusion, shapleyValueSampling } from '@glassbox/explainers-perturbation';
import { deletionCurve } from '@glassbox/metrics';
import { EXACT_SHAPLEY_MAX_TOKENS, isTextMethod } from '../text/protocol.js';
import type { GenerateData, GptExplainData, SpamExplainData, TextMethod } from '../text/protocol.js';

let gptPromise: Promise<GPT> | null = null;
let clfPromise: Promise<TextClassifier> | null = null;

export function getGpt(): Promise<GPT> {
  if (gptPromise === null) {
    gptPromise = loadPretrained('names-gpt');
    gptPromise.catch(() => (gptPromise = null));
  }
  return gptPromise;
}

export function getSpamClassifier(): Promise<TextClassifier> {
  if (clfPromise === null) {
    clfPromise = loadPretrained('spam-encoder');
    clfPromise.catch(() => (clfPromise = null));
  }
  return clfPromise;
}

/**
 * Each method of the tab as a token explainer `(model, ids, options) => Attribution`, with the demo's settings
 * (small enough for about a second per explanation). Attention rollout has no target: the `target` the callers
 * pass is dropped (it describes where information flows, whatever the output).
 */
const TOKEN_EXPLAINERS: Readonly<Record<TextMethod, GenerationExplainer>> = {
  integratedGradients: (m, ids, o) => integratedGradients(m as never, ids, { ...o, steps: 32 }),
  saliency: (m, ids, o) => saliency(m as never, ids, o),
  inputXGradient: (m, ids, o) => inputXGradient(m as never, ids, o),
  // SmoothGrad on the embeddings: the noise's stdev is in embedding units (the embeddings are of order 1).
  noiseTunnel: (m, ids, o) => noiseTunnel(saliency, { samples: 8, stdev: 0.1, seed: 0 })(m as never, ids, o),
  gradientShap: (m, ids, o) => gradientShap(m as never, ids, { ...o, samples: 8, stdev: 0.1, seed: 0 }),
  occlusion: (m, ids, o) => occlusion(m as never, ids, { ...o, window: [1] }),
  featureAblation: (m, ids, o) => featureAblation(m as never, ids, o),
  shapleyValueSampling: (m, ids, o) => shapleyValueSampling(m as never, ids, { ...o, samples: 8, seed: 0 }),
  exactShapley: (m, ids, o) => exactShapley(m as never, ids, o),
  kernelShap: (m, ids, o) => kernelShap(m as never, ids, { ...o, samples: 256, seed: 0 }),
  lime: (m, ids, o) => lime(m as never, ids, { ...o, samples: 256, seed: 0 }),
  attentionRollout: (m, ids, o: { target?: number; signal?: AbortSignal } = {}) => {
    const { target: _target, ...rest } = o;
    return attentionRollout(m, ids, rest);
  },
  gradientWeightedAttention: (m, ids, o) => gradientWeightedAttention(m as never, ids, o),
};

function explainerOf(method: unknown): GenerationExplainer {
  if (!isTextMethod(method)) throw new GlassboxError('INVALID_ARGUMENT', `text: method must be one of ${Object.keys(TOKEN_EXPLAINERS).join(', ')}, got ${String(method)}`);
  return TOKEN_EXPLAINERS[method];
}

/** Refuses exact Shapley on more than 16 tokens with a message the status line shows (2^T model rows). */
function checkExactShapley(method: TextMethod, tokens: number, what: string): void {
  if (method === 'exactShapley' && tokens > EXACT_SHAPLEY_MAX_TOKENS) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `exact Shapley enumerates all 2^T coalitions, so it takes at most ${EXACT_SHAPLEY_MAX_TOKENS} tokens; ${what} has ${tokens}: choose Shapley value sampling, KernelSHAP or feature ablation`,
    );
  }
}

function disposeAttribution(r: Attribution | undefined): void {
  if (r === undefined) return;
  for (const v of Object.values(r)) if (v instanceof tf.Tensor) v.dispose();
}

/** How the page labels a GPT token: the character, or [START] / [END]. */
function gptLabel(gpt: GPT, id: number): string {
  const tok = gpt.tokenizer;
  if (id === tok.startId) return '[START]';
  if (id === tok.endId) return '[END]';
  return tok.tokens[id] ?? '?';
}

/** Samples a name after `prompt` (characters of the model's vocabulary; unknown ones are refused by encode). */
export async function gptGenerate(prompt: string, seed: number, temperature: number): Promise<GenerateData> {
  const gpt = await getGpt();
  const promptLength = gpt.encode(prompt).ids.length;
  const g = gpt.generate(prompt, { seed, temperature });
  const ids = Array.from(g.ids);
  if (ids.length <= promptLength) {
    throw new GlassboxError('INVALID_ARGUMENT', `prompt: leaves no room for a generated character (the model reads at most ${gpt.context - 1} characters), got ${prompt.length}`);
  }
  return { text: g.text, ids, tokens: ids.map((id) => gptLabel(gpt, id)), promptLength };
}

/**
 * Explains every generated token of a names-gpt text with `method` (explainGeneration: each row is the
 * method run on the prefix before that token, target the token that was sampled), and reads the raw
 * attention and the attention rollout of the whole text.
 */
export async function gptExplain(
  idList: number[],
  promptLength: number,
  method: TextMethod,
  onProgress: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<GptExplainData> {
  const started = performance.now();
  const gpt = await getGpt();
  const explainer = explainerOf(method);
  // The last generated token is explained over every token before it.
  checkExactShapley(method, idList.length - 1, 'the longest prefix');
  const ids = tf.tensor2d(Int32Array.from(idList), [1, idList.length], 'int32');
  let maps: Tensor | undefined;
  let roll: (Attribution & { rollout?: Tensor }) | undefined;
  try {
    const g = await explainGeneration(gpt, ids, { promptLength, explainer, onProgress, signal });
    maps = attentionMaps(gpt, ids);
    roll = await attentionRollout(gpt, ids, { returnRollout: true, signal });
    const [, layers, heads] = maps.shape as number[];
    return {
      method,
      matrix: g.matrix,
      shape: g.shape,
      positions: g.positions,
      probabilities: g.probabilities,
      entropies: g.entropies,
      attention: Float32Array.from(maps.dataSync()),
      layers: layers!,
      heads: heads!,
      rollout: Float32Array.from(roll.rollout!.dataSync()),
      ms: performance.now() - started,
    };
  } finally {
    ids.dispose();
    maps?.dispose();
    disposeAttribution(roll);
  }
}

/**
 * p(spam) of an e-mail, the attributions of the `target` class's logit (1 spam, 0 ham) to its word pieces with
 * `method`, and the deletion curve of p(target) in the attributions' order (removed pieces become [PAD], the
 * classifier's mask id) beside a random order.
 */
export async function spamExplain(
  text: string,
  method: TextMethod,
  target: 0 | 1,
  progress: { begin(stage: string): (done: number, total: number) => void },
  signal: AbortSignal,
): Promise<SpamExplainData> {
  const started = performance.now();
  const clf = await getSpamClassifier();
  const explainer = explainerOf(method);
  const { ids: idArray, tokens } = clf.encode(text);
  checkExactShapley(method, tokens.length, 'this e-mail');
  const ids = tf.tensor2d(idArray, [1, idArray.length], 'int32');
  let r: Attribution | undefined;
  try {
    const logits = tf.tidy(() => Array.from(clf.predict(ids).dataSync()));
    const probs = tf.tidy(() => Array.from(tf.softmax(tf.tensor1d(logits)).dataSync()));
    r = await explainer(clf as unknown as TokenModel, ids, { target, signal, onProgress: progress.begin(method) });
    const scores = Float32Array.from(r.attributions.dataSync());
    // p(target) as a plain function of ids: the mask id must then be given.
    const pOf = (x: Tensor): Tensor => tf.tidy(() => tf.softmax(clf.predict(x)));
    const del = await deletionCurve(pOf, ids, r.attributions, { target, baseline: clf.maskId, intervals: 20, seed: 0, signal, onProgress: progress.begin('deletion curve') });
    return {
      method,
      tokens,
      pSpam: probs[1]!,
      logits,
      scores,
      target,
      deletion: {
        fractions: del.rowFractions?.[0] ?? del.fractions,
        curve: del.curves[0]!,
        random: del.randomCurves![0]!,
        auc: del.rawAuc[0]!,
        randomAuc: del.randomRawAuc![0]!,
        inputScore: del.inputScores[0]!,
        baselineScore: del.baselineScores[0]!,
      },
      ms: performance.now() - started,
    };
  } finally {
    ids.dispose();
    disposeAttribution(r);
  }
}
