/**
 * DepthwiseConv2dNativeBackpropFilter (the filter gradient of depthwiseConv2d) for the WASM backend, which
 * has none in tfjs 4.22.
 *
 * Bridged: no faster wasm path exists. The per-channel reduction dw[i, j, c, m] = Σ x·dy has no XNNPACK
 * operator behind any WASM kernel (a grouped convolution over transposed tensors would need one group per
 * channel with the batch as the group's input depth, which the WASM Conv2D/DepthwiseConv2dNative kernels do
 * not expose), so the inputs are copied to the cpu backend, its kernel runs there, and the result is copied
 * back into the WASM heap.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { bridgeToCpu, type WasmKernelArgs } from './shared.js';

export function depthwiseConv2dBackpropFilter(args: WasmKernelArgs<Record<string, unknown>>): TensorInfo {
  return bridgeToCpu('DepthwiseConv2dNativeBackpropFilter', args) as TensorInfo;
}
