import { arrayData, sizeOf } from './arrays.js';
import type { ArrayData } from '../types.js';

/** A named region of an image and its mask over one output row (1 inside, 0 outside), channels included. */
export interface Region {
  name: string;
  mask: Float32Array;
  maskData: ArrayData;
}

/**
 * The four quadrants and the centre of an image row of shape [H, W] or [H, W, C] (what the report asks
 * "which inputs / latent dimensions made this part of the image" about). For odd sizes the middle row or
 * column belongs to the bottom / right half; an image 1 pixel high or wide has coinciding halves.
 */
export function imageRegions(rowShape: readonly number[]): Region[] {
  const h = rowShape[0]!;
  const w = rowShape[1]!;
  const c = rowShape.length >= 3 ? sizeOf(rowShape.slice(2)) : 1;
  const halfH = Math.max(1, Math.floor(h / 2));
  const halfW = Math.max(1, Math.floor(w / 2));
  const top: [number, number] = [0, halfH];
  const bottom: [number, number] = [h === 1 ? 0 : halfH, h];
  const left: [number, number] = [0, halfW];
  const right: [number, number] = [w === 1 ? 0 : halfW, w];
  const qh = Math.floor(h / 4);
  const qw = Math.floor(w / 4);
  const centreRows: [number, number] = [qh, Math.max(qh + 1, h - qh)];
  const centreCols: [number, number] = [qw, Math.max(qw + 1, w - qw)];
  const make = (name: string, rows: [number, number], cols: [number, number]): Region => {
    const mask = new Float32Array(h * w * c);
    for (let y = rows[0]; y < rows[1]; y++) {
      for (let x = cols[0]; x < cols[1]; x++) mask.fill(1, (y * w + x) * c, (y * w + x + 1) * c);
    }
    return { name, mask, maskData: arrayData(mask, rowShape) };
  };
  return [
    make('top-left', top, left),
    make('top-right', top, right),
    make('bottom-left', bottom, left),
    make('bottom-right', bottom, right),
    make('centre', centreRows, centreCols),
  ];
}

/**
 * A feature mask that groups the channels of each pixel (one group per pixel), for deletion / insertion
 * curves and infidelity on images; for [H, W] rows (or one channel) every element is its own group.
 */
export function pixelGroups(rowShape: readonly number[]): Int32Array {
  const h = rowShape[0]!;
  const w = rowShape[1]!;
  const c = rowShape.length >= 3 ? sizeOf(rowShape.slice(2)) : 1;
  const out = new Int32Array(h * w * c);
  for (let p = 0; p < h * w; p++) out.fill(p, p * c, (p + 1) * c);
  return out;
}

/** Grid patches (cells x cells) repeated over the channels: the KernelSHAP features of an image. */
export function patchGroups(rowShape: readonly number[], cells: number): Int32Array {
  const h = rowShape[0]!;
  const w = rowShape[1]!;
  const c = rowShape.length >= 3 ? sizeOf(rowShape.slice(2)) : 1;
  const rows = Math.min(cells, h);
  const cols = Math.min(cells, w);
  const out = new Int32Array(h * w * c);
  for (let y = 0; y < h; y++) {
    const r = Math.floor((y * rows) / h);
    for (let x = 0; x < w; x++) {
      const label = r * cols + Math.floor((x * cols) / w);
      out.fill(label, (y * w + x) * c, (y * w + x + 1) * c);
    }
  }
  return out;
}
