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

/**
 * 'phase': sub-pixel decomposition, one exact convolution per phase (default); 'uniform-phase': one convolution
 * for all phases with filters padded to ⌈k/s⌉ taps; 'zeros': zero insertion + one stride-1 convolution.
 */
export type BackpropInputStrategy = 'phase' | 'uniform-phase' | 'zeros';

// ---------------------------------------------------------------------------------------------------------
// Backward filters kept across calls.
//
// The convolution that computes dx needs the filter rearranged (flipped, input/output channels swapped, split
// by phase). Built anew in every call, that copy is a new tensor each time, so XNNPACK also creates a new
// convolution operator and packs its weights each time (the WASM backend caches operators per filter tensor).
// A model's filters stay the same from call to call (an explainer's many gradients, the folded weights of an
// inference model), so the rearranged filter is kept per forward filter (its dataId) and geometry, and with it
// XNNPACK's packed operator: ~10% of the 1×1 convolutions' backward time in MobileNetV2.
//
// Lifetime: an entry lives exactly as long as its forward filter's data. tfjs never changes a tensor's data in
// place (a variable's assign gives it a new dataId), so an entry is never stale while the filter lives; the
// backend's disposeData is wrapped (once per backend) so that freeing a forward filter's data frees its backward
// filters with it (backend data counts come back to what they were, as without the cache). Every call also
// frees entries whose forward filter is gone (a safety net) and keeps at most MAX_CACHED forward filters (the
// least recently used freed first). The copies are backend data, not engine tensors.

const MAX_CACHED = 512;

/** Per backend: forward filter dataId -> (geometry key -> backward filter), in order of last use. */
const filterCaches = new WeakMap<BackendWasm, Map<object, Map<string, TensorInfo>>>();

function freeEntry(backend: BackendWasm, entry: Map<string, TensorInfo>): void {
  for (const info of entry.values()) backend.disposeData(info.dataId);
}

/** Frees the cached backward filters whose forward filter is gone, and the oldest beyond MAX_CACHED filters. */
function sweepFilters(backend: BackendWasm, cache: Map<object, Map<string, TensorInfo>>): void {
  for (const [dataId, entry] of cache) {
    if (!backend.dataIdMap.has(dataId)) {
      freeEntry(backend, entry);
      cache.delete(dataId);
    }
  }
  for (const [dataId, entry] of cache) {
    if (cache.size <= MAX_CACHED) break;
    freeEntry(backend, entry);
    cache.delete(dataId);
  }
}

const HOOKED = Symbol.for('@glassbox/tensors-ops/backward-filter-hook');

/** Wraps backend.disposeData so that the backward filters of a freed forward filter go with it. */
function hookDispose(backend: BackendWasm, filters: Map<object, Map<string, TensorInfo>>): void {
  const b = backend as unknown as Record<symbol, boolean | undefined> & { disposeData: BackendWasm['disposeData'] };
  if (b[HOOKED] === true) return;
  b[HOOKED] = true;
  const dispose = backend.disposeData.bind(backend);
  b.disposeData = (dataId, force) => {
    const result = dispose(dataId, force);
    const entry = filters.get(dataId as object);
    if (entry !== undefined && !backend.dataIdMap.has(dataId)) {
      filters.delete(dataId as object);
      freeEntry(backend, entry);
    }
    return result;
  };
}

/**
 * A backward filter of `filter`: the one cached under `key` (the geometry and phase), else `build()` stored
 * there (with `cache` false: a new one the caller frees).
 */
function backwardFilter(backend: BackendWasm, filter: TensorInfo, key: string, shape: number[], build: () => Float32Array, cache: boolean, scratch: Scratch): TensorInfo {
  if (!cache) return scratch.keep(backend.makeOutput(shape, 'float32', undefined, build()));
  let filters = filterCaches.get(backend);
  if (filters === undefined) {
    filters = new Map();
    filterCaches.set(backend, filters);
    hookDispose(backend, filters);
  }
  const dataId = filter.dataId as object;
  let entry = filters.get(dataId);
  if (entry !== undefined) filters.delete(dataId); // re-inserted below: most recently used last
  sweepFilters(backend, filters);
  entry ??= new Map();
  filters.set(dataId, entry);
  let info = entry.get(key);
  if (info === undefined) {
    info = backend.makeOutput(shape, 'float32', undefined, build());
    entry.set(key, info);
  }
  return info;
}

/** Frees every cached backward filter of `backend`; returns how many forward filters had some (tests). */
export function clearBackwardFilters(backend: BackendWasm): number {
  const filters = filterCaches.get(backend);
  if (filters === undefined) return 0;
  const n = filters.size;
  for (const entry of filters.values()) freeEntry(backend, entry);
  filters.clear();
  return n;
}

/** How many forward filters have cached backward filters on `backend` (tests). */
export function cachedBackwardFilters(backend: BackendWasm): number {
  return filterCaches.get(backend)?.size ?? 0;
}

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

/**
 * The sub-pixel route with one stride-1 convolution per output phase (rh, rw), each with exactly the taps
 * k = m·s + r of its phase (3×3, stride 2: 2×2, 2×1, 1×2 and 1×1 taps, 9 in all), so it multiplies exactly what
 * the definition does. The phases are written interleaved (and cropped) straight into the output on the heap.
 */
function exactPhaseBackpropInput(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo, cacheFilters: boolean): TensorInfo | null {
  const [n, h, w, ci] = info.inShape;
  const [kh, kw, , co] = filter.shape as [number, number, number, number];
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  if (sh === 1 && sw === 1) return uniformPhaseBackpropInput(backend, dy, filter, info, cacheFilters);
  const oh = dy.shape[1]!;
  const ow = dy.shape[2]!;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  // Phase row q (of padded row index q·s + r) is needed for q0..q0+Q-1 (the same range for every phase).
  const q0h = Math.floor(padTop / sh);
  const q0w = Math.floor(padLeft / sw);
  const qh = Math.ceil((padTop + h) / sh) - q0h;
  const qw = Math.ceil((padLeft + w) / sw) - q0w;
  // Output row i sits at padded row i + padTop = q·s + r, phase row q − q0: i = (q − q0)·s + r − cropTop.
  const cropTop = padTop - q0h * sh;
  const cropLeft = padLeft - q0w * sw;
  const tapsH = (r: number): number => (r < kh ? Math.ceil((kh - r) / sh) : 0);
  const tapsW = (r: number): number => (r < kw ? Math.ceil((kw - r) / sw) : 0);
  // Padding each phase convolution so that its output row 0 is phase row q0: top = M − 1 − q0 must be >= 0.
  for (let r = 0; r < sh; r++) if (tapsH(r) > 0 && tapsH(r) - 1 - q0h < 0) return null;
  for (let r = 0; r < sw; r++) if (tapsW(r) > 0 && tapsW(r) - 1 - q0w < 0) return null;

  let wv: Float32Array | null = null;
  const scratch = new Scratch(backend);
  try {
    const out = backend.makeOutput([n, h, w, ci], 'float32');
    let done = false;
    try {
      for (let rh = 0; rh < sh; rh++) {
        for (let rw = 0; rw < sw; rw++) {
          const mh = tapsH(rh);
          const mw = tapsW(rw);
          let z: TensorInfo | null = null;
          if (mh > 0 && mw > 0) {
            // Phase filter [mh, mw, Co, Ci], flipped: G[a, b, o, c] = w[(mh−1−a)·sh + rh, (mw−1−b)·sw + rw, c, o].
            const build = (): Float32Array => {
              wv ??= backend.readSync(filter.dataId) as Float32Array;
              const g = new Float32Array(mh * mw * co * ci);
              for (let a = 0; a < mh; a++) {
                const y = (mh - 1 - a) * sh + rh;
                for (let b = 0; b < mw; b++) {
                  const x = (mw - 1 - b) * sw + rw;
                  const gBase = (a * mw + b) * co * ci;
                  const wBase = (y * kw + x) * ci * co;
                  for (let c = 0; c < ci; c++) {
                    const wRow = wBase + c * co;
                    for (let o = 0; o < co; o++) g[gBase + o * ci + c] = wv[wRow + o]!;
                  }
                }
              }
              return g;
            };
            const top = mh - 1 - q0h;
            const left = mw - 1 - q0w;
            // Output rows = oh + top + bottom − mh + 1 must reach qh; extra rows are skipped when copying.
            const bottom = Math.max(0, qh - oh - top + mh - 1);
            const right = Math.max(0, qw - ow - left + mw - 1);
            const gInfo = backwardFilter(backend, filter, `exact ${sh} ${sw} ${rh} ${rw}`, [mh, mw, co, ci], build, cacheFilters, scratch);
            z = scratch.keep(stride1Conv(backend, dy, gInfo, [top, bottom, left, right])); // [N, >=qh, >=qw, Ci]
          }
          // One view of the whole heap, taken after every allocation (the heap may have grown); element offsets.
          const dstView = backend.typedArrayFromHeap(out) as Float32Array;
          const heap = new Float32Array(dstView.buffer);
          const dst0 = dstView.byteOffset >> 2;
          const src0 = z === null ? 0 : (backend.typedArrayFromHeap(z) as Float32Array).byteOffset >> 2;
          const zh = z === null ? 0 : z.shape[1]!;
          const zw = z === null ? 0 : z.shape[2]!;
          const iStart = rh - cropTop + sh * Math.ceil(Math.max(0, cropTop - rh) / sh);
          const jStart = rw - cropLeft + sw * Math.ceil(Math.max(0, cropLeft - rw) / sw);
          for (let b = 0; b < n; b++) {
            for (let i = iStart; i < h; i += sh) {
              const q = (i + cropTop - rh) / sh;
              const rowDst = dst0 + (b * h + i) * w * ci;
              const rowSrc = src0 + (b * zh + q) * zw * ci;
              for (let j = jStart; j < w; j += sw) {
                const d = rowDst + j * ci;
                if (z === null) {
                  heap.fill(0, d, d + ci);
                } else {
                  const s0 = rowSrc + ((j + cropLeft - rw) / sw) * ci;
                  // copyWithin (a memmove) beats an element loop from ~8 channels on.
                  if (ci >= 8) heap.copyWithin(d, s0, s0 + ci);
                  else for (let c = 0; c < ci; c++) heap[d + c] = heap[s0 + c]!;
                }
              }
            }
          }
        }
      }
      done = true;
      return out;
    } finally {
      if (!done) backend.disposeData(out.dataId);
    }
  } finally {
    scratch.dispose();
  }
}

/**
 * Few input channels (Ci < 8, e.g. the gradient to a 1-channel image): a convolution with Ci output channels
 * leaves most of XNNPACK's 8-wide output tiles empty (~3 GFLOP/s). Instead one plain product gives every
 * tap's contribution, T = dy [N·Oh·Ow, Co] · Wᵀ [Co, kh·kw·Ci], and a col2im pass adds each tap into its
 * input pixel: dx[o·s + k − p] += T[o, k]. Same flops as the definition; the sum over channels is done per
 * tap first, so the rounding differs slightly from the convolution routes.
 */
function col2imBackpropInput(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo, cacheFilters: boolean): TensorInfo {
  const [n, h, w, ci] = info.inShape;
  const [kh, kw, , co] = filter.shape as [number, number, number, number];
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const oh = dy.shape[1]!;
  const ow = dy.shape[2]!;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const taps = kh * kw * ci;
  // Wᵀ [Co, kh·kw·Ci]: row o holds w[:, :, :, o] in (kh, kw, Ci) order.
  const build = (): Float32Array => {
    const wv = backend.readSync(filter.dataId) as Float32Array;
    const wt = new Float32Array(co * taps);
    for (let t = 0; t < taps; t++) for (let o = 0; o < co; o++) wt[o * taps + t] = wv[t * co + o]!;
    return wt;
  };
  const scratch = new Scratch(backend);
  try {
    const a = scratch.keep(reshapeInfo(backend, dy, [1, n * oh * ow, co]));
    const b = backwardFilter(backend, filter, 'col2im', [1, co, taps], build, cacheFilters, scratch);
    const t = scratch.keep(runWasmKernel('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false })); // [1, N·Oh·Ow, taps]
    const out = backend.makeOutput([n, h, w, ci], 'float32');
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    const src = backend.typedArrayFromHeap(t) as Float32Array;
    dst.fill(0);
    // Loop order (image, output row, tap row, tap column, output column) keeps the innermost loop simple;
    // for each tap column the output columns whose input column is inside the image are a contiguous range.
    const colRange: Array<[number, number]> = [];
    for (let x = 0; x < kw; x++) {
      const lo = Math.max(0, Math.ceil((padLeft - x) / sw));
      const hi = Math.min(ow, Math.floor((w - 1 + padLeft - x) / sw) + 1);
      colRange.push([lo, Math.max(lo, hi)]);
    }
    for (let bIdx = 0; bIdx < n; bIdx++) {
      for (let r = 0; r < oh; r++) {
        const srcRow = (bIdx * oh + r) * ow * taps;
        for (let y = 0; y < kh; y++) {
          const i = r * sh + y - padTop;
          if (i < 0 || i >= h) continue;
          const dstRow = (bIdx * h + i) * w * ci;
          for (let x = 0; x < kw; x++) {
            const [lo, hi] = colRange[x]!;
            const tap = (y * kw + x) * ci;
            if (ci === 1) {
              // The common case (the gradient to a grey image): one strided add per output column.
              let d = dstRow + lo * sw + x - padLeft;
              let s0 = srcRow + lo * taps + tap;
              for (let c = lo; c < hi; c++, d += sw, s0 += taps) dst[d] += src[s0]!;
            } else {
              for (let c = lo; c < hi; c++) {
                const d = dstRow + (c * sw + x - padLeft) * ci;
                const s0 = srcRow + c * taps + tap;
                for (let k = 0; k < ci; k++) dst[d + k] += src[s0 + k]!;
              }
            }
          }
        }
      }
    }
    return out;
  } finally {
    scratch.dispose();
  }
}

/**
 * The sub-pixel route with one convolution for all phases: every phase filter padded to ⌈k/s⌉ taps per axis,
 * output channels [phase, Ci], then a DepthToSpace-style transpose. Up to ~1.8x the minimal flops when k is
 * not a multiple of s; kept for stride 1 (one phase) and for the benchmark.
 */
function uniformPhaseBackpropInput(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo, cacheFilters: boolean): TensorInfo | null {
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
  const phases = sh * sw * ci;
  const buildPhaseFilter = (): Float32Array => {
    const wv = backend.readSync(filter.dataId) as Float32Array;
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
    return g;
  };

  const scratch = new Scratch(backend);
  try {
    const gShape = [mh, mw, co, phases];
    const gInfo = backwardFilter(backend, filter, `uniform ${sh} ${sw}`, gShape, buildPhaseFilter, cacheFilters, scratch);
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

/**
 * The kernel with a chosen strategy (the benchmark compares them; the registered kernel uses 'phase' and caches
 * the backward filters). `cacheFilters: false` builds the backward filter anew in every call.
 */
export function conv2dBackpropInputWith(strategy: BackpropInputStrategy, { cacheFilters = true }: { cacheFilters?: boolean } = {}): (args: WasmKernelArgs<Conv2DBackpropInputAttrs>) => TensorInfo {
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
    const ci = attrs.inputShape[3];
    const out =
      strategy === 'phase'
        ? ci < 8
          ? col2imBackpropInput(backend, dy, filter, info, cacheFilters)
          : exactPhaseBackpropInput(backend, dy, filter, info, cacheFilters)
        : strategy === 'uniform-phase'
          ? uniformPhaseBackpropInput(backend, dy, filter, info, cacheFilters)
          : zerosBackpropInput(backend, dy, filter, info);
    return out ?? runOriginalKernel('Conv2DBackpropInput', backend, inputs, { ...attrs });
  };
}

export const conv2dBackpropInput = conv2dBackpropInputWith('phase');
