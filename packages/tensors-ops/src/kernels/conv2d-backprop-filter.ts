/**
 * Conv2DBackpropFilter (the filter gradient of conv2d) for the WASM backend, which has none in tfjs 4.22:
 * without it no convolutional model can train on WASM.
 *
 * With forward stride s, dilation d and padding p (top/left), the filter gradient is
 *
 *   dw[i, j, c, o] = Σ_{n, y, x} x[n, y·s + i·d − p, x·s + j·d − p, c] · dy[n, y, x, o]
 *
 * Two ways to hand that to XNNPACK, both here (bench/ops.bench.mjs times them):
 *
 *   - 'gemm' (registered): im2col. Copy the kh·kw shifted (strided) views of the padded x tap-major into
 *     [kh·kw, P, Ci] (P = N·outH·outW), transpose to [kh·kw·Ci, P] and multiply by dy [P, Co]: one GEMM whose
 *     result is already [kh, kw, Ci, Co]. Batches whose patches would exceed 16 MB run in chunks of images,
 *     summed.
 *   - 'conv': the gradient is itself a convolution. Read x as Ci images [Ci, H, W, N] and dy as a filter
 *     [outH, outW, N, Co], convolve with stride d and dilation s (the roles swap) and the forward padding,
 *     slice to [Ci, kh, kw, Co] and transpose to [kh, kw, Ci, Co]. The batch becomes the contracted channel
 *     axis, which XNNPACK's convolution handles slowly when it is small (2-4x slower than 'gemm' at batch 4,
 *     and for a 1-channel input at any batch; about even at batch 64).
 *
 * Attributes as in tfjs-core (strides, pad 'same' | 'valid' | number | explicit, dimRoundingMode,
 * filterShape); also honours a `dilations` attribute (tfjs-core's gradient never sends one). NHWC only.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { GlassboxError } from '../errors.js';
import {
  Scratch,
  heapCopy,
  padInfo,
  reshapeInfo,
  runOriginalKernel,
  runWasmKernel,
  sliceInfo,
  transposeInfo,
  type BackendWasm,
  type WasmKernelArgs,
} from './shared.js';

export interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
  dilations?: number | [number, number];
}

/** 'gemm': im2col + one XNNPACK GEMM per batch chunk (default); 'conv': one convolution over transposed x and dy. */
export type BackpropFilterStrategy = 'gemm' | 'conv';

interface FilterGradGeometry {
  n: number;
  h: number;
  w: number;
  ci: number;
  kh: number;
  kw: number;
  co: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Most floats of im2col patches held at once (16 MB); larger batches are processed in chunks of images. */
const PATCH_BUDGET = 4 * 1024 * 1024;

function convStrategy(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, g: FilterGradGeometry): TensorInfo {
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
          strides: [g.dh, g.dw],
          dilations: [g.sh, g.sw],
          pad: [[0, 0], [g.top, g.bottom], [g.left, g.right], [0, 0]],
          dataFormat: 'NHWC',
        },
      ),
    ); // [Ci, ≥kh, ≥kw, Co]
    let cut = conv;
    if (conv.shape[1] !== g.kh || conv.shape[2] !== g.kw) {
      cut = scratch.keep(sliceInfo(backend, conv, [0, 0, 0, 0], [g.ci, g.kh, g.kw, g.co]));
    }
    return transposeInfo(backend, cut, [1, 2, 0, 3]); // [kh, kw, Ci, Co]
  } finally {
    scratch.dispose();
  }
}

/**
 * im2col + GEMM: the patches of images n0..n1 laid out tap-major [T, P, Ci] (T = kh·kw taps, P = pixels of
 * the output), transposed to [T·Ci, P], times dy [P, Co] gives [kh, kw, Ci, Co] directly. The GEMM has K = P,
 * so it runs at XNNPACK speed whatever the batch; the convolution form contracts over the batch as its channel
 * axis and is slow for small batches.
 */
function gemmChunk(backend: BackendWasm, xPad: TensorInfo, dy: TensorInfo, g: FilterGradGeometry, n0: number, n1: number): TensorInfo {
  const { kh, kw, ci, co, oh, ow, sh, sw, dh, dw } = g;
  const hp = xPad.shape[1]!;
  const wp = xPad.shape[2]!;
  const nc = n1 - n0;
  const taps = kh * kw;
  const p = nc * oh * ow;
  const scratch = new Scratch(backend);
  try {
    const patches = scratch.keep(backend.makeOutput([taps, p, ci], 'float32'));
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const t = i * kw + j;
        if (sw === 1) {
          // Rows of a tap are contiguous runs of ow·Ci floats: copy them straight from the padded input.
          const src = backend.typedArrayFromHeap(xPad);
          const dst = backend.typedArrayFromHeap(patches);
          const run = ow * ci;
          let d = t * p * ci;
          for (let b = n0; b < n1; b++) {
            for (let y = 0; y < oh; y++) {
              const a = ((b * hp + y * sh + i * dh) * wp + j * dw) * ci;
              dst.set(src.subarray(a, a + run), d);
              d += run;
            }
          }
        } else {
          // A horizontal stride scatters a row's pixels: copy them one by one (a plain loop beats the
          // StridedSlice kernel here by far).
          const src = backend.typedArrayFromHeap(xPad);
          const dst = backend.typedArrayFromHeap(patches);
          const step = sw * ci;
          let d = t * p * ci;
          for (let b = n0; b < n1; b++) {
            for (let y = 0; y < oh; y++) {
              let a = ((b * hp + y * sh + i * dh) * wp + j * dw) * ci;
              for (let xx = 0; xx < ow; xx++, a += step) {
                for (let c = 0; c < ci; c++) dst[d++] = src[a + c]!;
              }
            }
          }
        }
      }
    }
    // [T, P, Ci] -> [T, Ci, P] (nothing moves for one channel) -> the GEMM's left side [1, T·Ci, P].
    const rows = ci === 1 ? patches : scratch.keep(transposeInfo(backend, patches, [0, 2, 1]));
    const a = scratch.keep(reshapeInfo(backend, rows, [1, taps * ci, p]));
    let b: TensorInfo;
    if (n0 === 0 && n1 === g.n) {
      b = scratch.keep(reshapeInfo(backend, dy, [1, p, co]));
    } else {
      b = scratch.keep(backend.makeOutput([1, p, co], 'float32'));
      heapCopy(backend, dy, n0 * oh * ow * co, b, 0, p * co);
    }
    return runOriginalKernel('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false }); // [1, T·Ci, Co]
  } finally {
    scratch.dispose();
  }
}

function gemmStrategy(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, g: FilterGradGeometry): TensorInfo {
  const scratch = new Scratch(backend);
  try {
    const needsPad = g.top + g.bottom + g.left + g.right > 0;
    const xPad = needsPad
      ? scratch.keep(padInfo(backend, x, [[0, 0], [g.top, g.bottom], [g.left, g.right], [0, 0]]))
      : x;
    const perImage = g.kh * g.kw * g.oh * g.ow * g.ci;
    const chunk = Math.max(1, Math.min(g.n, Math.floor(PATCH_BUDGET / perImage)));
    let sum: TensorInfo | null = null;
    for (let n0 = 0; n0 < g.n; n0 += chunk) {
      const part = gemmChunk(backend, xPad, dy, g, n0, Math.min(g.n, n0 + chunk));
      if (sum === null) {
        sum = part;
      } else {
        const next: TensorInfo = runWasmKernel('Add', backend, { a: sum, b: part });
        backend.disposeData(sum.dataId);
        backend.disposeData(part.dataId);
        sum = next;
      }
    }
    const out = reshapeInfo(backend, sum!, [g.kh, g.kw, g.ci, g.co]);
    backend.disposeData(sum!.dataId);
    return out;
  } finally {
    scratch.dispose();
  }
}

/** The kernel with a chosen strategy (the benchmark compares them; the registered kernel uses 'gemm'). */
export function conv2dBackpropFilterWith(strategy: BackpropFilterStrategy): (args: WasmKernelArgs<Conv2DBackpropFilterAttrs>) => TensorInfo {
  return (args) => {
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
    if ([n, h, w, ci, kh, kw, co, oh, ow].some((d) => d === 0)) {
      // Nothing to sum: a zero gradient.
      const out = backend.makeOutput([kh, kw, ci, co], 'float32');
      backend.typedArrayFromHeap(out).fill(0);
      return out;
    }
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    const dh = info.dilationHeight;
    const dw = info.dilationWidth;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const g: FilterGradGeometry = {
      n, h, w, ci, kh, kw, co, oh, ow, sh, sw, dh, dw, top, left,
      // Enough zero rows below so that every tap i < kh has its rows (the forward reads at most row
      // (oh−1)·s + (kh−1)·d − top).
      bottom: Math.max(0, (kh - 1) * dh + (oh - 1) * sh + 1 - h - top),
      right: Math.max(0, (kw - 1) * dw + (ow - 1) * sw + 1 - w - left),
    };
    return strategy === 'gemm' ? gemmStrategy(backend, x, dy, g) : convStrategy(backend, x, dy, g);
  };
}

export const conv2dBackpropFilter = conv2dBackpropFilterWith('gemm');
