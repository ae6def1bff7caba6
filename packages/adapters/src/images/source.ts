/**
 * Reading an image source's bytes in Node and in browsers (internal). Node's fs is imported dynamically through a
 * variable specifier, so browser bundlers neither resolve nor bundle it.
 */
import { GlassboxError, describe } from '@glassbox/tensors-ops';
import { toBytes } from './decode.js';

/** Where an image comes from: its bytes, a file path (Node), a URL (string or URL object), or a Blob / File. */
export type ImageSource = Uint8Array | ArrayBuffer | string | URL | Blob;

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === 'string';
}

function nodeImport<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}

/** A URL scheme of two letters or more (a one-letter "scheme" is a Windows drive, C:\...). */
const SCHEME = /^[a-z][a-z0-9+.-]+:/i;

async function readFile(path: string | URL, where: string, name: string): Promise<Uint8Array> {
  const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises');
  try {
    const buf = await fs.readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : String((e as Error)?.message ?? e);
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} ${JSON.stringify(String(path))} cannot be read: ${what}`, { cause: e });
  }
}

async function fetchBytes(url: string, where: string, name: string): Promise<Uint8Array> {
  const f = (globalThis as { fetch?: typeof fetch }).fetch;
  if (typeof f !== 'function') throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} is a URL but there is no fetch here; pass the bytes`);
  let res: Response;
  try {
    res = await f(url);
  } catch (e) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} ${JSON.stringify(url.length > 200 ? url.slice(0, 200) + '...' : url)} could not be fetched: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
  if (!res.ok) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} ${JSON.stringify(url.length > 200 ? url.slice(0, 200) + '...' : url)} answered HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Internal: the bytes behind a file path (Node; a string without a URL scheme, or a file: URL), a URL (fetched) or
 * a Blob, as they are (possibly empty); null for anything else. Shared by the image and the model loaders.
 */
export async function readSourceBytes(source: unknown, where: string, name: string): Promise<Uint8Array | null> {
  const BlobCtor = (globalThis as { Blob?: typeof Blob }).Blob;
  if (BlobCtor !== undefined && source instanceof BlobCtor) return new Uint8Array(await source.arrayBuffer());
  if (source instanceof URL || (typeof source === 'string' && source.length > 0)) {
    const text = String(source);
    const fileUrl = text.startsWith('file:');
    if (isNode() && (fileUrl || !SCHEME.test(text))) return readFile(fileUrl ? new URL(text) : text, where, name);
    return fetchBytes(text, where, name);
  }
  return null;
}

/** Whether a string names a file path here (Node, no URL scheme or a file: URL) rather than a URL to fetch. */
export function isFilePath(source: string): boolean {
  return isNode() && (source.startsWith('file:') || !SCHEME.test(source));
}

/**
 * Internal: the bytes of an image source. Bytes are taken as they are; a Blob is read; in Node a string without a
 * URL scheme (or a file: URL) is a file path, read with node:fs; any other string or URL (http:, https:, data:,
 * blob:, or a relative URL in a browser) is fetched.
 */
export async function readImageSource(source: unknown, where: string, name = 'source'): Promise<Uint8Array> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return toBytes(source, name, where);
  const bytes = await readSourceBytes(source, where, name);
  if (bytes !== null) return toBytes(bytes, name, where);
  throw new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: ${name} must be the image's bytes (Uint8Array, ArrayBuffer), a file path (Node), a URL or a Blob, got ${describe(source)}`,
  );
}
