/**
 * summarizeDataset: merges the partials of a run's shards (exact sums add exactly, so the merge order and the
 * shard count do not matter) and turns them into means.
 *
 *   meanAttribution_j = S_j / N,   meanAbsAttribution_j = |S|_j / N,   per class c the same over N_c rows
 *   deletion AUC: mean m = A / n, sample sd s = sqrt((Q - n m^2) / (n - 1)), 95% interval m -/+ 1.96 s / sqrt(n)
 *   (the normal approximation; with n < 2 the interval is [m, m] and sd is null); insertion AUC the same
 *
 * Token data: per position the divisor is N_j, the rows with a real token there (featureCounts), not N; per
 * vocabulary id v the means are over its C_v real occurrences (tokens.byId), and `tokens.top` lists the ids
 * of largest mean |attribution| among those seen at least `minTokenCount` times (with their decoded token when
 * a vocabulary is given).
 */
import { checkOptionKeys, GlassboxError } from '@glassbox/tensors-ops';
import { ExactSums, exactToNumber } from './exact-sum.js';
import type { DatasetPartial, DatasetRow, SurrogateSummary } from './explain-dataset.js';

export interface MeanWithInterval {
  count: number;
  mean: number;
  sd: number | null;
  /** [low, high], 95% (normal approximation). */
  ci95: [number, number];
}

export interface DatasetSummary {
  count: number;
  rowShape: number[];
  /** How a row's class is decided: its label, or the model's predicted class. */
  classBy: 'label' | 'predicted';
  /** Per feature, flattened in the row's row-major order. */
  meanAttribution: number[];
  meanAbsAttribution: number[];
  perClass: Record<string, { count: number; meanAttribution: number[]; meanAbsAttribution: number[]; featureCounts?: number[] }>;
  /** deletionAuc (lower is better); insertionAuc (higher is better) when the run computed it. */
  metrics: { deletionAuc: MeanWithInterval | null; insertionAuc?: MeanWithInterval | null };
  /** Fraction of rows whose predicted class equals the label (null without labels). */
  accuracy: number | null;
  surrogate: SurrogateSummary | null;
  /** The global row ranges the partials covered, sorted. */
  ranges: [number, number][];
  /** 'tokens' for token data (absent for float data). */
  input?: 'tokens';
  /** Token data: per position, the rows with a real (non-padding) token there: the divisor of its means. */
  featureCounts?: number[];
  /** Token data: the view by vocabulary id. */
  tokens?: TokenSummary;
}

/** One vocabulary id of a token run. */
export interface TokenStat {
  id: number;
  /** The decoded token (when summarizeDataset was given the vocabulary). */
  token?: string;
  /** Real positions that held the id. */
  count: number;
  meanAttribution: number;
  meanAbsAttribution: number;
}

/** The per-id view of a token run. */
export interface TokenSummary {
  vocabSize: number;
  padId: number | null;
  /** Distinct ids seen. */
  distinct: number;
  /** Every id seen (ascending), as parallel arrays. */
  byId: { id: number[]; count: number[]; meanAttribution: number[]; meanAbsAttribution: number[] };
  /** The ids seen at least `minTokenCount` times with the largest mean |attribution| (ties: lower id first). */
  top: TokenStat[];
  minTokenCount: number;
}

/** Options of summarizeDataset (token data only). */
export interface SummarizeOptions {
  /** The token of each id (e.g. a tokenizer's `tokens`), to name the top ids. */
  vocabulary?: readonly string[];
  /** How many ids `tokens.top` lists; default 20. */
  topTokens?: number;
  /** Ids seen fewer times are left out of `tokens.top` (a word seen once has a noisy mean); default 1. */
  minTokenCount?: number;
}

/** Merges partials into one (exact); refuses overlapping ranges or different shapes. */
export function mergePartials(partials: readonly DatasetPartial[]): DatasetPartial {
  const where = 'mergePartials';
  if (!Array.isArray(partials) || partials.length === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: expected at least one partial, got ${Array.isArray(partials) ? 0 : typeof partials}`);
  const sorted = [...partials].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  const first = sorted[0]!;
  const F = first.featureCount;
  const out: DatasetPartial = {
    rowShape: first.rowShape,
    featureCount: F,
    count: 0,
    classBy: first.classBy,
    sum: new ExactSums(F, 'f32'),
    absSum: new ExactSums(F, 'f32'),
    perClass: {},
    deletion: first.deletion ? { count: 0, sum: new ExactSums(1, 'f64'), sumSq: new ExactSums(1, 'f64') } : null,
    ...(first.insertion ? { insertion: { count: 0, sum: new ExactSums(1, 'f64'), sumSq: new ExactSums(1, 'f64') } } : {}),
    ...(first.input === 'tokens'
      ? {
          input: 'tokens' as const,
          featureCounts: new Array<number>(F).fill(0),
          tokens: {
            vocabSize: first.tokens!.vocabSize,
            padId: first.tokens!.padId,
            count: new Array<number>(first.tokens!.vocabSize).fill(0),
            sum: new ExactSums(first.tokens!.vocabSize, 'f32'),
            absSum: new ExactSums(first.tokens!.vocabSize, 'f32'),
          },
        }
      : {}),
    rows: [],
    range: [first.range[0], first.range[1]],
  };
  const addCounts = (into: number[], from: readonly number[] | undefined) => {
    if (from === undefined || from.length !== into.length) throw new GlassboxError('INVALID_ARGUMENT', `${where}: a token partial lacks its per-position or per-id counts (${from?.length ?? 'none'}, expected ${into.length})`);
    for (let j = 0; j < into.length; j++) into[j]! += from[j]!;
  };
  let prevEnd = -Infinity;
  let rows: DatasetRow[] = [];
  for (const p of sorted) {
    if (p.featureCount !== F || p.rowShape.join(',') !== first.rowShape.join(',')) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: partials of rows [${first.rowShape.join(', ')}] and [${p.rowShape.join(', ')}] cannot be merged`);
    }
    if (p.classBy !== first.classBy) throw new GlassboxError('INVALID_ARGUMENT', `${where}: partials with classBy '${first.classBy}' and '${p.classBy}' cannot be merged`);
    if ((p.deletion === null) !== (first.deletion === null)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: some partials have deletion metrics and some do not`);
    if ((p.insertion === undefined) !== (first.insertion === undefined)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: some partials have insertion metrics and some do not`);
    if (p.input !== first.input) throw new GlassboxError('INVALID_ARGUMENT', `${where}: partials of token data and of float data cannot be merged`);
    if (p.tokens && first.tokens && (p.tokens.vocabSize !== first.tokens.vocabSize || p.tokens.padId !== first.tokens.padId)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: token partials of vocabularies ${first.tokens.vocabSize} (padId ${first.tokens.padId}) and ${p.tokens.vocabSize} (padId ${p.tokens.padId}) cannot be merged`);
    }
    if (p.range[1] > p.range[0]) {
      if (p.range[0] < prevEnd) throw new GlassboxError('INVALID_ARGUMENT', `${where}: row ranges overlap: [${p.range[0]}, ${p.range[1]}) starts before ${prevEnd}`);
      prevEnd = p.range[1];
    }
    out.count += p.count;
    out.sum.merge(p.sum, where);
    out.absSum.merge(p.absSum, where);
    for (const key of Object.keys(p.perClass)) {
      const pc = p.perClass[key]!;
      const o = (out.perClass[key] ??= { count: 0, sum: new ExactSums(F, 'f32'), absSum: new ExactSums(F, 'f32'), ...(out.input === 'tokens' ? { featureCounts: new Array<number>(F).fill(0) } : {}) });
      o.count += pc.count;
      o.sum.merge(pc.sum, where);
      o.absSum.merge(pc.absSum, where);
      if (o.featureCounts) addCounts(o.featureCounts, pc.featureCounts);
    }
    if (out.insertion && p.insertion) {
      out.insertion.count += p.insertion.count;
      out.insertion.sum.merge(p.insertion.sum, where);
      out.insertion.sumSq.merge(p.insertion.sumSq, where);
    }
    if (out.featureCounts) addCounts(out.featureCounts, p.featureCounts);
    if (out.tokens) {
      if (!p.tokens) throw new GlassboxError('INVALID_ARGUMENT', `${where}: a token partial lacks its per-id sums`);
      addCounts(out.tokens.count, p.tokens.count);
      out.tokens.sum.merge(p.tokens.sum, where);
      out.tokens.absSum.merge(p.tokens.absSum, where);
    }
    if (out.deletion && p.deletion) {
      out.deletion.count += p.deletion.count;
      out.deletion.sum.merge(p.deletion.sum, where);
      out.deletion.sumSq.merge(p.deletion.sumSq, where);
    }
    rows = rows.concat(p.rows);
    if (p.surrogate) out.surrogate = p.surrogate;
    out.range = [Math.min(out.range[0], p.range[0]), Math.max(out.range[1], p.range[1])];
  }
  out.rows = rows.sort((a, b) => a.index - b.index);
  return out;
}

function meanWithInterval(count: number, sum: ExactSums, sumSq: ExactSums): MeanWithInterval | null {
  if (count === 0) return null;
  const s = sum.values()[0]!;
  const q = sumSq.values()[0]!;
  const mean = s / count;
  if (count < 2) return { count, mean, sd: null, ci95: [mean, mean] };
  const sd = Math.sqrt(Math.max(0, (q - count * mean * mean) / (count - 1)));
  const h = (1.959963984540054 * sd) / Math.sqrt(count);
  return { count, mean, sd, ci95: [mean - h, mean + h] };
}

/**
 * The summary of one or more partials of a run (see the module comment for the formulas). Keys of perClass are
 * the class numbers as strings, in increasing order.
 */
export function summarizeDataset(partials: readonly DatasetPartial[], options: SummarizeOptions = {}): DatasetSummary {
  const where = 'summarizeDataset';
  options = checkOptionKeys<SummarizeOptions>(options, ['vocabulary', 'topTokens', 'minTokenCount'], where);
  const topTokens = options.topTokens ?? 20;
  const minTokenCount = options.minTokenCount ?? 1;
  for (const [name, v, min] of [['topTokens', topTokens, 0], ['minTokenCount', minTokenCount, 1]] as const) {
    if (!Number.isSafeInteger(v) || v < min) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  if (options.vocabulary !== undefined && !Array.isArray(options.vocabulary)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.vocabulary must be an array of tokens (one per id), got ${typeof options.vocabulary}`);
  const p = mergePartials(partials);
  const perClass: DatasetSummary['perClass'] = {};
  for (const key of Object.keys(p.perClass).sort((a, b) => Number(a) - Number(b))) {
    const pc = p.perClass[key]!;
    perClass[key] = pc.featureCounts
      ? { count: pc.count, meanAttribution: pc.sum.meansPer(pc.featureCounts), meanAbsAttribution: pc.absSum.meansPer(pc.featureCounts), featureCounts: pc.featureCounts }
      : { count: pc.count, meanAttribution: pc.sum.means(pc.count), meanAbsAttribution: pc.absSum.means(pc.count) };
  }
  const labelled = p.rows.filter((r) => r.label !== null);
  const ranges: [number, number][] = [];
  for (const r of p.rows) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === r.index) last[1] = r.index + 1;
    else ranges.push([r.index, r.index + 1]);
  }
  const fc = p.featureCounts;
  return {
    count: p.count,
    rowShape: p.rowShape,
    classBy: p.classBy,
    meanAttribution: fc ? p.sum.meansPer(fc) : p.sum.means(p.count),
    meanAbsAttribution: fc ? p.absSum.meansPer(fc) : p.absSum.means(p.count),
    perClass,
    metrics: {
      deletionAuc: p.deletion ? meanWithInterval(p.deletion.count, p.deletion.sum, p.deletion.sumSq) : null,
      ...(p.insertion ? { insertionAuc: meanWithInterval(p.insertion.count, p.insertion.sum, p.insertion.sumSq) } : {}),
    },
    accuracy: labelled.length > 0 ? labelled.filter((r) => r.label === r.predicted).length / labelled.length : null,
    surrogate: p.surrogate ?? null,
    ranges,
    ...(p.input === 'tokens' ? { input: 'tokens' as const, featureCounts: fc, tokens: tokenSummary(p, options.vocabulary, topTokens, minTokenCount) } : {}),
  };
}

function tokenSummary(p: DatasetPartial, vocabulary: readonly string[] | undefined, topTokens: number, minTokenCount: number): TokenSummary {
  const t = p.tokens!;
  const mean = t.sum.meansPer(t.count);
  const meanAbs = t.absSum.meansPer(t.count);
  const byId: TokenSummary['byId'] = { id: [], count: [], meanAttribution: [], meanAbsAttribution: [] };
  for (let v = 0; v < t.vocabSize; v++) {
    if (t.count[v]! === 0) continue;
    byId.id.push(v);
    byId.count.push(t.count[v]!);
    byId.meanAttribution.push(mean[v]!);
    byId.meanAbsAttribution.push(meanAbs[v]!);
  }
  const top = byId.id
    .filter((v) => t.count[v]! >= minTokenCount)
    .sort((a, b) => meanAbs[b]! - meanAbs[a]! || a - b)
    .slice(0, topTokens)
    .map((v) => ({ id: v, ...(vocabulary?.[v] !== undefined ? { token: vocabulary[v] } : {}), count: t.count[v]!, meanAttribution: mean[v]!, meanAbsAttribution: meanAbs[v]! }));
  return { vocabSize: t.vocabSize, padId: t.padId, distinct: byId.id.length, byId, top, minTokenCount };
}

export { exactToNumber };
