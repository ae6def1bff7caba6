/**
 * DepthwiseConv2dNativeBackpropInput (the input gradient of depthwiseConv2d) for the WASM backend, which has
 * none in tfjs 4.22.
 *
 *   dx[n, r, q, c] = Σ_{y, x, i, j, m : y·s + i − p = r, x·s + j − p = q} dy[n, y, x, c·M + m] · w[i, j, c, m]
 *
 * A WASM route exists only for multiplier 1 and stride 1 (a depthwise convolution of dy with the flipped
 * filter); a multiplier > 1 must sum each channel's M outputs and strides need the phase split, for which
 * the WASM kernels have no grouped form. So it runs as one scatter pass over dy directly on the WASM heap: the
 * cpu kernel's arithmetic without copying the tensors across backends. Dilations other than 1 (which
 * tfjs-core's gradient never sends) and other dtypes are bridged to the cpu kernel.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { bridgeToCpu, type WasmKernelArgs } from './shared.js';

export interface DepthwiseBackpropInputAttrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

export function depthwiseConv2dBackpropInput(args: WasmKernelArgs<DepthwiseBackpropInputAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy!;
  const filter = inputs.filter!;
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32' || info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    // Bridged: no faster wasm path exists.
    return bridgeToCpu('DepthwiseConv2dNativeBackpropInput', args) as TensorInfo;
  }
  const [n, h, w, c] = attrs.inputShape;
  const [kh, kw, , mult] = filter.shape as [number, number, number, number];
  const oh = dy.shape[1]!;
  const ow = dy.shape[2]!;
  const co = c * mult;
  const { strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;

  const dx = backend.makeOutput([n, h, w, c], 'float32');
  const dyv = backend.typedArrayFromHeap(dy) as Float32Array;
  const wv = backend.typedArrayFromHeap(filter) as Float32Array;
  const dxv = backend.typedArrayFromHeap(dx) as Float32Array;
  dxv.fill(0);
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
            const dxBase = ((b * h + r) * w + q) * c;
            const wBase = (i * kw + j) * co;
            for (let ch = 0; ch < c; ch++) {
              const k = ch * mult;
              let acc = 0;
              for (let m = 0; m < mult; m++) acc += dyv[dyBase + k + m]! * wv[wBase + k + m]!;
              dxv[dxBase + ch] += acc;
            }
          }
        }
      }
    }
  }
  return dx;
}
