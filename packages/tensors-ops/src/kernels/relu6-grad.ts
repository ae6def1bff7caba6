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
 */
import {
  cast,
  engine,
  getKernel,
  lessEqual,
  mul,
  registerKernel,
  step,
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

/** The name of the one-pass kernel dy · m(x). */
export const RELU6_GRAD_KERNEL = 'GlassboxRelu6Grad';

/** dy · m(x) over `n` elements (see the module comment for m). */
function relu6GradLoop(dy: ArrayLike<number>, x: ArrayLike<number>, out: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    // Branch-free on the comparisons (~2.5x faster than branching on them: activations are hard to predict);
    // v === v fails only for NaN, where the mask is NaN as tfjs-core's step(NaN) (rare, so well predicted).
    const m = +(v > 0) * +(v <= 6);
    out[i] = dy[i]! * (v === v ? m : Number.NaN);
  }
}

function checkInputs(inputs: NamedTensorInfoMap): { dy: TensorInfo; x: TensorInfo } {
  const dy = inputs.dy;
  const x = inputs.x;
  if (dy == null || x == null) throw new Error(`${RELU6_GRAD_KERNEL}: expected inputs dy and x`);
  if (dy.dtype !== 'float32' || x.dtype !== 'float32') {
    throw new Error(`${RELU6_GRAD_KERNEL}: expected float32 dy and x, got ${dy.dtype} and ${x.dtype}`);
  }
  if (dy.shape.length !== x.shape.length || dy.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`${RELU6_GRAD_KERNEL}: dy and x must have the same shape, got [${dy.shape.join(', ')}] and [${x.shape.join(', ')}]`);
  }
  return { dy, x };
}

/** The wasm kernel: one JS pass over views of the WASM heap (taken after the output is allocated). */
export function relu6GradWasm(args: { inputs: NamedTensorInfoMap; backend: BackendWasm }): TensorInfo {
  const { backend } = args;
  const { dy, x } = checkInputs(args.inputs);
  const out = backend.makeOutput([...x.shape], 'float32');
  const ov = backend.typedArrayFromHeap(out) as Float32Array;
  relu6GradLoop(backend.typedArrayFromHeap(dy) as Float32Array, backend.typedArrayFromHeap(x) as Float32Array, ov, ov.length);
  return out;
}

/** The cpu kernel: the same pass over the cpu backend's arrays. */
export function relu6GradCpu(args: { inputs: NamedTensorInfoMap; backend: KernelBackend }): TensorInfo {
  const { backend } = args;
  const { dy, x } = checkInputs(args.inputs);
  const xv = backend.readSync(x.dataId) as Float32Array;
  const dyv = backend.readSync(dy.dataId) as Float32Array;
  const out = new Float32Array(xv.length);
  relu6GradLoop(dyv, xv, out, out.length);
  const shape = [...x.shape];
  return { dataId: backend.write(out, shape, 'float32'), shape, dtype: 'float32' };
}

/** Registers the cpu kernel when it is missing (the wasm one is installed with the other WASM kernels). */
export function registerRelu6GradCpu(): boolean {
  if ((getKernel(RELU6_GRAD_KERNEL, 'cpu') as KernelConfig | undefined) !== undefined) return false;
  registerKernel({ kernelName: RELU6_GRAD_KERNEL, backendName: 'cpu', kernelFunc: relu6GradCpu as unknown as KernelFunc });
  return true;
}

/** tfjs-core 4.22's gradient of Relu6, operation for operation (the fallback). */
function coreRelu6Grad(dy: Tensor, x: Tensor): Tensor {
  const mask = mul(lessEqual(x, 6), step(x));
  return mul(dy, cast(mask, 'float32'));
}

function hasKernel(): boolean {
  const backendName = engine().backendName;
  return backendName != null && (getKernel(RELU6_GRAD_KERNEL, backendName) as KernelConfig | undefined) !== undefined;
}

function relu6Grad(dy: Tensor, x: Tensor): Tensor {
  if (dy.dtype !== 'float32' || x.dtype !== 'float32' || !hasKernel()) return coreRelu6Grad(dy, x);
  return engine().runKernel(RELU6_GRAD_KERNEL, { dy, x }) as Tensor;
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
