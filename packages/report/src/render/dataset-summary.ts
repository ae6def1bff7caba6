/**
 * renderDatasetSummary: the "whole test set" section of a data-set run (explainDataset / `glassbox merge`):
 * one mean-attribution heatmap per class and the explainer ranking averaged over the set.
 */
import { GlassboxError, describe } from '@glassbox/tensors-ops';
import { heatmap } from '@glassbox/viz';
import { escapeHtml, fmt, num, percent, section, table } from './html.js';
import { img } from './pictures.js';

/** One row of the explainer ranking: an explainer's deletion AUC averaged over the set. */
export interface DatasetRankingRow {
  /** The explainer's name, e.g. 'integrated-gradients'. */
  method: string;
  /** Images the mean is taken over. */
  count?: number;
  /** Normalised deletion AUC (lower is better): mean and 95% interval of the mean. */
  deletionAuc: { mean: number | null; ci95?: readonly (number | null)[] };
}

/**
 * What renderDatasetSummary reads: a subset of `glassbox merge`'s summary.json (which is accepted as it is),
 * optionally with a ranking of explainers and the provenance of the numbers.
 */
export interface DatasetSummaryView {
  model: string;
  /** The explainer the per-class maps come from. */
  method: string;
  /** Images in the set. */
  count: number;
  /** Shape of one input: [H, W] or [H, W, C]. */
  rowShape: readonly number[];
  /** Mean signed attribution per class, flattened row-major (null, as JSON writes NaN, is drawn as 0). */
  perClass: Record<string, { count: number; meanAttribution: ArrayLike<number | null> }>;
  /** Overall mean |attribution|: one number, or per feature (merge's array; its mean is shown). */
  meanAbsAttribution?: number | ArrayLike<number | null>;
  /** Fraction of the set the model classifies right. */
  accuracy?: number | null;
  /** The explainer ranking (deletion AUC averaged over the set); absent: no table. */
  ranking?: readonly DatasetRankingRow[];
  /** Where the numbers come from (shown in small print). */
  provenance?: { commands?: readonly string[]; date?: string; versions?: Record<string, string> };
}

function fail(message: string): never {
  throw new GlassboxError('INVALID_ARGUMENT', `renderDatasetSummary: ${message}`);
}

/** Class labels in order: numerically when all are numbers, else as strings. */
function classOrder(labels: string[]): string[] {
  const numeric = labels.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  return [...labels].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Renders the whole-set view as an HTML `<section>` (a string, self-contained: pictures are PNG data URLs).
 *
 * Per class: the mean signed attribution over that class's images, drawn with one colour scale for all
 * classes (red pushes the explained score up, blue down; the scale's end is the largest |mean| over every
 * class and pixel), captioned with the class and its image count. The ranking table sorts the explainers by
 * mean deletion AUC, lowest (most faithful: the score falls fastest when its top pixels go) first; explainers
 * without a finite mean come last. All text from the summary is HTML-escaped.
 *
 * @param summary a DatasetSummaryView (or merge's summary.json as it is)
 * @returns the section's HTML; each class picture is an `<img>` inside `<figure class="ds-class"
 *   data-class="...">`
 * @throws GlassboxError INVALID_ARGUMENT when summary is not an object with model, method, count, rowShape and
 *   perClass, or a class map's length is not the product of rowShape
 *
 * @example
 * const html = renderDatasetSummary(JSON.parse(readFileSync('summary/summary.json', 'utf8')));
 */
export function renderDatasetSummary(summary: DatasetSummaryView): string {
  if (typeof summary !== 'object' || summary === null) fail(`summary must be an object, got ${describe(summary)}`);
  const s = summary as Partial<DatasetSummaryView>;
  if (typeof s.perClass !== 'object' || s.perClass === null) fail(`summary.perClass must be an object { [label]: { count, meanAttribution } }, got ${describe(s.perClass)}`);
  const shape = s.rowShape;
  if (!Array.isArray(shape) || shape.length < 2 || shape.length > 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    fail(`summary.rowShape must be [H, W] or [H, W, C] of positive integers, got ${describe(shape)}`);
  }
  const size = shape.reduce((p: number, q: number) => p * q, 1);
  const labels = classOrder(Object.keys(s.perClass));
  const maps = new Map<string, Float32Array>();
  let peak = 0;
  for (const label of labels) {
    const c = s.perClass[label]!;
    const m = c?.meanAttribution;
    if (!m || typeof m !== 'object' || typeof m.length !== 'number') fail(`summary.perClass['${label}'].meanAttribution must be an array, got ${describe(m)}`);
    if (m.length !== size) fail(`summary.perClass['${label}'].meanAttribution must have ${size} values (rowShape [${shape.join(', ')}]), got ${m.length}`);
    const v = Float32Array.from(Array.from(m as ArrayLike<number | null>, num));
    for (const x of v) peak = Math.max(peak, Math.abs(x));
    maps.set(label, v);
  }

  const hs = shape.length === 3 ? [shape[0]!, shape[1]!, shape[2]!] : [shape[0]!, shape[1]!];
  const figures = labels.map((label) => {
    const pc = s.perClass![label]!;
    const { image } = heatmap(maps.get(label)!, hs, { mode: 'signed', nonFinite: 'zero', ...(peak > 0 ? { clip: { value: peak } } : {}) });
    const n = typeof pc.count === 'number' ? pc.count : NaN;
    return (
      `<figure class="ds-class" data-class="${escapeHtml(label)}">${img(image, `mean attribution, class ${label}`)}` +
      `<figcaption>class ${escapeHtml(label)} · <span class="ds-count">${Number.isFinite(n) ? n : '—'}</span> images</figcaption></figure>`
    );
  });

  const abs = s.meanAbsAttribution;
  const absMean = typeof abs === 'number' ? abs : abs && typeof abs === 'object' ? meanOf(abs) : NaN;
  const facts = [
    `${escapeHtml(s.count)} images`,
    `model ${escapeHtml(s.model)}`,
    `maps: ${escapeHtml(s.method)}`,
    ...(s.accuracy !== undefined && s.accuracy !== null ? [`accuracy ${percent(s.accuracy)}`] : []),
    ...(Number.isFinite(absMean) ? [`mean |attribution| ${fmt(absMean)}`] : []),
    `colour scale ±${fmt(peak)} (red raises the score, blue lowers it)`,
  ];
  let body = `<p class="ds-facts">${facts.join(' · ')}</p><div class="ds-classes">${figures.join('')}</div>`;

  if (Array.isArray(s.ranking) && s.ranking.length > 0) {
    const rows = [...s.ranking]
      .map((r) => ({ r, m: typeof r?.deletionAuc?.mean === 'number' && Number.isFinite(r.deletionAuc.mean) ? r.deletionAuc.mean : NaN }))
      .sort((a, b) => (Number.isNaN(a.m) ? 1 : 0) - (Number.isNaN(b.m) ? 1 : 0) || a.m - b.m || 0);
    const tableRows = rows.map(({ r, m }, i) => {
      const ci = r.deletionAuc?.ci95;
      return [
        Number.isNaN(m) ? '—' : String(i + 1),
        escapeHtml(r.method),
        r.count === undefined ? '—' : escapeHtml(r.count),
        fmt(m),
        Array.isArray(ci) && ci.length === 2 ? `[${fmt(ci[0])}, ${fmt(ci[1])}]` : '—',
      ];
    });
    body += `<h3>Explainer ranking over the set</h3>` + table(['rank', 'explainer', 'images', 'deletion AUC (mean)', '95% interval'], tableRows, 'ds-ranking');
  }

  const p = s.provenance;
  if (p && typeof p === 'object') {
    const parts: string[] = [];
    if (Array.isArray(p.commands)) parts.push(...p.commands.map((c) => `<code>${escapeHtml(c)}</code>`));
    if (typeof p.date === 'string') parts.push(`made ${escapeHtml(p.date)}`);
    if (p.versions && typeof p.versions === 'object') parts.push(Object.entries(p.versions).map(([k, v]) => `${escapeHtml(k)} ${escapeHtml(v)}`).join(', '));
    if (parts.length > 0) body += `<p class="note ds-provenance">${parts.join('<br>')}</p>`;
  }

  return section(
    'Whole test set',
    body,
    'Mean attribution per class over the set, one colour scale for all classes; explainers ranked by deletion AUC (lower: the score falls faster when the top-ranked pixels are removed).',
  );
}

function meanOf(a: ArrayLike<number | null>): number {
  if (a.length === 0) return NaN;
  let t = 0;
  for (let i = 0; i < a.length; i++) t += num(a[i]);
  return t / a.length;
}
