/**
 * Out-of-memory safety on the WASM backend.
 *
 * The WASM backend computes in one linear memory that grows up to 4 GB (65535 pages of 64 KiB). What tfjs-backend-wasm
 * 4.22 does when it is full is worse than an error:
 *  - a tensor allocation (`BackendWasm.move`) takes `_malloc`'s 0 (allocation failed) as an address and writes the
 *    tensor over the start of the heap: the module's own data. The next op fails with `RuntimeError: memory access
 *    out of bounds`, and so does every op after it, dispose included: the backend is dead;
 *  - a request of 4 GB or more wraps around in the 32-bit `_malloc` argument: a small block is allocated and the
 *    kernel then writes past it (or throws `RangeError: Invalid typed array length`, leaking the block);
 *  - an allocation made inside a kernel by the C++ code (XNNPACK's buffers) that fails calls `abort()`: every later
 *    call throws `RuntimeError: Aborted()`.
 *
 * What Glassbox does about it:
 *  1. {@link guardWasmHeap} wraps the backend's `_malloc` so that a failed tensor allocation throws a
 *     GlassboxError 'OUT_OF_MEMORY' before anything is written: the op fails cleanly and the backend stays usable.
 *     It also keeps {@link WASM_HEAP_HEADROOM} bytes allocatable for the backend's own buffers: once the heap has
 *     grown to within that distance of its maximum, a tensor allocation that would leave less than that free is
 *     refused too, so the C++ code does not run out (and abort) first. Installed on every WASM backend Glassbox
 *     sees start (../tf.ts wraps the backend factory; `initBackend` and ../overrides.ts check the active one).
 *  2. {@link outOfMemoryError}, called by the batch loop every explainer runs through (`forEachBatch`), turns an
 *     out-of-memory failure of a batch into a GlassboxError 'OUT_OF_MEMORY' naming the batch size that failed and
 *     a smaller one to try. When the failure was not a clean one (a raw RuntimeError / Aborted() from the module),
 *     it checks the backend with a small computation of known result; a dead WASM backend is re-created
 *     ({@link recreateWasmBackend}) and the error is 'BACKEND_UNAVAILABLE' (tensors made before, the model's
 *     weights included, lived on the dead backend and must be made again).
 */
import { conv2d, engine, matMul, ones, registerBackend, removeBackend, setBackend, tensor2d, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
import { GlassboxError, isGlassboxError } from './errors.js';

/** Largest WASM heap: 65535 pages of 64 KiB (just under 4 GiB). */
export const WASM_HEAP_MAX = 65535 * 65536;
/** Bytes kept allocatable for the WASM backend's own (C++) buffers once the heap nears its maximum: 256 MiB. */
export const WASM_HEAP_HEADROOM = 256 * 1024 * 1024;

interface EmscriptenModule {
  _malloc: (bytes: number) => number;
  _free: (ptr: number) => void;
  HEAPU8: Uint8Array;
  asm?: { malloc?: (bytes: number) => number; free?: (ptr: number) => void };
}

const GUARDED: unique symbol = Symbol.for('glassbox.wasmHeapGuarded') as never;

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

function allocationError(bytes: number, heap: number): GlassboxError {
  return new GlassboxError(
    'OUT_OF_MEMORY',
    `the wasm backend cannot allocate ${formatBytes(bytes)} for a tensor: its heap (now ${formatBytes(heap)}) can grow to ` +
      `${formatBytes(WASM_HEAP_MAX)}, of which ${formatBytes(WASM_HEAP_HEADROOM)} stay free for the backend's own buffers`,
  );
}

/**
 * Makes the WASM backend's tensor allocations fail with a GlassboxError 'OUT_OF_MEMORY' instead of corrupting its
 * heap (see the module comment). `backend` is a tfjs-backend-wasm backend (anything with a `wasm` Emscripten module);
 * anything else is left alone. Idempotent. Returns whether the backend is guarded now.
 */
export function guardWasmHeap(backend: unknown): boolean {
  const wasm = (backend as { wasm?: EmscriptenModule | null } | null)?.wasm;
  if (wasm == null || typeof wasm._malloc !== 'function' || !(wasm.HEAPU8 instanceof Uint8Array)) return false;
  const marked = wasm as unknown as { [GUARDED]?: true };
  if (marked[GUARDED] === true) return true;
  // The exports themselves: Emscripten's `Module._malloc` is a stub that replaces itself with the export on its first
  // call, which would also replace this wrapper.
  const malloc = wasm.asm?.malloc ?? wasm._malloc;
  const free = wasm.asm?.free ?? wasm._free;
  const limit = WASM_HEAP_MAX - WASM_HEAP_HEADROOM;
  wasm._malloc = (bytes: number): number => {
    if (bytes > limit) throw allocationError(bytes, wasm.HEAPU8.length);
    const ptr = malloc(bytes) >>> 0;
    if (ptr === 0 && bytes > 0) throw allocationError(bytes, wasm.HEAPU8.length);
    // Near the maximum, make sure the backend's own buffers still find room (one allocation of the headroom).
    if (wasm.HEAPU8.length > limit) {
      const spare = malloc(WASM_HEAP_HEADROOM) >>> 0;
      if (spare === 0) {
        free(ptr);
        throw allocationError(bytes, wasm.HEAPU8.length);
      }
      free(spare);
    }
    return ptr;
  };
  marked[GUARDED] = true;
  return true;
}

/**
 * Guards the 'wasm' backend when it has started, without starting it: reads the engine's registry of started
 * backends. (tfjs-core's `findBackend('wasm')` would start a WASM backend that is not in the registry, i.e. one
 * that never started or failed to: that leaves the engine waiting for the new start, and every tensor operation
 * meanwhile throws "Backend 'cpu' has not yet been initialized", even though cpu is active and ready.)
 */
export function guardStartedWasmBackend(): boolean {
  const registry = (engine() as unknown as { registry?: Record<string, unknown> }).registry;
  const backend = registry?.['wasm'];
  return backend == null ? false : guardWasmHeap(backend);
}

const FACTORY_GUARDED: unique symbol = Symbol.for('glassbox.wasmFactoryGuarded') as never;

/**
 * Wraps the registered 'wasm' backend factory so that every WASM backend that starts (however it is started) gets
 * {@link guardWasmHeap}. Returns whether the factory is wrapped now.
 */
export function guardWasmFactory(): boolean {
  const e = engine() as unknown as { registryFactory?: Record<string, { factory?: unknown; priority?: number } | undefined> };
  const entry = e.registryFactory?.['wasm'];
  if (entry === undefined || typeof entry.factory !== 'function') return false;
  const factory = entry.factory as (() => unknown) & { [FACTORY_GUARDED]?: true };
  if (factory[FACTORY_GUARDED] === true) return true;
  const wrapped = Object.assign(
    async () => {
      const backend = await (factory() as Promise<unknown>);
      guardWasmHeap(backend);
      return backend;
    },
    { [FACTORY_GUARDED]: true as const },
  );
  entry.factory = wrapped;
  return true;
}

const OOM_MESSAGE =
  /memory access out of bounds|Aborted\(|out of memory|Cannot enlarge memory|Array buffer allocation failed|Invalid typed array length|Invalid array buffer length|WebAssembly\.Memory|could not allocate memory/i;

/**
 * Whether `e` looks like running out of memory: Glassbox's own 'OUT_OF_MEMORY', or what the WASM module and the
 * JavaScript engine throw when memory runs out (`RuntimeError: memory access out of bounds`, `Aborted()`,
 * `RangeError: Array buffer allocation failed`, 'Cannot enlarge memory', ...).
 */
export function isOutOfMemoryError(e: unknown): boolean {
  if (isGlassboxError(e)) return e.code === 'OUT_OF_MEMORY';
  if (e == null || typeof e !== 'object') return false;
  const message = String((e as { message?: unknown }).message ?? '');
  return OOM_MESSAGE.test(message);
}

/**
 * Whether the active backend still computes: a small product, sum and convolution with known results (what a
 * corrupted WASM heap or an aborted module gets wrong or throws on). Leaks nothing, never throws.
 */
export function backendComputes(): boolean {
  // No tf.tidy: on a dead backend a dispose throws, and a tidy whose end throws leaves the engine's scope stack behind.
  const made: Tensor[] = [];
  const t = (x: Tensor): Tensor => {
    made.push(x);
    return x;
  };
  try {
    const a = t(tensor2d([1, 2, 3, 4], [2, 2]));
    const product = t(matMul(a, a)).dataSync();
    const convolved = t(conv2d(t(ones([1, 3, 3, 1])) as Tensor4D, t(ones([2, 2, 1, 1])) as Tensor4D, 1, 'valid')).dataSync();
    return Array.from(product).join() === '7,10,15,22' && Array.from(convolved).join() === '4,4,4,4';
  } catch {
    return false;
  } finally {
    for (const m of made) {
      try {
        m.dispose();
      } catch {
        // a dead backend cannot free; its tensors go with it when it is re-created
      }
    }
  }
}

/**
 * Replaces a dead 'wasm' backend by a fresh one (same factory and priority) and makes it active. The old backend's
 * tensors cannot be read any more: reading one throws GlassboxError 'BACKEND_UNAVAILABLE', disposing one just drops
 * it. Resolves to whether the new backend started.
 */
export async function recreateWasmBackend(): Promise<boolean> {
  const e = engine() as unknown as {
    registry: Record<string, unknown>;
    registryFactory: Record<string, { factory: () => unknown; priority: number } | undefined>;
  };
  const entry = e.registryFactory['wasm'];
  if (entry === undefined) return false;
  const { factory, priority } = entry;
  const old = e.registry['wasm'] as Record<string, unknown> | undefined;
  if (old !== undefined) {
    const gone = (): never => {
      throw new GlassboxError(
        'BACKEND_UNAVAILABLE',
        'this tensor lived on a wasm backend that ran out of memory and was re-initialised: make it again (and load the model again)',
      );
    };
    // Dead: its module cannot free or dispose any more. Disposing its tensors only forgets them; reading them fails.
    old['dispose'] = () => {
      old['wasm'] = null;
    };
    old['disposeData'] = () => true;
    old['read'] = async () => gone();
    old['readSync'] = gone;
    old['incRef'] = () => undefined;
  }
  try {
    removeBackend('wasm');
    registerBackend('wasm', factory as never, priority);
    const ok = await setBackend('wasm');
    if (ok) guardStartedWasmBackend();
    return ok;
  } catch {
    return false;
  }
}

const REPORTED: unique symbol = Symbol.for('glassbox.batchFailureReported') as never;

function reported(e: GlassboxError): GlassboxError {
  Object.defineProperty(e, REPORTED, { value: true });
  return e;
}

/** Where an out-of-memory failure happened, for the message. */
export interface BatchFailure {
  /** The public function's name. */
  where: string;
  /** First row of the failed batch and one past its last. */
  start: number;
  end: number;
  /** Rows in all. */
  total: number;
}

/**
 * The error a batch's failure `e` becomes: `e` itself unless it is an out-of-memory failure
 * ({@link isOutOfMemoryError}); then a GlassboxError 'OUT_OF_MEMORY' naming the batch size that failed and a smaller
 * one to pass as options.batchSize, with the backend checked (and, when WASM is dead, re-created: then the code is
 * 'BACKEND_UNAVAILABLE'). The original error is the `cause`.
 */
export async function outOfMemoryError(e: unknown, failure: BatchFailure): Promise<unknown> {
  // Already reported by an inner batch loop (an explainer run inside another's batch, e.g. noiseTunnel): keep it.
  if (!isOutOfMemoryError(e) || (e as { [REPORTED]?: true })[REPORTED] === true) return e;
  const { where, start, end, total } = failure;
  const size = end - start;
  const backendName = engine().backendName ?? 'the active';
  const cause = e instanceof Error ? `${e.name === 'GlassboxError' ? '' : `${e.name}: `}${e.message}` : String(e);
  const advice =
    size > 1
      ? `pass a smaller options.batchSize (${Math.max(1, Math.floor(size / 2))} or less)`
      : `a single row does not fit: the model is too large for this backend's memory${backendName === 'wasm' ? ` (the WASM heap holds at most ${formatBytes(WASM_HEAP_MAX)})` : ''}`;
  const what = `${where}: out of memory in a batch of ${size} row${size === 1 ? '' : 's'} (rows ${start} to ${end - 1} of ${total}) on the ${backendName} backend`;
  // A clean refusal (the guard's own error) leaves the backend as it was; anything else may have broken it.
  if (!isGlassboxError(e) && !backendComputes()) {
    const recreated = backendName === 'wasm' ? await recreateWasmBackend() : false;
    return reported(new GlassboxError(
      'BACKEND_UNAVAILABLE',
      `${what}, and the backend stopped working (${cause}). ` +
        (recreated
          ? `It was re-initialised: tensors made before (x, the model's weights) are lost; load the model and make its input again, and ${advice}.`
          : `It could not be re-initialised; restart the program and ${advice}.`),
      { cause: e },
    ));
  }
  return reported(new GlassboxError('OUT_OF_MEMORY', `${what}: ${advice} (${cause})`, { cause: e }));
}
