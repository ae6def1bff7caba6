// Browser output: RGBAImage -> ImageData, and drawing onto a canvas. Structural types only, so this module
// imports nothing from the DOM and the package still loads in Node (where these functions explain what
// they need instead of failing on a missing global).
import { scaleImage, type RGBAImage } from './image.js';
import { checkImage, checkNumberInRange, checkOptions, describe, fail, optionKeys } from './validate.js';

/**
 * The browser's `ImageData` type when the DOM lib is loaded (so the result of `toImageData` can be passed to
 * `ctx.putImageData` without a cast), else a structural stand-in with the same fields.
 */
export type BrowserImageData = typeof globalThis extends { ImageData: { prototype: infer T } }
  ? T
  : RGBAImage & { readonly colorSpace?: string };

/**
 * The part of a 2D context (`CanvasRenderingContext2D`, `OffscreenCanvasRenderingContext2D`, node-canvas,
 * skia-canvas, a test fake) that `drawTo` uses.
 */
export interface CanvasContext2DLike {
  putImageData(imageData: BrowserImageData, dx: number, dy: number): void;
  drawImage(image: unknown, dx: number, dy: number, dw: number, dh: number): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  imageSmoothingEnabled: boolean;
}

/** Anything with a 2D context: an `HTMLCanvasElement`, an `OffscreenCanvas`, or a fake. */
export interface CanvasLike {
  getContext(contextId: '2d'): CanvasContext2DLike | null;
}

export interface DrawToOptions {
  /** Left edge in canvas pixels (an integer, may be negative: the image is clipped); default 0. */
  x?: number;
  /** Top edge in canvas pixels (an integer, may be negative); default 0. */
  y?: number;
  /** Enlargement, a positive number; default 1. Pixels stay crisp (nearest neighbour) at any scale. */
  scale?: number;
}

/** The keys of DrawToOptions. */
export const DRAW_TO_OPTION_KEYS = optionKeys<DrawToOptions>({ x: true, y: true, scale: true });

type ImageDataConstructor = new (data: Uint8ClampedArray, width: number, height: number) => BrowserImageData;
type HelperCanvas = { getContext(id: '2d'): CanvasContext2DLike | null };

function imageDataConstructor(fn: string): ImageDataConstructor {
  const ctor = (globalThis as { ImageData?: unknown }).ImageData;
  if (typeof ctor !== 'function') {
    fail(
      'INVALID_ARGUMENT',
      `${fn}: needs a browser or canvas environment with a global ImageData constructor, and this one has none ` +
        `(plain Node?). Use toPNG or toDataURL instead, or install one (e.g. globalThis.ImageData from node-canvas)`,
    );
  }
  return ctor as ImageDataConstructor;
}

/**
 * The image as a real browser `ImageData` (same RGBA layout, pixels copied), ready for
 * `ctx.putImageData(data, x, y)` or `createImageBitmap(data)`.
 *
 * Needs a global `ImageData` constructor (browsers, web workers, or Node with one installed, e.g. from
 * node-canvas); without one it throws a `VizError` with code `'INVALID_ARGUMENT'` saying so. In plain Node,
 * use `toPNG` / `toDataURL`.
 *
 * @example
 * ```ts
 * const { image } = heatmap(attr, [28, 28]);
 * canvas.getContext('2d')!.putImageData(toImageData(image), 0, 0);
 * ```
 */
export function toImageData(image: RGBAImage): BrowserImageData {
  const fn = 'toImageData';
  checkImage(fn, 'image', image);
  const ImageDataCtor = imageDataConstructor(fn);
  return new ImageDataCtor(new Uint8ClampedArray(image.data), image.width, image.height);
}

/**
 * Draws an image onto a canvas (`HTMLCanvasElement`, `OffscreenCanvas` or anything with
 * `getContext('2d')`), with its top-left corner at (x, y) and enlarged by `scale`.
 *
 * The image replaces the pixels it covers (alpha included, no blending), like `putImageData`, and stays
 * crisp at every scale:
 * - integer scale (1, 2, 3, ...): the image is enlarged with `scaleImage` and written with
 *   `ctx.putImageData(toImageData(...), x, y)`, which ignores the context's transform, clip and compositing;
 * - other scales (0.5, 2.5, ...): it is put on a helper canvas of its own size (an `OffscreenCanvas`, or a
 *   `<canvas>` from the target's document), the target rectangle is cleared and the helper drawn into it with
 *   `ctx.drawImage(helper, x, y, width * scale, height * scale)` and `imageSmoothingEnabled = false` (restored
 *   afterwards); here the context's transform applies.
 *
 * Needs a global `ImageData` (see `toImageData`). Throws a `VizError` when `canvas` has no `getContext`,
 * when it has no 2D context (a canvas already used for WebGL), or on bad options.
 *
 * @example
 * ```ts
 * const canvas = document.querySelector('canvas')!;
 * drawTo(canvas, heatmap(attr, [28, 28]).image, { scale: 4 });       // 112 x 112 at (0, 0)
 * drawTo(canvas, colorbar('RdBu_r', scale, { height: 112 }), { x: 120 });
 * ```
 */
export function drawTo(canvas: CanvasLike, image: RGBAImage, options: DrawToOptions = {}): void {
  const fn = 'drawTo';
  if (canvas === null || typeof canvas !== 'object' || typeof (canvas as Partial<CanvasLike>).getContext !== 'function') {
    fail('INVALID_ARGUMENT', `${fn}: canvas must be an HTMLCanvasElement or OffscreenCanvas (anything with getContext('2d')), got ${describe(canvas)}`);
  }
  checkImage(fn, 'image', image);
  checkOptions(fn, options, DRAW_TO_OPTION_KEYS);
  const x = checkInteger(fn, 'options.x', options.x ?? 0);
  const y = checkInteger(fn, 'options.y', options.y ?? 0);
  const scale = checkNumberInRange(fn, 'options.scale', options.scale ?? 1, 0, Infinity, { loOpen: true, hiOpen: true });
  const ImageDataCtor = imageDataConstructor(fn);
  const ctx = context2D(fn, 'canvas', canvas);

  if (Number.isInteger(scale)) {
    const big = scale === 1 ? image : scaleImage(image, scale);
    ctx.putImageData(new ImageDataCtor(new Uint8ClampedArray(big.data), big.width, big.height), x, y);
    return;
  }
  const helper = helperCanvas(fn, canvas, image.width, image.height, scale);
  context2D(fn, 'the helper canvas', helper).putImageData(
    new ImageDataCtor(new Uint8ClampedArray(image.data), image.width, image.height),
    0,
    0,
  );
  const dw = image.width * scale;
  const dh = image.height * scale;
  const smoothing = ctx.imageSmoothingEnabled;
  ctx.imageSmoothingEnabled = false;
  try {
    ctx.clearRect(x, y, dw, dh);
    ctx.drawImage(helper, x, y, dw, dh);
  } finally {
    ctx.imageSmoothingEnabled = smoothing;
  }
}

function checkInteger(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail('INVALID_ARGUMENT', `${fn}: ${name} must be an integer (canvas pixels), got ${describe(value)}`);
  }
  return value;
}

function context2D(fn: string, what: string, canvas: HelperCanvas): CanvasContext2DLike {
  const ctx = canvas.getContext('2d');
  if (ctx === null || typeof ctx !== 'object') {
    fail(
      'INVALID_ARGUMENT',
      `${fn}: ${what} has no 2D context (getContext('2d') returned ${describe(ctx)}; a canvas already used for WebGL cannot give one)`,
    );
  }
  return ctx;
}

/** A canvas of width x height for drawImage: an OffscreenCanvas if there is one, else a <canvas> of the target's document. */
function helperCanvas(fn: string, target: CanvasLike, width: number, height: number, scale: number): HelperCanvas {
  const Offscreen = (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas;
  if (typeof Offscreen === 'function') {
    return new (Offscreen as new (w: number, h: number) => HelperCanvas)(width, height);
  }
  const doc = (target as { ownerDocument?: { createElement?: unknown } }).ownerDocument;
  if (doc && typeof doc.createElement === 'function') {
    const el = (doc.createElement as (tag: string) => HelperCanvas & { width: number; height: number }).call(doc, 'canvas');
    el.width = width;
    el.height = height;
    return el;
  }
  return fail(
    'INVALID_ARGUMENT',
    `${fn}: options.scale is ${scale}; a non-integer scale needs a helper canvas (a global OffscreenCanvas or ` +
      `canvas.ownerDocument) and neither exists here, so use an integer scale`,
  );
}
