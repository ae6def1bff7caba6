// Loading the models (pretrained, or untrained with a note) and running one on the input.
import { GlassboxError, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { createCnn, loadPretrained as loadClassifier } from '@glassbox/models-classifier';
import type { Classifier } from '@glassbox/models-classifier';
import { autoencoder, loadPretrained as loadLatentModel, vae } from '@glassbox/models-ae-vae';
import type { Autoencoder, VAE } from '@glassbox/models-ae-vae';
import { CycleGAN, GAN, loadPretrained as loadGanModel } from '@glassbox/models-gan';
import { modelEntry } from '../methods.js';
import type { ModelId } from '../methods.js';
import { PIXELS, SIZE } from '../protocol.js';
import type { InputSpec, ModelInfo, OutputData } from '../protocol.js';

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

export interface NetLike {
  layers: readonly { name: string; type: string; outputShape: readonly number[] }[];
  countParams(): number;
}

/** Layers with spatial feature maps [h, w, c] that Grad-CAM can use (not the network's last layer). */
export function spatialLayers(net: NetLike): string[] {
  return net.layers.slice(0, -1).filter((l) => l.outputShape.length === 3 && l.type !== 'reshape' && l.type !== 'dropout').map((l) => l.name);
}

export async function loadModel(id: ModelId): Promise<Loaded> {
  const entry = modelEntry(id);
  switch (id) {
    case 'digits-cnn': {
      const r = await withFallback(id, [() => loadClassifier('digits-cnn')], () => createCnn());
      const clf = r.model;
      const camLayers = clf.layers.filter((l) => l.type === 'conv2d').map((l) => l.name);
      return {
        id,
        model: clf,
        info: {
          id,
          kind: entry.kind,
          pretrained: r.pretrained,
          ...(r.note !== undefined ? { note: r.note } : {}),
          params: clf.network.countParams(),
          classes: clf.numClasses,
          camLayers,
          ...(clf.lastConvLayer !== null ? { defaultCamLayer: clf.lastConvLayer } : {}),
          layered: true,
        },
      };
    }
    case 'digits-ae':
    case 'digits-conv-ae':
    case 'digits-vae': {
      const r =
        id === 'digits-vae'
          ? await withFallback<Autoencoder | VAE>(id, [() => loadLatentModel('digits-vae')], () => vae())
          : await withFallback<Autoencoder | VAE>(id, [() => loadLatentModel(id)], () => autoencoder(id === 'digits-conv-ae' ? { variant: 'conv' } : {}));
      const m = r.model;
      const camLayers = m.kind === 'ae' ? spatialLayers(m.encoderNet) : [];
      return {
        id,
        model: m,
        info: {
          id,
          kind: m.kind,
          pretrained: r.pretrained,
          ...(r.note !== undefined ? { note: r.note } : {}),
          params: m.encoderNet.countParams() + m.decoderNet.countParams(),
          latentDim: m.latentDim,
          camLayers,
          ...(camLayers.length > 0 ? { defaultCamLayer: camLayers[camLayers.length - 1]! } : {}),
          layered: false,
        },
      };
    }
    case 'digits-gan': {
      const r = await withFallback(id, [() => loadGanModel('digits-gan', ganSource('digits-gan')), () => loadGanModel('digits-gan')], () => new GAN());
      const gan = r.model;
      const camLayers = spatialLayers(gan.networks.discriminator);
      return {
        id,
        model: gan,
        info: {
          id,
          kind: 'gan',
          pretrained: r.pretrained,
          ...(r.note !== undefined ? { note: r.note } : {}),
          params: gan.networks.generator.countParams() + gan.networks.discriminator.countParams(),
          latentDim: gan.latentDim,
          ...(gan.numClasses > 0 ? { classes: gan.numClasses } : {}),
          camLayers,
          ...(camLayers.length > 0 ? { defaultCamLayer: camLayers[camLayers.length - 1]! } : {}),
          layered: false,
        },
      };
    }
    case 'digits-cyclegan': {
      const r = await withFallback(
        id,
        [() => loadGanModel('digits-cyclegan', ganSource('digits-cyclegan')), () => loadGanModel('digits-cyclegan')],
        () => new CycleGAN(),
      );
      const cg = r.model;
      const camLayers = spatialLayers(cg.networks.generatorAB);
      let params = 0;
      for (const net of Object.values(cg.networks)) params += net.countParams();
      return {
        id,
        model: cg,
        info: {
          id,
          kind: 'cyclegan',
          pretrained: r.pretrained,
          ...(r.note !== undefined ? { note: r.note } : {}),
          params,
          camLayers,
          ...(camLayers.length > 0 ? { defaultCamLayer: camLayers[camLayers.length - 1]! } : {}),
          layered: false,
        },
      };
    }
  }
}

// Inputs and outputs

export interface Prepared {
  /** The explained image [1, 28, 28, 1]. */
  x: Tensor;
  /** The latent code [1, D] (AE, VAE, GAN). */
  z?: Tensor;
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

/** Runs the model on the input: what the page shows as the output, and the tensors an explanation starts from. */
export function prepare(l: Loaded, input: InputSpec): Prepared {
  const keep: Tensor[] = [];
  const own = <T extends Tensor>(t: T): T => {
    keep.push(t);
    return t;
  };
  const done = (p: Omit<Prepared, 'dispose'>): Prepared => ({ ...p, dispose: () => tf.dispose(keep) });
  try {
    const m = l.model;
    switch (m.kind) {
      case 'classifier': {
        if (input.kind === 'latent') throw new GlassboxError('INVALID_ARGUMENT', 'the classifier takes an image');
        const x = own(imageTensor(input.pixels));
        const probs = tf.tidy(() => values(m.predictProba(x)));
        let predicted = 0;
        probs.forEach((p, i) => {
          if (p > probs[predicted]!) predicted = i;
        });
        return done({ x, output: { image: input.pixels.slice(), probs, predicted } });
      }
      case 'ae':
      case 'vae': {
        if (input.kind === 'latent') {
          const z = own(m.sampleLatent(1, input.seed));
          const x = own(m.decode(z));
          const img = values(x);
          return done({ x, z, output: { image: img, output: img.slice(), outputLabel: 'decoded sample', latent: values(z) } });
        }
        const x = own(imageTensor(input.pixels));
        const z = own(m.encode(x));
        const out = tf.tidy(() => values(m.decode(z)));
        return done({ x, z, output: { image: input.pixels.slice(), output: out, outputLabel: 'reconstruction', latent: values(z) } });
      }
      case 'gan': {
        if (input.kind !== 'latent') throw new GlassboxError('INVALID_ARGUMENT', 'the GAN takes a latent code');
        const labels = m.numClasses > 0 ? { labels: [Math.min(m.numClasses - 1, Math.max(0, input.label ?? 0))] } : {};
        const z = own(m.sampleLatent(1, input.seed, labels));
        const x = own(m.generator(z));
        // A conditional discriminator scores each class: the generated class's column.
        const d = tf.tidy(() => m.discriminator(x).dataSync()[labels.labels?.[0] ?? 0]!);
        const img = values(x);
        return done({ x, z, output: { image: img, output: img.slice(), outputLabel: 'sample', discriminator: d, latent: values(z) } });
      }
      case 'cyclegan': {
        if (input.kind === 'latent') throw new GlassboxError('INVALID_ARGUMENT', 'the CycleGAN takes an image');
        const x = own(imageTensor(input.pixels));
        const [out, cycle, d] = tf.tidy(() => {
          const y = m.translateAB(x);
          return [values(y), values(m.translateBA(y)), m.discriminatorB(y).dataSync()[0]!] as const;
        });
        return done({ x, output: { image: input.pixels.slice(), output: out, outputLabel: 'translation A→B', cycle, discriminator: d } });
      }
    }
  } catch (e) {
    tf.dispose(keep);
    throw e;
  }
}
