/**
 * `glassbox explain`: one input, one model, one method -> attribution.json, heatmap.png, overlay.png (and
 * input.png; translation.png for a CycleGAN).
 *
 * What is explained, per model kind:
 * - classifier: the logit of class `--target` (default: the predicted class), w.r.t. the input pixels.
 * - ae / vae: the encoder's latent dimension `--target` (for a VAE the mean mu of q(z|x); default: the
 *   dimension with the largest |mu| for this input), w.r.t. the input pixels: which pixels drive that code.
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
import { imageGeometry, loadModel, parseModelSpec, type LoadedModel } from '../models.js';
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
  backend?: string;
}

/** The files explain writes (an existing --out holding only these is replaced). */
export const EXPLAIN_FILES = ['attribution.json', 'heatmap.png', 'overlay.png', 'input.png', 'translation.png', 'latent.svg', 'jacobian.png', 'traversal.png'] as const;

export interface ExplainSummary {
  command: 'explain';
  out: string;
  files: string[];
  model: { spec: string; kind: string; source: string };
  method: string;
  input: string;
  target: number | null;
  explains: string;
  shape: number[];
  backend: string;
  timing: { explainMs: number; totalMs: number };
}

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
  /** Extra pictures (name -> grey pixels). */
  extra: Record<string, Float32Array>;
  /** Tensors to dispose with x (e.g. the latent code). */
  owned?: Tensor[];
}

function argmax(values: ArrayLike<number>, abs = false): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    const a = abs ? Math.abs(values[i]!) : values[i]!;
    const b = abs ? Math.abs(values[best]!) : values[best]!;
    if (a > b) best = i;
  }
  return best;
}

function checkTarget(target: number | undefined, count: number, what: string): void {
  if (target === undefined) return;
  if (!Number.isInteger(target) || target < 0 || target >= count) {
    throw usageError(`--target ${target} is out of range: ${what} (0..${count - 1})`);
  }
}

function round(v: number, digits = 6): number {
  return Number(v.toPrecision(digits));
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

/** Reads the input and builds what the method explains, for each kind of model. */
async function prepare(loaded: LoadedModel, spec: InputSpec, o: ExplainCommandOptions, method: MethodEntry): Promise<Prepared> {
  const { height: h, width: w, rowShape } = imageGeometry(loaded);
  const imageShape: [number, number] = [h, w];
  const toRow = (values: Float32Array) => tf.tensor(values, [1, ...rowShape]);
  const readRow = async (t: Tensor) => Float32Array.from(await t.data());
  const latentMethod = method.output !== 'pixels';
  if (latentMethod && o.target !== undefined) {
    throw usageError(`--target does not apply to ${method.name}: it explains the decoded image as a function of the latent code${loaded.kind === 'gan' ? ' (use --class to choose the generated class)' : ''}`);
  }
  if (o.class !== undefined && loaded.kind !== 'gan') throw usageError(`--class applies to a conditional GAN; this model is ${/^[aeiou]/.test(loaded.kind) ? 'an' : 'a'} ${loaded.kind}`);

  switch (loaded.kind) {
    case 'classifier': {
      const m = loaded.model;
      const img = await oneImage(spec, h, w);
      const x = toRow(img.values);
      const logitsT = m.predict(x);
      const logits = Array.from(await logitsT.data());
      logitsT.dispose();
      const max = Math.max(...logits);
      const exps = logits.map((v) => Math.exp(v - max));
      const total = exps.reduce((a, b) => a + b, 0);
      const probabilities = exps.map((v) => round(v / total));
      const predicted = argmax(logits);
      checkTarget(o.target, logits.length, `the classifier has ${logits.length} classes`);
      const target = o.target ?? predicted;
      const subject: Subject = { kind: 'classifier', f: KIND_ADAPTERS.classifier.score(m), layered: m.network, rowShape, imageShape, image: img.values };
      if (m.lastConvLayer !== null) subject.cam = { model: m, layer: m.lastConvLayer };
      return {
        subject,
        x,
        image: img.values,
        target,
        explains: `logit of class ${target}${target === predicted ? ' (the predicted class)' : ` (predicted: ${predicted})`}`,
        prediction: { logits: logits.map((v) => round(v)), probabilities, predicted, label: img.label },
        input: { spec: spec.text, source: img.source, label: img.label },
        extra: {},
      };
    }
    case 'ae':
    case 'vae': {
      const m = loaded.model;
      const what = loaded.kind === 'vae' ? 'VAE' : 'autoencoder';
      if (latentMethod) {
        // The code: the encoder's (mean) code of an image input, a draw from the model, or a .json code.
        const code = await latentInput(spec, m.latentDim, 0);
        let z: Tensor;
        let source: string;
        let label: number | null = null;
        let image: Float32Array;
        if (code === 'random') {
          z = m.sampleLatent(1, (spec as { seed: number }).seed);
          source = `a code drawn by ${what}.sampleLatent from seed ${(spec as { seed: number }).seed}`;
        } else if (code !== null) {
          z = tf.tensor2d(code.values, [1, m.latentDim]);
          source = `latent code from ${(spec as { path: string }).path}`;
        } else {
          if (spec.type === 'json') {
            const n = (await readJsonNumbers(spec.path)).values.length;
            if (n !== h * w) throw usageError(`${spec.path} holds ${n} numbers; expected an image (${h * w}) or a latent code of this ${what} (${m.latentDim})`);
          }
          const img = await oneImage(spec, h, w);
          const xi = toRow(img.values);
          z = m.encoder(xi);
          xi.dispose();
          source = `${img.source}, encoded (${loaded.kind === 'vae' ? 'the mean mu of q(z|x)' : 'the code'})`;
          label = img.label;
        }
        try {
          const decoded = m.decoder(z);
          image = await readRow(decoded);
          decoded.dispose();
        } catch (e) {
          z.dispose();
          throw e;
        }
        const latent = Array.from(await z.data()).map((v) => round(v));
        const region = centreRegion(rowShape, h, w);
        return {
          subject: { kind: loaded.kind, f: m.encoder, rowShape, imageShape, image, latent: { decoder: KIND_ADAPTERS[loaded.kind].decoder(m)!, z, mask: region.mask } },
          x: toRow(image),
          image,
          target: undefined,
          explains: latentExplains(method, `the ${what}'s decoded image`, region),
          prediction: { latent },
          input: { spec: spec.text, source, label },
          extra: {},
          owned: [z],
        };
      }
      if (spec.type === 'random') throw usageError(`input '${spec.text}' is a latent code; for ${/^[aeiou]/.test(loaded.kind) ? 'an' : 'a'} ${loaded.kind} it only applies to the latent methods (latent-attribution, latent-jacobian, latent-traversal, latent-sensitivity)`);
      const img = await oneImage(spec, h, w);
      const x = toRow(img.values);
      const muT = m.encoder(x);
      const mu = Array.from(await muT.data());
      muT.dispose();
      checkTarget(o.target, mu.length, `the ${what} has ${mu.length} latent dimensions`);
      const target = o.target ?? argmax(mu, true);
      const recT = m.reconstruct(x);
      const reconstruction = await readRow(recT);
      recT.dispose();
      let mse = 0;
      for (let i = 0; i < reconstruction.length; i++) mse += (reconstruction[i]! - img.values[i]!) ** 2;
      mse /= reconstruction.length;
      return {
        subject: { kind: loaded.kind, f: m.encoder, layered: m.encoderNet, rowShape, imageShape, image: img.values },
        x,
        image: img.values,
        target,
        explains: `${loaded.kind === 'vae' ? 'mean (mu) of ' : ''}latent dimension ${target} of the encoder (value ${round(mu[target]!, 4)}${
          o.target === undefined ? ', the largest |value| for this input' : ''
        })`,
        prediction: { latent: mu.map((v) => round(v)), reconstructionMse: round(mse) },
        input: { spec: spec.text, source: img.source, label: img.label },
        extra: { reconstruction },
      };
    }
    case 'gan': {
      const m = loaded.model;
      const d = m.latentDim;
      const k = m.numClasses;
      if (o.class !== undefined) {
        if (k === 0) throw usageError(`--class applies to a conditional GAN; this GAN is unconditional (its generator reads ${d} latent dimensions and no class)`);
        if (o.class >= k) throw usageError(`--class ${o.class} is out of range: the GAN has ${k} classes (0..${k - 1})`);
      }
      // The generator's input: z (d numbers), then for a conditional GAN the one-hot class.
      let zPart: Float32Array | null = null;
      let cls: number | null = null;
      let source: string;
      let label: number | null = null;
      let image: Float32Array;
      const code = await latentInput(spec, d, k);
      if (code === 'random') {
        const seed = (spec as { seed: number }).seed;
        cls = k > 0 ? (o.class ?? 0) : null;
        const all = m.sampleLatent(1, seed, cls !== null ? { labels: [cls] } : {});
        zPart = Float32Array.from(await all.data()).slice(0, d);
        all.dispose();
        source = `z ~ N(0, I) from seed ${seed}${cls !== null ? `, class ${cls}${o.class === undefined ? ' (the default; choose with --class)' : ''}` : ''}`;
      } else if (code !== null) {
        if (k > 0 && code.cls !== null && o.class !== undefined && o.class !== code.cls) {
          throw usageError(`--class ${o.class} contradicts the one-hot class ${code.cls} at the end of ${(spec as { path: string }).path} (give ${d} numbers to choose the class with --class)`);
        }
        zPart = code.values;
        cls = k > 0 ? (code.cls ?? o.class ?? 0) : null;
        source = `latent code from ${(spec as { path: string }).path}${cls !== null ? `, class ${cls}` : ''}`;
      } else {
        if (latentMethod) throw usageError(`${method.name} explains the generator: --input must be random:SEED or a .json latent code of ${d}${k > 0 ? ` (or ${d + k} with the one-hot class)` : ''} numbers`);
        const img = await oneImage(spec, h, w);
        image = img.values;
        source = img.source;
        label = img.label;
      }
      const oneHot = cls !== null ? Float32Array.from({ length: k }, (_, j) => (j === cls ? 1 : 0)) : null;
      // The generator with the class fixed: z [N, d] -> images.
      const decoder = (zz: Tensor): Tensor =>
        oneHot === null ? m.generator(zz) : tf.tidy(() => m.generator(tf.concat([zz, tf.tile(tf.tensor2d(oneHot, [1, k]), [zz.shape[0]!, 1])], 1)));
      let z: Tensor | null = null;
      if (zPart !== null) {
        z = tf.tensor2d(zPart, [1, d]);
        const g = decoder(z);
        image = await readRow(g);
        g.dispose();
      }
      const latent = zPart === null ? null : [...Array.from(zPart), ...(oneHot ?? [])].map((v) => round(v));
      const x = toRow(image!);
      const scoresT = m.discriminator(x);
      const scores = Array.from(await scoresT.data());
      scoresT.dispose();
      if (latentMethod) {
        const region = centreRegion(rowShape, h, w);
        return {
          subject: { kind: 'gan', f: KIND_ADAPTERS.gan.score(m), rowShape, imageShape, image: image!, latent: { decoder, z: z!, mask: region.mask } },
          x,
          image: image!,
          target: undefined,
          explains: latentExplains(method, `the generated image${cls !== null ? ` (class ${cls})` : ''}`, region),
          prediction: { discriminatorLogits: scores.map((v) => round(v)), latent, class: cls },
          input: { spec: spec.text, source, label, generated: true, class: cls },
          extra: {},
          owned: [z!],
        };
      }
      z?.dispose();
      checkTarget(o.target, scores.length, `the discriminator has ${scores.length} output${scores.length === 1 ? '' : 's'}`);
      // Default column: one output -> 0; a conditional GAN -> the generated (or given) class, else the image's
      // label, else the column with the highest logit.
      const target = o.target ?? (scores.length === 1 ? 0 : (cls ?? o.class ?? label ?? argmax(scores)));
      const why =
        scores.length === 1 || o.target !== undefined
          ? ''
          : cls !== null
            ? ` (the generated class${o.class === undefined ? ', --class 0 by default' : ''})`
            : o.class !== undefined
              ? ' (--class)'
              : label !== null
                ? " (the digit's label)"
                : ' (the highest logit)';
      return {
        subject: { kind: 'gan', f: KIND_ADAPTERS.gan.score(m), rowShape, imageShape, image: image! },
        x,
        image: image!,
        target,
        explains: `discriminator logit${scores.length > 1 ? ` of class ${target}${why}` : ''} on the ${latent !== null ? `image generated${cls !== null ? ` for class ${cls}` : ''}` : 'given image'} (${round(scores[target]!, 4)}; higher = more real), w.r.t. its pixels`,
        prediction: { discriminatorLogits: scores.map((v) => round(v)), latent, class: cls },
        input: { spec: spec.text, source, label, generated: latent !== null, class: cls },
        extra: {},
      };
    }
    case 'cyclegan': {
      const m = loaded.model;
      if (o.target !== undefined) {
        throw usageError(`--target does not apply to a cyclegan: explain scores the mean of the centre region of the translation (one number)`);
      }
      const img = await oneImage(spec, h, w);
      const x = toRow(img.values);
      const region = centreRegion(rowShape, h, w);
      const f = asForward(KIND_ADAPTERS.cyclegan.score(m, region.mask));
      const scoreT = f(x);
      const score = (await scoreT.data())[0]!;
      scoreT.dispose();
      const trT = m.translateAB(x);
      const translation = await readRow(trT);
      trT.dispose();
      return {
        subject: { kind: 'cyclegan', f, rowShape, imageShape, image: img.values },
        x,
        image: img.values,
        target: undefined,
        explains: `mean intensity of the centre region (rows ${region.rows[0]}..${region.rows[1]}, columns ${region.columns[0]}..${region.columns[1]}) of the translation A -> B (${round(score, 4)}), w.r.t. the input pixels`,
        prediction: { regionScore: round(score), region: { rows: region.rows, columns: region.columns } },
        input: { spec: spec.text, source: img.source, label: img.label },
        extra: { translation },
      };
    }
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
    if (spec.type === 'random' && loaded.kind !== 'gan' && method.output === 'pixels') {
      throw usageError(`input '${spec.text}' is a latent code; it only applies to a gan (and to the latent methods of an ae or vae); use an image: digits:test:0, a .png or a .json`);
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
      result = await method.run(prepared.subject, prepared.x, {
        ...(prepared.target !== undefined ? { target: prepared.target } : {}),
        ...(o.steps !== undefined ? { steps: o.steps } : {}),
        ...(o.samples !== undefined ? { samples: o.samples } : {}),
        ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
        ...(o.window !== undefined ? { window: o.window } : {}),
        ...(o.stride !== undefined ? { stride: o.stride } : {}),
        ...(o.cells !== undefined ? { cells: o.cells } : {}),
        ...(baseline !== undefined ? { baseline } : {}),
        ...(o.rule !== undefined ? { rule: o.rule } : {}),
        ...(o.noise !== undefined ? { noise: o.noise } : {}),
        ...(o.stdev !== undefined ? { stdev: o.stdev } : {}),
        ...(segments !== undefined ? { segments } : {}),
        ...(dims !== undefined ? { dims } : {}),
        seed,
        onProgress: (done, total) => io.progress.update(done, total),
      });
    } finally {
      io.progress.stop();
    }
    const explainMs = since(t1);
    attributions = result.attribution.attributions;
    delta = result.attribution.delta ?? null;
    const values = Float32Array.from(await attributions.data());
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) throw failure(`${method.name} returned a non-finite attribution (${values[i]}) at flat index ${i}; the model's gradients or outputs are not finite`);
    }
    const deltaValues = delta === null ? null : Array.from(await delta.data()).map((v) => round(v));
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
    if (prepared.extra.translation !== undefined) pictures['translation.png'] = big(fromGray(prepared.extra.translation, [h, w]));

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
    if (prepared !== null) tf.dispose([prepared.x, ...(prepared.owned ?? [])]);
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
