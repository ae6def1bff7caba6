// An explanation with its metrics (and the latent panel for models with a latent code).
import { asForward, tf } from '@glassbox/tensors-ops';
import type { Attribution, Predictable, Tensor } from '@glassbox/tensors-ops';
import { completeness, deletionCurve, infidelity, insertionCurve, randomizationSanityCheck, sensitivityMax, sparseness, type CurveResult } from '@glassbox/metrics';
import { LATENT_DEFAULTS, METRIC_DEFAULTS, methodView } from '../methods.js';
import type { Curve, ExplainData, LatentData, MetricsData, Request } from '../protocol.js';
import { Progress } from './post.js';
import { VIEWS } from './views.js';
import { getModel, prepare, values } from './models.js';
import { contextOf } from './context.js';
import { adapterOf, objectiveOf } from './kind.js';
import type { Context } from './context.js';
import { runMethod } from './run-method.js';
import { latentPanel } from './latent.js';

/** The first row of a deletion or insertion curve, normalised as the metrics define it (see Curve). */
export function curveOf(r: CurveResult): Curve {
  return {
    fractions: r.fractions,
    curve: r.normalizedCurves[0]!,
    auc: r.auc[0]!,
    inputScore: r.inputScores[0]!,
    baselineScore: r.baselineScores[0]!,
    ...(r.randomNormalizedCurves ? { random: r.randomNormalizedCurves[0]!, randomAuc: r.randomAuc![0]! } : {}),
  };
}

export async function explain(req: Extract<Request, { type: 'explain' }>, signal: AbortSignal): Promise<ExplainData> {
  const started = performance.now();
  const l = await getModel(req.model);
  const entry = methodView(VIEWS, req.method);
  const p = prepare(l, req.input);
  const held: Tensor[] = [];
  try {
    const ctx = contextOf(l, p, req.region, req.target, objectiveOf(adapterOf(l), req.objective));
    // The sanity check needs a network to randomize (a classifier's); the latent panel a code.
    const sanity = req.metrics.sanity && ctx.randomizable !== undefined;
    const hasLatent = p.z !== undefined;
    const stages = 1 + 4 + (req.metrics.sensitivity && !entry.batch ? 1 : 0) + (sanity ? 1 : 0) + (hasLatent ? 3 : 0);
    const progress = new Progress(req.id, stages);
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
    if (sanity && ctx.randomizable !== undefined) {
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
      ...(ctx.targetLabel !== undefined ? { targetLabel: ctx.targetLabel } : {}),
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
