import { describe, expect, it } from 'vitest';
import { lineChart } from './line-chart.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';
import { findAll, parseXml, type XmlElement } from './testing-internal/xml.js';

const lines = (root: XmlElement): XmlElement[] => findAll(root, 'path').filter((p) => p.attrs.class === 'line');
/** Points of an "M x,y L x,y ..." path, split into sub-paths at each M. */
const subpaths = (d: string): [number, number][][] =>
  d
    .split('M')
    .filter(Boolean)
    .map((part) => part.split('L').map((p) => p.split(',').map(Number) as [number, number]));

describe('lineChart', () => {
  it('is well-formed SVG with one path per series, titles and axis labels', () => {
    const svg = lineChart(
      [
        { y: [1, 0.5, 0.2], name: 'IG' },
        { y: [1, 0.8, 0.6], name: 'saliency' },
      ],
      { title: 'Deletion', xLabel: 'fraction removed', yLabel: 'p(target)' },
    );
    const root = parseXml(svg);
    expect(lines(root)).toHaveLength(2);
    const texts = findAll(root, 'text').map((t) => t.text);
    for (const t of ['Deletion', 'fraction removed', 'p(target)', 'IG', 'saliency']) expect(texts).toContain(t);
    expect(lines(root)[0].attrs.stroke).not.toBe(lines(root)[1].attrs.stroke);
  });

  it('maps data linearly: y = x on fixed domains is a straight, evenly spaced line going up', () => {
    const x = [0, 0.25, 0.5, 0.75, 1];
    const root = parseXml(lineChart({ x, y: x }, { xDomain: [0, 1], yDomain: [0, 1] }));
    const [pts] = subpaths(lines(root)[0].attrs.d);
    expect(pts).toHaveLength(5);
    const [x0, y0] = pts[0];
    const [x4, y4] = pts[4];
    expect(y4).toBeLessThan(y0); // SVG y grows downwards
    pts.forEach(([px, py], i) => {
      expect((px - x0) / (x4 - x0)).toBeCloseTo(i / 4, 2);
      expect((y0 - py) / (y0 - y4)).toBeCloseTo(i / 4, 2);
    });
  });

  it('leaves a gap at non-finite values (e.g. a diverged loss)', () => {
    const root = parseXml(lineChart({ y: [3, 2, NaN, 1, 0.5] }));
    const parts = subpaths(lines(root)[0].attrs.d);
    expect(parts.map((p) => p.length)).toEqual([2, 2]);
  });

  it('adds shaded areas with area: true and escapes names', () => {
    const root = parseXml(lineChart([{ y: [0, 1], name: 'a<b & c' }], { area: true }));
    expect(findAll(root, 'path').filter((p) => p.attrs.class === 'area')).toHaveLength(1);
    expect(findAll(root, 'text').map((t) => t.text)).toContain('a<b & c');
  });

  it('handles a single constant point without NaN coordinates', () => {
    const svg = lineChart({ y: [2] });
    expect(svg).not.toContain('NaN');
    parseXml(svg);
  });

  it('every bad input gets a VizError with the right code', () => {
    expectVizError(() => lineChart([]), 'INVALID_ARGUMENT', 'lineChart: series must not be empty');
    expectVizError(() => lineChart({ y: [] }), 'INVALID_ARGUMENT', 'series[0].y must not be empty');
    expectVizError(() => lineChart({ y: [1, 2], x: [0] }), 'SHAPE_MISMATCH', 'series[0].x has 1 elements, expected 2');
    expectVizError(() => lineChart({ y: 'ab' as never }), 'INVALID_ARGUMENT', 'series[0].y');
    expectVizError(() => lineChart({ y: [1] }, { xDomain: [1, 0] }), 'INVALID_ARGUMENT', 'options.xDomain');
    expectVizError(() => lineChart({ y: [1] }, { width: -5 }), 'INVALID_ARGUMENT', 'options.width');
    expectVizError(() => lineChart({ y: [1], name: 3 as never }), 'INVALID_ARGUMENT', 'series[0].name');
  });
});
