import type { Tensor } from '@tensorflow/tfjs-core';
import { optionKeys, type Predictable, type TokenModel } from '@glassbox/tensors-ops';

/** The kinds of model `explainModel` knows a suite for. */
export type ModelKind = 'classifier' | 'ae' | 'vae' | 'gan' | 'cyclegan' | 'gpt' | 'text-classifier';
export const MODEL_KINDS: readonly ModelKind[] = ['classifier', 'ae', 'vae', 'gan', 'cyclegan', 'gpt', 'text-classifier'];
/** The kinds whose inputs are texts, read as token ids by a TokenModel (tensors-ops). */
export type TextModelKind = 'gpt' | 'text-classifier';
export const TEXT_MODEL_KINDS: readonly TextModelKind[] = ['gpt', 'text-classifier'];
/** True for a kind whose inputs are texts. */
export function isTextKind(kind: unknown): kind is TextModelKind {
  return kind === 'gpt' || kind === 'text-classifier';
}

/**
 * A part of a model the report runs: a function `(x) => Tensor` or an object with `predict(x)` (a tfjs
 * LayersModel, a tensors-ops `Sequential`, a Glassbox model). Batched: [N, ...] in, [N, ...] out.
 */
export type ModelPart = Predictable;

/** A model cut in two at a layer: `head(features(x))` is the model (what Grad-CAM needs). */
export interface FeaturesHeadSplit {
  features: ModelPart;
  head: ModelPart;
}

/**
 * An image classifier: `predict(x)` returns logits [N, K] for images [N, H, W, C] (or [N, H, W]).
 * A classifier of @glassbox/models-classifier (or a tensors-ops `Sequential` with `kind: 'classifier'` added)
 * fits as is.
 */
export interface ClassifierModel {
  kind: 'classifier';
  /** Logits [N, K] (raw scores; the report applies softmax only to show probabilities). */
  predict(x: Tensor): Tensor;
  /** One name per class (default '0', '1', ...). */
  classNames?: readonly string[];
  /**
   * Grad-CAM without a split: when the model is also a tensors-ops `LayerModel` (`layerNames`, `layerOutput`,
   * `forwardWithLayer`, as a model from @glassbox/adapters' loadLayersModel / loadGraphModel is), Grad-CAM reads
   * the layer `gradCamLayer` names directly (residual graphs included).
   */
  layerNames?: readonly string[];
  layerOutput?(x: Tensor, layer: string): Tensor;
  forwardWithLayer?(x: Tensor, layer: string, value: Tensor): Tensor;
  /** Cuts the model after a layer, for Grad-CAM (a tensors-ops `Sequential` has it). */
  split?(layer: string): FeaturesHeadSplit;
  /**
   * The layer Grad-CAM explains (e.g. the last convolution). Default: `lastConvLayer` (what a
   * @glassbox/models-classifier `Classifier` names), else the last 'conv2d' of `layers`, if any.
   */
  gradCamLayer?: string;
  /** The last convolution's name (a @glassbox/models-classifier `Classifier` has it); see `gradCamLayer`. */
  lastConvLayer?: string | null;
  /** Layer descriptions (a tensors-ops `Sequential` has them); only used to find a default Grad-CAM layer. */
  layers?: readonly { name: string; type: string }[];
  /** Shown in the report (`meta.modelName`). */
  modelName?: string;
}

/**
 * An autoencoder ('ae') or a variational autoencoder ('vae'). For a VAE, `encoder` returns the mean of
 * q(z | x) (not a sample), so the report is deterministic.
 */
export interface AutoencoderModel {
  kind: 'ae' | 'vae';
  /** Images [N, ...] -> codes [N, D] (the mean for a VAE). */
  encoder: ModelPart;
  /** Codes [N, D] -> images [N, ...] (the shape of the input images). */
  decoder: ModelPart;
  /** D; checked against the encoder's output when given. */
  latentDim?: number;
  /** Shown in the report (`meta.modelName`). */
  modelName?: string;
}

/**
 * A GAN: a generator of images from codes z ~ N(0, I), and a discriminator that scores images. A
 * @glassbox/models-gan `GAN` fits as is (also a conditional one).
 */
export interface GanModel {
  kind: 'gan';
  /** Codes [N, D] (followed by a one-hot class [N, K] for a conditional GAN) -> images [N, ...]. */
  generator: ModelPart;
  /** Images [N, ...] -> logits [N] or [N, 1] (higher = more real); [N, K] for a conditional GAN (one per class). */
  discriminator: ModelPart;
  /** D, the length of a code. */
  latentDim: number;
  /** K > 0 for a conditional GAN (the generator takes z then a one-hot class); default 0. */
  numClasses?: number;
  /** Shown in the report (`meta.modelName`). */
  modelName?: string;
}

/** A CycleGAN: translators between two image domains A and B, and optionally B's discriminator. */
export interface CycleGanModel {
  kind: 'cyclegan';
  /** Images of domain A [N, H, W, C] -> images of domain B [N, H', W', C']. */
  translateAB: ModelPart;
  /** Images of domain B -> domain A; when given, the report shows the cycle BA(AB(x)). */
  translateBA?: ModelPart;
  /** Images of domain B -> logits [N] or [N, 1]; when given, the report explains it on the translations. */
  discriminatorB?: ModelPart;
  /** Shown in the report (`meta.modelName`). */
  modelName?: string;
}

/** What the text kinds share: the token model and its tokenizer. */
interface TextModelBase {
  /** The TokenModel (tensors-ops: embed, forwardFromEmbeddings, vocabSize, maskId, padId, attention). */
  model: TokenModel;
  /** A text -> its ids and token strings (the model's own tokenizer; it refuses what the model cannot read). */
  encode(text: string): { ids: Int32Array; tokens: string[] };
  /** Shown in the report (`meta.modelName`). */
  modelName?: string;
}

/**
 * A causal language model (@glassbox/models-transformer's GPT fits through the 'gpt' kind adapter's
 * `reportModel`): the report generates a continuation of each text (the prompt) and explains it token by
 * token (explainGeneration), and the last generated token by attention rollout.
 */
export interface GptReportModel extends TextModelBase {
  kind: 'gpt';
  /** The continuation of a prompt: [START], the prompt's ids, the sampled ids (and [END] when it ended). */
  generate(prompt: string, options: { maxTokens: number; seed: number }): { ids: Int32Array };
  /** The string of each token id (the vocabulary), to label tokens. */
  vocabulary: readonly string[];
}

/** A text classifier (@glassbox/models-transformer's TextClassifier fits through the 'text-classifier' adapter). */
export interface TextClassifierReportModel extends TextModelBase {
  kind: 'text-classifier';
  /** One name per class (e.g. ham, spam). */
  labels: readonly string[];
}

/**
 * A classifier whose predict answers with a Promise (an ONNX model from @glassbox/adapters' loadOnnx, a model behind
 * a worker or a server). The report runs the methods that only call the model (occlusion, KernelSHAP) with the
 * metrics, which only call the model too (deletion / insertion curves, infidelity, max-sensitivity, sparseness,
 * completeness); the gradient methods (saliency, integrated gradients, SmoothGrad, Grad-CAM) need a differentiable
 * TensorFlow.js model and are listed in `meta.skipped` with the reason (asking for one in `options.methods` is
 * INVALID_ARGUMENT).
 */
export interface AsyncClassifierModel extends Omit<ClassifierModel, 'predict' | 'split' | 'layerNames' | 'layerOutput' | 'forwardWithLayer'> {
  /** Logits [N, K], as a Promise: a function, or the loaded model itself (an object with predict, e.g. loadOnnx's). */
  predict: ((x: Tensor) => Promise<Tensor>) | { predict(x: Tensor): Tensor | Promise<Tensor> };
  /**
   * Marks the model asynchronous. Not needed when predict is an `async` function or an object that says it is
   * asynchronous (tensors-ops' isAsyncModel: `async: true`, as loadOnnx's models do).
   */
  async?: true;
}

/** Any model `explainModel` accepts (a discriminated union on `kind`). */
export type ReportModel = ClassifierModel | AsyncClassifierModel | AutoencoderModel | GanModel | CycleGanModel | GptReportModel | TextClassifierReportModel;

/**
 * The data to explain: an image tensor [N, ...] (float32), or `{ x, y? }` as @glassbox/datasets returns; for
 * the text kinds, texts (a string array, or `{ texts, y? }`): a classifier's e-mails, a GPT's prompts.
 */
export type ReportData = Tensor | { x: Tensor; y?: ArrayLike<number> } | readonly string[] | { texts: readonly string[]; y?: ArrayLike<number> };

/**
 * The knobs of the suites (each has a default sized for a report on a few 28x28 images in seconds).
 * Every one is optional in `ExplainModelOptions.settings`; the resolved values are in `meta.settings`.
 */
export interface SuiteSettings {
  /** Integrated-gradients steps (classifier IG, latent attribution, CycleGAN region IG). Default 32. */
  igSteps: number;
  /** Noisy copies per input for the noise tunnel (SmoothGrad). Default 8. */
  noiseSamples: number;
  /** Noise standard deviation, as a fraction of the inputs' value range (max - min). Default 0.15. */
  noiseStdev: number;
  /** Occlusion window side in pixels. Default round(min(H, W) / 7), at least 1. */
  occlusionWindow: number;
  /** Occlusion stride in pixels. Default half the window, at least 1. */
  occlusionStride: number;
  /** KernelSHAP patches per image side (a grid of cells x cells features). Default min(7, H, W). */
  kernelShapCells: number;
  /** KernelSHAP coalitions per input. Default 256. */
  kernelShapSamples: number;
  /** Steps of the deletion and insertion curves. Default 16 (at most the number of pixels). */
  curveSteps: number;
  /** Random perturbations per input for infidelity. Default 16. */
  infidelitySamples: number;
  /** Noise draws for max-sensitivity (each re-runs the explainer). Default 3. */
  sensitivitySamples: number;
  /** Inputs max-sensitivity is measured on (the first ones). Default 2. */
  sensitivityRows: number;
  /** Max-sensitivity radius, as a fraction of the inputs' value range. Default 0.02. */
  sensitivityRadius: number;
  /** Latent dimensions traversed and explained (the most influential ones). Default 6. */
  latentDims: number;
  /** Values per latent traversal. Default 7. */
  traversalValues: number;
}

/** Options of `explainModel`. */
export interface ExplainModelOptions {
  /** How many inputs (the first rows of data) to explain, an integer in 1..N. Default min(N, 4). */
  samples?: number;
  /** Which methods of the kind's suite to run (see `REPORT_METHODS`); default all that apply to the model. */
  methods?: string[];
  /** Every random draw comes from this (noise, KernelSHAP coalitions, metric perturbations, GAN codes). Default 0. */
  seed?: number;
  /** Most rows per model call, everywhere. Default 64. Results do not depend on it. */
  batchSize?: number;
  /** Called after each stage with (stages done, stages in all, name of the stage just finished). */
  onProgress?: (done: number, total: number, stage: string) => void;
  /** Abort -> rejects with GlassboxError 'ABORTED' (checked between and inside stages); no tensor leaks. */
  signal?: AbortSignal;
  /**
   * classifier: the class to explain, one for all inputs or one per input (default: each input's predicted
   * class). ae / vae: the latent dimensions whose input attributions are shown (default: the most
   * influential ones). Not used by the other kinds (passing it is an INVALID_ARGUMENT).
   */
  target?: number | number[];
  /** Budgets and sizes of the suite's methods and metrics; see `SuiteSettings`. */
  settings?: Partial<SuiteSettings>;
}

/** The keys of ExplainModelOptions. */
export const EXPLAIN_MODEL_OPTION_KEYS = optionKeys<ExplainModelOptions>({
  samples: true,
  methods: true,
  seed: true,
  batchSize: true,
  onProgress: true,
  signal: true,
  target: true,
  settings: true,
});

// ---------------------------------------------------------------------------------------------------------
// The result: plain objects, numbers and arrays only (JSON.stringify / JSON.parse round-trips it; NaN, which
// only a degenerate metric can produce, becomes null in JSON and renders as a dash).

/** An n-dimensional array: row-major values as a plain number array, and its shape. */
export interface ArrayData {
  shape: number[];
  data: number[];
}

/** What every report carries besides its kind's content. */
export interface ReportMeta {
  /** The package that made it and the result format's version. */
  generator: '@glassbox/report';
  formatVersion: 1;
  kind: ModelKind;
  /** `model.modelName` when it is a string. */
  modelName: string | null;
  /** The tfjs backend that computed it ('wasm' or 'cpu'). */
  backend: string;
  seed: number;
  batchSize: number;
  /** Inputs explained. */
  samples: number;
  /** Shape of one input row. */
  inputShape: number[];
  /** The methods that ran, in order. */
  methods: string[];
  /** Methods of the default suite that did not apply to this model, and why. */
  skipped: { method: string; reason: string }[];
  settings: SuiteSettings;
}

/**
 * A deletion or insertion curve of one explanation: per input, and the seeded random-order baseline. The
 * normalised curves are (score - F(baseline)) / |F(x) - F(baseline)| (see @glassbox/metrics' deletionCurve),
 * and the areas are taken under them: the numbers the report's table and charts show.
 */
export interface CurveSummary {
  /** The x axis: fraction of pixels removed (deletion) or inserted (insertion), steps + 1 points. */
  fractions: number[];
  /** Target score along the curve (the model's units), one curve per input. */
  curves: number[][];
  /** The same curves normalised: 1 at F(x) and 0 at F(baseline) when F(x) > F(baseline). */
  normalizedCurves: number[][];
  /** Area under each normalised curve (lower is better for deletion, higher for insertion). */
  auc: number[];
  /** The same for a random pixel order (seeded), normalised with the input's own F(x) and F(baseline). */
  randomCurves: number[][];
  randomNormalizedCurves: number[][];
  randomAuc: number[];
  /** Means over the inputs. */
  meanAuc: number;
  meanRandomAuc: number;
}

/** The metrics of one classifier explanation, one value per input unless noted. */
export interface ExplanationMetrics {
  deletion: CurveSummary;
  insertion: CurveSummary;
  /** Infidelity (Yeh et al. 2019) with 'subtract' perturbations; lower is better. */
  infidelity: number[];
  /** Infidelity at the best scale of the map (what the ranking uses); lower is better. */
  scaledInfidelity: number[];
  /** Max-sensitivity on the first `settings.sensitivityRows` inputs; lower is better. */
  sensitivityMax: number[];
  /** Gini index of |attributions|; higher is more concentrated. */
  sparseness: number[];
  /** |sum(a) - (F(x) - F(0))| for the methods with the completeness axiom (IG, KernelSHAP), else null. */
  completeness: number[] | null;
}

/** One classifier explanation method's result. */
export interface ExplanationResult {
  /** The method's name in `REPORT_METHODS.classifier`. */
  method: string;
  /** A human-readable name with its formula in a few words. */
  label: string;
  /** Attributions [S, ...inputShape], for each input's target class. */
  attributions: ArrayData;
  /** Whether the map has a meaningful sign (drawn blue/red) or is a magnitude (drawn in one colour). */
  signed: boolean;
  metrics: ExplanationMetrics;
}

/** Metric names of the ranking, with their direction. */
export type RankingMetric = 'deletion' | 'insertion' | 'infidelity' | 'sensitivityMax' | 'sparseness';

export interface RankingRow {
  method: string;
  /** Mean over the inputs of each metric (infidelity: the scaled one). */
  means: Record<RankingMetric, number>;
  /** Rank per metric, 1 = best; ties share the mean of their ranks. */
  ranks: Record<RankingMetric, number>;
  meanRank: number;
  /** 1 + the number of methods with a strictly lower meanRank. */
  rank: number;
}

export interface RankingTable {
  columns: { metric: RankingMetric; direction: 'lower is better' | 'higher is better' }[];
  /** Best first. */
  rows: RankingRow[];
}

export interface ClassifierReport {
  kind: 'classifier';
  meta: ReportMeta;
  /** The explained inputs [S, ...inputShape]. */
  inputs: ArrayData;
  classNames: string[];
  predictions: {
    /** [S][K] */
    logits: number[][];
    /** softmax of the logits, [S][K] */
    probabilities: number[][];
    /** argmax per input */
    predicted: number[];
    /** the class each explanation explains */
    target: number[];
    /** true labels when the data had `y`, else null */
    labels: number[] | null;
  };
  explanations: ExplanationResult[];
  /** The explanations ranked by the metrics (mean rank over deletion, insertion, infidelity, sensitivityMax, sparseness). */
  ranking: RankingTable | null;
}

/** Latent-dimension attributions of one region of a generated or reconstructed image. */
export interface RegionAttribution {
  /** 'top-left', 'top-right', 'bottom-left', 'bottom-right' or 'centre'. */
  region: string;
  /** The region's mask over one output row (1 inside, 0 outside), shape = output row shape. */
  mask: ArrayData;
  /**
   * Integrated gradients of the region's mean intensity w.r.t. the code, from code 0: [S][D] (for a
   * conditional GAN [S][D + K]: the code, then the one-hot class).
   */
  attributions: number[][];
  /** Mean over the inputs, one per latent dimension. */
  meanAttribution: number[];
  /** |sum of attributions - (score(z) - score(0))| per input (integration error). */
  completeness: number[];
}

export interface AutoencoderReport {
  kind: 'ae' | 'vae';
  meta: ReportMeta;
  inputs: ArrayData;
  /** decoder(encoder(x)), [S, ...inputShape]. */
  reconstructions: ArrayData;
  /** Mean squared error per input. */
  reconstructionError: number[];
  latent: {
    dim: number;
    /** encoder(x), [S][D]. */
    codes: number[][];
    /**
     * The latent dimensions explained: `target` when given, else the most influential by latent sensitivity
     * (when it ran; else by the spread of the codes over the inputs, |code| for a single input), at most
     * `settings.latentDims`, leaving out dimensions under 1% of the top score.
     */
    activeDims: number[];
  };
  /** Latent sensitivity over the codes of the inputs, or null when not run. */
  sensitivity: { delta: number; scores: number[]; order: number[] } | null;
  /** Traversals of the first input's code, one per active dimension, or null when not run. */
  traversals: { dim: number; values: number[]; images: ArrayData }[] | null;
  /** d encoder(x)_dim / dx per active dimension (signed gradient), or null when not run. */
  encoderAttributions: { dim: number; attributions: ArrayData }[] | null;
  /** Which latent dimensions drive each region of the reconstruction, or null when not run. */
  regionAttributions: RegionAttribution[] | null;
}

export interface GanReport {
  kind: 'gan';
  meta: ReportMeta;
  /** The real images explained, [S, ...imageShape]. */
  inputs: ArrayData;
  /**
   * The generator inputs: codes z ~ N(0, I) [S][D] from the seed; for a conditional GAN also the class of each
   * generated image (i mod K) and of each real image (its label when the data had y, else the class the
   * discriminator finds most real), whose discriminator column is shown.
   */
  latent: { dim: number; codes: number[][]; numClasses: number; fakeClasses: number[] | null; realClasses: number[] | null };
  /** generator(codes), [S, ...imageShape]. */
  fakes: ArrayData;
  /** Discriminator logits. */
  discriminator: { realScores: number[]; fakeScores: number[] };
  /** |d D(x) / dx| on the real and on the generated images, or null when not run. */
  discriminatorSaliency: { real: ArrayData; fake: ArrayData } | null;
  /** Which latent dimensions drive each region of the generated images, or null when not run. */
  regionAttributions: RegionAttribution[] | null;
}

/** Input-pixel attributions of one region of the translation. */
export interface CycleGanRegion {
  region: string;
  /** Mask over one output row. */
  mask: ArrayData;
  /** Saliency |d score / dx|, [S, ...inputShape], or null when not run. */
  saliency: ArrayData | null;
  /** Integrated gradients from a black (0) input, [S, ...inputShape], or null when not run. */
  integratedGradients: ArrayData | null;
  /** Completeness gap of the IG maps per input, or null. */
  completeness: number[] | null;
}

export interface CycleGanReport {
  kind: 'cyclegan';
  meta: ReportMeta;
  /** Domain-A inputs [S, ...inputShape]. */
  inputs: ArrayData;
  /** translateAB(x), [S, ...outputShape]. */
  translations: ArrayData;
  /** translateBA(translateAB(x)) when the model has translateBA, else null. */
  cycle: ArrayData | null;
  regions: CycleGanRegion[];
  /** discriminatorB on the translations (logits and saliency), or null without it or when not run. */
  discriminatorB: { scores: number[]; saliency: ArrayData } | null;
}

/** One token explanation of one method (text kinds). */
export interface TokenExplanation {
  /** The method's name in the kind's `reportMethods`. */
  method: string;
  label: string;
  /** Whether the scores have a meaningful sign. */
  signed: boolean;
  /** Per explained text, one score per token (its own length, no padding). */
  scores: number[][];
}

export interface TextClassifierReport {
  kind: 'text-classifier';
  meta: ReportMeta;
  /** The explained texts and their tokens ([CLS] first; long texts are cut to `TEXT_REPORT_MAX_TOKENS`). */
  texts: string[];
  tokens: string[][];
  classNames: string[];
  predictions: { logits: number[][]; probabilities: number[][]; predicted: number[]; target: number[]; labels: number[] | null };
  explanations: TokenExplanation[];
  /**
   * compareExplainers over the explained texts (deletion and insertion with the mask token, sparseness over
   * the real tokens; best first), or null when fewer than two methods ran.
   */
  ranking: { columns: { metric: string; direction: string }[]; rows: { method: string; means: Record<string, number>; meanRank: number; rank: number }[] } | null;
}

/** One generated continuation, explained (gpt). */
export interface GenerationResult {
  prompt: string;
  /** [START], the prompt's tokens, the generated ones (and [END]). */
  tokens: string[];
  /** explainGeneration's matrix [G, T - 1] (row-major; NaN, as null in JSON, after each row's token), its shape, positions, probabilities, entropies and targets. */
  matrix: number[];
  shape: [number, number];
  positions: number[];
  targets: number[];
  probabilities: number[];
  entropies: number[];
  /** Token explanations of the last generated token over the tokens before it (one per method). */
  last: TokenExplanation[];
}

export interface GptReport {
  kind: 'gpt';
  meta: ReportMeta;
  /** The generated token count and the seed of the draws. */
  generation: { maxTokens: number; seed: number };
  generations: GenerationResult[];
}

/** What `explainModel` returns, by kind. */
export type ReportResult = ClassifierReport | AutoencoderReport | GanReport | CycleGanReport | GptReport | TextClassifierReport;

/** Options of `renderReport`. */
export interface RenderReportOptions {
  /** The page title and heading. Default 'Glassbox report: <kind>'. */
  title?: string;
}

/** The keys of RenderReportOptions. */
export const RENDER_REPORT_OPTION_KEYS = optionKeys<RenderReportOptions>({ title: true });
