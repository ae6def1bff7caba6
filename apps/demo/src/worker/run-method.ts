// Running one method of the registry on the input (see runMethod).
import { GlassboxError, tf } from '@glassbox/tensors-ops';
import type { Attribution, Tensor } from '@glassbox/tensors-ops';
import { gridSegments, segmentsToFeatureMask } from '@glassbox/explainers-perturbation';
import { methodRegistry } from '@glassbox/report';
import { DEMO_OVERRIDES, methodView } from '../methods.js';
import type { OptionValues } from '../methods.js';
import { PIXELS, SIZE } from '../protocol.js';
import { VIEWS } from './views.js';
import { dataRows } from './data.js';
import type { Context } from './context.js';

export const num = (o: OptionValues, k: string, d: number): number => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : d);
export const str = (o: OptionValues, k: string, d: string): string => (typeof o[k] === 'string' ? (o[k] as string) : d);

export interface Common {
  target?: number;
  seed: number;
  signal: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface MethodResult {
  attribution: Attribution;
  segments?: Int32Array;
  extra: Record<string, number | string>;
}

export function gridMask(cells: number): { mask: Int32Array; segments: Int32Array } {
  const segments = gridSegments([SIZE, SIZE, 1], { cells });
  return { mask: segmentsToFeatureMask(segments, [SIZE, SIZE, 1]), segments };
}

/** Row 0 of a batch attribution, as an Attribution of one row. */
export function firstRow(a: Attribution): Attribution {
  const row = tf.slice(a.attributions, [0, 0, 0, 0], [1, SIZE, SIZE, 1]);
  tf.dispose([a.attributions, a.delta ?? []]);
  return { attributions: row, method: a.method };
}

export type Explainer = (subject: unknown, x: Tensor, options: Record<string, unknown>) => Promise<Attribution & { score?: number[]; segments?: Int32Array[] }>;

/**
 * Runs one method of the registry on x with the context's score. The registry says what to hand it (its
 * `subject`), which of the page's options are its own (`optionKeys`), whether it explains a batch and what it
 * returns; the demo's knobs (see DEMO_OVERRIDES) become options here.
 */
export async function runMethod(method: string, o: OptionValues, ctx: Context, x: Tensor, c: Common): Promise<MethodResult> {
  const entry = methodRegistry.get(method);
  const info = entry.info;
  const view = methodView(VIEWS, method);
  const knobs = new Set((DEMO_OVERRIDES[method]?.knobs ?? []).map((k) => k.key));
  const t = c.target !== undefined ? { target: c.target } : {};
  const options: Record<string, unknown> = { ...t, signal: c.signal, ...(c.onProgress ? { onProgress: c.onProgress } : {}) };
  if (info.optionKeys.includes('seed')) options['seed'] = c.seed;
  for (const [k, v] of Object.entries(o)) if (!knobs.has(k) && info.optionKeys.includes(k)) options[k] = v;
  const extra: Record<string, number | string> = {};
  const owned: Tensor[] = [];
  let segments: Int32Array | undefined;
  try {
    // The demo's knobs.
    if (knobs.has('window')) {
      const w = num(o, 'window', 4);
      const s = num(o, 'stride', w);
      options['window'] = [w, w, 1];
      options['strides'] = [s, s, 1];
    }
    if (knobs.has('segmentation')) {
      options['segmentation'] = str(o, 'segmentation', 'grid') === 'slic' ? { kind: 'slic', segments: num(o, 'segments', 25) } : { kind: 'grid', cells: num(o, 'cells', 7) };
    } else if (knobs.has('cells')) {
      const cellsMax = view.options.find((k) => k.key === 'cells' && k.type === 'number');
      const g = gridMask(Math.min(cellsMax?.type === 'number' ? cellsMax.max : SIZE, num(o, 'cells', 7)));
      options['featureMask'] = g.mask;
      segments = g.segments;
    }
    if (knobs.has('baselines')) options['baseline'] = own(owned, dataRows(num(o, 'baselines', 8)));
    let rows = x;
    if (knobs.has('rows')) rows = own(owned, tf.tidy(() => tf.concat([x, dataRows(num(o, 'rows', 16) - 1)], 0)));

    // Its subject.
    let subject: unknown = ctx.f;
    if (info.subject === 'layered') {
      if (ctx.layered === undefined) throw new GlassboxError('INVALID_ARGUMENT', `${info.label} needs a model that runs layer by layer`);
      subject = ctx.layered;
    } else if (info.subject === 'splittable') {
      if (ctx.cam === undefined) throw new GlassboxError('INVALID_ARGUMENT', `${info.label} needs a convolutional model`);
      const { model, layer } = ctx.cam(str(o, 'layer', ''));
      subject = model;
      delete options['layer'];
      if (layer !== undefined) options['layer'] = layer;
      extra['layer'] = str(o, 'layer', '');
    }

    // A wrapper (the noise tunnel) is configured with its options and the explainer it wraps.
    let explainer = entry.fn as unknown as Explainer;
    if (info.wrapper) {
      const base = str(o, 'base', 'saliency');
      const config: Record<string, unknown> = { seed: c.seed };
      for (const { key } of info.options) {
        if (key in options) config[key] = options[key];
        delete options[key];
      }
      explainer = (entry.fn as unknown as (e: unknown, o: Record<string, unknown>) => Explainer)(methodRegistry.get(base).fn, config);
      if (base === 'integratedGradients') options['steps'] = num(o, 'steps', 8);
      extra['wrapped'] = base;
    }

    const a = await explainer(subject, rows, options);
    if (info.output === 'model') {
      // A global surrogate: its coefficients per feature group, drawn on the group's pixels.
      const s = a as unknown as { coefficients: Float32Array | number[]; fidelity: number };
      if (segments === undefined) throw new GlassboxError('INVALID_ARGUMENT', `${info.label} needs feature groups`);
      const map = new Float32Array(PIXELS);
      for (let p = 0; p < PIXELS; p++) map[p] = s.coefficients[segments[p]!]!;
      extra['fidelity R²'] = s.fidelity;
      extra['data'] = rows.shape[0]!;
      return { attribution: { attributions: tf.tensor4d(map, [1, SIZE, SIZE, 1]), method: info.name }, segments, extra };
    }
    if (a.score !== undefined && a.score.length > 0) extra['local R²'] = a.score[0]!;
    const segs = segments ?? a.segments?.[0];
    if (info.batch) {
      extra['batch'] = rows.shape[0]!;
      return { attribution: firstRow(a), ...(segs !== undefined ? { segments: segs } : {}), extra };
    }
    return { attribution: a, ...(segs !== undefined ? { segments: segs } : {}), extra };
  } finally {
    tf.dispose(owned);
  }
}

export function own<T extends Tensor>(list: Tensor[], t: T): T {
  list.push(t);
  return t;
}
