/**
 * `glassbox report` for a user's own model (see ../user-model.ts): @glassbox/report's classifier suite on the
 * user's photos, with the label names. The model is a classifier of unknown architecture, so the suite runs the
 * methods that need the model as a function only: saliency, integrated gradients, SmoothGrad, occlusion and
 * KernelSHAP. Grad-CAM, which needs the network split at a convolution, is left out. An ONNX model is refused
 * (exit 2): explainModel needs a synchronous TensorFlow.js model; `glassbox explain` takes it method by method.
 */
import { writeFile } from 'node:fs/promises';
import type { GlassboxModel } from '@glassbox/adapters';
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { explainModel, renderReport, type ReportModel } from '@glassbox/report';
import { usageError } from '../errors.js';
import { toKebabCase } from '../methods.js';
import { checkOutDir, writeAtomically, writeJson } from '../output.js';
import { setupBackend, since, type CliIo } from '../runtime.js';
import { checkUserOptions, disposeUserModel, loadUserImage, loadUserModel, modelImageSize, readLabels, scoresOf, type UserImage, type UserModelFile } from '../user-model.js';
import { REPORT_FILES, resolveReportMethods, type ReportCommandOptions, type ReportSummary } from './report.js';

/** The classifier suite's methods that take a model known only as a function. */
const FUNCTION_METHODS = ['saliency', 'integratedGradients', 'noiseTunnel', 'occlusion', 'kernelShap'] as const;

export interface UserReportOptions extends ReportCommandOptions {
  input?: string;
  preprocess?: string;
  crop?: string;
  layout?: string;
  logits?: boolean;
  labels?: string;
}

/** Runs report on a user's model and photos; returns the summary (printed by the program). */
export async function runUserReport(file: UserModelFile, o: UserReportOptions, io: CliIo): Promise<ReportSummary> {
  const t0 = performance.now();
  const opts = checkUserOptions(o, file);
  if (file.format === 'onnx') {
    // explainModel's suite measures faithfulness with gradients (sensitivity, infidelity on gradient maps) and
    // refuses asynchronous models as a whole.
    throw usageError(
      `report runs on TensorFlow.js models (layers or graph model.json); an ONNX model (run by onnxruntime, no gradients) is explained one method at a time: glassbox explain --model ${file.path} --method occlusion|feature-ablation|shapley-value-sampling|kernel-shap|lime ...`,
    );
  }
  const inputsText = o.input ?? o.inputs;
  if (inputsText === undefined) throw usageError(`--input must name your photos (PNG or JPEG, comma-separated) for your own model`);
  const paths = inputsText.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (paths.length === 0) throw usageError(`--input must name at least one photo`);
  const applicable = FUNCTION_METHODS;
  const asked = resolveReportMethods(o.methods, 'classifier');
  if (asked !== undefined) {
    for (const m of asked) {
      if (!(applicable as readonly string[]).includes(m)) {
        throw usageError(`report method ${toKebabCase(m)} needs the network split at a convolution, which the CLI does not do for your own model yet; use ${applicable.map(toKebabCase).join(', ')}`);
      }
    }
  }
  const methods = asked ?? [...applicable];
  await checkOutDir(o.out, REPORT_FILES);

  const backend = await setupBackend(o.backend, io);
  let model: GlassboxModel | null = null;
  const images: UserImage[] = [];
  let x: Tensor | null = null;
  try {
    model = await loadUserModel(file, { ...(opts.layout !== undefined ? { layout: opts.layout } : {}), logits: o.logits === true });
    let size = modelImageSize(model);
    for (const p of paths) {
      const im = await loadUserImage(p, size, opts);
      images.push(im);
      size = im.info.size;
    }
    x = tf.concat(images.map((im) => im.x), 0);
    const scores = await scoresOf(model, images[0]!.x);
    const classNames = o.labels !== undefined ? await readLabels(o.labels, scores.length) : undefined;
    const m = model;
    const reportModel: ReportModel = {
      kind: 'classifier',
      predict: (t: Tensor) => m.predict(t) as Tensor,
      modelName: file.path,
      ...(classNames !== undefined ? { classNames } : {}),
    } as ReportModel;
    io.progress.start('report', 1);
    let result: Awaited<ReturnType<typeof explainModel>>;
    try {
      result = await explainModel(reportModel, x, {
        samples: paths.length,
        seed: o.seed ?? 0,
        methods,
        ...(o.target !== undefined ? { target: o.target } : {}),
        ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
        onProgress: (done, total, stage) => io.progress.update(done, total, stage),
      });
    } finally {
      io.progress.stop();
    }
    const title = o.title ?? `Glassbox report: ${file.path} (your ${file.format} model)`;
    const html = renderReport(result, { title });
    const written = await writeAtomically(o.out, REPORT_FILES, async (tmp) => {
      await writeFile(`${tmp}/report.html`, html);
      await writeJson(`${tmp}/report.json`, result);
    });
    return {
      command: 'report',
      out: written.dir,
      files: written.files,
      model: { spec: o.model, kind: `user ${file.format}`, source: file.path },
      inputs: inputsText,
      samples: paths.length,
      methods: result.meta.methods.map(toKebabCase),
      skipped: result.meta.skipped.map((s) => ({ method: toKebabCase(s.method), reason: s.reason })),
      backend: backend.backend,
      timing: { totalMs: since(t0) },
    };
  } finally {
    x?.dispose();
    tf.dispose(images.map((im) => im.x));
    await disposeUserModel(model);
  }
}
