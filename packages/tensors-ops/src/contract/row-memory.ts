/**
 * How much memory one row costs a model call, measured: the automatic batch size of any model (a tfjs-layers or
 * graph model, a plain function), not only of the tensors-ops Sequential whose layer shapes can be added up.
 *
 * The probe runs the model on one row of x (forward and backward for the gradient methods, forward only for the
 * methods that only call the model) with TensorFlow.js's kernel profile switched on, and reads the peak of the
 * bytes held in tensors during the run above what was held before it: every activation the model keeps, the
 * gradients, the temporaries. That is the row's share of a batch (a batch of b rows holds about b times as much,
 * the weights aside). One probe per model, row shape, backend and kind of pass, remembered for later calls.
 *
 * The batch then stays within {@link MEASURED_BATCH_MEMORY_BUDGET}: 1 GiB of tensors per model call, a quarter of the
 * 4 GiB WASM heap. The rest is left for what the measure does not see: the model's weights and x, the explainer's
 * own buffers, the WASM backend's scratch buffers (XNNPACK's packed weights and indirection buffers; see
 * ../wasm-memory.ts, which keeps 256 MiB of the heap for them) and the heap's fragmentation.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { safeGrad } from './safe-grad.js';
import type { ForwardFn } from './types.js';
import { isTensor } from './validate.js';

/** Bytes of tensors one model call may hold when the batch size comes from a measured row: 1 GiB. */
export const MEASURED_BATCH_MEMORY_BUDGET = 1024 ** 3;

/** Which pass a batch loop runs: the model only ('forward'), or the model and its gradient ('gradients'). */
export type PassKind = 'forward' | 'gradients';

interface ProfileState {
  profiling: boolean;
  numBytes: number;
  activeProfile: { kernels: Array<{ totalBytesSnapshot: number }> } | null;
}

const remembered = new WeakMap<object, Map<string, number | null>>();

/**
 * Whether the engine can run an operation now without starting or waiting for a backend: one is active and no
 * backend's asynchronous start is pending (during one, tfjs-core throws "Backend '...' has not yet been initialized"
 * on every operation). Reads the engine's fields; never starts anything.
 */
function backendReady(): boolean {
  const e = tf.engine() as unknown as { pendingBackendInit?: unknown; backendInstance?: unknown };
  return e.pendingBackendInit == null && e.backendInstance != null;
}

/**
 * Peak bytes of tensors that one call of `forward` on `row` (a tensor [1, ...]) holds above what was held before:
 * for 'gradients', the model's forward and backward pass (the gradient of the sum of its outputs); for 'forward',
 * the forward pass. Null when it cannot be measured (the model fails on the row, returns something that is not a
 * tensor, the engine has no kernel profile, or no backend is ready: one is still starting). Synchronous; leaks
 * nothing; never throws.
 */
export function measureRowBytes(forward: ForwardFn, row: Tensor, kind: PassKind = 'gradients'): number | null {
  if (!backendReady()) return null;
  const state = (tf.engine() as unknown as { state?: ProfileState }).state;
  if (state == null || typeof state.numBytes !== 'number' || state.activeProfile == null || !Array.isArray(state.activeProfile.kernels)) return null;
  const profile = state.activeProfile;
  const wasProfiling = state.profiling;
  const kernels = profile.kernels;
  const from = wasProfiling ? kernels.length : 0;
  const env = tf.env();
  // The profile would otherwise read every kernel's output back to check it for NaN.
  const checking = env.getBool('CHECK_COMPUTATION_FOR_ERRORS');
  const start = state.numBytes;
  let peak = start;
  try {
    if (checking) env.set('CHECK_COMPUTATION_FOR_ERRORS', false);
    if (!wasProfiling) {
      profile.kernels = [];
      state.profiling = true;
    }
    tf.tidy(() => {
      if (kind === 'gradients') {
        safeGrad((p) => tf.sum(asTensor(forward(p))), row, 'measureRowBytes').dispose();
      } else {
        asTensor(forward(row));
      }
    });
    for (const k of profile.kernels.slice(from)) peak = Math.max(peak, k.totalBytesSnapshot);
  } catch {
    return null;
  } finally {
    if (!wasProfiling) {
      state.profiling = false;
      profile.kernels = kernels;
    }
    if (checking) env.set('CHECK_COMPUTATION_FOR_ERRORS', true);
  }
  return Math.max(0, peak - start);
}

function asTensor(y: unknown): Tensor {
  if (y instanceof Promise) {
    // An asynchronous model (ONNX): nothing to measure here; let its answer go.
    y.then((t: unknown) => (t as { dispose?: () => void } | null)?.dispose?.(), () => undefined);
    throw new Error('asynchronous model');
  }
  if (!isTensor(y)) throw new Error('not a tensor');
  return y;
}

/**
 * {@link measureRowBytes} on the first row of `x`, remembered per model (`key`: the object or function the caller
 * gave), row shape, backend and pass, so that later calls with the same model cost nothing.
 */
export function rememberedRowBytes(key: unknown, forward: ForwardFn, x: Tensor, kind: PassKind): number | null {
  const id = `${tf.getBackend()}|${x.shape.slice(1).join('x')}|${x.dtype}|${kind}`;
  const cacheable = key !== null && (typeof key === 'object' || typeof key === 'function');
  const known = cacheable ? remembered.get(key as object) : undefined;
  if (known?.has(id)) return known.get(id)!;
  let bytes: number | null = null;
  // Not ready (a backend is starting): nothing is measured, and nothing is remembered, so a later call measures.
  if (!backendReady()) return null;
  if ((x.shape[0] ?? 0) > 0 && !x.isDisposed) {
    const row = tf.slice(x, 0, 1);
    try {
      bytes = measureRowBytes(forward, row, kind);
    } finally {
      row.dispose();
    }
  }
  if (cacheable) {
    const map = known ?? new Map<string, number | null>();
    map.set(id, bytes);
    if (known === undefined) remembered.set(key as object, map);
  }
  return bytes;
}
