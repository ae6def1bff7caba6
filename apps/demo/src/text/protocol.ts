// Messages of the Text tab between the page and the worker (plain data and typed arrays, as for the images).

/** The explainers the Text tab offers, for both text models. */
export const TEXT_METHODS = [
  { id: 'integratedGradients', label: 'Integrated gradients (32 steps)' },
  { id: 'saliency', label: 'Saliency (gradient · embedding sum)' },
  { id: 'inputXGradient', label: 'Input × gradient' },
  { id: 'noiseTunnel', label: 'SmoothGrad (noise tunnel of saliency, 8 samples)' },
  { id: 'gradientShap', label: 'GradientSHAP (8 samples)' },
  { id: 'occlusion', label: 'Occlusion (one token at a time)' },
  { id: 'featureAblation', label: 'Feature ablation (one token at a time)' },
  { id: 'shapleyValueSampling', label: 'Shapley value sampling (8 permutations)' },
  { id: 'exactShapley', label: 'Exact Shapley (at most 16 tokens)' },
  { id: 'kernelShap', label: 'KernelSHAP (256 coalitions)' },
  { id: 'lime', label: 'LIME (256 samples)' },
  { id: 'attentionRollout', label: 'Attention rollout' },
  { id: 'gradientWeightedAttention', label: 'Gradient-weighted attention' },
] as const;
export type TextMethod = (typeof TEXT_METHODS)[number]['id'];

/** Most tokens the Text tab's exact Shapley explains (2^T coalitions; the explainer's own limit). */
export const EXACT_SHAPLEY_MAX_TOKENS = 16;

export function isTextMethod(m: unknown): m is TextMethod {
  return TEXT_METHODS.some((x) => x.id === m);
}

/** A held-out e-mail shipped with the demo (see scripts/make-spam-samples.mjs and src/text/spam-samples.json). */
export interface SpamSample {
  text: string;
  label: 0 | 1;
  group: string;
  id: string;
}

export interface GenerateData {
  /** The whole text (prompt and continuation). */
  text: string;
  /** Ids from [START], the prompt's, the sampled ones, and [END] when the model ended the name. */
  ids: number[];
  /** One display label per id ('⟨s⟩' for [START], '⟨/s⟩' for [END], the character otherwise). */
  tokens: string[];
  /** Ids of [START] and the prompt: the first generated token is at this position. */
  promptLength: number;
}

/** The explanation of every generated character of a names-gpt text (explainGeneration), and its attention. */
export interface GptExplainData {
  method: TextMethod;
  /** explainGeneration's matrix [G, T - 1]: row i explains the token at positions[i] by the tokens before it. */
  matrix: Float32Array;
  shape: [number, number];
  positions: number[];
  probabilities: number[];
  entropies: number[];
  /** Raw attention of the whole text, [L, H, T, T] (causal: row i sees columns 0..i). */
  attention: Float32Array;
  layers: number;
  heads: number;
  /** Attention rollout of the whole text, [T, T] (row i: how much of each token reaches position i). */
  rollout: Float32Array;
  ms: number;
}

export interface SpamExplainData {
  method: TextMethod;
  /** The word pieces the classifier read ([CLS] first; the text is cut at the model's context). */
  tokens: string[];
  /** softmax(logits)[spam] and the logits (ham, spam). */
  pSpam: number;
  logits: number[];
  /** Per-token attributions of the explained class's logit. */
  scores: Float32Array;
  /** The class explained: 1 spam (default) or 0 ham. */
  target: 0 | 1;
  /** Deletion curve of p(target) as the highest-attributed tokens are replaced by [PAD], and a random order. */
  deletion: { fractions: number[]; curve: number[]; random: number[]; auc: number; randomAuc: number; inputScore: number; baselineScore: number };
  ms: number;
}

export type TextRequest =
  | { type: 'gpt-generate'; id: number; prompt: string; seed: number; temperature: number }
  | { type: 'gpt-explain'; id: number; ids: number[]; promptLength: number; method: TextMethod }
  | { type: 'spam-explain'; id: number; text: string; method: TextMethod; target: 0 | 1 };

export type TextReply =
  | { type: 'gpt-generated'; id: number; generation: GenerateData }
  | { type: 'gpt-explained'; id: number; result: GptExplainData }
  | { type: 'spam-explained'; id: number; result: SpamExplainData };
