/**
 * Conv2DBackpropFilter (the filter gradient of conv2d) for the WASM backend, which has none in tfjs 4.22:
 * without it no convolutional model can train on WASM.
 *
 * With forward stride s, dilation d and padding p (top/left), the filter gradient is
 *
 *   dw[i, j, c, o] = Σ_{n, y, x} x[n, y·s + i·d − p, x·s + j·d − p, c] · dy[n, y, x, o]
 *
 * which is itself a convolution: read x as a batch of Ci images [Ci, H, W, N] (the batch becomes the channel
 * axis) and dy as a filter [outH, outW, N, Co], convolve with stride d and dilation s (the roles swap) and the
 * forward padding on top/left, then slice the [Ci, ≥kh, ≥kw, Co] result to the filter size and transpose it
 * to [kh, kw, Ci, Co]. One XNNPACK convolution plus three transposes.
 *
 * Attributes as in tfjs-core (strides, pad 'same' | 'valid' | number | explicit, dimRoundingMode,
 * filterShape); also honours a `dilations` attribute (tfjs-core's gradient never sends one). NHWC only.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { GlassboxError } from '../errors.js';
import { Scratch, runWasmKernel, sliceInfo, transposeInfo, type WasmKernelArgs } from './shared.js';

export interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
  dilations?: number | [number, number];
}

export function conv2dBackpropFilter(args: WasmKernelArgs<Conv2DBackpropFilterAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const dy = inputs.dy!;
  const { strides, pad, dimRoundingMode, filterShape } = attrs;
  const dataFormat = attrs.dataFormat ?? 'NHWC';
  const dilations = attrs.dilations ?? 1;
  if (dataFormat !== 'NHWC') {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `Conv2DBackpropFilter (wasm): dataFormat must be 'NHWC', got '${String(dataFormat)}'`,
    );
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const [kh, kw, , co] = filterShape;
  const oh = dy.shape[1]!;
  const ow = dy.shape[2]!;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const dh = info.dilationHeight;
  const dw = info.dilationWidth;

  if ([n, h, w, ci, kh, kw, co, oh, ow].some((d) => d === 0)) {
    // Nothing to sum: a zero gradient.
    const out = backend.makeOutput([kh, kw, ci, co], 'float32');
    backend.typedArrayFromHeap(out).fill(0);
    return out;
  }

  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Enough zero rows below so that every filter tap i < kh gets an output row (the forward reads at most
  // row (oh−1)·s + (kh−1)·d − top).
  const bottom = Math.max(0, (kh - 1) * dh + (oh - 1) * sh + 1 - h - top);
  const right = Math.max(0, (kw - 1) * dw + (ow - 1) * sw + 1 - w - left);

  const scratch = new Scratch(backend);
  try {
    const xT = scratch.keep(transposeInfo(backend, x, [3, 1, 2, 0])); // [Ci, H, W, N]
    const dyT = scratch.keep(transposeInfo(backend, dy, [1, 2, 0, 3])); // [outH, outW, N, Co]
    const conv = scratch.keep(
      runWasmKernel(
        'Conv2D',
        backend,
        { x: xT, filter: dyT },
        {
          strides: [dh, dw],
          dilations: [sh, sw],
          pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
          dataFormat: 'NHWC',
        },
      ),
    ); // [Ci, ≥kh, ≥kw, Co]
    let cut = conv;
    if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
      cut = scratch.keep(sliceInfo(backend, conv, [0, 0, 0, 0], [ci, kh, kw, co]));
    }
    return transposeInfo(backend, cut, [1, 2, 0, 3]); // [kh, kw, Ci, Co]
  } finally {
    scratch.dispose();
  }
}
