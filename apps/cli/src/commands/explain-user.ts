/**
 * `glassbox explain` for a user's own model (see ../user-model.ts): a TensorFlow.js layers / graph model.json or
 * an .onnx file, explained on a PNG or JPEG photo. Writes attribution.json (the attribution on the model's input
 * grid, the scores with the label names), heatmap.png and overlay.png on the ORIGINAL photo's grid (the
 * attribution mapped back through the crop and resize with the adapters' toOriginal), and input.png (the photo).
 */
import type { GlassboxModel } from '@glassbox/adapters';
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { fromPixels, heatmap, overlay, type RGBAImage } from '@glassbox/viz';
import { usageError } from '../errors.js';
import { KNOBS, resolveMethod, type MethodResult, type MethodSettings } from '../methods.js';
import { writeAtomically, writeJson, writePng, checkOutDir } from '../output.js';
import { setupBackend, since, type CliIo } from '../runtime.js';
import {
  argmax,
  checkUserLayer,
  checkUserMethod,
  defaultCamLayer,
  checkUserOptions,
  disposeUserModel,
  loadUserImage,
  loadUserModel,
  modelImageSize,
  readLabels,
  scoresOf,
  softmax,
  userLayerMethod,
  userSubject,
  type UserImage,
  type UserLayerMethod,
  type UserModelFile,
} from '../user-model.js';
import { EXPLAIN_FILES, attributionValues, flagSettings, parseSegments, round, type ExplainCommandOptions, type ExplainSummary } from './explain.js';

/** What the explained score is when --logits changed the model (see the adapters' `logits` option). */
export function logitsWords(logits: GlassboxModel['logits']): string {
  if (logits === 'input') return ', the logit (final softmax removed)';
  if (logits === 'log') return ', the log-probability (the final softmax could not be removed: log p = logit - logsumexp, the logit up to one constant per image)';
  return '';
}

/** Options of explain that do not apply to a user's model. */
const NOT_FOR_USER = ['class', 'objective', 'dims'] as const;

/** The methods that read --layer: grad-cam and guided-grad-cam (default: the last feature map), the layer methods (required). */
const CAM_METHODS = ['gradCam', 'guidedGradCam'];

/**
 * Runs a layer method (layer-integrated-gradients, layer-conductance) on a TensorFlow.js model: attributions
 * [1, ...layerShape] to the units of `layer`, with the options recorded in attribution.json.
 */
async function runLayerMethod(
  method: UserLayerMethod,
  model: GlassboxModel,
  x: Tensor,
  layer: string,
  s: { target: number; steps?: number; rule?: string; baseline?: number; batchSize?: number; onProgress: (done: number, total: number) => void },
): Promise<MethodResult> {
  const g = await import('@glassbox/explainers-gradient');
  const { optionDefault } = await import('@glassbox/tensors-ops');
  const { methodRegistry } = await import('@glassbox/report');
  const info = methodRegistry.get(method.fn).info;
  const call = {
    layer,
    steps: s.steps ?? optionDefault<number>(info, 'steps'),
    method: (s.rule ?? optionDefault<string>(info, 'method')) as 'gausslegendre',
    baseline: s.baseline ?? 0,
  };
  const fn = method.fn === 'layerIntegratedGradients' ? g.layerIntegratedGradients : g.layerConductance;
  const attribution = await fn(model as Parameters<typeof fn>[0], x, { ...call, target: s.target, onProgress: s.onProgress, ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}) });
  return { attribution, options: call };
}

/** Runs explain on a user's model; returns the summary (printed by the program). */
export async function runUserExplain(file: UserModelFile, o: ExplainCommandOptions, io: CliIo): Promise<ExplainSummary> {
  const t0 = performance.now();
  const layerMethod = userLayerMethod(o.method);
  const method = layerMethod ?? resolveMethod(o.method);
  checkUserMethod(method, file.format);
  const opts = checkUserOptions(o, file);
  for (const k of NOT_FOR_USER) if (o[k] !== undefined) throw usageError(`--${k} does not apply to your own model (an image classifier)`);
  if (layerMethod !== null && o.layer === undefined) throw usageError(`${layerMethod.name} attributes to the units of a layer: name it with --layer (one of the model's layers or graph nodes)`);
  const readsLayer = layerMethod !== null || CAM_METHODS.includes(method.fn);
  if (o.layer !== undefined && !readsLayer) io.err(`glassbox explain: warning: --layer does not apply to ${method.name}; ignored\n`);
  if (o.baseline !== undefined && !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(o.baseline.trim())) {
    throw usageError(`--baseline for your own model must be a number (in the model's input units, after --preprocess), got '${o.baseline}'`);
  }
  const segments = o.segments === undefined ? undefined : parseSegments(o.segments);
  for (const k of KNOBS) if (o[k] !== undefined && !(method.knobs as readonly string[]).includes(k)) io.err(`glassbox explain: warning: --${k} does not apply to ${method.name}; ignored\n`);
  await checkOutDir(o.out, EXPLAIN_FILES);

  const backend = await setupBackend(o.backend, io);
  let model: GlassboxModel | null = null;
  let image: UserImage | null = null;
  let attributions: Tensor | null = null;
  let delta: Tensor | null = null;
  let onPhoto: Tensor | null = null;
  try {
    model = await loadUserModel(file, { ...(opts.layout !== undefined ? { layout: opts.layout } : {}), logits: o.logits === true });
    const size = modelImageSize(model);
    image = await loadUserImage(o.input, size, opts);
    const scores = await scoresOf(model, image.x);
    const labels = o.labels !== undefined ? await readLabels(o.labels, scores.length) : null;
    const predicted = argmax(scores);
    if (o.target !== undefined && (!Number.isInteger(o.target) || o.target < 0 || o.target >= scores.length)) {
      throw usageError(`--target ${o.target} is out of range: the model has ${scores.length} outputs (0..${scores.length - 1})`);
    }
    const target = o.target ?? predicted;
    const name = (k: number) => (labels !== null ? `class ${k} (${labels[k]})` : `class ${k}`);
    const explains = `score of ${name(target)}${target === predicted ? ' (the predicted class)' : ` (predicted: ${name(predicted)})`}${logitsWords(model.logits)}`;
    // The layer grad-cam / guided-grad-cam read (default: the last feature map) or the layer method attributes to.
    let layer: string | null = null;
    if (readsLayer) {
      if (o.layer !== undefined) layer = checkUserLayer(model, o.layer);
      else if (model.kind !== 'onnx') {
        layer = defaultCamLayer(model, image.x);
        if (layer === null) throw usageError(`${method.name} needs a layer with feature maps [N, h, w, C], and the model has none; name a layer with --layer`);
      }
    }
    const subject = await userSubject(model, image.x, layer ?? undefined);
    const baseline: MethodSettings['baseline'] | undefined = o.baseline !== undefined && (method.knobs as readonly string[]).includes('baseline') ? { value: Number(o.baseline), label: Number(o.baseline) } : undefined;
    const seed = o.seed ?? 0;
    io.progress.start(method.name, 1);
    const t1 = performance.now();
    let result: MethodResult;
    try {
      result =
        layerMethod !== null
          ? await runLayerMethod(layerMethod, model, image.x, layer!, {
              target,
              ...(o.steps !== undefined ? { steps: o.steps } : {}),
              ...(o.rule !== undefined ? { rule: o.rule } : {}),
              ...(baseline !== undefined ? { baseline: baseline.value as number } : {}),
              ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
              onProgress: (done, total) => io.progress.update(done, total),
            })
          : await (method as Exclude<typeof method, UserLayerMethod>).run(
              subject,
              image.x,
              flagSettings(o, { target, baseline, segments, seed, onProgress: (done, total) => io.progress.update(done, total) }),
            );
    } finally {
      io.progress.stop();
    }
    const explainMs = since(t1);
    attributions = result.attribution.attributions;
    delta = result.attribution.delta ?? null;
    const { values, deltaValues } = await attributionValues(attributions, delta, method.name);

    // The attribution on the original photo's grid (zero outside a centre crop), drawn over the photo. A layer
    // method's map of a feature-map layer [1, h, w, C] is drawn as its sum over channels, stretched over the photo
    // (Captum's LayerAttribution.interpolate); a layer without a spatial grid ([1, C]) has no picture.
    const { toOriginal } = await import('@glassbox/adapters');
    const original = image.info.original;
    const [H, W] = [original.height, original.width];
    const mode = method.signed ? 'signed' : 'abs';
    const photo = fromPixels(original.data, [H, W, 3], { maxValue: 255 });
    const pictures: Record<string, RGBAImage> = { 'input.png': photo };
    let heatRecord: Record<string, unknown> | null = null;
    const drawable = layerMethod === null || attributions.rank === 4;
    if (drawable) {
      const a = attributions;
      const map = layerMethod === null ? a : tf.tidy(() => tf.sum(a, 3, true));
      try {
        onPhoto = toOriginal(map, image.info);
      } finally {
        if (map !== a) map.dispose();
      }
      const channels = onPhoto.shape[3]!;
      const big = Float32Array.from(await onPhoto.data());
      const { image: heat, scale: heatScale } = heatmap(big, [H, W, channels], { mode });
      const { image: faded } = heatmap(big, [H, W, channels], { mode, opacity: 'magnitude' });
      pictures['heatmap.png'] = heat;
      pictures['overlay.png'] = overlay(photo, faded, { alpha: 0.8 });
      heatRecord = { mode, min: heatScale.min, max: heatScale.max, colormap: heatScale.colormap, grid: 'original', width: W, height: H, ...(layerMethod !== null ? { of: 'the sum over the layer\'s channels' } : {}) };
    }

    let sum = 0;
    for (const v of values) sum += v;
    const shape = attributions.shape.slice();
    const probabilities = model.logits !== null || scores.some((v) => v < 0) || Math.abs(scores.reduce((a, b) => a + b, 0) - 1) > 1e-3 ? softmax(scores) : scores;
    const modelRecord = { spec: o.model, kind: 'user', format: file.format, source: file.path, ...(model.kind === 'onnx' ? { layout: model.layout } : {}), logits: model.logits };
    const document = {
      format: 'glassbox-attribution',
      version: 1,
      method: method.name,
      function: method.fn,
      package: method.pkg,
      resultMethod: result.attribution.method,
      space: layerMethod !== null ? 'layer' : 'input',
      ...(layer !== null ? { layer } : {}),
      model: modelRecord,
      input: {
        path: o.input,
        width: W,
        height: H,
        size: image.info.size,
        crop: image.info.crop,
        cropMode: opts.crop,
        preprocess: opts.preprocess,
      },
      labels,
      target,
      targetLabel: labels?.[target] ?? null,
      explains,
      prediction: {
        scores: scores.map((v) => round(v)),
        probabilities: probabilities.map((v) => round(v)),
        predicted,
        predictedLabel: labels?.[predicted] ?? null,
      },
      options: { ...result.options, seed, ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}) },
      ...(result.extra ?? {}),
      shape,
      values: Array.from(values),
      sum: round(sum),
      delta: deltaValues,
      heatmap: heatRecord,
      backend: backend.backend,
      timing: { explainMs, totalMs: since(t0) },
      createdAt: new Date().toISOString(),
    };
    const written = await writeAtomically(o.out, EXPLAIN_FILES, async (tmp) => {
      await writeJson(`${tmp}/attribution.json`, document);
      for (const [n, img] of Object.entries(pictures)) await writePng(`${tmp}/${n}`, img);
    });
    return {
      command: 'explain',
      out: written.dir,
      files: written.files,
      model: { spec: o.model, kind: `user ${file.format}`, source: file.path },
      method: method.name,
      input: o.input,
      target,
      explains,
      shape,
      backend: backend.backend,
      timing: { explainMs, totalMs: since(t0) },
    };
  } finally {
    tf.dispose([attributions, delta, onPhoto, image?.x].filter((t): t is Tensor => t != null));
    await disposeUserModel(model);
  }
}
