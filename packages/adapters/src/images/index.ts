// Images as users have them: decode, crop, resize, normalise, and map attributions back onto the photo.
export { decodeImage, decodeImageSync, hasCanvasDecoder, imageFormat, DECODE_IMAGE_OPTION_KEYS, type DecodeImageOptions, type ImageFormat, type RGB } from './decode.js';
export type { Box, PixelArray, Pixels, Size } from './pixels.js';
export { resize } from './resize.js';
export { centerCrop } from './crop.js';
export { PREPROCESS_PRESETS, PREPROCESS_SPEC_KEYS, preprocessPixels, type PreprocessPreset, type PreprocessSpec } from './preprocess.js';
export {
  checkImageSize,
  loadImage,
  prepareImage,
  LOAD_IMAGE_OPTION_KEYS,
  PREPARE_IMAGE_OPTION_KEYS,
  type ImageInfo,
  type LoadImageOptions,
  type LoadedImage,
  type PrepareImageOptions,
} from './load-image.js';
export { toOriginal, TO_ORIGINAL_OPTION_KEYS, type ToOriginalOptions } from './to-original.js';
export type { ImageSource } from './source.js';
