/**
 * DepthwiseConv2dNativeBackpropInput (the input gradient of depthwiseConv2d) for the WASM backend, which has
 * none in tfjs 4.22.
 *
 *   dx[n, r, q, c] = Σ_{y, x, i, j, m : y·s + i − p = r, x·s + j − p = q} dy[n, y, x, c·M + m] · w[i, j, c, m]
 *
 * With multiplier M = 1 each channel is its own 2-D problem, and per axis dx[r] = Σ_{o, i : o·s + i − p = r} dy[o]·w[i].
 * At stride 1 that is dx[r] = Σ_i dy[r + p − i]·w[i]: a stride-1 depthwise convolution of dy with the spatially
 * flipped filter, padded k − 1 − p at the top/left. So the kernel calls the WASM backend's own
 * DepthwiseConv2dNative (XNNPACK) once, with that explicit padding, and its output is dx.
 *
 * At stride s > 1 the registered strategy, 'taps', sums exactly the definition's products in one pass of a small
 * WebAssembly SIMD module on the backend's heap (./simd-taps.ts): a table lists, for each input pixel, the (dy, w)
 * pairs that reach it (3×3 at stride 2: 1, 2 or 4 of them) and the module adds them up, eight channels at a time
 * (C a multiple of 8, else the next route). 'zeros' (the previous route, and the fallback) first inserts s − 1
 * zeros after each row and column of dy (one PadV2 of dy seen as [N, Oh, 1, Ow, 1, C]), which turns the sum into
 * the stride-1 one (rows and columns past the input's cut off): s² times the products, mostly with zeros, plus
 * the padding pass. At stride 1 XNNPACK's convolution stays: the tap sums are no faster there (9 taps per pixel
 * either way). 'phase', kept for bench/mobilenet-kernels.mjs, splits dx by output phase (r + p = t·s + φ leaves
 * the taps i = a·s + φ: one small stride-1 XNNPACK convolution per phase) and interleaves the phases in JS; the
 * interleave makes it slower. Main-thread CPU ms, 8 rows of MobileNetV2 at 224×224 (bench/mobilenet-kernels.mjs
 * and bench/mobilenet-profile.mjs; 'loop' is the JS scatter below, the kernel before those):
 *
 *   | dy → dx                      | taps | zeros | phase |  loop |
 *   |------------------------------|------|-------|-------|-------|
 *   | 112×112×32, stride 1         |  5.5 |   6.0 |   6.3 | 130.0 |
 *   | 56×56×96 → 112×112, stride 2 |  5.1 |  18.8 |  64.0 | 100.0 |
 *
 * (the stride-1 'taps' figure is a measurement of the module at stride 1, which the kernel does not use).
 *
 * The JS scatter over dy on the WASM heap (the cpu kernel's arithmetic without copying the tensors across
 * backends) remains for multipliers > 1 and for paddings the convolution cannot express (an explicit padding of
 * k or more). Dilations other than 1 (which tfjs-core's gradient never sends) and other dtypes are bridged to the
 * cpu kernel. The convolution sums the taps in XNNPACK's order, so results differ from the cpu kernel's by
 * float32 rounding only (~1e-7 relative; tested at 1e-5).
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { Scratch, bridgeToCpu, runWasmKernel, type BackendWasm, type WasmKernelArgs } from './shared.js';
import { wasmMemoryOf } from './simd-masks.js';
import { simdTapsFor } from './simd-taps.js';

export interface DepthwiseBackpropInputAttrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * 'taps': the SIMD tap sums at stride > 1 (registered; 'zeros' where it declines and at stride 1); 'zeros': zero
 * insertion (at stride > 1) + one stride-1 XNNPACK depthwise convolution; 'phase': one
 * XNNPACK depthwise convolution per output phase, interleaved in JS; 'loop': the JS scatter on the WASM heap (also
 * the fallback of the other two).
 */
export type DepthwiseBackpropInputStrategy = 'taps' | 'phase' | 'zeros' | 'loop';

/** A stride-1 depthwise convolution (multiplier 1) of x [N, H, W, C] with filter [kh, kw, C, 1] and explicit padding. */
function depthwiseStride1(backend: BackendWasm, x: TensorInfo, filter: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
  return runWasmKernel(
    'DepthwiseConv2dNative',
    backend,
    { x, filter },
    { strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dilations: [1, 1], dataFormat: 'NHWC' },
  );
}

/**
 * Taps (rows ya..., columns xa...) of `w` [kh, kw, C, 1] as a flipped filter [mh, mw, C, 1]:
 * g[a, b, c] = w[(mh − 1 − a)·sh + φh, (mw − 1 − b)·sw + φw, c].
 */
function phaseFilter(wv: Float32Array, kw: number, c: number, sh: number, sw: number, phH: number, phW: number, mh: number, mw: number): Float32Array {
  const g = new Float32Array(mh * mw * c);
  for (let a = 0; a < mh; a++) {
    const y = (mh - 1 - a) * sh + phH;
    for (let b = 0; b < mw; b++) {
      const x = (mw - 1 - b) * sw + phW;
      g.set(wv.subarray((y * kw + x) * c, (y * kw + x + 1) * c), (a * mw + b) * c);
    }
  }
  return g;
}

/**
 * The phase route. Output row r sits at padded row r + p = t·s + φ; phase φ has mh = ⌈(k − φ)/s⌉ taps and its
 * row t is Σ_a dy[t − a]·w[a·s + φ], a stride-1 convolution of dy with the flipped taps and top padding mh − 1
 * when its output row 0 is t = 0. Rows t0 .. t0 + T − 1 are needed (t0 = ⌊p/s⌋), so the top padding is
 * mh − 1 − t0 (the route declines when that is negative) and the bottom padding is what makes T rows.
 * Returns null where it declines.
 */
function phaseBackpropInput(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const [n, h, w, c] = info.inShape;
  const [kh, kw] = filter.shape as [number, number, number, number];
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const oh = dy.shape[1]!;
  const ow = dy.shape[2]!;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const t0h = Math.floor(padTop / sh);
  const t0w = Math.floor(padLeft / sw);
  const th = Math.ceil((padTop + h) / sh) - t0h;
  const tw = Math.ceil((padLeft + w) / sw) - t0w;
  const tapsH = (ph: number): number => (ph < kh ? Math.ceil((kh - ph) / sh) : 0);
  const tapsW = (ph: number): number => (ph < kw ? Math.ceil((kw - ph) / sw) : 0);
  for (let ph = 0; ph < sh; ph++) if (tapsH(ph) > 0 && tapsH(ph) - 1 - t0h < 0) return null;
  for (let ph = 0; ph < sw; ph++) if (tapsW(ph) > 0 && tapsW(ph) - 1 - t0w < 0) return null;
  const wv = backend.readSync(filter.dataId) as Float32Array;

  if (sh === 1 && sw === 1) {
    // One phase: the convolution's output is dx itself (T = h rows from t0 = p).
    const top = kh - 1 - padTop;
    const left = kw - 1 - padLeft;
    const bottom = h - oh + kh - 1 - top;
    const right = w - ow + kw - 1 - left;
    if (bottom < 0 || right < 0) return null;
    const scratch = new Scratch(backend);
    try {
      const g = scratch.keep(backend.makeOutput([kh, kw, c, 1], 'float32', undefined, phaseFilter(wv, kw, c, 1, 1, 0, 0, kh, kw)));
      return depthwiseStride1(backend, dy, g, top, bottom, left, right);
    } finally {
      scratch.dispose();
    }
  }

  const scratch = new Scratch(backend);
  const out = backend.makeOutput([n, h, w, c], 'float32');
  let done = false;
  try {
    // Output row r = (t − t0)·s + φ − cropTop.
    const cropTop = padTop - t0h * sh;
    const cropLeft = padLeft - t0w * sw;
    for (let phH = 0; phH < sh; phH++) {
      for (let phW = 0; phW < sw; phW++) {
        // Rows/columns r ≡ φ − crop (mod s) of the output belong to this phase.
        const rStart = (((phH - cropTop) % sh) + sh) % sh;
        const qStart = (((phW - cropLeft) % sw) + sw) % sw;
        if (rStart >= h || qStart >= w) continue;
        const mh = tapsH(phH);
        const mw = tapsW(phW);
        let z: TensorInfo | null = null;
        if (mh > 0 && mw > 0) {
          const top = mh - 1 - t0h;
          const left = mw - 1 - t0w;
          // Output rows oh + top + bottom − mh + 1 must reach T; surplus rows are not read.
          const bottom = Math.max(0, th - oh - top + mh - 1);
          const right = Math.max(0, tw - ow - left + mw - 1);
          const g = scratch.keep(backend.makeOutput([mh, mw, c, 1], 'float32', undefined, phaseFilter(wv, kw, c, sh, sw, phH, phW, mh, mw)));
          z = scratch.keep(depthwiseStride1(backend, dy, g, top, bottom, left, right));
        }
        // Views taken after every allocation (the heap may have grown); element offsets into one heap view.
        const dstView = backend.typedArrayFromHeap(out) as Float32Array;
        const heap = new Float32Array(dstView.buffer);
        const dst0 = dstView.byteOffset >> 2;
        const src0 = z === null ? 0 : (backend.typedArrayFromHeap(z) as Float32Array).byteOffset >> 2;
        const zh = z === null ? 0 : z.shape[1]!;
        const zw = z === null ? 0 : z.shape[2]!;
        for (let b = 0; b < n; b++) {
          for (let r = rStart; r < h; r += sh) {
            const t = (r + cropTop - phH) / sh;
            const rowDst = dst0 + (b * h + r) * w * c;
            if (z === null) {
              for (let q = qStart; q < w; q += sw) heap.fill(0, rowDst + q * c, rowDst + (q + 1) * c);
              continue;
            }
            const rowSrc = src0 + (b * zh + t) * zw * c;
            if (sw === 1) {
              // Whole rows are contiguous.
              const s0 = rowSrc + (qStart + cropLeft - phW) * c;
              heap.copyWithin(rowDst, s0, s0 + w * c);
              continue;
            }
            for (let q = qStart, u = (qStart + cropLeft - phW) / sw; q < w; q += sw, u++) {
              const d = rowDst + q * c;
              const s0 = rowSrc + u * c;
              // copyWithin (a memmove) beats an element loop from ~8 channels on.
              if (c >= 8) heap.copyWithin(d, s0, s0 + c);
              else for (let k = 0; k < c; k++) heap[d + k] = heap[s0 + k]!;
            }
          }
        }
      }
    }
    done = true;
    return out;
  } finally {
    if (!done) backend.disposeData(out.dataId);
    scratch.dispose();
  }
}

/**
 * The zero-insertion route: dy with s − 1 zeros after each row and column (length U = O·s), then one stride-1
 * convolution with the flipped filter, padding top k − 1 − p; output rows past H are cut off.
 */
function zerosBackpropInput(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const [n, h, w, c] = info.inShape;
  const [kh, kw] = filter.shape as [number, number, number, number];
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
  const wv = backend.readSync(filter.dataId) as Float32Array;
  const scratch = new Scratch(backend);
  try {
    let up = dy;
    if (sh > 1 || sw > 1) {
      const dy6 = scratch.keep(runWasmKernel('Reshape', backend, { x: dy }, { shape: [n, oh, 1, ow, 1, c] }));
      const padded = scratch.keep(runWasmKernel('PadV2', backend, { x: dy6 }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 }));
      up = scratch.keep(runWasmKernel('Reshape', backend, { x: padded }, { shape: [n, uh, uw, c] }));
    }
    const g = scratch.keep(backend.makeOutput([kh, kw, c, 1], 'float32', undefined, phaseFilter(wv, kw, c, 1, 1, 0, 0, kh, kw)));
    const z = depthwiseStride1(backend, up, g, top, bottom, left, right);
    if (z.shape[1] === h && z.shape[2] === w) return z;
    scratch.keep(z);
    return runWasmKernel('Slice', backend, { x: z }, { begin: [0, 0, 0, 0], size: [n, h, w, c] });
  } finally {
    scratch.dispose();
  }
}

/**
 * The taps route (stride > 1, multiplier 1, C a multiple of 8, WebAssembly SIMD): one pass of ./simd-taps.ts that
 * sums, for each input pixel, exactly the (dy, w) products of the definition, dx[r, q] = Σ dy[y, x] · w[i, j] over
 * y·s + i − p = r and x·s + j − p = q (1, 2 or 4 taps per pixel for 3×3 at stride 2), from a tap table built here.
 * Returns null where it declines.
 */
function tapsBackpropInput(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const [n, h, w, c] = info.inShape;
  const [kh, kw] = filter.shape as [number, number, number, number];
  if (c % 8 !== 0) return null;
  const taps = simdTapsFor(wasmMemoryOf(backend as unknown as { wasm: unknown }));
  if (taps === null) return null;
  const oh = dy.shape[1]!;
  const ow = dy.shape[2]!;
  const { strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  /** Per output index r: the (filter index, dy index) pairs with o·s + i − pad = r, o in range. */
  const axisTaps = (size: number, k: number, s: number, pad: number, o: number): Array<Array<[number, number]>> => {
    const out: Array<Array<[number, number]>> = [];
    for (let r = 0; r < size; r++) {
      const list: Array<[number, number]> = [];
      for (let i = 0; i < k; i++) {
        const t = r + pad - i;
        if (t >= 0 && t % s === 0 && t / s < o) list.push([i, t / s]);
      }
      out.push(list);
    }
    return out;
  };
  const rows = axisTaps(h, kh, sh, top, oh);
  const cols = axisTaps(w, kw, sw, left, ow);
  let entries = 0;
  for (const rl of rows) for (const cl of cols) entries += 1 + 2 * rl.length * cl.length;
  const scratch = new Scratch(backend);
  const out = backend.makeOutput([n, h, w, c], 'float32');
  let done = false;
  try {
    const table = scratch.keep(backend.makeOutput([entries], 'int32'));
    const tv = backend.typedArrayFromHeap(table) as Int32Array;
    let e = 0;
    for (const rl of rows) {
      for (const cl of cols) {
        tv[e++] = rl.length * cl.length;
        for (const [i, y] of rl) {
          for (const [j, x] of cl) {
            tv[e++] = (y * ow + x) * c * 4;
            tv[e++] = (i * kw + j) * c * 4;
          }
        }
      }
    }
    // Byte addresses, taken after every allocation (the heap may have grown).
    const at = (t: TensorInfo): number => (backend.typedArrayFromHeap(t) as Float32Array | Int32Array).byteOffset;
    const outAt = at(out);
    const dyAt = at(dy);
    const wAt = at(filter);
    const tableAt = at(table);
    for (let b = 0; b < n; b++) taps(outAt + b * h * w * c * 4, dyAt + b * oh * ow * c * 4, wAt, tableAt, h * w, c * 4);
    done = true;
    return out;
  } finally {
    if (!done) backend.disposeData(out.dataId);
    scratch.dispose();
  }
}

/** The JS scatter over dy on the WASM heap (any multiplier). */
function loopBackpropInput(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const [n, h, w, c] = info.inShape;
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

/** The kernel with a chosen strategy (the benchmark compares them; the registered kernel uses 'taps'). */
export function depthwiseConv2dBackpropInputWith(strategy: DepthwiseBackpropInputStrategy): (args: WasmKernelArgs<DepthwiseBackpropInputAttrs>) => TensorInfo {
  return (args) => {
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
    const sizes = [...dy.shape, ...filter.shape, ...attrs.inputShape];
    const convolvable = filter.shape[3] === 1 && !sizes.includes(0);
    let out: TensorInfo | null = null;
    const strided = info.strideHeight > 1 || info.strideWidth > 1;
    if (convolvable && strategy === 'taps' && strided) out = tapsBackpropInput(backend, dy, filter, info);
    if (out === null && convolvable && (strategy === 'zeros' || strategy === 'taps')) out = zerosBackpropInput(backend, dy, filter, info);
    else if (convolvable && strategy === 'phase') out = phaseBackpropInput(backend, dy, filter, info);
    return out ?? loopBackpropInput(backend, dy, filter, info);
  };
}

export const depthwiseConv2dBackpropInput = depthwiseConv2dBackpropInputWith('taps');
