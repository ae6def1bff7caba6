import type { Tensor } from '@tensorflow/tfjs-core';
import {
  checkTargetForm,
  GlassboxError,
  asForward,
  assertOneOf,
  checkCommonOptions,
  checkInput,
  checkOptionKeys,
  checkTokenId,
  checkTokenIds,
  describe,
  forwardOptions,
  EXPLAIN_KEYS,
  optionKeys,
  optionKeysOf,
  isTensor,
  isTokenModel,
  throwIfAborted,
  type Predictable,
  type ExplainOptions,
  type TokenModel,
} from '@glassbox/tensors-ops';
import { gini } from './internal/gini.js';
import { runExplainer } from './internal/run-explainer.js';
import type { AnyExplainer } from './internal/types.js';
import { completeness } from './completeness.js';
import { deletionCurve } from './deletion-curve.js';
import { INFIDELITY_OPTION_KEYS, infidelity, type InfidelityOptions } from './infidelity.js';
import { insertionCurve } from './insertion-curve.js';
import { sensitivityMax, type SensitivityMaxOptions } from './sensitivity-max.js';
import { sparseness } from './sparseness.js';
import { CURVE_OPTION_KEYS, type CurveOptions } from './internal/perturbation-curve.js';

export type MetricName = 'infidelity' | 'sensitivityMax' | 'deletion' | 'insertion' | 'sparseness' | 'completeness';
export const METRIC_NAMES: readonly MetricName[] = ['infidelity', 'sensitivityMax', 'deletion', 'insertion', 'sparseness', 'completeness'];

/**
 * The metrics that apply to token ids (compareExplainers over a TokenModel or int32 x): deletion and insertion
 * with the mask token, and sparseness over the real (non-padding) tokens. The others are refused there (see
 * TOKEN_REFUSALS).
 */
export const TOKEN_METRIC_NAMES: readonly MetricName[] = ['deletion', 'insertion', 'sparseness'];

/** Why a metric does not apply to token ids: what compareExplainers says when one is asked for over tokens. */
export const TOKEN_REFUSALS: Readonly<Partial<Record<MetricName, string>>> = {
  infidelity: 'it perturbs x with Gaussian noise, which has no meaning for int32 token ids',
  sensitivityMax: 'it explains copies of x moved by uniform noise, which has no meaning for int32 token ids',
  completeness:
    "it compares the attributions' sum with F(x) - F(baseline) for one baseline input, but over tokens gradient methods start from the mask token's embedding and perturbation methods from the mask ids, so no single F(baseline) fits every method (read integratedGradients' delta for IG's completeness)",
};

export type MetricDirection = 'lower is better' | 'higher is better';

/** Which way each metric's column points (what compareExplainers ranks by). */
export const METRIC_DIRECTIONS: Readonly<Record<MetricName, MetricDirection>> = {
  infidelity: 'lower is better',
  sensitivityMax: 'lower is better',
  deletion: 'lower is better',
  insertion: 'higher is better',
  sparseness: 'higher is better',
  completeness: 'lower is better',
};

/** An explainer in the comparison, with the options it runs with (merged over the shared ones). */
export interface ExplainerEntry {
  explainer: AnyExplainer;
  options?: Record<string, unknown>;
  /** Whether its attributions are multiplied by inputs (for infidelity; see `infidelity`). Default true. */
  multiplyByInputs?: boolean;
}

type Shared = keyof ExplainOptions;
const SHARED: readonly string[] = ['target', 'baseline', 'batchSize', 'seed', 'onProgress', 'signal'] satisfies readonly Shared[];

export interface CompareExplainersOptions extends ExplainOptions {
  /** Number or tensor broadcastable to x, default 0; passed to every explainer and metric (completeness, curves, infidelity). */
  baseline?: number | Tensor;
  /** Called after each explanation and each metric with (units done, explainers x (1 + metrics)). */
  onProgress?: (done: number, total: number) => void;
  /** Options of the infidelity metric (default perturbation 'subtract'); its value is `scaledInfidelity`. */
  infidelity?: Omit<InfidelityOptions, Shared | 'multiplyByInputs'>;
  /** Options of the sensitivityMax metric (radius, samples, relative). */
  sensitivityMax?: Pick<SensitivityMaxOptions, 'radius' | 'samples' | 'relative'>;
  /** Options of the deletion curve (intervals, featureMask); its value is the normalised `auc` (see deletionCurve). */
  deletion?: Omit<CurveOptions, Shared | 'random'>;
  /** Options of the insertion curve (intervals, featureMask); its value is the normalised `auc` (see insertionCurve). */
  insertion?: Omit<CurveOptions, Shared | 'random'>;
}

/** The keys of CompareExplainersOptions. */
export const COMPARE_EXPLAINERS_OPTION_KEYS = optionKeys<CompareExplainersOptions>({
  ...EXPLAIN_KEYS,
  infidelity: true,
  sensitivityMax: true,
  deletion: true,
  insertion: true,
});

/** The keys of each metric's own options (CompareExplainersOptions' `infidelity`, `sensitivityMax`, `deletion`, `insertion`). */
const METRIC_OPTION_KEYS = {
  infidelity: INFIDELITY_OPTION_KEYS.filter((k) => !SHARED.includes(k) && k !== 'multiplyByInputs'),
  sensitivityMax: ['radius', 'samples', 'relative'],
  deletion: CURVE_OPTION_KEYS.filter((k) => !SHARED.includes(k) && k !== 'random'),
  insertion: CURVE_OPTION_KEYS.filter((k) => !SHARED.includes(k) && k !== 'random'),
} as const satisfies Record<'infidelity' | 'sensitivityMax' | 'deletion' | 'insertion', readonly string[]>;

const ENTRY_KEYS = optionKeys<ExplainerEntry>({ explainer: true, options: true, multiplyByInputs: true });

export interface ComparisonColumn {
  metric: MetricName;
  direction: MetricDirection;
}

export interface ComparisonRow {
  /** The explainer's name (its key in `explainers`). */
  explainer: string;
  /** Mean of the metric over the rows of x, by metric. */
  means: Partial<Record<MetricName, number>>;
  /** The metric per row of x, by metric. */
  perRow: Partial<Record<MetricName, number[]>>;
  /** Rank of the explainer on each metric (1 = best; ties share the mean of their ranks). */
  ranks: Partial<Record<MetricName, number>>;
  /** Mean of `ranks` over the metrics. */
  meanRank: number;
  /** Overall rank: 1 + the number of explainers with a strictly lower meanRank. */
  rank: number;
}

export interface ComparisonTable {
  /** The metrics, in the order asked for, each with its direction. */
  columns: ComparisonColumn[];
  /** One row per explainer, best overall first (ties keep the order of `explainers`). */
  rows: ComparisonRow[];
}

/**
 * Runs several explainers on the same model and inputs, scores each explanation with several metrics and
 * ranks them: which method explains this model best? Each metric's column is ranked in its own direction (1 =
 * best), and the overall rank is by the mean rank over the metrics, a simple consensus that no single metric
 * can dominate by its scale.
 *
 *   value(e, m) = mean over rows of metric m for explainer e's attributions
 *   rank_m(e)   = position of e when sorted by value(., m) in m's direction (ties: mean position)
 *   meanRank(e) = mean_m rank_m(e)
 *
 * Metrics: 'infidelity' (scaledInfidelity, lower), 'sensitivityMax' (lower), 'deletion' (auc: the area under
 * (score - F(baseline)) / |F(x) - F(baseline)|, lower), 'insertion' (the same normalised auc, higher),
 * 'sparseness' (Gini, higher), 'completeness' (lower); see each function for its paper. Explainers run with
 * the shared `target`, `baseline`, `batchSize`, `seed` and `signal`, then their own `options`; the metrics use
 * the same shared values (completeness and infidelity use the explainer's own `baseline` when it has one).
 *
 * Token ids (f a TokenModel such as @glassbox/models-transformer's TextClassifier, or a plain function of int32 ids
 * [N, T]): every explainer is called with the TokenModel and the ids (gradient methods through the embeddings,
 * perturbation methods on the ids, attention methods such as attentionRollout on the attention maps), the
 * metrics are 'deletion' and 'insertion' (the mask token, `baseline` or the model's maskId; padding neither
 * removed nor counted) and 'sparseness' (over the real tokens); 'infidelity', 'sensitivityMax' and
 * 'completeness' are refused with the reason (TOKEN_REFUSALS), before anything runs. A number `baseline` is
 * then a token id, passed to the explainers and the curves alike.
 *
 * @param f the model, or a TokenModel (x then holds its token ids).
 * @param x inputs [N, ...], float32; or int32 token ids [N, T].
 * @param explainers by name: an explainer function or `{ explainer, options?, multiplyByInputs? }`.
 * @param metrics names from METRIC_NAMES, each at most once.
 * @param options shared options and per-metric ones (`infidelity`, `sensitivityMax`, `deletion`, `insertion`).
 * @returns `{ columns, rows }`, rows sorted best first.
 *
 * @example
 * ```ts
 * const table = await compareExplainers(model, x,
 *   { saliency: { explainer: saliency, multiplyByInputs: false }, ig: integratedGradients, occlusion: { explainer: occlusion, options: { window: [3, 3, 1] } } },
 *   ['deletion', 'infidelity', 'sparseness'], { target: 3, seed: 1 });
 * console.table(table.rows.map((r) => ({ explainer: r.explainer, ...r.means, rank: r.rank })));
 * ```
 */
export async function compareExplainers(
  f: Predictable | TokenModel,
  x: Tensor,
  explainers: Record<string, AnyExplainer | ExplainerEntry>,
  metrics: MetricName[],
  options?: CompareExplainersOptions,
): Promise<ComparisonTable> {
  const where = 'compareExplainers';
  // Token ids: f a TokenModel, or a plain function of int32 x [N, T].
  const tokens = isTokenModel(f) || (isTensor(x) && x.dtype === 'int32' && x.rank === 2);
  const model = isTokenModel(f) ? f : null;
  if (model === null) asForward(f as Predictable, where);
  if (tokens) checkTokenIds(x, where, 'x', model?.vocabSize);
  else checkInput(x, where);
  const entries = checkExplainers(explainers, where);
  const chosen = checkMetrics(metrics, where);
  if (tokens) {
    chosen.forEach((m, i) => {
      const why = TOKEN_REFUSALS[m];
      if (why !== undefined) {
        throw new GlassboxError(
          'INVALID_ARGUMENT',
          `${where}: metrics[${i}] '${m}' does not apply to token ids x: ${why}; over tokens use ${TOKEN_METRIC_NAMES.map((n) => `'${n}'`).join(', ')}`,
        );
      }
    });
  }
  const opts = checkOptionKeys<CompareExplainersOptions>(options, COMPARE_EXPLAINERS_OPTION_KEYS, where);
  if (tokens && opts.baseline !== undefined) {
    if (isTensor(opts.baseline)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.baseline must be a token id (the mask id) for token ids x, got a tensor`);
    }
    checkTokenId(opts.baseline, where, 'options.baseline', model?.vocabSize);
  }
  // Sparseness over tokens reads only the real positions (not the model's padding).
  const padId = tokens ? model?.padId : undefined;
  const ids = padId === undefined ? null : x.dataSync();
  const { batchSize, seed } = checkCommonOptions(opts, where);
  checkTargetForm(opts.target, x.shape[0]!, where);
  for (const key of ['infidelity', 'sensitivityMax', 'deletion', 'insertion'] as const) checkOptionKeys(opts[key], METRIC_OPTION_KEYS[key], where, `options.${key}`);

  const shared: Record<string, unknown> = { batchSize, seed };
  if (opts.target !== undefined) shared.target = opts.target;
  if (opts.baseline !== undefined) shared.baseline = opts.baseline;
  if (opts.signal !== undefined) shared.signal = opts.signal;
  const total = entries.length * (1 + chosen.length);
  let done = 0;
  const tick = () => opts.onProgress?.(++done, total);

  const rows: ComparisonRow[] = [];
  for (const [name, entry] of entries) {
    throwIfAborted(opts.signal, where);
    // The shared options go to an explainer that takes them (saliency has no baseline, gradCam no seed).
    const takes = optionKeysOf(entry.explainer);
    const sharedFor = takes === undefined ? shared : Object.fromEntries(Object.entries(shared).filter(([k]) => takes.includes(k)));
    const explainerOptions = { ...sharedFor, ...(entry.options ?? {}) };
    const a = await runExplainer(entry.explainer, f as Predictable, x, explainerOptions, where, `explainers.${name}`);
    try {
      tick();
      const row: ComparisonRow = { explainer: name, means: {}, perRow: {}, ranks: {}, meanRank: 0, rank: 0 };
      const baseline = (explainerOptions.baseline ?? opts.baseline) as number | Tensor | undefined;
      for (const metric of chosen) {
        throwIfAborted(opts.signal, where);
        let values: number[];
        switch (metric) {
          case 'infidelity': {
            const r = await infidelity(f as Predictable, x, a, {
              ...opts.infidelity,
              ...shared,
              ...(baseline !== undefined ? { baseline } : {}),
              multiplyByInputs: entry.multiplyByInputs ?? true,
            } as InfidelityOptions);
            values = r.scaledInfidelity;
            break;
          }
          case 'sensitivityMax':
            values = await sensitivityMax(entry.explainer, f as Predictable, x, {
              ...(opts.sensitivityMax ?? {}),
              explainerOptions: explainerOptions,
              ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
              seed,
            });
            break;
          case 'deletion':
            values = (await deletionCurve(f, x, a, { ...opts.deletion, ...shared, random: false } as CurveOptions)).auc;
            break;
          case 'insertion':
            values = (await insertionCurve(f, x, a, { ...opts.insertion, ...shared, random: false } as CurveOptions)).auc;
            break;
          case 'sparseness':
            values = ids === null ? sparseness(a) : realSparseness(a, ids, padId!);
            break;
          case 'completeness':
            values = await completeness(f as Predictable, x, a, {
              ...(baseline !== undefined ? { baseline } : {}),
              batchSize,
              ...(opts.target !== undefined ? { target: opts.target } : {}),
              ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
            });
            break;
        }
        row.perRow[metric] = values;
        row.means[metric] = values.reduce((s, v) => s + v, 0) / values.length;
        tick();
      }
      rows.push(row);
    } finally {
      if (a !== x) a.dispose();
    }
  }

  return { columns: chosen.map((metric) => ({ metric, direction: METRIC_DIRECTIONS[metric] })), rows: rankRows(rows, chosen) };
}

/** What `rankRows` reads (`means`) and fills in (`ranks`, `meanRank`, `rank`) on a row. */
export interface RankableRow<M extends MetricName = MetricName> {
  means: Partial<Record<M, number>>;
  ranks: Partial<Record<M, number>>;
  meanRank: number;
  rank: number;
}

/**
 * Ranks rows (explainers, methods) by their mean on each metric, as `compareExplainers` does: per metric in
 * that metric's direction (`METRIC_DIRECTIONS`; 1 = best, ties share the mean of their positions, a mean that
 * is not a finite number ranks last), then overall by the mean of those ranks.
 *
 *   rank_m(r)   = 1 + #{rows better than r on m} + #{other rows tied with r on m} / 2
 *   meanRank(r) = mean over the metrics of rank_m(r);   rank(r) = 1 + #{rows with a strictly lower meanRank}
 *
 * @param rows rows with `means` for every metric; their `ranks`, `meanRank` and `rank` are filled in.
 * @param metrics the metrics to rank on, at least one.
 * @returns the same rows, best overall first (ties keep their order).
 */
export function rankRows<M extends MetricName, R extends RankableRow<M>>(rows: readonly R[], metrics: readonly M[]): R[] {
  for (const metric of metrics) {
    const sign = METRIC_DIRECTIONS[metric] === 'lower is better' ? 1 : -1;
    const key = (r: R): number => {
      const v = r.means[metric]!;
      return Number.isFinite(v) ? sign * v : Infinity;
    };
    for (const r of rows) {
      const k = key(r);
      let less = 0;
      let equal = 0;
      for (const o of rows) {
        const ko = key(o);
        if (ko < k) less++;
        else if (ko === k) equal++;
      }
      r.ranks[metric] = less + (equal + 1) / 2;
    }
  }
  for (const r of rows) r.meanRank = metrics.reduce((s, m) => s + r.ranks[m]!, 0) / metrics.length;
  for (const r of rows) r.rank = 1 + rows.filter((o) => o.meanRank < r.meanRank).length;
  return rows.map((r, i) => [r, i] as const).sort((p, q) => p[0].meanRank - q[0].meanRank || p[1] - q[1]).map(([r]) => r);
}

/** The Gini index of each row of a [N, T] over its real positions (ids != padId; all of them if none is). */
function realSparseness(a: Tensor, ids: ArrayLike<number>, padId: number): number[] {
  const [n, t] = a.shape as [number, number];
  const values = a.dataSync();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const kept: number[] = [];
    for (let j = 0; j < t; j++) if (ids[i * t + j] !== padId) kept.push(values[i * t + j]!);
    out.push(gini(kept.length > 0 ? Float32Array.from(kept) : values.subarray(i * t, (i + 1) * t)));
  }
  return out;
}

function checkExplainers(explainers: unknown, where: string): [string, ExplainerEntry][] {
  if (explainers == null || typeof explainers !== 'object' || Array.isArray(explainers)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: explainers must be an object of explainers by name, got ${describe(explainers)}`);
  }
  const out: [string, ExplainerEntry][] = [];
  for (const [name, value] of Object.entries(explainers)) {
    if (typeof value === 'function') {
      out.push([name, { explainer: value as AnyExplainer }]);
      continue;
    }
    const e = value as Partial<ExplainerEntry> | null;
    if (e == null || typeof e !== 'object' || typeof e.explainer !== 'function') {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: explainers.${name} must be an explainer function or { explainer, options? }, got ${describe(value)}`,
      );
    }
    checkOptionKeys(e, ENTRY_KEYS, where, `explainers.${name}`);
    // Checked against the explainer's own keys (when it declared them) before anything runs.
    forwardOptions(e.options, { own: [], inner: e.explainer }, where, `explainers.${name}.options`);
    if (e.multiplyByInputs !== undefined && typeof e.multiplyByInputs !== 'boolean') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: explainers.${name}.multiplyByInputs must be true or false, got ${describe(e.multiplyByInputs)}`);
    }
    out.push([name, e as ExplainerEntry]);
  }
  if (out.length === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: explainers must name at least one explainer, got {}`);
  return out;
}

function checkMetrics(metrics: unknown, where: string): MetricName[] {
  if (!Array.isArray(metrics) || metrics.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: metrics must be a non-empty array of ${METRIC_NAMES.map((m) => `'${m}'`).join(', ')}, got ${describe(metrics)}`);
  }
  const out: MetricName[] = [];
  metrics.forEach((m, i) => {
    const name = assertOneOf(m, METRIC_NAMES, `metrics[${i}]`, where);
    if (out.includes(name)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: metrics[${i}] repeats '${name}'`);
    out.push(name);
  });
  return out;
}
