import { GlassboxError, describe } from '@glassbox/tensors-ops';
import { checkPixels, checkSize, type Box, type PixelArray, type Pixels } from './pixels.js';

/** Internal: copies `box` out of an image (unchecked). */
export function cropUnchecked<T extends PixelArray>(image: Pixels<T>, box: Box): Pixels<T> {
  const { width: w, channels: c, data } = image;
  const Ctor = data.constructor as new (n: number) => T;
  const out = new Ctor(box.height * box.width * c);
  const row = box.width * c;
  for (let y = 0; y < box.height; y++) {
    const from = ((box.top + y) * w + box.left) * c;
    out.set(data.subarray(from, from + row), y * row);
  }
  return { width: box.width, height: box.height, channels: c, data: out };
}

/**
 * The centred box of `height` x `width` pixels in an image of `imageHeight` x `imageWidth`:
 * top = floor((imageHeight - height) / 2), left = floor((imageWidth - width) / 2) (an odd margin leaves its extra
 * pixel at the bottom or right).
 */
export function centerBox(imageHeight: number, imageWidth: number, height: number, width: number): Box {
  return { top: Math.floor((imageHeight - height) / 2), left: Math.floor((imageWidth - width) / 2), height, width };
}

/**
 * The largest centred box of an image with the aspect ratio of `size` (height : width): the box that a
 * resize to `size` can fill without stretching. Equivalent to resizing the shorter side and centre-cropping the
 * longer one, as torchvision's `Resize(s)` + `CenterCrop(s)` do.
 */
export function centerAspectBox(imageHeight: number, imageWidth: number, size: readonly [number, number]): Box {
  const [h, w] = size;
  let bh = imageHeight;
  let bw = imageWidth;
  // Compare imageHeight / imageWidth with h / w without division.
  if (imageHeight * w > h * imageWidth) bh = Math.min(imageHeight, Math.max(1, Math.round((imageWidth * h) / w)));
  else if (imageHeight * w < h * imageWidth) bw = Math.min(imageWidth, Math.max(1, Math.round((imageHeight * w) / h)));
  return centerBox(imageHeight, imageWidth, bh, bw);
}

/**
 * Cuts the middle `size` pixels out of an image, as torchvision's `CenterCrop` (without its padding of small
 * images): the box starts at top = floor((H - h) / 2), left = floor((W - w) / 2).
 *
 * @param image `{ width, height, channels, data }` (any channels, any sample array; the result has the same kind).
 * @param size `[height, width]` (or one number for a square), at most the image's size.
 * @returns the cropped copy.
 * @throws GlassboxError SHAPE_MISMATCH when the image is smaller than `size`.
 * @example
 * ```ts
 * const middle = centerCrop(resize(img, [256, 256]), [224, 224]);
 * ```
 */
export function centerCrop<T extends PixelArray>(image: Pixels<T>, size: number | readonly [number, number]): Pixels<T> {
  const where = 'centerCrop';
  checkPixels(image, 'image', where);
  const [h, w] = checkSize(size, 'size', where);
  if (h > image.height || w > image.width) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: size ${describe([h, w])} ([height, width]) does not fit in the image of ${image.height}x${image.width} (height x width); resize it first`,
    );
  }
  return cropUnchecked(image, centerBox(image.height, image.width, h, w));
}
