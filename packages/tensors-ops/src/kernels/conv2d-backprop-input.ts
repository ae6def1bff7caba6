/**
 * Conv2DBackpropInput (the input gradient of conv2d, and the forward pass of conv2dTranspose) for the WASM
 * backend, as one XNNPACK convolution instead of the original direct loop (~3 GFLOP/s).
 *
 * With forward stride s, padding p (top/left) and filter w [kh, kw, Ci, Co], the input gradient is
 *
 *   dx[i] = Σ_{o, k : o·s + k − p = i} dy[o] · w[k]                       (per axis; channels contracted)
 *
 * Writing i + p = q·s + r (0 <= r < s) leaves k = m·s + r, so each output phase r is a stride-1 convolution of
 * dy with the sub-filter w[m·s + r] (m = 0 .. ⌈k/s⌉−1, flipped). The s·s phases of both axes share one
 * convolution whose output channels are [phase, Ci]; interleaving the phases (a transpose, the DepthToSpace
 * pattern) and slicing by p mod s gives dx. That is the "sub-pixel" decomposition: it multiplies no inserted
 * zeros, so it does ~s² fewer flops than the textbook route (insert s−1 zeros between rows/columns of dy,
 * then a stride-1 convolution with the flipped filter, padding k−1−p), which is kept here as the 'zeros'
 * strategy for the benchmark. With s = 1 both are the same single convolution. bench/ops.bench.mjs, 16 images
 * 28×28×16 ← 3×3×32: stride 1, phase 9.0 ms / zeros 13.3 ms / original 153 ms; stride 2, phase 8.0 ms /
 * zeros 19.8 ms / original 71 ms. When k is not a multiple of s the phase filter is padded to ⌈k/s⌉·s taps
 * (3×3, stride 2: 16 taps for 9), so it still does up to ~1.8x the minimal flops.
 *
 * NCHW, and explicit paddings of at least ⌈k/s⌉·s, run the original kernel.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { Scratch, padInfo, reshapeInfo, runOriginalKernel, runWasmKernel, sliceInfo, transposeInfo, type BackendWasm, type WasmKernelArgs } from './shared.js';

export interface Conv2DBackpropInputAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** 'phase': sub-pixel decomposition (default); 'zeros': zero insertion + one stride-1 convolution. */
export type BackpropInputStrategy = 'phase' | 'zeros';

function conv2dInfo(args: WasmKernelArgs<Conv2DBackpropInputAttrs>, filter: TensorInfo): backend_util.Conv2DInfo {
  const { strides, pad, dimRoundingMode, inputShape } = args.attrs;
  return backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}

function stride1Conv(backend: BackendWasm, x: TensorInfo, filter: TensorInfo, pads: [number, number, number, number]): TensorInfo {
  const [top, bottom, left, right] = pads;
  return runWasmKernel(
    'Conv2D',
    backend,
    { x, filter },
    { strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1] },
  );
}

/** Slices [N, H, W, C] out of `x` at spatial offset (top, left), or returns x itself when nothing is cut. */
function cropTo(backend: BackendWasm, scratch: Scratch, x: TensorInfo, top: number, left: number, shape: number[]): TensorInfo {
  if (top === 0 && left === 0 && x.shape[1] === shape[1] && x.shape[2] === shape[2]) return x;
  return scratch.keep(sliceInfo(backend, x, [0, top, left, 0], shape));
}

function phaseBackpropInput(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const [n, h, w, ci] = info.inShape;
  const [kh, kw, , co] = filter.shape as [number, number, number, number];
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const oh = dy.shape[1]!;
  const ow = dy.shape[2]!;
  const mh = Math.ceil(kh / sh);
  const mw = Math.ceil(kw / sw);
  // Rows q0..q1-1 of every phase are needed; the convolution is padded so that its row 0 is q0.
  const q0h = Math.floor(info.padInfo.top / sh);
  const q0w = Math.floor(info.padInfo.left / sw);
  const qh = Math.ceil((info.padInfo.top + h) / sh) - q0h;
  const qw = Math.ceil((info.padInfo.left + w) / sw) - q0w;
  const top = mh - 1 - q0h;
  const left = mw - 1 - q0w;
  if (top < 0 || left < 0) return null;
  const bottom = Math.max(0, qh - oh - top + mh - 1);
  const right = Math.max(0, qw - ow - left + mw - 1);

  // The phase filter G [mh, mw, Co, sh·sw·Ci]: G[a, b, co, (rh·sw + rw)·Ci + c] = w[(mh−1−a)·sh + rh, (mw−1−b)·sw + rw, c, co].
  const wv = backend.readSync(filter.dataId) as Float32Array;
  const phases = sh * sw * ci;
  const g = new Float32Array(mh * mw * co * phases);
  for (let y = 0; y < kh; y++) {
    const my = Math.floor(y / sh);
    const a = mh - 1 - my;
    const rh = y - my * sh;
    for (let x = 0; x < kw; x++) {
      const mx = Math.floor(x / sw);
      const b = mw - 1 - mx;
      const rw = x - mx * sw;
      const gBase = (a * mw + b) * co * phases + (rh * sw + rw) * ci;
      const wBase = (y * kw + x) * ci * co;
      for (let c = 0; c < ci; c++) {
        const wRow = wBase + c * co;
        for (let o = 0; o < co; o++) g[gBase + o * phases + c] = wv[wRow + o]!;
      }
    }
  }

  const scratch = new Scratch(backend);
  try {
    const gInfo = scratch.keep(backend.makeOutput([mh, mw, co, phases], 'float32', undefined, g));
    const z = scratch.keep(stride1Conv(backend, dy, gInfo, [top, bottom, left, right])); // [N, Rh, Rw, sh·sw·Ci]
    const rh = z.shape[1]!;
    const rw = z.shape[2]!;
    let d: TensorInfo;
    if (sh === 1 && sw === 1) {
      d = z;
    } else if (sh === 1 || rw === 1) {
      // The interleave moves nothing in memory.
      d = scratch.keep(reshapeInfo(backend, z, [n, rh * sh, rw * sw, ci]));
    } else {
      // [N·Rh, Rw, sh, sw·Ci] -> [N·Rh, sh, Rw, sw·Ci] is the DepthToSpace interleave (also for sh != sw).
      const z4 = scratch.keep(reshapeInfo(backend, z, [n * rh, rw, sh, sw * ci]));
      const t = scratch.keep(transposeInfo(backend, z4, [0, 2, 1, 3]));
      d = scratch.keep(reshapeInfo(backend, t, [n, rh * sh, rw * sw, ci]));
    }
    const cropped = cropTo(backend, scratch, d, info.padInfo.top - q0h * sh, info.padInfo.left - q0w * sw, [n, h, w, ci]);
    return reshapeInfo(backend, cropped, [n, h, w, ci]);
  } finally {
    scratch.dispose();
  }
}

function zerosBackpropInput(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const [n, h, w, ci] = info.inShape;
  const [kh, kw, , co] = filter.shape as [number, number, number, number];
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const oh = dy.shape[1]!;
  const ow = dy.shape[2]!;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  if (top < 0 || left < 0) return null;
  const uh = oh * sh;
  const uw = ow * sw;
  const bottom = Math.max(0, h + kh - 1 - uh - top);
  const right = Math.max(0, w + kw - 1 - uw - left);

  // Flipped, in/out-transposed filter [kh, kw, Co, Ci].
  const wv = backend.readSync(filter.dataId) as Float32Array;
  const f = new Float32Array(kh * kw * co * ci);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      const fBase = ((kh - 1 - y) * kw + (kw - 1 - x)) * co * ci;
      const wBase = (y * kw + x) * ci * co;
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) f[fBase + o * ci + c] = wv[wBase + c * co + o]!;
      }
    }
  }

  const scratch = new Scratch(backend);
  try {
    let up = dy;
    if (sh > 1 || sw > 1) {
      const dy6 = scratch.keep(reshapeInfo(backend, dy, [n, oh, 1, ow, 1, co]));
      const padded = scratch.keep(padInfo(backend, dy6, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]));
      up = scratch.keep(reshapeInfo(backend, padded, [n, uh, uw, co]));
    }
    const fInfo = scratch.keep(backend.makeOutput([kh, kw, co, ci], 'float32', undefined, f));
    const z = scratch.keep(stride1Conv(backend, up, fInfo, [top, bottom, left, right]));
    const cropped = cropTo(backend, scratch, z, 0, 0, [n, h, w, ci]);
    return reshapeInfo(backend, cropped, [n, h, w, ci]);
  } finally {
    scratch.dispose();
  }
}

/** The kernel with a chosen strategy (the benchmark compares them; the registered kernel uses 'phase'). */
export function conv2dBackpropInputWith(strategy: BackpropInputStrategy): (args: WasmKernelArgs<Conv2DBackpropInputAttrs>) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const dy = inputs.dy!;
    const filter = inputs.filter!;
    const dataFormat = attrs.dataFormat ?? 'NHWC';
    const sizes = [...dy.shape, ...filter.shape, ...attrs.inputShape];
    if (dataFormat !== 'NHWC' || dy.dtype !== 'float32' || filter.dtype !== 'float32' || sizes.some((d) => d === 0)) {
      return runOriginalKernel('Conv2DBackpropInput', backend, inputs, { ...attrs });
    }
    const info = conv2dInfo(args, filter);
    const out = strategy === 'phase' ? phaseBackpropInput(backend, dy, filter, info) : zerosBackpropInput(backend, dy, filter, info);
    return out ?? runOriginalKernel('Conv2DBackpropInput', backend, inputs, { ...attrs });
  };
}

export const conv2dBackpropInput = conv2dBackpropInputWith('phase');
