/**
 * MaxPoolGrad (the gradient of maxPool) for the WASM backend, replacing a wrong one.
 *
 * The tfjs-backend-wasm 4.22 kernel searches each window's maximum starting from
 * `std::numeric_limits<float>::min()`, the smallest *positive* float, instead of the lowest one: in a window
 * whose values are all <= 0 (common after batchNorm, and every all-zero window after relu) no value beats the
 * start, and the gradient goes to the window's first slot instead of its maximum, or is lost in the padding.
 * Found by the ops audit (maxPool 2x2, stride 2, 'same'). MaxPoolWithArgmax shares the bug, so there is no
 * WASM kernel to build a scatter from.
 *
 *   dx[argmax of window w] += dy[w]        (first maximum in row-major window order, padding skipped)
 *
 * Computed by one pass over the windows directly on the WASM heap (no copies), like the cpu kernel (same
 * tie-breaking) but without its per-element buffer lookups. Non-float32 inputs are bridged to the cpu kernel.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { bridgeToCpu, type WasmKernelArgs } from './shared.js';

export interface MaxPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function maxPoolGrad(args: WasmKernelArgs<MaxPoolGradAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy!;
  const x = inputs.input!;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32' || x.shape.length !== 4) {
    // Bridged: no faster wasm path exists.
    return bridgeToCpu('MaxPoolGrad', args) as TensorInfo;
  }
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const oh = dy.shape[1]!;
  const ow = dy.shape[2]!;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;

  const dx = backend.makeOutput([n, h, w, c], 'float32');
  // Views after the allocation (an allocation may grow the heap and detach older views).
  const xv = backend.typedArrayFromHeap(x) as Float32Array;
  const dyv = backend.typedArrayFromHeap(dy) as Float32Array;
  const dxv = backend.typedArrayFromHeap(dx) as Float32Array;
  dxv.fill(0);
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      const r0 = y * sh - top;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(h, r0 + fh);
      for (let xx = 0; xx < ow; xx++) {
        const q0 = xx * sw - left;
        const qMin = Math.max(0, q0);
        const qMax = Math.min(w, q0 + fw);
        best.fill(Number.NEGATIVE_INFINITY);
        where.fill(-1);
        for (let r = rMin; r < rMax; r++) {
          for (let q = qMin; q < qMax; q++) {
            const base = ((b * h + r) * w + q) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = xv[base + ch]!;
              if (v > best[ch]!) {
                best[ch] = v;
                where[ch] = base + ch;
              }
            }
          }
        }
        const dyBase = ((b * oh + y) * ow + xx) * c;
        for (let ch = 0; ch < c; ch++) {
          const at = where[ch]!;
          if (at >= 0) dxv[at] += dyv[dyBase + ch]!;
        }
      }
    }
  }
  return dx;
}
