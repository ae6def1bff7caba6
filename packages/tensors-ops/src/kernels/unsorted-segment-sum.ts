/**
 * UnsortedSegmentSum for the WASM backend, which has none in tfjs 4.22. It is the gradient of gather
 * (tf.gather's gradient scatters dy back with it), so index selections and embedding lookups need it to train
 * or to be explained by gradients.
 *
 *   out[s, ...] = Σ_{i : segmentIds[i] = s} x[i, ...]        (out: [numSegments, ...x.shape[1:]])
 *
 * For float32 x and 1-D segment ids that all lie in [0, numSegments) this is exactly the WASM ScatterNd kernel
 * (which adds duplicate indices) with the ids as [n, 1] indices: linear time. Otherwise (ids out of range,
 * which tfjs drops, ids of rank > 1, other dtypes) it is bridged: no faster wasm path exists, so the inputs are
 * copied to the cpu backend, its kernel runs there (a loop over segments, O(numSegments · size)), and the
 * result is copied back into the WASM heap.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { Scratch, bridgeToCpu, reshapeInfo, runWasmKernel, sizeOf, type WasmKernelArgs } from './shared.js';

export interface UnsortedSegmentSumAttrs {
  numSegments: number;
}

export function unsortedSegmentSum(args: WasmKernelArgs<UnsortedSegmentSumAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const ids = inputs.segmentIds!;
  const numSegments = attrs.numSegments;
  const scatterFits =
    x.dtype === 'float32' &&
    ids.dtype === 'int32' &&
    ids.shape.length === 1 &&
    x.shape.length >= 1 &&
    x.shape[0] === ids.shape[0] &&
    Number.isInteger(numSegments) &&
    numSegments > 0 &&
    sizeOf(x.shape) > 0;
  if (scatterFits) {
    const idValues = backend.typedArrayFromHeap(ids);
    let inRange = true;
    for (let i = 0; i < idValues.length; i++) {
      const v = idValues[i]!;
      if (v < 0 || v >= numSegments) {
        inRange = false;
        break;
      }
    }
    if (inRange) {
      const scratch = new Scratch(backend);
      try {
        const indices = scratch.keep(reshapeInfo(backend, ids, [ids.shape[0]!, 1]));
        return runWasmKernel('ScatterNd', backend, { indices, updates: x }, { shape: [numSegments, ...x.shape.slice(1)] });
      } finally {
        scratch.dispose();
      }
    }
  }
  // Bridged: no faster wasm path exists.
  return bridgeToCpu('UnsortedSegmentSum', args) as TensorInfo;
}
