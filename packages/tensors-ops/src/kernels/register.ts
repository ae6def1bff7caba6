/**
 * Registers Glassbox's WASM kernel fixes: the kernels tfjs-backend-wasm 4.22 lacks (so that training and
 * gradient explainers run on WASM) and faster versions of the ones it runs slowly. Called by ../tf.ts at
 * import time, before any backend starts (a replaced kernel keeps the original's setupFunc, so the original
 * still gets bound and stays callable, see ./shared.ts). Idempotent, also across duplicated module copies.
 *
 * | kernel                               | what                                                          |
 * |--------------------------------------|---------------------------------------------------------------|
 * | Conv2DBackpropFilter                 | new: im2col + one XNNPACK GEMM (per chunk of images)          |
 * | Conv2DBackpropInput                  | replaced: one exact convolution per sub-pixel phase; for < 8  |
 * |                                      | input channels one product + col2im; backward filters kept    |
 * |                                      | per forward filter (XNNPACK's packed operator with them)      |
 * | BatchMatMul                          | replaced: transposes and batches as plain XNNPACK products    |
 * | _FusedMatMul                         | replaced: same, keeping bias/activation (and fixing its bias) |
 * | UnsortedSegmentSum                   | new: ScatterNd (ids in range), else bridged through the cpu   |
 * | DepthwiseConv2dNativeBackpropFilter  | new: one pass on the WASM heap (cpu bridge for dilations)     |
 * | DepthwiseConv2dNativeBackpropInput   | new: stride 1, one XNNPACK depthwise convolution of dy with   |
 * |                                      | the flipped filter; stride > 1, one SIMD pass summing each    |
 * |                                      | pixel's taps (./simd-taps.ts, C % 8 = 0; else zeros inserted  |
 * |                                      | into dy + the stride-1 convolution) (multiplier 1); else a JS |
 * |                                      | pass on the WASM heap (cpu bridge for dilations)              |
 * | MaxPoolGrad                          | replaced (wrong for windows <= 0): one pass on the WASM heap  |
 * | Sum                                  | replaced for leading reduced axes (bias/batch-norm gradients, |
 * |                                      | C >= 8): one row-by-row pass, no Transpose; bit-identical     |
 * | Identity, Cast (same dtype)          | replaced: share the input's buffer instead of copying it      |
 * | GlassboxRelu6Grad                    | new (also for 'cpu'): Relu6's gradient dy·(0 < x <= 6) in one |
 * |                                      | SIMD pass (./simd-masks.ts), see ./relu6-grad.ts              |
 * | GlassboxRelu6GradFromOutput          | new (also for 'cpu'): the same from the output, dy·(0 < y < 6)|
 * |                                      | (fused conv + relu6 gradients), one SIMD pass                 |
 *
 * Not kernels: the gradients of FusedBatchNorm (tf.batchNorm; broadcasts instead of tiling) and of Relu6 (runs
 * GlassboxRelu6Grad) are also replaced, bit-identical, by ./fused-batch-norm-grad.ts, registered from ../tf.ts.
 */
import { batchMatMul } from './batch-mat-mul.js';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import { depthwiseConv2dBackpropFilter } from './depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dBackpropInput } from './depthwise-conv2d-backprop-input.js';
import { fusedMatMul } from './fused-mat-mul.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { RELU6_GRAD_FROM_OUTPUT_KERNEL, RELU6_GRAD_KERNEL, registerRelu6GradCpu, relu6GradFromOutputWasm, relu6GradWasm } from './relu6-grad.js';
import { installWasmKernel, type WasmKernelImpl } from './shared.js';
import { sum } from './sum.js';
import { unsortedSegmentSum } from './unsorted-segment-sum.js';
import { castView, identityView } from './views.js';

export { installedWasmKernels, isOurWasmKernel, originalKernel } from './shared.js';

/** The kernels this module registers for 'wasm', by name. */
export const WASM_KERNEL_NAMES = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'BatchMatMul',
  '_FusedMatMul',
  'UnsortedSegmentSum',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'MaxPoolGrad',
  'Sum',
  'Identity',
  'Cast',
  'GlassboxRelu6Grad',
  'GlassboxRelu6GradFromOutput',
] as const;

/** Each kernel with its implementation, in the order they are installed. */
const KERNELS: ReadonlyArray<readonly [(typeof WASM_KERNEL_NAMES)[number], WasmKernelImpl<never>]> = [
  ['Conv2DBackpropFilter', conv2dBackpropFilter],
  ['Conv2DBackpropInput', conv2dBackpropInput],
  ['BatchMatMul', batchMatMul],
  ['_FusedMatMul', fusedMatMul],
  ['UnsortedSegmentSum', unsortedSegmentSum],
  ['DepthwiseConv2dNativeBackpropFilter', depthwiseConv2dBackpropFilter],
  ['DepthwiseConv2dNativeBackpropInput', depthwiseConv2dBackpropInput],
  ['MaxPoolGrad', maxPoolGrad],
  ['Sum', sum],
  ['Identity', identityView],
  ['Cast', castView],
  [RELU6_GRAD_KERNEL, relu6GradWasm],
  [RELU6_GRAD_FROM_OUTPUT_KERNEL, relu6GradFromOutputWasm],
] as never;

/**
 * Registers Glassbox's WASM kernel fixes, or puts back those that a later registration replaced (see
 * ../overrides.ts). Idempotent and cheap when nothing changed: one registry look-up per kernel. Returns the names
 * of the kernels it (re-)registered.
 */
export function registerWasmKernels(): string[] {
  const installed: string[] = [];
  for (const [name, impl] of KERNELS) if (installWasmKernel(name, impl)) installed.push(name);
  return installed;
}

/**
 * Registers the 'cpu' kernels Glassbox adds (GlassboxRelu6Grad and GlassboxRelu6GradFromOutput, which the
 * gradients of Relu6 and of the fused relu6 layers call on both backends), or puts back one that was
 * unregistered. Idempotent; returns the names it registered.
 */
export function registerCpuKernels(): string[] {
  return registerRelu6GradCpu();
}
