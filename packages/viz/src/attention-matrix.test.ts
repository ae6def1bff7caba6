import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { attentionMatrix } from './attention-matrix.js';
import { colormap } from './colormap.js';
import type { RGBAImage } from './image.js';
import { toPNG } from './png.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';
import { findAll, parseXml, type XmlElement } from './testing-internal/xml.js';

const lutRgb = (k: number, name: Parameters<typeof colormap>[0] = 'blues'): number[] => Array.from(colormap(name).lut.slice(4 * k, 4 * k + 3));
const lutHex = (k: number, name: Parameters<typeof colormap>[0] = 'blues'): string => `#${lutRgb(k, name).map((c) => c.toString(16).padStart(2, '0')).join('')}`;
const cells = (svg: string): XmlElement[] => findAll(parseXml(svg), 'rect').filter((r) => r.attrs.class?.split(' ')[0] === 'cell');
const count = (im: RGBAImage, rgb: readonly number[]): number => {
  let n = 0;
  for (let i = 0; i < im.width * im.height; i++) if (rgb.every((c, k) => im.data[4 * i + k] === c) && im.data[4 * i + 3] === 255) n++;
  return n;
};

/** A causal attention pattern: row i spreads over keys 0..i with weights proportional to 1..i+1. */
function causalWeights(T: number): Float32Array {
  const w = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) w[i * T + j] = (j + 1) / (((i + 1) * (i + 2)) / 2);
  return w;
}

describe('attentionMatrix', () => {
  const tokens = ['<s>', 'm', 'a', 'r'];

  it('draws rows*cols cells, row-major, with query labels on the rows and key labels on the columns', () => {
    const { svg } = attentionMatrix(causalWeights(4), [4, 4], { rowLabels: tokens, colLabels: tokens, title: 'layer 0' });
    const root = parseXml(svg);
    const c = cells(svg);
    expect(c).toHaveLength(16);
    expect(c.map((r) => `${r.attrs['data-row']},${r.attrs['data-col']}`).slice(0, 5)).toEqual(['0,0', '0,1', '0,2', '0,3', '1,0']);
    const texts = (cls: string): string[] => findAll(root, 'text').filter((t) => t.attrs.class === cls).map((t) => t.text);
    expect(texts('row-label')).toEqual(tokens);
    expect(texts('col-label')).toEqual(tokens);
    expect(texts('row-title')).toEqual(['query']);
    expect(texts('col-title')).toEqual(['key']);
    expect(c[4].children[0].text).toBe('"m" \u2190 "<s>": 0.3333');
  });

  it('colours sequentially from 0 (LUT 0) to the largest weight (LUT 255), t = w / max', () => {
    const w = [0, 0.25, 0.5, 1];
    const { svg, scale } = attentionMatrix(w, [2, 2]);
    expect(scale).toEqual({ mode: 'positive', min: 0, max: 1, colormap: 'blues' });
    expect(cells(svg).map((r) => r.attrs.fill)).toEqual([lutHex(0), lutHex(Math.round(0.25 * 255)), lutHex(128), lutHex(255)]);
    const clipped = attentionMatrix([0.2, 0.8], [1, 2], { clip: { value: 0.4 }, colormap: 'viridis' });
    expect(cells(clipped.svg).map((r) => r.attrs.fill)).toEqual([lutHex(128, 'viridis'), lutHex(255, 'viridis')]);
  });

  it('with causal: true shades the T(T-1)/2 future cells grey and leaves them out of the scale', () => {
    const T = 5;
    const w = causalWeights(T);
    w[0 * T + 4] = 99; // a future cell: not drawn, not in the scale
    w[1 * T + 3] = NaN; // not checked either
    const { svg, scale } = attentionMatrix(w, [T, T], { causal: true });
    const masked = cells(svg).filter((r) => r.attrs.class === 'cell masked');
    expect(masked).toHaveLength((T * (T - 1)) / 2);
    for (const r of masked) expect(Number(r.attrs['data-col'])).toBeGreaterThan(Number(r.attrs['data-row']));
    expect(scale.max).toBe(1); // row 0 puts all its weight on key 0
    // a non-square block (the last 2 queries over 4 keys) is aligned at its end
    const block = attentionMatrix(causalWeights(4).slice(8), [2, 4], { causal: true });
    expect(cells(block.svg).filter((r) => r.attrs.class === 'cell masked').map((r) => `${r.attrs['data-row']},${r.attrs['data-col']}`)).toEqual(['0,3']);
  });

  it('without labels uses the indices; single-character labels are written across, longer ones upright', () => {
    const root = parseXml(attentionMatrix([1, 0, 0, 1], [2, 2]).svg);
    const col = findAll(root, 'text').filter((t) => t.attrs.class === 'col-label');
    expect(col.map((t) => t.text)).toEqual(['0', '1']);
    expect(col[0].attrs.transform).toBeUndefined();
    const long = parseXml(attentionMatrix([1, 0, 0, 1], [2, 2], { colLabels: ['hello', 'a-very-long-token-label'] }).svg);
    const ll = findAll(long, 'text').filter((t) => t.attrs.class === 'col-label');
    expect(ll[0].attrs.transform).toMatch(/^rotate\(-90 /);
    expect(ll.map((t) => t.text)).toEqual(['hello', 'a-very-long\u2026']); // cut at maxLabelLength 12
  });

  it('renders a PNG whose cells cover exactly cellSize^2 pixels per cell of their colour', () => {
    const w = [1, 0.5, 0.5, 0.25];
    const { image } = attentionMatrix(w, [2, 2], { rowLabels: ['a', 'b'], colLabels: ['c', 'd'], colorbar: false, cellSize: 10 });
    const png = decode(toPNG(image));
    expect([png.width, png.height]).toEqual([image.width, image.height]);
    const back = { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data) };
    expect(count(back, lutRgb(255))).toBe(100);
    expect(count(back, lutRgb(128))).toBe(200);
    expect(count(back, lutRgb(64))).toBe(100);
    const causal = attentionMatrix(causalWeights(3), [3, 3], { causal: true, colorbar: false, cellSize: 10 }).image;
    expect(count(causal, [224, 224, 224])).toBe(3 * 100);
  });

  it('refuses bad input, naming the argument', () => {
    expectVizError(() => attentionMatrix([1, 2, 3], [2, 2]), 'SHAPE_MISMATCH', 'attentionMatrix: values has 3 elements, expected 4 for shape [2, 2]');
    expectVizError(() => attentionMatrix([1, 2, 3, 4], [2, 2], { rowLabels: ['a'] }), 'SHAPE_MISMATCH', 'options.rowLabels has 1 labels, expected 2 (shape[0] = 2, the query tokens)');
    expectVizError(() => attentionMatrix([1, 2, 3, 4], [2, 2], { colLabels: ['a', 'b', 'c'] }), 'SHAPE_MISMATCH', 'options.colLabels has 3 labels, expected 2 (shape[1] = 2, the key tokens)');
    expectVizError(() => attentionMatrix([1, 2, NaN, 4], [2, 2]), 'NON_FINITE', 'values[2] is NaN (at [1, 0] for shape [2, 2])');
    expectVizError(() => attentionMatrix([1, -0.5, 0, 4], [2, 2]), 'INVALID_ARGUMENT', 'values[1] is -0.5 (at [0, 1]); expected non-negative attention weights');
    expectVizError(() => attentionMatrix([1, 2, 3, 4], [2, 0] as never), 'INVALID_ARGUMENT', 'attentionMatrix: shape');
    expectVizError(() => attentionMatrix([1, 2, 3, 4], [2, 2], { causal: 1 as never }), 'INVALID_ARGUMENT', 'options.causal must be a boolean');
    expectVizError(() => attentionMatrix([1, 2, 3, 4], [2, 2], { cellSize: 0 }), 'INVALID_ARGUMENT', 'options.cellSize');
    expectVizError(() => attentionMatrix(['a', 'b'] as never, [1, 2]), 'INVALID_ARGUMENT', 'values[0] must be a number');
  });
});
