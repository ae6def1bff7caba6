// The catalogue the UI offers: models, inputs and explainers with their main options. Plain data (no tfjs), shared
// by the page (which builds the controls) and the worker (which runs them). Defaults are small on purpose: every
// explanation finishes in a second or two on two cores, and the end-to-end test runs with them.

export type ModelKind = 'classifier' | 'ae' | 'vae' | 'gan' | 'cyclegan';
export type ModelId = 'digits-cnn' | 'digits-ae' | 'digits-conv-ae' | 'digits-vae' | 'digits-gan' | 'digits-cyclegan';
export type InputKind = 'gallery' | 'draw' | 'latent';

export interface ModelEntry {
  id: ModelId;
  label: string;
  kind: ModelKind;
  /** The inputs this model takes, the first is the default. */
  inputs: InputKind[];
  /** What the image explainers explain for this model (shown above the attribution). */
  explains: string;
}

export const MODELS: readonly ModelEntry[] = [
  { id: 'digits-cnn', label: 'Classifier (CNN)', kind: 'classifier', inputs: ['gallery', 'draw'], explains: 'the logit of the target class' },
  {
    id: 'digits-ae',
    label: 'Autoencoder (MLP)',
    kind: 'ae',
    inputs: ['gallery', 'draw', 'latent'],
    explains: 'the mean brightness of the selected region of the reconstruction',
  },
  {
    id: 'digits-conv-ae',
    label: 'Autoencoder (conv)',
    kind: 'ae',
    inputs: ['gallery', 'draw', 'latent'],
    explains: 'the mean brightness of the selected region of the reconstruction',
  },
  { id: 'digits-vae', label: 'VAE', kind: 'vae', inputs: ['gallery', 'draw', 'latent'], explains: 'the mean brightness of the selected region of the reconstruction' },
  { id: 'digits-gan', label: 'GAN (DCGAN)', kind: 'gan', inputs: ['latent'], explains: "the discriminator's realness score of the generated image" },
  {
    id: 'digits-cyclegan',
    label: 'CycleGAN (thin → thick)',
    kind: 'cyclegan',
    inputs: ['gallery', 'draw'],
    explains: 'the mean brightness of the selected region of the translation',
  },
];

export function modelEntry(id: string): ModelEntry {
  const m = MODELS.find((e) => e.id === id);
  if (m === undefined) throw new Error(`unknown model ${id}`);
  return m;
}

export interface NumberOption {
  type: 'number';
  key: string;
  label: string;
  default: number;
  min: number;
  max: number;
  step?: number;
  integer?: boolean;
  /** The option only shows when another option has this value. */
  when?: { key: string; value: string };
}
export interface SelectOption {
  type: 'select';
  key: string;
  label: string;
  default: string;
  choices: readonly string[];
  when?: { key: string; value: string };
}
export interface BooleanOption {
  type: 'boolean';
  key: string;
  label: string;
  default: boolean;
  when?: { key: string; value: string };
}
/** A convolution layer of the model (the worker lists them in the model's info). */
export interface LayerOption {
  type: 'layer';
  key: string;
  label: string;
  when?: { key: string; value: string };
}
export type MethodOption = NumberOption | SelectOption | BooleanOption | LayerOption;
export type OptionValues = Record<string, number | string | boolean>;

/** What the worker knows about a loaded model that decides which methods apply. */
export interface ModelCapabilities {
  kind: ModelKind;
  /** Layers Grad-CAM can use (convolutions); empty when none. */
  camLayers: string[];
  /** The model can be run layer by layer (DeepLIFT). */
  layered: boolean;
}

export interface MethodEntry {
  id: string;
  label: string;
  pkg: 'explainers-gradient' | 'explainers-perturbation';
  /** Gradient-like maps (not multiplied by the input): infidelity then uses multiplyByInputs: false. */
  gradientLike: boolean;
  /** Methods that explain a batch (featurePermutation) or a data set (surrogate), not one input. */
  batch?: boolean;
  options: readonly MethodOption[];
  applies(m: ModelCapabilities): boolean;
  /** One line shown under the method picker. */
  note: string;
}

const INTEGRATION = ['gausslegendre', 'riemann_left', 'riemann_right', 'riemann_middle', 'riemann_trapezoid'] as const;
const VARIANTS = ['smoothgrad', 'smoothgrad_sq', 'vargrad'] as const;
const all = (): boolean => true;
const cells = (d: number, max = 14): NumberOption => ({ type: 'number', key: 'cells', label: 'grid cells per side', default: d, min: 1, max, integer: true });

export const METHODS: readonly MethodEntry[] = [
  {
    id: 'saliency',
    label: 'Saliency',
    pkg: 'explainers-gradient',
    gradientLike: true,
    options: [{ type: 'boolean', key: 'abs', label: 'absolute value', default: true }],
    applies: all,
    note: 'The gradient of the score with respect to each pixel (Simonyan et al. 2013).',
  },
  {
    id: 'inputXGradient',
    label: 'Input × gradient',
    pkg: 'explainers-gradient',
    gradientLike: false,
    options: [],
    applies: all,
    note: 'Pixel value times gradient: a first-order contribution (Shrikumar et al. 2016).',
  },
  {
    id: 'integratedGradients',
    label: 'Integrated gradients',
    pkg: 'explainers-gradient',
    gradientLike: false,
    options: [
      { type: 'number', key: 'steps', label: 'steps', default: 16, min: 1, max: 512, integer: true },
      { type: 'select', key: 'method', label: 'integration rule', default: 'gausslegendre', choices: INTEGRATION },
    ],
    applies: all,
    note: 'Gradients averaged along the path from a black image; they add up to F(x) − F(0) (Sundararajan et al. 2017).',
  },
  {
    id: 'noiseTunnel',
    label: 'Noise tunnel (SmoothGrad)',
    pkg: 'explainers-gradient',
    gradientLike: true,
    options: [
      { type: 'select', key: 'base', label: 'wrapped explainer', default: 'saliency', choices: ['saliency', 'inputXGradient', 'integratedGradients'] },
      { type: 'number', key: 'samples', label: 'noisy samples', default: 8, min: 1, max: 256, integer: true },
      { type: 'number', key: 'stdev', label: 'noise stdev', default: 0.15, min: 0, max: 2, step: 0.05 },
      { type: 'select', key: 'variant', label: 'variant', default: 'smoothgrad', choices: VARIANTS },
      { type: 'number', key: 'steps', label: 'IG steps', default: 8, min: 1, max: 256, integer: true, when: { key: 'base', value: 'integratedGradients' } },
    ],
    applies: all,
    note: 'Averages an explainer over noisy copies of the input (Smilkov et al. 2017; VarGrad: Adebayo et al. 2018).',
  },
  {
    id: 'gradientShap',
    label: 'GradientSHAP',
    pkg: 'explainers-gradient',
    gradientLike: false,
    options: [
      { type: 'number', key: 'baselines', label: 'baseline digits', default: 8, min: 1, max: 32, integer: true },
      { type: 'number', key: 'samples', label: 'samples', default: 16, min: 1, max: 512, integer: true },
      { type: 'number', key: 'stdev', label: 'noise stdev', default: 0.05, min: 0, max: 1, step: 0.01 },
    ],
    applies: all,
    note: 'Expected gradients over a distribution of baselines (other test digits) (Lundberg & Lee 2017).',
  },
  {
    id: 'deepLift',
    label: 'DeepLIFT',
    pkg: 'explainers-gradient',
    gradientLike: false,
    options: [],
    applies: (m) => m.layered,
    note: 'Differences from a black reference, propagated with the rescale rule (Shrikumar et al. 2017).',
  },
  {
    id: 'gradCam',
    label: 'Grad-CAM',
    pkg: 'explainers-gradient',
    gradientLike: true,
    options: [{ type: 'layer', key: 'layer', label: 'layer' }],
    applies: (m) => m.camLayers.length > 0,
    note: 'Feature maps of a convolution weighted by their average gradient, upsampled (Selvaraju et al. 2017).',
  },
  {
    id: 'guidedGradCam',
    label: 'Guided Grad-CAM',
    pkg: 'explainers-gradient',
    gradientLike: true,
    options: [{ type: 'layer', key: 'layer', label: 'layer' }],
    applies: (m) => m.camLayers.length > 0,
    note: 'Grad-CAM times guided backpropagation: class regions at pixel resolution.',
  },
  {
    id: 'guidedBackprop',
    label: 'Guided backpropagation',
    pkg: 'explainers-gradient',
    gradientLike: true,
    options: [],
    applies: all,
    note: 'Only positive gradients through ReLUs: sharp pictures, not a faithful attribution (Springenberg et al. 2014).',
  },
  {
    id: 'occlusion',
    label: 'Occlusion',
    pkg: 'explainers-perturbation',
    gradientLike: false,
    options: [
      { type: 'number', key: 'window', label: 'window (px)', default: 4, min: 1, max: 28, integer: true },
      { type: 'number', key: 'stride', label: 'stride (px)', default: 4, min: 1, max: 28, integer: true },
    ],
    applies: all,
    note: 'How much the score drops when a sliding window is blacked out (Zeiler & Fergus 2014).',
  },
  {
    id: 'featureAblation',
    label: 'Feature ablation',
    pkg: 'explainers-perturbation',
    gradientLike: false,
    options: [cells(7)],
    applies: all,
    note: 'How much the score drops when one grid cell at a time is blacked out.',
  },
  {
    id: 'featurePermutation',
    label: 'Feature permutation',
    pkg: 'explainers-perturbation',
    gradientLike: false,
    batch: true,
    options: [
      cells(7),
      { type: 'number', key: 'rows', label: 'batch (digits)', default: 16, min: 2, max: 64, integer: true },
      { type: 'number', key: 'repeats', label: 'repeats', default: 1, min: 1, max: 16, integer: true },
    ],
    applies: all,
    note: 'Shuffles each grid cell across a batch (the input and other test digits) (Breiman 2001; Fisher et al. 2019).',
  },
  {
    id: 'shapleyValueSampling',
    label: 'Shapley value sampling',
    pkg: 'explainers-perturbation',
    gradientLike: false,
    options: [cells(4), { type: 'number', key: 'samples', label: 'permutations', default: 4, min: 1, max: 256, integer: true }],
    applies: all,
    note: 'Average marginal contribution of each grid cell over random orders (Castro et al. 2009).',
  },
  {
    id: 'exactShapley',
    label: 'Exact Shapley',
    pkg: 'explainers-perturbation',
    gradientLike: false,
    options: [cells(3, 4)],
    applies: all,
    note: 'All 2^M coalitions of the grid cells (M ≤ 16): exact Shapley values (Shapley 1953).',
  },
  {
    id: 'kernelShap',
    label: 'KernelSHAP',
    pkg: 'explainers-perturbation',
    gradientLike: false,
    options: [
      cells(7),
      { type: 'number', key: 'samples', label: 'coalitions', default: 128, min: 1, max: 4096, integer: true },
      { type: 'select', key: 'variant', label: 'sampling', default: 'leverage', choices: ['leverage', 'plain'] },
    ],
    applies: all,
    note: 'Shapley values of grid cells from a kernel-weighted regression (Lundberg & Lee 2017; Musco & Witter 2024).',
  },
  {
    id: 'lime',
    label: 'LIME',
    pkg: 'explainers-perturbation',
    gradientLike: false,
    options: [
      { type: 'select', key: 'segmentation', label: 'features', default: 'grid', choices: ['grid', 'slic'] },
      { type: 'number', key: 'cells', label: 'grid cells per side', default: 7, min: 1, max: 14, integer: true, when: { key: 'segmentation', value: 'grid' } },
      { type: 'number', key: 'segments', label: 'superpixels', default: 25, min: 2, max: 200, integer: true, when: { key: 'segmentation', value: 'slic' } },
      { type: 'number', key: 'samples', label: 'samples', default: 128, min: 2, max: 4096, integer: true },
      { type: 'number', key: 'alpha', label: 'ridge alpha', default: 1, min: 0, max: 100, step: 0.1 },
    ],
    applies: all,
    note: 'A weighted linear surrogate over on/off patches near the input (Ribeiro et al. 2016).',
  },
  {
    id: 'surrogate',
    label: 'Global surrogate',
    pkg: 'explainers-perturbation',
    // Ridge coefficients are the change of the score per unit of a cell's mean: a slope, like a gradient.
    gradientLike: true,
    batch: true,
    options: [
      { type: 'select', key: 'kind', label: 'surrogate', default: 'ridge', choices: ['ridge', 'tree'] },
      cells(7),
      { type: 'number', key: 'rows', label: 'data (digits)', default: 64, min: 8, max: 512, integer: true },
    ],
    applies: all,
    note: 'A global ridge model (or a shallow tree) of the score over grid-cell means of many test digits (Craven & Shavlik 1995).',
  },
];

export function methodEntry(id: string): MethodEntry {
  const m = METHODS.find((e) => e.id === id);
  if (m === undefined) throw new Error(`unknown method ${id}`);
  return m;
}

export function defaultOptions(method: MethodEntry, caps: ModelCapabilities & { defaultCamLayer?: string }): OptionValues {
  const out: OptionValues = {};
  for (const o of method.options) {
    if (o.type === 'layer') out[o.key] = caps.defaultCamLayer ?? caps.camLayers[caps.camLayers.length - 1] ?? '';
    else out[o.key] = o.default;
  }
  return out;
}

/** Options of the latent panel (AE, VAE, GAN): latent attribution of the selected region and the traversal. */
export const LATENT_DEFAULTS = { steps: 16, dims: 5, values: 7, range: 3 };
/** Options of the metrics (classifier; small so that they take about a second). */
export const METRIC_DEFAULTS = { curveSteps: 16, infidelitySamples: 16, sensitivitySamples: 2 };
