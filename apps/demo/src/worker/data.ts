// The backend and the digits: set-up on 'init', and test digits as data for baselines and batches.
import { initBackend, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { loadDigitsArrays } from '@glassbox/datasets';
import { PIXELS, SIZE } from '../protocol.js';
import type { BackendReport } from '../protocol.js';
import { post } from './post.js';
import { VIEWS } from './views.js';

export let backend: BackendReport | null = null;
/** The first test digits (uint8, [count * 784]) and their labels: the gallery, then data for baselines and batches. */
export let digits: { images: Uint8Array; labels: Int32Array; count: number } | null = null;
export const GALLERY = 40;

export async function init(requested: 'wasm' | 'cpu', threadsWanted: number | undefined, breakWasm: boolean): Promise<void> {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 1;
  // Threads need SharedArrayBuffer, i.e. a cross-origin isolated page (COOP + COEP headers).
  const threads = threadsWanted ?? (isolated ? Math.min(cores, 8) : 1);
  let warning: string | undefined;
  // initBackend lifts tfjs-backend-wasm's cap of hardwareConcurrency / 2 threads when more are asked for.
  const info = await initBackend({
    backend: requested,
    threads,
    // ?break-wasm: point the backend at files that do not exist, to show (and test) the cpu fallback.
    ...(breakWasm ? { wasmPaths: new URL('./no-such-wasm/', self.location.href).href } : {}),
    warn: (m: string) => {
      warning = m;
      console.warn(m);
    },
  });
  console.info(
    `[demo] backend ${info.backend}, simd ${info.simd}, threads ${info.threads} (asked ${threads}; ${cores} cores; cross-origin isolated ${isolated}; multithread support ${String(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))})`,
  );
  backend = {
    backend: info.backend,
    simd: info.simd,
    threads: info.threads,
    isolated,
    requested,
    ...(info.fallbackReason !== undefined ? { fallbackReason: info.fallbackReason } : warning !== undefined ? { fallbackReason: warning } : {}),
  };
  // 256 test digits in the split's fixed order (every digit several times): 40 for the gallery, the rest as
  // baselines (GradientSHAP) and batches (permutation, surrogate).
  const d = await loadDigitsArrays({ split: 'test', limit: 256, format: 'uint8' });
  digits = { images: d.images as Uint8Array, labels: d.labels, count: d.shape[0] };
  const gallery = { images: digits.images.slice(0, GALLERY * PIXELS), labels: digits.labels.slice(0, GALLERY), count: GALLERY };
  post({ type: 'ready', backend, gallery, methods: VIEWS }, [gallery.images.buffer, gallery.labels.buffer]);
}

/** n test digits after the gallery, as float32 [n, 28, 28, 1] in 0..1 (the caller disposes). */
export function dataRows(n: number): Tensor {
  if (digits === null) throw new Error('the digits are not loaded yet');
  const available = digits.count - GALLERY;
  const rows = Math.min(n, available);
  const out = new Float32Array(rows * PIXELS);
  const src = digits.images.subarray(GALLERY * PIXELS, (GALLERY + rows) * PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = src[i]! / 255;
  return tf.tensor4d(out, [rows, SIZE, SIZE, 1]);
}
