// Drawing the results: the attribution, its metrics and curves, the latent panel.
import type { NormalizeMode } from '@glassbox/viz';
import { CURVE_AXIS, clear, curvesChart, drawAttribution, drawJacobian, drawTraversal, latentChart, setSvg } from '../draw.js';
import { methodView } from '../methods.js';
import type { LatentData } from '../protocol.js';
import { el } from './elements.js';
import { state } from './state.js';

export function clearResult(): void {
  state.result = null;
  for (const c of [el.heatmap, el.overlay, el.colorbar]) clear(c);
  el.extra.textContent = '';
  el.heatmapCaption.textContent = 'attribution';
}

export function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(3);
}

export function showResult(): void {
  const r = state.result;
  const o = state.output;
  if (r === null || o === null) return;
  const m = methodView(state.methods, r.method);
  drawAttribution({ heatmap: el.heatmap, overlay: el.overlay, colorbar: el.colorbar }, r.attributions, o.image, el.heatMode.value as NormalizeMode, r.segments);
  el.heatmap.dataset['method'] = r.method;
  el.heatmapCaption.textContent = `${m.label}${r.target !== undefined ? ` · ${r.targetLabel ?? `class ${r.target}`}` : ''}`;
  const bits: string[] = [];
  if (r.score !== undefined) bits.push(`score F(x) = ${fmt(r.score)}`);
  if (r.delta !== undefined) bits.push(`convergence delta ${fmt(r.delta)}`);
  for (const [k, v] of Object.entries(r.extra)) bits.push(`${k}: ${typeof v === 'number' ? fmt(v) : v}`);
  el.extra.textContent = bits.join(' · ');
  if (r.metrics) {
    el.metricsPanel.hidden = false;
    setSvg(el.curves, curvesChart(r.metrics.deletion, r.metrics.insertion));
    const del = r.metrics.deletion;
    const ins = r.metrics.insertion;
    // The AUCs are areas under the normalised curves of the chart; their meaning depends on which end is higher.
    const rises = del.inputScore < del.baselineScore;
    const rows: [string, string, string][] = [
      ['deletion AUC', fmt(del.auc) + (del.randomAuc !== undefined ? ` (random ${fmt(del.randomAuc)})` : ''), `lower is better · ${rises ? 'curve runs −1 → 0 as F(x) < F(b)' : '1 = no drop, 0 = whole drop at once'}`],
      ['insertion AUC', fmt(ins.auc) + (ins.randomAuc !== undefined ? ` (random ${fmt(ins.randomAuc)})` : ''), `higher is better · ${rises ? 'curve runs 0 → −1 as F(x) < F(b)' : '0 = no recovery, 1 = all at once'}`],
      ['curve ends', `F(x) ${fmt(del.inputScore)} · F(b) ${fmt(del.baselineScore)}`, `b: every pixel at the baseline (0); curves and AUCs in units of ${CURVE_AXIS}`],
      ['infidelity', fmt(r.metrics.infidelity), `lower is better${m.gradientLike ? ' (as a gradient)' : ''}`],
      ['sparseness (Gini)', fmt(r.metrics.sparseness), 'higher = more concentrated'],
      ['completeness gap', fmt(r.metrics.completeness), '|Σ a − (F(x) − F(0))|, 0 for IG / SHAP'],
    ];
    if (r.metrics.sensitivity !== undefined) rows.push(['max-sensitivity', fmt(r.metrics.sensitivity), 'lower is better']);
    for (const s of r.metrics.sanity ?? []) rows.push([`sanity: up to ${s.layer}`, `ρ ${fmt(s.spearman)} · SSIM ${fmt(s.ssim)}`, 'should drop']);
    const head = document.createElement('tr');
    for (const h of ['metric', 'value', '']) {
      const th = document.createElement('th');
      th.textContent = h;
      head.append(th);
    }
    el.metrics.replaceChildren(
      head,
      ...rows.map(([a, b, c]) => {
        const tr = document.createElement('tr');
        const cells = [a, b, c].map((t, i) => {
          const td = document.createElement('td');
          td.textContent = t;
          if (i === 1) td.className = 'num';
          if (i === 2) td.className = 'muted';
          return td;
        });
        tr.append(...cells);
        return tr;
      }),
    );
  }
  if (r.latent) showLatent(r.latent);
}

export function showLatent(l: LatentData): void {
  el.latentPanel.hidden = false;
  setSvg(el.latentBars, latentChart(l.attributions, state.info?.latentDim));
  drawTraversal(el.traversal, l.traversal, l.dims, l.values);
  drawJacobian(el.jacobian, l.jacobian, l.dims);
}
