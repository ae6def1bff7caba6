// A 5x7 bitmap font for labels on raster output (grid labels, colorbar ticks). Internal.
// Each glyph: 7 rows of 5 columns, '#' = ink, '.' = paper, rows separated by '/'.
// Lowercase letters are drawn as capitals; unknown characters as '?'.
import type { RGBAImage } from './image.js';
import { blendPixel } from './image.js';

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** Horizontal advance per character (glyph + 1 px spacing), before scaling. */
export const ADVANCE = GLYPH_WIDTH + 1;

const GLYPHS: Record<string, string> = {
  '0': '.###./#...#/#..##/#.#.#/##..#/#...#/.###.',
  '1': '..#../.##../..#../..#../..#../..#../.###.',
  '2': '.###./#...#/....#/...#./..#../.#.../#####',
  '3': '#####/...#./..#../...#./....#/#...#/.###.',
  '4': '...#./..##./.#.#./#..#./#####/...#./...#.',
  '5': '#####/#..../####./....#/....#/#...#/.###.',
  '6': '..##./.#.../#..../####./#...#/#...#/.###.',
  '7': '#####/....#/...#./..#../.#.../.#.../.#...',
  '8': '.###./#...#/#...#/.###./#...#/#...#/.###.',
  '9': '.###./#...#/#...#/.####/....#/...#./.##..',
  A: '.###./#...#/#...#/#####/#...#/#...#/#...#',
  B: '####./#...#/#...#/####./#...#/#...#/####.',
  C: '.###./#...#/#..../#..../#..../#...#/.###.',
  D: '###../#..#./#...#/#...#/#...#/#..#./###..',
  E: '#####/#..../#..../####./#..../#..../#####',
  F: '#####/#..../#..../####./#..../#..../#....',
  G: '.###./#...#/#..../#.###/#...#/#...#/.####',
  H: '#...#/#...#/#...#/#####/#...#/#...#/#...#',
  I: '.###./..#../..#../..#../..#../..#../.###.',
  J: '..###/...#./...#./...#./...#./#..#./.##..',
  K: '#...#/#..#./#.#../##.../#.#../#..#./#...#',
  L: '#..../#..../#..../#..../#..../#..../#####',
  M: '#...#/##.##/#.#.#/#.#.#/#...#/#...#/#...#',
  N: '#...#/#...#/##..#/#.#.#/#..##/#...#/#...#',
  O: '.###./#...#/#...#/#...#/#...#/#...#/.###.',
  P: '####./#...#/#...#/####./#..../#..../#....',
  Q: '.###./#...#/#...#/#...#/#.#.#/#..#./.##.#',
  R: '####./#...#/#...#/####./#.#../#..#./#...#',
  S: '.####/#..../#..../.###./....#/....#/####.',
  T: '#####/..#../..#../..#../..#../..#../..#..',
  U: '#...#/#...#/#...#/#...#/#...#/#...#/.###.',
  V: '#...#/#...#/#...#/#...#/#...#/.#.#./..#..',
  W: '#...#/#...#/#...#/#.#.#/#.#.#/#.#.#/.#.#.',
  X: '#...#/#...#/.#.#./..#../.#.#./#...#/#...#',
  Y: '#...#/#...#/.#.#./..#../..#../..#../..#..',
  Z: '#####/....#/...#./..#../.#.../#..../#####',
  ' ': '...../...../...../...../...../...../.....',
  '.': '...../...../...../...../...../.##../.##..',
  ',': '...../...../...../...../.##../..#../.#...',
  '-': '...../...../...../#####/...../...../.....',
  '+': '...../..#../..#../#####/..#../..#../.....',
  '=': '...../...../#####/...../#####/...../.....',
  ':': '...../.##../.##../...../.##../.##../.....',
  _: '...../...../...../...../...../...../#####',
  '/': '...../....#/...#./..#../.#.../#..../.....',
  '(': '...#./..#../.#.../.#.../.#.../..#../...#.',
  ')': '.#.../..#../...#./...#./...#./..#../.#...',
  '[': '.###./.#.../.#.../.#.../.#.../.#.../.###.',
  ']': '.###./...#./...#./...#./...#./...#./.###.',
  '%': '##.../##..#/...#./..#../.#.../#..##/...##',
  '?': '.###./#...#/....#/...#./..#../...../..#..',
  '!': '..#../..#../..#../..#../..#../...../..#..',
  '#': '.#.#./.#.#./#####/.#.#./#####/.#.#./.#.#.',
  "'": '..#../..#../.#.../...../...../...../.....',
  '"': '.#.#./.#.#./.#.#./...../...../...../.....',
  '<': '...#./..#../.#.../#..../.#.../..#../...#.',
  '>': '.#.../..#../...#./....#/...#./..#../.#...',
  '*': '...../..#../#.#.#/.###./#.#.#/..#../.....',
  '|': '..#../..#../..#../..#../..#../..#../..#..',
  // Stand-ins the token pictures draw for whitespace and characters this font lacks.
  '\u2423': '...../...../...../...../#...#/#...#/#####', // ␣ open box: a space
  '\u21B5': '....#/....#/.#..#/#####/.#.../...../.....', // ↵ a newline
  '\u2192': '...../..#../...#./#####/...#./..#../.....', // → a tab
  '\u2026': '...../...../...../...../...../...../#.#.#', // … a truncated label
  '\uFFFD': '#.#.#/.#.#./#.#.#/.#.#./#.#.#/.#.#./#.#.#', // a character the font does not have
};

const bitmaps = new Map<string, Uint8Array>();

/** Internal: the 7x5 bitmap (row-major, 1 = ink) of a character. */
export function glyph(ch: string): Uint8Array {
  let key = ch.toUpperCase();
  if (!(key in GLYPHS) || !Object.prototype.hasOwnProperty.call(GLYPHS, key)) key = '?';
  let bits = bitmaps.get(key);
  if (!bits) {
    const rows = GLYPHS[key].split('/');
    bits = new Uint8Array(GLYPH_WIDTH * GLYPH_HEIGHT);
    for (let y = 0; y < GLYPH_HEIGHT; y++) {
      for (let x = 0; x < GLYPH_WIDTH; x++) bits[y * GLYPH_WIDTH + x] = rows[y][x] === '#' ? 1 : 0;
    }
    bitmaps.set(key, bits);
  }
  return bits;
}

/** Internal: whether the font has a glyph for `ch` (itself or its capital); others are drawn as '?'. */
export function hasGlyph(ch: string): boolean {
  return Object.prototype.hasOwnProperty.call(GLYPHS, ch.toUpperCase());
}

/** Internal: the characters the font draws (others become '?'). */
export function fontCharacters(): string[] {
  return Object.keys(GLYPHS);
}

/** Internal: raw glyph table, for the integrity test. */
export function rawGlyphs(): Readonly<Record<string, string>> {
  return GLYPHS;
}

/** Width in pixels of `text` at integer scale `s` (no trailing spacing). */
export function textWidth(text: string, s = 1): number {
  const n = Array.from(text).length;
  return n === 0 ? 0 : (n * ADVANCE - 1) * s;
}

/** Height in pixels of one line at scale `s`. */
export function textHeight(s = 1): number {
  return GLYPH_HEIGHT * s;
}

/**
 * Draws `text` with its top-left corner at (x, y), in place, clipped to the image and to `clipRight`
 * (exclusive x limit), blending `color` (RGBA bytes) over the pixels.
 */
export function drawText(
  image: RGBAImage,
  text: string,
  x: number,
  y: number,
  color: readonly [number, number, number, number],
  s = 1,
  clipRight = image.width,
): void {
  const right = Math.min(clipRight, image.width);
  const a = color[3] / 255;
  let cx = x;
  for (const ch of Array.from(text)) {
    const bits = glyph(ch);
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (!bits[gy * GLYPH_WIDTH + gx]) continue;
        for (let dy = 0; dy < s; dy++) {
          const py = y + gy * s + dy;
          if (py < 0 || py >= image.height) continue;
          for (let dx = 0; dx < s; dx++) {
            const px = cx + gx * s + dx;
            if (px < 0 || px >= right) continue;
            blendPixel(image.data, (py * image.width + px) * 4, color[0], color[1], color[2], a);
          }
        }
      }
    }
    cx += ADVANCE * s;
    if (cx >= right) break;
  }
}
