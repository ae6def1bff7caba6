// Loading the models (pretrained, or untrained with a note) and running one on the input.
import { GlassboxError, asForward, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { createCnn, loadPretrained as loadClassifier } from '@glassbox/models-classifier';
import type { Classifier } from '@glassbox/models-classifier';
import { autoencoder, loadPretrained as loadLatentModel, vae } from '@glassbox/models-ae-vae';
import type { Autoencoder, VAE } from '@glassbox/models-ae-vae';
import { CycleGAN, GAN, loadPretrained as loadGanModel } from '@glassbox/models-gan';
import { modelEntry } from '../methods.js';
import type { ModelId } from '../methods.js';
import { FULL_REGION, PIXELS, SIZE, regionMask } from '../protocol.js';
import type { InputSpec, ModelInfo, OutputData } from '../protocol.js';
import type { KindInputValue, PreparedInput } from '@glassbox/report';
import { adapterOf, capabilitiesOf, demoObjective } from './kind.js';

export type AnyModel = Classifier | Autoencoder | VAE | GAN | CycleGAN;
export interface Loaded {
  id: ModelId;
  model: AnyModel;
  info: ModelInfo;
}

// The GAN package resolves weights.bin next to model.json, which a bundler's hashed asset names break; these
// literal references make Vite emit both files, and `ganSource` routes the weights request to the emitted file
// (tried first; the package's own default second).
export const GAN_FILES = {
  'digits-gan': {
    model: new URL('../../node_modules/@glassbox/models-gan/weights/digits-gan/model.json', import.meta.url),
    weights: new URL('../../node_modules/@glassbox/models-gan/weights/digits-gan/weights.bin', import.meta.url),
  },
  'digits-cyclegan': {
    model: new URL('../../node_modules/@glassbox/models-gan/weights/digits-cyclegan/model.json', import.meta.url),
    weights: new URL('../../node_modules/@glassbox/models-gan/weights/digits-cyclegan/weights.bin', import.meta.url),
  },
} as const;

export function ganSource(name: keyof typeof GAN_FILES): { url: string; fetch: typeof fetch } {
  const files = GAN_FILES[name];
  const routed = ((input: RequestInfo | URL, init?: RequestInit) => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (/\/weights\.bin(?:[?#].*)?$/.test(href)) return fetch(files.weights, init);
    return fetch(input, init);
  }) as typeof fetch;
  return { url: files.model.href, fetch: routed };
}

export const models = new Map<ModelId, Promise<Loaded>>();

export function getModel(id: ModelId): Promise<Loaded> {
  let p = models.get(id);
  if (p === undefined) {
    p = loadModel(id);
    models.set(id, p);
    p.catch(() => models.delete(id));
  }
  return p;
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Loads the pretrained model; when its files are missing or bad, an untrained one of the same design (with a note). */
export async function withFallback<T>(id: ModelId, loaders: (() => Promise<T>)[], untrained: () => T): Promise<{ model: T; pretrained: boolean; note?: string }> {
  let reason = '';
  for (const load of loaders) {
    try {
      return { model: await load(), pretrained: true };
    } catch (e) {
      reason = message(e);
      console.warn(`[demo] ${id}: ${reason}`);
    }
  }
  const short = reason.length > 160 ? `${reason.slice(0, 157)}...` : reason;
  return { model: untrained(), pretrained: false, note: `No pretrained weights for '${id}' (${short}): showing an untrained model of the same architecture.` };
}

/** A loaded model before its info: the model, whether the pretrained weights loaded, and its size. */
interface Fetched {
  model: AnyModel;
  pretrained: boolean;
  note?: string;
  params: number;
  /** A classifier's classes, or a conditional GAN's. */
  classes?: number;
}

/** How each model of the catalogue loads (pretrained, or an untrained one of the same design). */
const LOADERS: Readonly<Record<ModelId, (id: ModelId) => Promise<Fetched>>> = {
  'digits-cnn': async (id) => {
    const r = await withFallback(id, [() => loadClassifier('digits-cnn')], () => createCnn());
    return { ...r, params: r.model.network.countParams(), classes: r.model.numClasses };
  },
  'digits-ae': (id) => latentModel(id),
  'digits-conv-ae': (id) => latentModel(id),
  'digits-vae': (id) => latentModel(id),
  'digits-gan': async (id) => {
    const r = await withFallback(id, [() => loadGanModel('digits-gan', ganSource('digits-gan')), () => loadGanModel('digits-gan')], () => new GAN());
    const gan = r.model;
    return { ...r, params: gan.networks.generator.countParams() + gan.networks.discriminator.countParams(), ...(gan.numClasses > 0 ? { classes: gan.numClasses } : {}) };
  },
  'digits-cyclegan': async (id) => {
    const r = await withFallback(id, [() => loadGanModel('digits-cyclegan', ganSource('digits-cyclegan')), () => loadGanModel('digits-cyclegan')], () => new CycleGAN());
    let params = 0;
    for (const net of Object.values(r.model.networks)) params += net.countParams();
    return { ...r, params };
  },
};

async function latentModel(id: ModelId): Promise<Fetched> {
  const r =
    id === 'digits-vae'
      ? await withFallback<Autoencoder | VAE>(id, [() => loadLatentModel('digits-vae')], () => vae())
      : await withFallback<Autoencoder | VAE>(id, [() => loadLatentModel(id as 'digits-ae' | 'digits-conv-ae')], () => autoencoder(id === 'digits-conv-ae' ? { variant: 'conv' } : {}));
  return { ...r, params: r.model.encoderNet.countParams() + r.model.decoderNet.countParams() };
}

/** Loads a model of the catalogue; its info (Grad-CAM layers, layer-by-layer network, code) comes from its kind's adapter. */
export async function loadModel(id: ModelId): Promise<Loaded> {
  modelEntry(id);
  const f = await LOADERS[id](id);
  const loaded = { model: f.model };
  const a = adapterOf(loaded);
  const code = a.code(f.model);
  return {
    id,
    model: f.model,
    info: {
      id,
      kind: f.model.kind,
      pretrained: f.pretrained,
      ...(f.note !== undefined ? { note: f.note } : {}),
      params: f.params,
      ...(code !== undefined ? { latentDim: code.dim } : {}),
      ...(f.classes !== undefined ? { classes: f.classes } : {}),
      ...capabilitiesOf(loaded),
      objectives: [...a.objectives],
      objective: demoObjective(a),
      conditional: a.classInput && (code?.classes ?? 0) > 0,
      randomizable: a.explained(f.model, a.objectives[0]!, { mask: regionMask(FULL_REGION) }).randomizable !== undefined,
      imageOutput: a.imageOutput !== undefined || code !== undefined,
    },
  };
}

// Inputs and outputs

export interface Prepared {
  /** The explained image [1, 28, 28, 1]. */
  x: Tensor;
  /** The latent code [1, D] (AE, VAE, GAN; a conditional GAN's one-hot class at its end). */
  z?: Tensor;
  /** A conditional GAN's class (null otherwise). */
  class?: number | null;
  output: OutputData;
  dispose(): void;
}

export function imageTensor(pixels: Float32Array): Tensor {
  if (pixels.length !== PIXELS) throw new GlassboxError('SHAPE_MISMATCH', `input: expected ${PIXELS} pixels, got ${pixels.length}`);
  return tf.tensor4d(pixels, [1, SIZE, SIZE, 1]);
}

export function values(t: Tensor): Float32Array {
  return Float32Array.from(t.dataSync());
}

/** How the page names the model's image output (see the adapters' imageOutput), and an image made from a code. */
const OUTPUT_LABELS: Readonly<Record<string, string>> = { reconstruction: 'reconstruction', translation: 'translation A→B' };

/**
 * Runs the model on the input through its kind's adapter: what the page shows as the output, and the tensors an
 * explanation starts from. A latent input is a code drawn from the model's prior (a conditional GAN's class,
 * from the page, stays in the code so that the latent panel shows it).
 */
export function prepare(l: Loaded, input: InputSpec): Prepared {
  const a = adapterOf(l);
  const m = l.model;
  const code = a.code(m);
  const classes = code?.classes ?? 0;
  const made: Tensor[] = [];
  const own = <T extends Tensor>(t: T): T => {
    made.push(t);
    return t;
  };
  let p: PreparedInput | null = null;
  try {
    const value: KindInputValue =
      input.kind === 'latent'
        ? { type: 'sample', seed: input.seed, class: classes > 0 ? Math.min(classes - 1, Math.max(0, input.label ?? 0)) : null }
        : { type: 'image', x: own(imageTensor(input.pixels)) };
    p = a.prepare(m, value, { classInCode: true });
    const x = p.x;
    const z = p.latent?.z;
    const cls = p.latent?.class ?? null;
    const fromCode = input.kind === 'latent';
    const output: OutputData = { image: fromCode ? values(x) : input.pixels.slice() };
    tf.tidy(() => {
      if (a.objectives[0] === 'logits') {
        // A classifier: its class probabilities and the predicted class.
        const probs = values(tf.softmax(tf.reshape(asForward(a.explained(m, 'logits').f)(x), [1, -1])));
        let predicted = 0;
        probs.forEach((q, i) => {
          if (q > probs[predicted]!) predicted = i;
        });
        output.probs = probs;
        output.predicted = predicted;
        return;
      }
      // The image output: a reconstruction or translation of an image; the image itself when it was made from a code.
      const y = fromCode ? x : a.outputOf(m, x);
      if (y !== undefined) {
        output.output = values(y);
        output.outputLabel = fromCode ? (a.inputs[0] === 'latent' ? 'sample' : 'decoded sample') : OUTPUT_LABELS[a.imageOutput!.name]!;
        const back = a.backOf(m, y);
        if (back !== undefined) output.cycle = values(back);
        // A discriminator's realness of it (a conditional one: the generated class's column).
        const critic = a.criticOf(m, y);
        if (critic !== undefined) {
          output.discriminator = critic.dataSync()[cls ?? 0]!;
          output.discriminatorLabel = a.criticLabel ?? 'D';
        }
      }
      if (z !== undefined) output.latent = values(z);
    });
    const kept = p;
    return { x, ...(z !== undefined ? { z } : {}), class: cls, output, dispose: () => (kept.dispose(), tf.dispose(made)) };
  } catch (e) {
    p?.dispose();
    tf.dispose(made);
    throw e;
  }
}
