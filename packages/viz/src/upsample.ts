import { checkFinite, checkOneOf, checkOptions, checkShape2D, checkValues, describe, fail, optionKeys } from './validate.js';

export type UpsampleMethod = 'nearest' | 'bilinear';

export interface UpsampleOptions {
  /**
   * Bilinear only. false (default): half-pixel centres, src = (dst + 0.5) * in / out - 0.5 clamped to the
   * edges, as PyTorch `interpolate(..., align_corners=False)` (which Captum's Grad-CAM uses), OpenCV and
   * `tf.image.resizeBilinear(x, size, false, true)`. true: corner pixels align, src = dst * (in - 1) / (out - 1).
   */
  alignCorners?: boolean;
}

/** The keys of UpsampleOptions. */
export const UPSAMPLE_OPTION_KEYS = optionKeys<UpsampleOptions>({ alignCorners: true });

/**
 * Resizes a single-channel map `[h, w]` to `[H, W]`.
 *
 * Intuition: Grad-CAM yields a map at the resolution of a late conv layer (say 7x7); upsampling brings it
 * to the input size (28x28) so it can be overlaid. `'bilinear'` (default) gives a smooth map,
 * `'nearest'` keeps the blocks visible (src = floor(dst * in / out)). Works for downsampling too.
 *
 * Bilinear formula: with source coordinates (sy, sx), y0 = floor(sy), x0 = floor(sx), fy = sy - y0,
 * fx = sx - x0: out = (1-fy)(1-fx) v[y0,x0] + (1-fy) fx v[y0,x1] + fy (1-fx) v[y1,x0] + fy fx v[y1,x1],
 * with y1 = min(y0 + 1, h - 1), x1 = min(x0 + 1, w - 1).
 *
 * @example
 * ```ts
 * const cam = Float32Array.of(0, 1, 2, 3);            // 2x2
 * const big = upsample(cam, [2, 2], [4, 4], 'bilinear'); // rows of 4: [0, 0.25, 0.75, 1, ...]
 * ```
 */
export function upsample(
  values: ArrayLike<number>,
  from: readonly [number, number],
  to: readonly [number, number],
  method: UpsampleMethod = 'bilinear',
  options: UpsampleOptions = {},
): Float32Array {
  const fn = 'upsample';
  const [h, w] = checkShape2D(fn, 'from', from);
  const [H, W] = checkShape2D(fn, 'to', to);
  checkValues(fn, 'values', values, h * w, from);
  checkFinite(fn, 'values', values, from);
  checkOneOf(fn, 'method', method, ['nearest', 'bilinear']);
  checkOptions(fn, options, UPSAMPLE_OPTION_KEYS);
  const alignCorners = options.alignCorners ?? false;
  if (typeof alignCorners !== 'boolean') fail('INVALID_ARGUMENT', `${fn}: options.alignCorners must be a boolean, got ${describe(alignCorners)}`);

  const out = new Float32Array(H * W);
  if (method === 'nearest') {
    for (let y = 0; y < H; y++) {
      const sy = Math.min(h - 1, Math.floor((y * h) / H));
      for (let x = 0; x < W; x++) {
        out[y * W + x] = values[sy * w + Math.min(w - 1, Math.floor((x * w) / W))];
      }
    }
    return out;
  }
  const src = (d: number, n: number, N: number): number => {
    if (alignCorners) return N === 1 ? 0 : (d * (n - 1)) / (N - 1);
    return Math.min(n - 1, Math.max(0, ((d + 0.5) * n) / N - 0.5));
  };
  for (let y = 0; y < H; y++) {
    const sy = src(y, h, H);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = sy - y0;
    for (let x = 0; x < W; x++) {
      const sx = src(x, w, W);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = sx - x0;
      out[y * W + x] =
        (1 - fy) * (1 - fx) * values[y0 * w + x0] +
        (1 - fy) * fx * values[y0 * w + x1] +
        fy * (1 - fx) * values[y1 * w + x0] +
        fy * fx * values[y1 * w + x1];
    }
  }
  return out;
}
