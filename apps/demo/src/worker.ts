// The demo's worker: it owns TensorFlow.js (WASM backend, SIMD, threads when cross-origin isolated), the models
// and the digits, runs every explanation and metric, and posts plain typed arrays back. The page never touches a
// tensor, so it stays responsive while an explanation runs; a 'cancel' message aborts the run's AbortSignal.
import { GlassboxError, asForward, initBackend, isGlassboxError, outputRegion, tf } from '@glassbox/tensors-ops';
import type { Attribution, Predictable, Tensor } from '@glassbox/tensors-ops';
import { loadDigitsArrays } from '@glassbox/datasets';
import {
  deepLift,
  gradCam,
  gradientShap,
  guidedBackprop,
  guidedGradCam,
  inputXGradient,
  integratedGradients,
  latentAttribution,
  latentJacobian,
  noiseTunnel,
  saliency,
} from '@glassbox/explainers-gradient';
import type { CamModel, LayeredModel } from '@glassbox/explainers-gradient';
import {
  exactShapley,
  featureAblation,
  featurePermutation,
  gridSegments,
  kernelShap,
  latentSensitivity,
  latentTraversal,
  lime,
  occlusion,
  segmentsToFeatureMask,
  shapleyValueSampling,
  surrogate,
} from '@glassbox/explainers-perturbation';
import { completeness, deletionCurve, infidelity, insertionCurve, randomizationSanityCheck, sensitivityMax, sparseness, type CurveResult } from '@glassbox/metrics';
import { explainModel, renderReport } from '@glassbox/report';
import type { ReportModel } from '@glassbox/report';
import { createCnn, loadPretrained as loadClassifier } from '@glassbox/models-classifier';
import type { Classifier } from '@glassbox/models-classifier';
import { autoencoder, loadPretrained as loadLatentModel, vae } from '@glassbox/models-ae-vae';
import type { Autoencoder, VAE } from '@glassbox/models-ae-vae';
import { CycleGAN, GAN, loadPretrained as loadGanModel } from '@glassbox/models-gan';
import { LATENT_DEFAULTS, METRIC_DEFAULTS, methodEntry, modelEntry } from './methods.js';
import type { ModelId, OptionValues } from './methods.js';
import { PIXELS, SIZE, regionMask } from './protocol.js';
import type { BackendReport, Curve, ExplainData, InputSpec, LatentData, MetricsData, ModelInfo, OutputData, Region, Reply, Request } from './protocol.js';

// ---------------------------------------------------------------------------------------------------------------
// Messaging

interface WorkerScope {
  postMessage(message: Reply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<Request>) => void) | null;
}
const scope = self as unknown as WorkerScope;

function post(message: Reply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

const running = new Map<number, AbortController>();

// Content-Security-Policy violations inside the worker are logged as errors (the end-to-end test fails on any).
self.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation in the worker: ${e.violatedDirective} blocked ${e.blockedURI}`));

scope.onmessage = (event: MessageEvent<Request>): void => {
  const req = event.data;
  if (req.type === 'cancel') {
    running.get(req.id)?.abort();
    return;
  }
  void handle(req);
};

async function handle(req: Exclude<Request, { type: 'cancel' }>): Promise<void> {
  const id = req.type === 'init' ? 0 : req.id;
  const controller = new AbortController();
  running.set(id, controller);
  try {
    switch (req.type) {
      case 'init':
        await init(req.backend, req.threads, req.breakWasm === true);
        break;
      case 'load': {
        const m = await getModel(req.model);
        post({ type: 'loaded', id, info: m.info });
        break;
      }
      case 'predict': {
        const m = await getModel(req.model);
        const p = prepare(m, req.input);
        try {
          post({ type: 'predicted', id, output: p.output });
        } finally {
          p.dispose();
        }
        break;
      }
      case 'explain': {
        const result = await explain(req, controller.signal);
        post({ type: 'explained', id, result }, transfersOf(result));
        break;
      }
      case 'latent': {
        const m = await getModel(req.model);
        const p = prepare(m, req.input);
        try {
          const progress = new Progress(id, 3);
          const latent = await latentPanel(m, p, req.region, req.steps, req.dims, progress, controller.signal);
          post({ type: 'latent', id, latent }, [latent.attributions.buffer, latent.traversal.buffer, latent.jacobian.buffer]);
        } finally {
          p.dispose();
        }
        break;
      }
      case 'report': {
        const html = await report(req.id, req.model, req.input, controller.signal);
        post({ type: 'report', id, html });
        break;
      }
    }
  } catch (e) {
    const code = isGlassboxError(e) ? e.code : undefined;
    const message = e instanceof Error ? e.message : String(e);
    if (code !== 'ABORTED') console.error(e);
    post({ type: 'error', id, ...(code !== undefined ? { code } : {}), message });
  } finally {
    running.delete(id);
  }
}

function transfersOf(r: ExplainData): Transferable[] {
  const t: Transferable[] = [r.attributions.buffer];
  if (r.segments) t.push(r.segments.buffer);
  if (r.latent) t.push(r.latent.attributions.buffer, r.latent.traversal.buffer, r.latent.jacobian.buffer);
  return t;
}

/** Posts progress as (stage, done, total) within a run of `steps` stages. */
class Progress {
  private step = -1;
  private stage = '';
  constructor(
    private readonly id: number,
    private readonly steps: number,
  ) {}
  begin(stage: string): (done: number, total: number) => void {
    this.step = Math.min(this.step + 1, this.steps - 1);
    this.stage = stage;
    const step = this.step;
    post({ type: 'progress', id: this.id, stage, done: 0, total: 1, step, steps: this.steps });
    let last = 0;
    return (done: number, total: number): void => {
      const now = performance.now();
      if (done < total && now - last < 50) return; // at most 20 messages a second
      last = now;
      post({ type: 'progress', id: this.id, stage: this.stage, done, total, step, steps: this.steps });
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Backend and data

let backend: BackendReport | null = null;
/** The first test digits (uint8, [count * 784]) and their labels: the gallery, then data for baselines and batches. */
let digits: { images: Uint8Array; labels: Int32Array; count: number } | null = null;
const GALLERY = 40;

async function init(requested: 'wasm' | 'cpu', threadsWanted: number | undefined, breakWasm: boolean): Promise<void> {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 1;
  // Threads need SharedArrayBuffer, i.e. a cross-origin isolated page (COOP + COEP headers).
  const threads = threadsWanted ?? (isolated ? Math.min(cores, 8) : 1);
  let warning: string | undefined;
  // initBackend lifts tfjs-backend-wasm's cap of hardwareConcurrency / 2 threads when more are asked for.
  const info = await initBackend({
    backend: requested,
    threads,
    // ?break-wasm: point the backend at files that do not exist, to show (and test) the cpu fallback.
    ...(breakWasm ? { wasmPaths: new URL('./no-such-wasm/', self.location.href).href } : {}),
    warn: (m: string) => {
      warning = m;
      console.warn(m);
    },
  });
  console.info(
    `[demo] backend ${info.backend}, simd ${info.simd}, threads ${info.threads} (asked ${threads}; ${cores} cores; cross-origin isolated ${isolated}; multithread support ${String(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))})`,
  );
  backend = {
    backend: info.backend,
    simd: info.simd,
    threads: info.threads,
    isolated,
    requested,
    ...(info.fallbackReason !== undefined ? { fallbackReason: info.fallbackReason } : warning !== undefined ? { fallbackReason: warning } : {}),
  };
  // 256 test digits in the split's fixed order (every digit several times): 40 for the gallery, the rest as
  // baselines (GradientSHAP) and batches (permutation, surrogate).
  const d = await loadDigitsArrays({ split: 'test', limit: 256, format: 'uint8' });
  digits = { images: d.images as Uint8Array, labels: d.labels, count: d.shape[0] };
  const gallery = { images: digits.images.slice(0, GALLERY * PIXELS), labels: digits.labels.slice(0, GALLERY), count: GALLERY };
  post({ type: 'ready', backend, gallery }, [gallery.images.buffer, gallery.labels.buffer]);
}

/** n test digits after the gallery, as float32 [n, 28, 28, 1] in 0..1 (the caller disposes). */
function dataRows(n: number): Tensor {
  if (digits === null) throw new Error('the digits are not loaded yet');
  const available = digits.count - GALLERY;
  const rows = Math.min(n, available);
  const out = new Float32Array(rows * PIXELS);
  const src = digits.images.subarray(GALLERY * PIXELS, (GALLERY + rows) * PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = src[i]! / 255;
  return tf.tensor4d(out, [rows, SIZE, SIZE, 1]);
}

// ---------------------------------------------------------------------------------------------------------------
// Models

type AnyModel = Classifier | Autoencoder | VAE | GAN | CycleGAN;
interface Loaded {
  id: ModelId;
  model: AnyModel;
  info: ModelInfo;
}

// The GAN package resolves weights.bin next to model.json, which a bundler's hashed asset names break; these
// literal references make Vite emit both files, and `ganSource` routes the weights request to the emitted file
// (tried first; the package's own default second).
const GAN_FILES = {
  'digits-gan': {
    model: new URL('../node_modules/@glassbox/models-gan/weights/digits-gan/model.json', import.meta.url),
    weights: new URL('../node_modules/@glassbox/models-gan/weights/digits-gan/weights.bin', import.meta.url),
  },
  'digits-cyclegan': {
    model: new URL('../node_modules/@glassbox/models-gan/weights/digits-cyclegan/model.json', import.meta.url),
    weights: new URL('../node_modules/@glassbox/models-gan/weights/digits-cyclegan/weights.bin', import.meta.url),
  },
} as const;

function ganSource(name: keyof typeof GAN_FILES): { url: string; fetch: typeof fetch } {
  const files = GAN_FILES[name];
  const routed = ((input: RequestInfo | URL, init?: RequestInit) => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (/\/weights\.bin(?:[?#].*)?$/.test(href)) return fetch(files.weights, init);
    return fetch(input, init);
  }) as typeof fetch;
  return { url: files.model.href, fetch: routed };
}

const models = new Map<ModelId, Promise<Loaded>>();

function getModel(id: ModelId): Promise<Loaded> {
  let p = models.get(id);
  if (p === undefined) {
    p = loadModel(id);
    models.set(id, p);
    p.catch(() => models.delete(id));
  }
  return p;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Loads the pretrained model; when its files are missing or bad, an untrained one of the same design (with a note). */
async function withFallback<T>(id: ModelId, loaders: (() => Promise<T>)[], untrained: () => T): Promise<{ model: T; pretrained: boolean; note?: string }> {
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

interface NetLike {
  layers: readonly { name: string; type: string; outputShape: readonly number[] }[];
  countParams(): number;
}

/** Layers with spatial feature maps [h, w, c] that Grad-CAM can use (not the network's last layer). */
function spatialLayers(net: NetLike): string[] {
  return net.layers.slice(0, -1).filter((l) => l.outputShape.length === 3 && l.type !== 'reshape' && l.type !== 'dropout').map((l) => l.name);
}

async function loadModel(id: ModelId): Promise<Loaded> {
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

// ---------------------------------------------------------------------------------------------------------------
// Inputs and outputs

interface Prepared {
  /** The explained image [1, 28, 28, 1]. */
  x: Tensor;
  /** The latent code [1, D] (AE, VAE, GAN). */
  z?: Tensor;
  output: OutputData;
  dispose(): void;
}

function imageTensor(pixels: Float32Array): Tensor {
  if (pixels.length !== PIXELS) throw new GlassboxError('SHAPE_MISMATCH', `input: expected ${PIXELS} pixels, got ${pixels.length}`);
  return tf.tensor4d(pixels, [1, SIZE, SIZE, 1]);
}

function values(t: Tensor): Float32Array {
  return Float32Array.from(t.dataSync());
}

/** Runs the model on the input: what the page shows as the output, and the tensors an explanation starts from. */
function prepare(l: Loaded, input: InputSpec): Prepared {
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

// ---------------------------------------------------------------------------------------------------------------
// Explanations

interface Context {
  /** The score explained: [N, 28, 28, 1] -> [N, K] (with target) or [N]. */
  f: Predictable;
  target?: number;
  /** Grad-CAM model for a layer: a Splittable with `layer`, or features/head. */
  cam?: (layer: string) => { model: CamModel; layer?: string };
  layered?: LayeredModel;
  /** A RandomizableModel whose weights the sanity check may randomize, and the score as a function of it. */
  randomizable?: Classifier['network'];
}

/** The network's range: [-1, 1] for tanh outputs, [0, 1] for sigmoid. */
function toRange(x: Tensor, act: string): Tensor {
  return act === 'tanh' ? tf.sub(tf.mul(x, 2), 1) : x;
}
function fromRange(y: Tensor, act: string): Tensor {
  return act === 'tanh' ? tf.div(tf.add(y, 1), 2) : y;
}

function contextOf(l: Loaded, region: Region, target: number | null, predicted: number | undefined, input: InputSpec): Context {
  const m = l.model;
  const mask = regionMask(region);
  switch (m.kind) {
    case 'classifier':
      return {
        f: (x: Tensor) => m.predict(x),
        target: target ?? predicted ?? 0,
        cam: (layer) => ({ model: m, layer }),
        layered: m.network,
        randomizable: m.network,
      };
    case 'ae':
    case 'vae': {
      const reconstruct = (x: Tensor): Tensor => m.predict(x);
      const regionOfCode = outputRegion(m.decoder, mask, 'mean');
      return {
        f: outputRegion(reconstruct, mask, 'mean'),
        cam: (layer) => {
          const s = m.encoderNet.split(layer);
          return { model: { features: (x: Tensor) => s.features(x), head: (a: Tensor) => regionOfCode(s.head(a)) } };
        },
      };
    }
    case 'gan': {
      const act = m.config.outputActivation;
      return {
        f: m.discriminator,
        // A conditional discriminator returns one score per class: explain the generated class's.
        ...(m.numClasses > 0 ? { target: input.kind === 'latent' ? Math.min(m.numClasses - 1, Math.max(0, input.label ?? 0)) : 0 } : {}),
        cam: (layer) => {
          const s = m.networks.discriminator.split(layer);
          return { model: { features: (x: Tensor) => tf.tidy(() => s.features(toRange(x, act))), head: (a: Tensor) => s.head(a) } };
        },
      };
    }
    case 'cyclegan': {
      const act = m.config.outputActivation;
      const score = outputRegion(m.translateAB, mask, 'mean');
      const regionOfImage = outputRegion((y: Tensor) => y, mask, 'mean');
      return {
        f: score,
        cam: (layer) => {
          const s = m.networks.generatorAB.split(layer);
          return {
            model: {
              features: (x: Tensor) => tf.tidy(() => s.features(toRange(x, act))),
              head: (a: Tensor) => tf.tidy(() => regionOfImage(fromRange(s.head(a), act))),
            },
          };
        },
      };
    }
  }
}

const num = (o: OptionValues, k: string, d: number): number => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : d);
const str = (o: OptionValues, k: string, d: string): string => (typeof o[k] === 'string' ? (o[k] as string) : d);
const bool = (o: OptionValues, k: string, d: boolean): boolean => (typeof o[k] === 'boolean' ? (o[k] as boolean) : d);

interface Common {
  target?: number;
  seed: number;
  signal: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

interface MethodResult {
  attribution: Attribution;
  segments?: Int32Array;
  extra: Record<string, number | string>;
}

function gridMask(cells: number): { mask: Int32Array; segments: Int32Array } {
  const segments = gridSegments([SIZE, SIZE, 1], { cells });
  return { mask: segmentsToFeatureMask(segments, [SIZE, SIZE, 1]), segments };
}

/** Row 0 of a batch attribution, as an Attribution of one row. */
function firstRow(a: Attribution): Attribution {
  const row = tf.slice(a.attributions, [0, 0, 0, 0], [1, SIZE, SIZE, 1]);
  tf.dispose([a.attributions, a.delta ?? []]);
  return { attributions: row, method: a.method };
}

/** Runs one explainer of the catalogue on x with the context's score. */
async function runMethod(method: string, o: OptionValues, ctx: Context, x: Tensor, c: Common): Promise<MethodResult> {
  const t = c.target !== undefined ? { target: c.target } : {};
  const common = { ...t, seed: c.seed, signal: c.signal, ...(c.onProgress ? { onProgress: c.onProgress } : {}) };
  const extra: Record<string, number | string> = {};
  switch (method) {
    case 'saliency':
      return { attribution: await saliency(ctx.f, x, { ...common, abs: bool(o, 'abs', true) }), extra };
    case 'inputXGradient':
      return { attribution: await inputXGradient(ctx.f, x, common), extra };
    case 'integratedGradients': {
      const a = await integratedGradients(ctx.f, x, { ...common, steps: num(o, 'steps', 16), method: str(o, 'method', 'gausslegendre') as 'gausslegendre' });
      return { attribution: a, extra };
    }
    case 'noiseTunnel': {
      const base = str(o, 'base', 'saliency');
      const config = { samples: num(o, 'samples', 8), stdev: num(o, 'stdev', 0.15), variant: str(o, 'variant', 'smoothgrad') as 'smoothgrad', seed: c.seed };
      const explainer =
        base === 'integratedGradients'
          ? noiseTunnel(integratedGradients, config)
          : base === 'inputXGradient'
            ? noiseTunnel(inputXGradient, config)
            : noiseTunnel(saliency, config);
      const opts = base === 'integratedGradients' ? { ...common, steps: num(o, 'steps', 8) } : common;
      extra['wrapped'] = base;
      return { attribution: await explainer(ctx.f, x, opts), extra };
    }
    case 'gradientShap': {
      const baseline = dataRows(num(o, 'baselines', 8));
      try {
        const a = await gradientShap(ctx.f, x, { ...common, baseline, samples: num(o, 'samples', 16), stdev: num(o, 'stdev', 0.05) });
        return { attribution: a, extra };
      } finally {
        baseline.dispose();
      }
    }
    case 'deepLift':
      if (ctx.layered === undefined) throw new GlassboxError('INVALID_ARGUMENT', 'DeepLIFT needs a model that runs layer by layer');
      return { attribution: await deepLift(ctx.layered, x, common), extra };
    case 'gradCam':
    case 'guidedGradCam': {
      if (ctx.cam === undefined) throw new GlassboxError('INVALID_ARGUMENT', 'Grad-CAM needs a convolutional model');
      const { model, layer } = ctx.cam(str(o, 'layer', ''));
      const opts = { ...t, signal: c.signal, ...(c.onProgress ? { onProgress: c.onProgress } : {}), ...(layer !== undefined ? { layer } : {}) };
      extra['layer'] = str(o, 'layer', '');
      return { attribution: await (method === 'gradCam' ? gradCam(model, x, opts) : guidedGradCam(model, x, opts)), extra };
    }
    case 'guidedBackprop':
      return { attribution: await guidedBackprop(ctx.f, x, common), extra };
    case 'occlusion': {
      const w = num(o, 'window', 4);
      const s = num(o, 'stride', 4);
      return { attribution: await occlusion(ctx.f, x, { ...common, window: [w, w, 1], strides: [s, s, 1] }), extra };
    }
    case 'featureAblation': {
      const g = gridMask(num(o, 'cells', 7));
      return { attribution: await featureAblation(ctx.f, x, { ...common, featureMask: g.mask }), segments: g.segments, extra };
    }
    case 'featurePermutation': {
      const g = gridMask(num(o, 'cells', 7));
      const batch = tf.tidy(() => {
        const others = dataRows(num(o, 'rows', 16) - 1);
        return tf.concat([x, others], 0);
      });
      try {
        const a = await featurePermutation(ctx.f, batch, { ...common, featureMask: g.mask, repeats: num(o, 'repeats', 1) });
        extra['batch'] = batch.shape[0]!;
        return { attribution: firstRow(a), segments: g.segments, extra };
      } finally {
        batch.dispose();
      }
    }
    case 'shapleyValueSampling': {
      const g = gridMask(num(o, 'cells', 4));
      return { attribution: await shapleyValueSampling(ctx.f, x, { ...common, featureMask: g.mask, samples: num(o, 'samples', 4) }), segments: g.segments, extra };
    }
    case 'exactShapley': {
      const g = gridMask(Math.min(4, num(o, 'cells', 3)));
      return { attribution: await exactShapley(ctx.f, x, { ...common, featureMask: g.mask }), segments: g.segments, extra };
    }
    case 'kernelShap': {
      const g = gridMask(num(o, 'cells', 7));
      const a = await kernelShap(ctx.f, x, { ...common, featureMask: g.mask, samples: num(o, 'samples', 128), variant: str(o, 'variant', 'leverage') as 'leverage' });
      return { attribution: a, segments: g.segments, extra };
    }
    case 'lime': {
      const slicSeg = str(o, 'segmentation', 'grid') === 'slic';
      const segmentation = slicSeg ? { kind: 'slic' as const, segments: num(o, 'segments', 25) } : { kind: 'grid' as const, cells: num(o, 'cells', 7) };
      const a = await lime(ctx.f, x, { ...common, segmentation, samples: num(o, 'samples', 128), alpha: num(o, 'alpha', 1) });
      extra['local R²'] = a.score[0]!;
      const segments = a.segments?.[0];
      return { attribution: a, ...(segments !== undefined ? { segments } : {}), extra };
    }
    case 'surrogate': {
      const g = gridMask(num(o, 'cells', 7));
      const X = tf.tidy(() => tf.concat([x, dataRows(num(o, 'rows', 64) - 1)], 0));
      try {
        const kind = str(o, 'kind', 'ridge') as 'ridge';
        const s = await surrogate(ctx.f, X, { ...common, kind, featureMask: g.mask });
        const map = new Float32Array(PIXELS);
        for (let p = 0; p < PIXELS; p++) map[p] = s.coefficients[g.segments[p]!]!;
        extra['fidelity R²'] = s.fidelity;
        extra['data'] = X.shape[0]!;
        return { attribution: { attributions: tf.tensor4d(map, [1, SIZE, SIZE, 1]), method: 'surrogate' }, segments: g.segments, extra };
      } finally {
        X.dispose();
      }
    }
    default:
      throw new GlassboxError('INVALID_ARGUMENT', `unknown method '${method}'`);
  }
}

/** The first row of a deletion or insertion curve, normalised as the metrics define it (see Curve). */
function curveOf(r: CurveResult): Curve {
  return {
    fractions: r.fractions,
    curve: r.normalizedCurves[0]!,
    auc: r.auc[0]!,
    inputScore: r.inputScores[0]!,
    baselineScore: r.baselineScores[0]!,
    ...(r.randomNormalizedCurves ? { random: r.randomNormalizedCurves[0]!, randomAuc: r.randomAuc![0]! } : {}),
  };
}

async function explain(req: Extract<Request, { type: 'explain' }>, signal: AbortSignal): Promise<ExplainData> {
  const started = performance.now();
  const l = await getModel(req.model);
  const entry = methodEntry(req.method);
  const isClassifier = l.info.kind === 'classifier';
  const hasLatent = l.info.kind === 'ae' || l.info.kind === 'vae' || l.info.kind === 'gan';
  const stages =
    1 + 4 + (req.metrics.sensitivity && !entry.batch ? 1 : 0) + (req.metrics.sanity && isClassifier ? 1 : 0) + (hasLatent ? 3 : 0);
  const progress = new Progress(req.id, stages);
  const p = prepare(l, req.input);
  const held: Tensor[] = [];
  try {
    const ctx = contextOf(l, req.region, req.target, p.output.predicted, req.input);
    const c = { ...(ctx.target !== undefined ? { target: ctx.target } : {}), seed: req.seed, signal };
    const r = await runMethod(req.method, req.options, ctx, p.x, { ...c, onProgress: progress.begin(entry.label) });
    const a = r.attribution.attributions;
    held.push(a);
    if (r.attribution.delta) held.push(r.attribution.delta);
    const attributions = values(a);
    const delta = r.attribution.delta ? r.attribution.delta.dataSync()[0] : undefined;
    const score = tf.tidy(() => tf.reshape(asForward(ctx.f)(p.x), [-1]).dataSync()[ctx.target ?? 0]);

    // Metrics of the shown explanation.
    const metricCommon = { ...c };
    const steps = METRIC_DEFAULTS.curveSteps;
    const del = await deletionCurve(ctx.f, p.x, a, { ...metricCommon, intervals: steps, onProgress: progress.begin('deletion curve') });
    const ins = await insertionCurve(ctx.f, p.x, a, { ...metricCommon, intervals: steps, onProgress: progress.begin('insertion curve') });
    const inf = await infidelity(ctx.f, p.x, a, {
      ...metricCommon,
      samples: METRIC_DEFAULTS.infidelitySamples,
      multiplyByInputs: !entry.gradientLike,
      onProgress: progress.begin('infidelity'),
    });
    const comp = await completeness(ctx.f, p.x, a, { baseline: 0, ...(ctx.target !== undefined ? { target: ctx.target } : {}), signal, onProgress: progress.begin('completeness') });
    const metrics: MetricsData = {
      deletion: curveOf(del),
      insertion: curveOf(ins),
      infidelity: inf.infidelity[0]!,
      sparseness: sparseness(a)[0]!,
      completeness: comp[0]!,
    };
    const explainer = async (f: Predictable, xx: Tensor, o?: { target?: number; seed?: number; signal?: AbortSignal }): Promise<Attribution> => {
      const sub: Context = { ...ctx, f };
      if (ctx.randomizable !== undefined && f === ctx.randomizable) {
        // The sanity check explains the network itself: split and layer-by-layer access come from it too.
        sub.cam = (layer) => ({ model: ctx.randomizable!, layer });
        sub.layered = ctx.randomizable;
      }
      const res = await runMethod(req.method, req.options, sub, xx, {
        ...(o?.target !== undefined ? { target: o.target } : {}),
        seed: o?.seed ?? req.seed,
        signal: o?.signal ?? signal,
      });
      return res.attribution;
    };
    if (req.metrics.sensitivity && !entry.batch) {
      const s = await sensitivityMax(explainer, ctx.f, p.x, {
        ...metricCommon,
        samples: METRIC_DEFAULTS.sensitivitySamples,
        onProgress: progress.begin('max-sensitivity'),
      });
      metrics.sensitivity = s[0]!;
    }
    if (req.metrics.sanity && isClassifier && ctx.randomizable !== undefined) {
      const s = await randomizationSanityCheck(explainer, ctx.randomizable, p.x, { ...metricCommon, onProgress: progress.begin('sanity check') });
      metrics.sanity = s.layers.map((layer) => ({ layer: layer.layer, spearman: layer.meanSpearman, ssim: layer.meanSsim }));
    }

    let latent: LatentData | undefined;
    if (hasLatent) latent = await latentPanel(l, p, req.region, LATENT_DEFAULTS.steps, LATENT_DEFAULTS.dims, progress, signal);

    return {
      method: req.method,
      attributions,
      ...(score !== undefined ? { score } : {}),
      ...(ctx.target !== undefined ? { target: ctx.target } : {}),
      ...(delta !== undefined ? { delta } : {}),
      ...(r.segments ? { segments: r.segments.slice() } : {}),
      extra: r.extra,
      metrics,
      ...(latent ? { latent } : {}),
      ms: performance.now() - started,
    };
  } finally {
    tf.dispose(held);
    p.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The latent panel: which latent dimensions made the selected region, and what the most influential ones do.

function decoderOf(l: Loaded): (z: Tensor) => Tensor {
  const m = l.model;
  if (m.kind === 'gan') return m.generator;
  if (m.kind === 'ae' || m.kind === 'vae') return m.decoder;
  throw new GlassboxError('INVALID_ARGUMENT', `${l.id} has no latent code`);
}

async function latentPanel(l: Loaded, p: Prepared, region: Region, steps: number, nDims: number, progress: Progress, signal: AbortSignal): Promise<LatentData> {
  if (p.z === undefined) throw new GlassboxError('INVALID_ARGUMENT', `${l.id} has no latent code`);
  const decoder = decoderOf(l);
  const z = p.z;
  const d = z.shape[1]!;
  const mask = regionMask(region);
  const la = await latentAttribution(decoder, z, { mask, reduce: 'mean', steps, signal, onProgress: progress.begin('latent attribution') });
  const attributions = values(la.attributions);
  const delta = la.delta ? la.delta.dataSync()[0]! : 0;
  tf.dispose([la.attributions, la.delta ?? []]);

  const sens = await latentSensitivity(decoder, z, { signal });
  // The traversal sweeps the code's own dimensions (not a conditional GAN's one-hot class after them).
  const codeDim = l.info.latentDim ?? d;
  const order = Array.from(attributions.keys())
    .filter((k) => k < codeDim)
    .sort((i, j) => Math.abs(attributions[j]!) - Math.abs(attributions[i]!));
  const dims = order.slice(0, Math.min(nDims, codeDim));

  // Traverse in standard units: a VAE's and a GAN's prior is N(0, I); an autoencoder's codes are standardized
  // with the Gaussian fitted to its training codes, so -3..3 means three standard deviations either side.
  const m = l.model;
  const half = (LATENT_DEFAULTS.values - 1) / 2;
  const sweep = Array.from({ length: LATENT_DEFAULTS.values }, (_, i) => Number((((i - half) / half) * LATENT_DEFAULTS.range).toFixed(2)));
  let traversal: Tensor;
  const onTraverse = progress.begin('latent traversal');
  if (m.kind === 'ae') {
    const { mean, std } = m.latentDistribution();
    const meanT = tf.tensor2d(mean, [1, d]);
    const stdT = tf.tensor2d(std.map((s) => (s > 1e-6 ? s : 1)), [1, d]);
    const u = tf.tidy(() => tf.div(tf.sub(z, meanT), stdT));
    try {
      const standardDecoder = (v: Tensor): Tensor => tf.tidy(() => decoder(tf.add(tf.mul(v, stdT), meanT)));
      traversal = await latentTraversal(standardDecoder, u, { dims, values: sweep, signal, onProgress: onTraverse });
    } finally {
      tf.dispose([meanT, stdT, u]);
    }
  } else {
    traversal = await latentTraversal(decoder, z, { dims, values: sweep, signal, onProgress: onTraverse });
  }
  const traversalValues = values(traversal);
  traversal.dispose();

  const jac = await latentJacobian(decoder, z, { signal, onProgress: progress.begin('latent jacobian') });
  const jacobian = tf.tidy(() => {
    const rows = tf.reshape(jac, [d, PIXELS]);
    return values(tf.gather(rows, tf.tensor1d(dims, 'int32')));
  });
  jac.dispose();

  return { attributions, delta, region, dims, values: sweep, traversal: traversalValues, jacobian, sensitivity: sens.scores };
}

// ---------------------------------------------------------------------------------------------------------------
// The HTML report of @glassbox/report: its suite for the model's kind on the input and three test digits.

async function report(id: number, modelId: ModelId, input: InputSpec, signal: AbortSignal): Promise<string> {
  const l = await getModel(modelId);
  const p = prepare(l, input);
  let data: Tensor | null = null;
  try {
    // A GAN's report explains its generator and discriminator on real images; the others explain the input.
    data = tf.tidy(() => (l.info.kind === 'gan' ? dataRows(4) : tf.concat([p.x, dataRows(3)], 0)));
    const result = await explainModel(l.model as ReportModel, data, {
      samples: 4,
      seed: 0,
      signal,
      settings: { igSteps: 16, noiseSamples: 4, kernelShapSamples: 64, curveSteps: 8, infidelitySamples: 8, sensitivitySamples: 1, sensitivityRows: 1 },
      onProgress: (done, total, stage) => post({ type: 'progress', id, stage, done: 1, total: 1, step: Math.max(0, done - 1), steps: total }),
    });
    return renderReport(result, { title: `Glassbox report: ${modelEntry(modelId).label}` });
  } finally {
    if (data !== null) data.dispose();
    p.dispose();
  }
}
