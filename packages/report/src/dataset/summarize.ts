/**
 * summarizeDataset: merges the partials of a run's shards (exact sums add exactly, so the merge order and the
 * shard count do not matter) and turns them into means.
 *
 *   meanAttribution_j = S_j / N,   meanAbsAttribution_j = |S|_j / N,   per class c the same over N_c rows
 *   deletion AUC: mean m = A / n, sample sd s = sqrt((Q - n m^2) / (n - 1)), 95% interval m -/+ 1.96 s / sqrt(n)
 *   (the normal approximation; with n < 2 the interval is [m, m] and sd is null)
 */
import { GlassboxError } from '@glassbox/tensors-ops';
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
  perClass: Record<string, { count: number; meanAttribution: number[]; meanAbsAttribution: number[] }>;
  metrics: { deletionAuc: MeanWithInterval | null };
  /** Fraction of rows whose predicted class equals the label (null without labels). */
  accuracy: number | null;
  surrogate: SurrogateSummary | null;
  /** The global row ranges the partials covered, sorted. */
  ranges: [number, number][];
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
    rows: [],
    range: [first.range[0], first.range[1]],
  };
  let prevEnd = -Infinity;
  let rows: DatasetRow[] = [];
  for (const p of sorted) {
    if (p.featureCount !== F || p.rowShape.join(',') !== first.rowShape.join(',')) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: partials of rows [${first.rowShape.join(', ')}] and [${p.rowShape.join(', ')}] cannot be merged`);
    }
    if (p.classBy !== first.classBy) throw new GlassboxError('INVALID_ARGUMENT', `${where}: partials with classBy '${first.classBy}' and '${p.classBy}' cannot be merged`);
    if ((p.deletion === null) !== (first.deletion === null)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: some partials have deletion metrics and some do not`);
    if (p.range[1] > p.range[0]) {
      if (p.range[0] < prevEnd) throw new GlassboxError('INVALID_ARGUMENT', `${where}: row ranges overlap: [${p.range[0]}, ${p.range[1]}) starts before ${prevEnd}`);
      prevEnd = p.range[1];
    }
    out.count += p.count;
    out.sum.merge(p.sum, where);
    out.absSum.merge(p.absSum, where);
    for (const key of Object.keys(p.perClass)) {
      const pc = p.perClass[key]!;
      const o = (out.perClass[key] ??= { count: 0, sum: new ExactSums(F, 'f32'), absSum: new ExactSums(F, 'f32') });
      o.count += pc.count;
      o.sum.merge(pc.sum, where);
      o.absSum.merge(pc.absSum, where);
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
export function summarizeDataset(partials: readonly DatasetPartial[]): DatasetSummary {
  const p = mergePartials(partials);
  const perClass: DatasetSummary['perClass'] = {};
  for (const key of Object.keys(p.perClass).sort((a, b) => Number(a) - Number(b))) {
    const pc = p.perClass[key]!;
    perClass[key] = { count: pc.count, meanAttribution: pc.sum.means(pc.count), meanAbsAttribution: pc.absSum.means(pc.count) };
  }
  const labelled = p.rows.filter((r) => r.label !== null);
  const ranges: [number, number][] = [];
  for (const r of p.rows) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === r.index) last[1] = r.index + 1;
    else ranges.push([r.index, r.index + 1]);
  }
  return {
    count: p.count,
    rowShape: p.rowShape,
    classBy: p.classBy,
    meanAttribution: p.sum.means(p.count),
    meanAbsAttribution: p.absSum.means(p.count),
    perClass,
    metrics: { deletionAuc: p.deletion ? meanWithInterval(p.deletion.count, p.deletion.sum, p.deletion.sumSq) : null },
    accuracy: labelled.length > 0 ? labelled.filter((r) => r.label === r.predicted).length / labelled.length : null,
    surrogate: p.surrogate ?? null,
    ranges,
  };
}

export { exactToNumber };
