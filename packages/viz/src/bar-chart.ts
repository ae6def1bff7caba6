import { scaleBand, scaleLinear } from 'd3-scale';
import { formatNumber } from './format.js';
import { el, escapeXml, svgRoot, text } from './svg.js';
import {
  checkFinite,
  checkFiniteNumber,
  checkOneOf,
  checkOptions,
  checkPositiveInt,
  describe,
  fail,
  isArrayLike,
  optionKeys,
} from './validate.js';

export interface BarChartOptions {
  /** Feature names, one per attribution; default `x0`, `x1`, ... */
  labels?: readonly string[];
  /**
   * F(b), the model output at the baseline. When given, the chart is a waterfall: starting from F(b) at
   * the bottom, each bar adds its attribution, so the top bar ends at F(b) + sum of attributions.
   */
  baseValue?: number;
  /**
   * F(x), the model output at the input (needs baseValue): drawn as a dashed line; if the attributions do
   * not add up to F(x) - F(b) (incomplete methods, or `maxFeatures` without the rest), the gap shows.
   */
  outputValue?: number;
  /** `'magnitude'` (default): largest |attribution| at the top. `'none'`: input order. */
  sort?: 'magnitude' | 'none';
  /** Show at most this many features (the largest by |attribution|); the rest are merged into one "N other features" bar. */
  maxFeatures?: number;
  title?: string;
  /** Axis label; default 'attribution', or 'model output' for a waterfall. */
  xLabel?: string;
  /** Total width in px; default 640. The height follows from the number of rows. */
  width?: number;
  /** Height of one row in px; default 22. */
  rowHeight?: number;
  /** Bar colours (CSS); defaults red `#b2182b` (positive) and blue `#2166ac` (negative), as the 'RdBu_r' heatmap. */
  colors?: { positive?: string; negative?: string };
  /** Font size in px; default 12. */
  fontSize?: number;
}

/** The keys of BarChartOptions. */
export const BAR_CHART_OPTION_KEYS = optionKeys<BarChartOptions>({ labels: true, baseValue: true, outputValue: true, sort: true, maxFeatures: true, title: true, xLabel: true, width: true, rowHeight: true, colors: true, fontSize: true });

interface Row {
  label: string;
  value: number;
}

/**
 * A horizontal bar chart of feature attributions, as an SVG string (no DOM needed).
 *
 * Intuition: for tabular inputs (or any few named features) a sorted list of bars reads better than a
 * heatmap: which features pushed the output up (red, positive) or down (blue, negative), and by how much.
 * With `baseValue` it becomes a waterfall (as in SHAP's waterfall plot, Lundberg & Lee 2017,
 * arXiv:1705.07874): the bars stack from F(b) at the bottom to F(b) + sum phi_i at the top, which equals
 * F(x) for complete methods (Integrated Gradients, Shapley values).
 *
 * Each bar is one `<rect class="bar positive|negative">` (there are no other rects), its feature name a
 * `<text class="label">` and its value a `<text class="value">`, in the displayed order top to bottom. Each
 * value is printed beyond the end of its bar (left of a bar that grows leftwards); the plot area leaves room
 * for them, so they never run into the feature names or out of the picture.
 *
 * @param attributions one number per feature, all finite.
 * @example
 * ```ts
 * const svg = barChart(Float32Array.of(0.3, -0.1, 0.05), {
 *   labels: ['age', 'income', 'height'],
 *   baseValue: 0.2,
 *   outputValue: 0.45,
 * });
 * writeFileSync('attributions.svg', svg);
 * ```
 */
export function barChart(attributions: ArrayLike<number>, options: BarChartOptions = {}): string {
  const fn = 'barChart';
  if (!isArrayLike(attributions)) fail('INVALID_ARGUMENT', `${fn}: attributions must be a Float32Array or an array of numbers, got ${describe(attributions)}`);
  const n = attributions.length;
  if (n === 0) fail('INVALID_ARGUMENT', `${fn}: attributions must not be empty`);
  checkFinite(fn, 'attributions', attributions);
  checkOptions(fn, options, BAR_CHART_OPTION_KEYS);
  const labels = options.labels;
  if (labels !== undefined) {
    if (!Array.isArray(labels)) fail('INVALID_ARGUMENT', `${fn}: options.labels must be an array of strings, got ${describe(labels)}`);
    if (labels.length !== n) fail('SHAPE_MISMATCH', `${fn}: options.labels has ${labels.length} entries, expected ${n} (one per attribution)`);
    labels.forEach((l, i) => {
      if (typeof l !== 'string') fail('INVALID_ARGUMENT', `${fn}: options.labels[${i}] must be a string, got ${describe(l)}`);
    });
  }
  const base = options.baseValue === undefined ? undefined : checkFiniteNumber(fn, 'options.baseValue', options.baseValue);
  const output = options.outputValue === undefined ? undefined : checkFiniteNumber(fn, 'options.outputValue', options.outputValue);
  if (output !== undefined && base === undefined) {
    fail('INVALID_ARGUMENT', `${fn}: options.outputValue needs options.baseValue (the waterfall runs from F(b) to F(x)), got baseValue undefined`);
  }
  const sort = checkOneOf(fn, 'options.sort', options.sort ?? 'magnitude', ['magnitude', 'none']);
  const maxFeatures = checkPositiveInt(fn, 'options.maxFeatures', options.maxFeatures ?? n);
  const width = checkPositiveInt(fn, 'options.width', options.width ?? 640);
  const rowHeight = checkPositiveInt(fn, 'options.rowHeight', options.rowHeight ?? 22);
  const fontSize = checkPositiveInt(fn, 'options.fontSize', options.fontSize ?? 12);
  for (const k of ['title', 'xLabel'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'string') fail('INVALID_ARGUMENT', `${fn}: options.${k} must be a string, got ${describe(options[k])}`);
  }
  const colors = options.colors ?? {};
  if (colors === null || typeof colors !== 'object') fail('INVALID_ARGUMENT', `${fn}: options.colors must be { positive?, negative? }, got ${describe(colors)}`);
  checkOptions(fn, colors, ['positive', 'negative'], 'options.colors');
  const posColor = colors.positive ?? '#b2182b';
  const negColor = colors.negative ?? '#2166ac';
  for (const [k, c] of [['positive', posColor], ['negative', negColor]] as const) {
    if (typeof c !== 'string') fail('INVALID_ARGUMENT', `${fn}: options.colors.${k} must be a CSS colour string, got ${describe(c)}`);
  }

  // Select and order the rows.
  const byMagnitude = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => Math.abs(attributions[b]) - Math.abs(attributions[a]) || a - b,
  );
  const kept = byMagnitude.slice(0, Math.min(maxFeatures, n));
  const order = sort === 'magnitude' ? kept : kept.slice().sort((a, b) => a - b);
  const rows: Row[] = order.map((i) => ({ label: labels ? labels[i] : `x${i}`, value: attributions[i] }));
  const rest = byMagnitude.slice(kept.length);
  if (rest.length > 0) {
    rows.push({
      label: `${rest.length} other feature${rest.length === 1 ? '' : 's'}`,
      value: rest.reduce((s, i) => s + attributions[i], 0),
    });
  }

  // Bar extents: from 0, or (waterfall) stacked from the base at the bottom row upwards.
  const waterfall = base !== undefined;
  const spans: [number, number][] = new Array(rows.length);
  let running = base ?? 0;
  for (let r = rows.length - 1; r >= 0; r--) {
    const start = waterfall ? running : 0;
    spans[r] = [start, start + rows[r].value];
    running = start + rows[r].value;
  }
  const total = running; // F(b) + sum, when waterfall

  const points = spans.flat();
  points.push(waterfall ? (base as number) : 0);
  if (output !== undefined) points.push(output);
  let lo = Math.min(...points);
  let hi = Math.max(...points);
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const pad = 0.15 * (hi - lo);

  // Text widths are estimated at 0.6 em per character (wider than the digits, signs and points of common fonts).
  const charW = 0.6 * fontSize;
  const longest = Math.max(...rows.map((r) => Array.from(r.label).length));
  const marginLeft = Math.round(Math.min(260, Math.max(40, longest * charW + 14)));
  const marginRight = 16;
  // Room for the value printed beyond the end of each bar: a bar that grows leftwards has its value on its
  // left, which must not run into the feature names (they end at marginLeft - 6); one that grows rightwards
  // has it on its right, which must stay inside the picture. The plot area is narrowed by the widest such text.
  const valueTexts = rows.map((row) => `${row.value > 0 ? '+' : ''}${formatNumber(row.value)}`);
  const valueGap = 4;
  let reserveLeft = 0;
  let reserveRight = 0;
  rows.forEach((_, r) => {
    const need = valueGap + Array.from(valueTexts[r]).length * charW;
    if (spans[r][1] >= spans[r][0]) reserveRight = Math.max(reserveRight, need);
    else reserveLeft = Math.max(reserveLeft, need);
  });
  const plotLeft = marginLeft + Math.ceil(reserveLeft);
  const plotRight = Math.max(plotLeft + 1, width - marginRight - Math.ceil(reserveRight));
  const title = options.title;
  const top = (title ? fontSize * 2 : 8) + (waterfall ? fontSize + 8 : 0);
  const bottomAnnot = waterfall ? fontSize + 8 : 0;
  const axisH = fontSize * 2 + 8;
  const height = top + rows.length * rowHeight + bottomAnnot + axisH + (options.xLabel !== '' ? fontSize + 4 : 0);

  const x = scaleLinear()
    .domain([lo - pad, hi + pad])
    .range([plotLeft, plotRight])
    .nice();
  const y = scaleBand<number>()
    .domain(rows.map((_, i) => i))
    .range([top, top + rows.length * rowHeight])
    .paddingInner(0.2)
    .paddingOuter(0.1);
  const plotBottom = top + rows.length * rowHeight + bottomAnnot;

  const parts: string[] = [];
  if (title) parts.push(text({ class: 'title', x: width / 2, y: fontSize * 1.4, 'text-anchor': 'middle', 'font-weight': 'bold' }, title));

  // Axis with ticks and light grid lines.
  const [d0, d1] = x.domain();
  const ticks = x.ticks(Math.max(2, Math.floor((plotRight - plotLeft) / 80)));
  const axis: string[] = [el('line', { x1: x(d0), x2: x(d1), y1: plotBottom, y2: plotBottom, stroke: '#333' })];
  for (const t of ticks) {
    axis.push(el('line', { x1: x(t), x2: x(t), y1: top, y2: plotBottom, stroke: '#e5e5e5' }));
    axis.push(el('line', { x1: x(t), x2: x(t), y1: plotBottom, y2: plotBottom + 4, stroke: '#333' }));
    axis.push(text({ x: x(t), y: plotBottom + 4 + fontSize, 'text-anchor': 'middle', fill: '#333' }, formatNumber(t)));
  }
  const xLabel = options.xLabel ?? (waterfall ? 'model output' : 'attribution');
  if (xLabel) {
    axis.push(text({ class: 'axis-label', x: (plotLeft + plotRight) / 2, y: plotBottom + axisH + fontSize - 2, 'text-anchor': 'middle' }, xLabel));
  }
  parts.push(el('g', { class: 'axis' }, axis.join('')));

  // Reference lines: zero, or F(b), F(x) and the top of the stack.
  if (!waterfall) {
    parts.push(el('line', { class: 'zero', x1: x(0), x2: x(0), y1: top, y2: plotBottom, stroke: '#888' }));
  } else {
    const b = base as number;
    parts.push(el('line', { class: 'base', x1: x(b), x2: x(b), y1: top, y2: plotBottom, stroke: '#888', 'stroke-dasharray': '4 3' }));
    parts.push(text({ class: 'base-label', x: x(b), y: plotBottom - 4, 'text-anchor': 'middle', fill: '#333' }, `F(b) = ${formatNumber(b)}`));
    const topY = top - 6;
    if (output !== undefined) {
      parts.push(el('line', { class: 'output', x1: x(output), x2: x(output), y1: top - 2, y2: plotBottom, stroke: '#333', 'stroke-dasharray': '4 3' }));
      const gap = output - total;
      const gapText = Math.abs(gap) > 1e-6 * Math.max(1, Math.abs(output)) ? `  (gap ${formatNumber(gap)})` : '';
      parts.push(text({ class: 'output-label', x: x(output), y: topY, 'text-anchor': 'middle', fill: '#333' }, `F(x) = ${formatNumber(output)}${gapText}`));
    } else {
      parts.push(text({ class: 'output-label', x: x(total), y: topY, 'text-anchor': 'middle', fill: '#333' }, `F(b) + sum = ${formatNumber(total)}`));
    }
  }

  // Bars, labels, values, connectors.
  const bars: string[] = [];
  rows.forEach((row, r) => {
    const [s, e] = spans[r];
    const yr = y(r) as number;
    const bw = y.bandwidth();
    const cy = yr + bw / 2 + fontSize * 0.35;
    const sign = row.value > 0 ? 'positive' : row.value < 0 ? 'negative' : 'zero';
    const fill = row.value < 0 ? negColor : row.value > 0 ? posColor : '#999';
    const x0 = x(Math.min(s, e));
    const x1 = x(Math.max(s, e));
    bars.push(
      el('rect', { class: `bar ${sign}`, x: x0, y: yr, width: x1 - x0, height: bw, fill }, `<title>${escapeXml(`${row.label}: ${formatNumber(row.value)}`)}</title>`),
    );
    bars.push(text({ class: 'label', x: marginLeft - 6, y: cy, 'text-anchor': 'end', fill: '#222' }, row.label));
    const rightward = e >= s;
    bars.push(
      text({ class: 'value', x: rightward ? x1 + valueGap : x0 - valueGap, y: cy, 'text-anchor': rightward ? 'start' : 'end', fill: '#222' }, valueTexts[r]),
    );
    if (waterfall && r > 0) {
      // The end of this bar is the start of the bar above.
      bars.push(el('line', { class: 'connector', x1: x(e), x2: x(e), y1: yr, y2: (y(r - 1) as number) + bw, stroke: '#999', 'stroke-width': 1 }));
    }
  });
  parts.push(el('g', { class: 'bars' }, bars.join('')));
  return svgRoot(width, height, parts.join(''), fontSize, title);
}

