/**
 * `glassbox explain`: one input, one model, one method -> attribution.json, heatmap.png, overlay.png (and
 * input.png; translation.png for a CycleGAN).
 *
 * What is explained comes from the model kind's adapter (@glassbox/report's KIND_ADAPTERS: its objectives, default
 * target, input preparation and layer hooks); this command only reads files and words the result. Per kind:
 * - classifier: the logit of class `--target` (default: the predicted class), w.r.t. the input pixels.
 * - ae / vae: the encoder's latent dimension `--target` (for a VAE the mean mu of q(z|x); default: the
 *   dimension with the largest |mu| for this input), w.r.t. the input pixels: which pixels drive that code.
 *   With `--objective region`: the mean intensity of the centre region of the reconstruction (no `--target`;
 *   writes reconstruction.png).
 * - gan: the discriminator's logit on the generated image G(z), w.r.t. the image's pixels: where the image
 *   looks real or fake to the discriminator. `--input random:SEED` or a .json latent code gives z; an image
 *   input (digits, .png, .json image) is scored as is. A conditional GAN (the pretrained one: 100 latent
 *   dimensions plus a 10-class one-hot) generates the class `--class` (default 0), and its discriminator
 *   column `--target` defaults to that class (for an image input: --class, else the digit's label, else
 *   the column with the highest logit).
 * - latent methods (ae, vae, gan): the decoder (generator) as a function of the latent code z, the image
 *   input's code (encoder mean), random:SEED or a .json code; for a conditional GAN the class stays fixed.
 * - cyclegan: the mean intensity of the centre region (the middle half of each side, 14x14 for digits) of
 *   the translation translateAB(x), w.r.t. the input pixels (outputRegion). No `--target`.
 */
import { writeFile } from 'node:fs/promises';
import type { Tensor } from '@glassbox/tensors-ops';
import { asForward, tf } from '@glassbox/tensors-ops';
import { KIND_ADAPTERS } from '@glassbox/report';
import type { AnyKindAdapter, KindInputValue, KindObjective, PreparedInput, TargetReason } from '@glassbox/report';
import { barChart, fromGray, grid, heatmap, overlay, percentile, scaleImage, type RGBAImage } from '@glassbox/viz';
import { failure, usageError } from '../errors.js';
import { loadImages, parseInputSpec, readJsonNumbers, type InputSpec } from '../inputs.js';
import {
  DEFAULT_SLIC_SEGMENTS,
  KNOBS,
  checkMethodApplies,
  defaultDims,
  resolveMethod,
  type MethodEntry,
  type MethodResult,
  type MethodSettings,
  type Segments,
  type Subject,
} from '../methods.js';
import { PRETRAINED, imageGeometry, isTextModelKind, loadModel, parseModelSpec, type LoadedModel, type ModelName } from '../models.js';
import { TEXT_FILES, isTextSpec, parseTextSpec, runExplainText, type ExplainSummary } from './explain-text.js';
import { checkOutDir, writeAtomically, writeJson, writePng } from '../output.js';
import { setupBackend, since, type CliIo } from '../runtime.js';

export interface ExplainCommandOptions {
  model: string;
  method: string;
  input: string;
  out: string;
  target?: number;
  steps?: number;
  samples?: number;
  seed?: number;
  batchSize?: number;
  window?: number;
  stride?: number;
  cells?: number;
  /** GAN: the class a conditional GAN generates (and whose discriminator column is explained). */
  class?: number;
  /** What the pixel methods explain, among the kind's objectives (ae, vae: 'code', the default, or 'region'). */
  objective?: string;
  /** A number (pixel value; latent value for latent-attribution) or an image spec of the input's size. */
  baseline?: string;
  /** Integrated gradients' rule. */
  rule?: MethodSettings['rule'];
  /** The noise tunnel's reduction. */
  noise?: MethodSettings['noise'];
  stdev?: number;
  /** 'grid', 'slic' or 'slic:N'. */
  segments?: string;
  /** Latent dimensions to draw: '0-9', '1,5,9'. */
  dims?: string;
  /** Enlargement of the PNGs (nearest neighbour), default 8: 28x28 -> 224x224. */
  scale?: number;
  /** GPT: continue the text by this many sampled tokens (--seed) and explain each of them. */
  generate?: number;
  backend?: string;
  /** A user's model (a TensorFlow.js model.json or an .onnx): see ../user-model.ts. */
  preprocess?: string;
  crop?: string;
  layout?: string;
  logits?: boolean;
  labels?: string;
  /** A user's TensorFlow.js model: the layer of grad-cam, guided-grad-cam and the layer methods. */
  layer?: string;
}

/** The files explain writes (an existing --out holding only these is replaced). */
export const EXPLAIN_FILES = [
  'attribution.json',
  'heatmap.png',
  'overlay.png',
  'input.png',
  'translation.png',
  'reconstruction.png',
  'latent.svg',
  'jacobian.png',
  'traversal.png',
  ...TEXT_FILES,
] as const;

export type { ExplainSummary };

/** What the subject-building step hands back besides the subject. */
interface Prepared {
  subject: Subject;
  /** The explained input [1, ...rowShape] (owned here). */
  x: Tensor;
  /** Grey pixels of the explained image (h * w). */
  image: Float32Array;
  target: number | undefined;
  explains: string;
  prediction: Record<string, unknown>;
  input: Record<string, unknown>;
  /** Extra pictures (name -> grey pixels), written as <name>.png. */
  extra: Record<string, Float32Array>;
  /** Disposes x and every tensor made for the explanation. */
  dispose(): void;
}

function checkTarget(target: number | undefined, count: number, what: string): void {
  if (target === undefined) return;
  if (!Number.isInteger(target) || target < 0 || target >= count) {
    throw usageError(`--target ${target} is out of range: ${what} (0..${count - 1})`);
  }
}

export function round(v: number, digits = 6): number {
  return Number(v.toPrecision(digits));
}

/**
 * The method settings the explain command's flags give (only the flags that were set), with the call's baseline,
 * segments, latent dimensions, seed and progress; `target` when there is one. Shared by the models of this
 * package and users' models (explain-user.ts).
 */
export function flagSettings(
  o: ExplainCommandOptions,
  extra: { target?: number | undefined; baseline?: MethodSettings['baseline'] | undefined; segments?: Segments | undefined; dims?: number[] | undefined; seed: number; onProgress: (done: number, total: number) => void },
): MethodSettings {
  return {
    ...(extra.target !== undefined ? { target: extra.target } : {}),
    ...(o.steps !== undefined ? { steps: o.steps } : {}),
    ...(o.samples !== undefined ? { samples: o.samples } : {}),
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
    ...(o.window !== undefined ? { window: o.window } : {}),
    ...(o.stride !== undefined ? { stride: o.stride } : {}),
    ...(o.cells !== undefined ? { cells: o.cells } : {}),
    ...(extra.baseline !== undefined ? { baseline: extra.baseline } : {}),
    ...(o.rule !== undefined ? { rule: o.rule } : {}),
    ...(o.noise !== undefined ? { noise: o.noise } : {}),
    ...(o.stdev !== undefined ? { stdev: o.stdev } : {}),
    ...(extra.segments !== undefined ? { segments: extra.segments } : {}),
    ...(extra.dims !== undefined ? { dims: extra.dims } : {}),
    seed: extra.seed,
    onProgress: extra.onProgress,
  };
}

/** A method's attribution values read once, refused when one is not finite, and its delta rounded. */
export async function attributionValues(attributions: Tensor, delta: Tensor | null, methodName: string): Promise<{ values: Float32Array; deltaValues: number[] | null }> {
  const values = Float32Array.from(await attributions.data());
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw failure(`${methodName} returned a non-finite attribution (${values[i]}) at flat index ${i}; the model's gradients or outputs are not finite`);
  }
  const deltaValues = delta === null ? null : Array.from(await delta.data()).map((v) => round(v));
  return { values, deltaValues };
}

async function oneImage(spec: InputSpec, h: number, w: number): Promise<{ values: Float32Array; label: number | null; source: string }> {
  const batch = await loadImages(spec, h, w);
  if (batch.n !== 1) throw usageError(`explain takes one input, but '${spec.text}' names ${batch.n} images (pick one, e.g. digits:test:17)`);
  return { values: batch.values, label: batch.labels[0]!, source: batch.sources[0]! };
}

/** The centre region of an output row (the middle half of each side): 1 inside, 0 outside. */
function centreRegion(rowShape: number[], h: number, w: number): { mask: Float32Array; rows: [number, number]; columns: [number, number] } {
  const size = rowShape.reduce((a, b) => a * b, 1);
  const channels = size / (h * w);
  const mask = new Float32Array(size);
  const [r0, r1, c0, c1] = [Math.floor(h / 4), Math.ceil((3 * h) / 4), Math.floor(w / 4), Math.ceil((3 * w) / 4)];
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) mask.fill(1, (r * w + c) * channels, (r * w + c + 1) * channels);
  return { mask, rows: [r0, r1 - 1], columns: [c0, c1 - 1] };
}

/**
 * A latent code from --input for the latent methods (and the GAN): random:SEED, or a .json of `dim` numbers
 * (or, for a conditional GAN, `dim + classes` numbers ending in a one-hot class). Null for an image input.
 */
async function latentInput(spec: InputSpec, dim: number, classes: number): Promise<{ values: Float32Array; cls: number | null } | 'random' | null> {
  if (spec.type === 'random') return 'random';
  if (spec.type !== 'json') return null;
  const { values } = await readJsonNumbers(spec.path);
  if (values.length === dim) return { values, cls: null };
  if (classes > 0 && values.length === dim + classes) {
    const tail = values.subarray(dim);
    const ones = [...tail].flatMap((v, k) => (v === 1 ? [k] : []));
    if (ones.length !== 1 || tail.some((v) => v !== 0 && v !== 1)) {
      throw usageError(`${spec.path} holds ${dim + classes} numbers: ${dim} latent values and a class; its last ${classes} must be a one-hot class (one 1, the rest 0)`);
    }
    return { values: values.slice(0, dim), cls: ones[0]! };
  }
  return null;
}

/** The adapter of the loaded model's kind (@glassbox/report's KIND_ADAPTERS): everything explain knows about a kind. */
function adapterOf(loaded: LoadedModel): AnyKindAdapter {
  return KIND_ADAPTERS[loaded.kind] as unknown as AnyKindAdapter;
}

/** 'a gan', 'an ae'. */
function withArticle(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

/** The one-hot of a conditional code's class (empty without a class). */
function oneHot(cls: number | null, classes: number): number[] {
  return cls === null ? [] : Array.from({ length: classes }, (_, j) => (j === cls ? 1 : 0));
}

/**
 * The objective --objective names (what the pixel methods explain), or the kind's default.
 * @throws CliError (exit 2) naming the kind's objectives.
 */
function objectiveOf(loaded: LoadedModel, text: string | undefined): KindObjective {
  const objectives = adapterOf(loaded).objectives;
  if (text === undefined) return objectives[0]!;
  const t = text.trim().toLowerCase();
  if (!(objectives as readonly string[]).includes(t)) {
    throw usageError(`--objective ${text} does not apply to ${withArticle(loaded.kind)} model; use ${objectives.join(' or ')} (default ${objectives[0]})`);
  }
  return t as KindObjective;
}

/** What the explained image and its scores give each objective: the target and the words and numbers recorded. */
interface Scored {
  adapter: AnyKindAdapter;
  model: object;
  o: ExplainCommandOptions;
  objective: KindObjective;
  x: Tensor;
  /** The explained function's scores at x (one row). */
  scores: number[];
  /** What is known of the input: a conditional GAN's class (generated or --class) and the image's label. */
  cls: number | null;
  label: number | null;
  /** The code values recorded (with a conditional code's one-hot); null for an image without a code. */
  latent: number[] | null;
  region: { rows: [number, number]; columns: [number, number] };
}

interface ObjectiveResult {
  target: number | undefined;
  explains: string;
  prediction: Record<string, unknown>;
  extra: Record<string, Float32Array>;
}

/** The target --target names (checked against the outputs), else the kind's default. */
function targetOf(s: Scored, what: string): { target: number; reason: TargetReason; byDefault: { target: number; reason: TargetReason } } {
  const byDefault = s.adapter.defaultTarget(s.model, s.objective, s.scores, { class: s.cls ?? s.o.class ?? null, label: s.label })!;
  checkTarget(s.o.target, s.scores.length, what);
  return s.o.target === undefined ? { ...byDefault, byDefault } : { target: s.o.target, reason: byDefault.reason, byDefault };
}

/** Per objective (not per kind): how the scores become the target, the words and the recorded prediction. */
const OBJECTIVES: Readonly<Record<KindObjective, (s: Scored) => Promise<ObjectiveResult>>> = {
  async logits(s) {
    const { scores: logits } = s;
    const max = Math.max(...logits);
    const exps = logits.map((v) => Math.exp(v - max));
    const total = exps.reduce((a, b) => a + b, 0);
    const probabilities = exps.map((v) => round(v / total));
    const { target, byDefault } = targetOf(s, `the ${s.adapter.label} has ${logits.length} classes`);
    const predicted = byDefault.target;
    return {
      target,
      explains: `logit of ${s.adapter.outputLabel(s.model, s.objective, target, logits.length)}${target === predicted ? ' (the predicted class)' : ` (predicted: ${predicted})`}`,
      prediction: { logits: logits.map((v) => round(v)), probabilities, predicted, label: s.label },
      extra: {},
    };
  },
  async code(s) {
    const mu = s.scores;
    const { target } = targetOf(s, `the ${s.adapter.label} has ${mu.length} latent dimensions`);
    const recT = s.adapter.outputOf(s.model, s.x)!;
    const reconstruction = Float32Array.from(await recT.data());
    recT.dispose();
    const input = await s.x.data();
    let mse = 0;
    for (let i = 0; i < reconstruction.length; i++) mse += (reconstruction[i]! - input[i]!) ** 2;
    mse /= reconstruction.length;
    return {
      target,
      explains: `${s.adapter.outputLabel(s.model, s.objective, target, mu.length)} of the encoder (value ${round(mu[target]!, 4)}${s.o.target === undefined ? ', the largest |value| for this input' : ''})`,
      prediction: { latent: mu.map((v) => round(v)), reconstructionMse: round(mse) },
      extra: {},
    };
  },
  async discriminator(s) {
    const { scores } = s;
    const { target, reason } = targetOf(s, `the discriminator has ${scores.length} output${scores.length === 1 ? '' : 's'}`);
    const generated = s.latent !== null;
    const why =
      scores.length === 1 || s.o.target !== undefined
        ? ''
        : reason === 'class'
          ? generated
            ? ` (the generated class${s.o.class === undefined ? ', --class 0 by default' : ''})`
            : ' (--class)'
          : reason === 'label'
            ? " (the digit's label)"
            : ' (the highest logit)';
    return {
      target,
      explains: `discriminator logit${scores.length > 1 ? ` of ${s.adapter.outputLabel(s.model, s.objective, target, scores.length)}${why}` : ''} on the ${generated ? `image generated${s.cls !== null ? ` for class ${s.cls}` : ''}` : 'given image'} (${round(scores[target]!, 4)}; higher = more real), w.r.t. its pixels`,
      prediction: { discriminatorLogits: scores.map((v) => round(v)), latent: s.latent, class: s.cls },
      extra: {},
    };
  },
  // A GPT's next token: the text path (explain-text.ts) words it; an image kind never has this objective.
  async ['next-token']() {
    throw failure('the next-token objective is explained by the text path of explain');
  },
  async region(s) {
    const score = s.scores[0]!;
    const yT = s.adapter.outputOf(s.model, s.x)!;
    const y = Float32Array.from(await yT.data());
    yT.dispose();
    const out = s.adapter.imageOutput!;
    return {
      target: undefined,
      explains: `mean intensity of the centre region (rows ${s.region.rows[0]}..${s.region.rows[1]}, columns ${s.region.columns[0]}..${s.region.columns[1]}) of ${out.words} (${round(score, 4)}), w.r.t. the input pixels`,
      prediction: { regionScore: round(score), region: { rows: s.region.rows, columns: s.region.columns } },
      extra: { [out.name]: y },
    };
  },
};

/**
 * Reads the input and builds what the method explains, through the kind's adapter: the input (an image, or a
 * code: random:SEED or a .json, for the latent methods and for kinds whose usual input is a code) is prepared
 * into the explained image and, where there is one, its code; the objective (--objective, else the kind's
 * default) gives the explained function, its default target and the layer methods' hooks.
 */
async function prepare(loaded: LoadedModel, spec: InputSpec, o: ExplainCommandOptions, method: MethodEntry): Promise<Prepared> {
  const adapter = adapterOf(loaded);
  const m = loaded.model as object;
  const { height: h, width: w, rowShape } = imageGeometry(loaded);
  const imageShape: [number, number] = [h, w];
  const latentMethod = method.output !== 'pixels';
  if (latentMethod && o.target !== undefined) {
    throw usageError(`--target does not apply to ${method.name}: it explains the decoded image as a function of the latent code${adapter.classInput ? ' (use --class to choose the generated class)' : ''}`);
  }
  if (o.class !== undefined && !adapter.classInput) throw usageError(`--class applies to a conditional GAN; this model is ${withArticle(loaded.kind)}`);
  const objective = objectiveOf(loaded, o.objective);
  if (!latentMethod && o.target !== undefined && adapter.defaultTarget(m, objective, []) === undefined) {
    throw usageError(`--target does not apply to ${withArticle(loaded.kind)}: explain scores the mean of the centre region of the ${adapter.imageOutput?.name ?? 'output'} (one number)`);
  }
  const code = adapter.code(m);
  const [d, k] = [code?.dim ?? 0, code?.classes ?? 0];
  if (o.class !== undefined) {
    if (k === 0) throw usageError(`--class applies to a conditional GAN; this ${adapter.label} is unconditional (its generator reads ${d} latent dimensions and no class)`);
    if (o.class >= k) throw usageError(`--class ${o.class} is out of range: the ${adapter.label} has ${k} classes (0..${k - 1})`);
  }

  // The input: a code (drawn from a seed, or read from a .json) or an image.
  const words = adapter.codeWords;
  const codeInput = code !== undefined && (latentMethod || adapter.inputs[0] === 'latent') ? await latentInput(spec, d, k) : null;
  const made: Tensor[] = [];
  let input: KindInputValue;
  let source: string;
  let label: number | null = null;
  let cls: number | null = null;
  if (codeInput === 'random') {
    const seed = (spec as { seed: number }).seed;
    cls = k > 0 ? (o.class ?? 0) : null;
    input = { type: 'sample', seed, class: cls };
    source = `${words!.sample(seed)}${cls !== null ? `, class ${cls}${o.class === undefined ? ' (the default; choose with --class)' : ''}` : ''}`;
  } else if (codeInput !== null) {
    const path = (spec as { path: string }).path;
    if (k > 0 && codeInput.cls !== null && o.class !== undefined && o.class !== codeInput.cls) {
      throw usageError(`--class ${o.class} contradicts the one-hot class ${codeInput.cls} at the end of ${path} (give ${d} numbers to choose the class with --class)`);
    }
    cls = k > 0 ? (codeInput.cls ?? o.class ?? 0) : null;
    const z = tf.tensor2d(codeInput.values, [1, d]);
    made.push(z);
    input = { type: 'latent', z, class: cls };
    source = `latent code from ${path}${cls !== null ? `, class ${cls}` : ''}`;
  } else {
    if (latentMethod && words?.encoded === undefined) {
      throw usageError(`${method.name} explains the generator: --input must be random:SEED or a .json latent code of ${d}${k > 0 ? ` (or ${d + k} with the one-hot class)` : ''} numbers`);
    }
    if (latentMethod && spec.type === 'json') {
      const n = (await readJsonNumbers(spec.path)).values.length;
      if (n !== h * w) throw usageError(`${spec.path} holds ${n} numbers; expected an image (${h * w}) or a latent code of this ${adapter.label} (${d})`);
    }
    const img = await oneImage(spec, h, w);
    const x = tf.tensor(img.values, [1, ...rowShape]);
    made.push(x);
    input = { type: 'image', x };
    source = latentMethod ? `${img.source}, encoded (${words!.encoded})` : img.source;
    label = img.label;
  }

  let p: PreparedInput;
  try {
    p = adapter.prepare(m, input);
  } catch (e) {
    tf.dispose(made);
    throw e;
  }
  const dispose = (): void => {
    p.dispose();
    tf.dispose(made);
  };
  try {
    const image = Float32Array.from(await p.x.data());
    const region = centreRegion(rowShape, h, w);
    const explained = adapter.explained(m, objective, { mask: region.mask });
    const latent = p.latent === undefined ? null : [...Array.from(await p.latent.z.data()), ...oneHot(cls, k)].map((v) => round(v));
    const inputRecord = { spec: spec.text, source, label, ...(adapter.classInput ? { generated: latent !== null, class: cls } : {}) };
    const scoresT = asForward(explained.f)(p.x);
    const scores = Array.from(await scoresT.data());
    scoresT.dispose();

    if (latentMethod) {
      // The latent methods explain the image decoded from the code (for an image input: its reconstruction).
      const decoded = p.latent!.decoder(p.latent!.z);
      made.push(decoded);
      const decodedImage = Float32Array.from(await decoded.data());
      return {
        subject: { kind: loaded.kind, f: explained.f, rowShape, imageShape, image: decodedImage, latent: { decoder: p.latent!.decoder, z: p.latent!.z, mask: region.mask } },
        x: decoded,
        image: decodedImage,
        target: undefined,
        explains: latentExplains(method, `${words!.decoded}${cls !== null ? ` (class ${cls})` : ''}`, region),
        prediction: { ...(objective === 'discriminator' ? { discriminatorLogits: scores.map((v) => round(v)) } : {}), latent, ...(adapter.classInput ? { class: cls } : {}) },
        input: inputRecord,
        extra: {},
        dispose,
      };
    }
    const r = await OBJECTIVES[objective]({ adapter, model: m, o, objective, x: p.x, scores, cls, label, latent, region });
    // The layer methods' hooks, where the kind offers them (see the adapter's subjects).
    const layered = adapter.subjects.includes('layered') ? explained.layered : undefined;
    const cam = adapter.subjects.includes('splittable') ? explained.cam?.() : undefined;
    return {
      subject: { kind: loaded.kind, f: explained.f, ...(layered !== undefined ? { layered } : {}), ...(cam !== undefined ? { cam } : {}), rowShape, imageShape, image },
      x: p.x,
      image,
      target: r.target,
      explains: r.explains,
      prediction: r.prediction,
      input: inputRecord,
      extra: r.extra,
      dispose,
    };
  } catch (e) {
    dispose();
    throw e;
  }
}

/** What a latent method explains, in words. */
function latentExplains(method: MethodEntry, image: string, region: { rows: [number, number]; columns: [number, number] }): string {
  switch (method.output) {
    case 'latent':
      return method.name === 'latent-attribution'
        ? `mean intensity of the centre region (rows ${region.rows[0]}..${region.rows[1]}, columns ${region.columns[0]}..${region.columns[1]}) of ${image}, w.r.t. the latent code`
        : `how much ${image} changes when each latent dimension moves by 1`;
    case 'jacobian':
      return `how ${image} changes per unit step along each latent dimension k (d image / d z_k)`;
    default:
      return `${image} as one latent dimension at a time sweeps -3..3`;
  }
}

/** Warns about options the method does not read. */
function warnUnused(method: MethodEntry, o: ExplainCommandOptions, io: CliIo): void {
  for (const k of KNOBS) {
    if (o[k] !== undefined && !method.knobs.includes(k)) io.err(`glassbox explain: warning: --${k} does not apply to ${method.name}; ignored\n`);
  }
  if (o.cells !== undefined && method.knobs.includes('segments') && o.segments !== undefined && o.segments.startsWith('slic')) {
    io.err(`glassbox explain: warning: --cells does not apply with --segments slic (use slic:N for N superpixels); ignored\n`);
  }
}

/** Parses --segments: 'grid', 'slic' or 'slic:N'. */
export function parseSegments(text: string): Segments {
  const t = text.trim().toLowerCase();
  if (t === 'grid') return { kind: 'grid' };
  const m = /^slic(?::(\d+))?$/.exec(t);
  if (m !== null) {
    const count = m[1] === undefined ? DEFAULT_SLIC_SEGMENTS : Number(m[1]);
    if (!Number.isSafeInteger(count) || count < 1) throw usageError(`--segments slic:N needs an integer N >= 1, got '${text}'`);
    return { kind: 'slic', count };
  }
  throw usageError(`--segments must be grid, slic or slic:N (about N superpixels), got '${text}'`);
}

/** Parses --dims: '0-9', '1,5,9' (each in 0..d-1). */
export function parseDims(text: string, d: number): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (m === null) throw usageError(`--dims must list latent dimensions such as 0-9 or 1,5,9, got '${text}'`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw usageError(`--dims: the range ${a}-${b} is empty (write the smaller dimension first)`);
    if (b >= d) throw usageError(`--dims ${text}: dimension ${b} is out of range: the latent code has ${d} dimensions (0..${d - 1})`);
    for (let i = a; i <= b; i++) if (!out.includes(i)) out.push(i);
  }
  return out;
}

/**
 * Parses --baseline: a number (a pixel value, 0 black .. 1 white; a latent value for latent-attribution), or
 * an image spec (digits:..., .png, .json) of the input's size, returned as a tensor [1, ...rowShape].
 */
async function parseBaseline(text: string, rowShape: number[], h: number, w: number): Promise<{ value: number | Tensor; label: number | string }> {
  const t = text.trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) {
    const v = Number(t);
    if (!Number.isFinite(v)) throw usageError(`--baseline must be a finite number or an image, got '${text}'`);
    return { value: v, label: v };
  }
  let spec: InputSpec;
  try {
    spec = parseInputSpec(t);
  } catch {
    throw usageError(`--baseline must be a number (0 = black) or an image (digits:test:N, a .png or a .json of ${h}x${w} pixels), got '${text}'`);
  }
  if (spec.type === 'random') throw usageError(`--baseline must be a number (0 = black) or an image, got the latent code '${text}'`);
  const batch = await loadImages(spec, h, w);
  if (batch.n !== 1) throw usageError(`--baseline names ${batch.n} images; give one`);
  return { value: tf.tensor(batch.values, [1, ...rowShape]), label: spec.text };
}

/** Sums the channels of a row into one value per pixel. */
function perPixel(values: Float32Array, h: number, w: number): Float32Array {
  const c = values.length / (h * w);
  if (c === 1) return values;
  const out = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) out[p]! += values[p * c + k]!;
  return out;
}

/** Runs explain; returns the summary (printed by the program). */
export async function runExplain(o: ExplainCommandOptions, io: CliIo): Promise<ExplainSummary> {
  const t0 = performance.now();
  const method = resolveMethod(o.method);
  // The text models (names-gpt, spam-encoder) read a text: text:"..." or file:path.
  const named = Object.hasOwn(PRETRAINED, (o.model ?? '').trim()) ? PRETRAINED[(o.model ?? '').trim() as ModelName] : undefined;
  if ((named !== undefined && isTextModelKind(named.kind)) || isTextSpec(o.input)) {
    if (named === undefined || !isTextModelKind(named.kind)) {
      await parseModelSpec(o.model);
      const texts = Object.entries(PRETRAINED).filter(([, i]) => isTextModelKind(i.kind)).map(([n]) => n);
      throw usageError(`--input '${o.input}' is a text; ${o.model} takes images (text models: ${texts.join(', ')})`);
    }
    if (o.generate !== undefined && (!Number.isInteger(o.generate) || o.generate < 1)) throw usageError(`--generate must be an integer >= 1, got ${o.generate}`);
    parseTextSpec(o.input);
    await checkOutDir(o.out, EXPLAIN_FILES);
    const backend = await setupBackend(o.backend, io);
    const loaded = await loadModel(o.model);
    try {
      return await runExplainText(o, io, loaded, method, backend.backend, t0, EXPLAIN_FILES);
    } finally {
      loaded.dispose();
    }
  }
  if (o.generate !== undefined) throw usageError(`--generate applies to a GPT (names-gpt), not to ${o.model}`);
  const spec = parseInputSpec(o.input);
  await parseModelSpec(o.model);
  const scale = o.scale ?? 8;
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) throw usageError(`--scale must be an integer in 1..64, got ${scale}`);
  const segments = o.segments === undefined ? undefined : parseSegments(o.segments);
  if (o.stdev !== undefined && !(Number.isFinite(o.stdev) && o.stdev >= 0)) throw usageError(`--stdev must be a number >= 0, got ${o.stdev}`);
  await checkOutDir(o.out, EXPLAIN_FILES);
  warnUnused(method, o, io);

  const backend = await setupBackend(o.backend, io);
  const loaded = await loadModel(o.model);
  let prepared: Prepared | null = null;
  let attributions: Tensor | null = null;
  let delta: Tensor | null = null;
  let baseline: MethodSettings['baseline'] | undefined;
  try {
    checkMethodApplies(method, loaded.kind);
    if (spec.type === 'random' && method.output === 'pixels' && adapterOf(loaded).inputs[0] !== 'latent') {
      // Which kinds take a code for the pixel methods (their usual input is one), and which only for the latent methods.
      const adapters = Object.values(KIND_ADAPTERS) as AnyKindAdapter[];
      const codeFirst = adapters.filter((a) => a.inputs[0] === 'latent').map((a) => a.kind);
      const codeToo = adapters.filter((a) => a.inputs.indexOf('latent') > 0).map((a) => a.kind);
      throw usageError(
        `input '${spec.text}' is a latent code; it only applies to ${withArticle(codeFirst.join(' or '))} (and to the latent methods of ${withArticle(codeToo.join(' or '))}); use an image: digits:test:0, a .png or a .json`,
      );
    }
    prepared = await prepare(loaded, spec, o, method);
    const { imageShape, rowShape } = prepared.subject;
    const [h, w] = imageShape;
    if (o.baseline !== undefined && method.knobs.includes('baseline')) baseline = await parseBaseline(o.baseline, rowShape, h, w);
    const latentDim = prepared.subject.latent?.z.shape[1];
    const dims = o.dims !== undefined && latentDim !== undefined && method.knobs.includes('dims') ? parseDims(o.dims, latentDim) : undefined;
    const seed = o.seed ?? 0;
    io.progress.start(method.name, 1);
    const t1 = performance.now();
    let result: MethodResult;
    try {
      result = await method.run(
        prepared.subject,
        prepared.x,
        flagSettings(o, { target: prepared.target, baseline, segments, dims, seed, onProgress: (done, total) => io.progress.update(done, total) }),
      );
    } finally {
      io.progress.stop();
    }
    const explainMs = since(t1);
    attributions = result.attribution.attributions;
    delta = result.attribution.delta ?? null;
    const { values, deltaValues } = await attributionValues(attributions, delta, method.name);
    const shape = attributions.shape.slice();

    const base = fromGray(prepared.image, [h, w]);
    const big = (im: RGBAImage) => (scale === 1 ? im : scaleImage(im, scale));
    const pictures: Record<string, RGBAImage> = { 'input.png': big(base) };
    let svg: string | null = null;
    let heatmapInfo: Record<string, unknown> | null = null;
    const mode = method.signed ? 'signed' : 'abs';
    switch (method.output) {
      case 'pixels': {
        // The heatmap alone, and over the explained image (zero attributions transparent).
        const pixels = perPixel(values, h, w);
        const { image: heat, scale: heatScale } = heatmap(pixels, [h, w], { mode });
        const { image: heatFaded } = heatmap(pixels, [h, w], { mode, opacity: 'magnitude' });
        pictures['heatmap.png'] = big(heat);
        pictures['overlay.png'] = big(overlay(base, heatFaded, { alpha: 0.8 }));
        heatmapInfo = { mode, min: heatScale.min, max: heatScale.max, colormap: heatScale.colormap, scale };
        break;
      }
      case 'latent': {
        // One bar per latent dimension (the 20 largest |values|).
        const labels = Array.from({ length: values.length }, (_, k) => `z${k}`);
        svg = barChart(values, { labels, maxFeatures: 20, title: `${method.name}: ${prepared.explains}`, xLabel: method.name === 'latent-sensitivity' ? 'mean |change| per pixel' : 'attribution' });
        break;
      }
      case 'jacobian': {
        // One signed heatmap per drawn dimension, on one shared colour scale.
        const d = shape[1]!;
        const drawn = dims ?? defaultDims(d);
        const size = values.length / d;
        const maps = drawn.map((k) => perPixel(values.subarray(k * size, (k + 1) * size), h, w));
        const all = new Float32Array(maps.length * h * w);
        maps.forEach((m, i) => all.set(m, i * h * w));
        const bound = percentile(Float32Array.from(all, Math.abs), 99);
        const clip = bound > 0 ? { clip: { value: bound } } : {};
        const cell = Math.min(scale, 4);
        const cells = maps.map((m) => scaleImage(heatmap(m, [h, w], { mode: 'signed', ...clip }).image, cell));
        pictures['jacobian.png'] = grid(cells, { columns: Math.min(8, cells.length), labels: drawn.map((k) => `z${k}`) });
        heatmapInfo = { mode: 'signed', min: -bound, max: bound, colormap: 'RdBu_r', scale: cell, dims: drawn };
        break;
      }
      case 'traversal': {
        // Rows: the dimensions; columns: the values each one takes.
        const [nd, nv] = [shape[0]!, shape[1]!];
        const size = values.length / (nd * nv);
        const cell = Math.min(scale, 4);
        const cells: RGBAImage[] = [];
        for (let r = 0; r < nd * nv; r++) cells.push(scaleImage(fromGray(perPixel(values.subarray(r * size, (r + 1) * size), h, w).map((v) => Math.min(1, Math.max(0, v))), [h, w]), cell));
        const traversal = result.options as { dims: number[]; values: number[] };
        pictures['traversal.png'] = grid(cells, {
          columns: nv,
          rowLabels: traversal.dims.map((k) => `z${k}`),
          labels: cells.map((_, i) => (i < nv ? String(traversal.values[i]) : '')),
        });
        break;
      }
    }
    for (const [name, pixels] of Object.entries(prepared.extra)) pictures[`${name}.png`] = big(fromGray(perPixel(pixels, h, w), [h, w]));

    let sum = 0;
    for (const v of values) sum += v;
    const document = {
      format: 'glassbox-attribution',
      version: 1,
      method: method.name,
      function: method.fn,
      package: method.pkg,
      resultMethod: result.attribution.method,
      space: method.output === 'pixels' ? 'input' : 'latent',
      model: { spec: loaded.spec, kind: loaded.kind, source: loaded.source },
      input: prepared.input,
      target: prepared.target ?? null,
      explains: prepared.explains,
      prediction: prepared.prediction,
      options: { ...result.options, seed, ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}) },
      ...(result.extra ?? {}),
      shape,
      values: Array.from(values),
      sum: method.output === 'traversal' ? null : round(sum),
      delta: deltaValues,
      heatmap: heatmapInfo,
      backend: backend.backend,
      timing: { explainMs, totalMs: since(t0) },
      createdAt: new Date().toISOString(),
    };
    const written = await writeAtomically(o.out, EXPLAIN_FILES, async (tmp) => {
      await writeJson(`${tmp}/attribution.json`, document);
      for (const [name, img] of Object.entries(pictures)) await writePng(`${tmp}/${name}`, img);
      if (svg !== null) await writeFile(`${tmp}/latent.svg`, svg);
    });
    return {
      command: 'explain',
      out: written.dir,
      files: written.files,
      model: { spec: loaded.spec, kind: loaded.kind, source: loaded.source },
      method: method.name,
      input: spec.text,
      target: prepared.target ?? null,
      explains: prepared.explains,
      shape,
      backend: backend.backend,
      timing: { explainMs, totalMs: since(t0) },
    };
  } finally {
    if (attributions !== null) attributions.dispose();
    if (delta !== null) delta.dispose();
    if (baseline !== undefined && typeof baseline.value !== 'number') baseline.value.dispose();
    if (prepared !== null) prepared.dispose();
    loaded.dispose();
  }
}

/** The human-readable lines of a summary. */
export function formatExplain(s: ExplainSummary): string {
  return [
    `model:   ${s.model.spec} (${s.model.kind}, ${s.model.source}) on ${s.backend}`,
    `input:   ${s.input}`,
    `method:  ${s.method} explaining the ${s.explains}`,
    `time:    ${s.timing.explainMs.toFixed(0)} ms (total ${s.timing.totalMs.toFixed(0)} ms)`,
    `wrote:   ${s.files.map((f) => `${s.out}/${f}`).join(', ')}`,
  ].join('\n') + '\n';
}
