/**
 * The image type every raster function of `@glassbox/viz` takes and returns: RGBA bytes, row-major,
 * 4 bytes per pixel, top-left first — the same layout as the browser's `ImageData`, so a canvas
 * `ImageData` is an `RGBAImage` and an `RGBAImage` can be drawn with `new ImageData(img.data, img.width)`.
 *
 * Pixel (x, y) channel c lives at `data[(y * width + x) * 4 + c]`.
 */
export interface RGBAImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}
