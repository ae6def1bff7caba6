// The catalogue the UI offers: models and inputs, and how the registry's explainers become controls. Plain data
// (no tfjs), shared by the page (which builds the controls) and the worker (which reads the method registry of
// @glassbox/report, sends the page `methodViews` of it, and runs the methods).

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

/**
 * A method as the page shows it: the registry's metadata (@glassbox/report's `METHODS`, read in the worker and
 * sent to the page as plain data) with the demo's controls. Options of the registry's own keys keep their key;
 * the demo's knobs (see `DemoOverride.knobs`) are turned into the method's options by the worker.
 */
export interface MethodView {
  /** The registry name, e.g. 'integratedGradients'. */
  id: string;
  label: string;
  family: 'gradient' | 'perturbation';
  /** What the explainer's first argument is (registry `subject`): decides which models it applies to. */
  subject: 'function' | 'layered' | 'splittable' | 'decoder' | 'attention';
  /** The model kinds the registry says it applies to. */
  modelKinds: readonly ModelKind[];
  /** Gradient-like maps (not multiplied by the input): infidelity then uses multiplyByInputs: false. */
  gradientLike: boolean;
  /** Methods that explain a batch (featurePermutation) or a data set (surrogate), not one input. */
  batch: boolean;
  options: readonly MethodOption[];
  /** One line shown under the method picker (the registry's summary). */
  note: string;
}

/** The registry metadata `methodViews` reads (a structural subset of tensors-ops' MethodInfo: plain data). */
export interface MethodInfoLike {
  name: string;
  label: string;
  summary: string;
  family: 'gradient' | 'perturbation';
  inputs: readonly string[];
  modelKinds: readonly string[];
  subject: MethodView['subject'];
  batch: boolean;
  gradientLike: boolean;
  /** What the result holds (the registry's `output`); absent means 'attribution'. */
  output?: string;
  options: readonly { key: string; type: string; default?: unknown; min?: number; max?: number; choices?: readonly string[]; summary: string }[];
}

/**
 * The demo's changes to a registry method, keyed by registry name: smaller defaults (so that every explanation
 * takes a second or two on two cores; the end-to-end test runs with them), upper bounds for the inputs, options
 * it does not show, and knobs: controls of its own that the worker turns into the method's options ('cells' a
 * grid feature mask, 'window'/'stride' an occlusion window per image side, 'baselines' test digits as the
 * baseline distribution, 'rows' test digits added to the explained batch, 'segmentation'/'segments' LIME's
 * segmentation, 'base' the explainer a wrapper wraps).
 */
export interface DemoOverride {
  defaults?: Readonly<Record<string, number | string | boolean>>;
  max?: Readonly<Record<string, number>>;
  hide?: readonly string[];
  knobs?: readonly MethodOption[];
}

const cells = (d: number, max = 14): NumberOption => ({ type: 'number', key: 'cells', label: 'grid cells per side', default: d, min: 1, max, integer: true });

export const DEMO_OVERRIDES: Readonly<Record<string, DemoOverride>> = {
  integratedGradients: { defaults: { steps: 16 }, max: { steps: 512 } },
  noiseTunnel: {
    defaults: { samples: 8 },
    max: { samples: 256, stdev: 2 },
    knobs: [
      { type: 'select', key: 'base', label: 'wrapped explainer', default: 'saliency', choices: ['saliency', 'inputXGradient', 'integratedGradients'] },
      { type: 'number', key: 'steps', label: 'IG steps', default: 8, min: 1, max: 256, integer: true, when: { key: 'base', value: 'integratedGradients' } },
    ],
  },
  gradientShap: {
    defaults: { samples: 16, stdev: 0.05 },
    max: { samples: 512, stdev: 1 },
    knobs: [{ type: 'number', key: 'baselines', label: 'baseline digits', default: 8, min: 1, max: 32, integer: true }],
  },
  deepLift: { hide: ['eps'] },
  occlusion: {
    hide: ['incremental'],
    knobs: [
      { type: 'number', key: 'window', label: 'window (px)', default: 4, min: 1, max: 28, integer: true },
      { type: 'number', key: 'stride', label: 'stride (px)', default: 4, min: 1, max: 28, integer: true },
    ],
  },
  featureAblation: { knobs: [cells(7)] },
  featurePermutation: {
    max: { repeats: 16 },
    knobs: [cells(7), { type: 'number', key: 'rows', label: 'batch (digits)', default: 16, min: 2, max: 64, integer: true }],
  },
  shapleyValueSampling: { defaults: { samples: 4 }, max: { samples: 256 }, knobs: [cells(4)] },
  exactShapley: { knobs: [cells(3, 4)] },
  kernelShap: { defaults: { samples: 128 }, max: { samples: 4096 }, knobs: [cells(7)] },
  lime: {
    defaults: { samples: 128 },
    max: { samples: 4096, alpha: 100 },
    hide: ['distance', 'kernelWidth'],
    knobs: [
      { type: 'select', key: 'segmentation', label: 'features', default: 'grid', choices: ['grid', 'slic'] },
      { ...cells(7), when: { key: 'segmentation', value: 'grid' } },
      { type: 'number', key: 'segments', label: 'superpixels', default: 25, min: 2, max: 200, integer: true, when: { key: 'segmentation', value: 'slic' } },
    ],
  },
  surrogate: {
    max: { alpha: 100, maxDepth: 8, minLeaf: 64 },
    knobs: [cells(7), { type: 'number', key: 'rows', label: 'data (digits)', default: 64, min: 8, max: 512, integer: true }],
  },
};

/** Upper bound of a number input when neither the registry nor the overrides give one. */
const UI_MAX = 1000;

/** A registry option as a control, or null when the page has no control for its type (feature masks, lists). */
function controlOf(o: MethodInfoLike['options'][number], ov: DemoOverride): MethodOption | null {
  const d = ov.defaults?.[o.key] ?? o.default;
  const label = o.summary;
  switch (o.type) {
    case 'integer':
    case 'number': {
      if (typeof d !== 'number') return null;
      const min = o.min ?? 0;
      const max = Math.min(ov.max?.[o.key] ?? o.max ?? UI_MAX, o.max ?? Infinity);
      const integer = o.type === 'integer';
      return { type: 'number', key: o.key, label, default: d, min, max, integer, ...(integer ? {} : { step: max <= 2 ? 0.01 : 0.1 }) };
    }
    case 'boolean':
      return typeof d === 'boolean' ? { type: 'boolean', key: o.key, label, default: d } : null;
    case 'choice':
      return typeof d === 'string' && o.choices !== undefined ? { type: 'select', key: o.key, label, default: d, choices: o.choices } : null;
    case 'layer':
      return { type: 'layer', key: o.key, label };
    default:
      return null;
  }
}

/**
 * The methods the picker offers, in registry order: every registry method that explains an image, with its
 * label, summary and options (defaults from the registry, changed only by `DEMO_OVERRIDES`).
 */
export function methodViews(infos: readonly MethodInfoLike[]): MethodView[] {
  return infos
    .filter((i) => i.inputs.includes('image'))
    // Layer attributions ([N, ...layerShape]) are not pictures of the input: the page does not show them yet.
    .filter((i) => i.output !== 'layer')
    .map((i) => {
      const ov = DEMO_OVERRIDES[i.name] ?? {};
      const knobs = ov.knobs ?? [];
      const own = i.options
        .filter((o) => !(ov.hide ?? []).includes(o.key) && !knobs.some((k) => k.key === o.key))
        .map((o) => controlOf(o, ov))
        .filter((o): o is MethodOption => o !== null);
      return {
        id: i.name,
        label: i.label,
        family: i.family,
        subject: i.subject,
        modelKinds: i.modelKinds.filter((k): k is ModelKind => MODELS.some((m) => m.kind === k)),
        gradientLike: i.gradientLike,
        batch: i.batch,
        options: [...own, ...knobs],
        note: i.summary,
      };
    });
}

/** Whether a method applies to a loaded model: its kind is among the method's, and the model gives its subject. */
export function applies(m: MethodView, caps: ModelCapabilities): boolean {
  if (!m.modelKinds.includes(caps.kind)) return false;
  if (m.subject === 'layered') return caps.layered;
  if (m.subject === 'splittable') return caps.camLayers.length > 0;
  return m.subject === 'function';
}

export function methodView(methods: readonly MethodView[], id: string): MethodView {
  const m = methods.find((e) => e.id === id);
  if (m === undefined) throw new Error(`unknown method ${id}`);
  return m;
}

export function defaultOptions(method: MethodView, caps: ModelCapabilities & { defaultCamLayer?: string }): OptionValues {
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
