/**
 * `glassbox report`: runs @glassbox/report's suite for the model's kind on a few inputs and writes the
 * self-contained HTML page (report.html: no external scripts, styles or images) and the data (report.json).
 */
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { KIND_ADAPTERS, REPORT_METHODS, explainModel, renderReport, type AnyKindAdapter, type ReportModel } from '@glassbox/report';
import { usageError } from '../errors.js';
import { loadImages, parseInputSpec } from '../inputs.js';
import { toKebabCase } from '../methods.js';
import { PRETRAINED, imageGeometry, isTextModelKind, loadModel, parseModelSpec, type LoadedModel, type ModelName } from '../models.js';
import { isTextSpec, parseTextSpec, readText } from './explain-text.js';
import { checkOutDir, writeAtomically, writeJson } from '../output.js';
import { setupBackend, since, type CliIo } from '../runtime.js';
import { writeFile } from 'node:fs/promises';

export interface ReportCommandOptions {
  model: string;
  inputs?: string;
  out: string;
  /** Comma-separated method names of the kind's suite (kebab-case or camelCase). */
  methods?: string;
  target?: number;
  seed?: number;
  batchSize?: number;
  title?: string;
  backend?: string;
}

export const REPORT_FILES = ['report.html', 'report.json'] as const;
export const DEFAULT_REPORT_INPUTS = 'digits:test:0-7';

export interface ReportSummary {
  command: 'report';
  out: string;
  files: string[];
  model: { spec: string; kind: string; source: string };
  inputs: string;
  samples: number;
  methods: string[];
  skipped: { method: string; reason: string }[];
  backend: string;
  timing: { totalMs: number };
}

/** 'latent-sensitivity' -> 'latentSensitivity'. */
function toCamelCase(name: string): string {
  return toKebabCase(name).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Checks --methods against the kind's suite; returns the report's names. */
export function resolveReportMethods(text: string | undefined, kind: keyof typeof REPORT_METHODS): string[] | undefined {
  if (text === undefined) return undefined;
  const known = REPORT_METHODS[kind];
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw usageError(`--methods must name at least one method of the ${kind} suite: ${known.map(toKebabCase).join(', ')}`);
  return names.map((n) => {
    const camel = toCamelCase(n);
    if (!known.includes(camel)) throw usageError(`unknown report method '${n}' for a ${kind}: expected one of ${known.map(toKebabCase).join(', ')}`);
    return camel;
  });
}

/** The plain model object @glassbox/report takes, for a loaded model (its kind adapter's `reportModel`, named by `modelName`). */
export function reportModel(loaded: LoadedModel): ReportModel {
  const adapter = KIND_ADAPTERS[loaded.kind] as unknown as AnyKindAdapter;
  return Object.assign(adapter.reportModel(loaded.model), { modelName: loaded.name });
}

/**
 * The default page title: the model's name (the pretrained model's or the model.json path), and its kind when
 * the name does not already say it ('digits-vae', not 'vae vae').
 */
export function reportTitle(loaded: Pick<LoadedModel, 'kind' | 'name'>): string {
  const words = loaded.name.toLowerCase().split(/[^a-z0-9]+/);
  return `Glassbox report: ${loaded.name}${words.includes(loaded.kind) ? '' : ` (${loaded.kind})`}`;
}

/** The default --inputs of the text models: three held-out e-mails, one prompt. */
export const DEFAULT_TEXT_REPORT_INPUTS: Readonly<Record<string, string>> = { 'spam-encoder': 'spam:test:0-2', 'names-gpt': 'text:mar' };

/**
 * The texts of a text model's report: spam:<train|test>:<a-b> (e-mails of @glassbox/datasets' spam set, with
 * their labels), text:"..." or file:<path> (one text).
 * @throws CliError (exit 2) for anything else, a missing file or an empty text.
 */
async function readTexts(spec: string): Promise<{ texts: string[]; labels: number[] | null }> {
  const m = /^spam:(?:(train|test):)?(\d+)(?:-(\d+))?$/i.exec(spec.trim());
  if (m !== null) {
    const split = (m[1] ?? 'test').toLowerCase() as 'train' | 'test';
    const a = Number(m[2]);
    const b = m[3] === undefined ? a : Number(m[3]);
    if (b < a) throw usageError(`--inputs ${spec}: the range ${a}-${b} is empty (write the smaller index first)`);
    if (b - a + 1 > 16) throw usageError(`--inputs ${spec}: a report explains at most 16 texts, got ${b - a + 1}`);
    const { loadSpam } = await import('@glassbox/datasets');
    const records = await loadSpam({ split, limit: b + 1 });
    if (records.length <= b) throw usageError(`--inputs ${spec}: the ${split} split has ${records.length} e-mails (0..${records.length - 1})`);
    const chosen = records.slice(a, b + 1);
    return { texts: chosen.map((r) => r.text), labels: chosen.map((r) => r.label) };
  }
  if (isTextSpec(spec)) return { texts: [await readText(parseTextSpec(spec))], labels: null };
  throw usageError(`--inputs for a text model must be spam:<train|test>:<a-b> (held-out e-mails), text:"..." or file:<path>, got '${spec}'`);
}

/** The report of a text model (names-gpt, spam-encoder). */
async function runTextReport(o: ReportCommandOptions, io: CliIo, name: ModelName, t0: number): Promise<ReportSummary> {
  const inputsText = o.inputs ?? DEFAULT_TEXT_REPORT_INPUTS[name]!;
  if (PRETRAINED[name].kind === 'gpt' && /^spam:/i.test(inputsText.trim())) throw usageError(`--inputs ${inputsText}: names-gpt continues a prompt: give text:"..." or file:<path>`);
  if (PRETRAINED[name].kind === 'gpt' && o.target !== undefined) throw usageError(`--target does not apply to names-gpt's report: each generated token is explained`);
  await checkOutDir(o.out, REPORT_FILES);
  const { texts, labels } = await readTexts(inputsText);
  const backend = await setupBackend(o.backend, io);
  const loaded = await loadModel(o.model);
  try {
    const methods = resolveReportMethods(o.methods, loaded.kind);
    if (o.target !== undefined && loaded.kind === 'text-classifier' && o.target >= loaded.model.labels.length) {
      throw usageError(`--target ${o.target} is out of range: the classifier has ${loaded.model.labels.length} classes (0..${loaded.model.labels.length - 1}: ${loaded.model.labels.join(', ')})`);
    }
    io.progress.start('report', 1);
    let result: Awaited<ReturnType<typeof explainModel>>;
    try {
      result = await explainModel(reportModel(loaded), labels !== null ? { texts, y: labels } : texts, {
        samples: texts.length,
        seed: o.seed ?? 0,
        ...(methods !== undefined ? { methods } : {}),
        ...(o.target !== undefined ? { target: o.target } : {}),
        ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
        onProgress: (done, total, stage) => io.progress.update(done, total, stage),
      });
    } finally {
      io.progress.stop();
    }
    const html = renderReport(result, { title: o.title ?? reportTitle(loaded) });
    const written = await writeAtomically(o.out, REPORT_FILES, async (tmp) => {
      await writeFile(`${tmp}/report.html`, html);
      await writeJson(`${tmp}/report.json`, result);
    });
    return {
      command: 'report',
      out: written.dir,
      files: written.files,
      model: { spec: loaded.spec, kind: loaded.kind, source: loaded.source },
      inputs: inputsText,
      samples: texts.length,
      methods: result.meta.methods.map(toKebabCase),
      skipped: result.meta.skipped.map((s) => ({ method: toKebabCase(s.method), reason: s.reason })),
      backend: backend.backend,
      timing: { totalMs: since(t0) },
    };
  } finally {
    loaded.dispose();
  }
}

export async function runReport(o: ReportCommandOptions, io: CliIo): Promise<ReportSummary> {
  const t0 = performance.now();
  const modelName = (o.model ?? '').trim();
  if (Object.hasOwn(PRETRAINED, modelName) && isTextModelKind(PRETRAINED[modelName as ModelName].kind)) return runTextReport(o, io, modelName as ModelName, t0);
  const inputsText = o.inputs ?? DEFAULT_REPORT_INPUTS;
  const spec = parseInputSpec(inputsText);
  if (spec.type === 'random') throw usageError(`--inputs must name images (digits:test:0-7, a .png or a .json); a GAN's report draws its own latent codes`);
  await parseModelSpec(o.model);
  await checkOutDir(o.out, REPORT_FILES);

  const backend = await setupBackend(o.backend, io);
  const loaded = await loadModel(o.model);
  let x: Tensor | null = null;
  try {
    const methods = resolveReportMethods(o.methods, loaded.kind);
    const { height, width, rowShape } = imageGeometry(loaded);
    const batch = await loadImages(spec, height, width);
    x = tf.tensor(batch.values, [batch.n, ...rowShape]);
    const labels = batch.labels.every((l) => l !== null) ? Int32Array.from(batch.labels as number[]) : null;
    const data = labels !== null ? { x, y: labels } : x;
    io.progress.start('report', 1);
    let result: Awaited<ReturnType<typeof explainModel>>;
    try {
      result = await explainModel(reportModel(loaded), data, {
        samples: batch.n,
        seed: o.seed ?? 0,
        ...(methods !== undefined ? { methods } : {}),
        ...(o.target !== undefined ? { target: o.target } : {}),
        ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
        onProgress: (done, total, stage) => io.progress.update(done, total, stage),
      });
    } finally {
      io.progress.stop();
    }
    const title = o.title ?? reportTitle(loaded);
    const html = renderReport(result, { title });
    const written = await writeAtomically(o.out, REPORT_FILES, async (tmp) => {
      await writeFile(`${tmp}/report.html`, html);
      await writeJson(`${tmp}/report.json`, result);
    });
    return {
      command: 'report',
      out: written.dir,
      files: written.files,
      model: { spec: loaded.spec, kind: loaded.kind, source: loaded.source },
      inputs: inputsText,
      samples: batch.n,
      methods: result.meta.methods.map(toKebabCase),
      skipped: result.meta.skipped.map((s) => ({ method: toKebabCase(s.method), reason: s.reason })),
      backend: backend.backend,
      timing: { totalMs: since(t0) },
    };
  } finally {
    x?.dispose();
    loaded.dispose();
  }
}

export function formatReport(s: ReportSummary): string {
  const lines = [
    `model:   ${s.model.spec} (${s.model.kind}, ${s.model.source}) on ${s.backend}`,
    `inputs:  ${s.inputs} (${s.samples} ${/^(spam|text|file):/i.test(s.inputs) ? 'text' : 'image'}${s.samples === 1 ? '' : 's'})`,
    `methods: ${s.methods.join(', ')}`,
  ];
  for (const k of s.skipped) lines.push(`skipped: ${k.method} (${k.reason})`);
  lines.push(`time:    ${(s.timing.totalMs / 1000).toFixed(1)} s`, `wrote:   ${s.files.map((f) => `${s.out}/${f}`).join(', ')}`);
  return lines.join('\n') + '\n';
}
