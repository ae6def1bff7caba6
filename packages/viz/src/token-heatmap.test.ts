import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { colormap } from './colormap.js';
import { rawGlyphs } from './font.js';
import type { RGBAImage } from './image.js';
import { toPNG } from './png.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';
import { findAll, parseXml, type XmlElement } from './testing-internal/xml.js';
import { tokenHeatmap } from './token-heatmap.js';

const lutHex = (k: number, name: Parameters<typeof colormap>[0] = 'RdBu_r'): string => {
  const l = colormap(name).lut;
  return `#${[l[4 * k], l[4 * k + 1], l[4 * k + 2]].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
};
const lutRgba = (k: number): number[] => [...Array.from(colormap('RdBu_r').lut.slice(4 * k, 4 * k + 3)), 255];
/** The LUT entry a signed score gets by definition: t = 0.5 + 0.5 * clamp(v / B, -1, 1), entry round(255 t). */
const entry = (v: number, B: number): number => Math.round((0.5 + 0.5 * Math.max(-1, Math.min(1, v / B))) * 255);
const tokenRects = (root: XmlElement): XmlElement[] => findAll(root, 'rect').filter((r) => r.attrs.class === 'token');
const tokenTexts = (root: XmlElement): string[] =>
  findAll(root, 'g')
    .filter((g) => g.attrs.class === 'token')
    .map((g) => g.children.find((c) => c.name === 'text')?.text ?? '');
const px = (im: { width: number; data: ArrayLike<number> }, x: number, y: number): number[] =>
  Array.from({ length: 4 }, (_, c) => im.data[(y * im.width + x) * 4 + c]);

describe('tokenHeatmap', () => {
  const tokens = ['m', 'a', 'r', 'y'];
  const scores = [-2, 0, 1, 2];

  it('draws one rect per token in a well-formed SVG, with the score in a tooltip and the token index', () => {
    const { svg } = tokenHeatmap(tokens, scores, { title: 'why "y" & not <e>' });
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(root.children[0]).toMatchObject({ name: 'title', text: 'why "y" & not <e>' });
    expect(tokenRects(root)).toHaveLength(4);
    const groups = findAll(root, 'g').filter((g) => g.attrs.class === 'token');
    expect(groups.map((g) => g.attrs['data-index'])).toEqual(['0', '1', '2', '3']);
    expect(groups[2].children[0]).toMatchObject({ name: 'title', text: '"r": 1' });
    expect(tokenTexts(root)).toEqual(tokens);
  });

  it('colours by the definition: B = max |score|, 0 neutral, +B the top colour, -B the bottom one, symmetric', () => {
    const { svg, scale } = tokenHeatmap(tokens, scores);
    expect(scale).toEqual({ mode: 'signed', min: -2, max: 2, colormap: 'RdBu_r' });
    const fills = tokenRects(parseXml(svg)).map((r) => r.attrs.fill);
    expect(fills).toEqual([lutHex(0), lutHex(128), lutHex(entry(1, 2)), lutHex(255)]);
    expect(entry(1, 2)).toBe(191); // 0.75 * 255 = 191.25
    // a score and its negative sit at mirrored LUT entries (k and 255 - k)
    const sym = tokenHeatmap(['+', '-', '+', '-'], [0.3, -0.3, 1.7, -1.7], { clip: { value: 2 } });
    const f = tokenRects(parseXml(sym.svg)).map((r) => r.attrs.fill);
    expect(f[0]).toBe(lutHex(entry(0.3, 2)));
    expect(f[1]).toBe(lutHex(255 - entry(0.3, 2)));
    expect(f[2]).toBe(lutHex(entry(1.7, 2)));
    expect(f[3]).toBe(lutHex(255 - entry(1.7, 2)));
    expect(sym.scale).toMatchObject({ min: -2, max: 2 });
  });

  it('writes black text on light backgrounds and white text on dark ones', () => {
    const root = parseXml(tokenHeatmap(tokens, scores).svg);
    const ink = findAll(root, 'text').filter((t) => t.attrs.textLength !== undefined).map((t) => t.attrs.fill);
    expect(ink).toEqual(['#ffffff', '#000000', '#000000', '#ffffff']); // dark blue, white, light red, dark red
  });

  it('a fixed clip value saturates larger scores; all-zero scores are neutral, never NaN', () => {
    const { svg, scale } = tokenHeatmap(['a', 'b'], [0.5, 3], { clip: { value: 1 } });
    expect(tokenRects(parseXml(svg)).map((r) => r.attrs.fill)).toEqual([lutHex(entry(0.5, 1)), lutHex(255)]);
    expect(scale).toMatchObject({ min: -1, max: 1 });
    const zero = tokenHeatmap(['a', 'b'], new Float32Array(2));
    expect(tokenRects(parseXml(zero.svg)).map((r) => r.attrs.fill)).toEqual([lutHex(128), lutHex(128)]);
    expect(zero.svg).not.toContain('NaN');
  });

  it('other modes and colormaps follow heatmap: abs uses inferno, |score| / B', () => {
    const { svg, scale } = tokenHeatmap(['a', 'b'], [-4, 2], { mode: 'abs' });
    expect(scale).toEqual({ mode: 'abs', min: 0, max: 4, colormap: 'inferno' });
    expect(tokenRects(parseXml(svg)).map((r) => r.attrs.fill)).toEqual([lutHex(255, 'inferno'), lutHex(128, 'inferno')]);
  });

  it('escapes every token and title in the HTML, which carries the colours and a score tooltip', () => {
    const { html } = tokenHeatmap(['<script>', 'a"b', "&'"], [1, 0, -1], { title: '<b>t</b>' });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;');
    const root = parseXml(html); // the fragment is also well-formed XML
    const spans = findAll(root, 'span').filter((s) => s.attrs.class === 'glassbox-token');
    expect(spans.map((s) => s.text)).toEqual(['<script>', 'a"b', "&'"]);
    expect(spans.map((s) => s.attrs['data-index'])).toEqual(['0', '1', '2']);
    expect(spans[0].attrs.title).toBe('"<script>": 1');
    expect(spans[1].attrs.title).toBe('"a\\"b": 0');
    expect(spans[0].attrs.style).toContain(`background-color:${lutHex(255)}`);
    expect(spans[0].attrs.style).toContain('color:#ffffff');
    expect(spans[1].attrs.style).toContain(`background-color:${lutHex(128)}`);
    expect(findAll(root, 'div').some((d) => d.attrs.class === 'glassbox-colorbar')).toBe(true);
    expect(findAll(parseXml(tokenHeatmap(['a'], [1], { colorbar: false }).html), 'div').some((d) => d.attrs.class === 'glassbox-colorbar')).toBe(false);
  });

  it('shows whitespace: space ␣, tab →, newline ↵ followed by a line break; control characters as a replacement', () => {
    const toks = ['a', ' ', '\t', 'b\n', 'c', '\u0007'];
    const r = tokenHeatmap(toks, [0, 0, 0, 0, 0, 0]);
    const root = parseXml(r.svg);
    expect(tokenTexts(root)).toEqual(['a', '\u2423', '\u2192', 'b\u21B5', 'c', '\uFFFD']);
    const ys = tokenRects(root).map((t) => Number(t.attrs.y));
    expect(ys[0]).toBe(ys[3]);
    expect(ys[4]).toBeGreaterThan(ys[3]); // 'c' starts a new line after the newline
    const html = parseXml(r.html);
    const tokensDiv = findAll(html, 'div').find((d) => d.attrs.class === 'glassbox-tokens') as XmlElement;
    expect(tokensDiv.children.map((c) => c.name)).toEqual(['span', 'span', 'span', 'span', 'br', 'span', 'span']);
  });

  it('wraps at the width: 20 boxes of 30 px with 2 px gaps in 200 - 2 * 8 px make 4 lines of 5', () => {
    // fontSize 10: a character is 0.6 * 10 = 6 px, padding 3 px each side -> 4 characters = 30 px.
    const toks = Array.from({ length: 20 }, () => 'abcd');
    const { svg } = tokenHeatmap(toks, toks.map((_, i) => i), { fontSize: 10, width: 200 });
    const rects = tokenRects(parseXml(svg));
    expect(rects.map((r) => Number(r.attrs.width))).toEqual(Array(20).fill(30));
    const lines = [...new Set(rects.map((r) => r.attrs.y))];
    expect(lines).toHaveLength(4);
    for (const y of lines) expect(rects.filter((r) => r.attrs.y === y)).toHaveLength(5);
    for (const r of rects) expect(Number(r.attrs.x) + Number(r.attrs.width)).toBeLessThanOrEqual(200 - 8);
    // the same tokens fit on one line of a wide picture
    expect(new Set(tokenRects(parseXml(tokenHeatmap(toks, toks.map((_, i) => i), { fontSize: 10, width: 1000 }).svg)).map((r) => r.attrs.y)).size).toBe(1);
  });

  it('cuts a token longer than a whole line to fit and ends it with …', () => {
    const { svg } = tokenHeatmap(['x'.repeat(100)], [1], { fontSize: 10, width: 100 });
    const root = parseXml(svg);
    const text = tokenTexts(root)[0];
    expect(text.endsWith('\u2026')).toBe(true);
    expect(Number(tokenRects(root)[0].attrs.width)).toBeLessThanOrEqual(100 - 16);
  });

  it('renders a PNG of the given width whose first token box has the token colour', () => {
    const { image } = tokenHeatmap(tokens, scores, { width: 300 });
    const png = decode(toPNG(image));
    expect(png.width).toBe(300);
    expect(png.height).toBe(image.height);
    expect(png.channels).toBe(4);
    // the text area starts at the 8 px margin; the box's corner pixel is padding, never ink
    expect(px(png, 8, 8)).toEqual(lutRgba(0));
    expect(px(png, 1, 1)).toEqual([255, 255, 255, 255]);
    // the most positive token's top colour (LUT 255) is somewhere in the picture, and only with it
    const has = (im: RGBAImage, rgba: number[]): boolean => {
      for (let i = 0; i < im.width * im.height; i++) if (rgba.every((c, k) => im.data[4 * i + k] === c)) return true;
      return false;
    };
    expect(has(image, lutRgba(255))).toBe(true);
    expect(has(tokenHeatmap(tokens, scores, { colorbar: false }).image, lutRgba(255))).toBe(true);
    expect(has(tokenHeatmap(['m', 'a', 'r'], [-2, 0, 1], { colorbar: false }).image, lutRgba(255))).toBe(false);
  });

  it('grows the PNG by a line when the tokens wrap, and draws a title band', () => {
    const one = tokenHeatmap(['ab', 'cd'], [1, 2], { width: 200, colorbar: false }).image;
    const two = tokenHeatmap(['ab\n', 'cd'], [1, 2], { width: 200, colorbar: false }).image;
    // bitmap line: 7 * 2 (glyphs) + 4 * 2 (padding) = 22 px, plus a 2 * 2 px gap between lines
    expect(two.height - one.height).toBe(22 + 4);
    const titled = tokenHeatmap(['ab', 'cd'], [1, 2], { width: 200, colorbar: false, title: 'T' }).image;
    expect(titled.height - one.height).toBe(7 * 2 + 4 * 2);
  });

  it('draws characters the bitmap font lacks as the replacement box, not as "?"', () => {
    const raw = rawGlyphs();
    expect(raw['\uFFFD']).not.toBe(raw['?']);
    const draw = (t: string): number[] => Array.from(tokenHeatmap([t], [0], { colorbar: false }).image.data);
    expect(draw('日')).toEqual(draw('é'));
    expect(draw('😀')).toEqual(draw('é')); // one code point, one box
    expect(draw('日')).not.toEqual(draw('?'));
    expect(draw(' ')).not.toEqual(draw('é'));
  });

  it('refuses bad input, naming the argument, what was expected and what came', () => {
    expectVizError(() => tokenHeatmap([], []), 'INVALID_ARGUMENT', 'tokenHeatmap: tokens must not be empty');
    expectVizError(() => tokenHeatmap('abc' as never, [1, 2, 3]), 'INVALID_ARGUMENT', 'tokens must be an array of strings, got "abc"');
    expectVizError(() => tokenHeatmap(['a', 3 as never], [1, 2]), 'INVALID_ARGUMENT', 'tokens[1] must be a string, got 3');
    expectVizError(() => tokenHeatmap(['a', 'b', 'c', 'd'], [1, 2, 3]), 'SHAPE_MISMATCH', 'scores has 3 elements, expected 4 (one per token in tokens)');
    expectVizError(() => tokenHeatmap(['a', 'b', 'c'], [1, 2, NaN]), 'NON_FINITE', 'tokenHeatmap: scores[2] is NaN');
    expectVizError(() => tokenHeatmap(['a'], [Infinity]), 'NON_FINITE', 'scores[0] is Infinity');
    expectVizError(() => tokenHeatmap(['a'], null as never), 'INVALID_ARGUMENT', 'scores must be');
    expectVizError(() => tokenHeatmap(['a'], [1], { clip: { value: 0 } }), 'INVALID_ARGUMENT', 'options.clip.value');
    expectVizError(() => tokenHeatmap(['a'], [1], { width: 10 }), 'INVALID_ARGUMENT', 'options.width must be at least');
    expectVizError(() => tokenHeatmap(['a'], [1], { fontScale: 1.5 }), 'INVALID_ARGUMENT', 'options.fontScale');
    expectVizError(() => tokenHeatmap(['a'], [1], { colormap: 'jet' as never }), 'INVALID_ARGUMENT', 'options.colormap');
    expectVizError(() => tokenHeatmap(['a'], [1], { title: 3 as never }), 'INVALID_ARGUMENT', 'options.title must be a string');
    expectVizError(() => tokenHeatmap(['a'], [1], { colorbar: 'yes' as never }), 'INVALID_ARGUMENT', 'options.colorbar must be a boolean');
  });
});
