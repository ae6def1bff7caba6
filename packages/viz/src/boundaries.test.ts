import { describe, expect, it } from 'vitest';
import { boundaries } from './boundaries.js';
import { createImage, type RGBAImage } from './image.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

/** Edge map as strings, one per row: '#' where the pixel is the edge colour (pure red here). */
const edges = (im: RGBAImage): string[] => {
  const rows: string[] = [];
  for (let y = 0; y < im.height; y++) {
    let r = '';
    for (let x = 0; x < im.width; x++) {
      const o = (y * im.width + x) * 4;
      r += im.data[o] === 255 && im.data[o + 1] === 0 ? '#' : '.';
    }
    rows.push(r);
  }
  return rows;
};

describe('boundaries', () => {
  const img = createImage(4, 3, [0, 0, 0]);
  // Two segments: left two columns 0, right two columns 1.
  const vertical = Int32Array.of(0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1);

  it('thin: marks the pixel left of the border', () => {
    expect(edges(boundaries(img, vertical, { color: [255, 0, 0] }))).toEqual(['.#..', '.#..', '.#..']);
  });
  it('thick: marks both sides of the border', () => {
    expect(edges(boundaries(img, vertical, { color: [255, 0, 0], mode: 'thick' }))).toEqual(['.##.', '.##.', '.##.']);
  });
  it('a horizontal split marks the row above the border', () => {
    const horizontal = Int32Array.of(3, 3, 3, 3, 7, 7, 7, 7, 7, 7, 7, 7);
    expect(edges(boundaries(img, horizontal, { color: '#ff0000' }))).toEqual(['####', '....', '....']);
  });
  it('a single segment has no edges and leaves the image as it was', () => {
    const out = boundaries(img, new Int32Array(12), { color: [255, 0, 0] });
    expect(Array.from(out.data)).toEqual(Array.from(img.data));
    expect(out.data).not.toBe(img.data);
  });
  it('defaults to yellow', () => {
    const out = boundaries(img, vertical);
    expect(Array.from(out.data.slice(4, 8))).toEqual([255, 255, 0, 255]);
  });
  it('rejects bad masks', () => {
    expectVizError(() => boundaries(img, new Int32Array(5)), 'SHAPE_MISMATCH', 'boundaries: featureMask has 5 elements, expected 12 for shape [3, 4]');
    expectVizError(() => boundaries(img, new Float32Array(12).fill(0.5)), 'INVALID_ARGUMENT', 'featureMask[0] is 0.5');
    expectVizError(() => boundaries(img, new Float32Array(12).fill(NaN)), 'NON_FINITE', 'featureMask[0]');
    expectVizError(() => boundaries(img, vertical, { mode: 'outer' as never }), 'INVALID_ARGUMENT', 'options.mode');
    expectVizError(() => boundaries(img, vertical, { color: [1, 2] as never }), 'INVALID_ARGUMENT', 'options.color');
  });
});
