import { checkPixels, checkSize, type Pixels } from './pixels.js';

/** Source coordinates of each output row or column: index i0 = floor(src), i1 = min(i0 + 1, n - 1), weight f. */
function axis(n: number, out: number): { i0: Int32Array; i1: Int32Array; f: Float64Array } {
  const i0 = new Int32Array(out);
  const i1 = new Int32Array(out);
  const f = new Float64Array(out);
  const scale = n / out;
  for (let o = 0; o < out; o++) {
    const src = Math.min(n - 1, Math.max(0, (o + 0.5) * scale - 0.5));
    const lo = Math.floor(src);
    i0[o] = lo;
    i1[o] = Math.min(lo + 1, n - 1);
    f[o] = src - lo;
  }
  return { i0, i1, f };
}

/** Internal: bilinear resize of unchecked samples. */
export function resizeUnchecked(image: Pixels, height: number, width: number): Pixels<Float32Array> {
  const { width: w, channels: c, data } = image;
  const ys = axis(image.height, height);
  const xs = axis(w, width);
  const out = new Float32Array(height * width * c);
  for (let y = 0; y < height; y++) {
    const r0 = ys.i0[y]! * w;
    const r1 = ys.i1[y]! * w;
    const fy = ys.f[y]!;
    for (let x = 0; x < width; x++) {
      const a = (r0 + xs.i0[x]!) * c;
      const b = (r0 + xs.i1[x]!) * c;
      const d = (r1 + xs.i0[x]!) * c;
      const e = (r1 + xs.i1[x]!) * c;
      const fx = xs.f[x]!;
      const o = (y * width + x) * c;
      for (let ch = 0; ch < c; ch++) {
        const top = data[a + ch]! + fx * (data[b + ch]! - data[a + ch]!);
        const bottom = data[d + ch]! + fx * (data[e + ch]! - data[d + ch]!);
        out[o + ch] = top + fy * (bottom - top);
      }
    }
  }
  return { width, height, channels: c, data: out };
}

/**
 * Resizes an image (any number of channels) to `size` by bilinear interpolation, each output pixel reading the
 * four source pixels around its centre.
 *
 * With half-pixel centres (as `tf.image.resizeBilinear(x, size, false, true)`, PyTorch's
 * `interpolate(..., align_corners=False)` and OpenCV), output pixel (y, x) of an H x W image made from an
 * h x w one reads the source at
 *
 *   sy = (y + 0.5) * h / H - 0.5,   sx = (x + 0.5) * w / W - 0.5   (clamped to the image)
 *
 *   out = (1 - fy)(1 - fx) v[y0, x0] + (1 - fy) fx v[y0, x1] + fy (1 - fx) v[y1, x0] + fy fx v[y1, x1]
 *
 * with y0 = floor(sy), fy = sy - y0, y1 = min(y0 + 1, h - 1) (and the same for x). A constant image stays
 * constant and a linear ramp stays linear (away from the clamped border).
 *
 * No antialiasing: shrinking by more than 2x reads only some of the source pixels (fine detail can alias), unlike
 * PIL's or torchvision's antialiased resize; the numbers therefore differ a little from a Python pipeline that
 * resizes with antialiasing. Shrink in steps of at most 2x if that matters.
 *
 * @param image `{ width, height, channels, data }` (e.g. from `decodeImage`).
 * @param size the output size, `[height, width]` or one number for a square.
 * @returns a new image with float samples (a Float32Array; values stay in the input's range).
 * @example
 * ```ts
 * const small = resize(decodeImageSync(bytes), [224, 224]); // Float32Array samples in 0..255
 * ```
 */
export function resize(image: Pixels, size: number | readonly [number, number]): Pixels<Float32Array> {
  const where = 'resize';
  checkPixels(image, 'image', where);
  const [height, width] = checkSize(size, 'size', where);
  return resizeUnchecked(image, height, width);
}
