import { describe, expect, it } from 'vitest';
import { grid, gridLayout } from './grid.js';
import { createImage, type RGBAImage } from './image.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

const rgb = (im: RGBAImage, x: number, y: number): number[] => Array.from(im.data.slice((y * im.width + x) * 4, (y * im.width + x) * 4 + 3));
const RED = [255, 0, 0];
const GREEN = [0, 255, 0];
const BLUE = [0, 0, 255];
const WHITE = [255, 255, 255];

describe('grid', () => {
  const imgs = [createImage(2, 2, [255, 0, 0]), createImage(2, 2, [0, 255, 0]), createImage(2, 2, [0, 0, 255])];

  it('places cells at p + col * (w + p), p + row * (h + p)', () => {
    const g = grid(imgs, { columns: 2, padding: 1 });
    // width = 1 + 2 * (2 + 1) = 7, height = 1 + 2 * (2 + 1) = 7
    expect([g.width, g.height]).toEqual([7, 7]);
    expect(rgb(g, 0, 0)).toEqual(WHITE);
    expect(rgb(g, 1, 1)).toEqual(RED);
    expect(rgb(g, 2, 2)).toEqual(RED);
    expect(rgb(g, 3, 1)).toEqual(WHITE);
    expect(rgb(g, 4, 1)).toEqual(GREEN);
    expect(rgb(g, 5, 2)).toEqual(GREEN);
    expect(rgb(g, 1, 4)).toEqual(BLUE);
    expect(rgb(g, 2, 5)).toEqual(BLUE);
    expect(rgb(g, 4, 4)).toEqual(WHITE); // empty cell
    expect(rgb(g, 6, 6)).toEqual(WHITE);
  });

  it('defaults to one row with padding 2 and a white background', () => {
    const g = grid(imgs);
    expect([g.width, g.height]).toEqual([2 + 3 * 4, 2 + 4]);
    expect(rgb(g, 2 + 4 * 2, 2)).toEqual(BLUE);
  });

  it('centres smaller images in the cell and uses the background colour', () => {
    const g = grid([createImage(4, 4, [255, 0, 0]), createImage(2, 2, [0, 0, 255])], { padding: 0, background: [9, 9, 9] });
    expect([g.width, g.height]).toEqual([8, 4]);
    expect(rgb(g, 4, 0)).toEqual([9, 9, 9]);
    expect(rgb(g, 5, 1)).toEqual(BLUE);
    expect(rgb(g, 6, 2)).toEqual(BLUE);
    expect(rgb(g, 7, 3)).toEqual([9, 9, 9]);
  });

  it('reserves a label band of 7 + 2 px above each cell and draws the label centred in it', () => {
    const wide = [createImage(11, 3, [255, 0, 0]), createImage(11, 3, [0, 255, 0])];
    const g = grid(wide, { padding: 1, labels: ['A', ''] });
    // height = 1 + (9 + 3 + 1) = 14; image 0 starts at y = 1 + 9 = 10
    expect([g.width, g.height]).toEqual([1 + 2 * 12, 14]);
    expect(rgb(g, 1, 10)).toEqual(RED);
    expect(rgb(g, 1, 9)).toEqual(WHITE);
    // 'A' is 5 wide, centred in 11: x = 1 + 3. Its top row is '.###.', its middle row (3) '#####'.
    expect(rgb(g, 4, 1)).toEqual(WHITE);
    expect(rgb(g, 5, 1)).toEqual([0, 0, 0]);
    for (let x = 4; x < 9; x++) expect(rgb(g, x, 1 + 3)).toEqual([0, 0, 0]);
    // no ink over the second (empty) label
    for (let y = 1; y < 10; y++) for (let x = 13; x < 24; x++) expect(rgb(g, x, y)).toEqual(WHITE);
  });

  it('adds a row-label column on the left (latent traversal layout)', () => {
    const cells = [0, 1, 2, 3].map(() => createImage(7, 7, [0, 0, 255]));
    const g = grid(cells, { columns: 2, padding: 1, rowLabels: ['Z0', 'Z1'] });
    // row label width = textWidth('Z0') + 2 = 11 + 2 = 13
    const L = gridLayout(cells, { columns: 2, padding: 1, rowLabels: ['Z0', 'Z1'] });
    expect(L.rowLabelWidth).toBe(13);
    expect(L.cell(3)).toEqual({ x: 1 + 13 + 8, y: 1 + 8 });
    expect([g.width, g.height]).toEqual([1 + 13 + 2 * 8, 1 + 2 * 8]);
    expect(rgb(g, 14, 1)).toEqual(BLUE);
    // 'Z' top row is '#####' at x = 1..5, y = 1 (vertically centred: (7 - 7) / 2 = 0)
    for (let x = 1; x <= 5; x++) expect(rgb(g, x, 1)).toEqual([0, 0, 0]);
  });

  it('picks white text on a dark background', () => {
    const g = grid([createImage(5, 1, [0, 0, 0])], { padding: 0, labels: ['-'], background: [0, 0, 0] });
    expect(rgb(g, 0, 3)).toEqual(WHITE);
  });

  it('composites transparent images over the background', () => {
    const g = grid([createImage(1, 1, [0, 0, 0, 0])], { padding: 0, background: [10, 20, 30] });
    expect(rgb(g, 0, 0)).toEqual([10, 20, 30]);
  });

  it('rejects bad input', () => {
    expectVizError(() => grid([]), 'INVALID_ARGUMENT', 'grid: images must not be empty');
    expectVizError(() => grid([createImage(1, 1), { width: 1, height: 1, data: new Uint8ClampedArray(3) }]), 'SHAPE_MISMATCH', 'images[1].data');
    expectVizError(() => grid(imgs, { labels: ['a'] }), 'SHAPE_MISMATCH', 'options.labels has 1 entries, expected 3');
    expectVizError(() => grid(imgs, { columns: 2, rowLabels: ['a'] }), 'SHAPE_MISMATCH', 'options.rowLabels has 1 entries, expected 2');
    expectVizError(() => grid(imgs, { columns: 0 }), 'INVALID_ARGUMENT', 'options.columns');
    expectVizError(() => grid(imgs, { padding: -1 }), 'INVALID_ARGUMENT', 'options.padding');
    expectVizError(() => grid(imgs, { background: 'white' }), 'INVALID_ARGUMENT', 'options.background');
    expectVizError(() => grid(imgs, { labels: [1, 2, 3] as never }), 'INVALID_ARGUMENT', 'options.labels[0]');
    expectVizError(() => gridLayout([]), 'INVALID_ARGUMENT', 'sizes');
  });
});
