// Messages between the page (main.ts) and the worker (worker.ts). Only plain data and typed arrays cross: the
// worker owns TensorFlow.js, the models and the data; the page only draws.
import type { InputKind, MethodView, ModelId, ModelKind, OptionValues } from './methods.js';
import type { TextReply, TextRequest } from './text/protocol.js';

export const SIZE = 28;
export const PIXELS = SIZE * SIZE;

export interface BackendReport {
  /** What runs now. */
  backend: 'wasm' | 'cpu';
  simd: boolean;
  threads: number;
  /** Whether the page (and so the worker) is cross-origin isolated: SharedArrayBuffer and threads available. */
  isolated: boolean;
  /** What was asked for ('wasm' unless the page says ?backend=cpu). */
  requested: 'wasm' | 'cpu';
  /** Why WASM is not running, when it fell back to cpu. */
  fallbackReason?: string;
}

/** A box on the 28x28 output, in pixels, half-open: rows y0..y1-1, columns x0..x1-1. */
export interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
export const FULL_REGION: Region = { x0: 0, y0: 0, x1: SIZE, y1: SIZE };

export type InputSpec =
  | { kind: Exclude<InputKind, 'latent'>; pixels: Float32Array }
  /** A code drawn from the model's prior with `seed`; `label` is the class of a conditional GAN. */
  | { kind: 'latent'; seed: number; label?: number };

export interface ModelInfo {
  id: ModelId;
  kind: ModelKind;
  /** True when the shipped pretrained weights were loaded; false when the demo had to fall back to an untrained model. */
  pretrained: boolean;
  /** Shown next to the model picker (e.g. why the weights could not be loaded). */
  note?: string;
  params: number;
  /** Length of the latent code z (a conditional GAN's generator takes z and then a one-hot class). */
  latentDim?: number;
  /** Classes of the classifier, or of a conditional GAN (0: unconditional). */
  classes?: number;
  camLayers: string[];
  defaultCamLayer?: string;
  layered: boolean;
  /** What the image explainers can explain for this model (its kind adapter's objectives) and the one the page starts with. */
  objectives: string[];
  objective: string;
  /** A conditional GAN: the page offers the class to generate. */
  conditional: boolean;
  /** The sanity check applies: the model has a network to randomize (a classifier's). */
  randomizable: boolean;
  /** The model has an image output (reconstruction, translation, generated image) on which a region can be selected. */
  imageOutput: boolean;
}

export interface OutputData {
  /** The image the explainers explain (the input, or the generated image for a latent input), 784 values in 0..1. */
  image: Float32Array;
  /** Classifier: softmax probabilities and the predicted class. */
  probs?: Float32Array;
  predicted?: number;
  /** The model's image output: reconstruction (AE/VAE), sample (GAN, or VAE/AE from a latent code), translation (CycleGAN). */
  output?: Float32Array;
  outputLabel?: string;
  /** CycleGAN: the cycle BA(AB(x)). */
  cycle?: Float32Array;
  /** GAN: discriminator logit of the image (higher = more real). CycleGAN: D_B's mean patch score of the translation. */
  discriminator?: number;
  /** How the page names `discriminator` ('D logit', 'D_B'). */
  discriminatorLabel?: string;
  /** The latent code (AE/VAE: the encoding of the input, or the drawn code; GAN: the drawn code). */
  latent?: Float32Array;
}

/**
 * A deletion or insertion curve as @glassbox/metrics normalises it: every score F is shown as
 * (F - F(baseline)) / |F(x) - F(baseline)| (1 at F(x) and 0 at F(baseline) when F(x) > F(baseline)), and the
 * AUCs are the areas under these curves, so the chart and the table use the same numbers.
 */
export interface Curve {
  fractions: number[];
  /** Normalised scores along the curve (metrics' `normalizedCurves`). */
  curve: number[];
  /** Area under `curve` (metrics' `auc`). */
  auc: number;
  /** F(x) and F(baseline): the raw scores at the two ends, what the normalisation divides by. */
  inputScore: number;
  baselineScore: number;
  /** The random order's normalised curve and its area. */
  random?: number[];
  randomAuc?: number;
}

export interface MetricsData {
  deletion: Curve;
  insertion: Curve;
  infidelity: number;
  sparseness: number;
  completeness: number;
  /** Max-sensitivity (re-runs the explainer), when asked for. */
  sensitivity?: number;
  /** Model-parameter randomization test, when asked for (classifier). */
  sanity?: { layer: string; spearman: number; ssim: number }[];
}

export interface LatentData {
  /** Integrated gradients of the selected output region's mean with respect to the latent code, one per dimension. */
  attributions: Float32Array;
  delta: number;
  region: Region;
  /** Dimensions shown in the traversal (the most influential for the region first) and the values they sweep. */
  dims: number[];
  values: number[];
  /** Decoded images [dims][values][784]. */
  traversal: Float32Array;
  /** d output / d z_k at the code, one 784 map per shown dimension (latentJacobian). */
  jacobian: Float32Array;
  /** latentSensitivity's scores per dimension (how much the output changes per dimension). */
  sensitivity: number[];
}

export interface ExplainData {
  method: string;
  /** 784 attribution values (summed over the single channel). */
  attributions: Float32Array;
  /** The score explained at the input (classifier: the target logit), when known. */
  score?: number;
  target?: number;
  /** The target's name ('class 3', 'latent dimension 2'). */
  targetLabel?: string;
  delta?: number;
  /** Feature groups used (per pixel), to draw their boundaries. */
  segments?: Int32Array;
  /** Method-specific numbers (LIME's local R², surrogate fidelity, ...). */
  extra: Record<string, number | string>;
  metrics?: MetricsData;
  latent?: LatentData;
  ms: number;
}

export type MetricFlags = { sensitivity: boolean; sanity: boolean };

export type Request =
  | { type: 'init'; backend: 'wasm' | 'cpu'; threads?: number; breakWasm?: boolean }
  | { type: 'load'; id: number; model: ModelId }
  | { type: 'predict'; id: number; model: ModelId; input: InputSpec }
  | {
      type: 'explain';
      id: number;
      model: ModelId;
      input: InputSpec;
      region: Region;
      method: string;
      options: OptionValues;
      /** Classifier: the class to explain (null: the predicted one). */
      target: number | null;
      /** What to explain, among the model's objectives (absent: the model info's `objective`). */
      objective?: string;
      metrics: MetricFlags;
      seed: number;
    }
  | { type: 'latent'; id: number; model: ModelId; input: InputSpec; region: Region; steps: number; dims: number }
  /** Runs @glassbox/report's suite for the model on the input (and a few test digits) and renders one HTML page. */
  | { type: 'report'; id: number; model: ModelId; input: InputSpec }
  | { type: 'cancel'; id: number }
  /** The Text tab's requests (src/text/protocol.ts). */
  | TextRequest;

export type Reply =
  /** The backend, the gallery, and the methods of the registry the page offers (plain data, see methodViews). */
  | { type: 'ready'; backend: BackendReport; gallery: { images: Uint8Array; labels: Int32Array; count: number }; methods: MethodView[] }
  | { type: 'loaded'; id: number; info: ModelInfo }
  /** `done` of `total` units of the current stage, which is stage `step` (0-based) of `steps`. */
  | { type: 'progress'; id: number; stage: string; done: number; total: number; step: number; steps: number }
  | { type: 'predicted'; id: number; output: OutputData }
  | { type: 'explained'; id: number; result: ExplainData }
  | { type: 'latent'; id: number; latent: LatentData }
  | { type: 'report'; id: number; html: string }
  | { type: 'error'; id: number; code?: string; message: string }
  | TextReply;

export function regionMask(r: Region): Float32Array {
  const m = new Float32Array(PIXELS);
  for (let y = r.y0; y < r.y1; y++) m.fill(1, y * SIZE + r.x0, y * SIZE + r.x1);
  return m;
}
