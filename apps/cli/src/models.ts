/**
 * `--model`: a pretrained model by name, or a model.json saved by `glassbox train` (or by the models
 * packages' save functions). The packages are imported only when a model is loaded, so `--help` stays fast.
 *
 *   classifier  @glassbox/models-classifier  loadPretrained('digits-cnn')
 *   ae          @glassbox/models-ae-vae      loadPretrained('digits-ae')
 *   conv-ae     @glassbox/models-ae-vae      loadPretrained('digits-conv-ae')
 *   vae         @glassbox/models-ae-vae      loadPretrained('digits-vae')
 *   gan         @glassbox/models-gan         loadPretrained('digits-gan')
 *   cyclegan    @glassbox/models-gan         loadPretrained('digits-cyclegan')
 *   names-gpt   @glassbox/models-transformer loadPretrained('names-gpt')     (kind gpt; input: a text)
 *   spam-encoder @glassbox/models-transformer loadPretrained('spam-encoder') (kind text-classifier; input: a text)
 *   <path>      a model.json (or the folder holding it); its modelTopology.format says which kind it is
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Classifier } from '@glassbox/models-classifier';
import type { Autoencoder, VAE } from '@glassbox/models-ae-vae';
import type { CycleGAN, GAN } from '@glassbox/models-gan';
import type { GPT, TextClassifier } from '@glassbox/models-transformer';
import { KIND_ADAPTERS } from '@glassbox/report';
import type { KindAdapter } from '@glassbox/report';
import { failure, glassboxCode, usageError } from './errors.js';

/** The kinds of model the CLI explains (the kinds of @glassbox/report). */
export type ModelKind = 'classifier' | 'ae' | 'vae' | 'gan' | 'cyclegan' | 'gpt' | 'text-classifier';
export const MODEL_KINDS: readonly ModelKind[] = ['classifier', 'ae', 'vae', 'gan', 'cyclegan', 'gpt', 'text-classifier'];

/** A pretrained model name of the CLI. */
export type ModelName = 'classifier' | 'ae' | 'conv-ae' | 'vae' | 'gan' | 'cyclegan' | 'names-gpt' | 'spam-encoder';

interface PretrainedInfo {
  kind: ModelKind;
  pkg: string;
  pretrained: string;
  description: string;
}

/** The pretrained models `--model` names, in the order help lists them. */
export const PRETRAINED: Readonly<Record<ModelName, PretrainedInfo>> = {
  classifier: { kind: 'classifier', pkg: '@glassbox/models-classifier', pretrained: 'digits-cnn', description: 'digits CNN classifier (logits of 10 classes)' },
  ae: { kind: 'ae', pkg: '@glassbox/models-ae-vae', pretrained: 'digits-ae', description: 'MLP autoencoder 784-256-16' },
  'conv-ae': { kind: 'ae', pkg: '@glassbox/models-ae-vae', pretrained: 'digits-conv-ae', description: 'convolutional autoencoder, latent 16' },
  vae: { kind: 'vae', pkg: '@glassbox/models-ae-vae', pretrained: 'digits-vae', description: 'MLP VAE 784-400-20' },
  gan: { kind: 'gan', pkg: '@glassbox/models-gan', pretrained: 'digits-gan', description: 'conditional DCGAN: generator input = 100 latent dimensions + a 10-class one-hot -> 28x28 digits; discriminator: 10 logits, one per class' },
  cyclegan: { kind: 'cyclegan', pkg: '@glassbox/models-gan', pretrained: 'digits-cyclegan', description: 'CycleGAN thin digits (A) <-> thick digits (B)' },
  'names-gpt': { kind: 'gpt', pkg: '@glassbox/models-transformer', pretrained: 'names-gpt', description: 'character GPT over first names (a-z and -): explains the next character after a text' },
  'spam-encoder': { kind: 'text-classifier', pkg: '@glassbox/models-transformer', pretrained: 'spam-encoder', description: 'Transformer e-mail classifier (logits of ham, spam) over word pieces' },
};

/** True for the kinds whose input is a text (read as token ids). */
export function isTextModelKind(kind: ModelKind): kind is 'gpt' | 'text-classifier' {
  return kind === 'gpt' || kind === 'text-classifier';
}
export const MODEL_NAMES = Object.keys(PRETRAINED) as ModelName[];

/** The model.json formats of the models packages and the kind each one holds. */
export const MODEL_FORMATS: Readonly<Record<string, string>> = {
  'glassbox-classifier': '@glassbox/models-classifier',
  'glassbox-ae-vae': '@glassbox/models-ae-vae',
  'glassbox-gan': '@glassbox/models-gan',
  'glassbox-cyclegan': '@glassbox/models-gan',
};

interface Common {
  /** What --model said. */
  spec: string;
  /** 'pretrained digits-cnn' or the model.json path. */
  source: string;
  /** A short name for messages and reports. */
  name: string;
  dispose(): void;
}

/** A loaded model, by kind. */
export type LoadedModel = Common &
  (
    | { kind: 'classifier'; model: Classifier }
    | { kind: 'ae'; model: Autoencoder }
    | { kind: 'vae'; model: VAE }
    | { kind: 'gan'; model: GAN }
    | { kind: 'cyclegan'; model: CycleGAN }
    | { kind: 'gpt'; model: GPT }
    | { kind: 'text-classifier'; model: TextClassifier }
  );

export type ModelSpec = { type: 'name'; text: string; name: ModelName } | { type: 'path'; text: string; path: string };

function knownList(): string {
  const images = MODEL_NAMES.filter((n) => !isTextModelKind(PRETRAINED[n].kind));
  const texts = MODEL_NAMES.filter((n) => isTextModelKind(PRETRAINED[n].kind));
  return `${images.join(', ')} or a path to a model.json saved by 'glassbox train'; or a text model: ${texts.join(', ')}`;
}

/**
 * Parses --model: a known name, or something that looks like a path (contains a slash, ends in .json, or
 * exists). Reads nothing but the file system's metadata.
 * @throws CliError (exit 2) for an unknown name, listing the known ones.
 */
export async function parseModelSpec(text: string): Promise<ModelSpec> {
  const t = (text ?? '').trim();
  if ((MODEL_NAMES as string[]).includes(t)) return { type: 'name', text: t, name: t as ModelName };
  const looksLikePath = /[\\/]/.test(t) || t.toLowerCase().endsWith('.json') || t === '.' || t === '..';
  let exists = false;
  let isDir = false;
  try {
    const s = await stat(t);
    exists = true;
    isDir = s.isDirectory();
  } catch {
    exists = false;
  }
  if (!exists) {
    if (looksLikePath) throw usageError(`cannot read model ${t}: no such file (expected ${knownList()})`);
    throw usageError(`unknown model '${t}': expected ${knownList()}`);
  }
  return { type: 'path', text: t, path: isDir ? join(t, 'model.json') : t };
}

/** Reads a model.json's modelTopology.format (the model kind's format). */
async function readFormat(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw usageError(`cannot read model ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw usageError(`cannot read model ${path}: not valid JSON (${(e as Error).message})`);
  }
  const topology = (json as { modelTopology?: { format?: unknown } } | null)?.modelTopology;
  const format = topology?.format;
  if (typeof format !== 'string' || !(format in MODEL_FORMATS)) {
    throw usageError(
      `${path} is not a model saved by 'glassbox train': its modelTopology.format must be one of ${Object.keys(MODEL_FORMATS).join(', ')}, got ${format === undefined ? 'none' : JSON.stringify(format)}`,
    );
  }
  return format;
}

function wrap<K extends ModelKind, M extends { dispose(): void }>(kind: K, model: M, spec: string, source: string, name: string) {
  return { kind, model, spec, source, name, dispose: () => model.dispose() };
}

/**
 * Loads the model --model names. Call after the backend is set up.
 * @throws CliError exit 2 for an unknown name or a file that is not a Glassbox model; exit 1 when pretrained
 *   weights are missing; GlassboxError BAD_WEIGHTS (exit 1) for corrupt files.
 */
export async function loadModel(text: string): Promise<LoadedModel> {
  const spec = await parseModelSpec(text);
  if (spec.type === 'name') {
    const info = PRETRAINED[spec.name];
    const source = `pretrained ${info.pretrained}`;
    try {
      switch (info.pkg) {
        case '@glassbox/models-classifier': {
          const { loadPretrained } = await import('@glassbox/models-classifier');
          return wrap('classifier', await loadPretrained('digits-cnn'), spec.text, source, info.pretrained) as LoadedModel;
        }
        case '@glassbox/models-ae-vae': {
          const { loadPretrained } = await import('@glassbox/models-ae-vae');
          if (info.kind === 'vae') return wrap('vae', await loadPretrained('digits-vae'), spec.text, source, info.pretrained) as LoadedModel;
          const ae = await loadPretrained(info.pretrained === 'digits-conv-ae' ? 'digits-conv-ae' : 'digits-ae');
          return wrap('ae', ae, spec.text, source, info.pretrained) as LoadedModel;
        }
        case '@glassbox/models-transformer': {
          const { loadPretrained } = await import('@glassbox/models-transformer');
          if (info.kind === 'gpt') return wrap('gpt', await loadPretrained('names-gpt'), spec.text, source, info.pretrained) as LoadedModel;
          return wrap('text-classifier', await loadPretrained('spam-encoder'), spec.text, source, info.pretrained) as LoadedModel;
        }
        default: {
          const { loadPretrained } = await import('@glassbox/models-gan');
          if (info.kind === 'gan') return wrap('gan', await loadPretrained('digits-gan'), spec.text, source, info.pretrained) as LoadedModel;
          return wrap('cyclegan', await loadPretrained('digits-cyclegan'), spec.text, source, info.pretrained) as LoadedModel;
        }
      }
    } catch (e) {
      if (glassboxCode(e) === 'BAD_WEIGHTS') {
        throw failure(
          `the pretrained '${info.pretrained}' weights of ${info.pkg} cannot be loaded (${(e as Error).message.replace(/\s*\n\s*/g, ' ')}); ` +
            `train one with 'glassbox train --model ${spec.name} --out <dir>' and pass --model <dir>/model.json`,
          e,
        );
      }
      throw e;
    }
  }
  const format = await readFormat(spec.path);
  const source = spec.path;
  switch (format) {
    case 'glassbox-classifier': {
      const { loadFromDir } = await import('@glassbox/models-classifier');
      return wrap('classifier', await loadFromDir(spec.path), spec.text, source, spec.path) as LoadedModel;
    }
    case 'glassbox-ae-vae': {
      const { loadFromDir } = await import('@glassbox/models-ae-vae');
      const m = await loadFromDir(spec.path);
      return (m.kind === 'vae' ? wrap('vae', m, spec.text, source, spec.path) : wrap('ae', m, spec.text, source, spec.path)) as LoadedModel;
    }
    case 'glassbox-gan': {
      const { GAN } = await import('@glassbox/models-gan');
      return wrap('gan', await GAN.load(spec.path), spec.text, source, spec.path) as LoadedModel;
    }
    default: {
      const { CycleGAN } = await import('@glassbox/models-gan');
      return wrap('cyclegan', await CycleGAN.load(spec.path), spec.text, source, spec.path) as LoadedModel;
    }
  }
}

/** The shape of one input row of the model (images for every kind; for a GAN the generated image). */
export function inputShapeOf(m: LoadedModel): number[] {
  return (KIND_ADAPTERS[m.kind] as KindAdapter).rowShape(m.model as never);
}

/**
 * The grey image geometry of the model's input: [H, W, 1] or [H, W] rows, or H*W flat rows read as a
 * square image (an MLP on 784 pixels).
 * @throws CliError (exit 2) for models whose inputs are not grey images.
 */
export function imageGeometry(m: LoadedModel): { height: number; width: number; rowShape: number[] } {
  if (isTextModelKind(m.kind)) throw usageError(`the model ${m.spec} is ${m.kind === 'gpt' ? 'a GPT' : 'a text classifier'}: its input is a text (text:"..." or file:path), not an image`);
  const rowShape = inputShapeOf(m);
  if (rowShape.length === 3 && rowShape[2] === 1) return { height: rowShape[0]!, width: rowShape[1]!, rowShape };
  if (rowShape.length === 2) return { height: rowShape[0]!, width: rowShape[1]!, rowShape };
  if (rowShape.length === 1) {
    const side = Math.round(Math.sqrt(rowShape[0]!));
    if (side * side === rowShape[0]) return { height: side, width: side, rowShape };
  }
  throw usageError(`the model takes rows of shape [${rowShape.join(', ')}]; the CLI explains grey images ([H, W, 1], [H, W] or H*W pixels)`);
}
