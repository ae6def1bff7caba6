import { checkOptionKeys, declareOptionKeys, optionKeys } from '@glassbox/tensors-ops';
import { intOption, numberOption } from './internal/prepare.js';
import { checkImage, relabelConnected } from './internal/image.js';

export interface SlicOptions {
  /** Approximate number of superpixels, >= 1; default 50. */
  segments?: number;
  /**
   * Weight of spatial proximity against colour similarity, > 0; default 0.1 (for values in 0..1: one grid step
   * S of distance costs as much as a colour difference of 0.1). Larger: squarer, more regular segments.
   */
  compactness?: number;
  /** k-means iterations, >= 1; default 10. */
  iterations?: number;
  /** Segments smaller than this fraction of the average segment size are merged into a neighbour; default 0.25. */
  minSizeFactor?: number;
}

/** The keys of SlicOptions. */
export const SLIC_OPTION_KEYS = optionKeys<SlicOptions>({
  segments: true,
  compactness: true,
  iterations: true,
  minSizeFactor: true,
});

/**
 * SLIC superpixels: k-means clustering of the pixels in the joint space of colour and position, each centre
 * searching only a 2S x 2S window around itself (S = sqrt(h w / segments), the grid step), followed by a
 * connectivity pass. Segments follow edges in the image while staying compact; they are the usual
 * interpretable features for LIME and KernelSHAP on images.
 *
 *   D(p, k) = sqrt( ||colour_p - colour_k||^2 + (compactness * ||pos_p - pos_k|| / S)^2 )
 *
 * Centres start on a regular grid (moved to the lowest-gradient pixel of their 3 x 3 neighbourhood).
 *
 * Colour: an RGB image (3 channels, every value in [0, 1], as sRGB) is clustered in CIE Lab, as the paper does:
 * distances then follow perceived colour differences, so two colours of the same lightness but different hue
 * (which a grey image cannot tell apart) still make separate segments. The conversion is sRGB -> linear RGB ->
 * XYZ (D65) -> L*a*b*, and the three Lab values are divided by 100 (L* in 0..1), so that `compactness` keeps its
 * meaning: 0.1 makes one grid step cost as much as 10 Lab units (scikit-image's default compactness of 10 in
 * Lab). Other images (1 or 2 or 4+ channels, or 3 channels with values outside [0, 1], e.g. already normalised
 * with ImageNet's mean and std) are clustered on their channels as given. Pure and deterministic: no tensors,
 * no randomness.
 *
 * Paper: Achanta, Shaji, Smith, Lucchi, Fua & Susstrunk, "SLIC Superpixels Compared to State-of-the-Art
 * Superpixel Methods", IEEE TPAMI 2012 (no arXiv id).
 *
 * @param image Float32Array, row-major h x w x c (finite); RGB in [0, 1] is clustered in Lab (see above).
 * @param shape [h, w, c] (or [h, w] for one channel).
 * @param options `segments` (default 50), `compactness` (default 0.1), `iterations` (default 10),
 *   `minSizeFactor` (default 0.25).
 * @returns Int32Array of h * w labels (one per pixel), contiguous 0..M-1, each segment 4-connected. As a
 *   feature mask for a row [h, w, c]: `tf.tensor(labels, [1, h, w, 1], 'int32')`, or `segmentsToFeatureMask`.
 *
 * @example
 * ```ts
 * const labels = slic(pixels, [28, 28, 1], { segments: 25, compactness: 0.1 });
 * const mask = tf.tensor(labels, [1, 28, 28, 1], 'int32');
 * ```
 */
export function slic(image: Float32Array, shape: readonly number[], options: SlicOptions = {}): Int32Array {
  const where = 'slic';
  const [h, w, c] = checkImage(image, shape, where);
  options = checkOptionKeys<SlicOptions>(options, SLIC_OPTION_KEYS, where);
  const segments = intOption(options.segments, 'options.segments', where, 50);
  const compactness = numberOption(options.compactness, 'options.compactness', where, 0.1, { gt: 0 });
  const iterations = intOption(options.iterations, 'options.iterations', where, 10);
  const minSizeFactor = numberOption(options.minSizeFactor, 'options.minSizeFactor', where, 0.25, { min: 0, max: 1 });
  const size = h * w;
  // The values clustered: Lab / 100 for an sRGB image in [0, 1], the channels as given otherwise.
  const pixels: Float32Array | Float64Array = c === 3 && inUnitRange(image) ? labImage(image) : image;
  const k = Math.min(segments, size);
  const step = Math.sqrt(size / k);
  const ny = Math.max(1, Math.min(h, Math.round(h / step)));
  const nx = Math.max(1, Math.min(w, Math.round(k / ny)));
  const centres = ny * nx;
  const cy = new Float64Array(centres);
  const cx = new Float64Array(centres);
  const col = new Float64Array(centres * c);
  const at = (y: number, x: number, ch: number): number => pixels[(y * w + x) * c + ch]!;
  const gradient = (y: number, x: number): number => {
    const x0 = Math.max(0, x - 1);
    const x1 = Math.min(w - 1, x + 1);
    const y0 = Math.max(0, y - 1);
    const y1 = Math.min(h - 1, y + 1);
    let g = 0;
    for (let ch = 0; ch < c; ch++) g += (at(y, x1, ch) - at(y, x0, ch)) ** 2 + (at(y1, x, ch) - at(y0, x, ch)) ** 2;
    return g;
  };
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      const id = iy * nx + ix;
      // Cell centres in pixel coordinates; moved to the lowest-gradient pixel of the 3 x 3 neighbourhood
      // only when that is strictly lower than at the centre (so flat regions keep the exact grid).
      let fy = ((iy + 0.5) * h) / ny - 0.5;
      let fx = ((ix + 0.5) * w) / nx - 0.5;
      const oy = Math.round(fy);
      const ox = Math.round(fx);
      let by = oy;
      let bx = ox;
      let best = gradient(oy, ox);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const y = oy + dy;
          const x = ox + dx;
          if (y < 0 || y >= h || x < 0 || x >= w) continue;
          const g = gradient(y, x);
          if (g < best) {
            best = g;
            by = y;
            bx = x;
          }
        }
      }
      if (by !== oy || bx !== ox) {
        fy = by;
        fx = bx;
      }
      cy[id] = fy;
      cx[id] = fx;
      for (let ch = 0; ch < c; ch++) col[id * c + ch] = at(by, bx, ch);
    }
  }
  const sy = h / ny;
  const sx = w / nx;
  const s = Math.max(sy, sx);
  const spatial = (compactness / s) ** 2;
  const labels = new Int32Array(size).fill(-1);
  const dist = new Float64Array(size);
  const sumY = new Float64Array(centres);
  const sumX = new Float64Array(centres);
  const sumC = new Float64Array(centres * c);
  const cnt = new Float64Array(centres);
  for (let it = 0; it < iterations; it++) {
    dist.fill(Infinity);
    labels.fill(-1);
    for (let id = 0; id < centres; id++) {
      const y0 = Math.max(0, Math.floor(cy[id]! - s));
      const y1 = Math.min(h - 1, Math.ceil(cy[id]! + s));
      const x0 = Math.max(0, Math.floor(cx[id]! - s));
      const x1 = Math.min(w - 1, Math.ceil(cx[id]! + s));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const p = y * w + x;
          let dc = 0;
          for (let ch = 0; ch < c; ch++) dc += (pixels[p * c + ch]! - col[id * c + ch]!) ** 2;
          const d = dc + spatial * ((y - cy[id]!) ** 2 + (x - cx[id]!) ** 2);
          if (d < dist[p]!) {
            dist[p] = d;
            labels[p] = id;
          }
        }
      }
    }
    // Pixels outside every window (only with very uneven grids): the spatially nearest centre.
    for (let p = 0; p < size; p++) {
      if (labels[p]! >= 0) continue;
      const y = (p / w) | 0;
      const x = p - y * w;
      let best = Infinity;
      for (let id = 0; id < centres; id++) {
        const d = (y - cy[id]!) ** 2 + (x - cx[id]!) ** 2;
        if (d < best) (best = d), (labels[p] = id);
      }
    }
    sumY.fill(0);
    sumX.fill(0);
    sumC.fill(0);
    cnt.fill(0);
    for (let p = 0; p < size; p++) {
      const id = labels[p]!;
      const y = (p / w) | 0;
      sumY[id] += y;
      sumX[id] += p - y * w;
      for (let ch = 0; ch < c; ch++) sumC[id * c + ch] += pixels[p * c + ch]!;
      cnt[id]++;
    }
    for (let id = 0; id < centres; id++) {
      if (cnt[id] === 0) continue;
      cy[id] = sumY[id]! / cnt[id]!;
      cx[id] = sumX[id]! / cnt[id]!;
      for (let ch = 0; ch < c; ch++) col[id * c + ch] = sumC[id * c + ch]! / cnt[id]!;
    }
  }
  return relabelConnected(labels, h, w, Math.max(1, Math.floor((minSizeFactor * size) / centres)));
}
declareOptionKeys(slic, SLIC_OPTION_KEYS);

function inUnitRange(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) return false;
  }
  return true;
}

/** sRGB's transfer function undone: an encoded value in [0, 1] to linear light. */
function linear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** CIE Lab's f: the cube root, with a linear piece near 0. */
function labF(t: number): number {
  const d = 6 / 29;
  return t > d * d * d ? Math.cbrt(t) : t / (3 * d * d) + 4 / 29;
}

/**
 * CIE L*a*b* of an sRGB colour (r, g, b in [0, 1]), D65 white: sRGB -> linear RGB -> XYZ (IEC 61966-2-1 matrix)
 * -> L* = 116 f(Y / Yn) - 16, a* = 500 (f(X / Xn) - f(Y / Yn)), b* = 200 (f(Y / Yn) - f(Z / Zn)). White is
 * (100, 0, 0); L* runs 0..100.
 */
export function srgbToLab(r: number, g: number, b: number): [number, number, number] {
  const R = linear(r);
  const G = linear(g);
  const B = linear(b);
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const fy = labF(y);
  return [116 * fy - 16, 500 * (labF(x) - fy), 200 * (fy - labF(z))];
}

/** An h x w x 3 sRGB image in [0, 1] as Lab / 100. */
function labImage(image: Float32Array): Float64Array {
  const out = new Float64Array(image.length);
  for (let i = 0; i < image.length; i += 3) {
    const [l, a, b] = srgbToLab(image[i]!, image[i + 1]!, image[i + 2]!);
    out[i] = l / 100;
    out[i + 1] = a / 100;
    out[i + 2] = b / 100;
  }
  return out;
}
