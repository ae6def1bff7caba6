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
import type { Attribution, ForwardFn, IntegrationMethod, NoiseVariant, Predictable, Tensor, TokenModel } from '@glassbox/tensors-ops';
import type { CamModel, LayeredModel } from '@glassbox/explainers-gradient';
import { optionDefault } from '@glassbox/tensors-ops';
import type { MethodInfo } from '@glassbox/tensors-ops';
import { KIND_ADAPTERS, methodRegistry, toKebabCase } from '@glassbox/report';
import { usageError } from './errors.js';
import type { ModelKind } from './models.js';

/** The integration rules of integrated gradients (`--rule`): tensors-ops' INTEGRATION_METHODS. */
export const RULES = ['riemann_left', 'riemann_right', 'riemann_middle', 'riemann_trapezoid', 'gausslegendre'] as const satisfies readonly IntegrationMethod[];
/** The noise tunnel's reductions (`--noise`): tensors-ops' NOISE_VARIANTS. */
export const NOISE = ['smoothgrad', 'smoothgrad_sq', 'vargrad'] as const satisfies readonly NoiseVariant[];

/** Interpretable features of the patch methods (`--segments`): a grid of --cells x --cells, or SLIC superpixels. */
export type Segments = { kind: 'grid' } | { kind: 'slic'; count: number };
/** SLIC superpixels asked for when `--segments slic` names no count (about as many as the 7x7 grid). */
export const DEFAULT_SLIC_SEGMENTS = 50;

/** What a latent method explains: a decoder (or generator) of the latent code and the code. */
export interface LatentSubject {
  /** Codes [N, D] -> images [N, ...rowShape] in 0..1 (a GAN's class one-hot is fixed inside). */
  decoder: ForwardFn;
  /** The explained code [1, D] (owned by the caller of the method). */
  z: Tensor;
  /** Weights over one output row for latent-attribution: 1 inside the explained region, 0 outside. */
  mask: Float32Array;
}

/** What a method explains: built by the explain command from the model and the input. */
export interface Subject {
  kind: ModelKind;
  /** The explained function: rows [N, ...rowShape] -> scores [N, K] (pick `target`) or [N]. */
  f: Predictable;
  /** deep-lift: a network run layer by layer whose output column `target` is the explained score. */
  layered?: LayeredModel;
  /** grad-cam, guided-grad-cam: a model that splits at a layer, and the layer (the last convolution; absent: the model names its own). */
  cam?: { model: CamModel; layer?: string };
  /** The latent methods: the decoder and the code (ae, vae, gan). */
  latent?: LatentSubject;
  /** The shape of one input row, e.g. [28, 28, 1]. */
  rowShape: number[];
  /** The input as a grey image: [height, width]. */
  imageShape: [number, number];
  /** The explained image's grey pixels (height * width), for SLIC segments. */
  image: Float32Array;
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
  /** The baseline (reference input): a number, or a tensor [1, ...rowShape]; `label` goes into attribution.json. */
  baseline?: { value: number | Tensor; label: number | string };
  /** Integrated gradients' integration rule (Captum's `method`). */
  rule?: IntegrationMethod;
  /** The noise tunnel's reduction (Captum's `nt_type`). */
  noise?: NoiseVariant;
  /** Standard deviation of the noise (noise-tunnel, gradient-shap). */
  stdev?: number;
  segments?: Segments;
  /** Latent dimensions to draw (latent-traversal, latent-jacobian). */
  dims?: number[];
  onProgress?: (done: number, total: number) => void;
}

/** CLI options a method reads besides target, seed and batch size. */
export type MethodKnob = 'steps' | 'samples' | 'window' | 'stride' | 'cells' | 'baseline' | 'rule' | 'noise' | 'stdev' | 'segments' | 'dims';
export const KNOBS: readonly MethodKnob[] = ['steps', 'samples', 'window', 'stride', 'cells', 'baseline', 'rule', 'noise', 'stdev', 'segments', 'dims'];

/**
 * What a method's values are: 'pixels' (one per input element, drawn as a heatmap over the image) or a
 * latent method's: 'latent' (one per latent dimension: a bar chart), 'jacobian' ([1, D, ...row]: one image
 * per dimension), 'traversal' ([dims, values, ...row]: decoded images).
 */
export type MethodOutput = 'pixels' | 'latent' | 'jacobian' | 'traversal';

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
  /** What the values are (see MethodOutput). */
  output: MethodOutput;
  /** One line for help. */
  summary: string;
  /** The CLI options it reads. */
  knobs: readonly MethodKnob[];
  /**
   * Runs the explainer; returns the attribution (values of the shape `output` says), the options it was
   * called with (for attribution.json) and anything else to record.
   */
  run(subject: Subject, x: Tensor, s: MethodSettings): Promise<MethodResult>;
}

export interface MethodResult {
  attribution: Attribution;
  options: Record<string, unknown>;
  /** Extra results recorded in attribution.json (e.g. latent-sensitivity's order). */
  extra?: Record<string, unknown>;
}

/**
 * The model kinds, in the order help lists them. What the CLI can hand a method for each kind (a function, a
 * layer-by-layer network, a split model, a decoder) is the kind adapter's `subjects` (@glassbox/report's
 * KIND_ADAPTERS): a method applies to the kinds its metadata names that provide what it needs.
 */
const KINDS = Object.keys(KIND_ADAPTERS) as ModelKind[];

const gradient = () => import('@glassbox/explainers-gradient');
const perturbation = () => import('@glassbox/explainers-perturbation');

function common(s: MethodSettings): { target?: number; batchSize?: number; onProgress?: (d: number, t: number) => void } {
  const o: { target?: number; batchSize?: number; onProgress?: (d: number, t: number) => void } = {};
  if (s.target !== undefined) o.target = s.target;
  if (s.batchSize !== undefined) o.batchSize = s.batchSize;
  if (s.onProgress !== undefined) o.onProgress = s.onProgress;
  return o;
}

/** The baseline for the call (default 0) and for attribution.json. */
function baselineOf(s: MethodSettings): { value: number | Tensor; label: number | string } {
  return s.baseline ?? { value: 0, label: 0 };
}

/**
 * The interpretable features of the patch methods as a feature mask over one row: a cells x cells grid
 * (--cells), or SLIC superpixels of the explained image (--segments slic[:N]); channels share their pixel's
 * group. Also returns what to record in attribution.json.
 */
async function featureMaskOf(subject: Subject, s: MethodSettings, defaultCells: number, maxGroups = Infinity): Promise<{ featureMask: Int32Array; options: Record<string, unknown> }> {
  const { gridSegments, slic } = await perturbation();
  const [h, w] = subject.imageShape;
  const segments = s.segments ?? { kind: 'grid' };
  let labels: Int32Array;
  let options: Record<string, unknown>;
  if (segments.kind === 'grid') {
    const cells = s.cells ?? defaultCells;
    if (!Number.isInteger(cells) || cells < 1 || cells > Math.min(h, w)) {
      throw usageError(`--cells must be an integer in 1..${Math.min(h, w)} for ${h}x${w} images, got ${cells}`);
    }
    if (cells * cells > maxGroups) throw usageError(`--cells must be at most ${Math.floor(Math.sqrt(maxGroups))} here (at most ${maxGroups} patches), got ${cells}`);
    labels = gridSegments([h, w], { cells });
    options = { segments: 'grid', cells };
  } else {
    if (!Number.isInteger(segments.count) || segments.count < 1 || segments.count > h * w) {
      throw usageError(`--segments slic:N needs N in 1..${h * w} for ${h}x${w} images, got ${segments.count}`);
    }
    labels = slic(subject.image, [h, w], { segments: segments.count });
    let groups = 0;
    for (const v of labels) if (v + 1 > groups) groups = v + 1;
    if (groups > maxGroups) {
      throw usageError(`--segments slic:${segments.count} made ${groups} superpixels; this method takes at most ${maxGroups} (ask for fewer, e.g. --segments slic:${Math.max(1, Math.floor(maxGroups / 2))})`);
    }
    options = { segments: 'slic', slicSegments: segments.count, groups };
  }
  const size = subject.rowShape.reduce((a, b) => a * b, 1);
  const channels = size / (h * w);
  if (channels === 1) return { featureMask: labels, options };
  const out = new Int32Array(size);
  for (let p = 0; p < h * w; p++) out.fill(labels[p]!, p * channels, (p + 1) * channels);
  return { featureMask: out, options };
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

/** The latent subject of a latent method. */
function latentOf(subject: Subject, name: string): LatentSubject {
  if (subject.latent === undefined) throw usageError(`${name} needs a latent code and a decoder; this ${subject.kind} has none`);
  return subject.latent;
}

/**
 * How the CLI calls each method: the options it reads and how it turns them into the explainer's options.
 * Everything else (name, aliases, kinds, summary, sign, defaults) is the method's own metadata, read from the
 * method registry of @glassbox/report.
 */
const RUNNERS: Readonly<Record<string, Pick<MethodEntry, 'knobs' | 'run'>>> = {
  saliency: {
    knobs: [],
    async run(subject, x, s) {
      const { saliency } = await gradient();
      const options = { abs: true };
      return { attribution: await saliency(subject.f, x, { ...common(s), ...options }), options };
    },
  },
  inputXGradient: {
    knobs: [],
    async run(subject, x, s) {
      const { inputXGradient } = await gradient();
      return { attribution: await inputXGradient(subject.f, x, common(s)), options: {} };
    },
  },
  integratedGradients: {
    knobs: ['steps', 'rule', 'baseline'],
    async run(subject, x, s) {
      const { integratedGradients } = await gradient();
      const b = baselineOf(s);
      const call = { steps: s.steps ?? defaultOf<number>('integratedGradients', 'steps'), method: s.rule ?? defaultOf<IntegrationMethod>('integratedGradients', 'method'), baseline: b.value };
      return { attribution: await integratedGradients(subject.f, x, { ...common(s), ...call }), options: { ...call, baseline: b.label } };
    },
  },
  noiseTunnel: {
    knobs: ['samples', 'noise', 'stdev'],
    async run(subject, x, s) {
      const { noiseTunnel, saliency } = await gradient();
      const tunnel = { samples: s.samples ?? defaultOf<number>('noiseTunnel', 'samples'), stdev: s.stdev ?? defaultOf<number>('noiseTunnel', 'stdev'), variant: s.noise ?? defaultOf<NoiseVariant>('noiseTunnel', 'variant'), seed: s.seed };
      const smooth = noiseTunnel(saliency, tunnel);
      return { attribution: await smooth(subject.f, x, { ...common(s), seed: s.seed }), options: { explainer: 'saliency', ...tunnel } };
    },
  },
  gradientShap: {
    knobs: ['samples', 'stdev', 'baseline'],
    async run(subject, x, s) {
      const { gradientShap } = await gradient();
      const b = baselineOf(s);
      // The CLI adds a little noise by default (the method's own default is none).
      const call = { samples: s.samples ?? defaultOf<number>('gradientShap', 'samples'), stdev: s.stdev ?? 0.1, baseline: b.value, seed: s.seed };
      return { attribution: await gradientShap(subject.f, x, { ...common(s), ...call }), options: { ...call, baseline: b.label } };
    },
  },
  deepLift: {
    knobs: ['baseline'],
    async run(subject, x, s) {
      const { deepLift } = await gradient();
      if (subject.layered === undefined) throw usageError(`deep-lift needs a model it can run layer by layer; this ${subject.kind} has none`);
      const b = baselineOf(s);
      return { attribution: await deepLift(subject.layered, x, { ...common(s), baseline: b.value }), options: { baseline: b.label } };
    },
  },
  gradCam: {
    knobs: [],
    async run(subject, x, s) {
      const { gradCam } = await gradient();
      if (subject.cam === undefined) throw usageError(`grad-cam needs a convolutional classifier (this one has no convolution)`);
      const options = subject.cam.layer !== undefined ? { layer: subject.cam.layer } : {};
      return { attribution: await gradCam(subject.cam.model, x, { ...common(s), ...options }), options };
    },
  },
  guidedGradCam: {
    knobs: [],
    async run(subject, x, s) {
      const { guidedGradCam } = await gradient();
      if (subject.cam === undefined) throw usageError(`guided-grad-cam needs a convolutional classifier (this one has no convolution)`);
      const options = subject.cam.layer !== undefined ? { layer: subject.cam.layer } : {};
      return { attribution: await guidedGradCam(subject.cam.model, x, { ...common(s), ...options }), options };
    },
  },
  guidedBackprop: {
    knobs: [],
    async run(subject, x, s) {
      const { guidedBackprop } = await gradient();
      return { attribution: await guidedBackprop(subject.f, x, common(s)), options: {} };
    },
  },
  occlusion: {
    knobs: ['window', 'stride', 'baseline'],
    async run(subject, x, s) {
      const { occlusion } = await perturbation();
      const side = s.window ?? 4;
      checkSide(side, 'window', subject);
      const step = s.stride ?? Math.max(1, Math.floor(side / 2));
      checkSide(step, 'stride', subject);
      const b = baselineOf(s);
      const call = { window: perDimension(subject, side), strides: perDimension(subject, step), baseline: b.value };
      return { attribution: await occlusion(subject.f, x, { ...common(s), ...call }), options: { ...call, baseline: b.label } };
    },
  },
  featureAblation: {
    knobs: ['cells', 'segments', 'baseline'],
    async run(subject, x, s) {
      const { featureAblation } = await perturbation();
      const { featureMask, options } = await featureMaskOf(subject, s, 7);
      const b = baselineOf(s);
      return { attribution: await featureAblation(subject.f, x, { ...common(s), featureMask, baseline: b.value }), options: { ...options, baseline: b.label } };
    },
  },
  shapleyValueSampling: {
    knobs: ['samples', 'cells', 'segments', 'baseline'],
    async run(subject, x, s) {
      const { shapleyValueSampling } = await perturbation();
      const { featureMask, options } = await featureMaskOf(subject, s, 7);
      const b = baselineOf(s);
      const call = { samples: s.samples ?? defaultOf<number>('shapleyValueSampling', 'samples'), baseline: b.value, seed: s.seed };
      return {
        attribution: await shapleyValueSampling(subject.f, x, { ...common(s), featureMask, ...call }),
        options: { ...options, ...call, baseline: b.label },
      };
    },
  },
  exactShapley: {
    knobs: ['cells', 'segments', 'baseline'],
    async run(subject, x, s) {
      const { exactShapley, MAX_EXACT_SHAPLEY_GROUPS } = await perturbation();
      const { featureMask, options } = await featureMaskOf(subject, s, 3, MAX_EXACT_SHAPLEY_GROUPS);
      const b = baselineOf(s);
      return { attribution: await exactShapley(subject.f, x, { ...common(s), featureMask, baseline: b.value }), options: { ...options, baseline: b.label } };
    },
  },
  kernelShap: {
    knobs: ['samples', 'cells', 'segments', 'baseline'],
    async run(subject, x, s) {
      const { kernelShap } = await perturbation();
      const { featureMask, options } = await featureMaskOf(subject, s, 7);
      const b = baselineOf(s);
      const call = { baseline: b.value, seed: s.seed, ...(s.samples !== undefined ? { samples: s.samples } : {}) };
      return {
        attribution: await kernelShap(subject.f, x, { ...common(s), featureMask, ...call }),
        options: { ...options, ...call, baseline: b.label, variant: 'leverage' },
      };
    },
  },
  lime: {
    knobs: ['samples', 'cells', 'segments', 'baseline'],
    async run(subject, x, s) {
      const { lime } = await perturbation();
      const { featureMask, options } = await featureMaskOf(subject, s, 7);
      const b = baselineOf(s);
      const call = { samples: s.samples ?? defaultOf<number>('lime', 'samples'), baseline: b.value, seed: s.seed };
      const result = await lime(subject.f, x, { ...common(s), featureMask, ...call });
      return { attribution: result, options: { ...options, ...call, baseline: b.label, score: result.score } };
    },
  },
  latentAttribution: {
    knobs: ['steps', 'rule', 'baseline'],
    async run(subject, _x, s) {
      const { latentAttribution } = await gradient();
      const latent = latentOf(subject, 'latent-attribution');
      const b = baselineOf(s);
      if (typeof b.value !== 'number') throw usageError(`--baseline for latent-attribution is a latent value (a number, e.g. 0), got ${b.label}`);
      const call = { steps: s.steps ?? defaultOf<number>('latentAttribution', 'steps'), method: s.rule ?? defaultOf<IntegrationMethod>('latentAttribution', 'method'), baseline: b.value, reduce: 'mean' as const };
      const o = { ...call, ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}), ...(s.onProgress ? { onProgress: s.onProgress } : {}) };
      return { attribution: await latentAttribution(latent.decoder, latent.z, { ...o, mask: latent.mask }), options: { ...call, region: 'centre' } };
    },
  },
  latentJacobian: {
    knobs: ['dims'],
    async run(subject, _x, s) {
      const { latentJacobian } = await gradient();
      const latent = latentOf(subject, 'latent-jacobian');
      const o = { ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}), ...(s.onProgress ? { onProgress: s.onProgress } : {}) };
      const jacobian = await latentJacobian(latent.decoder, latent.z, o);
      return { attribution: { attributions: jacobian, method: 'latentJacobian' }, options: {} };
    },
  },
  latentTraversal: {
    knobs: ['dims'],
    async run(subject, _x, s) {
      const { latentTraversal } = await perturbation();
      const latent = latentOf(subject, 'latent-traversal');
      const d = latent.z.shape[1]!;
      const dims = s.dims ?? defaultDims(d);
      const values = [-3, -2, -1, 0, 1, 2, 3];
      const o = { dims, values, ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}), ...(s.onProgress ? { onProgress: s.onProgress } : {}) };
      const images = await latentTraversal(latent.decoder, latent.z, o);
      return { attribution: { attributions: images, method: 'latentTraversal' }, options: { dims, values } };
    },
  },
  latentSensitivity: {
    knobs: [],
    async run(subject, _x, s) {
      const { latentSensitivity } = await perturbation();
      const { tf } = await import('@glassbox/tensors-ops');
      const latent = latentOf(subject, 'latent-sensitivity');
      // attribution.json records the options as passed (the step was once called delta).
      const options = { epsilon: defaultOf<number>('latentSensitivity', 'epsilon') };
      const o = { ...options, ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}), ...(s.onProgress ? { onProgress: s.onProgress } : {}) };
      const r = await latentSensitivity(latent.decoder, latent.z, o);
      return { attribution: { attributions: tf.tensor2d(r.scores, [1, r.scores.length]), method: 'latentSensitivity' }, options, extra: { order: r.order } };
    },
  },
};

const OUTPUTS: Readonly<Record<MethodInfo['output'], MethodOutput | undefined>> = {
  attribution: 'pixels',
  latent: 'latent',
  sensitivity: 'latent',
  jacobian: 'jacobian',
  traversal: 'traversal',
  model: undefined,
  // Layer attributions ([N, ...layerShape]) are not pictures of the input: not offered by --method yet.
  layer: undefined,
};

/**
 * Whether the CLI offers a method of the registry with an image runner: one that explains each input (not a
 * batch as a whole) of a kind the CLI reads as images, rows or latent codes. Such a method also explains the
 * text models when its metadata names them (through `runTokenMethod`); the methods of token ids only are
 * `cliTakesTokensOnly`.
 */
export function cliTakes(info: MethodInfo): boolean {
  return !info.batch && OUTPUTS[info.output] !== undefined && info.inputs.some((k) => k !== 'tokens');
}

/**
 * Whether the CLI offers a registry method that explains only token ids (the attention methods) for the text
 * models: it runs through `runTokenMethod`, so it needs no image runner.
 */
export function cliTakesTokensOnly(info: MethodInfo): boolean {
  return !info.batch && !info.wrapper && info.output === 'attribution' && info.inputs.every((k) => k === 'tokens') && info.modelKinds.some((k) => k === 'gpt' || k === 'text-classifier');
}

/** The registry's methods the CLI offers but has no runner for (a test keeps this empty). */
export function methodsWithoutRunner(): string[] {
  return methodRegistry.all.filter((m) => cliTakes(m.info) && RUNNERS[m.info.name] === undefined).map((m) => m.info.name);
}

/**
 * What a text kind takes of a method: a method of token ids, and of the wrappers noise-tunnel (which
 * `runTokenMethod` runs around saliency, as the CLI does for images).
 */
function textKindTakes(k: ModelKind, info: MethodInfo): boolean {
  return !KIND_ADAPTERS[k].inputs.includes('text') || (info.inputs.includes('tokens') && (!info.wrapper || info.name === 'noiseTunnel'));
}

function entryOf(m: (typeof methodRegistry.all)[number], runner: Pick<MethodEntry, 'knobs' | 'run'>): MethodEntry {
  return {
    name: m.id,
    aliases: m.info.aliases,
    fn: m.info.name,
    pkg: m.info.family === 'gradient' ? '@glassbox/explainers-gradient' : '@glassbox/explainers-perturbation',
    kinds: KINDS.filter((k) => m.info.modelKinds.includes(k) && KIND_ADAPTERS[k].subjects.includes(m.info.subject) && textKindTakes(k, m.info)),
    signed: m.info.signed,
    output: OUTPUTS[m.info.output]!,
    summary: m.info.summary,
    ...runner,
  };
}

/** The methods `--method` knows with an image runner: the registry's methods that explain each input. */
export const METHODS: readonly MethodEntry[] = methodRegistry.all.filter((m) => cliTakes(m.info) && RUNNERS[m.info.name] !== undefined).map((m) => entryOf(m, RUNNERS[m.info.name]!));

/** The methods of token ids only (attention-rollout, gradient-weighted-attention): text models only. */
export const TOKEN_ONLY_METHODS: readonly MethodEntry[] = methodRegistry.all
  .filter((m) => cliTakesTokensOnly(m.info))
  .map((m) =>
    entryOf(m, {
      knobs: [],
      run: async (subject) => {
        throw usageError(`${m.id} explains a text model's attention maps; this ${subject.kind} has none`);
      },
    }),
  );

/** Every method `--method` knows. */
const ALL_METHODS: readonly MethodEntry[] = [...METHODS, ...TOKEN_ONLY_METHODS];

/** The registry's default of a method's option. */
function defaultOf<T extends number | string>(method: string, key: string): T {
  return optionDefault<T>(methodRegistry.get(method).info, key);
}

/** Latent dimensions drawn when --dims is not given: all of them, at most the first 16. */
export function defaultDims(d: number): number[] {
  return Array.from({ length: Math.min(d, 16) }, (_, k) => k);
}

export { toKebabCase };

/** All names --method accepts: `name (aliases)` per method, for help and errors. */
export function methodList(): string {
  return ALL_METHODS.map((m) => m.name).join(', ');
}

/**
 * Finds a method by its name, an alias or the explainer's function name (integratedGradients).
 * @throws CliError (exit 2) naming the known methods.
 */
export function resolveMethod(name: string): MethodEntry {
  const key = toKebabCase(name ?? '');
  const found = ALL_METHODS.find((m) => m.name === key || m.aliases.includes(key) || toKebabCase(m.fn) === key);
  if (found === undefined) throw usageError(`unknown method '${name}': expected one of ${methodList()} (aliases: ${aliasList()})`);
  return found;
}

function aliasList(): string {
  return ALL_METHODS.filter((m) => m.aliases.length > 0)
    .map((m) => `${m.aliases[0]} = ${m.name}`)
    .join(', ');
}

/** The methods that apply to a kind. */
export function methodsFor(kind: ModelKind): MethodEntry[] {
  return ALL_METHODS.filter((m) => m.kinds.includes(kind));
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

/** What `runTokenMethod` reads of the command line. */
export interface TokenMethodSettings {
  target?: number;
  steps?: number;
  samples?: number;
  /** Occlusion: tokens per window (default 1). */
  window?: number;
  /** Noise-tunnel and gradient-shap: standard deviation of the noise, in the units of the embeddings. */
  stdev?: number;
  /** Noise-tunnel: the reduction over the noisy copies. */
  noise?: NoiseVariant;
  seed: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The options a method is called with on token ids, from the command line: `steps` and `samples` where the
 * method has them (defaults: the method's own), occlusion's window of `--window` tokens (default 1), `stdev`
 * (in embedding units) and noise-tunnel's `variant` (`--noise`) where given (noise-tunnel always records its
 * samples, stdev and variant: defaults 10, 0.15, smoothgrad), and the seed where the method draws at random. `record` is what attribution.json records (the call without the
 * progress callback and batch size).
 */
export function tokenMethodOptions(m: MethodEntry, s: TokenMethodSettings): { call: Record<string, unknown>; record: Record<string, unknown> } {
  const info = methodRegistry.get(m.fn).info;
  // The noise tunnel passes the target and batch size on to the saliency it wraps.
  const keys = m.fn === 'noiseTunnel' ? [...info.optionKeys, ...methodRegistry.get('saliency').info.optionKeys] : info.optionKeys;
  const record: Record<string, unknown> = {};
  if (keys.includes('steps')) record.steps = s.steps ?? optionDefault<number>(info, 'steps');
  if (keys.includes('samples') && s.samples !== undefined) record.samples = s.samples;
  if (m.fn === 'occlusion') record.window = [s.window ?? 1];
  if (m.fn === 'noiseTunnel') {
    record.explainer = 'saliency';
    record.samples = s.samples ?? optionDefault<number>(info, 'samples');
    record.stdev = s.stdev ?? optionDefault<number>(info, 'stdev');
    record.variant = s.noise ?? optionDefault<NoiseVariant>(info, 'variant');
  } else if (keys.includes('stdev') && s.stdev !== undefined) record.stdev = s.stdev;
  if (keys.includes('seed')) record.seed = s.seed;
  const call: Record<string, unknown> = { ...record };
  if (keys.includes('target') && s.target !== undefined) call.target = s.target;
  if (s.batchSize !== undefined && keys.includes('batchSize')) call.batchSize = s.batchSize;
  if (s.onProgress !== undefined && keys.includes('onProgress')) call.onProgress = s.onProgress;
  return { call, record };
}

/** The explainer function of a method (imported from its package). */
export async function explainerOf(m: MethodEntry): Promise<(model: TokenModel, ids: Tensor, options: Record<string, unknown>) => Promise<Attribution>> {
  const mod = (m.pkg === '@glassbox/explainers-gradient' ? await gradient() : await perturbation()) as unknown as Record<string, unknown>;
  return mod[m.fn] as (model: TokenModel, ids: Tensor, options: Record<string, unknown>) => Promise<Attribution>;
}

/** Whether a method takes a target (the attention methods explain a position, not an output). */
export function takesTarget(m: MethodEntry): boolean {
  return m.fn === 'noiseTunnel' || methodRegistry.get(m.fn).info.optionKeys.includes('target');
}

/** Most tokens exact-shapley explains from the CLI (its 2^T model rows): the explainer's own limit. */
export const MAX_TEXT_EXACT_SHAPLEY = 16;

/** Runs a method on a token model and ids [1, T]; returns its attribution and the recorded options. */
export async function runTokenMethod(m: MethodEntry, model: TokenModel, ids: Tensor, s: TokenMethodSettings): Promise<MethodResult> {
  const { call, record } = tokenMethodOptions(m, s);
  if (m.fn === 'noiseTunnel') {
    // SmoothGrad on the embeddings: saliency over noisy copies (the wrapper takes the noise settings, the
    // wrapped call the target, seed and batch size).
    const { noiseTunnel, saliency } = await gradient();
    const { explainer: _explainer, samples, stdev, variant, ...rest } = call;
    const smooth = noiseTunnel(saliency, { samples: samples as number, stdev: stdev as number, variant: variant as NoiseVariant, seed: s.seed });
    return { attribution: await smooth(model, ids, rest), options: record };
  }
  if (m.fn === 'exactShapley') {
    const t = ids.shape[1] ?? 0;
    if (t > MAX_TEXT_EXACT_SHAPLEY) {
      throw usageError(`exact-shapley enumerates all 2^T coalitions of the tokens, so it takes at most ${MAX_TEXT_EXACT_SHAPLEY} tokens; this text has ${t}: use shapley-value-sampling, kernel-shap or feature-ablation instead (or a shorter text)`);
    }
  }
  const fn = await explainerOf(m);
  return { attribution: await fn(model, ids, call), options: record };
}
