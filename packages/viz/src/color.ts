// Colour parsing shared by the raster functions. Internal except for the `Color` type.
import { describe, fail } from './validate.js';

/**
 * A colour for raster output: `[r, g, b]` or `[r, g, b, a]` with 0..255 integers, or a CSS hex string
 * (`'#rgb'`, `'#rrggbb'`, `'#rrggbbaa'`). Alpha defaults to 255.
 */
export type Color = readonly [number, number, number] | readonly [number, number, number, number] | string;

/** Parses a `Color` into `[r, g, b, a]` bytes, or throws INVALID_ARGUMENT naming `fn` and `name`. */
export function parseColor(fn: string, name: string, color: unknown): [number, number, number, number] {
  if (typeof color === 'string') {
    const rgba = parseCssColor(color);
    if (rgba) return rgba;
  } else if (
    Array.isArray(color) &&
    (color.length === 3 || color.length === 4) &&
    color.every((c) => typeof c === 'number' && Number.isFinite(c) && c >= 0 && c <= 255)
  ) {
    return [Math.round(color[0]), Math.round(color[1]), Math.round(color[2]), color.length === 4 ? Math.round(color[3]) : 255];
  }
  return fail(
    'INVALID_ARGUMENT',
    `${fn}: ${name} must be [r, g, b], [r, g, b, a] (0..255) or a hex string like '#ff0000', got ${
      Array.isArray(color) ? `[${color.join(', ')}]` : describe(color)
    }`,
  );
}

/** '#rgb', '#rrggbb', '#rrggbbaa' and 'rgb(r, g, b)' (what d3 interpolators return). Null if unparseable. */
export function parseCssColor(text: string): [number, number, number, number] | null {
  const s = text.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) {
    const h = m[1];
    return [parseInt(h[0] + h[0], 16), parseInt(h[1] + h[1], 16), parseInt(h[2] + h[2], 16), 255];
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(s);
  if (m) {
    const h = m[1];
    return [
      parseInt(h.slice(0, 2), 16),
      parseInt(h.slice(2, 4), 16),
      parseInt(h.slice(4, 6), 16),
      m[2] === undefined ? 255 : parseInt(m[2], 16),
    ];
  }
  m = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(s);
  if (m) {
    const c = (x: string): number => Math.max(0, Math.min(255, Math.round(Number(x))));
    return [c(m[1]), c(m[2]), c(m[3]), m[4] === undefined ? 255 : Math.round(Math.max(0, Math.min(1, Number(m[4]))) * 255)];
  }
  return null;
}

/** Relative luminance-ish (Rec. 601 weights), 0..255; used to pick black or white text. */
export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}
