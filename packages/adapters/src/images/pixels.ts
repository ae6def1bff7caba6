import { GlassboxError, describe } from '@glassbox/tensors-ops';

/** The typed arrays an image's samples may live in. */
export type PixelArray = Uint8Array | Uint8ClampedArray | Float32Array;

/**
 * An image (or a per-pixel map such as an attribution) as plain numbers: row-major, channel-last, so the
 * sample of channel c at column x of row y is `data[(y * width + x) * channels + c]`.
 *
 * `decodeImage` returns 8-bit RGB (`channels: 3`, values 0..255); `resize` returns float samples; viz's
 * `fromPixels(data, [height, width, channels], { maxValue: 255 })` draws one.
 */
export interface Pixels<T extends PixelArray = PixelArray> {
  width: number;
  height: number;
  channels: number;
  data: T;
}

/** A box inside an image, in its pixels: rows top..top+height-1, columns left..left+width-1. */
export interface Box {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** `[height, width]`, as TensorFlow.js orders image sizes. */
export type Size = readonly [height: number, width: number];

/** Internal: `value` must be a positive integer (argument `name` of `where`). */
export function checkPositiveInt(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/** Internal: a size given as a number (square) or `[height, width]`; returns `[height, width]`. */
export function checkSize(value: unknown, name: string, where: string): [number, number] {
  if (typeof value === 'number') {
    const s = checkPositiveInt(value, name, where);
    return [s, s];
  }
  if (!Array.isArray(value) || value.length !== 2 || !value.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be a positive integer or [height, width] of positive integers, got ${describe(value)}`,
    );
  }
  return [value[0] as number, value[1] as number];
}

/**
 * Internal: checks a Pixels argument (positive integer sizes, a Uint8Array, Uint8ClampedArray or Float32Array
 * of width * height * channels finite samples); returns it.
 */
export function checkPixels<T extends PixelArray = PixelArray>(value: unknown, name: string, where: string): Pixels<T> {
  if (value === null || typeof value !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be { width, height, channels, data }, got ${describe(value)}`);
  }
  const p = value as Partial<Pixels>;
  for (const key of ['width', 'height', 'channels'] as const) checkPositiveInt(p[key], `${name}.${key}`, where);
  const data = p.data;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray || data instanceof Float32Array)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name}.data must be a Uint8Array, Uint8ClampedArray or Float32Array, got ${describe(data)}`);
  }
  const n = p.width! * p.height! * p.channels!;
  if (data.length !== n) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name}.data has ${data.length} samples, expected width * height * channels = ${p.width} * ${p.height} * ${p.channels} = ${n}`,
    );
  }
  if (data instanceof Float32Array) {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(data[i]!)) {
        throw new GlassboxError('NON_FINITE', `${where}: ${name}.data must be finite, got ${describe(data[i])} at flat index ${i}`);
      }
    }
  }
  return value as Pixels<T>;
}
