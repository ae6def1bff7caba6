/**
 * The methods `glassbox explain --method` knows: the kebab-case of each explainer function of
 * @glassbox/explainers-gradient and @glassbox/explainers-perturbation, short aliases, the model kinds each
 * applies to, and how the CLI calls it. The explainer packages are imported when a method runs, so this
 * module is cheap to load (for `--help`).
 *
 * Every method explains the same thing for a kind (see `Subject`): the function `f` of the model and the
 * target column the command chose. Model-specific methods need more: deep-lift a network it can run layer
 * by layer, grad-cam and guided-grad-cam a classifier that splits at its last convolution.
 */
import type { Attribution, Predictable, Tensor } from '@glassbox/tensors-ops';
import type { LayeredModel, Splittable } from '@glassbox/explainers-gradient';
import { usageError } from './errors.js';
import type { ModelKind } from './models.js';

/** What a method explains: built by the explain command from the model and the input. */
export interface Subject {
  kind: ModelKind;
  /** The explained function: rows [N, ...rowShape] -> scores [N, K] (pick `target`) or [N]. */
  f: Predictable;
  /** deep-lift: a network run layer by layer whose output column `target` is the explained score. */
  layered?: LayeredModel;
  /** grad-cam, guided-grad-cam: a model with split(layer), and the layer (the last convolution). */
  cam?: { model: Splittable; layer: string };
  /** The shape of one input row, e.g. [28, 28, 1]. */
  rowShape: number[];
  /** The input as a grey image: [height, width]. */
  imageShape: [number, number];
}

/** The options the command passes to every method (undefined: the method's default). */
export interface MethodSettings {
  target?: number;
  steps?: number;
  samples?: number;
  seed: number;
  batchSize?: number;
  window?: number;
  stride?: number;
  cells?: number;
  onProgress?: (done: number, total: number) => void;
}

/** CLI options a method reads besides target, seed and batch size. */
export type MethodKnob = 'steps' | 'samples' | 'window' | 'stride' | 'cells';

export interface MethodEntry {
  /** The kebab-case of the function's name. */
  name: string;
  /** Other names accepted by --method. */
  aliases: readonly string[];
  /** The explainer function, e.g. 'integratedGradients'. */
  fn: string;
  /** The package that exports it. */
  pkg: '@glassbox/explainers-gradient' | '@glassbox/explainers-perturbation';
  /** The model kinds it applies to. */
  kinds: readonly ModelKind[];
  /** True when the attributions have a meaningful sign (drawn blue/red), false for magnitudes. */
  signed: boolean;
  /** One line for help. */
  summary: string;
  /** The CLI options it reads. */
  knobs: readonly MethodKnob[];
  /** Runs the explainer; returns the attribution and the options it was called with (for attribution.json). */
  run(subject: Subject, x: Tensor, s: MethodSettings): Promise<{ attribution: Attribution; options: Record<string, unknown> }>;
}

const ALL: readonly ModelKind[] = ['classifier', 'ae', 'vae', 'gan', 'cyclegan'];

const gradient = () => import('@glassbox/explainers-gradient');
const perturbation = () => import('@glassbox/explainers-perturbation');

function common(s: MethodSettings): { target?: number; batchSize?: number; onProgress?: (d: number, t: number) => void } {
  const o: { target?: number; batchSize?: number; onProgress?: (d: number, t: number) => void } = {};
  if (s.target !== undefined) o.target = s.target;
  if (s.batchSize !== undefined) o.batchSize = s.batchSize;
  if (s.onProgress !== undefined) o.onProgress = s.onProgress;
  return o;
}

/** Grid patches of the image as a feature mask over one row (cells x cells groups). */
async function patchMask(subject: Subject, cells: number): Promise<Int32Array> {
  const { gridSegments } = await perturbation();
  const [h, w] = subject.imageShape;
  if (!Number.isInteger(cells) || cells < 1 || cells > Math.min(h, w)) {
    throw usageError(`--cells must be an integer in 1..${Math.min(h, w)} for ${h}x${w} images, got ${cells}`);
  }
  const labels = gridSegments([h, w], { cells });
  const size = subject.rowShape.reduce((a, b) => a * b, 1);
  const channels = size / (h * w);
  if (channels === 1) return labels;
  const out = new Int32Array(size);
  for (let p = 0; p < h * w; p++) out.fill(labels[p]!, p * channels, (p + 1) * channels);
  return out;
}

/** One window/stride entry per dimension of a row: the image's two sides, 1 for channels. */
function perDimension(subject: Subject, side: number): number[] {
  const r = subject.rowShape;
  if (r.length === 1) return [side * side <= r[0]! ? side * side : r[0]!];
  return r.map((d, i) => (i < 2 ? Math.min(side, d) : 1));
}

function checkSide(value: number, name: string, subject: Subject): void {
  const max = Math.min(...subject.imageShape);
  if (!Number.isInteger(value) || value < 1 || value > max) throw usageError(`--${name} must be an integer in 1..${max}, got ${value}`);
}

export const METHODS: readonly MethodEntry[] = [
  {
    name: 'saliency',
    aliases: ['grad', 'gradient', 'vanilla-gradient'],
    fn: 'saliency',
    pkg: '@glassbox/explainers-gradient',
    kinds: ALL,
    signed: false,
    summary: '|dF/dx|: how sensitive the score is to each pixel (Simonyan et al. 2013)',
    knobs: [],
    async run(subject, x, s) {
      const { saliency } = await gradient();
      const options = { abs: true };
      return { attribution: await saliency(subject.f, x, { ...common(s), ...options }), options };
    },
  },
  {
    name: 'input-x-gradient',
    aliases: ['ixg', 'input-x-grad', 'gradient-x-input'],
    fn: 'inputXGradient',
    pkg: '@glassbox/explainers-gradient',
    kinds: ALL,
    signed: true,
    summary: 'x * dF/dx: first-order contribution of each pixel (Shrikumar et al. 2016)',
    knobs: [],
    async run(subject, x, s) {
      const { inputXGradient } = await gradient();
      return { attribution: await inputXGradient(subject.f, x, common(s)), options: {} };
    },
  },
  {
    name: 'integrated-gradients',
    aliases: ['ig'],
    fn: 'integratedGradients',
    pkg: '@glassbox/explainers-gradient',
    kinds: ALL,
    signed: true,
    summary: 'path integral of gradients from a black image; sums to F(x) - F(0) (Sundararajan et al. 2017)',
    knobs: ['steps'],
    async run(subject, x, s) {
      const { integratedGradients } = await gradient();
      const options = { steps: s.steps ?? 50, method: 'gausslegendre' as const, baseline: 0 };
      return { attribution: await integratedGradients(subject.f, x, { ...common(s), ...options }), options };
    },
  },
  {
    name: 'noise-tunnel',
    aliases: ['smoothgrad', 'sg', 'nt'],
    fn: 'noiseTunnel',
    pkg: '@glassbox/explainers-gradient',
    kinds: ALL,
    signed: false,
    summary: 'SmoothGrad: saliency averaged over noisy copies of the input (Smilkov et al. 2017)',
    knobs: ['samples'],
    async run(subject, x, s) {
      const { noiseTunnel, saliency } = await gradient();
      const options = { explainer: 'saliency', samples: s.samples ?? 10, stdev: 0.15, variant: 'smoothgrad' as const, seed: s.seed };
      const smooth = noiseTunnel(saliency, { samples: options.samples, stdev: options.stdev, variant: options.variant, seed: s.seed });
      return { attribution: await smooth(subject.f, x, { ...common(s), seed: s.seed }), options };
    },
  },
  {
    name: 'gradient-shap',
    aliases: ['gshap', 'expected-gradients'],
    fn: 'gradientShap',
    pkg: '@glassbox/explainers-gradient',
    kinds: ALL,
    signed: true,
    summary: 'expected gradients: SHAP values from random points between a black image and x (Lundberg & Lee 2017)',
    knobs: ['samples'],
    async run(subject, x, s) {
      const { gradientShap } = await gradient();
      const options = { samples: s.samples ?? 20, stdev: 0.1, baseline: 0, seed: s.seed };
      return { attribution: await gradientShap(subject.f, x, { ...common(s), ...options }), options };
    },
  },
  {
    name: 'deep-lift',
    aliases: ['deeplift', 'dl'],
    fn: 'deepLift',
    pkg: '@glassbox/explainers-gradient',
    kinds: ['classifier', 'ae', 'vae'],
    signed: true,
    summary: 'DeepLIFT rescale rule from a black image; sums to F(x) - F(0) (Shrikumar et al. 2017)',
    knobs: [],
    async run(subject, x, s) {
      const { deepLift } = await gradient();
      if (subject.layered === undefined) throw usageError(`deep-lift needs a model it can run layer by layer; this ${subject.kind} has none`);
      const options = { baseline: 0 };
      return { attribution: await deepLift(subject.layered, x, { ...common(s), ...options }), options };
    },
  },
  {
    name: 'grad-cam',
    aliases: ['gradcam', 'cam'],
    fn: 'gradCam',
    pkg: '@glassbox/explainers-gradient',
    kinds: ['classifier'],
    signed: false,
    summary: "Grad-CAM on the last convolution, upsampled to the image (Selvaraju et al. 2017)",
    knobs: [],
    async run(subject, x, s) {
      const { gradCam } = await gradient();
      if (subject.cam === undefined) throw usageError(`grad-cam needs a convolutional classifier (this one has no convolution)`);
      const options = { layer: subject.cam.layer };
      return { attribution: await gradCam(subject.cam.model, x, { ...common(s), ...options }), options };
    },
  },
  {
    name: 'guided-grad-cam',
    aliases: ['guided-gradcam', 'ggc'],
    fn: 'guidedGradCam',
    pkg: '@glassbox/explainers-gradient',
    kinds: ['classifier'],
    signed: false,
    summary: "Grad-CAM times guided backpropagation: class regions at pixel resolution (Selvaraju et al. 2017)",
    knobs: [],
    async run(subject, x, s) {
      const { guidedGradCam } = await gradient();
      if (subject.cam === undefined) throw usageError(`guided-grad-cam needs a convolutional classifier (this one has no convolution)`);
      const options = { layer: subject.cam.layer };
      return { attribution: await guidedGradCam(subject.cam.model, x, { ...common(s), ...options }), options };
    },
  },
  {
    name: 'guided-backprop',
    aliases: ['gbp', 'guided-backpropagation'],
    fn: 'guidedBackprop',
    pkg: '@glassbox/explainers-gradient',
    kinds: ALL,
    signed: true,
    summary: 'gradients with negative ReLU signals removed: sharp feature pictures (Springenberg et al. 2014)',
    knobs: [],
    async run(subject, x, s) {
      const { guidedBackprop } = await gradient();
      return { attribution: await guidedBackprop(subject.f, x, common(s)), options: {} };
    },
  },
  {
    name: 'occlusion',
    aliases: ['occ'],
    fn: 'occlusion',
    pkg: '@glassbox/explainers-perturbation',
    kinds: ALL,
    signed: true,
    summary: 'score drop when a sliding window is blacked out (Zeiler & Fergus 2014)',
    knobs: ['window', 'stride'],
    async run(subject, x, s) {
      const { occlusion } = await perturbation();
      const side = s.window ?? 4;
      checkSide(side, 'window', subject);
      const step = s.stride ?? Math.max(1, Math.floor(side / 2));
      checkSide(step, 'stride', subject);
      const options = { window: perDimension(subject, side), strides: perDimension(subject, step), baseline: 0 };
      return { attribution: await occlusion(subject.f, x, { ...common(s), ...options }), options };
    },
  },
  {
    name: 'feature-ablation',
    aliases: ['ablation', 'fa'],
    fn: 'featureAblation',
    pkg: '@glassbox/explainers-perturbation',
    kinds: ALL,
    signed: true,
    summary: 'score drop when each patch of a grid is blacked out',
    knobs: ['cells'],
    async run(subject, x, s) {
      const { featureAblation } = await perturbation();
      const cells = s.cells ?? 7;
      const featureMask = await patchMask(subject, cells);
      const options = { cells, baseline: 0 };
      return { attribution: await featureAblation(subject.f, x, { ...common(s), featureMask, baseline: 0 }), options };
    },
  },
  {
    name: 'shapley-value-sampling',
    aliases: ['svs', 'shapley', 'shapley-sampling'],
    fn: 'shapleyValueSampling',
    pkg: '@glassbox/explainers-perturbation',
    kinds: ALL,
    signed: true,
    summary: 'Shapley values of grid patches by sampling permutations (Castro et al. 2009)',
    knobs: ['samples', 'cells'],
    async run(subject, x, s) {
      const { shapleyValueSampling } = await perturbation();
      const cells = s.cells ?? 7;
      const featureMask = await patchMask(subject, cells);
      const options = { cells, samples: s.samples ?? 25, baseline: 0, seed: s.seed };
      return {
        attribution: await shapleyValueSampling(subject.f, x, { ...common(s), featureMask, samples: options.samples, baseline: 0, seed: s.seed }),
        options,
      };
    },
  },
  {
    name: 'exact-shapley',
    aliases: ['exact-shap'],
    fn: 'exactShapley',
    pkg: '@glassbox/explainers-perturbation',
    kinds: ALL,
    signed: true,
    summary: 'exact Shapley values of a coarse grid of patches (at most 4x4 = 16; 2^M model calls)',
    knobs: ['cells'],
    async run(subject, x, s) {
      const { exactShapley } = await perturbation();
      const cells = s.cells ?? 3;
      if (cells > 4) throw usageError(`--cells must be at most 4 for exact-shapley (2^(cells^2) model calls), got ${cells}`);
      const featureMask = await patchMask(subject, cells);
      const options = { cells, baseline: 0 };
      return { attribution: await exactShapley(subject.f, x, { ...common(s), featureMask, baseline: 0 }), options };
    },
  },
  {
    name: 'kernel-shap',
    aliases: ['kshap', 'shap', 'kernelshap'],
    fn: 'kernelShap',
    pkg: '@glassbox/explainers-perturbation',
    kinds: ALL,
    signed: true,
    summary: 'KernelSHAP on grid patches: Shapley values by weighted regression (Lundberg & Lee 2017)',
    knobs: ['samples', 'cells'],
    async run(subject, x, s) {
      const { kernelShap } = await perturbation();
      const cells = s.cells ?? 7;
      const featureMask = await patchMask(subject, cells);
      const options: Record<string, unknown> = { cells, baseline: 0, seed: s.seed, variant: 'leverage' };
      if (s.samples !== undefined) options.samples = s.samples;
      const o = { ...common(s), featureMask, baseline: 0, seed: s.seed, ...(s.samples !== undefined ? { samples: s.samples } : {}) };
      return { attribution: await kernelShap(subject.f, x, o), options };
    },
  },
  {
    name: 'lime',
    aliases: [],
    fn: 'lime',
    pkg: '@glassbox/explainers-perturbation',
    kinds: ALL,
    signed: true,
    summary: 'LIME: a local linear surrogate on grid patches (Ribeiro et al. 2016)',
    knobs: ['samples', 'cells'],
    async run(subject, x, s) {
      const { lime } = await perturbation();
      const cells = s.cells ?? 7;
      const featureMask = await patchMask(subject, cells);
      const options = { cells, samples: s.samples ?? 256, baseline: 0, seed: s.seed };
      const result = await lime(subject.f, x, { ...common(s), featureMask, samples: options.samples, baseline: 0, seed: s.seed });
      return { attribution: result, options: { ...options, score: result.score } };
    },
  },
];

/** 'integratedGradients' -> 'integrated-gradients'; lower-cases and trims. */
export function toKebabCase(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
}

/** All names --method accepts: `name (aliases)` per method, for help and errors. */
export function methodList(): string {
  return METHODS.map((m) => m.name).join(', ');
}

/**
 * Finds a method by its name, an alias or the explainer's function name (integratedGradients).
 * @throws CliError (exit 2) naming the known methods.
 */
export function resolveMethod(name: string): MethodEntry {
  const key = toKebabCase(name ?? '');
  const found = METHODS.find((m) => m.name === key || m.aliases.includes(key) || toKebabCase(m.fn) === key);
  if (found === undefined) throw usageError(`unknown method '${name}': expected one of ${methodList()} (aliases: ${aliasList()})`);
  return found;
}

function aliasList(): string {
  return METHODS.filter((m) => m.aliases.length > 0)
    .map((m) => `${m.aliases[0]} = ${m.name}`)
    .join(', ');
}

/** The methods that apply to a kind. */
export function methodsFor(kind: ModelKind): MethodEntry[] {
  return METHODS.filter((m) => m.kinds.includes(kind));
}

/**
 * Checks that a method applies to a model kind.
 * @throws CliError (exit 2) naming the methods that do.
 */
export function checkMethodApplies(method: MethodEntry, kind: ModelKind): void {
  if (!method.kinds.includes(kind)) {
    throw usageError(`method ${method.name} does not apply to ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} model; use one of ${methodsFor(kind).map((m) => m.name).join(', ')}`);
  }
}
