import { parseColor, type Color } from './color.js';
import {
  checkFinite,
  checkImage,
  checkNumberInRange,
  checkOptions,
  checkPositiveInt,
  checkShape2D,
  checkValues,
  describe,
  fail,
  fmtShape,
  optionKeys,
} from './validate.js';
import type { RGBAImage } from './rgba-image.js';

export type { RGBAImage } from './rgba-image.js';

/**
 * A new image filled with one colour (default opaque black).
 *
 * @example
 * ```ts
 * const white = createImage(28, 28, [255, 255, 255]);
 * ```
 */
export function createImage(width: number, height: number, color: Color = [0, 0, 0, 255]): RGBAImage {
  checkPositiveInt('createImage', 'width', width);
  checkPositiveInt('createImage', 'height', height);
  const [r, g, b, a] = parseColor('createImage', 'color', color);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
    data[i + 3] = a;
  }
  return { width, height, data };
}

/**
 * Grey values in 0..1 (black..white) to an opaque RGBA image. Values outside 0..1 are clamped; a NaN throws.
 *
 * Intuition: datasets hand out images as Float32Arrays in [0, 1]; this is the bridge to everything here
 * (overlay a heatmap on a digit, put digits in a grid).
 *
 * @param values Float32Array of height*width grey levels, row-major.
 * @param shape `[height, width]`.
 * @example
 * ```ts
 * const img = fromGray(new Float32Array(28 * 28).fill(0.5), [28, 28]); // mid grey
 * ```
 */
export function fromGray(values: ArrayLike<number>, shape: readonly [number, number]): RGBAImage {
  const fn = 'fromGray';
  const [h, w] = checkShape2D(fn, 'shape', shape);
  checkValues(fn, 'values', values, h * w, shape);
  checkFinite(fn, 'values', values, shape);
  const data = new Uint8ClampedArray(h * w * 4);
  for (let i = 0; i < h * w; i++) {
    const g = Math.round(Math.min(1, Math.max(0, values[i])) * 255);
    data[4 * i] = g;
    data[4 * i + 1] = g;
    data[4 * i + 2] = g;
    data[4 * i + 3] = 255;
  }
  return { width: w, height: h, data };
}

export interface FromPixelsOptions {
  /** The value that means full intensity: 1 for [0, 1] floats (default), 255 for byte-valued data. */
  maxValue?: number;
}

/** The keys of FromPixelsOptions. */
export const FROM_PIXELS_OPTION_KEYS = optionKeys<FromPixelsOptions>({ maxValue: true });

/**
 * Channel-last pixel values (`[h, w]`, `[h, w, 1]` grey, `[h, w, 3]` RGB or `[h, w, 4]` RGBA) in
 * 0..maxValue to an RGBA image. Values are scaled by 255 / maxValue and clamped; a NaN throws.
 *
 * @example
 * ```ts
 * const rgb = new Float32Array(32 * 32 * 3).fill(1); // white CIFAR-sized image in [0, 1]
 * const img = fromPixels(rgb, [32, 32, 3]);
 * ```
 */
export function fromPixels(
  values: ArrayLike<number>,
  shape: readonly number[],
  options: FromPixelsOptions = {},
): RGBAImage {
  const fn = 'fromPixels';
  checkOptions(fn, options, FROM_PIXELS_OPTION_KEYS);
  if (
    !Array.isArray(shape) ||
    (shape.length !== 2 && shape.length !== 3) ||
    !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)
  ) {
    fail('INVALID_ARGUMENT', `${fn}: shape must be [h, w] or [h, w, c] with positive integers, got ${Array.isArray(shape) ? fmtShape(shape) : describe(shape)}`);
  }
  const [h, w] = shape;
  const c = shape.length === 3 ? shape[2] : 1;
  if (c !== 1 && c !== 3 && c !== 4) {
    fail('INVALID_ARGUMENT', `${fn}: shape ${fmtShape(shape)} has ${c} channels, expected 1, 3 or 4`);
  }
  const maxValue = checkNumberInRange(fn, 'options.maxValue', options.maxValue ?? 1, 0, Infinity, { loOpen: true, hiOpen: true });
  checkValues(fn, 'values', values, h * w * c, shape);
  checkFinite(fn, 'values', values, shape);
  const k = 255 / maxValue;
  const data = new Uint8ClampedArray(h * w * 4);
  for (let i = 0; i < h * w; i++) {
    const o = 4 * i;
    if (c === 1) {
      const g = values[i] * k;
      data[o] = g;
      data[o + 1] = g;
      data[o + 2] = g;
      data[o + 3] = 255;
    } else {
      data[o] = values[c * i] * k;
      data[o + 1] = values[c * i + 1] * k;
      data[o + 2] = values[c * i + 2] * k;
      data[o + 3] = c === 4 ? values[c * i + 3] * k : 255;
    }
  }
  return { width: w, height: h, data };
}

/**
 * Enlarges an image by an integer factor with nearest-neighbour (each pixel becomes factor x factor),
 * so a 28x28 digit stays crisp when shown at 112x112.
 *
 * @example
 * ```ts
 * const big = scaleImage(fromGray(digit, [28, 28]), 4); // 112 x 112
 * ```
 */
export function scaleImage(image: RGBAImage, factor: number): RGBAImage {
  const fn = 'scaleImage';
  checkImage(fn, 'image', image);
  checkPositiveInt(fn, 'factor', factor);
  const W = image.width * factor;
  const H = image.height * factor;
  const data = new Uint8ClampedArray(W * H * 4);
  const src = image.data;
  for (let y = 0; y < H; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < W; x++) {
      const s = (sy * image.width + Math.floor(x / factor)) * 4;
      const d = (y * W + x) * 4;
      data[d] = src[s];
      data[d + 1] = src[s + 1];
      data[d + 2] = src[s + 2];
      data[d + 3] = src[s + 3];
    }
  }
  return { width: W, height: H, data };
}

/** Internal: a mutable image of one colour. */
export function filled(width: number, height: number, rgba: readonly [number, number, number, number]): RGBAImage {
  const data = new Uint8ClampedArray(width * height * 4);
  if (data.length === 0) return { width, height, data };
  data.set(rgba.slice(0, 4));
  // copy the filled prefix onto the rest, doubling it each time
  for (let n = 4; n < data.length; n *= 2) data.copyWithin(n, 0, Math.min(n, data.length - n));
  return { width, height, data };
}

/** Internal: draws `src` onto `dst` at (x, y) with source-over alpha compositing, clipped to `dst`. */
export function blit(dst: RGBAImage, src: RGBAImage, x0: number, y0: number): void {
  for (let sy = 0; sy < src.height; sy++) {
    const y = y0 + sy;
    if (y < 0 || y >= dst.height) continue;
    for (let sx = 0; sx < src.width; sx++) {
      const x = x0 + sx;
      if (x < 0 || x >= dst.width) continue;
      const s = (sy * src.width + sx) * 4;
      const d = (y * dst.width + x) * 4;
      blendPixel(dst.data, d, src.data[s], src.data[s + 1], src.data[s + 2], src.data[s + 3] / 255);
    }
  }
}

/** Internal: source-over of colour (r, g, b) with opacity a (0..1) onto dst at byte offset d. */
export function blendPixel(dst: Uint8ClampedArray, d: number, r: number, g: number, b: number, a: number): void {
  if (a >= 1) {
    dst[d] = r;
    dst[d + 1] = g;
    dst[d + 2] = b;
    dst[d + 3] = 255;
    return;
  }
  if (a <= 0) return;
  const da = dst[d + 3] / 255;
  const oa = a + da * (1 - a);
  dst[d] = (r * a + dst[d] * da * (1 - a)) / oa;
  dst[d + 1] = (g * a + dst[d + 1] * da * (1 - a)) / oa;
  dst[d + 2] = (b * a + dst[d + 2] * da * (1 - a)) / oa;
  dst[d + 3] = oa * 255;
}

/**
 * Internal: nearest-neighbour resize to width x height (src = floor(dst * in / out), as `upsample`'s
 * 'nearest'); returns the image itself when the size already matches.
 */
export function resizeNearest(image: RGBAImage, width: number, height: number): RGBAImage {
  if (image.width === width && image.height === height) return image;
  const data = new Uint8ClampedArray(width * height * 4);
  const src = image.data;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.floor((y * image.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(image.width - 1, Math.floor((x * image.width) / width));
      const s = (sy * image.width + sx) * 4;
      const d = (y * width + x) * 4;
      data[d] = src[s];
      data[d + 1] = src[s + 1];
      data[d + 2] = src[s + 2];
      data[d + 3] = src[s + 3];
    }
  }
  return { width, height, data };
}
