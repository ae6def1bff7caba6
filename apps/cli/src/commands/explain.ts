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
 *   input (digits, .png, .json image) is scored as is. `--target` is the discriminator column (only a
 *   conditional GAN has more than one; default: the one with the highest logit).
 * - cyclegan: the mean intensity of the centre region (the middle half of each side, 14x14 for digits) of
 *   the translation translateAB(x), w.r.t. the input pixels (outputRegion). No `--target`.
 */
import type { Tensor } from '@glassbox/tensors-ops';
import { outputRegion, tf } from '@glassbox/tensors-ops';
import { fromGray, heatmap, overlay, scaleImage, type RGBAImage } from '@glassbox/viz';
import { failure, usageError } from '../errors.js';
import { loadImages, loadLatentJson, parseInputSpec, readJsonNumbers, type InputSpec } from '../inputs.js';
import { checkMethodApplies, resolveMethod, type MethodEntry, type MethodKnob, type Subject } from '../methods.js';
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
  /** Enlargement of the PNGs (nearest neighbour), default 8: 28x28 -> 224x224. */
  scale?: number;
  backend?: string;
}

/** The files explain writes (an existing --out holding only these is replaced). */
export const EXPLAIN_FILES = ['attribution.json', 'heatmap.png', 'overlay.png', 'input.png', 'translation.png'] as const;

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

/** Reads the input and builds what the method explains, for each kind of model. */
async function prepare(loaded: LoadedModel, spec: InputSpec, o: ExplainCommandOptions): Promise<Prepared> {
  const { height: h, width: w, rowShape } = imageGeometry(loaded);
  const imageShape: [number, number] = [h, w];
  const toRow = (values: Float32Array) => tf.tensor(values, [1, ...rowShape]);
  const readRow = async (t: Tensor) => Float32Array.from(await t.data());

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
      const subject: Subject = { kind: 'classifier', f: (t: Tensor) => m.predict(t), layered: m.network, rowShape, imageShape };
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
      const img = await oneImage(spec, h, w);
      const x = toRow(img.values);
      const muT = m.encoder(x);
      const mu = Array.from(await muT.data());
      muT.dispose();
      checkTarget(o.target, mu.length, `the ${loaded.kind === 'vae' ? 'VAE' : 'autoencoder'} has ${mu.length} latent dimensions`);
      const target = o.target ?? argmax(mu, true);
      const recT = m.reconstruct(x);
      const reconstruction = await readRow(recT);
      recT.dispose();
      let mse = 0;
      for (let i = 0; i < reconstruction.length; i++) mse += (reconstruction[i]! - img.values[i]!) ** 2;
      mse /= reconstruction.length;
      return {
        subject: { kind: loaded.kind, f: m.encoder, layered: m.encoderNet, rowShape, imageShape },
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
      let image: Float32Array;
      let latent: number[] | null = null;
      let source: string;
      let label: number | null = null;
      const dim = m.inputDim;
      let z: Tensor | null = null;
      if (spec.type === 'random') {
        z = m.sampleLatent(1, spec.seed);
        source = `z ~ N(0, I) from seed ${spec.seed}`;
      } else if (spec.type === 'json' && (await readJsonNumbers(spec.path)).values.length === dim) {
        z = tf.tensor2d(await loadLatentJson(spec.path, dim), [1, dim]);
        source = `latent code from ${spec.path}`;
      } else {
        const img = await oneImage(spec, h, w);
        image = img.values;
        source = img.source;
        label = img.label;
      }
      if (z !== null) {
        latent = Array.from(await z.data()).map((v) => round(v));
        const g = m.generator(z);
        image = await readRow(g);
        tf.dispose([g, z]);
      }
      const x = toRow(image!);
      const scoresT = m.discriminator(x);
      const scores = Array.from(await scoresT.data());
      scoresT.dispose();
      checkTarget(o.target, scores.length, `the discriminator has ${scores.length} output${scores.length === 1 ? '' : 's'}`);
      const target = o.target ?? (scores.length === 1 ? 0 : argmax(scores));
      return {
        subject: { kind: 'gan', f: m.discriminator, rowShape, imageShape },
        x,
        image: image!,
        target,
        explains: `discriminator logit${scores.length > 1 ? ` of class ${target}` : ''} on the ${latent !== null ? 'generated' : 'given'} image (${round(scores[target]!, 4)}; higher = more real), w.r.t. its pixels`,
        prediction: { discriminatorLogits: scores.map((v) => round(v)), latent },
        input: { spec: spec.text, source, label, generated: latent !== null },
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
      const size = rowShape.reduce((a, b) => a * b, 1);
      const channels = size / (h * w);
      const mask = new Float32Array(size);
      const [r0, r1, c0, c1] = [Math.floor(h / 4), Math.ceil((3 * h) / 4), Math.floor(w / 4), Math.ceil((3 * w) / 4)];
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) mask.fill(1, (r * w + c) * channels, (r * w + c + 1) * channels);
      const f = outputRegion(m.translateAB, mask, 'mean');
      const scoreT = f(x);
      const score = (await scoreT.data())[0]!;
      scoreT.dispose();
      const trT = m.translateAB(x);
      const translation = await readRow(trT);
      trT.dispose();
      return {
        subject: { kind: 'cyclegan', f, rowShape, imageShape },
        x,
        image: img.values,
        target: undefined,
        explains: `mean intensity of the centre region (rows ${r0}..${r1 - 1}, columns ${c0}..${c1 - 1}) of the translation A -> B (${round(score, 4)}), w.r.t. the input pixels`,
        prediction: { regionScore: round(score), region: { rows: [r0, r1 - 1], columns: [c0, c1 - 1] } },
        input: { spec: spec.text, source: img.source, label: img.label },
        extra: { translation },
      };
    }
  }
}

/** Warns about options the method does not read. */
function warnUnused(method: MethodEntry, o: ExplainCommandOptions, io: CliIo): void {
  const knobs: MethodKnob[] = ['steps', 'samples', 'window', 'stride', 'cells'];
  for (const k of knobs) {
    if (o[k] !== undefined && !method.knobs.includes(k)) io.err(`glassbox explain: warning: --${k} does not apply to ${method.name}; ignored\n`);
  }
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
  await checkOutDir(o.out, EXPLAIN_FILES);
  warnUnused(method, o, io);

  const backend = await setupBackend(o.backend, io);
  const loaded = await loadModel(o.model);
  let prepared: Prepared | null = null;
  let attributions: Tensor | null = null;
  let delta: Tensor | null = null;
  try {
    checkMethodApplies(method, loaded.kind);
    if (spec.type === 'random' && loaded.kind !== 'gan') {
      throw usageError(`input '${spec.text}' is a latent code; it only applies to a gan (use an image: digits:test:0, a .png or a .json)`);
    }
    prepared = await prepare(loaded, spec, o);
    const seed = o.seed ?? 0;
    io.progress.start(method.name, 1);
    const t1 = performance.now();
    let result: Awaited<ReturnType<MethodEntry['run']>>;
    try {
      result = await method.run(prepared.subject, prepared.x, {
        ...(prepared.target !== undefined ? { target: prepared.target } : {}),
        ...(o.steps !== undefined ? { steps: o.steps } : {}),
        ...(o.samples !== undefined ? { samples: o.samples } : {}),
        ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
        ...(o.window !== undefined ? { window: o.window } : {}),
        ...(o.stride !== undefined ? { stride: o.stride } : {}),
        ...(o.cells !== undefined ? { cells: o.cells } : {}),
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
    const { height: h, width: w } = { height: prepared.subject.imageShape[0], width: prepared.subject.imageShape[1] };

    // Pictures: the heatmap alone, and over the explained image (zero attributions transparent).
    const pixels = perPixel(values, h, w);
    const mode = method.signed ? 'signed' : 'abs';
    const { image: heat, scale: heatScale } = heatmap(pixels, [h, w], { mode });
    const { image: heatFaded } = heatmap(pixels, [h, w], { mode, opacity: 'magnitude' });
    const base = fromGray(prepared.image, [h, w]);
    const big = (im: RGBAImage) => (scale === 1 ? im : scaleImage(im, scale));
    const pictures: Record<string, RGBAImage> = {
      'heatmap.png': big(heat),
      'overlay.png': big(overlay(base, heatFaded, { alpha: 0.8 })),
      'input.png': big(base),
    };
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
      model: { spec: loaded.spec, kind: loaded.kind, source: loaded.source },
      input: prepared.input,
      target: prepared.target ?? null,
      explains: prepared.explains,
      prediction: prepared.prediction,
      options: { ...result.options, seed, ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}) },
      shape,
      values: Array.from(values),
      sum: round(sum),
      delta: deltaValues,
      heatmap: { mode, min: heatScale.min, max: heatScale.max, colormap: heatScale.colormap, scale },
      backend: backend.backend,
      timing: { explainMs, totalMs: since(t0) },
      createdAt: new Date().toISOString(),
    };
    const written = await writeAtomically(o.out, EXPLAIN_FILES, async (tmp) => {
      await writeJson(`${tmp}/attribution.json`, document);
      for (const [name, img] of Object.entries(pictures)) await writePng(`${tmp}/${name}`, img);
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
    if (prepared !== null) prepared.x.dispose();
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
