import { GlassboxError, checkOptionKeys, describe, optionKeys, tf } from '@glassbox/tensors-ops';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { centerAspectBox, centerBox, cropUnchecked } from './crop.js';
import { decodeWith, type DecodeImageOptions } from './decode.js';
import { checkPixels, checkSize, type Box, type Pixels } from './pixels.js';
import { preprocessUnchecked, resolvePreprocess, type PreprocessPreset, type PreprocessSpec } from './preprocess.js';
import { resizeUnchecked } from './resize.js';
import { readImageSource, type ImageSource } from './source.js';

export interface PrepareImageOptions {
  /**
   * How the model's training images were normalised (required: there is no safe default): `'0-1'`, `'-1-1'`,
   * `'imagenet'`, `'caffe-bgr'` or `{ scale?, mean?, std?, order? }` (see `PreprocessSpec`).
   */
  preprocess: PreprocessPreset | Partial<PreprocessSpec>;
  /** The model's input size, `[height, width]` or one number for a square; default the (cropped) image's own size. */
  size?: number | readonly [number, number];
  /**
   * `'none'` (default): the whole image is used (resized to `size`, so a different aspect ratio stretches it, as
   * Keras' `load_img(target_size=...)` does). `'center'`: the middle of the image, the largest centred box with the
   * aspect ratio of `size` (torchvision's `Resize` + `CenterCrop`), or, with `resize: false`, exactly `size` pixels
   * from the middle. Needs `size`.
   */
  crop?: 'center' | 'none';
  /**
   * true (default): the (cropped) image is resized to `size` by bilinear interpolation (see `resize`: no
   * antialiasing). false: never resized; an image (or centre crop) that is not `size` is refused with
   * SHAPE_MISMATCH, so that a model never sees a silently rescaled picture.
   */
  resize?: boolean;
}

/** The keys of PrepareImageOptions. */
export const PREPARE_IMAGE_OPTION_KEYS = optionKeys<PrepareImageOptions>({ preprocess: true, size: true, crop: true, resize: true });

export interface LoadImageOptions extends PrepareImageOptions, DecodeImageOptions {}

/** The keys of LoadImageOptions. */
export const LOAD_IMAGE_OPTION_KEYS = optionKeys<LoadImageOptions>({ preprocess: true, size: true, crop: true, resize: true, background: true, decoder: true });

/** What `loadImage` / `prepareImage` did, to draw on the original picture and to map attributions back (`toOriginal`). */
export interface ImageInfo {
  /** The decoded image as the user has it: 8-bit RGB (`channels: 3`), full size. */
  original: Pixels<Uint8Array>;
  /** The box of the original that the model sees (the whole image unless cropped), in original pixels. */
  crop: Box;
  /** The model input's `[height, width]` (the shape of `x` is [1, height, width, 3]). */
  size: [number, number];
  /** Whether the crop box was resized to `size` (false when it already had that size). */
  resized: boolean;
  /** The normalisation applied, as a spec. */
  preprocess: PreprocessSpec;
}

/** An image ready for a model: the input tensor and what was done to get it. */
export interface LoadedImage {
  /** float32 NHWC [1, height, width, 3]; the caller owns it and disposes it. */
  x: Tensor4D;
  info: ImageInfo;
}

function sizeText([h, w]: readonly [number, number]): string {
  return `${h}x${w} (height x width)`;
}

/**
 * Checks that an image has the size a model takes, without resizing anything.
 *
 * @param image `{ width, height, ... }` (Pixels), or an NHWC tensor [N, H, W, C] / [H, W, C].
 * @param size the model's input `[height, width]`, or one number for a square.
 * @param name how the image is called in the message (default 'image').
 * @throws GlassboxError SHAPE_MISMATCH naming both sizes and the way out (resize or crop); INVALID_ARGUMENT for
 *   an argument that is neither.
 * @example
 * ```ts
 * checkImageSize(decodeImageSync(bytes), [224, 224]); // throws unless the file is 224 x 224
 * ```
 */
export function checkImageSize(image: Pixels | Tensor | { width: number; height: number }, size: number | readonly [number, number], name = 'image'): void {
  const where = 'checkImageSize';
  const want = checkSize(size, 'size', where);
  let have: [number, number];
  const t = image as Tensor;
  if (t !== null && typeof t === 'object' && Array.isArray(t.shape) && (t.shape.length === 3 || t.shape.length === 4)) {
    have = t.shape.length === 4 ? [t.shape[1]!, t.shape[2]!] : [t.shape[0]!, t.shape[1]!];
  } else if (image !== null && typeof image === 'object' && Number.isInteger((image as Pixels).width) && Number.isInteger((image as Pixels).height)) {
    have = [(image as Pixels).height, (image as Pixels).width];
  } else {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an image { width, height, ... } or an NHWC tensor, got ${describe(image)}`);
  }
  if (have[0] !== want[0] || have[1] !== want[1]) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name} is ${sizeText(have)}, the model takes ${sizeText(want)}; resize it (loadImage's size with resize: true) or crop it`,
    );
  }
}

/** Internal: prepareImage with the caller's name. */
function prepare(image: Pixels<Uint8Array>, o: LoadImageOptions, where: string): LoadedImage {
  const spec = resolvePreprocess(o.preprocess, 'options.preprocess', where);
  const crop = o.crop ?? 'none';
  if (crop !== 'none' && crop !== 'center') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.crop must be 'center' or 'none', got ${describe(crop)}`);
  }
  const resize = o.resize ?? true;
  if (typeof resize !== 'boolean') throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.resize must be true or false, got ${describe(resize)}`);
  const size = o.size === undefined ? undefined : checkSize(o.size, 'options.size', where);
  if (crop === 'center' && size === undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.crop 'center' needs options.size (the model's input size)`);
  }
  const H = image.height;
  const W = image.width;
  let box: Box = { top: 0, left: 0, height: H, width: W };
  if (size !== undefined) {
    if (!resize) {
      if (crop === 'center') {
        if (size[0] > H || size[1] > W) {
          throw new GlassboxError(
            'SHAPE_MISMATCH',
            `${where}: the image is ${sizeText([H, W])}, smaller than options.size ${sizeText(size)}, and options.resize is false; allow a resize (resize: true)`,
          );
        }
        box = centerBox(H, W, size[0], size[1]);
      } else if (size[0] !== H || size[1] !== W) {
        throw new GlassboxError(
          'SHAPE_MISMATCH',
          `${where}: the image is ${sizeText([H, W])}, options.size is ${sizeText(size)} and options.resize is false; ` +
            `allow a resize (resize: true), cut the middle (crop: 'center'), or pass an image of that size`,
        );
      }
    } else if (crop === 'center') {
      box = centerAspectBox(H, W, size);
    }
  }
  const out = size ?? [box.height, box.width];
  const whole = box.top === 0 && box.left === 0 && box.height === H && box.width === W;
  const cropped = whole ? image : cropUnchecked(image, box);
  const resized = cropped.height !== out[0] || cropped.width !== out[1];
  const samples = resized ? resizeUnchecked(cropped, out[0], out[1]).data : cropped.data;
  const data = preprocessUnchecked(samples, spec);
  // The only tensor: made last, after every check.
  const x = tf.tensor4d(data, [1, out[0], out[1], 3], 'float32');
  return { x, info: { original: image, crop: box, size: [out[0], out[1]], resized, preprocess: spec } };
}

/**
 * Turns decoded RGB pixels into a model input: crop (optional), resize (bilinear), normalise, and a float32 NHWC
 * tensor [1, height, width, 3], with an `info` that says what was done (for overlays and `toOriginal`).
 *
 * @param image 8-bit RGB `{ width, height, channels: 3, data }` (from `decodeImage`, or a canvas' pixels with the
 *   alpha dropped).
 * @param options `preprocess` (required), `size`, `crop` ('none' | 'center', default 'none'), `resize` (default
 *   true); see `PrepareImageOptions`.
 * @returns `{ x, info }`; the caller disposes `x`.
 * @throws GlassboxError INVALID_ARGUMENT for a bad option (a missing or unknown preprocess, a typo in a key);
 *   SHAPE_MISMATCH when `resize: false` and the image does not have `size`.
 * @example
 * ```ts
 * const { x, info } = prepareImage(decodeImageSync(bytes), { size: 224, crop: 'center', preprocess: 'imagenet' });
 * ```
 */
export function prepareImage(image: Pixels<Uint8Array>, options: PrepareImageOptions): LoadedImage {
  const where = 'prepareImage';
  const o = checkOptionKeys<PrepareImageOptions>(options, PREPARE_IMAGE_OPTION_KEYS, where);
  checkPixels(image, 'image', where);
  if (image.channels !== 3) throw new GlassboxError('SHAPE_MISMATCH', `${where}: image must have 3 channels (RGB), got ${image.channels}`);
  return prepare(image, o, where);
}

/**
 * Loads an image as users have it (a PNG or JPEG file, its bytes, a URL, a Blob) and makes it a model input:
 * decode (see `decodeImage`: 8-bit RGB, grey expanded, transparency composited on white), crop, resize, normalise,
 * and a float32 NHWC tensor [1, height, width, 3]. `info` keeps the decoded original and the crop box, so the
 * attribution of `x` can be drawn on the photo (`toOriginal`, then viz's `heatmap` and `overlay`).
 *
 * @param source the bytes (Uint8Array, Buffer, ArrayBuffer), a file path or file: URL (Node), an http(s), data: or
 *   blob: URL (string or URL object), or a Blob / File (browsers).
 * @param options `preprocess` (required: '0-1' | '-1-1' | 'imagenet' | 'caffe-bgr' | a spec), `size` (the model's
 *   input [height, width]; default the image's own), `crop` ('none' | 'center', default 'none'), `resize` (default
 *   true), `background` (default white), `decoder` ('auto' | 'js' | 'canvas', default 'auto').
 * @returns `{ x, info }`; the caller disposes `x`.
 * @throws GlassboxError INVALID_ARGUMENT when the source cannot be read or is not a PNG/JPEG (or is truncated), or
 *   for a bad option; SHAPE_MISMATCH when `resize: false` and the image does not have `size`. Nothing is left
 *   allocated on failure.
 * @example
 * ```ts
 * const { x, info } = await loadImage('cat.jpg', { size: 224, crop: 'center', preprocess: 'imagenet' });
 * const { attributions } = await occlusion(model, x, { target: 281, window: [16, 16, 3], strides: [8, 8, 3] });
 * const onPhoto = toOriginal(attributions, info); // [1, photoHeight, photoWidth, 3]
 * ```
 */
export async function loadImage(source: ImageSource, options: LoadImageOptions): Promise<LoadedImage> {
  const where = 'loadImage';
  const o = checkOptionKeys<LoadImageOptions>(options, LOAD_IMAGE_OPTION_KEYS, where);
  // Options are checked before anything is read: a typo costs no file read or decode.
  resolvePreprocess(o.preprocess, 'options.preprocess', where);
  if (o.size !== undefined) checkSize(o.size, 'options.size', where);
  const bytes = await readImageSource(source, where);
  const decoded = await decodeWith(bytes, { background: o.background, decoder: o.decoder }, where, 'source');
  return prepare(decoded, o, where);
}
