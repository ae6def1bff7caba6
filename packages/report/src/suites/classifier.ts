import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, describe, formatShape, isAsyncModel, isLayerModel, mapBatches, resolveTargets, softmaxRow, tf, type ForwardFn, type LayerModel, type Predictable } from '@glassbox/tensors-ops';
import { gradCam, integratedGradients, noiseTunnel, saliency } from '@glassbox/explainers-gradient';
import { kernelShap, occlusion } from '@glassbox/explainers-perturbation';
import {
  METRIC_DIRECTIONS,
  completeness,
  deletionCurve,
  infidelity,
  insertionCurve,
  rankRows,
  sensitivityMax,
  sparseness,
  type AnyExplainer,
  type CurveResult,
} from '@glassbox/metrics';
import type {
  ClassifierReport,
  CurveSummary,
  ExplanationMetrics,
  ExplanationResult,
  RankingMetric,
  RankingRow,
  RankingTable,
} from '../types.js';
import { METHOD_LABELS } from '../labels.js';
import { mean, toArrayData, toRows } from '../internal/arrays.js';
import { baseMeta, selectMethods, spread, type SuiteContext } from '../internal/context.js';
import { patchGroups, pixelGroups } from '../internal/regions.js';
import { runStages, type Stage } from '../internal/stages.js';
import { guardModelCall, modelPart } from '../internal/validate.js';

interface MethodSpec {
  explain: AnyExplainer;
  /** Whether the map has a meaningful sign. */
  signed: boolean;
  /** Whether the map is "multiplied by inputs" (for infidelity). */
  multiplyByInputs: boolean;
  /** Whether the method has the completeness axiom (then its gap is reported). */
  complete: boolean;
}

/** The methods of the suite that need gradients of the model (a synchronous, differentiable TensorFlow.js model). */
export const GRADIENT_REPORT_METHODS: readonly string[] = ['saliency', 'integratedGradients', 'noiseTunnel', 'gradCam'];

/** Where Grad-CAM reads its feature maps: a LayerModel's layer by name, or a split of the model at a layer. */
type CamSite = { layer: string; via: 'layerModel' | 'split'; reason: null } | { layer: null; via: null; reason: string };

/**
 * The layer Grad-CAM explains: model.gradCamLayer, else model.lastConvLayer, else (with split) the last 'conv2d'
 * layer the model lists. A model that is a tensors-ops LayerModel (layerNames, layerOutput, forwardWithLayer: a
 * model from @glassbox/adapters) is explained at that layer directly; otherwise the model must split there.
 */
function gradCamLayer(model: Record<string, unknown>, where: string): CamSite {
  if (model.gradCamLayer !== undefined && (typeof model.gradCamLayer !== 'string' || model.gradCamLayer.length === 0)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.gradCamLayer must be a layer name, got ${describe(model.gradCamLayer)}`);
  }
  const named = typeof model.gradCamLayer === 'string' ? model.gradCamLayer : typeof model.lastConvLayer === 'string' && model.lastConvLayer.length > 0 ? model.lastConvLayer : null;
  if (isLayerModel(model) && named !== null) return { layer: named, via: 'layerModel', reason: null };
  if (typeof model.split !== 'function') {
    return isLayerModel(model)
      ? { layer: null, via: null, reason: 'the model names no gradCamLayer (one of its layerNames with feature maps [N, h, w, C])' }
      : { layer: null, via: null, reason: 'the model has no split(layer) method (Grad-CAM needs the feature maps of a layer)' };
  }
  if (named !== null) return { layer: named, via: 'split', reason: null };
  const layers = model.layers;
  if (Array.isArray(layers)) {
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i] as { name?: unknown; type?: unknown } | null;
      if (l != null && l.type === 'conv2d' && typeof l.name === 'string') return { layer: l.name, via: 'split', reason: null };
    }
  }
  return { layer: null, via: null, reason: "the model names no gradCamLayer and lists no 'conv2d' layer to default to" };
}

/**
 * The classifier's predict as the explainers and metrics take it. An asynchronous model (`async: true` on the
 * model or on its predict, an `async` predict, or predict: a model from loadOnnx) becomes a model flagged
 * `async: true`, which the model-agnostic methods await and the gradient methods refuse.
 */
function classifierForward(model: Record<string, unknown>, where: string): { f: Predictable; async: boolean } {
  const predict = model.predict;
  const isAsync = model.async === true || isAsyncModel(model) || isAsyncModel(predict);
  if (!isAsync) return { f: modelPart(model, 'predict', where) as ForwardFn, async: false };
  if (typeof predict === 'function') {
    const fn = predict as (x: Tensor) => Tensor | Promise<Tensor>;
    return { f: { async: true, predict: (x: Tensor) => fn.call(model, x) } as Predictable, async: true };
  }
  const inner = predict as { predict(x: Tensor): Tensor | Promise<Tensor> };
  return { f: { async: true, predict: (x: Tensor) => inner.predict(x) } as Predictable, async: true };
}

function curveSummary(r: CurveResult): CurveSummary {
  const copy = (rows: number[][] | undefined) => (rows ?? []).map((c) => c.slice());
  const randomAuc = r.randomAuc ?? [];
  return {
    fractions: r.fractions.slice(),
    curves: copy(r.curves),
    normalizedCurves: copy(r.normalizedCurves),
    auc: r.auc.slice(),
    randomCurves: copy(r.randomCurves),
    randomNormalizedCurves: copy(r.randomNormalizedCurves),
    randomAuc: randomAuc.slice(),
    meanAuc: mean(r.auc),
    meanRandomAuc: mean(randomAuc),
  };
}

export const RANKING_METRICS: readonly RankingMetric[] = ['deletion', 'insertion', 'infidelity', 'sensitivityMax', 'sparseness'];

/** Ranks the explanations with metrics' `rankRows`: per metric (1 = best, ties share the mean rank, a mean that is not finite last) and overall by mean rank. */
export function rankExplanations(explanations: ExplanationResult[]): RankingTable {
  const valueOf = (e: ExplanationResult, m: RankingMetric): number => {
    const x = e.metrics;
    switch (m) {
      case 'deletion':
        return x.deletion.meanAuc;
      case 'insertion':
        return x.insertion.meanAuc;
      case 'infidelity':
        return mean(x.scaledInfidelity);
      case 'sensitivityMax':
        return mean(x.sensitivityMax);
      case 'sparseness':
        return mean(x.sparseness);
    }
  };
  const rows: RankingRow[] = explanations.map((e) => {
    const means = {} as Record<RankingMetric, number>;
    for (const m of RANKING_METRICS) means[m] = valueOf(e, m);
    return { method: e.method, means, ranks: {} as Record<RankingMetric, number>, meanRank: 0, rank: 0 };
  });
  return {
    columns: RANKING_METRICS.map((metric) => ({ metric, direction: METRIC_DIRECTIONS[metric] })),
    rows: rankRows(rows, RANKING_METRICS),
  };
}

/**
 * The classifier suite: saliency, integrated gradients, SmoothGrad, occlusion, KernelSHAP on patches and
 * Grad-CAM, each for the target class of each input, scored by deletion / insertion AUC (with a random
 * order for reference), infidelity, max-sensitivity, sparseness and (IG, KernelSHAP) completeness.
 */
export async function classifierSuite(ctx: SuiteContext): Promise<ClassifierReport> {
  const { where, x, rowShape, settings, common, batchLoop, scope } = ctx;
  const model = ctx.model as Record<string, unknown>;
  const p = model.predict as { predict?: unknown } | null | undefined;
  if (typeof p !== 'function' && !(p != null && typeof p === 'object' && typeof p.predict === 'function')) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: a classifier must have predict(x) returning logits [N, K] (or a Promise of them), or predict: a model with predict(x), got model.predict = ${describe(model.predict)}`,
    );
  }
  const { f, async: asyncModel } = classifierForward(model, where);
  const cam = gradCamLayer(model, where);
  const unavailable: Record<string, string | null> = { gradCam: cam.reason };
  if (asyncModel) {
    const agnostic = ctx.reportMethods.filter((m) => !GRADIENT_REPORT_METHODS.includes(m)).join(', ');
    for (const m of GRADIENT_REPORT_METHODS) {
      unavailable[m] = `${m} needs gradients of a differentiable TensorFlow.js model, and this model is asynchronous (its predict returns a Promise, e.g. an ONNX model run by onnxruntime); the methods that only call the model run instead: ${agnostic}`;
    }
  }
  const { methods, skipped } = selectMethods(ctx, unavailable, where, (m) => new GlassboxError('INVALID_ARGUMENT', m));
  const s = x.shape[0]!;
  const pixels = pixelGroups(rowShape);
  const rank = rowShape.length;
  const windowOf = (side: number) => (rank === 3 ? [side, side, rowShape[2]!] : [side, side]);

  const specs: Record<string, () => MethodSpec> = {
    saliency: () => ({ explain: (g, xx, o) => saliency(g, xx, o), signed: false, multiplyByInputs: false, complete: false }),
    integratedGradients: () => ({
      explain: (g, xx, o) => integratedGradients(g, xx, { ...o, steps: settings.igSteps }),
      signed: true,
      multiplyByInputs: true,
      complete: true,
    }),
    noiseTunnel: () => {
      const smooth = noiseTunnel(saliency, { samples: settings.noiseSamples, stdev: settings.noiseStdev * spread(ctx) });
      return { explain: (g, xx, o) => smooth(g, xx, { ...o, seed: common.seed }), signed: false, multiplyByInputs: false, complete: false };
    },
    occlusion: () => {
      const window = windowOf(Math.min(settings.occlusionWindow, rowShape[0]!, rowShape[1]!));
      const strides = windowOf(Math.min(settings.occlusionStride, rowShape[0]!, rowShape[1]!));
      return { explain: (g, xx, o) => occlusion(g, xx, { ...o, window, strides }), signed: true, multiplyByInputs: true, complete: false };
    },
    kernelShap: () => {
      const featureMask = patchGroups(rowShape, settings.kernelShapCells);
      // Each element gets its share 1/|patch| of the patch's Shapley value, so that the map adds up to
      // F(x) - F(0) (efficiency) like integrated gradients, and its scale per pixel is comparable.
      const counts = new Map<number, number>();
      for (const g of featureMask) counts.set(g, (counts.get(g) ?? 0) + 1);
      const share = Float32Array.from(featureMask, (g) => 1 / counts.get(g)!);
      return {
        explain: async (g, xx, o) => {
          const r = await kernelShap(g, xx, { ...o, featureMask, samples: settings.kernelShapSamples });
          try {
            return { ...r, attributions: tf.tidy(() => tf.mul(r.attributions, tf.tensor(share, rowShape))) };
          } finally {
            r.attributions.dispose();
          }
        },
        signed: true,
        multiplyByInputs: true,
        complete: true,
      };
    },
    gradCam: () => {
      if (cam.via === 'layerModel') {
        const layerModel = model as unknown as LayerModel;
        const layer = cam.layer;
        return {
          explain: (_g, xx, o) => {
            const { seed: _seed, baseline: _baseline, ...rest } = (o ?? {}) as Record<string, unknown>;
            return gradCam(layerModel, xx, { ...rest, layer });
          },
          signed: false,
          multiplyByInputs: false,
          complete: false,
        };
      }
      const split = (model.split as (layer: string) => { features: unknown; head: unknown }).call(model, cam.layer!);
      if (split == null || typeof split !== 'object' || split.features === undefined || split.head === undefined) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.split('${cam.layer}') must return { features, head }, got ${describe(split)}`);
      }
      const camModel = { features: split.features, head: split.head } as Parameters<typeof gradCam>[0];
      return {
        explain: (_g, xx, o) => {
          const { seed: _seed, baseline: _baseline, ...rest } = (o ?? {}) as Record<string, unknown>;
          return gradCam(camModel, xx, rest);
        },
        signed: false,
        multiplyByInputs: false,
        complete: false,
      };
    },
  };

  let logits: number[][] = [];
  let targets: number[] = [];
  let predicted: number[] = [];
  const maps = new Map<string, { spec: MethodSpec; a: Tensor }>();
  const metrics = new Map<string, Partial<ExplanationMetrics>>();
  const explainOptions = () => ({ ...common, target: targets });

  const stages: Stage[] = [];
  stages.push({
    name: 'predict',
    run: async () => {
      const out = scope.keep(await guardModelCall(() => mapBatches(f, x, { ...batchLoop, where }), 'model.predict', x.shape, where));
      if (out.rank !== 2 || out.shape[1]! < 2) {
        throw new GlassboxError('SHAPE_MISMATCH', `${where}: model.predict must return logits [N, K] with K >= 2 classes, got shape ${formatShape(out.shape)}`);
      }
      logits = toRows(out);
      predicted = logits.map((row) => row.indexOf(Math.max(...row)));
      const k = out.shape[1]!;
      const names = model.classNames;
      if (names !== undefined && (!Array.isArray(names) || names.length !== k || !names.every((n) => typeof n === 'string'))) {
        throw new GlassboxError('SHAPE_MISMATCH', `${where}: model.classNames must be ${k} strings (one per logit), got ${describe(names)}`);
      }
      const t = ctx.args.target;
      targets = t === undefined ? predicted.slice() : Array.from(resolveTargets(t, out.shape, s, where));
    },
  });
  for (const m of methods) {
    stages.push({
      name: m,
      run: async () => {
        const spec = specs[m]!();
        const result = await spec.explain(f, x, explainOptions());
        result.delta?.dispose();
        maps.set(m, { spec, a: scope.keep(result.attributions) });
        metrics.set(m, {});
      },
    });
  }
  const curve = { intervals: settings.curveSteps, featureMask: pixels, random: true };
  for (const m of methods) {
    const get = () => maps.get(m)!;
    stages.push({
      name: `deletion(${m})`,
      run: async () => {
        metrics.get(m)!.deletion = curveSummary(await deletionCurve(f, x, get().a, { ...curve, ...explainOptions() }));
      },
    });
    stages.push({
      name: `insertion(${m})`,
      run: async () => {
        metrics.get(m)!.insertion = curveSummary(await insertionCurve(f, x, get().a, { ...curve, ...explainOptions() }));
      },
    });
    stages.push({
      name: `infidelity(${m})`,
      run: async () => {
        const r = await infidelity(f, x, get().a, {
          ...explainOptions(),
          perturbation: 'subtract',
          samples: settings.infidelitySamples,
          featureMask: pixels,
          multiplyByInputs: get().spec.multiplyByInputs,
        });
        const into = metrics.get(m)!;
        into.infidelity = r.infidelity.slice();
        into.scaledInfidelity = r.scaledInfidelity.slice();
      },
    });
    stages.push({
      name: `sensitivityMax(${m})`,
      run: async () => {
        const rows = Math.min(settings.sensitivityRows, s);
        const xs = scope.keep(tf.slice(x, 0, rows));
        metrics.get(m)!.sensitivityMax = await sensitivityMax(get().spec.explain, f, xs, {
          ...common,
          radius: settings.sensitivityRadius * spread(ctx),
          samples: settings.sensitivitySamples,
          target: targets.slice(0, rows),
        });
      },
    });
    stages.push({
      name: `sparseness(${m})`,
      run: async () => {
        const into = metrics.get(m)!;
        into.sparseness = sparseness(get().a);
        into.completeness = get().spec.complete
          ? await completeness(f, x, get().a, { baseline: 0, target: targets, batchSize: common.batchSize, ...(common.signal ? { signal: common.signal } : {}) })
          : null;
      },
    });
  }

  await runStages(stages, { onProgress: ctx.args.onProgress, signal: ctx.args.signal }, where);

  const explanations: ExplanationResult[] = methods.map((m) => {
    const { spec, a } = maps.get(m)!;
    return {
      method: m,
      label: METHOD_LABELS[m] ?? m,
      attributions: toArrayData(a),
      signed: spec.signed,
      metrics: metrics.get(m) as ExplanationMetrics,
    };
  });
  const k = logits[0]?.length ?? 0;
  const names = model.classNames as string[] | undefined;
  return {
    kind: 'classifier',
    meta: baseMeta(ctx, methods, skipped),
    inputs: toArrayData(x),
    classNames: names ? names.slice() : Array.from({ length: k }, (_, i) => String(i)),
    predictions: {
      logits,
      probabilities: logits.map((row) => softmaxRow(row)),
      predicted,
      target: targets,
      labels: ctx.args.labels ? ctx.args.labels.slice(0, s) : null,
    },
    explanations,
    ranking: explanations.length > 0 ? rankExplanations(explanations) : null,
  };
}
