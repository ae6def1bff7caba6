import { scaleLinear } from 'd3-scale';
import { schemeTableau10 } from 'd3-scale-chromatic';
import { area, line } from 'd3-shape';
import { formatNumber } from './format.js';
import { el, fnv1a, svgRoot, text } from './svg.js';
import { checkOptions, checkPositiveInt, describe, fail, isArrayLike, optionKeys } from './validate.js';

/** One curve. */
export interface LineSeries {
  /** The values. Non-finite entries (NaN, ±Infinity, e.g. a diverged loss) leave a gap in the line. */
  y: ArrayLike<number>;
  /** x positions, same length as y; default 0, 1, 2, ... */
  x?: ArrayLike<number>;
  /** Legend entry. */
  name?: string;
  /** CSS colour; default from d3's Tableau10 scheme, by series index. */
  color?: string;
}

export interface LineChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Total size in px; default 480 x 300. */
  width?: number;
  height?: number;
  /** Fixed axis ranges; default the data extent, rounded outwards to nice numbers. */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** Show a legend (top right, inside the plot); default: when any series has a name. */
  legend?: boolean;
  /** Shade the area between each curve and the bottom of the y axis (for AUC pictures); default false. */
  area?: boolean;
  /** Font size in px; default 12. */
  fontSize?: number;
}

/** The keys of LineChartOptions. */
export const LINE_CHART_OPTION_KEYS = optionKeys<LineChartOptions>({ title: true, xLabel: true, yLabel: true, width: true, height: true, xDomain: true, yDomain: true, legend: true, area: true, fontSize: true });

/**
 * A line chart as an SVG string (no DOM needed), for deletion/insertion curves of faithfulness metrics,
 * sanity-check curves and training loss curves.
 *
 * Intuition: a deletion curve plots the model output while the most important pixels are removed step by
 * step; the faster it drops, the more faithful the explanation (Petsiuk et al. 2018, RISE,
 * arXiv:1806.07421). Plotting several explainers on one chart compares them.
 *
 * Each series is one `<path class="line">` (drawn with d3-shape's `line`), plus a `<path class="area">`
 * with `area: true`.
 *
 * @param series one series or an array of series.
 * @example
 * ```ts
 * const steps = Float32Array.from({ length: 11 }, (_, i) => i / 10);
 * const svg = lineChart(
 *   [{ x: steps, y: deletionIG, name: 'IG' }, { x: steps, y: deletionSaliency, name: 'saliency' }],
 *   { xLabel: 'fraction removed', yLabel: 'p(target)', title: 'Deletion' },
 * );
 * ```
 */
export function lineChart(series: LineSeries | readonly LineSeries[], options: LineChartOptions = {}): string {
  const fn = 'lineChart';
  const list: readonly LineSeries[] = Array.isArray(series) ? series : [series as LineSeries];
  if (list.length === 0) fail('INVALID_ARGUMENT', `${fn}: series must not be empty`);
  list.forEach((s, i) => {
    if (s === null || typeof s !== 'object') fail('INVALID_ARGUMENT', `${fn}: series[${i}] must be { y, x?, name?, color? }, got ${describe(s)}`);
    if (!isArrayLike(s.y)) fail('INVALID_ARGUMENT', `${fn}: series[${i}].y must be a Float32Array or an array of numbers, got ${describe(s.y)}`);
    if (s.y.length === 0) fail('INVALID_ARGUMENT', `${fn}: series[${i}].y must not be empty`);
    if (s.x !== undefined) {
      if (!isArrayLike(s.x)) fail('INVALID_ARGUMENT', `${fn}: series[${i}].x must be a Float32Array or an array of numbers, got ${describe(s.x)}`);
      if (s.x.length !== s.y.length) fail('SHAPE_MISMATCH', `${fn}: series[${i}].x has ${s.x.length} elements, expected ${s.y.length} (the length of series[${i}].y)`);
    }
    for (const k of ['name', 'color'] as const) {
      if (s[k] !== undefined && typeof s[k] !== 'string') fail('INVALID_ARGUMENT', `${fn}: series[${i}].${k} must be a string, got ${describe(s[k])}`);
    }
  });
  checkOptions(fn, options, LINE_CHART_OPTION_KEYS);
  const width = checkPositiveInt(fn, 'options.width', options.width ?? 480);
  const height = checkPositiveInt(fn, 'options.height', options.height ?? 300);
  const fontSize = checkPositiveInt(fn, 'options.fontSize', options.fontSize ?? 12);
  for (const k of ['title', 'xLabel', 'yLabel'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'string') fail('INVALID_ARGUMENT', `${fn}: options.${k} must be a string, got ${describe(options[k])}`);
  }
  const xDomain = checkDomain(fn, 'options.xDomain', options.xDomain);
  const yDomain = checkDomain(fn, 'options.yDomain', options.yDomain);
  const showLegend = options.legend ?? list.some((s) => s.name);
  const shade = options.area ?? false;

  const xsOf = (s: LineSeries, i: number): number => (s.x ? Number(s.x[i]) : i);
  const finitePoint = (s: LineSeries, i: number): boolean => Number.isFinite(xsOf(s, i)) && Number.isFinite(Number(s.y[i]));
  const extent = (get: (s: LineSeries, i: number) => number): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of list) {
      for (let i = 0; i < s.y.length; i++) {
        if (!finitePoint(s, i)) continue;
        const v = get(s, i);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo > hi) return [0, 1];
    if (lo === hi) return lo === 0 ? [-1, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
    return [lo, hi];
  };

  const title = options.title;
  const marginTop = (title ? fontSize * 2 + 4 : 10);
  const marginRight = 16;
  const marginBottom = fontSize + 14 + (options.xLabel ? fontSize + 6 : 0);
  const marginLeft = 8 + 6 * 0.6 * fontSize + (options.yLabel ? fontSize + 8 : 0);
  const x = scaleLinear().domain(xDomain ?? extent(xsOf)).range([marginLeft, width - marginRight]);
  const y = scaleLinear().domain(yDomain ?? extent((s, i) => Number(s.y[i]))).range([height - marginBottom, marginTop]);
  if (!xDomain) x.nice();
  if (!yDomain) y.nice();
  const [x0, x1] = x.range();
  const [y0, y1] = y.range();

  const parts: string[] = [];
  if (title) parts.push(text({ class: 'title', x: width / 2, y: fontSize * 1.4, 'text-anchor': 'middle', 'font-weight': 'bold' }, title));

  const axis: string[] = [];
  for (const t of x.ticks(Math.max(2, Math.floor((x1 - x0) / 70)))) {
    axis.push(el('line', { x1: x(t), x2: x(t), y1: y1, y2: y0, stroke: '#eee' }));
    axis.push(el('line', { x1: x(t), x2: x(t), y1: y0, y2: y0 + 4, stroke: '#333' }));
    axis.push(text({ x: x(t), y: y0 + 6 + fontSize, 'text-anchor': 'middle', fill: '#333' }, formatNumber(t)));
  }
  for (const t of y.ticks(Math.max(2, Math.floor((y0 - y1) / 50)))) {
    axis.push(el('line', { x1: x0, x2: x1, y1: y(t), y2: y(t), stroke: '#eee' }));
    axis.push(el('line', { x1: x0 - 4, x2: x0, y1: y(t), y2: y(t), stroke: '#333' }));
    axis.push(text({ x: x0 - 6, y: y(t) + fontSize * 0.35, 'text-anchor': 'end', fill: '#333' }, formatNumber(t)));
  }
  axis.push(el('line', { x1: x0, x2: x1, y1: y0, y2: y0, stroke: '#333' }));
  axis.push(el('line', { x1: x0, x2: x0, y1: y0, y2: y1, stroke: '#333' }));
  if (options.xLabel) {
    axis.push(text({ class: 'x-label', x: (x0 + x1) / 2, y: height - 6, 'text-anchor': 'middle' }, options.xLabel));
  }
  if (options.yLabel) {
    const cx = fontSize;
    const cy = (y0 + y1) / 2;
    axis.push(text({ class: 'y-label', x: cx, y: cy, 'text-anchor': 'middle', transform: `rotate(-90 ${cx} ${cy.toFixed(2)})` }, options.yLabel));
  }
  parts.push(el('g', { class: 'axis' }, axis.join('')));

  const curves: string[] = [];
  list.forEach((s, k) => {
    const color = s.color ?? schemeTableau10[k % schemeTableau10.length];
    const idx = Array.from({ length: s.y.length }, (_, i) => i);
    const px = (i: number): number => x(xsOf(s, i));
    const py = (i: number): number => y(Number(s.y[i]));
    const defined = (i: number): boolean => finitePoint(s, i);
    if (shade) {
      const d = area<number>().x(px).y0(y0).y1(py).defined(defined).digits(2)(idx);
      if (d) curves.push(el('path', { class: 'area', d, fill: color, 'fill-opacity': '0.15', stroke: 'none' }));
    }
    const d = line<number>().x(px).y(py).defined(defined).digits(2)(idx);
    curves.push(el('path', { class: 'line', d: d ?? '', fill: 'none', stroke: color, 'stroke-width': '2' }));
  });
  // A deterministic id (a hash of the curves), so several charts can share one HTML page.
  const clipId = `glassbox-clip-${fnv1a(curves.join('') + `${width}x${height}`)}`;
  parts.push(el('defs', {}, el('clipPath', { id: clipId }, el('rect', { x: x0 - 2, y: y1 - 2, width: x1 - x0 + 4, height: y0 - y1 + 4 }))));
  parts.push(el('g', { class: 'series', 'clip-path': `url(#${clipId})` }, curves.join('')));

  if (showLegend) {
    const named = list.map((s, k) => ({ s, k })).filter(({ s }) => s.name);
    const items = named.map(({ s, k }, j) => {
      const color = s.color ?? schemeTableau10[k % schemeTableau10.length];
      const ly = y1 + 8 + j * (fontSize + 6);
      const lx = x1 - 8 - 0.6 * fontSize * Math.max(...named.map((n) => Array.from(n.s.name as string).length)) - 24;
      return (
        el('line', { x1: lx, x2: lx + 18, y1: ly + fontSize * 0.35 - 3, y2: ly + fontSize * 0.35 - 3, stroke: color, 'stroke-width': '2' }) +
        text({ x: lx + 24, y: ly + fontSize * 0.35 + 1, fill: '#222' }, s.name as string)
      );
    });
    parts.push(el('g', { class: 'legend' }, items.join('')));
  }
  return svgRoot(width, height, parts.join(''), fontSize, title);
}

function checkDomain(fn: string, name: string, d: unknown): [number, number] | undefined {
  if (d === undefined) return undefined;
  if (
    !Array.isArray(d) ||
    d.length !== 2 ||
    !d.every((v) => typeof v === 'number' && Number.isFinite(v)) ||
    !(d[1] > d[0])
  ) {
    fail('INVALID_ARGUMENT', `${fn}: ${name} must be [lo, hi] with finite lo < hi, got ${Array.isArray(d) ? `[${d.join(', ')}]` : describe(d)}`);
  }
  return [d[0], d[1]];
}
