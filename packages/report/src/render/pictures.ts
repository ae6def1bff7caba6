import { fromPixels, heatmap, overlay, toDataURL, type RGBAImage } from '@glassbox/viz';
import type { ArrayData } from '../types.js';
import { escapeHtml, num } from './html.js';

/** How raw pixel values map to 0..1 for display. */
export interface DisplayRange {
  offset: number;
  scale: number;
}

/**
 * The display mapping of an image array: values already in [0, 1] as they are, values in [-1, 1] (tanh
 * generators) shifted to [0, 1], anything else stretched from its min..max.
 */
export function displayRange(a: ArrayData): DisplayRange {
  let min = Infinity;
  let max = -Infinity;
  for (const v0 of a.data) {
    const v = num(v0);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= max)) return { offset: 0, scale: 1 };
  if (min >= 0 && max <= 1) return { offset: 0, scale: 1 };
  if (min >= -1 && max <= 1) return { offset: 1, scale: 0.5 };
  return max > min ? { offset: -min, scale: 1 / (max - min) } : { offset: 0, scale: 1 };
}

/** Row i of an array [S, ...rowShape] as Float32Array, and the row's shape. */
export function rowOf(a: ArrayData, i: number): { values: Float32Array; shape: number[] } {
  const shape = a.shape.slice(1);
  const size = shape.reduce((p, q) => p * q, 1);
  const values = new Float32Array(size);
  for (let k = 0; k < size; k++) values[k] = num(a.data[i * size + k]);
  return { values, shape };
}

/** [H, W, C'] with C' in {1, 3, 4} for viz; other channel counts are averaged to grey. */
function imageShape(values: Float32Array, shape: number[]): { values: Float32Array; shape: number[] } {
  const h = shape[0]!;
  const w = shape[1]!;
  const c = shape.length >= 3 ? shape.slice(2).reduce((p, q) => p * q, 1) : 1;
  if (c === 1 || c === 3 || c === 4) return { values, shape: [h, w, c] };
  const grey = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += values[p * c + k]!;
    grey[p] = s / c;
  }
  return { values: grey, shape: [h, w, 1] };
}

/** An input or generated image (row i of a) as an RGBA image. */
export function pixelImage(a: ArrayData, i: number, range: DisplayRange): RGBAImage {
  const { values, shape } = rowOf(a, i);
  const v = values.map((x) => Math.min(1, Math.max(0, (x + range.offset) * range.scale)));
  const img = imageShape(v, shape);
  return fromPixels(img.values, img.shape);
}

/** An attribution map over a picture: signed maps in blue / red, magnitudes in the 'inferno' colours. */
export function mapOver(base: RGBAImage, values: Float32Array, shape: number[], signed: boolean): RGBAImage {
  const hs = shape.length >= 3 ? [shape[0]!, shape[1]!, shape.slice(2).reduce((p, q) => p * q, 1)] : [shape[0]!, shape[1]!];
  const heat = heatmap(values, hs, { mode: signed ? 'signed' : 'abs', nonFinite: 'zero', opacity: 'magnitude' });
  return overlay(base, heat, { alpha: 0.9, grayscale: true });
}

/** A region mask drawn in red over a picture. */
export function maskOver(base: RGBAImage, mask: ArrayData): RGBAImage {
  const shape = mask.shape;
  const values = Float32Array.from(mask.data, num);
  const hs = shape.length >= 3 ? [shape[0]!, shape[1]!, shape.slice(2).reduce((p, q) => p * q, 1)] : [shape[0]!, shape[1]!];
  const heat = heatmap(values, hs, { mode: 'positive', reduceChannels: 'mean', clip: { value: 1 }, opacity: 'magnitude' });
  return overlay(base, heat, { alpha: 0.55, grayscale: true });
}

/** Counts the pictures a page inlines (one <img> each). */
export class PictureCounter {
  count = 0;
}

/** An <img> with the picture inlined as a PNG data URL, enlarged (crisp pixels) to about 96 px. */
export function img(image: RGBAImage, alt: string, counter?: PictureCounter, target = 96): string {
  if (counter) counter.count++;
  const side = Math.max(image.width, image.height);
  const factor = side >= target ? 1 : Math.max(1, Math.round(target / side));
  return `<img class="pic" src="${toDataURL(image)}" alt="${escapeHtml(alt)}" width="${image.width * factor}" height="${image.height * factor}">`;
}
