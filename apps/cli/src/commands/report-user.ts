/**
 * `glassbox report` for a user's own model (see ../user-model.ts): @glassbox/report's classifier suite on the
 * user's photos, with the label names. A TensorFlow.js model (layers or graph) gets the whole suite: saliency,
 * integrated gradients, SmoothGrad, occlusion, KernelSHAP and Grad-CAM (on --layer, default the last layer with
 * feature maps, read from the model directly). An ONNX model (run by onnxruntime: asynchronous, no gradients) gets
 * the methods that only call the model (occlusion, KernelSHAP) with every metric, which only calls the model too;
 * the report lists the gradient methods as skipped, with the reason. Asking for a gradient method by --methods on
 * an ONNX model is bad input (exit 2, naming the methods that apply).
 */
import { writeFile } from 'node:fs/promises';
import type { GlassboxModel } from '@glassbox/adapters';
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { explainModel, renderReport, type ReportModel } from '@glassbox/report';
import { usageError } from '../errors.js';
import { toKebabCase } from '../methods.js';
import { checkOutDir, writeAtomically, writeJson } from '../output.js';
import { setupBackend, since, type CliIo } from '../runtime.js';
import {
  checkUserLayer,
  checkUserOptions,
  defaultCamLayer,
  disposeUserModel,
  loadUserImage,
  loadUserModel,
  modelImageSize,
  readLabels,
  scoresOf,
  type UserImage,
  type UserModelFile,
} from '../user-model.js';
import { REPORT_FILES, resolveReportMethods, type ReportCommandOptions, type ReportSummary } from './report.js';

/** The classifier suite's methods that only call the model: what an ONNX model gets. */
const CALL_ONLY_METHODS = ['occlusion', 'kernelShap'] as const;

export interface UserReportOptions extends ReportCommandOptions {
  input?: string;
  preprocess?: string;
  crop?: string;
  layout?: string;
  logits?: boolean;
  labels?: string;
  layer?: string;
}

/** Runs report on a user's model and photos; returns the summary (printed by the program). */
export async function runUserReport(file: UserModelFile, o: UserReportOptions, io: CliIo): Promise<ReportSummary> {
  const t0 = performance.now();
  const opts = checkUserOptions(o, file);
  const inputsText = o.input ?? o.inputs;
  if (inputsText === undefined) throw usageError(`--input must name your photos (PNG or JPEG, comma-separated) for your own model`);
  const paths = inputsText.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (paths.length === 0) throw usageError(`--input must name at least one photo`);
  if (file.format === 'onnx' && o.layer !== undefined) throw usageError(`--layer applies to a TensorFlow.js model (layers or graph); an ONNX model gets no Grad-CAM`);
  const asked = resolveReportMethods(o.methods, 'classifier');
  if (asked !== undefined && file.format === 'onnx') {
    for (const m of asked) {
      if (!(CALL_ONLY_METHODS as readonly string[]).includes(m)) {
        throw usageError(
          `report method ${toKebabCase(m)} needs gradients of the model, and an ONNX model (run by onnxruntime) gives none; use the methods that only call the model: ${CALL_ONLY_METHODS.map(toKebabCase).join(', ')}`,
        );
      }
    }
  }
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
    const named = { modelName: file.path, ...(classNames !== undefined ? { classNames } : {}) };
    let reportModel: ReportModel;
    if (model.kind === 'onnx') {
      // The model itself as predict: flagged asynchronous, so the report runs the methods that only call it.
      reportModel = { kind: 'classifier', predict: model, ...named };
    } else {
      const m = model;
      // Grad-CAM reads a layer of the model directly (the model is a tensors-ops LayerModel): --layer, else the
      // last layer with feature maps; without one the report lists Grad-CAM as skipped.
      const camLayer = o.layer !== undefined ? checkUserLayer(m, o.layer) : defaultCamLayer(m, images[0]!.x);
      reportModel = {
        kind: 'classifier',
        predict: (t: Tensor) => m.predict(t),
        layerNames: m.layerNames,
        layerOutput: (t: Tensor, layer: string) => m.layerOutput(t, layer),
        forwardWithLayer: (t: Tensor, layer: string, value: Tensor) => m.forwardWithLayer(t, layer, value),
        ...(camLayer !== null ? { gradCamLayer: camLayer } : {}),
        ...named,
      };
    }
    io.progress.start('report', 1);
    let result: Awaited<ReturnType<typeof explainModel>>;
    try {
      result = await explainModel(reportModel, x, {
        samples: paths.length,
        seed: o.seed ?? 0,
        ...(asked !== undefined ? { methods: asked } : {}),
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
