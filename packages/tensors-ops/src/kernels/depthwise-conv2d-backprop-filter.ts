/**
 * DepthwiseConv2dNativeBackpropFilter (the filter gradient of depthwiseConv2d) for the WASM backend, which
 * has none in tfjs 4.22.
 *
 *   dw[i, j, c, m] = Σ_{n, y, x} x[n, y·s + i − p, x·s + j − p, c] · dy[n, y, x, c·M + m]
 *
 * No WASM kernel computes this per-channel reduction (as a convolution it would be a grouped one with the
 * batch as each group's input depth, which the WASM Conv2D/DepthwiseConv2dNative kernels do not expose), so it
 * runs as one pass over dy directly on the WASM heap, summing in float64. That is the cpu kernel's loop without
 * copying the tensors across backends; dilations other than 1 (which tfjs-core's gradient never sends) and
 * other dtypes are bridged to the cpu kernel.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { bridgeToCpu, type WasmKernelArgs } from './shared.js';

export interface DepthwiseBackpropFilterAttrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function depthwiseConv2dBackpropFilter(args: WasmKernelArgs<DepthwiseBackpropFilterAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const dy = inputs.dy!;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  if (x.dtype !== 'float32' || dy.dtype !== 'float32' || info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    // Bridged: no faster wasm path exists.
    return bridgeToCpu('DepthwiseConv2dNativeBackpropFilter', args) as TensorInfo;
  }
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [kh, kw, , mult] = attrs.filterShape;
  const oh = dy.shape[1]!;
  const ow = dy.shape[2]!;
  const co = c * mult;
  const { strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;

  const sum = new Float64Array(kh * kw * co);
  const out = backend.makeOutput([kh, kw, c, mult], 'float32');
  const xv = backend.typedArrayFromHeap(x) as Float32Array;
  const dyv = backend.typedArrayFromHeap(dy) as Float32Array;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        const dyBase = ((b * oh + y) * ow + xx) * co;
        for (let i = 0; i < kh; i++) {
          const r = y * sh + i - top;
          if (r < 0 || r >= h) continue;
          for (let j = 0; j < kw; j++) {
            const q = xx * sw + j - left;
            if (q < 0 || q >= w) continue;
            const xBase = ((b * h + r) * w + q) * c;
            const wBase = (i * kw + j) * co;
            for (let ch = 0; ch < c; ch++) {
              const xval = xv[xBase + ch]!;
              const k = ch * mult;
              for (let m = 0; m < mult; m++) sum[wBase + k + m] += xval * dyv[dyBase + k + m]!;
            }
          }
        }
      }
    }
  }
  (backend.typedArrayFromHeap(out) as Float32Array).set(sum);
  return out;
}
