import { createRng, optionKeys } from '@glassbox/tensors-ops';
import { toImageSet } from './image-set.js';
import type { ImageArrays, ImageSet } from './types.js';
import { checkInt, checkNonNegative, checkOptionsObject, checkSeed } from './validate.js';

/** The labels of `shapes`: 0 square, 1 circle, 2 cross. */
export const SHAPE_CLASSES = ['square', 'circle', 'cross'] as const;

/** Options of `shapes` and `shapesArrays`. */
export interface ShapesOptions {
  /** Images, >= 1. Labels cycle 0, 1, 2, 0, ... so the classes are balanced. Required. */
  n: number;
  /** Height and width in pixels, >= 8. Default 28. */
  size?: number;
  /** Seed of every random draw (position and size of each shape, noise). Default 0. */
  seed?: number;
  /** Standard deviation of Gaussian pixel noise; values are clipped to 0..1. Default 0 (pixels exactly 0 or 1). */
  noise?: number;
}

/** The keys of ShapesOptions. */
export const SHAPES_OPTION_KEYS = optionKeys<ShapesOptions>({ n: true, size: true, seed: true, noise: true });

/**
 * The stroke of one shape (internal): is pixel centre (px, py) on the outline of a square, on a circle, or on
 * the two bars of a plus-shaped cross, of half-extent r around (cx, cy) with stroke width sw?
 */
function onShape(kind: number, px: number, py: number, cx: number, cy: number, r: number, sw: number): boolean {
  const dx = Math.abs(px - cx);
  const dy = Math.abs(py - cy);
  if (kind === 0) {
    const m = Math.max(dx, dy);
    return m <= r && m > r - sw;
  }
  if (kind === 1) {
    const dist = Math.hypot(dx, dy);
    return dist <= r && dist > r - sw;
  }
  return (dx <= sw / 2 && dy <= r) || (dy <= sw / 2 && dx <= r);
}

function shapesImpl(options: unknown, where: string): ImageArrays<Float32Array> {
  const o = checkOptionsObject<ShapesOptions>(options, where, false, SHAPES_OPTION_KEYS);
  const n = checkInt(o.n, 'options.n', where, 1);
  const size = checkInt(o.size, 'options.size', where, 8, 28, 4096);
  const seed = checkSeed(o.seed, where);
  const noise = checkNonNegative(o.noise, 'options.noise', where, 0);
  const rng = createRng(seed);
  const geometry = rng.fork(1);
  const pixelNoise = rng.fork(2);
  const sw = Math.max(1, Math.round(size / 14));
  const area = size * size;
  const images = new Float32Array(n * area);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const kind = i % 3;
    labels[i] = kind;
    const r = size * (0.2 + 0.15 * geometry.uniform());
    const lo = r + 0.5;
    const hi = size - r - 0.5;
    const cx = lo + (hi - lo) * geometry.uniform();
    const cy = lo + (hi - lo) * geometry.uniform();
    const base = i * area;
    for (let yy = 0; yy < size; yy++) {
      for (let xx = 0; xx < size; xx++) {
        let v = onShape(kind, xx + 0.5, yy + 0.5, cx, cy, r, sw) ? 1 : 0;
        if (noise > 0) v = Math.min(1, Math.max(0, v + noise * pixelNoise.normal()));
        images[base + yy * size + xx] = v;
      }
    }
  }
  return { images, labels, shape: [n, size, size, 1] };
}

/**
 * Small synthetic images of simple shapes, typed-array form: the outline of a square (label 0), a circle
 * (1), or a plus-shaped cross (2), white (1) on black (0), at a random position and size (half-extent 20-35%
 * of the image) with a stroke of max(1, round(size/14)) pixels. A quick, known-answer data set for
 * explainers: a cross is told apart by its centre, a square from a circle by its corners.
 *
 * @param options `n` (required, >= 1), `size` (>= 8, default 28), `seed` (default 0), `noise` (>= 0, default 0).
 * @returns `{ images: Float32Array (n*size*size) in 0..1, labels: Int32Array (n), shape: [n, size, size, 1] }`.
 * @throws GlassboxError INVALID_ARGUMENT naming the bad option.
 *
 * @example
 * ```ts
 * const { images, labels, shape } = shapesArrays({ n: 30, size: 16, seed: 2 });
 * ```
 */
export function shapesArrays(options: ShapesOptions): ImageArrays<Float32Array> {
  return shapesImpl(options, 'shapesArrays');
}

/**
 * Small synthetic shape images as a float32 tensor [n, size, size, 1]; see `shapesArrays`.
 * The caller owns `x` and disposes it.
 *
 * @example
 * ```ts
 * const { x, y } = shapes({ n: 30, seed: 2 }); // x: [30, 28, 28, 1], y: 0 square, 1 circle, 2 cross
 * x.dispose();
 * ```
 */
export function shapes(options: ShapesOptions): ImageSet {
  return toImageSet(shapesImpl(options, 'shapes'));
}
