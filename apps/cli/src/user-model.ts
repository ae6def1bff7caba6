/**
 * Users' own models for `glassbox explain` and `glassbox report`: a TensorFlow.js layers or graph model (its
 * model.json with the weight files beside it) or an ONNX file (e.g. exported from PyTorch), explained on the
 * user's colour photos (PNG or JPEG of any size) through @glassbox/adapters. Such a model is an image classifier
 * of unknown architecture: the CLI explains the score of one output (`--target`, default the predicted class).
 * A TensorFlow.js model takes the methods that need the model as a function, deep-lift, and the layer methods on
 * the layer `--layer` names (grad-cam, guided-grad-cam, layer-integrated-gradients, layer-conductance), read from
 * the model as it is (the adapters' LayerModel); an ONNX model, run by onnxruntime, takes only the methods that
 * call it.
 *
 * Every failure to read what the user gave (a missing or short weight file, a file that is not a model, an
 * image that cannot be decoded, a labels file whose count is not the model's outputs) is bad input: exit 2 with
 * the loader's message, before anything is written.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { GlassboxModel, ImageInfo, PreprocessPreset, TfjsModel } from '@glassbox/adapters';
import type { LayeredModel } from '@glassbox/explainers-gradient';
import { formatLayerNames, softmaxRow, tf, type Tensor } from '@glassbox/tensors-ops';
import { methodRegistry, toKebabCase } from '@glassbox/report';
import { CliError, EXIT_USAGE, glassboxCode, oneLine, usageError } from './errors.js';
import type { MethodEntry, Subject } from './methods.js';
import { METHODS } from './methods.js';

/** A model file the user brought: its format and the path of its model.json or .onnx. */
export interface UserModelFile {
  format: 'layers' | 'graph' | 'onnx';
  path: string;
}

/** The preprocessing presets `--preprocess` takes (the adapters' presets). */
export const USER_PREPROCESS = ['0-1', '-1-1', 'imagenet', 'caffe-bgr'] as const satisfies readonly PreprocessPreset[];
/** How the photo is fitted to the model's input (`--crop`): 'none' stretches, 'center' cuts the middle. */
export const USER_CROPS = ['none', 'center'] as const;
/** The layouts of an ONNX model's image input (`--layout`). */
export const USER_LAYOUTS = ['NCHW', 'NHWC'] as const;

/** The options of explain and report that concern a user's model. */
export interface UserModelOptions {
  preprocess?: string;
  crop?: string;
  layout?: string;
  logits?: boolean;
  labels?: string;
  /** grad-cam, guided-grad-cam, the layer methods (and report's grad-cam): the layer of a TensorFlow.js model. */
  layer?: string;
}

/**
 * The user's model file --model names, or null when it names something else (a pretrained model, a model.json
 * saved by `glassbox train`, or a path that does not exist: the usual loader words those). A path ending in
 * .onnx is an ONNX model; a model.json (or a folder holding one) is a user's model when it is a TensorFlow.js
 * layers model (format 'layers-model' or a Keras topology) or graph model (format 'graph-model' or a GraphDef).
 */
export async function userModelFile(text: string): Promise<UserModelFile | null> {
  const t = (text ?? '').trim();
  if (t.toLowerCase().endsWith('.onnx')) return { format: 'onnx', path: t };
  let path = t;
  try {
    if ((await stat(t)).isDirectory()) path = join(t, 'model.json');
  } catch {
    return null;
  }
  if (!path.toLowerCase().endsWith('.json')) return null;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (json === null || typeof json !== 'object') return null;
  const topology = json.modelTopology as Record<string, unknown> | null | undefined;
  if (typeof topology?.format === 'string' && topology.format.startsWith('glassbox-')) return null;
  if (json.format === 'graph-model' || Array.isArray(topology?.node)) return { format: 'graph', path };
  if (json.format === 'layers-model' || (topology != null && typeof topology === 'object' && ('model_config' in topology || 'class_name' in topology))) {
    return { format: 'layers', path };
  }
  return null;
}

/** A bad-input error (exit 2) carrying a loader's GlassboxError message (with its code) or any other error's. */
function badInput(what: string, e: unknown): CliError {
  if (e instanceof CliError) return e;
  return new CliError(`${what}: ${oneLine(e)}`, glassboxCode(e) === 'BACKEND_UNAVAILABLE' ? 1 : EXIT_USAGE, { cause: e });
}

/** Checks --preprocess, --crop, --layout; returns them with their defaults ('0-1', 'none'). */
export function checkUserOptions(o: UserModelOptions, file: UserModelFile): { preprocess: PreprocessPreset; crop: 'none' | 'center'; layout?: 'NCHW' | 'NHWC' } {
  const preprocess = (o.preprocess ?? '0-1') as PreprocessPreset;
  if (!(USER_PREPROCESS as readonly string[]).includes(preprocess)) throw usageError(`--preprocess must be one of ${USER_PREPROCESS.join(', ')}, got '${o.preprocess}'`);
  const crop = (o.crop ?? 'none') as 'none' | 'center';
  if (!(USER_CROPS as readonly string[]).includes(crop)) throw usageError(`--crop must be one of ${USER_CROPS.join(', ')}, got '${o.crop}'`);
  if (o.layout !== undefined && !(USER_LAYOUTS as readonly string[]).includes(o.layout.toUpperCase())) throw usageError(`--layout must be NCHW or NHWC, got '${o.layout}'`);
  if (o.layout !== undefined && file.format !== 'onnx') throw usageError(`--layout applies to an ONNX model; a TensorFlow.js ${file.format} model takes NHWC images`);
  return { preprocess, crop, ...(o.layout !== undefined ? { layout: o.layout.toUpperCase() as 'NCHW' | 'NHWC' } : {}) };
}

/**
 * Loads the user's model through @glassbox/adapters (tfjs-layers, tfjs-converter or onnxruntime-web, imported
 * only here). Call after the backend is set up.
 * @throws CliError exit 2 with the loader's message for a file that is missing, short or not a model.
 */
export async function loadUserModel(file: UserModelFile, o: { layout?: 'NCHW' | 'NHWC'; logits?: boolean }): Promise<GlassboxModel> {
  const adapters = await import('@glassbox/adapters');
  const logits = o.logits === true ? { logits: true } : {};
  try {
    if (file.format === 'onnx') {
      try {
        await stat(file.path);
      } catch {
        throw usageError(`cannot read model ${file.path}: no such file`);
      }
      return await adapters.loadOnnx(file.path, { ...logits, ...(o.layout !== undefined ? { layout: o.layout } : {}) });
    }
    return file.format === 'graph' ? await adapters.loadGraphModel(file.path, logits) : await adapters.loadLayersModel(file.path, logits);
  } catch (e) {
    const hint = file.format === 'onnx' && o.layout === undefined && /layout is required/.test(String((e as Error)?.message)) ? ' (pass --layout NCHW for a PyTorch export, NHWC for a TensorFlow one)' : '';
    throw badInput(`cannot load model ${file.path}${hint}`, e);
  }
}

/** The model's image size [height, width] from its input shape, or null when the file leaves it open. */
export function modelImageSize(model: GlassboxModel): [number, number] | null {
  const s = model.inputShape;
  if (s.length !== 4) throw usageError(`the model takes inputs of shape [${s.map((d) => d ?? '?').join(', ')}]; the CLI explains image models ([N, H, W, 3])`);
  if (s[3] !== null && s[3] !== 3) throw usageError(`the model takes images with ${s[3]} channels; the CLI reads colour photos (3 channels)`);
  return s[1] !== null && s[2] !== null ? [s[1]!, s[2]!] : null;
}

/** A photo loaded for the model: x [1, H, W, 3] (owned by the caller) and what maps it back onto the photo. */
export interface UserImage {
  x: Tensor;
  info: ImageInfo;
  path: string;
}

/**
 * Reads a PNG or JPEG photo and prepares it for the model: resized (and centre-cropped with `crop: 'center'`)
 * to the model's input size, normalised with `preprocess`.
 * @throws CliError exit 2 with the decoder's message for a file that is missing or cannot be decoded.
 */
export async function loadUserImage(path: string, size: [number, number] | null, o: { preprocess: PreprocessPreset; crop: 'none' | 'center' }): Promise<UserImage> {
  const { loadImage } = await import('@glassbox/adapters');
  try {
    const { x, info } = await loadImage(path, { preprocess: o.preprocess, crop: o.crop, ...(size !== null ? { size } : {}) });
    return { x, info, path };
  } catch (e) {
    throw badInput(`cannot read image ${path}`, e);
  }
}

/**
 * Reads a labels file: one class name per line (blank lines at the end ignored), as many as the model's outputs.
 * @throws CliError exit 2 when it cannot be read or its count differs from `outputs`.
 */
export async function readLabels(path: string, outputs: number): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw usageError(`cannot read labels ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length !== outputs) {
    throw usageError(`--labels ${path} names ${lines.length} class${lines.length === 1 ? '' : 'es'} (one per line), but the model has ${outputs} outputs`);
  }
  return lines;
}

/** Whether a method needs gradients of the model (its family is 'gradient'). */
function needsGradients(m: MethodEntry): boolean {
  return methodRegistry.get(m.fn).info.family === 'gradient';
}

/** The registry's subject of a method: 'function', 'layered' (deep-lift), 'splittable' (grad-cam), ... */
function subjectOf(m: MethodEntry): string {
  return methodRegistry.get(m.fn).info.subject;
}

/**
 * The methods that apply to a user's model: those that explain a classifier's input pixels through its function
 * alone; for a TensorFlow.js model also deep-lift (the model run with its rescale rule) and grad-cam /
 * guided-grad-cam (a layer named by --layer, read from the model directly); for an ONNX model only those that
 * just call it (no gradients). The layer methods (layer-integrated-gradients, layer-conductance) are
 * `USER_LAYER_METHODS`.
 */
export function userMethods(format: UserModelFile['format']): MethodEntry[] {
  return METHODS.filter((m) => {
    if (m.output !== 'pixels' || !m.kinds.includes('classifier')) return false;
    const subject = subjectOf(m);
    if (format === 'onnx') return subject === 'function' && !needsGradients(m);
    return subject === 'function' || subject === 'layered' || subject === 'splittable';
  });
}

/** A layer method for a user's TensorFlow.js model: attributions to the units of the layer --layer names. */
export interface UserLayerMethod {
  name: 'layer-integrated-gradients' | 'layer-conductance';
  aliases: readonly string[];
  fn: 'layerIntegratedGradients' | 'layerConductance';
  pkg: '@glassbox/explainers-gradient';
  signed: true;
  summary: string;
  /** The CLI options it reads besides --layer. */
  knobs: readonly ('steps' | 'rule' | 'baseline')[];
}

/** The layer methods `glassbox explain` offers for a user's layers or graph model (with --layer). */
export const USER_LAYER_METHODS: readonly UserLayerMethod[] = (['layerIntegratedGradients', 'layerConductance'] as const).map((fn) => {
  const info = methodRegistry.get(fn).info;
  return {
    name: toKebabCase(fn) as UserLayerMethod['name'],
    aliases: info.aliases,
    fn,
    pkg: '@glassbox/explainers-gradient' as const,
    signed: true as const,
    summary: info.summary,
    knobs: ['steps', 'rule', 'baseline'],
  };
});

/** The layer method --method names (by name, alias or function name), or null. */
export function userLayerMethod(name: string): UserLayerMethod | null {
  const key = toKebabCase(name ?? '');
  return USER_LAYER_METHODS.find((m) => m.name === key || m.aliases.includes(key) || toKebabCase(m.fn) === key) ?? null;
}

/** The refusal of a gradient method on an ONNX model: the methods that only call the model instead. */
function onnxRefusal(name: string): CliError {
  const names = userMethods('onnx').map((m) => m.name).join(', ');
  return usageError(`method ${name} needs gradients of the model, and an ONNX model (run by onnxruntime) gives none; use a method that only calls the model: ${names}`);
}

/**
 * Checks that a method applies to a user's model.
 * @throws CliError (exit 2) naming the methods that do (for a gradient method on an ONNX model: the
 *   model-agnostic alternatives).
 */
export function checkUserMethod(method: MethodEntry | UserLayerMethod, format: UserModelFile['format']): void {
  if ('output' in method) {
    const ok = userMethods(format);
    if (ok.includes(method)) return;
    if (format === 'onnx' && needsGradients(method)) throw onnxRefusal(method.name);
    const names = ok.map((m) => m.name).join(', ');
    throw usageError(`method ${method.name} does not apply to your ${format} model (it needs ${method.output === 'pixels' ? 'a model the CLI can run layer by layer' : 'a latent code'}); use one of ${names}`);
  }
  if (format === 'onnx') throw onnxRefusal(method.name);
}

/**
 * The layer --layer names, checked against the model's layer names.
 * @throws CliError (exit 2) for an ONNX model (no layer methods) or a name the model does not have (the names it has).
 */
export function checkUserLayer(model: GlassboxModel, layer: string): string {
  if (model.kind === 'onnx') throw usageError(`--layer applies to a TensorFlow.js model (layers or graph); an ONNX model has no layer methods`);
  if (!model.layerNames.includes(layer)) {
    throw usageError(`--layer '${layer}' is not a layer of the model; it has ${formatLayerNames(model.layerNames)}`);
  }
  return layer;
}

/**
 * The layer Grad-CAM reads when --layer names none: the last layer (in the order the model runs them) whose output
 * on the photo is a map of features [1, h, w, C] with h or w above 1 (usually the last convolution or pooling),
 * found by running the model up to each layer from the end. Null when there is none.
 */
export function defaultCamLayer(model: TfjsModel, x: Tensor): string | null {
  const names = model.layerNames;
  for (let i = names.length - 1; i >= 0; i--) {
    let a: Tensor | null = null;
    try {
      a = model.layerOutput(x, names[i]!);
      if (a.rank === 4 && (a.shape[1]! > 1 || a.shape[2]! > 1)) return names[i]!;
    } catch {
      // a node that cannot be read on its own (several outputs, a shared layer): not a candidate
    } finally {
      a?.dispose();
    }
  }
  return null;
}

/** The grey picture of an input row (channel mean, scaled to 0..1), for SLIC segments. */
function greyOf(values: Float32Array, h: number, w: number): Float32Array {
  const c = values.length / (h * w);
  const out = new Float32Array(h * w);
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += values[p * c + k]!;
    out[p] = s / c;
    lo = Math.min(lo, out[p]!);
    hi = Math.max(hi, out[p]!);
  }
  const span = hi - lo;
  for (let p = 0; p < out.length; p++) out[p] = span > 0 ? (out[p]! - lo) / span : 0;
  return out;
}

/**
 * What a method explains on a user's model: the model itself, on the prepared photo. A TensorFlow.js model is
 * also what deep-lift runs (the model with the rescale rule) and, with `camLayer`, what grad-cam and
 * guided-grad-cam read that layer of.
 */
export async function userSubject(model: GlassboxModel, x: Tensor, camLayer?: string): Promise<Subject> {
  const [, h, w, c] = x.shape as [number, number, number, number];
  const values = (await x.data()) as Float32Array;
  const subject: Subject = { kind: 'classifier', f: model, rowShape: [h, w, c], imageShape: [h, w], image: greyOf(values, h, w) };
  if (model.kind !== 'onnx') {
    subject.layered = model as unknown as LayeredModel;
    if (camLayer !== undefined) subject.cam = { model, layer: camLayer };
  }
  return subject;
}

/** The model's scores for one photo (a tensor [1, K] or [1]) as numbers. */
export async function scoresOf(model: GlassboxModel, x: Tensor): Promise<number[]> {
  let y: Tensor | null = null;
  try {
    y = await model.predict(x);
    return Array.from(await y.data());
  } catch (e) {
    throw badInput('the model cannot run on the image', e);
  } finally {
    y?.dispose();
  }
}

/** Softmax of a row (tensors-ops' softmaxRow). */
export const softmax = softmaxRow;

/** Index of the largest value (the first one on ties). */
export function argmax(row: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/** Disposes a user's model (an ONNX session is released asynchronously). */
export async function disposeUserModel(model: GlassboxModel | null): Promise<void> {
  if (model !== null) await model.dispose();
}

/** Tensors left by a user model run (for the memory check of the commands). */
export function tensorCount(): number {
  return tf.memory().numTensors;
}
