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

  it('rejects images of different sizes without cellSize, naming the first mismatch and both sizes', () => {
    const mixed = [createImage(4, 4), createImage(4, 4), createImage(2, 3), createImage(5, 5)];
    expectVizError(
      () => grid(mixed),
      'SHAPE_MISMATCH',
      'grid: images[2] is 2x3 (width x height) but images[0] is 4x4',
      'options.cellSize',
    );
    expectVizError(() => grid([createImage(3, 3), createImage(3, 4)], { labels: ['a', 'b'] }), 'SHAPE_MISMATCH', 'images[1] is 3x4', 'images[0] is 3x3');
    expectVizError(() => gridLayout([{ width: 1, height: 1 }, { width: 2, height: 1 }]), 'SHAPE_MISMATCH', 'gridLayout: sizes[1] is 2x1', 'sizes[0] is 1x1');
  });

  it('cellSize resizes every image into the cell with nearest neighbour (contain, centred)', () => {
    // a 2x2 image with four colours, a 1x1 blue one, and a 4x2 one: all into 4x4 cells
    const quad: RGBAImage = {
      width: 2,
      height: 2,
      data: Uint8ClampedArray.of(255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 0, 255),
    };
    const wide = createImage(4, 2, [255, 0, 0]);
    const cellSize = { width: 4, height: 4 };
    const g = grid([quad, createImage(1, 1, [0, 0, 255]), wide], { padding: 0, background: [9, 9, 9], cellSize });
    expect([g.width, g.height]).toEqual([12, 4]);
    // quad enlarged 2x: each source pixel is a 2x2 block
    expect([rgb(g, 0, 0), rgb(g, 1, 1), rgb(g, 2, 0), rgb(g, 3, 1), rgb(g, 0, 2), rgb(g, 3, 3)]).toEqual([RED, RED, GREEN, GREEN, BLUE, [0, 0, 0]]);
    // the 1x1 image fills its whole cell
    for (let y = 0; y < 4; y++) for (let x = 4; x < 8; x++) expect(rgb(g, x, y)).toEqual(BLUE);
    // the 4x2 image keeps its aspect ratio: 4x2, centred vertically (rows 1..2), background above and below
    expect([rgb(g, 8, 0), rgb(g, 8, 1), rgb(g, 11, 2), rgb(g, 11, 3)]).toEqual([[9, 9, 9], RED, RED, [9, 9, 9]]);
    const L = gridLayout([quad, quad, wide], { padding: 0, cellSize });
    expect([L.cellWidth, L.cellHeight, L.width]).toEqual([4, 4, 12]);
  });

  it('cellSize also shrinks, and fit: stretch fills the cell exactly', () => {
    const big = createImage(8, 8, [0, 255, 0]);
    const g = grid([big, createImage(4, 2, [255, 0, 0])], { padding: 0, cellSize: { width: 2, height: 2 }, fit: 'stretch' });
    expect([g.width, g.height]).toEqual([4, 2]);
    expect([rgb(g, 0, 0), rgb(g, 1, 1)]).toEqual([GREEN, GREEN]);
    expect([rgb(g, 2, 0), rgb(g, 3, 0), rgb(g, 2, 1), rgb(g, 3, 1)]).toEqual([RED, RED, RED, RED]);
  });

  it('same-size images with cellSize equal to their size are drawn unchanged', () => {
    const a = grid(imgs, { columns: 2, padding: 1 });
    const b = grid(imgs, { columns: 2, padding: 1, cellSize: { width: 2, height: 2 } });
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
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
    expectVizError(() => grid(imgs, { cellSize: { width: 0, height: 2 } }), 'INVALID_ARGUMENT', 'grid: options.cellSize.width');
    expectVizError(() => grid(imgs, { cellSize: { width: 2, height: 1.5 } }), 'INVALID_ARGUMENT', 'options.cellSize.height');
    expectVizError(() => grid(imgs, { cellSize: 28 as never }), 'INVALID_ARGUMENT', 'options.cellSize must be { width, height }');
    expectVizError(() => grid(imgs, { cellSize: { width: 2, height: 2 }, fit: 'cover' as never }), 'INVALID_ARGUMENT', 'options.fit');
    expectVizError(() => grid(imgs, { fit: 'stretch' }), 'INVALID_ARGUMENT', 'options.fit needs options.cellSize');
  });
});
