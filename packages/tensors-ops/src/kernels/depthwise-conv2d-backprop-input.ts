/**
 * DepthwiseConv2dNativeBackpropInput (the input gradient of depthwiseConv2d) for the WASM backend, which has
 * none in tfjs 4.22.
 *
 * Bridged: no faster wasm path exists. It would be a depthwise convolution of the stride-dilated dy with the
 * flipped filter only for channel multiplier 1 and stride 1; the general case (a multiplier > 1 sums the
 * multiplier's outputs back into one channel, strides need zero insertion) has no WASM kernel to build it
 * from, so the inputs are copied to the cpu backend, its kernel runs there, and the result is copied back
 * into the WASM heap.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { bridgeToCpu, type WasmKernelArgs } from './shared.js';

export function depthwiseConv2dBackpropInput(args: WasmKernelArgs<Record<string, unknown>>): TensorInfo {
  return bridgeToCpu('DepthwiseConv2dNativeBackpropInput', args) as TensorInfo;
}
