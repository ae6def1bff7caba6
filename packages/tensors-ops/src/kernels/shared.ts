/**
 * Shared plumbing for Glassbox's WASM kernel fixes: calling other kernels from inside a kernel, freeing
 * intermediates, remembering the kernels we replace, copying inside the WASM heap, and bridging kernels that
 * the WASM backend lacks through the cpu backend.
 *
 * Rules every kernel here follows: never call public tf ops inside a kernelFunc (they create engine-tracked
 * tensors); call kernel functions directly and free every intermediate TensorInfo with `disposeData`
 * (a {@link Scratch} does it, also when something throws).
 */
import {
  findBackend,
  getKernel,
  registerKernel,
  unregisterKernel,
  util,
  type DataType,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type { BackendWasm };

/** The arguments a kernelFunc receives, with the backend typed as the WASM backend. */
export interface WasmKernelArgs<A = NamedAttrMap> {
  inputs: NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: A;
}

/** A kernel implementation as written in this folder. */
export type WasmKernelImpl<A = NamedAttrMap> = (args: WasmKernelArgs<A>) => TensorInfo;

// ---------------------------------------------------------------------------------------------------------
// Registry of replaced kernels. It lives on globalThis so that two copies of this module (say src/ under
// vitest and dist/ imported by another package) agree: the second copy sees that the kernel registered for
// 'wasm' is already ours and keeps the true original.

const STORE_KEY = Symbol.for('@glassbox/tensors-ops/wasm-kernels');

interface KernelStore {
  /** The kernel that was registered for 'wasm' before we replaced it (absent when there was none). */
  originals: Map<string, KernelConfig>;
  /** Every kernelFunc we registered, to recognise our own kernels. */
  ours: WeakSet<KernelFunc>;
  /** Names of the kernels we registered. */
  names: Set<string>;
}

function store(): KernelStore {
  const g = globalThis as unknown as Record<symbol, KernelStore | undefined>;
  let s = g[STORE_KEY];
  if (s === undefined) {
    s = { originals: new Map(), ours: new WeakSet(), names: new Set() };
    g[STORE_KEY] = s;
  }
  return s;
}

export function lookupKernel(name: string, backendName: string): KernelConfig | undefined {
  // getKernel is typed as always returning a config but returns undefined for an unknown kernel.
  return getKernel(name, backendName) as KernelConfig | undefined;
}

/**
 * Registers `impl` as the 'wasm' kernel `name`. The kernel registered before the first install is kept as the
 * original (see {@link originalKernel}) and its setupFunc/disposeFunc are carried over, so that the original's
 * WASM functions still get bound when the backend starts. Idempotent: does nothing when the registered kernel is
 * already one of ours. When a later registration replaced ours (another copy of tfjs-backend-wasm, say), installing
 * again puts ours back over it and keeps the first original (the one whose setupFunc the backend ran).
 * Returns whether it registered anything.
 */
export function installWasmKernel<A>(name: string, impl: WasmKernelImpl<A>): boolean {
  const s = store();
  const current = lookupKernel(name, 'wasm');
  if (current !== undefined && s.ours.has(current.kernelFunc)) return false;
  if (current !== undefined && !s.names.has(name)) s.originals.set(name, current);
  const original = s.originals.get(name);
  const kernelFunc = impl as unknown as KernelFunc;
  const config: KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc };
  if (original?.setupFunc !== undefined) config.setupFunc = original.setupFunc;
  if (original?.disposeFunc !== undefined) config.disposeFunc = original.disposeFunc;
  if (current !== undefined) unregisterKernel(name, 'wasm');
  registerKernel(config);
  s.ours.add(kernelFunc);
  s.names.add(name);
  return true;
}

/** True when the 'wasm' kernel registered as `name` is one of Glassbox's. */
export function isOurWasmKernel(name: string): boolean {
  const current = lookupKernel(name, 'wasm');
  return current !== undefined && store().ours.has(current.kernelFunc);
}

/** The 'wasm' kernel that Glassbox replaced (undefined when the kernel was missing, i.e. is new). */
export function originalKernel(name: string): KernelConfig | undefined {
  return store().originals.get(name);
}

/** Names of the 'wasm' kernels Glassbox registered (replaced or added). */
export function installedWasmKernels(): string[] {
  return [...store().names].sort();
}

// ---------------------------------------------------------------------------------------------------------
// Calling kernels from kernels.

function asSingle(name: string, out: TensorInfo | TensorInfo[]): TensorInfo {
  if (Array.isArray(out)) {
    if (out.length !== 1) throw new Error(`kernel ${name} returned ${out.length} outputs where one was expected`);
    return out[0]!;
  }
  return out;
}

/** Runs the 'wasm' kernel registered as `name` (ours if we replaced it). */
export function runWasmKernel(name: string, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
  const config = lookupKernel(name, 'wasm');
  if (config === undefined) throw new Error(`the wasm backend has no kernel ${name}`);
  return asSingle(name, config.kernelFunc({ inputs, backend, attrs }));
}

/** Runs the original (replaced) 'wasm' kernel `name`; falls back to the registered one if none was replaced. */
export function runOriginalKernel(name: string, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
  const config = originalKernel(name) ?? lookupKernel(name, 'wasm');
  if (config === undefined) throw new Error(`the wasm backend has no kernel ${name}`);
  return asSingle(name, config.kernelFunc({ inputs, backend, attrs }));
}

/**
 * Collects intermediate TensorInfos and frees them all in `dispose()` (call it in `finally`). `keep` adds one
 * and returns it, so a pipeline reads `const t = scratch.keep(transpose(...))`.
 */
export class Scratch {
  private readonly infos: TensorInfo[] = [];
  constructor(private readonly backend: BackendWasm) {}
  keep<T extends TensorInfo>(info: T): T {
    this.infos.push(info);
    return info;
  }
  dispose(): void {
    for (const info of this.infos.splice(0)) this.backend.disposeData(info.dataId);
  }
}

export function transposeInfo(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasmKernel('Transpose', backend, { x }, { perm });
}

/** A reshape shares the data (the backend counts a reference), so it costs nothing; free it like any other. */
export function reshapeInfo(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return runWasmKernel('Reshape', backend, { x }, { shape });
}

export function sliceInfo(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  return runWasmKernel('Slice', backend, { x }, { begin, size });
}

export function padInfo(backend: BackendWasm, x: TensorInfo, paddings: Array<[number, number]>, constantValue = 0): TensorInfo {
  return runWasmKernel('PadV2', backend, { x }, { paddings, constantValue });
}

/**
 * Copies `count` elements from `src` (starting at element `srcStart`) to `dst` (at `dstStart`) inside the
 * WASM heap (a memmove). Views are taken right before copying because any allocation may grow the heap and
 * detach older views.
 */
export function heapCopy(backend: BackendWasm, src: TensorInfo, srcStart: number, dst: TensorInfo, dstStart: number, count: number): void {
  const from = backend.typedArrayFromHeap(src);
  const to = backend.typedArrayFromHeap(dst);
  to.set(from.subarray(srcStart, srcStart + count), dstStart);
}

export function sizeOf(shape: readonly number[]): number {
  return util.sizeFromShape(shape as number[]);
}

// ---------------------------------------------------------------------------------------------------------
// Bridging through the cpu backend.

/**
 * Runs the cpu backend's kernel `name` on copies of the WASM inputs and copies the result(s) back into the
 * WASM heap. For kernels the WASM backend lacks and where no faster WASM path exists (the data crosses the
 * heap boundary twice, which is linear in the tensor sizes and small next to the kernels bridged here).
 */
export function bridgeToCpu(name: string, args: WasmKernelArgs<unknown>): TensorInfo | TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const cpu = findBackend('cpu') as KernelBackend | null;
  if (cpu == null) throw new Error(`bridging ${name} to the cpu backend: the cpu backend is not available`);
  const config = lookupKernel(name, 'cpu');
  if (config === undefined) throw new Error(`bridging ${name} to the cpu backend: the cpu backend has no kernel ${name}`);
  const written: object[] = [];
  const cpuInputs: NamedTensorInfoMap = {};
  let produced: TensorInfo[] = [];
  try {
    for (const key of Object.keys(inputs)) {
      const info = inputs[key];
      if (info == null) continue;
      const values = backend.readSync(info.dataId);
      const dataId = cpu.write(values, info.shape, info.dtype);
      written.push(dataId);
      cpuInputs[key] = { dataId, shape: info.shape, dtype: info.dtype };
    }
    const result = config.kernelFunc({ inputs: cpuInputs, backend: cpu, attrs: attrs as NamedAttrMap });
    produced = Array.isArray(result) ? result : [result];
    const outs = produced.map((o) => copyToWasm(backend, cpu.readSync(o.dataId), o.shape, o.dtype));
    return Array.isArray(result) ? outs : outs[0]!;
  } finally {
    for (const o of produced) cpu.disposeData(o.dataId);
    for (const dataId of written) cpu.disposeData(dataId);
  }
}

function copyToWasm(backend: BackendWasm, values: unknown, shape: number[], dtype: DataType): TensorInfo {
  if (dtype === 'string' || dtype === 'complex64') {
    throw new Error(`bridging a ${dtype} result into the wasm backend is not supported`);
  }
  const out = backend.makeOutput(shape, dtype);
  backend.typedArrayFromHeap(out).set(values as ArrayLike<number>);
  return out;
}
