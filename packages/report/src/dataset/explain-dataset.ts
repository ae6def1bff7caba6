/**
 * explainDataset: one explainer over a whole data set, in chunks, aggregated exactly.
 *
 * Local explanations answer "why this prediction"; averaged over a data set they answer global questions:
 * which features matter for a class, on average and in magnitude, and how faithful the explainer is on
 * average. This module runs any explainer of the contract over the rows of a data set chunk by chunk (a
 * bounded amount of memory), and keeps for each feature the exact sums of the attributions and of their
 * absolute values, overall and per class (see exact-sum.ts), plus one row of plain numbers per example
 * (label, predicted class, explained score, deletion AUC). The result is a `DatasetPartial`: the partials
 * of the shards of a run merge (summarizeDataset) into the same summary, bit for bit, whatever the number
 * of shards, because
 *   - every example is explained in the same chunk of the run whatever the shard split (shards take whole
 *     chunks of a fixed grid: chunk k holds rows [k*chunkSize, (k+1)*chunkSize) of the data), with the same
 *     seed (options.seed + the chunk's first global index), and
 *   - the sums are exact integers, so the order in which shards and chunks are added does not matter.
 *
 *   meanAttribution_j    = (1/N) sum_n a_{n,j}            meanAbsAttribution_j = (1/N) sum_n |a_{n,j}|
 *   perClass[c]          = the same over the rows whose class is c
 *   class of a row       = its label when labels are given, else the model's predicted class (argmax)
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  checkOptionKeys,
  GlassboxError,
  throwIfAborted,
  tf,
  type Attribution,
  type ExplainOptions,
  type PoolOption,
  type Predictable,
} from '@glassbox/tensors-ops';
import { deletionCurve } from '@glassbox/metrics';
import { surrogate, type SurrogateOptions } from '@glassbox/explainers-perturbation';
import { ExactSums } from './exact-sum.js';

/** Any explainer of the contract: (f, x, options) -> Attribution (its options type is the explainer's own). */
export type DatasetExplainer = (f: Predictable, x: Tensor, options: never) => Promise<Attribution>;
type CallableExplainer = (f: Predictable, x: Tensor, options: ExplainOptions & Record<string, unknown>) => Promise<Attribution>;

/** The data: N rows of `shape` (row-major float32, e.g. NHWC images), with optional labels. */
export interface DatasetInput {
  /** N * prod(shape[1:]) values, row-major. */
  images: Float32Array;
  /** [N, ...rowShape]. */
  shape: readonly number[];
  /** N class labels (integers >= 0); when absent a row's class is the model's predicted class. */
  labels?: Int32Array | readonly number[];
}

/** One shard of a run: `index` in 0..count-1. */
export interface ShardSpec {
  index: number;
  count: number;
}

export interface ExplainDatasetOptions extends PoolOption {
  /** Options of the explainer (steps, window, baseline, ...), passed through as they are. Default {}. */
  explainerOptions?: Record<string, unknown>;
  /**
   * What is explained for each row: 'class' (default) the output column of the row's class (its label, else its
   * predicted class), 'predicted' the predicted class, or a fixed output column.
   */
  target?: 'class' | 'predicted' | number;
  /** Rows per explainer call and the grid shards are cut on; default 16. Results depend on it only through the
   *  explainer (a random explainer draws per chunk); the aggregation does not. */
  chunkSize?: number;
  /** The part of the rows this call explains: whole chunks [floor(i*C/n), floor((i+1)*C/n)) of the C chunks. Default { index: 0, count: 1 }. */
  shard?: ShardSpec;
  /** The global index of data row 0 (recorded in the rows; seeds of chunk k are seed + indexOffset + k*chunkSize). Default 0. */
  indexOffset?: number;
  /** Seed of every random draw; default 0. */
  seed?: number;
  /**
   * Deletion curve per example (metrics' deletionCurve, features removed to the baseline 0 in the order of the
   * attribution): its normalised AUC is averaged with a 95% confidence interval. false to skip; default
   * { intervals: 10 }.
   */
  deletion?: false | { intervals?: number; baseline?: number };
  /**
   * The global surrogate (explainers-perturbation's `surrogate`, ridge on cell means) of the explained score,
   * fitted on the first `rows` rows of the data (not of the shard), by the shard of index 0 only, so that the
   * merged result does not depend on the shard count. false to skip; default { rows: 200, cell: 4, holdout: 0.2 }.
   */
  surrogate?: false | { rows?: number; cell?: number; holdout?: number; kind?: SurrogateOptions['kind'] };
  /** Keep each example's attribution in the result (N * features float32). Default false. */
  keepAttributions?: boolean;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** One example's plain numbers. */
export interface DatasetRow {
  /** Global index (indexOffset + row). */
  index: number;
  label: number | null;
  predicted: number;
  /** The row's class for the per-class sums (label, else predicted). */
  cls: number;
  /** The explained output column. */
  target: number;
  /** The explained score F(x)[target]. */
  score: number;
  /** Normalised deletion AUC (NaN when deletion is off). */
  deletionAuc: number;
}

/** The surrogate's outcome: fitted, or why not. */
export type SurrogateSummary =
  | { fitted: true; kind: string; rows: number; features: number; fidelity: number; trainFidelity: number; holdoutRows: number }
  | { fitted: false; reason: string };

/** What one call returns; shards merge with summarizeDataset. */
export interface DatasetPartial {
  rowShape: number[];
  featureCount: number;
  /** Rows explained. */
  count: number;
  classBy: 'label' | 'predicted';
  sum: ExactSums;
  absSum: ExactSums;
  /** Per class (as a string key): count and exact sums. */
  perClass: Record<string, { count: number; sum: ExactSums; absSum: ExactSums }>;
  /** Exact sums of the per-example deletion AUC and its square (f64), over `deletionCount` rows. */
  deletion: { count: number; sum: ExactSums; sumSq: ExactSums } | null;
  rows: DatasetRow[];
  /** [count, ...rowShape] row-major when keepAttributions. */
  attributions?: Float32Array;
  /** Present on the shard of index 0 when the surrogate is on. */
  surrogate?: SurrogateSummary;
  /** The global rows this call covered: [start, end) (empty when start === end). */
  range: [number, number];
}

/** The option keys of explainDataset (an unknown key is refused naming the closest one). */
export const EXPLAIN_DATASET_OPTION_KEYS: readonly string[] = Object.freeze([
  'explainerOptions', 'target', 'chunkSize', 'shard', 'indexOffset', 'seed', 'deletion', 'surrogate', 'keepAttributions', 'onProgress', 'signal', 'pool',
]);

function positiveInt(v: unknown, name: string, where: string, def: number, min = 1): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

/** The rows [start, end) of shard `index` of `count` over n rows cut in chunks of `chunkSize`. */
export function shardRows(n: number, chunkSize: number, shard: ShardSpec): [number, number] {
  const chunks = Math.ceil(n / chunkSize);
  const a = Math.floor((shard.index * chunks) / shard.count);
  const b = Math.floor(((shard.index + 1) * chunks) / shard.count);
  return [Math.min(n, a * chunkSize), Math.min(n, b * chunkSize)];
}

/** Checks a shard spec: integers with 0 <= index < count. */
export function checkShard(shard: unknown, where: string, name = 'options.shard'): ShardSpec {
  const s = shard as ShardSpec | null;
  if (s == null || typeof s !== 'object' || !Number.isSafeInteger(s.index) || !Number.isSafeInteger(s.count) || s.count < 1 || s.index < 0 || s.index >= s.count) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be { index, count } with integers 0 <= index < count and count >= 1, got ${JSON.stringify(shard)}`);
  }
  return { index: s.index, count: s.count };
}

async function forward(model: Predictable, x: Tensor): Promise<Tensor> {
  const out = typeof model === 'function' ? model(x) : await model.predict(x);
  return out as Tensor;
}

/** Mean of |x| over cells x cells blocks of an [H, W, C] row: an int32 feature mask (group ids row-major over cells). */
function cellMask(rowShape: number[], cell: number): Int32Array | undefined {
  if (rowShape.length !== 3) return undefined;
  const [h, w, c] = rowShape as [number, number, number];
  const cw = Math.ceil(w / cell);
  const mask = new Int32Array(h * w * c);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) mask[(i * w + j) * c + k] = Math.floor(i / cell) * cw + Math.floor(j / cell);
  return mask;
}

/**
 * Runs `explainer` over the rows of `data` (the shard's part), chunk by chunk, and returns exact partial sums
 * and per-example numbers (see the module comment for the definitions).
 *
 * @param model the model [N, ...] -> [N, K] (a classifier's logits; K >= 1).
 * @param data the rows (DatasetInput; N >= 1).
 * @param explainer any explainer of the contract (integratedGradients, occlusion, ...).
 * @param options see ExplainDatasetOptions (chunkSize 16, target 'class', deletion { intervals: 10 },
 *   surrogate { rows: 200, cell: 4 }, shard { 0, 1 }, seed 0, pool, onProgress, signal).
 * @returns a DatasetPartial (plain data; no tensors to dispose).
 *
 * @example
 * ```ts
 * const d = await loadDigitsArrays({ split: 'test', limit: 100 });
 * const p = await explainDataset(cnn, d, integratedGradients, { explainerOptions: { steps: 16 } });
 * const s = summarizeDataset([p]);   // s.meanAttribution, s.perClass['7'].meanAttribution, s.metrics.deletionAuc
 * ```
 */
export async function explainDataset(model: Predictable, data: DatasetInput, explainer: DatasetExplainer, options: ExplainDatasetOptions = {}): Promise<DatasetPartial> {
  const where = 'explainDataset';
  options = checkOptionKeys<ExplainDatasetOptions>(options, EXPLAIN_DATASET_OPTION_KEYS, where);
  if (typeof model !== 'function' && (model == null || typeof (model as { predict?: unknown }).predict !== 'function')) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must be a function (x) => Tensor or an object with predict(x), got ${typeof model}`);
  }
  if (typeof explainer !== 'function') throw new GlassboxError('INVALID_ARGUMENT', `${where}: explainer must be an explainer function (f, x, options) => Promise<Attribution>, got ${typeof explainer}`);
  if (data == null || !(data.images instanceof Float32Array) || !Array.isArray(data.shape) || data.shape.length < 2) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: data must be { images: Float32Array, shape: [N, ...], labels? }, got ${data == null ? String(data) : Object.keys(data).join(', ')}`);
  }
  const shape = [...data.shape];
  const n = shape[0]!;
  const rowShape = shape.slice(1);
  const F = rowShape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 1)) throw new GlassboxError('SHAPE_MISMATCH', `${where}: data.shape must be positive integers, got [${shape.join(', ')}]`);
  if (data.images.length !== n * F) throw new GlassboxError('SHAPE_MISMATCH', `${where}: data.images has ${data.images.length} values, data.shape [${shape.join(', ')}] needs ${n * F}`);
  const labels = data.labels;
  if (labels !== undefined) {
    if (labels.length !== n) throw new GlassboxError('SHAPE_MISMATCH', `${where}: data.labels has ${labels.length} entries, expected ${n} (one per row)`);
    for (let i = 0; i < n; i++) if (!Number.isSafeInteger(labels[i]) || labels[i]! < 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.labels[${i}] must be an integer >= 0, got ${labels[i]}`);
  }
  const chunkSize = positiveInt(options.chunkSize, 'options.chunkSize', where, 16);
  const indexOffset = positiveInt(options.indexOffset, 'options.indexOffset', where, 0, 0);
  const seed = positiveInt(options.seed, 'options.seed', where, 0, 0);
  const shard = options.shard === undefined ? { index: 0, count: 1 } : checkShard(options.shard, where);
  const target = options.target ?? 'class';
  if (target !== 'class' && target !== 'predicted' && !(typeof target === 'number' && Number.isSafeInteger(target) && target >= 0)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.target must be 'class', 'predicted' or an output column >= 0, got ${JSON.stringify(target)}`);
  }
  const deletion = options.deletion === false ? null : { intervals: positiveInt(options.deletion?.intervals, 'options.deletion.intervals', where, 10), baseline: options.deletion?.baseline ?? 0 };
  const surr = options.surrogate === false ? null : { rows: positiveInt(options.surrogate?.rows, 'options.surrogate.rows', where, 200, 2), cell: positiveInt(options.surrogate?.cell, 'options.surrogate.cell', where, 4), holdout: options.surrogate?.holdout ?? 0.2, kind: options.surrogate?.kind ?? 'ridge' };
  const explainerOptions = options.explainerOptions ?? {};
  if (explainerOptions == null || typeof explainerOptions !== 'object') throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.explainerOptions must be an object, got ${String(explainerOptions)}`);
  for (const k of ['target', 'seed', 'signal', 'onProgress', 'pool']) {
    if (k in explainerOptions) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.explainerOptions.${k} is set by explainDataset; use options.${k === 'target' ? 'target' : k} instead`);
  }
  const { signal, onProgress, pool } = options;
  throwIfAborted(signal, where);

  const [start, end] = shardRows(n, chunkSize, shard);
  const classBy: 'label' | 'predicted' = labels !== undefined ? 'label' : 'predicted';
  const partial: DatasetPartial = {
    rowShape,
    featureCount: F,
    count: 0,
    classBy,
    sum: new ExactSums(F, 'f32'),
    absSum: new ExactSums(F, 'f32'),
    perClass: {},
    deletion: deletion ? { count: 0, sum: new ExactSums(1, 'f64'), sumSq: new ExactSums(1, 'f64') } : null,
    rows: [],
    range: [indexOffset + start, indexOffset + end],
  };
  const kept = options.keepAttributions ? new Float32Array((end - start) * F) : undefined;
  const total = end - start;
  onProgress?.(0, total);
  for (let c0 = start; c0 < end; c0 += chunkSize) {
    throwIfAborted(signal, where);
    const c1 = Math.min(end, c0 + chunkSize);
    const m = c1 - c0;
    const x = tf.tensor(data.images.subarray(c0 * F, c1 * F), [m, ...rowShape], 'float32');
    let attr: Attribution | undefined;
    try {
      const out = await forward(model, x);
      let scores: Float32Array;
      let k: number;
      try {
        if (out.shape[0] !== m) throw new GlassboxError('SHAPE_MISMATCH', `${where}: the model returned ${out.shape[0]} rows for ${m}`);
        k = out.rank === 1 ? 1 : out.shape[1]!;
        if (out.rank > 2) throw new GlassboxError('SHAPE_MISMATCH', `${where}: the model must return [N, K] or [N], got [${out.shape.join(', ')}]`);
        scores = (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
      const predicted: number[] = [];
      const targets: number[] = [];
      const classes: number[] = [];
      for (let r = 0; r < m; r++) {
        let best = 0;
        for (let j = 1; j < k; j++) if (scores[r * k + j]! > scores[r * k + best]!) best = j;
        predicted.push(best);
        const cls = labels !== undefined ? Number(labels[c0 + r]) : best;
        classes.push(cls);
        const t = target === 'class' ? cls : target === 'predicted' ? best : target;
        if (t >= k) throw new GlassboxError('TARGET_OUT_OF_RANGE', `${where}: row ${indexOffset + c0 + r} explains output column ${t} (${target === 'class' ? 'its label' : 'options.target'}), the model has ${k} columns`);
        targets.push(t);
      }
      const chunkSeed = (seed + indexOffset + c0) >>> 0;
      attr = await (explainer as unknown as CallableExplainer)(model, x, { ...explainerOptions, target: targets, seed: chunkSeed, signal, ...(pool !== undefined ? { pool } : {}) });
      const a = (await attr.attributions.data()) as Float32Array;
      if (a.length !== m * F) throw new GlassboxError('SHAPE_MISMATCH', `${where}: the explainer returned ${a.length} values for ${m} rows of ${F}`);
      let aucs: number[] | null = null;
      if (deletion) {
        const curve = await deletionCurve(model, x, attr.attributions, { target: targets, intervals: deletion.intervals, baseline: deletion.baseline, random: false, signal });
        aucs = curve.auc;
      }
      for (let r = 0; r < m; r++) {
        const cls = classes[r]!;
        const key = String(cls);
        const pc = (partial.perClass[key] ??= { count: 0, sum: new ExactSums(F, 'f32'), absSum: new ExactSums(F, 'f32') });
        partial.sum.addRow(a, r * F, false, where);
        partial.absSum.addRow(a, r * F, true, where);
        pc.sum.addRow(a, r * F, false, where);
        pc.absSum.addRow(a, r * F, true, where);
        pc.count++;
        partial.count++;
        const auc = aucs ? aucs[r]! : Number.NaN;
        if (partial.deletion && Number.isFinite(auc)) {
          partial.deletion.count++;
          partial.deletion.sum.add(0, auc);
          partial.deletion.sumSq.add(0, auc * auc);
        }
        partial.rows.push({
          index: indexOffset + c0 + r,
          label: labels !== undefined ? Number(labels[c0 + r]) : null,
          predicted: predicted[r]!,
          cls,
          target: targets[r]!,
          score: scores[r * k + targets[r]!]!,
          deletionAuc: auc,
        });
      }
      if (kept) kept.set(a, (c0 - start) * F);
    } finally {
      x.dispose();
      attr?.attributions.dispose();
      attr?.delta?.dispose();
    }
    onProgress?.(c1 - start, total);
  }
  if (kept) partial.attributions = kept;
  if (surr && shard.index === 0) partial.surrogate = await fitSurrogate(model, data, surr, target, seed, signal);
  return partial;
}

async function fitSurrogate(
  model: Predictable,
  data: DatasetInput,
  s: { rows: number; cell: number; holdout: number; kind: SurrogateOptions['kind'] },
  target: 'class' | 'predicted' | number,
  seed: number,
  signal: AbortSignal | undefined,
): Promise<SurrogateSummary> {
  const n = Math.min(data.shape[0]!, s.rows);
  const rowShape = data.shape.slice(1);
  const F = rowShape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(data.images.subarray(0, n * F), [n, ...rowShape], 'float32');
  try {
    let t: number | number[];
    if (typeof target === 'number') t = target;
    else {
      const out = await forward(model, x);
      const sc = (await out.data()) as Float32Array;
      const k = out.rank === 1 ? 1 : out.shape[1]!;
      out.dispose();
      t = Array.from({ length: n }, (_, r) => {
        if (target === 'class' && data.labels !== undefined) return Number(data.labels[r]);
        let best = 0;
        for (let j = 1; j < k; j++) if (sc[r * k + j]! > sc[r * k + best]!) best = j;
        return best;
      });
    }
    const featureMask = cellMask(rowShape, s.cell);
    const fit = await surrogate(model, x, { kind: s.kind, holdout: s.holdout, seed, target: t, signal, ...(featureMask ? { featureMask } : {}) });
    return { fitted: true, kind: fit.kind, rows: n, features: fit.coefficients.length, fidelity: fit.fidelity, trainFidelity: fit.trainFidelity, holdoutRows: fit.holdoutRows.length };
  } catch (e) {
    if ((e as { code?: string }).code === 'ABORTED') throw e;
    return { fitted: false, reason: e instanceof Error ? e.message : String(e) };
  } finally {
    x.dispose();
  }
}
