/**
 * `glassbox report`: runs @glassbox/report's suite for the model's kind on a few inputs and writes the
 * self-contained HTML page (report.html: no external scripts, styles or images) and the data (report.json).
 */
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { KIND_ADAPTERS, REPORT_METHODS, explainModel, renderReport, type AnyKindAdapter, type ReportModel } from '@glassbox/report';
import { usageError } from '../errors.js';
import { loadImages, parseInputSpec } from '../inputs.js';
import { toKebabCase } from '../methods.js';
import { imageGeometry, loadModel, parseModelSpec, type LoadedModel } from '../models.js';
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

export async function runReport(o: ReportCommandOptions, io: CliIo): Promise<ReportSummary> {
  const t0 = performance.now();
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
    `inputs:  ${s.inputs} (${s.samples} image${s.samples === 1 ? '' : 's'})`,
    `methods: ${s.methods.join(', ')}`,
  ];
  for (const k of s.skipped) lines.push(`skipped: ${k.method} (${k.reason})`);
  lines.push(`time:    ${(s.timing.totalMs / 1000).toFixed(1)} s`, `wrote:   ${s.files.map((f) => `${s.out}/${f}`).join(', ')}`);
  return lines.join('\n') + '\n';
}
