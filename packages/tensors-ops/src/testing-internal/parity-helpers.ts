/**
 * Helpers for the kernel parity tests (kept free of vitest so that they compile like any other module):
 * run the same computation on the cpu and the wasm backend from seeded data, run a kernel directly (the
 * registered one or the original), and count what is alive on the engine and on both backends.
 */
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { initBackend, type BackendName } from '../backend.js';
import type { Rng } from '../rng.js';
import { originalKernel, type BackendWasm } from '../kernels/shared.js';

export interface Computed {
  values: Float32Array[];
  shapes: number[][];
}

/** Runs `fn` inside tf.tidy on `backend` and returns copies of the outputs' values (the outputs are disposed). */
export async function computeOn(backend: BackendName, fn: () => Tensor | Tensor[]): Promise<Computed> {
  await initBackend({ backend, fallback: false });
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  try {
    return {
      values: list.map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>)),
      shapes: list.map((t) => [...t.shape]),
    };
  } finally {
    tf.dispose(list);
  }
}

/** Runs `fn` on the cpu and on the wasm backend (leaving wasm active). */
export async function onBothBackends(fn: () => Tensor | Tensor[]): Promise<{ cpu: Computed; wasm: Computed }> {
  const cpu = await computeOn('cpu', fn);
  const wasm = await computeOn('wasm', fn);
  return { cpu, wasm };
}

/** The largest |a[i] - b[i]| (Infinity when the lengths differ, NaN-safe: a NaN counts as Infinity). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/** A seeded float32 tensor of uniforms in [lo, hi) on the active backend. */
export function randomTensor(rng: Rng, shape: number[], lo = -1, hi = 1): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return tf.tensor(rng.uniformArray(n, lo, hi), shape, 'float32');
}

/** Uniform integer in [lo, hi]. */
export function pick(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

/** One of `options`. */
export function choose<T>(rng: Rng, options: readonly T[]): T {
  return options[rng.int(options.length)]!;
}

/** Live tensors on the engine and data ids on both backends (for leak checks that also see kernel intermediates). */
export interface LiveCount {
  tensors: number;
  wasmData: number;
  cpuData: number;
}

export function liveCount(): LiveCount {
  const wasm = tf.findBackend('wasm') as KernelBackend | null;
  const cpu = tf.findBackend('cpu') as KernelBackend | null;
  return {
    tensors: tf.memory().numTensors,
    wasmData: wasm === null ? 0 : wasm.numDataIds(),
    cpuData: cpu === null ? 0 : cpu.numDataIds(),
  };
}

/** The active backend as the wasm backend (call after `initBackend({ backend: 'wasm' })`). */
export function wasmBackend(): BackendWasm {
  if (tf.getBackend() !== 'wasm') throw new Error(`expected the wasm backend to be active, got ${tf.getBackend()}`);
  return tf.backend() as unknown as BackendWasm;
}

function infos(tensors: Record<string, Tensor>): NamedTensorInfoMap {
  const map: NamedTensorInfoMap = {};
  for (const [k, t] of Object.entries(tensors)) map[k] = { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
  return map;
}

/** Calls a kernel function directly on the wasm backend and returns a copy of its output; frees the output. */
export function callOnWasm(
  kernelFunc: (args: { inputs: NamedTensorInfoMap; backend: BackendWasm; attrs: NamedAttrMap }) => TensorInfo | TensorInfo[],
  inputs: Record<string, Tensor>,
  attrs: NamedAttrMap,
): { values: Float32Array; shape: number[] } {
  const backend = wasmBackend();
  const out = kernelFunc({ inputs: infos(inputs), backend, attrs });
  const info = Array.isArray(out) ? out[0]! : out;
  try {
    return { values: Float32Array.from(backend.readSync(info.dataId) as ArrayLike<number>), shape: [...info.shape] };
  } finally {
    for (const o of Array.isArray(out) ? out : [out]) backend.disposeData(o.dataId);
  }
}

/** Runs the original (replaced) wasm kernel `name` on the given tensors (wasm must be active). */
export function runOriginalOnWasm(name: string, inputs: Record<string, Tensor>, attrs: NamedAttrMap): { values: Float32Array; shape: number[] } {
  const config = originalKernel(name);
  if (config === undefined) throw new Error(`no original wasm kernel ${name} was kept`);
  return callOnWasm(config.kernelFunc as never, inputs, attrs);
}

export type ConvPad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/** A 2-D convolution problem (NHWC), as the forward op sees it. */
export interface ConvCase {
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  pad: ConvPad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The forward output shape [N, outH, outW, outC] (= dy's shape). */
export function convOutShape(c: ConvCase, dilations: [number, number] = [1, 1], depthwise = false): [number, number, number, number] {
  return tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, dilations, c.pad, c.dimRoundingMode, depthwise).outShape;
}

/**
 * A random convolution: batch 1-3, filter 1-5 per axis, image up to 12, strides 1-3, padding 'same', 'valid',
 * a number (sometimes with a rounding mode) or explicit. With `depthwise` the filter is [kh, kw, Ci, multiplier].
 */
export function randomConvCase(rng: Rng, options: { depthwise?: boolean; maxStride?: number } = {}): ConvCase {
  const maxStride = options.maxStride ?? 3;
  for (;;) {
    const kh = pick(rng, 1, 5);
    const kw = pick(rng, 1, 5);
    const ci = pick(rng, 1, 5);
    const c: ConvCase = {
      xShape: [pick(rng, 1, 3), pick(rng, kh, 12), pick(rng, kw, 12), ci],
      filterShape: [kh, kw, ci, options.depthwise ? pick(rng, 1, 3) : pick(rng, 1, 6)],
      strides: [pick(rng, 1, maxStride), pick(rng, 1, maxStride)],
      pad: 'same',
    };
    if (options.depthwise && rng.int(2) === 0) c.strides = [c.strides[0], c.strides[0]];
    const kind = choose(rng, ['same', 'valid', 'number', 'explicit'] as const);
    if (kind === 'same' || kind === 'valid') c.pad = kind;
    else if (kind === 'number') {
      c.pad = pick(rng, 0, Math.min(kh, kw) - 1);
      if (rng.int(2) === 0) c.dimRoundingMode = choose(rng, ['floor', 'round', 'ceil'] as const);
    } else {
      c.pad = [[0, 0], [pick(rng, 0, kh - 1), pick(rng, 0, kh - 1)], [pick(rng, 0, kw - 1), pick(rng, 0, kw - 1)], [0, 0]];
    }
    const out = convOutShape(c, [1, 1], options.depthwise);
    if (out[1] > 0 && out[2] > 0) return c;
  }
}
