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
 *
 * Token data (a tensors-ops TokenModel, such as the spam classifier or the names GPT, over int32 ids [N, T]
 * padded at the end with the padding id): the features are the token positions, and a position counts only in
 * the rows where it holds a real token, so padding does not dilute the means (each position has its own count
 * N_j); a second view aggregates by vocabulary id (how often an id occurs, and its mean attribution and mean
 * |attribution| over its occurrences): the "which words matter" global view.
 *
 *   meanAttribution_j    = (1/N_j) sum_{n: x_nj real} a_{n,j}     N_j = #rows with a real token at position j
 *   byId[v]              = (1/C_v) sum_{(n,j): x_nj = v, real} a_{n,j}     C_v = #real occurrences of id v
 *
 * Faithfulness on tokens: deletion and insertion curves with the model's mask id (metrics' token curves:
 * padding is neither removed nor counted). The global surrogate (a ridge regression on cell means of a
 * fixed-size input) has no meaning for variable-length token rows: it is recorded as not applicable, with
 * the reason. A model that does not mask padding itself (no `padId`, e.g. a causal GPT, whose explained score
 * is its last position) is run on each chunk's rows grouped by length with their padding cut off, so every
 * row is explained at its own last token.
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
  type TokenModel,
  isTokenModel,
  tokenModelForward,
} from '@glassbox/tensors-ops';
import { deletionCurve, insertionCurve } from '@glassbox/metrics';
import { surrogate, type SurrogateOptions } from '@glassbox/explainers-perturbation';
import { ExactSums } from './exact-sum.js';

/** Any explainer of the contract: (f, x, options) -> Attribution (its options type is the explainer's own). */
export type DatasetExplainer = (f: Predictable, x: Tensor, options: never) => Promise<Attribution>;
/** An explainer that takes a TokenModel and int32 ids (integratedGradients, occlusion, featureAblation, ...). */
export type TokenDatasetExplainer = (f: TokenModel, x: Tensor, options: never) => Promise<Attribution>;
type CallableExplainer = (f: Predictable | TokenModel, x: Tensor, options: ExplainOptions & Record<string, unknown>) => Promise<Attribution>;

/** The data: N rows of `shape` (row-major float32, e.g. NHWC images), with optional labels. */
export interface DatasetInput {
  /** N * prod(shape[1:]) values, row-major. */
  images: Float32Array;
  /** [N, ...rowShape]. */
  shape: readonly number[];
  /** N class labels (integers >= 0); when absent a row's class is the model's predicted class. */
  labels?: Int32Array | readonly number[];
}

/**
 * Token data: N rows of T int32 token ids (row-major), shorter rows padded at the end with `padId`, with
 * optional labels. The features are the T positions; a position holding `padId` is padding (not a feature).
 */
export interface TokenDatasetInput {
  /** N * T token ids in 0..vocabSize-1, row-major. */
  ids: Int32Array;
  /** [N, T]. */
  shape: readonly number[];
  /** N class labels (integers >= 0); when absent a row's class is the model's predicted class. */
  labels?: Int32Array | readonly number[];
  /**
   * The padding id; default the model's `padId`. Required to pad the rows of a model without one (a GPT):
   * its padding may then only end a row, and the rows are explained with it cut off. No padding when neither
   * is given.
   */
  padId?: number;
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
   * Insertion curve per example (metrics' insertionCurve, features put back on the baseline in the order of the
   * attribution; for tokens the baseline is the model's mask id): its normalised AUC is averaged with a 95%
   * confidence interval (higher is better). Default { intervals: 10 } for token data, false for float data.
   * `baseline` for token data is a token id (default the model's maskId), as for deletion.
   */
  insertion?: false | { intervals?: number; baseline?: number };
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
  /** Normalised insertion AUC (present when insertion is on; NaN for a row whose curve failed). */
  insertionAuc?: number;
  /** Token data: the number of real (non-padding) tokens of the row. */
  length?: number;
}

/** Token data: the aggregate by vocabulary id over the real positions. */
export interface TokenAggregates {
  vocabSize: number;
  /** The padding id of the run (null: no padding). */
  padId: number | null;
  /** Per id: how many real positions held it. */
  count: number[];
  /** Per id: exact sums of the attributions (and of |attributions|) at the positions that held it. */
  sum: ExactSums;
  absSum: ExactSums;
}

/** The surrogate's outcome: fitted, or why not. */
export type SurrogateSummary =
  | { fitted: true; kind: string; rows: number; features: number; fidelity: number; trainFidelity: number; holdoutRows: number }
  | { fitted: false; reason: string; applicable?: false; fidelity?: null };

/** Why the global surrogate is not fitted on token data. */
export const TOKEN_SURROGATE_REASON =
  'not applicable to token ids: the global surrogate is a ridge regression on the cells of a fixed-size input, and token rows have variable lengths (a position holds a different word in every row)';

/** What one call returns; shards merge with summarizeDataset. */
export interface DatasetPartial {
  rowShape: number[];
  featureCount: number;
  /** Rows explained. */
  count: number;
  classBy: 'label' | 'predicted';
  sum: ExactSums;
  absSum: ExactSums;
  /** Per class (as a string key): count and exact sums (and, for token data, the per-position counts). */
  perClass: Record<string, { count: number; sum: ExactSums; absSum: ExactSums; featureCounts?: number[] }>;
  /** Exact sums of the per-example deletion AUC and its square (f64), over `deletionCount` rows. */
  deletion: { count: number; sum: ExactSums; sumSq: ExactSums } | null;
  /** The same for the insertion AUC; absent when insertion is off. */
  insertion?: { count: number; sum: ExactSums; sumSq: ExactSums };
  /** 'tokens' for token data (absent for float data). */
  input?: 'tokens';
  /** Token data: per position, the number of rows with a real token there (the divisor of its mean). */
  featureCounts?: number[];
  /** Token data: the aggregate by vocabulary id. */
  tokens?: TokenAggregates;
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
  'explainerOptions', 'target', 'chunkSize', 'shard', 'indexOffset', 'seed', 'deletion', 'insertion', 'surrogate', 'keepAttributions', 'onProgress', 'signal', 'pool',
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
 * @param model the model [N, ...] -> [N, K] (a classifier's logits; K >= 1); or a TokenModel with token data.
 * @param data the rows (DatasetInput, float32; or TokenDatasetInput, int32 ids [N, T]; N >= 1).
 * @param explainer any explainer of the contract (integratedGradients, occlusion, ...); for token data one
 *   that takes a TokenModel (integratedGradients, saliency, inputXGradient, occlusion, featureAblation, ...).
 * @param options see ExplainDatasetOptions (chunkSize 16, target 'class', deletion { intervals: 10 },
 *   insertion (token data) { intervals: 10 }, surrogate { rows: 200, cell: 4 } (float data), shard { 0, 1 },
 *   seed 0, pool, onProgress, signal).
 * @returns a DatasetPartial (plain data; no tensors to dispose).
 * @throws GlassboxError INVALID_ARGUMENT (bad options or data; float data for a token model or token ids for
 *   another model; ids out of range; a row of padding only), SHAPE_MISMATCH, TARGET_OUT_OF_RANGE, ABORTED.
 *
 * @example
 * ```ts
 * const d = await loadDigitsArrays({ split: 'test', limit: 100 });
 * const p = await explainDataset(cnn, d, integratedGradients, { explainerOptions: { steps: 16 } });
 * const s = summarizeDataset([p]);   // s.meanAttribution, s.perClass['7'].meanAttribution, s.metrics.deletionAuc
 *
 * // Token data: e-mails as ids [N, T] padded with [PAD]; features = positions, plus the per-id view.
 * const { ids, shape } = tokenizer.encodeBatch(texts, { maxLength: clf.context });
 * const t = await explainDataset(clf, { ids, shape, labels }, integratedGradients, { target: 'predicted' });
 * summarizeDataset([t], { vocabulary: tokenizer.tokens }).tokens!.top;   // the words of largest mean |attribution|
 * ```
 */
export async function explainDataset(model: Predictable, data: DatasetInput, explainer: DatasetExplainer, options?: ExplainDatasetOptions): Promise<DatasetPartial>;
export async function explainDataset(model: TokenModel, data: TokenDatasetInput, explainer: TokenDatasetExplainer, options?: ExplainDatasetOptions): Promise<DatasetPartial>;
export async function explainDataset(
  model: Predictable | TokenModel,
  data: DatasetInput | TokenDatasetInput,
  explainer: DatasetExplainer | TokenDatasetExplainer,
  options: ExplainDatasetOptions = {},
): Promise<DatasetPartial> {
  const where = 'explainDataset';
  options = checkOptionKeys<ExplainDatasetOptions>(options, EXPLAIN_DATASET_OPTION_KEYS, where);
  const tokenModel = isTokenModel(model) ? model : null;
  if (tokenModel === null && typeof model !== 'function' && (model == null || typeof (model as { predict?: unknown }).predict !== 'function')) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must be a function (x) => Tensor, an object with predict(x), or a TokenModel, got ${typeof model}`);
  }
  if (typeof explainer !== 'function') throw new GlassboxError('INVALID_ARGUMENT', `${where}: explainer must be an explainer function (f, x, options) => Promise<Attribution>, got ${typeof explainer}`);
  const d = data as Partial<DatasetInput & TokenDatasetInput> | null;
  const tokenData = d != null && 'ids' in d;
  if (tokenModel !== null && !tokenData) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: model is a token model: data must be { ids: Int32Array (token ids, row-major), shape: [N, T], labels?, padId? }, got ${d == null ? String(d) : `{ ${Object.keys(d).join(', ')} }${d.images !== undefined ? ' (float images: a token model reads int32 token ids)' : ''}`}`,
    );
  }
  if (tokenModel === null && tokenData) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: data holds token ids (data.ids): model must be a TokenModel (embed, forwardFromEmbeddings, vocabSize), got ${typeof model === 'function' ? 'a function' : 'an object without embed/forwardFromEmbeddings'}`);
  }
  if (tokenData) {
    if (!(d!.ids instanceof Int32Array)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.ids must be an Int32Array of token ids, got ${d!.ids == null ? String(d!.ids) : (d!.ids as object).constructor?.name ?? typeof d!.ids} (float ids are not token ids)`);
    }
    if (!Array.isArray(d!.shape) || d!.shape.length !== 2) throw new GlassboxError('SHAPE_MISMATCH', `${where}: data.shape must be [N, T] for token ids, got ${JSON.stringify(d!.shape)}`);
  } else if (d == null || !(d.images instanceof Float32Array) || !Array.isArray(d.shape) || d.shape.length < 2) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: data must be { images: Float32Array, shape: [N, ...], labels? }, got ${d == null ? String(d) : Object.keys(d).join(', ')}`);
  }
  const values: Float32Array | Int32Array = tokenData ? d!.ids! : d!.images!;
  const shape = [...d!.shape!];
  const n = shape[0]!;
  const rowShape = shape.slice(1);
  const F = rowShape.reduce((a, b) => a * b, 1);
  if (!shape.every((v) => Number.isSafeInteger(v) && v >= 1)) throw new GlassboxError('SHAPE_MISMATCH', `${where}: data.shape must be positive integers, got [${shape.join(', ')}]`);
  if (values.length !== n * F) throw new GlassboxError('SHAPE_MISMATCH', `${where}: data.${tokenData ? 'ids' : 'images'} has ${values.length} values, data.shape [${shape.join(', ')}] needs ${n * F}`);
  const labels = d!.labels;
  if (labels !== undefined) {
    if (labels.length !== n) throw new GlassboxError('SHAPE_MISMATCH', `${where}: data.labels has ${labels.length} entries, expected ${n} (one per row)`);
    for (let i = 0; i < n; i++) if (!Number.isSafeInteger(labels[i]) || labels[i]! < 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.labels[${i}] must be an integer >= 0, got ${labels[i]}`);
  }
  const tokens = tokenModel !== null ? checkTokenData(tokenModel, d as TokenDatasetInput, n, F, where) : null;
  const chunkSize = positiveInt(options.chunkSize, 'options.chunkSize', where, 16);
  const indexOffset = positiveInt(options.indexOffset, 'options.indexOffset', where, 0, 0);
  const seed = positiveInt(options.seed, 'options.seed', where, 0, 0);
  const shard = options.shard === undefined ? { index: 0, count: 1 } : checkShard(options.shard, where);
  const target = options.target ?? 'class';
  if (target !== 'class' && target !== 'predicted' && !(typeof target === 'number' && Number.isSafeInteger(target) && target >= 0)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.target must be 'class', 'predicted' or an output column >= 0, got ${JSON.stringify(target)}`);
  }
  const curve = (o: false | { intervals?: number; baseline?: number } | undefined, name: string, on: boolean): Curve | null => {
    if (o === false || (o === undefined && !on)) return null;
    if (o !== undefined && (o === null || typeof o !== 'object')) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.${name} must be false or { intervals?, baseline? }, got ${JSON.stringify(o)}`);
    const intervals = positiveInt(o?.intervals, `options.${name}.intervals`, where, 10);
    // Float data: a removed feature becomes 0 unless told; token data: the model's mask id unless told.
    const baseline = o?.baseline ?? (tokens ? undefined : 0);
    return { intervals, baseline };
  };
  const deletion = curve(options.deletion, 'deletion', true);
  const insertion = curve(options.insertion, 'insertion', tokens !== null);
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
    ...(insertion ? { insertion: { count: 0, sum: new ExactSums(1, 'f64'), sumSq: new ExactSums(1, 'f64') } } : {}),
    ...(tokens
      ? {
          input: 'tokens' as const,
          featureCounts: new Array<number>(F).fill(0),
          tokens: { vocabSize: tokens.vocabSize, padId: tokens.padId, count: new Array<number>(tokens.vocabSize).fill(0), sum: new ExactSums(tokens.vocabSize, 'f32'), absSum: new ExactSums(tokens.vocabSize, 'f32') },
        }
      : {}),
    rows: [],
    range: [indexOffset + start, indexOffset + end],
  };
  const kept = options.keepAttributions ? new Float32Array((end - start) * F) : undefined;
  const total = end - start;
  const settings: ChunkSettings = { where, labels, target, seed, indexOffset, deletion, insertion, explainerOptions, signal, pool };
  onProgress?.(0, total);
  for (let c0 = start; c0 < end; c0 += chunkSize) {
    throwIfAborted(signal, where);
    const c1 = Math.min(end, c0 + chunkSize);
    const m = c1 - c0;
    const r = tokens
      ? await tokenChunk(tokenModel!, tokens, (values as Int32Array).subarray(c0 * F, c1 * F), m, F, c0, explainer as TokenDatasetExplainer, settings)
      : await floatChunk(model as Predictable, (values as Float32Array).subarray(c0 * F, c1 * F), [m, ...rowShape], c0, explainer as DatasetExplainer, settings);
    const a = r.attributions;
    for (let row = 0; row < m; row++) {
      const cls = r.classes[row]!;
      const key = String(cls);
      const pc = (partial.perClass[key] ??= { count: 0, sum: new ExactSums(F, 'f32'), absSum: new ExactSums(F, 'f32'), ...(tokens ? { featureCounts: new Array<number>(F).fill(0) } : {}) });
      partial.sum.addRow(a, row * F, false, where);
      partial.absSum.addRow(a, row * F, true, where);
      pc.sum.addRow(a, row * F, false, where);
      pc.absSum.addRow(a, row * F, true, where);
      pc.count++;
      partial.count++;
      let length: number | undefined;
      if (tokens) {
        // Only the real positions count (padding carries attribution 0 and is no feature).
        const ids = values as Int32Array;
        const agg = partial.tokens!;
        length = 0;
        for (let j = 0; j < F; j++) {
          const id = ids[(c0 + row) * F + j]!;
          if (id === tokens.padId) continue;
          length++;
          const v = a[row * F + j]!;
          partial.featureCounts![j]!++;
          pc.featureCounts![j]!++;
          agg.count[id]!++;
          agg.sum.add(id, v, where);
          agg.absSum.add(id, Math.abs(v), where);
        }
      }
      const auc = r.deletion ? r.deletion[row]! : Number.NaN;
      if (partial.deletion && Number.isFinite(auc)) {
        partial.deletion.count++;
        partial.deletion.sum.add(0, auc);
        partial.deletion.sumSq.add(0, auc * auc);
      }
      const ins = r.insertion ? r.insertion[row]! : Number.NaN;
      if (partial.insertion && Number.isFinite(ins)) {
        partial.insertion.count++;
        partial.insertion.sum.add(0, ins);
        partial.insertion.sumSq.add(0, ins * ins);
      }
      partial.rows.push({
        index: indexOffset + c0 + row,
        label: labels !== undefined ? Number(labels[c0 + row]) : null,
        predicted: r.predicted[row]!,
        cls,
        target: r.targets[row]!,
        score: r.scores[row]!,
        deletionAuc: auc,
        ...(insertion ? { insertionAuc: ins } : {}),
        ...(length !== undefined ? { length } : {}),
      });
    }
    if (kept) kept.set(a, (c0 - start) * F);
    onProgress?.(c1 - start, total);
  }
  if (kept) partial.attributions = kept;
  if (surr && shard.index === 0) {
    partial.surrogate = tokens ? { fitted: false, applicable: false, fidelity: null, reason: TOKEN_SURROGATE_REASON } : await fitSurrogate(model as Predictable, data as DatasetInput, surr, target, seed, signal);
  }
  return partial;
}

interface Curve {
  intervals: number;
  /** undefined: the model's mask id (token data). */
  baseline: number | undefined;
}

interface ChunkSettings {
  where: string;
  labels: Int32Array | readonly number[] | undefined;
  target: 'class' | 'predicted' | number;
  seed: number;
  indexOffset: number;
  deletion: Curve | null;
  insertion: Curve | null;
  explainerOptions: Record<string, unknown>;
  signal: AbortSignal | undefined;
  pool: PoolOption['pool'];
}

/** What one chunk of m rows gives: attributions [m, F] (0 at padding) and per-row numbers. */
interface ChunkResult {
  attributions: Float32Array;
  predicted: number[];
  classes: number[];
  targets: number[];
  /** The explained score F(x)[target] of each row. */
  scores: number[];
  deletion: number[] | null;
  insertion: number[] | null;
}

/** Predicted class, class and target of rows r0..r0+g-1 of a chunk from their scores [g, k]. */
function decide(scores: Float32Array, g: number, k: number, rowOf: (i: number) => number, c0: number, s: ChunkSettings, out: ChunkResult): void {
  for (let i = 0; i < g; i++) {
    const row = rowOf(i);
    let best = 0;
    for (let j = 1; j < k; j++) if (scores[i * k + j]! > scores[i * k + best]!) best = j;
    const cls = s.labels !== undefined ? Number(s.labels[c0 + row]) : best;
    const t = s.target === 'class' ? cls : s.target === 'predicted' ? best : s.target;
    if (t >= k) throw new GlassboxError('TARGET_OUT_OF_RANGE', `${s.where}: row ${s.indexOffset + c0 + row} explains output column ${t} (${s.target === 'class' ? 'its label' : 'options.target'}), the model has ${k} columns`);
    out.predicted[row] = best;
    out.classes[row] = cls;
    out.targets[row] = t;
    out.scores[row] = scores[i * k + t]!;
  }
}

/** Scores [g, k] of a model output [g, K] or [g]; disposes it. */
async function scoresOf(out: Tensor, g: number, where: string): Promise<{ scores: Float32Array; k: number }> {
  try {
    if (out.shape[0] !== g) throw new GlassboxError('SHAPE_MISMATCH', `${where}: the model returned ${out.shape[0]} rows for ${g}`);
    if (out.rank > 2) throw new GlassboxError('SHAPE_MISMATCH', `${where}: the model must return [N, K] or [N], got [${out.shape.join(', ')}]`);
    return { scores: (await out.data()) as Float32Array, k: out.rank === 1 ? 1 : out.shape[1]! };
  } finally {
    out.dispose();
  }
}

function emptyResult(m: number, F: number, s: ChunkSettings): ChunkResult {
  return {
    attributions: new Float32Array(m * F),
    predicted: new Array<number>(m),
    classes: new Array<number>(m),
    targets: new Array<number>(m),
    scores: new Array<number>(m),
    deletion: s.deletion ? new Array<number>(m) : null,
    insertion: s.insertion ? new Array<number>(m) : null,
  };
}

/** The deletion and insertion AUCs of rows explained by `attr` (written at rowOf(i)). */
async function curves(f: Predictable | TokenModel, x: Tensor, attr: Tensor, targets: number[], rowOf: (i: number) => number, s: ChunkSettings, out: ChunkResult): Promise<void> {
  for (const [c, fn, into] of [[s.deletion, deletionCurve, out.deletion], [s.insertion, insertionCurve, out.insertion]] as const) {
    if (!c || !into) continue;
    const r = await fn(f, x, attr, { target: targets, intervals: c.intervals, ...(c.baseline !== undefined ? { baseline: c.baseline } : {}), random: false, signal: s.signal });
    r.auc.forEach((v, i) => (into[rowOf(i)] = v));
  }
}

/** One chunk of float rows: the model, the explainer and the curves on the whole chunk. */
async function floatChunk(model: Predictable, values: Float32Array, shape: number[], c0: number, explainer: DatasetExplainer, s: ChunkSettings): Promise<ChunkResult> {
  const m = shape[0]!;
  const F = values.length / m;
  const out = emptyResult(m, F, s);
  const x = tf.tensor(values, shape, 'float32');
  let attr: Attribution | undefined;
  try {
    const { scores, k } = await scoresOf(await forward(model, x), m, s.where);
    decide(scores, m, k, (i) => i, c0, s, out);
    const chunkSeed = (s.seed + s.indexOffset + c0) >>> 0;
    attr = await (explainer as unknown as CallableExplainer)(model, x, { ...s.explainerOptions, target: out.targets, seed: chunkSeed, signal: s.signal, ...(s.pool !== undefined ? { pool: s.pool } : {}) });
    const a = (await attr.attributions.data()) as Float32Array;
    if (a.length !== m * F) throw new GlassboxError('SHAPE_MISMATCH', `${s.where}: the explainer returned ${a.length} values for ${m} rows of ${F}`);
    out.attributions.set(a);
    await curves(model, x, attr.attributions, out.targets, (i) => i, s, out);
    return out;
  } finally {
    x.dispose();
    attr?.attributions.dispose();
    attr?.delta?.dispose();
  }
}

/** The checked token settings of a run: vocabulary size, padding id, and whether rows are cut to their length. */
interface TokenRun {
  vocabSize: number;
  padId: number | null;
  /** True when the model does not mask padding itself: the rows are explained without it, grouped by length. */
  trim: boolean;
}

function checkTokenData(model: TokenModel, data: TokenDatasetInput, n: number, t: number, where: string): TokenRun {
  const v = model.vocabSize;
  if (!Number.isSafeInteger(v) || v < 1) throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.vocabSize must be an integer >= 1, got ${String(v)}`);
  const padId: number | null = data.padId ?? model.padId ?? null;
  if (padId !== null && !(Number.isSafeInteger(padId) && padId >= 0 && padId < v)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.padId must be a token id in 0..${v - 1}, got ${String(padId)}`);
  if (data.padId !== undefined && model.padId !== undefined && data.padId !== model.padId) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.padId ${data.padId} differs from the model's padId ${model.padId} (the model masks its own padding id)`);
  }
  const trim = model.padId === undefined && padId !== null;
  const ids = data.ids;
  for (let i = 0; i < n; i++) {
    let real = 0;
    let ended = false;
    for (let j = 0; j < t; j++) {
      const id = ids[i * t + j]!;
      if (id < 0 || id >= v) throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.ids must hold token ids in 0..${v - 1}, got ${id} at row ${i}, position ${j}`);
      if (id === padId) {
        ended = true;
        continue;
      }
      if (ended && trim) {
        throw new GlassboxError(
          'INVALID_ARGUMENT',
          `${where}: data.ids row ${i} holds the padding id ${padId} before a token at position ${j}; the model does not mask padding (no padId), so padding may only end a row`,
        );
      }
      real++;
    }
    if (real === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.ids row ${i} holds only padding (id ${padId}): it has no token to explain`);
  }
  return { vocabSize: v, padId, trim };
}

/**
 * One chunk of token rows. A model that masks padding (padId) reads the chunk as it is; otherwise (trim) the
 * rows are explained in groups of equal length with their padding cut off (shortest first, rows in order),
 * each group seeded by the global index of its first row (the chunk's seed for a chunk of one group).
 */
async function tokenChunk(model: TokenModel, run: TokenRun, ids: Int32Array, m: number, T: number, c0: number, explainer: TokenDatasetExplainer, s: ChunkSettings): Promise<ChunkResult> {
  const out = emptyResult(m, T, s);
  const lengths = Array.from({ length: m }, (_, r) => {
    if (!run.trim) return T;
    let l = T;
    while (l > 0 && ids[r * T + l - 1] === run.padId) l--;
    return l;
  });
  const groups = new Map<number, number[]>();
  for (const l of [...new Set(lengths)].sort((a, b) => a - b)) groups.set(l, []);
  lengths.forEach((l, r) => groups.get(l)!.push(r));
  const f = tokenModelForward(model);
  for (const [L, rows] of groups) {
    throwIfAborted(s.signal, s.where);
    const g = rows.length;
    const buf = new Int32Array(g * L);
    rows.forEach((r, i) => buf.set(ids.subarray(r * T, r * T + L), i * L));
    const x = tf.tensor(buf, [g, L], 'int32');
    let attr: Attribution | undefined;
    try {
      const { scores, k } = await scoresOf(f(x), g, s.where);
      const rowOf = (i: number) => rows[i]!;
      decide(scores, g, k, rowOf, c0, s, out);
      const targets = rows.map((r) => out.targets[r]!);
      const seed = (s.seed + s.indexOffset + c0 + rows[0]!) >>> 0;
      attr = await (explainer as unknown as CallableExplainer)(model, x, { ...s.explainerOptions, target: targets, seed, signal: s.signal, ...(s.pool !== undefined ? { pool: s.pool } : {}) });
      const a = (await attr.attributions.data()) as Float32Array;
      if (a.length !== g * L) {
        throw new GlassboxError('SHAPE_MISMATCH', `${s.where}: the explainer returned ${a.length} values for ${g} rows of ${L} tokens (one per token; a tokenReduction 'none' result [N, T, D] is not a token attribution)`);
      }
      rows.forEach((r, i) => {
        for (let j = 0; j < L; j++) out.attributions[r * T + j] = ids[r * T + j] === run.padId ? 0 : a[i * L + j]!;
      });
      await curves(model, x, attr.attributions, targets, rowOf, s, out);
    } finally {
      x.dispose();
      attr?.attributions.dispose();
      attr?.delta?.dispose();
    }
  }
  return out;
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
