import { describe, expect, it } from 'vitest';
import { barChart } from './bar-chart.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';
import { findAll, parseXml, type XmlElement } from './testing-internal/xml.js';

const byClass = (root: XmlElement, name: string, cls: string): XmlElement[] =>
  findAll(root, name).filter((e) => (e.attrs.class ?? '').split(' ').includes(cls));
const num = (e: XmlElement, a: string): number => Number(e.attrs[a]);

describe('barChart', () => {
  const attr = Float32Array.of(0.1, -0.5, 0.3, -0.05);
  const labels = ['a', 'b', 'c', 'd'];

  it('is well-formed SVG with one <rect> per feature, sorted by magnitude', () => {
    const svg = barChart(attr, { labels });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const root = parseXml(svg);
    expect(findAll(root, 'rect')).toHaveLength(4);
    expect(byClass(root, 'text', 'label').map((t) => t.text)).toEqual(['b', 'c', 'a', 'd']);
    expect(byClass(root, 'text', 'value').map((t) => t.text)).toEqual(['-0.5', '+0.3', '+0.1', '-0.05']);
    // rows go down the page in that order
    const ys = findAll(root, 'rect').map((r) => num(r, 'y'));
    expect([...ys].sort((p, q) => p - q)).toEqual(ys);
  });

  it('colours positive and negative bars differently', () => {
    const root = parseXml(barChart(attr, { labels, colors: { positive: '#f00', negative: '#00f' } }));
    const rects = findAll(root, 'rect');
    expect(rects.map((r) => r.attrs.fill)).toEqual(['#00f', '#f00', '#f00', '#00f']);
    expect(rects.map((r) => r.attrs.class)).toEqual(['bar negative', 'bar positive', 'bar positive', 'bar negative']);
  });

  it('draws bars from zero with lengths proportional to |attribution|', () => {
    const root = parseXml(barChart(attr, { labels }));
    const [b, c, a, d] = findAll(root, 'rect');
    const zero = num(findAll(root, 'line').find((l) => l.attrs.class === 'zero') as XmlElement, 'x1');
    // negative bars end at zero, positive bars start there
    expect(num(b, 'x') + num(b, 'width')).toBeCloseTo(zero, 1);
    expect(num(c, 'x')).toBeCloseTo(zero, 1);
    expect(num(a, 'x')).toBeCloseTo(zero, 1);
    const unit = num(b, 'width') / 0.5;
    expect(num(c, 'width')).toBeCloseTo(0.3 * unit, 0);
    expect(num(a, 'width')).toBeCloseTo(0.1 * unit, 0);
    expect(num(d, 'width')).toBeCloseTo(0.05 * unit, 0);
  });

  it('keeps input order with sort: none', () => {
    const root = parseXml(barChart(attr, { labels, sort: 'none' }));
    expect(byClass(root, 'text', 'label').map((t) => t.text)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('waterfall: bars stack from F(b) at the bottom to F(x) at the top', () => {
    // base 1; rows by magnitude: +0.5, -0.2, +0.1. From the bottom: [1, 1.1], [1.1, 0.9], [0.9, 1.4].
    const root = parseXml(barChart([0.5, -0.2, 0.1], { baseValue: 1, outputValue: 1.4 }));
    const base = findAll(root, 'line').find((l) => l.attrs.class === 'base') as XmlElement;
    const out = findAll(root, 'line').find((l) => l.attrs.class === 'output') as XmlElement;
    const xb = num(base, 'x1');
    const xo = num(out, 'x1');
    const X = (v: number): number => xb + ((v - 1) * (xo - xb)) / 0.4;
    const spans = findAll(root, 'rect').map((r) => [num(r, 'x'), num(r, 'x') + num(r, 'width')]);
    const expected = [
      [0.9, 1.4],
      [0.9, 1.1],
      [1, 1.1],
    ];
    spans.forEach(([l, r], i) => {
      expect(l).toBeCloseTo(X(expected[i][0]), 0);
      expect(r).toBeCloseTo(X(expected[i][1]), 0);
    });
    const texts = findAll(root, 'text').map((t) => t.text);
    expect(texts).toContain('F(b) = 1');
    expect(texts).toContain('F(x) = 1.4');
    expect(texts.some((t) => t.includes('gap'))).toBe(false);
  });

  it('waterfall shows the gap when attributions do not add up to F(x) - F(b)', () => {
    const root = parseXml(barChart([0.5, -0.2, 0.1], { baseValue: 1, outputValue: 1.5 }));
    expect(findAll(root, 'text').some((t) => t.text.includes('F(x) = 1.5') && t.text.includes('gap 0.1'))).toBe(true);
    const noOutput = parseXml(barChart([0.5, -0.2], { baseValue: 1 }));
    expect(findAll(noOutput, 'text').some((t) => t.text === 'F(b) + sum = 1.3')).toBe(true);
  });

  it('merges the smallest features into one bar with maxFeatures', () => {
    const root = parseXml(barChart([1, 0.1, -4, 0.2, 0.3], { maxFeatures: 2 }));
    expect(findAll(root, 'rect')).toHaveLength(3);
    expect(byClass(root, 'text', 'label').map((t) => t.text)).toEqual(['x2', 'x0', '3 other features']);
    expect(byClass(root, 'text', 'value').map((t) => t.text)).toEqual(['-4', '+1', '+0.6']);
  });

  it('value labels stay clear of the feature names and inside the picture, for negative bars too', () => {
    // Text extents at 0.6 em per character (no narrower than the digits, signs and points of common fonts).
    const extent = (t: XmlElement, fontSize: number): [number, number] => {
      const w = Array.from(t.text).length * 0.6 * fontSize;
      const x = num(t, 'x');
      return t.attrs['text-anchor'] === 'end' ? [x - w, x] : t.attrs['text-anchor'] === 'middle' ? [x - w / 2, x + w / 2] : [x, x + w];
    };
    const cases: [number[], Parameters<typeof barChart>[1]][] = [
      [[-0.123456, -0.5, -0.0001234, -3.25], { labels: ['a', 'b', 'c', 'd'] }],
      [[-1234.5, 0.5, -7], { labels: ['a long feature name', 'x', 'mid'], fontSize: 14, width: 320 }],
      [[-0.3, 0.9, -0.61], { labels: ['z0', 'z1', 'class 3'], maxFeatures: 2, width: 320, fontSize: 11 }],
      [[2, -5, 1], { baseValue: -1, outputValue: -3 }],
      [[0.001, -0.002], {}],
    ];
    for (const [values, options] of cases) {
      const fontSize = options?.fontSize ?? 12;
      const width = options?.width ?? 640;
      const root = parseXml(barChart(values, options));
      const labels = byClass(root, 'text', 'label');
      const shown = byClass(root, 'text', 'value');
      expect(shown).toHaveLength(labels.length);
      const namesEnd = Math.max(...labels.map((l) => extent(l, fontSize)[1]));
      shown.forEach((v) => {
        const [left, right] = extent(v, fontSize);
        expect(left, `value ${v.text} starts at ${left}, names end at ${namesEnd}`).toBeGreaterThanOrEqual(namesEnd);
        expect(right, `value ${v.text} ends at ${right}`).toBeLessThanOrEqual(width);
      });
      // and the bars themselves stay right of the names
      for (const r of findAll(root, 'rect')) expect(num(r, 'x')).toBeGreaterThanOrEqual(namesEnd);
    }
  });

  it('escapes labels and titles', () => {
    const svg = barChart([1, -1], { labels: ['<b>&"x"', "it's"], title: 'A & B <script>' });
    expect(svg).not.toContain('<b>');
    expect(svg).not.toContain('<script>');
    const root = parseXml(svg);
    expect(byClass(root, 'text', 'label').map((t) => t.text)).toEqual(['<b>&"x"', "it's"]);
    expect(findAll(root, 'title')[0].text).toBe('A & B <script>');
  });

  it('every bad input gets a VizError with the right code', () => {
    expectVizError(() => barChart([]), 'INVALID_ARGUMENT', 'barChart: attributions must not be empty');
    expectVizError(() => barChart([1, NaN]), 'NON_FINITE', 'attributions[1] is NaN');
    expectVizError(() => barChart([1, 2], { labels: ['a'] }), 'SHAPE_MISMATCH', 'options.labels has 1 entries, expected 2');
    expectVizError(() => barChart([1], { outputValue: 2 }), 'INVALID_ARGUMENT', 'options.outputValue needs options.baseValue');
    expectVizError(() => barChart([1], { baseValue: Infinity }), 'NON_FINITE', 'options.baseValue');
    expectVizError(() => barChart([1], { sort: 'value' as never }), 'INVALID_ARGUMENT', 'options.sort');
    expectVizError(() => barChart([1], { maxFeatures: 0 }), 'INVALID_ARGUMENT', 'options.maxFeatures');
    expectVizError(() => barChart([1], { labels: [3] as never }), 'INVALID_ARGUMENT', 'options.labels[0]');
    expectVizError(() => barChart('12' as never), 'INVALID_ARGUMENT', 'attributions');
  });
});
