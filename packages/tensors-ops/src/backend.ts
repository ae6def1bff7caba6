import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { tf } from './tf.js';
import { GlassboxError, describe } from './errors.js';
import { checkOptionKeys, optionKeys } from './contract/option-keys.js';
import { bundledWasmPaths } from './wasm-paths.js';
import { withoutWasmGlueListeners } from './wasm-glue.js';
import { ensureOverrides } from './overrides.js';
import { guardStartedWasmBackend } from './wasm-memory.js';

export type BackendName = 'wasm' | 'cpu';

export interface BackendOptions {
  /** 'wasm' (default) or 'cpu'. When omitted, the environment variable GLASSBOX_BACKEND decides, then 'wasm'. */
  backend?: BackendName;
  /**
   * Threads for the WASM backend. Only the threaded WASM build (a browser page that is cross-origin isolated)
   * can use more than one; in Node the WASM backend runs on one thread. Default: tfjs-backend-wasm's own choice.
   * tfjs-backend-wasm never starts more than half of
   * `navigator.hardwareConcurrency` threads, whatever it is asked (it assumes two hyper-threads per core), so
   * on a 2-core machine it would use one; when more are asked, `initBackend` lifts that cap while the backend
   * starts (the page's navigator reports twice the threads asked for during the start). Must be set before the
   * WASM backend first starts; `info.threads` tells what it got.
   */
  threads?: number;
  /** Where the .wasm files are served from: a URL prefix ending in '/' or a map of file name to URL. */
  wasmPaths?: string | Record<string, string>;
  /** Fall back to 'cpu' with one warning line when WASM cannot start (default true); false throws instead. */
  fallback?: boolean;
  /** Where the fallback warning goes (default console.warn). */
  warn?: (message: string) => void;
}

/** The keys of BackendOptions. */
export const BACKEND_OPTION_KEYS = optionKeys<BackendOptions>({ backend: true, threads: true, wasmPaths: true, fallback: true, warn: true });

export interface BackendInfo {
  /** The backend that is active now. */
  backend: BackendName;
  /** Whether the WASM backend runs its SIMD build (false for cpu). */
  simd: boolean;
  /** Threads the active backend computes with. */
  threads: number;
  /** Why the requested backend is not the active one, when it fell back. */
  fallbackReason?: string;
}

let lastInfo: BackendInfo | null = null;
let wasmPathsSet = false;

const isNode = typeof process !== 'undefined' && process.versions?.node != null && typeof window === 'undefined';

function requestedBackend(options: BackendOptions): BackendName {
  if (options.backend !== undefined) {
    if (options.backend !== 'wasm' && options.backend !== 'cpu') {
      throw new GlassboxError('INVALID_ARGUMENT', `initBackend: options.backend must be 'wasm' or 'cpu', got ${describe(options.backend)}`);
    }
    return options.backend;
  }
  const env = isNode ? process.env.GLASSBOX_BACKEND : undefined;
  if (env !== undefined && env !== '') {
    if (env !== 'wasm' && env !== 'cpu') {
      throw new GlassboxError('INVALID_ARGUMENT', `initBackend: environment variable GLASSBOX_BACKEND must be 'wasm' or 'cpu', got ${describe(env)}`);
    }
    return env;
  }
  return 'wasm';
}

async function describeActive(reason?: string): Promise<BackendInfo> {
  const name = tf.getBackend() as BackendName;
  let simd = false;
  let threads = 1;
  if (name === 'wasm') {
    simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    threads = Math.max(1, getThreadsCount());
  }
  const info: BackendInfo = { backend: name, simd, threads };
  if (reason !== undefined) info.fallbackReason = reason;
  return info;
}

/**
 * Starts TensorFlow.js on WASM with SIMD (or on the backend asked for) and reports what is active.
 *
 * A failed `tf.setBackend('wasm')` resolves to false without throwing and can leave `tf.getBackend()` naming
 * 'wasm'; this function checks the result and falls back to 'cpu' explicitly, printing one warning line.
 *
 * In Node, the WASM backend's generated glue adds process-wide 'unhandledRejection' and 'uncaughtException'
 * listeners that rethrow (which ends the process with exit code 7, whatever handlers the program installed);
 * tensors-ops removes them as soon as the backend has started, so the host program keeps its own handling.
 *
 * @example
 * ```ts
 * import { initBackend } from '@glassbox/tensors-ops';
 * const info = await initBackend();           // { backend: 'wasm', simd: true, threads: 1 } in Node
 * ```
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  checkOptionKeys(options, BACKEND_OPTION_KEYS, 'initBackend');
  // Put back Glassbox's gradient and kernel fixes if an import since ours (tfjs-layers, say) replaced them.
  ensureOverrides();
  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1)) {
    throw new GlassboxError('INVALID_ARGUMENT', `initBackend: options.threads must be an integer >= 1, got ${describe(options.threads)}`);
  }
  const wanted = requestedBackend(options);
  const fallback = options.fallback ?? true;
  const warn = options.warn ?? ((m: string) => console.warn(m));

  if (wanted === 'cpu') {
    await tf.setBackend('cpu');
    await tf.ready();
    lastInfo = await describeActive();
    return lastInfo;
  }

  if (options.wasmPaths !== undefined) {
    setWasmPaths(options.wasmPaths);
    wasmPathsSet = true;
  } else if (!isNode && !wasmPathsSet) {
    setWasmPaths(bundledWasmPaths());
    wasmPathsSet = true;
  }
  if (options.threads !== undefined) setThreadsCount(options.threads);

  let ok = false;
  let reason = '';
  const restore = liftThreadCap(options.threads);
  try {
    // tf.ts wraps the backend's factory already; this also covers a 'wasm' backend registered another way.
    ok = await withoutWasmGlueListeners(() => tf.setBackend('wasm'));
    if (!ok) reason = 'tf.setBackend("wasm") returned false';
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
  } finally {
    restore();
  }
  if (ok && tf.getBackend() === 'wasm') {
    await tf.ready();
    guardStartedWasmBackend();
    lastInfo = await describeActive();
    return lastInfo;
  }
  if (!fallback) {
    throw new GlassboxError('BACKEND_UNAVAILABLE', `initBackend: the 'wasm' backend could not start (${reason}) and options.fallback is false`);
  }
  warn(`[glassbox] WASM backend unavailable (${reason}); falling back to the cpu backend.`);
  await tf.setBackend('cpu');
  await tf.ready();
  lastInfo = await describeActive(reason);
  return lastInfo;
}

/**
 * tfjs-backend-wasm sizes its thread pool as min(asked, floor(navigator.hardwareConcurrency / 2)), reading
 * navigator.hardwareConcurrency once, when the WASM module starts. When more threads are asked for in a
 * cross-origin isolated page, the navigator reports twice that number until the start is over (an own property
 * that shadows the prototype's getter, removed afterwards). Returns the function that restores it.
 */
function liftThreadCap(threads: number | undefined): () => void {
  const g = globalThis as { navigator?: { hardwareConcurrency?: number }; crossOriginIsolated?: boolean };
  const nav = g.navigator;
  const cores = nav?.hardwareConcurrency;
  if (isNode || threads === undefined || threads < 2 || nav == null || typeof cores !== 'number' || g.crossOriginIsolated !== true) return () => {};
  if (threads <= Math.floor(cores / 2)) return () => {};
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { value: threads * 2, configurable: true });
  } catch {
    return () => {}; // the backend keeps its cap; info.threads reports what it got
  }
  return () => {
    Reflect.deleteProperty(nav, 'hardwareConcurrency');
  };
}

/** What `initBackend` set up last, or null before the first call. */
export function backendInfo(): BackendInfo | null {
  return lastInfo === null ? null : { ...lastInfo };
}
