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
 * |                                      | input channels one product + col2im                           |
 * | BatchMatMul                          | replaced: transposes and batches as plain XNNPACK products    |
 * | _FusedMatMul                         | replaced: same, keeping bias/activation (and fixing its bias) |
 * | UnsortedSegmentSum                   | new: ScatterNd (ids in range), else bridged through the cpu   |
 * | DepthwiseConv2dNativeBackpropFilter  | new: one pass on the WASM heap (cpu bridge for dilations)     |
 * | DepthwiseConv2dNativeBackpropInput   | new: one pass on the WASM heap (cpu bridge for dilations)     |
 * | MaxPoolGrad                          | replaced (wrong for windows <= 0): one pass on the WASM heap  |
 * | Sum                                  | replaced for leading reduced axes (bias/batch-norm gradients, |
 * |                                      | C >= 8): one row-by-row pass, no Transpose; bit-identical     |
 * | Identity, Cast (same dtype)          | replaced: share the input's buffer instead of copying it      |
 *
 * Not a kernel: the gradient of FusedBatchNorm (tf.batchNorm) is also replaced, with one that broadcasts
 * instead of tiling (bit-identical), by ./fused-batch-norm-grad.ts, registered from ../tf.ts.
 */
import { batchMatMul } from './batch-mat-mul.js';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import { depthwiseConv2dBackpropFilter } from './depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dBackpropInput } from './depthwise-conv2d-backprop-input.js';
import { fusedMatMul } from './fused-mat-mul.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { installWasmKernel } from './shared.js';
import { sum } from './sum.js';
import { unsortedSegmentSum } from './unsorted-segment-sum.js';
import { castView, identityView } from './views.js';

export { installedWasmKernels, originalKernel } from './shared.js';

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
] as const;

let done = false;

/** Registers Glassbox's WASM kernel fixes. Idempotent. */
export function registerWasmKernels(): void {
  if (done) return;
  installWasmKernel('Conv2DBackpropFilter', conv2dBackpropFilter);
  installWasmKernel('Conv2DBackpropInput', conv2dBackpropInput);
  installWasmKernel('BatchMatMul', batchMatMul);
  installWasmKernel('_FusedMatMul', fusedMatMul);
  installWasmKernel('UnsortedSegmentSum', unsortedSegmentSum);
  installWasmKernel('DepthwiseConv2dNativeBackpropFilter', depthwiseConv2dBackpropFilter);
  installWasmKernel('DepthwiseConv2dNativeBackpropInput', depthwiseConv2dBackpropInput);
  installWasmKernel('MaxPoolGrad', maxPoolGrad);
  installWasmKernel('Sum', sum);
  installWasmKernel('Identity', identityView);
  installWasmKernel('Cast', castView);
  done = true;
}
