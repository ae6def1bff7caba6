/**
 * MaxPoolGrad (the gradient of maxPool) for the WASM backend, replacing a wrong one.
 *
 * The tfjs-backend-wasm 4.22 kernel finds each window's maximum starting from
 * `std::numeric_limits<float>::min()`, the smallest *positive* float, instead of the lowest one: in a window
 * whose values are all <= 0 (common after batchNorm, and every all-zero window after relu) no value beats the
 * start, and the gradient goes to the window's first slot instead of its maximum, or is lost in the padding.
 * Found by the ops audit (maxPool 2x2, stride 2, 'same'). MaxPoolWithArgmax shares the bug, so there is no
 * WASM kernel to build a scatter from.
 *
 * Bridged: no faster wasm path exists. The inputs are copied to the cpu backend, its kernel runs there (one
 * pass over the windows, first maximum wins, like TensorFlow), and the result is copied back into the WASM heap.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { bridgeToCpu, type WasmKernelArgs } from './shared.js';

export function maxPoolGrad(args: WasmKernelArgs<Record<string, unknown>>): TensorInfo {
  return bridgeToCpu('MaxPoolGrad', args) as TensorInfo;
}
