import type { io } from '@tensorflow/tfjs-core';
import { GlassboxError, describe } from '../errors.js';
import { optionKeys } from '../contract/validate.js';
import {
  badWeights,
  checkByteLength,
  checkHashesAsync,
  checkManifest,
  checkRelativePath,
  decodeChecked,
  resolveDecodeOptions,
  type DecodeOptions,
} from './manifest.js';
import type { LoadedWeights, RawWeights } from './files.js';

/** Options of `loadWeightsFromUrl`. */
export interface UrlLoadOptions extends DecodeOptions {
  /** The fetch to use (default globalThis.fetch), e.g. one that adds headers or serves from a cache. */
  fetch?: typeof fetch;
  /** Passed to every fetch call (credentials, headers, signal, ...). */
  requestInit?: RequestInit;
}

/** The keys of UrlLoadOptions. */
export const URL_LOAD_OPTION_KEYS = optionKeys<UrlLoadOptions>({ maxElements: true, allowNonFinite: true, fetch: true, requestInit: true });

/** Resolves a manifest path against the URL of model.json (absolute, or relative to the page). */
export function resolveWeightUrl(path: string, modelUrl: string): string {
  try {
    return new URL(path, modelUrl).href;
  } catch {
    // modelUrl is relative: resolve against the page when there is one, else by string.
  }
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  if (typeof page === 'string') {
    try {
      return new URL(path, new URL(modelUrl, page)).href;
    } catch {
      // fall through
    }
  }
  const clean = modelUrl.split(/[?#]/)[0]!;
  const slash = clean.lastIndexOf('/');
  return (slash >= 0 ? clean.slice(0, slash + 1) : '') + path;
}

async function get(fetchFn: typeof fetch, url: string, init: RequestInit | undefined, where: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(url, init);
  } catch (e) {
    throw badWeights(where, `could not fetch ${url} (${(e as Error)?.message ?? String(e)})`, e);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw badWeights(where, `fetching ${url} failed with HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  }
  return res;
}

/** Fetches and checks model.json and its weights (not decoded). */
export async function fetchWeights(url: string, fetchFn: typeof fetch, init: RequestInit | undefined, maxElements: number, where: string): Promise<RawWeights> {
  const res = await get(fetchFn, url, init, where);
  let json: unknown;
  try {
    json = JSON.parse(await res.text());
  } catch (e) {
    throw badWeights(where, `${url} is not valid JSON (${(e as Error).message})`, e);
  }
  const manifest = checkManifest(json, where, maxElements);
  const data = new Uint8Array(manifest.totalBytes);
  let offset = 0;
  for (const [gi, g] of manifest.groups.entries()) {
    const urls = g.paths.map((p) => resolveWeightUrl(checkRelativePath(p, where), url));
    const responses = await Promise.all(urls.map((u) => get(fetchFn, u, init, where)));
    const what = `the weight file${g.paths.length === 1 ? '' : 's'} of weightsManifest[${gi}] (${g.paths.join(', ')})`;
    const lengths = responses.map((r) => r.headers?.get?.('content-length'));
    if (lengths.every((l) => l != null && /^\d+$/.test(l))) {
      const announced = lengths.reduce((a, l) => a + Number(l), 0);
      try {
        checkByteLength(manifest, announced, where, what, { offset: g.byteOffset, length: g.byteLength });
      } catch (e) {
        await Promise.all(responses.map((r) => r.body?.cancel().catch(() => undefined)));
        throw e;
      }
    }
    let groupBytes = 0;
    for (const [i, r] of responses.entries()) {
      const bytes = new Uint8Array(await r.arrayBuffer());
      if (groupBytes + bytes.byteLength > g.byteLength) {
        await Promise.all(responses.slice(i + 1).map((rest) => rest.body?.cancel().catch(() => undefined)));
        checkByteLength(manifest, groupBytes + bytes.byteLength, where, what, { offset: g.byteOffset, length: g.byteLength });
      }
      data.set(bytes, offset + groupBytes);
      groupBytes += bytes.byteLength;
    }
    checkByteLength(manifest, groupBytes, where, what, { offset: g.byteOffset, length: g.byteLength });
    offset += groupBytes;
  }
  return { modelJSON: json as io.ModelJSON, manifest, weightData: data.buffer };
}

/**
 * Loads weights in the TensorFlow.js format over HTTP (the browser's way; works in Node 18+ too): fetches
 * model.json, checks its manifest (including maxElements) before fetching any weights, then fetches the
 * weight files it lists, relative to model.json's URL, and checks their sizes exactly (against
 * Content-Length before reading the bodies, when the server sends it) and their SHA-256 when model.json gives it.
 *
 * @param url the URL of model.json (absolute, or relative to the page in a browser).
 * @param options `fetch` (default globalThis.fetch), `requestInit`, `maxElements` (default 50_000_000),
 *   `allowNonFinite` (default false).
 * @returns `{ modelJSON, weights }`; the caller owns the tensors.
 * @throws GlassboxError BAD_WEIGHTS (network error, HTTP status, bad JSON or manifest, sizes that do not
 *   match), INVALID_ARGUMENT (bad arguments, no fetch available); no tensor is left behind.
 *
 * @example
 * ```ts
 * const { modelJSON, weights } = await loadWeightsFromUrl('/models/mnist-cnn/model.json');
 * ```
 */
export async function loadWeightsFromUrl(url: string, options: UrlLoadOptions = {}): Promise<LoadedWeights> {
  const where = 'loadWeightsFromUrl';
  if (typeof url !== 'string' || url.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: url must be a non-empty string, got ${describe(url)}`);
  }
  const { maxElements, allowNonFinite } = resolveDecodeOptions(options, where, URL_LOAD_OPTION_KEYS);
  const fetchFn = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (typeof fetchFn !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.fetch must be a function (no global fetch here), got ${describe(fetchFn)}`);
  }
  const raw = await fetchWeights(url, fetchFn, options.requestInit, maxElements, where);
  await checkHashesAsync(raw.manifest, raw.weightData, where);
  return { modelJSON: raw.modelJSON, weights: decodeChecked(raw.manifest, raw.weightData, allowNonFinite, where, true) };
}
