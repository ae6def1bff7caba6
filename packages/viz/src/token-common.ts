// Shared pieces of the token pictures (tokenHeatmap, attentionMatrix, generationMatrix). Internal.
import { luma } from './color.js';
import { lutIndex, type Colormap } from './colormap.js';
import { ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyph, hasGlyph } from './font.js';
import { formatNumber } from './format.js';
import { blendPixel, type RGBAImage } from './image.js';
import { scalePosition, type NormalizeScale } from './normalize.js';
import { el, escapeXml, fnv1a, text } from './svg.js';
import { describe, fail, isArrayLike } from './validate.js';

/** Light grey of the cells a matrix leaves empty (masked by causality, or after a generated token). */
export const EMPTY_RGB: readonly [number, number, number] = [224, 224, 224];
export const EMPTY_HEX = '#e0e0e0';

/**
 * The characters shown for a token, one string per code point: a space (and any other whitespace but a newline
 * or tab) becomes '␣', a tab '→', a newline '↵' ('\r\n' and '\r' too), control characters and lone surrogates
 * '\uFFFD'. So whitespace tokens stay visible and nothing unprintable reaches SVG, HTML or the bitmap font.
 */
export function visibleChars(token: string): string[] {
  const out: string[] = [];
  const cps = Array.from(token.replace(/\r\n?/g, '\n'));
  for (const ch of cps) {
    if (ch === '\n') out.push('\u21B5');
    else if (ch === '\t') out.push('\u2192');
    else if (/^\s$/u.test(ch)) out.push('\u2423');
    else if (/^[\u0000-\u001F\u007F-\u009F\uFFFE\uFFFF]$/.test(ch) || /^[\uD800-\uDFFF]$/.test(ch)) out.push('\uFFFD');
    else out.push(ch);
  }
  return out;
}

/** Whether a line break follows the token (it contains a newline). */
export function endsLine(token: string): boolean {
  return /[\n\r]/.test(token);
}

/** The bitmap font's stand-in for characters it lacks ('\uFFFD', a hollow box) instead of '?'. */
export function rasterChars(chars: readonly string[]): string[] {
  return chars.map((c) => (hasGlyph(c) ? c : '\uFFFD'));
}

/** At most `max` characters (>= 1): longer lists keep max - 1 and end with '…'. */
export function truncateChars(chars: readonly string[], max: number): string[] {
  const m = Math.max(1, max);
  if (chars.length <= m) return chars.slice();
  return m === 1 ? ['\u2026'] : [...chars.slice(0, m - 1), '\u2026'];
}

/** Checks a list of token strings; `expected` is the length it must have (with what it is, for the message). */
export function checkTokens(
  fn: string,
  name: string,
  tokens: unknown,
  expected?: { length: number; what: string },
): string[] {
  if (!Array.isArray(tokens)) fail('INVALID_ARGUMENT', `${fn}: ${name} must be an array of strings, got ${describe(tokens)}`);
  if (expected === undefined && tokens.length === 0) {
    fail('INVALID_ARGUMENT', `${fn}: ${name} must not be empty (expected at least one token), got an empty array`);
  }
  if (expected !== undefined && tokens.length !== expected.length) {
    fail('SHAPE_MISMATCH', `${fn}: ${name} has ${tokens.length} labels, expected ${expected.length} (${expected.what})`);
  }
  tokens.forEach((t, i) => {
    if (typeof t !== 'string') fail('INVALID_ARGUMENT', `${fn}: ${name}[${i}] must be a string, got ${describe(t)}`);
  });
  return tokens as string[];
}

/** Checks an array-like of numbers with exactly `length` elements (SHAPE_MISMATCH naming `what` otherwise). */
export function checkNumbers(fn: string, name: string, values: unknown, length: number, what: string): ArrayLike<number> {
  if (!isArrayLike(values)) fail('INVALID_ARGUMENT', `${fn}: ${name} must be a Float32Array (or an array of numbers), got ${describe(values)}`);
  if (values.length !== length) fail('SHAPE_MISMATCH', `${fn}: ${name} has ${values.length} elements, expected ${length} (${what})`);
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number') fail('INVALID_ARGUMENT', `${fn}: ${name}[${i}] must be a number, got ${describe(values[i])}`);
  }
  return values;
}

/** An optional string option. */
export function checkOptionalString(fn: string, name: string, value: unknown): string | undefined {
  if (value !== undefined && typeof value !== 'string') fail('INVALID_ARGUMENT', `${fn}: ${name} must be a string, got ${describe(value)}`);
  return value as string | undefined;
}

/** An optional boolean option with a default. */
export function checkBoolean(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail('INVALID_ARGUMENT', `${fn}: ${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** The RGB of LUT entry k of a colormap. */
export function lutRgb(cmap: Colormap, k: number): [number, number, number] {
  return [cmap.lut[4 * k], cmap.lut[4 * k + 1], cmap.lut[4 * k + 2]];
}

/** The RGB a colour position t in [0, 1] gets. */
export function rgbAt(cmap: Colormap, t: number): [number, number, number] {
  return lutRgb(cmap, lutIndex(t));
}

export function hex(rgb: readonly number[]): string {
  return `#${rgb
    .slice(0, 3)
    .map((c) => Math.round(c).toString(16).padStart(2, '0'))
    .join('')}`;
}

/** Black text on light backgrounds, white on dark ones (luma below 128). */
export function inkFor(rgb: readonly number[]): [number, number, number] {
  return luma(rgb[0], rgb[1], rgb[2]) < 128 ? [255, 255, 255] : [0, 0, 0];
}

/** A score for tooltips: 4 significant digits, '-0' as '0'. */
export function formatScore(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const r = Number(v.toPrecision(4));
  return r === 0 ? '0' : String(r);
}

/** Tick values of a colorbar: min, middle, max (one value for a degenerate scale). */
export function colorbarTicks(scale: NormalizeScale): number[] {
  return scale.max > scale.min ? [scale.min, (scale.min + scale.max) / 2, scale.max] : [scale.min];
}

/** Gradient stops (offset 0..1 from min to max) of a scale, sampled at n + 1 points. */
export function gradientStops(cmap: Colormap, scale: NormalizeScale, n = 16): { offset: number; color: string }[] {
  return Array.from({ length: n + 1 }, (_, k) => {
    const v = scale.min + ((scale.max - scale.min) * k) / n;
    return { offset: k / n, color: hex(rgbAt(cmap, scalePosition(scale, v))) };
  });
}

/** Height of the SVG colorbar block drawn by `svgColorbar` at a font size. */
export function svgColorbarHeight(fontSize: number): number {
  return 10 + 4 + fontSize + 2;
}

/**
 * A horizontal colorbar in SVG: a gradient bar `width` x 10 at (x, y) (min left) and tick labels (min, middle,
 * max) under it. The gradient id is a hash of its stops, so identical colorbars on one page share one id.
 */
export function svgColorbar(x: number, y: number, width: number, cmap: Colormap, scale: NormalizeScale, fontSize: number): string {
  const stops = gradientStops(cmap, scale);
  const stopXml = stops.map((s) => el('stop', { offset: String(s.offset), 'stop-color': s.color })).join('');
  const id = `glassbox-colorbar-${fnv1a(stopXml)}`;
  const parts = [
    el('defs', {}, el('linearGradient', { id, x1: '0', x2: '1', y1: '0', y2: '0' }, stopXml)),
    el('rect', { class: 'colorbar-bar', x, y, width, height: 10, fill: `url(#${id})`, stroke: '#999', 'stroke-width': '0.5' }),
  ];
  const ticks = colorbarTicks(scale);
  ticks.forEach((v, i) => {
    const tx = ticks.length === 1 ? x : x + (width * i) / (ticks.length - 1);
    const anchor = ticks.length === 1 || i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle';
    parts.push(text({ class: 'colorbar-label', x: tx, y: y + 14 + fontSize * 0.8, 'text-anchor': anchor, fill: '#333' }, formatNumber(v)));
  });
  return el('g', { class: 'colorbar' }, parts.join(''));
}

/** A horizontal colorbar in HTML: min label, a CSS gradient bar, max label. */
export function htmlColorbar(cmap: Colormap, scale: NormalizeScale, fontSize: number): string {
  const stops = gradientStops(cmap, scale, 10)
    .map((s) => `${s.color} ${Math.round(s.offset * 100)}%`)
    .join(', ');
  const ticks = colorbarTicks(scale);
  const lo = escapeXml(formatNumber(ticks[0]));
  const hi = escapeXml(formatNumber(ticks[ticks.length - 1]));
  return (
    `<div class="glassbox-colorbar" style="display:flex;align-items:center;gap:6px;margin-top:8px;font-size:${Math.max(8, fontSize - 2)}px">` +
    `<span>${lo}</span>` +
    `<span style="display:inline-block;width:160px;height:10px;border:1px solid #999;background:linear-gradient(to right, ${stops})"></span>` +
    `<span>${hi}</span></div>`
  );
}

/** Fills a rectangle of an image (clipped) with an opaque colour. */
export function fillRect(img: RGBAImage, x: number, y: number, w: number, h: number, rgb: readonly number[]): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(img.width, Math.round(x + w));
  const y1 = Math.min(img.height, Math.round(y + h));
  if (x1 <= x0 || y1 <= y0) return;
  const row = (y0 * img.width + x0) * 4;
  img.data.set([rgb[0], rgb[1], rgb[2], 255], row);
  const rowBytes = (x1 - x0) * 4;
  for (let n = 4; n < rowBytes; n *= 2) img.data.copyWithin(row + n, row, row + Math.min(n, rowBytes - n));
  for (let yy = y0 + 1; yy < y1; yy++) img.data.copyWithin((yy * img.width + x0) * 4, row, row + rowBytes);
}

/**
 * Draws text rotated a quarter turn counter-clockwise (reading bottom to top) with the bitmap font: the first
 * character's baseline-left corner at (left, bottom), glyph tops facing left. Clipped to the image and to `top`.
 */
export function drawTextUp(
  img: RGBAImage,
  chars: readonly string[],
  left: number,
  bottom: number,
  rgb: readonly number[],
  s: number,
  top = 0,
): void {
  let cx = 0;
  for (const ch of chars) {
    const bits = glyph(ch);
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (!bits[gy * GLYPH_WIDTH + gx]) continue;
        for (let dy = 0; dy < s; dy++) {
          for (let dx = 0; dx < s; dx++) {
            const px = left + gy * s + dy;
            const py = bottom - (cx + gx * s + dx);
            if (px < 0 || px >= img.width || py < Math.max(0, top) || py >= img.height) continue;
            blendPixel(img.data, (py * img.width + px) * 4, rgb[0], rgb[1], rgb[2], 1);
          }
        }
      }
    }
    cx += ADVANCE * s;
  }
}
