import { describe, expect, it } from 'vitest';
import { drawText, fontCharacters, glyph, rawGlyphs, textWidth } from './font.js';
import { createImage, type RGBAImage } from './image.js';

const inked = (im: RGBAImage): [number, number][] => {
  const out: [number, number][] = [];
  for (let y = 0; y < im.height; y++) for (let x = 0; x < im.width; x++) if (im.data[(y * im.width + x) * 4] === 0) out.push([x, y]);
  return out;
};

describe('bitmap font', () => {
  it('every glyph is 7 rows of 5 cells of # or .', () => {
    for (const [ch, g] of Object.entries(rawGlyphs())) {
      const rows = g.split('/');
      expect(rows, ch).toHaveLength(7);
      for (const r of rows) expect(r, ch).toMatch(/^[#.]{5}$/);
    }
  });
  it('covers digits, capitals and the documented symbols', () => {
    const chars = fontCharacters();
    for (const ch of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ .,-+=:_/()[]%?!#\'"<>*|') expect(chars, ch).toContain(ch);
  });
  it('draws lowercase as capitals and unknown characters as ?', () => {
    expect(Array.from(glyph('a'))).toEqual(Array.from(glyph('A')));
    expect(Array.from(glyph('€'))).toEqual(Array.from(glyph('?')));
  });
  it('measures 6 px per character minus the trailing space, times the scale', () => {
    expect(textWidth('')).toBe(0);
    expect(textWidth('A')).toBe(5);
    expect(textWidth('AB')).toBe(11);
    expect(textWidth('AB', 2)).toBe(22);
  });
  it("draws '-' as one row of 5 pixels, 3 rows down", () => {
    const im = createImage(8, 9, [255, 255, 255]);
    drawText(im, '-', 1, 1, [0, 0, 0, 255]);
    expect(inked(im)).toEqual([1, 2, 3, 4, 5].map((x) => [x, 4]));
  });
  it('scales each pixel to s x s and clips at the right limit', () => {
    const im = createImage(20, 20, [255, 255, 255]);
    drawText(im, '.', 0, 0, [0, 0, 0, 255], 2); // '.' has 4 ink cells -> 16 pixels at scale 2
    expect(inked(im)).toHaveLength(16);
    const clipped = createImage(20, 9, [255, 255, 255]);
    drawText(clipped, '--', 0, 0, [0, 0, 0, 255], 1, 3);
    expect(inked(clipped)).toEqual([0, 1, 2].map((x) => [x, 3]));
  });
});
