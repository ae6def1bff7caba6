// Drawing on canvases with @glassbox/viz (plain typed arrays in, RGBA images out). Main thread only; no tensors.
import { barChart, boundaries, colorbar, drawTo, fromGray, grid, heatmap, lineChart, overlay, scaleImage } from '@glassbox/viz';
import type { HeatmapScale, NormalizeMode, RGBAImage } from '@glassbox/viz';
import { SIZE } from './protocol.js';
import type { Curve, Region } from './protocol.js';

export const SCALE = 5; // 28 px -> 140 px

function fit(canvas: HTMLCanvasElement, image: RGBAImage): void {
  if (canvas.width !== image.width) canvas.width = image.width;
  if (canvas.height !== image.height) canvas.height = image.height;
  drawTo(canvas, image);
}

export function clear(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
}

export function grayImage(pixels: ArrayLike<number>): RGBAImage {
  return fromGray(Float32Array.from(pixels, (v) => Math.min(1, Math.max(0, v))), [SIZE, SIZE]);
}

export function drawGray(canvas: HTMLCanvasElement, pixels: ArrayLike<number>): void {
  fit(canvas, scaleImage(grayImage(pixels), SCALE));
}

/** The region box, drawn over whatever the canvas shows. */
export function drawRegion(canvas: HTMLCanvasElement, r: Region): void {
  const ctx = canvas.getContext('2d');
  if (!ctx || (r.x0 === 0 && r.y0 === 0 && r.x1 === SIZE && r.y1 === SIZE)) return;
  const s = canvas.width / SIZE;
  ctx.save();
  ctx.strokeStyle = '#ffb000';
  ctx.lineWidth = 2;
  ctx.setLineDash([5, 3]);
  ctx.strokeRect(r.x0 * s + 1, r.y0 * s + 1, (r.x1 - r.x0) * s - 2, (r.y1 - r.y0) * s - 2);
  ctx.restore();
}

export interface HeatResult {
  scale: HeatmapScale;
}

/** The attribution as a heatmap, as an overlay on the explained image, and its colorbar. */
export function drawAttribution(
  canvases: { heatmap: HTMLCanvasElement; overlay: HTMLCanvasElement; colorbar: HTMLCanvasElement },
  attributions: Float32Array,
  image: ArrayLike<number>,
  mode: NormalizeMode,
  segments?: Int32Array,
): HeatResult {
  const shape = [SIZE, SIZE] as [number, number];
  const { image: heat, scale } = heatmap(attributions, shape, { mode, clip: { percentile: 99 }, nonFinite: 'zero' });
  fit(canvases.heatmap, scaleImage(heat, SCALE));
  const faded = heatmap(attributions, shape, { mode, clip: { percentile: 99 }, nonFinite: 'zero', opacity: 'magnitude' });
  let over = scaleImage(overlay(grayImage(image), faded.image, { alpha: 0.75 }), SCALE);
  if (segments !== undefined) {
    // Feature groups (grid cells, superpixels) drawn at the enlarged size so that their edges stay thin.
    const big = new Int32Array(SIZE * SCALE * SIZE * SCALE);
    for (let y = 0; y < SIZE * SCALE; y++) {
      for (let x = 0; x < SIZE * SCALE; x++) big[y * SIZE * SCALE + x] = segments[Math.floor(y / SCALE) * SIZE + Math.floor(x / SCALE)]!;
    }
    over = boundaries(over, big, { color: [255, 200, 0, 150] });
  }
  fit(canvases.overlay, over);
  fit(canvases.colorbar, colorbar(scale.colormap, scale, { height: SIZE * SCALE, width: 64 }));
  return { scale };
}

export function drawGallery(canvas: HTMLCanvasElement, images: Uint8Array, count: number, selected: number, columns = 10): void {
  const tiles: RGBAImage[] = [];
  for (let i = 0; i < count; i++) {
    const px = images.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
    const img = fromGray(Float32Array.from(px, (v) => v / 255), [SIZE, SIZE]);
    if (i === selected) {
      // A frame around the selected digit.
      for (let p = 0; p < SIZE; p++) {
        for (const [x, y] of [
          [p, 0],
          [p, SIZE - 1],
          [0, p],
          [SIZE - 1, p],
        ] as const) {
          const o = (y * SIZE + x) * 4;
          img.data[o] = 255;
          img.data[o + 1] = 176;
          img.data[o + 2] = 0;
        }
      }
    }
    tiles.push(img);
  }
  fit(canvas, grid(tiles, { columns, padding: 0, background: [0, 0, 0, 255] }));
}

/** Decoded images of a traversal, rows = dimensions, columns = values. */
export function drawTraversal(canvas: HTMLCanvasElement, traversal: Float32Array, dims: number[], values: number[]): void {
  const tiles: RGBAImage[] = [];
  for (let i = 0; i < dims.length * values.length; i++) tiles.push(scaleImage(grayImage(traversal.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE)), 2));
  // One label per image: the values above the first row.
  const labels = Array.from({ length: tiles.length }, (_, i) => (i < values.length ? (values[i]! > 0 ? `+${values[i]}` : `${values[i]}`) : undefined));
  fit(canvas, grid(tiles, { columns: values.length, padding: 2, labels, rowLabels: dims.map((d) => `Z${d}`), background: [255, 255, 255, 255] }));
}

/** One signed heatmap per latent dimension (d output / d z_k), a column that lines up with the traversal's rows. */
export function drawJacobian(canvas: HTMLCanvasElement, jacobian: Float32Array, dims: number[]): void {
  const tiles: RGBAImage[] = [];
  for (let i = 0; i < dims.length; i++) {
    const { image } = heatmap(jacobian.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE), [SIZE, SIZE], { mode: 'signed', nonFinite: 'zero' });
    tiles.push(scaleImage(image, 2));
  }
  const labels = tiles.map((_, i) => (i === 0 ? 'DX/DZ' : undefined));
  fit(canvas, grid(tiles, { columns: 1, padding: 2, labels, background: [255, 255, 255, 255] }));
}

/** A latent code as a small signed heatmap, laid out in a near-square grid (100 values: 10 x 10). */
export function drawCode(canvas: HTMLCanvasElement, z: Float32Array): void {
  const cols = Math.ceil(Math.sqrt(z.length));
  const rows = Math.ceil(z.length / cols);
  const values = new Float32Array(rows * cols);
  values.set(z);
  const { image } = heatmap(values, [rows, cols], { mode: 'signed', clip: { percentile: 100 } });
  const cell = Math.max(1, Math.floor((SIZE * SCALE) / Math.max(rows, cols)));
  fit(canvas, scaleImage(image, cell));
}

export function setSvg(container: HTMLElement, svg: string): void {
  // The SVG comes from @glassbox/viz, which escapes every text it writes; parse it as SVG, not as HTML.
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  container.replaceChildren(document.importNode(doc.documentElement, true));
}

/** How the deletion and insertion curves are normalised (@glassbox/metrics; b = the baseline): the chart's y axis. */
export const CURVE_AXIS = '(F − F(b)) / |F(x) − F(b)|';

/** The normalised deletion and insertion curves whose areas the metrics table shows, on one axis. */
export function curvesChart(deletion: Curve, insertion: Curve): string {
  const series = [
    { name: `deletion (AUC ${deletion.auc.toFixed(3)})`, x: deletion.fractions, y: deletion.curve, color: '#d62728' },
    ...(deletion.random ? [{ name: `deletion, random order (AUC ${deletion.randomAuc!.toFixed(3)})`, x: deletion.fractions, y: deletion.random, color: '#f4a6a6' }] : []),
    { name: `insertion (AUC ${insertion.auc.toFixed(3)})`, x: insertion.fractions, y: insertion.curve, color: '#1f77b4' },
    ...(insertion.random ? [{ name: `insertion, random order (AUC ${insertion.randomAuc!.toFixed(3)})`, x: insertion.fractions, y: insertion.random, color: '#a6c8ea' }] : []),
  ];
  return lineChart(series, { title: 'Deletion and insertion curves (normalised)', xLabel: 'fraction of pixels removed / inserted', yLabel: CURVE_AXIS, width: 440, height: 250 });
}

/**
 * The names of a latent code's entries: z0 .. z(d-1) for the code, then `class 0`, `class 1`, ... for the
 * one-hot class a conditional GAN's generator takes after it (`latentDim`: the code's length; default all).
 */
export function latentLabels(count: number, latentDim = count): string[] {
  return Array.from({ length: count }, (_, i) => (i < latentDim ? `z${i}` : `class ${i - latentDim}`));
}

export function latentChart(attributions: Float32Array, latentDim?: number): string {
  const labels = latentLabels(attributions.length, latentDim);
  return barChart(attributions, { labels, maxFeatures: 10, title: 'Latent attribution of the region (IG)', width: 320 });
}
