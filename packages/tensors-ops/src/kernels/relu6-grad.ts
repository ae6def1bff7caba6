/**
 * The gradient of Relu6 (tf.relu6, min(max(x, 0), 6)) in one pass.
 *
 * tfjs-core 4.22 computes it as dy * cast(lessEqual(x, 6) * step(x)): four full passes over the tensor
 * (LessEqual, Step, a Mul that also casts the bool mask, Mul with dy), plus the mask tensors. In a MobileNetV2
 * gradient on WASM that was 17% of the time. Here one kernel, 'GlassboxRelu6Grad' (registered for 'wasm' and
 * 'cpu'), reads dy and x once and writes
 *
 *   dx = dy · m(x),   m(x) = 1 for 0 < x <= 6,  0 for x <= 0 or x > 6,  NaN for x = NaN
 *
 * which is tfjs-core's mask exactly (lessEqual(NaN, 6) is 0 and step(NaN) is NaN on both backends, so the mask is
 * NaN there), multiplied the same way: dy·1 = dy, dy·0 = ±0 (NaN for an infinite or NaN dy), dy·NaN = NaN. The
 * results are bit-identical to tfjs-core's gradient (tested on both backends at 0, 6, negatives, above 6, ±∞ and NaN).
 * Inputs other than float32, and backends without the kernel, get tfjs-core's gradient, operation for operation.
 *
 * The kernel has a gradient too (so that gradients of gradients keep working): with respect to dy it is the
 * kernel again, with respect to x zero (m is piecewise constant; tfjs-core's step has a zero gradient as well).
 *
 * A second kernel, 'GlassboxRelu6GradFromOutput' (inputs dy and y), is the gradient of a fused conv + bias +
 * relu6 (../nn/fused.ts), which keeps the output y = relu6(z) but not z:
 *
 *   dz = dy · n(y),   n(y) = 1 for 0 < y < 6,  0 for y <= 0 or y >= 6,  NaN for y = NaN
 *
 * the same numbers, bit for bit, as the four native passes dy · step(y · (6 − y)) it replaces (in IEEE float32,
 * y (6 − y) > 0 exactly when 0 < y < 6: 6 − y is exact near 6 and a positive product of positive floats never
 * rounds to 0 without flushing denormals, which WebAssembly does not do; ±∞ gives −∞, NaN gives NaN).
 *
 * On 'wasm' both kernels run one SIMD pass over the heap (./simd-masks.ts), ~4x faster than the native
 * passes and ~8x faster than a JavaScript loop; where WebAssembly SIMD or an unshared memory is missing they
 * fall back to the JavaScript loop. On 'cpu' they are the JavaScript loop.
 */
import {
  cast,
  engine,
  getKernel,
  lessEqual,
  mul,
  registerKernel,
  scalar,
  step,
  sub,
  zerosLike,
  type GradConfig,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type NamedTensorInfoMap,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from './shared.js';
import { simdMasksFor, wasmMemoryOf } from './simd-masks.js';

/** The name of the one-pass kernel dy · m(x). */
export const RELU6_GRAD_KERNEL = 'GlassboxRelu6Grad';
/** The name of the one-pass kernel dy · n(y) (ReLU6's gradient from its output). */
export const RELU6_GRAD_FROM_OUTPUT_KERNEL = 'GlassboxRelu6GradFromOutput';

/** dy · m(x) over `n` elements (see the module comment for m). */
function relu6GradLoop(dy: ArrayLike<number>, x: ArrayLike<number>, out: Float32Array, n: number, start = 0): void {
  for (let i = start; i < n; i++) {
    const v = x[i]!;
    // Branch-free on the comparisons (~2.5x faster than branching on them: activations are hard to predict);
    // v === v fails only for NaN, where the mask is NaN as tfjs-core's step(NaN) (rare, so well predicted).
    const m = +(v > 0) * +(v <= 6);
    out[i] = dy[i]! * (v === v ? m : Number.NaN);
  }
}

/** dy · n(y) over `n` elements, n = 1 on the open interval (0, 6) (see the module comment). */
function relu6GradFromOutputLoop(dy: ArrayLike<number>, y: ArrayLike<number>, out: Float32Array, n: number, start = 0): void {
  for (let i = start; i < n; i++) {
    const v = y[i]!;
    const m = +(v > 0) * +(v < 6);
    out[i] = dy[i]! * (v === v ? m : Number.NaN);
  }
}

type Variant = 'input' | 'output';

function checkInputs(inputs: NamedTensorInfoMap, variant: Variant): { dy: TensorInfo; v: TensorInfo } {
  const kernel = variant === 'input' ? RELU6_GRAD_KERNEL : RELU6_GRAD_FROM_OUTPUT_KERNEL;
  const vName = variant === 'input' ? 'x' : 'y';
  const dy = inputs.dy;
  const v = inputs[vName];
  if (dy == null || v == null) throw new Error(`${kernel}: expected inputs dy and ${vName}`);
  if (dy.dtype !== 'float32' || v.dtype !== 'float32') {
    throw new Error(`${kernel}: expected float32 dy and ${vName}, got ${dy.dtype} and ${v.dtype}`);
  }
  if (dy.shape.length !== v.shape.length || dy.shape.some((d, i) => d !== v.shape[i])) {
    throw new Error(`${kernel}: dy and ${vName} must have the same shape, got [${dy.shape.join(', ')}] and [${v.shape.join(', ')}]`);
  }
  return { dy, v };
}

/**
 * The wasm kernels: one SIMD pass over the heap for the groups of 4, the last n mod 4 elements in JavaScript
 * (the same formula); the JavaScript loop over views of the heap when SIMD is not available. Views are taken
 * after the output is allocated (an allocation may grow the heap and detach older views).
 */
function wasmKernel(variant: Variant): (args: { inputs: NamedTensorInfoMap; backend: BackendWasm }) => TensorInfo {
  const loop = variant === 'input' ? relu6GradLoop : relu6GradFromOutputLoop;
  return (args) => {
    const { backend } = args;
    const { dy, v } = checkInputs(args.inputs, variant);
    const out = backend.makeOutput([...v.shape], 'float32');
    const ov = backend.typedArrayFromHeap(out) as Float32Array;
    const dv = backend.typedArrayFromHeap(dy) as Float32Array;
    const vv = backend.typedArrayFromHeap(v) as Float32Array;
    const n = ov.length;
    const masks = simdMasksFor(wasmMemoryOf(backend as unknown as { wasm: unknown }));
    if (masks === null) {
      loop(dv, vv, ov, n);
      return out;
    }
    const groups = n >>> 2;
    (variant === 'input' ? masks.maskHalf : masks.maskOpen)(dv.byteOffset, vv.byteOffset, ov.byteOffset, groups);
    loop(dv, vv, ov, n, groups * 4);
    return out;
  };
}

/** The wasm kernel dy · m(x). */
export const relu6GradWasm = wasmKernel('input');
/** The wasm kernel dy · n(y). */
export const relu6GradFromOutputWasm = wasmKernel('output');

function cpuKernel(variant: Variant): (args: { inputs: NamedTensorInfoMap; backend: KernelBackend }) => TensorInfo {
  const loop = variant === 'input' ? relu6GradLoop : relu6GradFromOutputLoop;
  return (args) => {
    const { backend } = args;
    const { dy, v } = checkInputs(args.inputs, variant);
    const vv = backend.readSync(v.dataId) as Float32Array;
    const dyv = backend.readSync(dy.dataId) as Float32Array;
    const out = new Float32Array(vv.length);
    loop(dyv, vv, out, out.length);
    const shape = [...v.shape];
    return { dataId: backend.write(out, shape, 'float32'), shape, dtype: 'float32' };
  };
}

/** The cpu kernel dy · m(x): the same pass over the cpu backend's arrays. */
export const relu6GradCpu = cpuKernel('input');
/** The cpu kernel dy · n(y). */
export const relu6GradFromOutputCpu = cpuKernel('output');

/** Registers the cpu kernels when they are missing (the wasm ones are installed with the other WASM kernels). */
export function registerRelu6GradCpu(): string[] {
  const registered: string[] = [];
  for (const [name, kernelFunc] of [
    [RELU6_GRAD_KERNEL, relu6GradCpu],
    [RELU6_GRAD_FROM_OUTPUT_KERNEL, relu6GradFromOutputCpu],
  ] as const) {
    if ((getKernel(name, 'cpu') as KernelConfig | undefined) !== undefined) continue;
    registerKernel({ kernelName: name, backendName: 'cpu', kernelFunc: kernelFunc as unknown as KernelFunc });
    registered.push(name);
  }
  return registered;
}

/** tfjs-core 4.22's gradient of Relu6, operation for operation (the fallback). */
function coreRelu6Grad(dy: Tensor, x: Tensor): Tensor {
  const mask = mul(lessEqual(x, 6), step(x));
  return mul(dy, cast(mask, 'float32'));
}

function hasKernel(name: string): boolean {
  const backendName = engine().backendName;
  return backendName != null && (getKernel(name, backendName) as KernelConfig | undefined) !== undefined;
}

function relu6Grad(dy: Tensor, x: Tensor): Tensor {
  if (dy.dtype !== 'float32' || x.dtype !== 'float32' || !hasKernel(RELU6_GRAD_KERNEL)) return coreRelu6Grad(dy, x);
  return engine().runKernel(RELU6_GRAD_KERNEL, { dy, x }) as Tensor;
}

/**
 * Whether the one-pass kernel beats the native passes on the active backend: on 'wasm' only with the SIMD
 * module (its JavaScript fallback is slower than four native passes), elsewhere whenever it is registered.
 */
function fromOutputKernelPays(): boolean {
  if (!hasKernel(RELU6_GRAD_FROM_OUTPUT_KERNEL)) return false;
  if (engine().backendName !== 'wasm') return true;
  return simdMasksFor(wasmMemoryOf(engine().backend as unknown as { wasm: unknown })) !== null;
}

/**
 * ReLU6's gradient from its output y = relu6(z): dy · [0 < y < 6] (NaN where y is NaN), one kernel call
 * (GlassboxRelu6GradFromOutput) on float32 tensors of a backend that has it (on 'wasm': with WebAssembly SIMD
 * and an unshared memory), else the same numbers from native ops, dy · step(y (6 − y)) (four passes). Used by
 * the gradients of the fused layers (../nn/fused.ts).
 */
export function relu6GradFromOutput(dy: Tensor, y: Tensor): Tensor {
  if (dy.dtype === 'float32' && y.dtype === 'float32' && fromOutputKernelPays()) {
    return engine().runKernel(RELU6_GRAD_FROM_OUTPUT_KERNEL, { dy, y }) as Tensor;
  }
  return mul(dy, step(mul(y, sub(scalar(6), y))));
}

export const relu6GradConfig: GradConfig = {
  kernelName: 'Relu6',
  inputsToSave: ['x'],
  gradFunc: (dyIn: Tensor | Tensor[], saved: Tensor[]) => {
    const dy = Array.isArray(dyIn) ? dyIn[0]! : dyIn;
    const x = saved[0]!;
    return { x: () => relu6Grad(dy, x) };
  },
};

/** The gradient of the one-pass kernel itself: d/d(dy) = g · m(x) (the kernel again), d/dx = 0. */
export const relu6GradGradConfig: GradConfig = {
  kernelName: RELU6_GRAD_KERNEL,
  inputsToSave: ['x'],
  gradFunc: (gIn: Tensor | Tensor[], saved: Tensor[]) => {
    const g = Array.isArray(gIn) ? gIn[0]! : gIn;
    const x = saved[0]!;
    return { dy: () => relu6Grad(g, x), x: () => zerosLike(x) };
  },
};

/** The gradient of GlassboxRelu6GradFromOutput: d/d(dy) = g · [0 < y < 6] (the kernel again), d/dy = 0. */
export const relu6GradFromOutputGradConfig: GradConfig = {
  kernelName: RELU6_GRAD_FROM_OUTPUT_KERNEL,
  inputsToSave: ['y'],
  gradFunc: (gIn: Tensor | Tensor[], saved: Tensor[]) => {
    const g = Array.isArray(gIn) ? gIn[0]! : gIn;
    const y = saved[0]!;
    return { dy: () => relu6GradFromOutput(g, y), y: () => zerosLike(y) };
  },
};
