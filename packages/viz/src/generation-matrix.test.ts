import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { colormap } from './colormap.js';
import { generationMatrix } from './generation-matrix.js';
import type { RGBAImage } from './image.js';
import { toPNG } from './png.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';
import { findAll, parseXml, type XmlElement } from './testing-internal/xml.js';

const lutRgb = (k: number): number[] => Array.from(colormap('RdBu_r').lut.slice(4 * k, 4 * k + 3));
const lutHex = (k: number): string => `#${lutRgb(k).map((c) => c.toString(16).padStart(2, '0')).join('')}`;
const cells = (root: XmlElement): XmlElement[] => findAll(root, 'rect').filter((r) => r.attrs.class?.split(' ')[0] === 'cell');
const byClass = (root: XmlElement, name: string, cls: string): XmlElement[] => findAll(root, name).filter((e) => e.attrs.class === cls);
const count = (im: RGBAImage, rgb: readonly number[]): number => {
  let n = 0;
  for (let i = 0; i < im.width * im.height; i++) if (rgb.every((c, k) => im.data[4 * i + k] === c)) n++;
  return n;
};

describe('generationMatrix', () => {
  // prompt 'ma', generated 'ry': context columns m a r y; 'r' (row 0) is explained by m a, 'y' (row 1) by m a r.
  const opts = { rowLabels: ['r', 'y'], colLabels: ['m', 'a', 'r', 'y'] };

  it('leaves each row empty from its own token on (default: the generated tokens are the last columns)', () => {
    const v = [0.5, -1, NaN, 7, 2, 0, -2, NaN]; // NaN and 7 sit in empty cells: ignored
    const { svg, scale } = generationMatrix(v, [2, 4], opts);
    const c = cells(parseXml(svg));
    expect(c).toHaveLength(8);
    expect(c.filter((r) => r.attrs.class === 'cell empty').map((r) => `${r.attrs['data-row']},${r.attrs['data-col']}`)).toEqual(['0,2', '0,3', '1,3']);
    expect(scale).toEqual({ mode: 'signed', min: -2, max: 2, colormap: 'RdBu_r' });
    // t = 0.5 + 0.5 v / 2 -> entries round(255 t)
    const drawn = c.filter((r) => r.attrs.class === 'cell').map((r) => r.attrs.fill);
    expect(drawn).toEqual([lutHex(Math.round(0.625 * 255)), lutHex(Math.round(0.25 * 255)), lutHex(255), lutHex(128), lutHex(0)]);
    expect(c[2].attrs.fill).toBe('#e0e0e0');
  });

  it('takes explicit positions (context without the last generated token)', () => {
    const { svg } = generationMatrix([1, 2, 3, 4, 5, 6], [2, 3], { positions: [2, 3] });
    expect(cells(parseXml(svg)).filter((r) => r.attrs.class === 'cell empty').map((r) => `${r.attrs['data-row']},${r.attrs['data-col']}`)).toEqual(['0,2']);
  });

  it('shows each step\'s probability and entropy as numbers and bars (bar = 40 px * p, 40 px * H / max H)', () => {
    const { svg } = generationMatrix([1, -1, 0, 0, 1, 1, -1, 0], [2, 4], { ...opts, probabilities: [0.61, 0.25], entropies: [1, 2] });
    const root = parseXml(svg);
    expect(byClass(root, 'text', 'probability-value').map((t) => t.text)).toEqual(['0.61', '0.25']);
    expect(byClass(root, 'text', 'entropy-value').map((t) => t.text)).toEqual(['1.00', '2.00']);
    expect(byClass(root, 'rect', 'probability-bar').map((r) => Number(r.attrs.width))).toEqual([24.4, 10]);
    expect(byClass(root, 'rect', 'entropy-bar').map((r) => Number(r.attrs.width))).toEqual([20, 40]);
    const fixed = parseXml(generationMatrix([1, -1, 0, 0, 1, 1, -1, 0], [2, 4], { entropies: [1, 2], maxEntropy: 4 }).svg);
    expect(byClass(fixed, 'rect', 'entropy-bar').map((r) => Number(r.attrs.width))).toEqual([10, 20]);
    expect(byClass(fixed, 'rect', 'probability-bar')).toHaveLength(0);
    expect(byClass(root, 'text', 'row-title').map((t) => t.text)).toEqual(['generated']);
    expect(byClass(root, 'text', 'col-title').map((t) => t.text)).toEqual(['context']);
  });

  it('renders a PNG with cellSize^2 grey pixels per empty cell and the drawn colours', () => {
    const v = [2, -2, 0, 0, 1, 1, 1, 0];
    const { image } = generationMatrix(v, [2, 4], { ...opts, probabilities: [0.5, 0.5], entropies: [1, 1], colorbar: false, cellSize: 10 });
    const png = decode(toPNG(image));
    const back = { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data) };
    expect(count(back, [224, 224, 224])).toBe(3 * 100);
    expect(count(back, lutRgb(255))).toBe(100);
    expect(count(back, lutRgb(0))).toBe(100);
    expect(count(back, lutRgb(Math.round(0.75 * 255)))).toBe(300);
    expect(count(back, [76, 120, 168])).toBe(2 * 20 * 5); // probability bars: 40 * 0.5 px x 10 * 0.5 px
  });

  it('refuses bad input, naming the argument', () => {
    const v = new Float32Array(8);
    expectVizError(() => generationMatrix(v, [2, 4], { rowLabels: ['r'] }), 'SHAPE_MISMATCH', 'options.rowLabels has 1 labels, expected 2 (shape[0] = 2, the generated tokens)');
    expectVizError(() => generationMatrix(v, [2, 4], { colLabels: ['m'] }), 'SHAPE_MISMATCH', 'options.colLabels has 1 labels, expected 4 (shape[1] = 4, the context tokens)');
    expectVizError(() => generationMatrix(v, [2, 3]), 'SHAPE_MISMATCH', 'values has 8 elements, expected 6 for shape [2, 3]');
    expectVizError(() => generationMatrix([NaN, 0, 0, 0, 0, 0, 0, 0], [2, 4]), 'NON_FINITE', 'generationMatrix: values[0] is NaN (at [0, 0] for shape [2, 4])');
    expectVizError(() => generationMatrix(new Float32Array(4), [2, 2]), 'INVALID_ARGUMENT', 'default options.positions');
    expectVizError(() => generationMatrix(v, [2, 4], { positions: [0, 3] }), 'INVALID_ARGUMENT', 'options.positions[0] is 0; expected an integer in 1..4');
    expectVizError(() => generationMatrix(v, [2, 4], { positions: [1.5, 3] }), 'INVALID_ARGUMENT', 'options.positions[0] is 1.5');
    expectVizError(() => generationMatrix(v, [2, 4], { positions: [1] }), 'SHAPE_MISMATCH', 'options.positions has 1 elements, expected 2');
    expectVizError(() => generationMatrix(v, [2, 4], { probabilities: [0.5, 1.5] }), 'INVALID_ARGUMENT', 'options.probabilities[1] is 1.5; expected a probability in [0, 1]');
    expectVizError(() => generationMatrix(v, [2, 4], { probabilities: [0.5, NaN] }), 'NON_FINITE', 'options.probabilities[1] is NaN');
    expectVizError(() => generationMatrix(v, [2, 4], { probabilities: [0.5] }), 'SHAPE_MISMATCH', 'options.probabilities has 1 elements, expected 2');
    expectVizError(() => generationMatrix(v, [2, 4], { entropies: [-1, 0] }), 'INVALID_ARGUMENT', 'options.entropies[0] is -1');
    expectVizError(() => generationMatrix(v, [2, 4], { entropies: [1, 1], maxEntropy: 0 }), 'INVALID_ARGUMENT', 'options.maxEntropy must be > 0');
    expectVizError(() => generationMatrix(v, [2, 4], { maxEntropy: 2 }), 'INVALID_ARGUMENT', 'options.maxEntropy needs options.entropies');
    expectVizError(() => generationMatrix(v, [2, 4], { clip: { percentile: 0 } }), 'INVALID_ARGUMENT', 'options.clip.percentile');
  });
});
