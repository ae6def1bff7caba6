import { GlassboxError, checkOptionKeys, describe } from '@glassbox/tensors-ops';
import { barChart, lineChart, type LineSeries } from '@glassbox/viz';
import { METHOD_LABELS } from '../labels.js';
import {
  MODEL_KINDS,
  RENDER_REPORT_OPTION_KEYS,
  type ArrayData,
  type AutoencoderReport,
  type ClassifierReport,
  type CurveSummary,
  type CycleGanReport,
  type GanReport,
  type RegionAttribution,
  type RenderReportOptions,
  type ReportResult,
} from '../types.js';
import { CSS, escapeHtml, figure, fmt, inlineSvg, mean, num, numOrNaN, percent, section, table } from './html.js';
import { renderGpt, renderTextClassifier } from './text.js';
import { PictureCounter, displayRange, img, mapOver, maskOver, pixelImage, rowOf } from './pictures.js';

const labelOf = (m: string) => METHOD_LABELS[m] ?? m;

/** How the deletion and insertion curves are normalised (see @glassbox/metrics' deletionCurve). */
const NORMALISED = '(logit − F(b)) / |F(x) − F(b)|';

/** Column titles of the ranking table. */
const COLUMN_LABELS: Partial<Record<string, string>> = { deletion: 'deletion AUC', insertion: 'insertion AUC' };

function latentLabels(d: number): string[] {
  return Array.from({ length: d }, (_, k) => `z${k}`);
}

/** A signed or magnitude map (row i of maps) over row i of the pictures. */
function mapCell(pictures: ArrayData, maps: ArrayData, i: number, signed: boolean, alt: string, pics: PictureCounter): string {
  const base = pixelImage(pictures, i, displayRange(pictures));
  const { values, shape } = rowOf(maps, i);
  return img(mapOver(base, values, shape, signed), alt, pics);
}

function regionSection(
  regions: RegionAttribution[],
  pictures: ArrayData,
  labels: string[],
  pics: PictureCounter,
  what: string,
): string {
  const base = pixelImage(pictures, 0, displayRange(pictures));
  const rows = regions.map((r) => [
    img(maskOver(base, r.mask), `${r.region} region`, pics) + `<div class="cap">${escapeHtml(r.region)}</div>`,
    inlineSvg(
      barChart(
        r.meanAttribution.map(num),
        { labels: labels.slice(0, r.meanAttribution.length), maxFeatures: Math.min(r.meanAttribution.length, 12), title: `${r.region}: latent attribution`, width: 420, fontSize: 11 },
      ),
    ),
    fmt(mean(r.completeness)),
  ]);
  return section(
    `Which latent dimensions make each region of the ${what}`,
    table(['region', 'mean attribution per latent dimension (integrated gradients from z = 0)', 'completeness gap'], rows),
    'Integrated gradients of the mean intensity of the region (in red) with respect to the code, averaged over the inputs: red bars raise the region, blue bars darken it.',
  );
}

function renderClassifier(r: ClassifierReport, pics: PictureCounter): string {
  const parts: string[] = [];
  const p = r.predictions;
  const names = r.classNames;
  const nameOf = (k: number) => names[k] ?? String(k);
  const inRange = displayRange(r.inputs);
  const s = r.inputs.shape[0] ?? 0;
  const header = ['input', ...r.explanations.map((e) => escapeHtml(e.label))];
  const rows: string[][] = [];
  for (let i = 0; i < s; i++) {
    const probs = p.probabilities[i] ?? [];
    const pred = p.predicted[i] ?? 0;
    const target = p.target[i] ?? 0;
    const cap = [
      `predicted ${escapeHtml(nameOf(pred))} (${percent(probs[pred])})`,
      p.labels ? `label ${escapeHtml(nameOf(p.labels[i] ?? 0))}` : '',
      `explained: ${escapeHtml(nameOf(target))}`,
    ]
      .filter(Boolean)
      .join('<br>');
    const row = [img(pixelImage(r.inputs, i, inRange), `input ${i + 1}`, pics) + `<div class="cap">${cap}</div>`];
    for (const e of r.explanations) row.push(mapCell(r.inputs, e.attributions, i, e.signed, `${e.method} for input ${i + 1}`, pics));
    rows.push(row);
  }
  parts.push(
    section(
      'Predictions and explanations',
      table(header, rows, 'maps'),
      'Each row is one input, each column one method explaining the logit of the class named under the input. Signed maps: red raises the logit, blue lowers it. Magnitude maps (saliency, SmoothGrad, Grad-CAM): brighter means more influence.',
    ),
  );

  if (r.ranking && r.ranking.rows.length > 0) {
    const cols = r.ranking.columns;
    const head = [
      'rank',
      'method',
      ...cols.map((c) => `${escapeHtml(COLUMN_LABELS[c.metric] ?? c.metric)}<div class="cap">${c.direction === 'lower is better' ? 'lower is better' : 'higher is better'}</div>`),
      `${COLUMN_LABELS.deletion}, random order<div class="cap">the same, pixels in random order</div>`,
      'completeness gap',
    ];
    const byMethod = new Map(r.explanations.map((e) => [e.method, e]));
    const body = r.ranking.rows.map((row) => {
      const e = byMethod.get(row.method);
      return [
        String(row.rank),
        `<span class="${row.rank === 1 ? 'best' : ''}">${escapeHtml(labelOf(row.method))}</span>`,
        ...cols.map((c) => `${fmt(row.means[c.metric])}<div class="cap">rank ${fmt(row.ranks[c.metric])}</div>`),
        fmt(e?.metrics.deletion.meanRandomAuc),
        e?.metrics.completeness ? fmt(mean(e.metrics.completeness)) : '—',
      ];
    });
    parts.push(
      section(
        'Which explanation to trust',
        table(head, body),
        `Means over the inputs. Deletion AUC: the area under the target logit as the most important pixels are removed (the x axis runs from none to all), measured as ${NORMALISED}, where F(b) is the logit with every pixel at the baseline: 1 = the logit never moved, 0 = it dropped to F(b) at once (when F(x) < F(b) the curve runs from −1 to 0); lower is better, and a faithful map beats the random order. Insertion AUC: the same as pixels are put back into the baseline image (0 = stays at F(b), 1 = back to F(x) at once); higher is better. Infidelity: error of the map at predicting the effect of removing random pixel subsets (at the best scale). Max-sensitivity: largest relative change of the map under tiny input noise. Sparseness: Gini index of |map|. Overall rank: by the mean of the per-metric ranks.`,
      ),
    );
  }

  if (r.explanations.length > 0) {
    const charts: string[] = [];
    // The charts show the normalised curves whose areas the table gives (older results without them: raw logits).
    const normalised = r.explanations.every((e) => e.metrics.deletion.normalizedCurves !== undefined && e.metrics.insertion.normalizedCurves !== undefined);
    for (const which of ['deletion', 'insertion'] as const) {
      const pick = (c: CurveSummary, random: boolean) => (normalised ? (random ? c.randomNormalizedCurves : c.normalizedCurves) : random ? c.randomCurves : c.curves) ?? [];
      const series: LineSeries[] = r.explanations.map((e) => {
        const c = e.metrics[which];
        const curves = pick(c, false);
        return { name: e.method, x: c.fractions.map(num), y: c.fractions.map((_, k) => mean(curves.map((curve) => curve[k]))) };
      });
      const first = r.explanations[0]!.metrics[which];
      const randomCurves = pick(first, true);
      if (randomCurves.length > 0) {
        series.push({ name: 'random order', color: '#999999', x: first.fractions.map(num), y: first.fractions.map((_, k) => mean(randomCurves.map((curve) => curve[k]))) });
      }
      charts.push(
        figure(
          inlineSvg(
            lineChart(
              series.map((q) => ({ ...q, y: Array.from(q.y, numOrNaN) })),
              {
                title: `${which} curve (mean over inputs)`,
                xLabel: which === 'deletion' ? 'fraction of pixels removed' : 'fraction of pixels inserted',
                yLabel: normalised ? NORMALISED : 'target logit',
                width: 520,
                height: 320,
              },
            ),
          ),
        ),
      );
    }
    const gain = r.explanations.map((e) => num(e.metrics.deletion.meanRandomAuc - e.metrics.deletion.meanAuc));
    charts.push(
      figure(
        inlineSvg(barChart(gain, { labels: r.explanations.map((e) => e.method), sort: 'none', title: 'Deletion AUC: random order minus method (higher = more faithful)', xLabel: 'normalised AUC gain over random', width: 520 })),
      ),
    );
    parts.push(section('Deletion and insertion curves', charts.join('')));
  }
  return parts.join('');
}

function renderAutoencoder(r: AutoencoderReport, pics: PictureCounter): string {
  const parts: string[] = [];
  const s = r.inputs.shape[0] ?? 0;
  const range = displayRange(r.inputs);
  const d = r.latent.dim;
  const rows: string[][] = [];
  for (let i = 0; i < s; i++) {
    rows.push([
      img(pixelImage(r.inputs, i, range), `input ${i + 1}`, pics),
      img(pixelImage(r.reconstructions, i, range), `reconstruction ${i + 1}`, pics),
      fmt(r.reconstructionError[i]),
      `<code>${escapeHtml((r.latent.codes[i] ?? []).slice(0, 8).map(fmt).join(', '))}${d > 8 ? ', …' : ''}</code>`,
    ]);
  }
  parts.push(section('Reconstructions', table(['input', 'reconstruction', 'mean squared error', 'code (first dimensions)'], rows)));

  if (r.sensitivity) {
    parts.push(
      section(
        'Latent sensitivity',
        figure(inlineSvg(barChart(r.sensitivity.scores.map(num), { labels: latentLabels(d), maxFeatures: Math.min(d, 16), title: 'mean |change of the output| per unit step', width: 560 }))),
        `How much the decoded image changes (mean absolute change per pixel) when one latent dimension moves by ${fmt(r.sensitivity.delta)}, averaged over the codes of the inputs. Dimensions near 0 are unused.`,
      ),
    );
  }
  if (r.traversals && r.traversals.length > 0) {
    const trRange = displayRange(r.reconstructions);
    const body = r.traversals.map((t) => {
      const cells = t.values.map((v, k) => img(pixelImage({ shape: [t.values.length, ...t.images.shape.slice(1)], data: t.images.data }, k, trRange), `z${t.dim} = ${fmt(v)}`, pics) + `<div class="cap">${fmt(v)}</div>`);
      return [`z${t.dim}`, ...cells];
    });
    const n = r.traversals[0]!.values.length;
    parts.push(
      section(
        'Latent traversals',
        table(['dimension', ...Array.from({ length: n }, (_, k) => `value ${k + 1}`)], body),
        'The first input’s code, decoded while one latent dimension sweeps through a range of values and the others stay fixed: what each dimension controls.',
      ),
    );
  }
  if (r.encoderAttributions && r.encoderAttributions.length > 0) {
    const head = ['input', ...r.encoderAttributions.map((e) => `z${e.dim}`)];
    const body: string[][] = [];
    for (let i = 0; i < s; i++) {
      body.push([
        img(pixelImage(r.inputs, i, range), `input ${i + 1}`, pics),
        ...r.encoderAttributions.map((e) => mapCell(r.inputs, e.attributions, i, true, `d z${e.dim} / dx for input ${i + 1}`, pics)),
      ]);
    }
    parts.push(
      section(
        'Which pixels drive each latent dimension',
        table(head, body, 'maps'),
        'The gradient of the encoder output z_d with respect to the input: red pixels raise z_d, blue ones lower it.',
      ),
    );
  }
  if (r.regionAttributions && r.regionAttributions.length > 0) parts.push(regionSection(r.regionAttributions, r.reconstructions, latentLabels(d), pics, 'reconstruction'));
  return parts.join('');
}

function renderGan(r: GanReport, pics: PictureCounter): string {
  const parts: string[] = [];
  const s = r.inputs.shape[0] ?? 0;
  const realRange = displayRange(r.inputs);
  const fakeRange = displayRange(r.fakes);
  const sal = r.discriminatorSaliency;
  const head = ['real', 'D(real)', ...(sal ? ['saliency'] : []), 'generated', 'D(generated)', ...(sal ? ['saliency'] : [])];
  const rows: string[][] = [];
  const classCap = (classes: number[] | null | undefined, i: number) =>
    classes && classes[i] !== undefined ? `<div class="cap">class ${escapeHtml(classes[i])}</div>` : '';
  for (let i = 0; i < s; i++) {
    rows.push([
      img(pixelImage(r.inputs, i, realRange), `real ${i + 1}`, pics) + classCap(r.latent.realClasses, i),
      fmt(r.discriminator.realScores[i]),
      ...(sal ? [mapCell(r.inputs, sal.real, i, false, `discriminator saliency on real ${i + 1}`, pics)] : []),
      img(pixelImage(r.fakes, i, fakeRange), `generated ${i + 1}`, pics) + classCap(r.latent.fakeClasses, i),
      fmt(r.discriminator.fakeScores[i]),
      ...(sal ? [mapCell(r.fakes, sal.fake, i, false, `discriminator saliency on generated ${i + 1}`, pics)] : []),
    ]);
  }
  parts.push(
    section(
      'Real and generated images through the discriminator',
      table(head, rows, 'maps'),
      'D is the discriminator’s logit (higher = judged real). Saliency |dD/dx|: the pixels the judgement is most sensitive to. Generated images come from seeded codes z ~ N(0, I).',
    ),
  );
  if (r.regionAttributions && r.regionAttributions.length > 0) {
    const k = r.latent.numClasses ?? 0;
    const labels = [...latentLabels(r.latent.dim), ...Array.from({ length: k }, (_, c) => `class ${c}`)];
    parts.push(regionSection(r.regionAttributions, r.fakes, labels, pics, 'generated images'));
  }
  return parts.join('');
}

function renderCycleGan(r: CycleGanReport, pics: PictureCounter): string {
  const parts: string[] = [];
  const s = r.inputs.shape[0] ?? 0;
  const inRange = displayRange(r.inputs);
  const outRange = displayRange(r.translations);
  const disc = r.discriminatorB;
  const head = ['input (A)', 'translation (B)', ...(r.cycle ? ['cycle (back to A)'] : []), ...(disc ? ['D_B(translation)', 'D_B saliency'] : [])];
  const rows: string[][] = [];
  for (let i = 0; i < s; i++) {
    rows.push([
      img(pixelImage(r.inputs, i, inRange), `input ${i + 1}`, pics),
      img(pixelImage(r.translations, i, outRange), `translation ${i + 1}`, pics),
      ...(r.cycle ? [img(pixelImage(r.cycle, i, displayRange(r.cycle)), `cycle ${i + 1}`, pics)] : []),
      ...(disc ? [fmt(disc.scores[i]), mapCell(r.translations, disc.saliency, i, false, `discriminator saliency ${i + 1}`, pics)] : []),
    ]);
  }
  parts.push(section('Translations', table(head, rows, 'maps')));
  const withMaps = r.regions.filter((g) => g.saliency || g.integratedGradients);
  if (withMaps.length > 0) {
    const base = pixelImage(r.translations, 0, outRange);
    const kinds: { key: 'saliency' | 'integratedGradients'; label: string; signed: boolean }[] = [];
    if (withMaps.some((g) => g.saliency)) kinds.push({ key: 'saliency', label: 'saliency', signed: false });
    if (withMaps.some((g) => g.integratedGradients)) kinds.push({ key: 'integratedGradients', label: 'IG', signed: true });
    const head2 = ['region of the translation'];
    for (let i = 0; i < s; i++) for (const k of kinds) head2.push(`input ${i + 1}: ${k.label}`);
    head2.push('IG completeness gap');
    const body = withMaps.map((g) => {
      const row = [img(maskOver(base, g.mask), `${g.region} region`, pics) + `<div class="cap">${escapeHtml(g.region)}</div>`];
      for (let i = 0; i < s; i++) {
        for (const k of kinds) {
          const maps = g[k.key];
          row.push(maps ? mapCell(r.inputs, maps, i, k.signed, `${k.label} of the ${g.region} region for input ${i + 1}`, pics) : '—');
        }
      }
      row.push(g.completeness ? fmt(mean(g.completeness)) : '—');
      return row;
    });
    parts.push(
      section(
        'Which input pixels made each region of the translation',
        table(head2, body, 'maps'),
        'Attributions of the mean intensity of the region (red, shown on the first translation) to the input pixels: saliency |d score / dx| and integrated gradients from a black input (red raises the region, blue darkens it).',
      ),
    );
  }
  return parts.join('');
}

function checkResult(result: unknown, where: string): ReportResult {
  const r = result as Partial<ReportResult> | null;
  if (r == null || typeof r !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: result must be what explainModel returns, got ${describe(result)}`);
  }
  if (typeof r.kind !== 'string' || !(MODEL_KINDS as readonly string[]).includes(r.kind)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: result.kind must be one of ${MODEL_KINDS.map((k) => `'${k}'`).join(', ')}, got ${describe(r.kind)}`);
  }
  if (r.kind === 'gpt' || r.kind === 'text-classifier') {
    const ok = r.meta != null && typeof r.meta === 'object' && (r.kind === 'gpt' ? Array.isArray((r as { generations?: unknown }).generations) : Array.isArray((r as { texts?: unknown }).texts));
    if (!ok) throw new GlassboxError('INVALID_ARGUMENT', `${where}: result must have meta and ${r.kind === 'gpt' ? 'generations' : 'texts'} as explainModel returns them`);
    return r as ReportResult;
  }
  const ri = r as Partial<ClassifierReport>;
  if (ri.meta == null || typeof ri.meta !== 'object' || ri.inputs == null || !Array.isArray(ri.inputs.shape) || !Array.isArray(ri.inputs.data)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: result must have meta and inputs { shape, data } as explainModel returns them`);
  }
  return r as ReportResult;
}

/**
 * Turns an `explainModel` result into one self-contained HTML page: every picture is an
 * `<img src="data:image/png;base64,...">` (PNG made by @glassbox/viz), every chart an inline `<svg>` (viz
 * barChart / lineChart), the CSS is inline, all text is escaped, and nothing is loaded from anywhere (no
 * http(s) reference at all), so the file can be opened offline, mailed or archived. Pure: needs no tensors
 * and no backend, so it runs in a browser (e.g. on a result sent from a worker) as in Node.
 *
 * @param result what `explainModel` returned (also after a JSON round trip).
 * @param options `title` (default 'Glassbox report: <kind>').
 * @returns the HTML document as a string.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('report.html', renderReport(await explainModel(model, images), { title: 'Digits CNN' }));
 * ```
 */
export function renderReport(result: ReportResult, options: RenderReportOptions = {}): string {
  const where = 'renderReport';
  const r = checkResult(result, where);
  options = checkOptionKeys<RenderReportOptions>(options, RENDER_REPORT_OPTION_KEYS, where);
  if (options.title !== undefined && typeof options.title !== 'string') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.title must be a string, got ${describe(options.title)}`);
  }
  const title = options.title ?? `Glassbox report: ${r.kind}`;
  const pics = new PictureCounter();
  let body: string;
  switch (r.kind) {
    case 'classifier':
      body = renderClassifier(r, pics);
      break;
    case 'ae':
    case 'vae':
      body = renderAutoencoder(r, pics);
      break;
    case 'gan':
      body = renderGan(r, pics);
      break;
    case 'cyclegan':
      body = renderCycleGan(r, pics);
      break;
    case 'text-classifier':
      body = renderTextClassifier(r);
      break;
    case 'gpt':
      body = renderGpt(r);
      break;
  }
  const m = r.meta;
  const facts = [
    `kind: ${r.kind}`,
    m.modelName ? `model: ${m.modelName}` : '',
    `inputs: ${m.samples} of shape [${(m.inputShape ?? []).join(', ')}]`,
    `backend: ${m.backend}`,
    `seed: ${m.seed}`,
  ].filter(Boolean);
  const skipped = (m.skipped ?? []).map((k) => `<li>${escapeHtml(k.method)}: ${escapeHtml(k.reason)}</li>`).join('');
  const settings = Object.entries(m.settings ?? {})
    .map(([k, v]) => `${escapeHtml(k)} = ${escapeHtml(fmt(v))}`)
    .join(', ');
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>` +
    `<header><h1>${escapeHtml(title)}</h1><p class="meta">${facts.map(escapeHtml).join(' · ')}</p>` +
    `<p class="meta">methods: ${escapeHtml((m.methods ?? []).map(labelOf).join(', ') || 'none')}</p></header>` +
    body +
    `<details><summary>Settings${skipped ? ' and skipped methods' : ''}</summary><p>${settings}</p>${skipped ? `<ul>${skipped}</ul>` : ''}</details>` +
    `<footer>Made by @glassbox/report (format ${escapeHtml(m.formatVersion)}); ${pics.count} pictures. Self-contained: no external resources.</footer>` +
    '</body></html>\n'
  );
}
