/**
 * The exact incremental fast path of occlusion for convolutional tensors-ops `Sequential` models.
 *
 * Occlusion changes a small window of the input, so in the first layers of a CNN (the "local prefix": layers
 * whose output pixel depends only on a spatial window of their input) most of every activation is the same
 * as for the unperturbed image. Per image, the prefix activations of x are computed once (A_0 = x, ...,
 * A_L); per occluded row, each prefix layer only computes the outputs whose receptive field meets the
 * changed rectangle of its input, by running the layer with 'valid' padding on the input crop those outputs
 * read (the baseline activation with the changed values pasted in, zeros where a 'same' layer pads). The
 * changed rectangle of A_L is pasted into A_L and the rest of the model (the head) runs on the full rows.
 * Every output value is computed by the same operations as in the full forward pass, so the scores equal the
 * full path's up to float rounding.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  DEFAULT_BATCH_MEMORY_BUDGET,
  sequentialOf,
  type Sequential,
  activation,
  assertFiniteOutput,
  avgPool,
  batchNorm,
  checkModelOutput,
  checkOutputWidth,
  conv2d,
  maxPool,
  tf,
  throwIfAborted,
  yieldToEventLoop,
  type ActivationConfig,
  type ExplainerRun,
  type FiniteOutputInfo,
  type LayerInfo,
  type Predictable,
} from '@glassbox/tensors-ops';
import type { Prepared } from './prepare.js';

/** How a windowed layer maps rows (or columns) of its input to rows of its output. */
interface Axis {
  /** Input length. */
  size: number;
  /** Output length. */
  out: number;
  stride: number;
  /** Effective (dilated) window length: (k - 1) * dilation + 1. */
  eff: number;
  /** Zero rows padded before the input (TensorFlow's 'same' rule), 0 for 'valid'. */
  pad: number;
}

/** One layer of the local prefix. */
interface LocalLayer {
  index: number;
  name: string;
  inShape: [number, number, number];
  outShape: [number, number, number];
  /** Rows and columns of a windowed layer (conv2d, pooling); null for pointwise layers. */
  window: { rows: Axis; cols: Axis } | null;
  /** The layer on a batch of crops ('valid' padding for windowed layers), inference mode. */
  run: (t: Tensor) => Tensor;
}

/** A Sequential whose occlusion can run incrementally, with its local prefix. */
export interface IncrementalModel {
  model: Sequential;
  prefix: LocalLayer[];
}

/** Occlusion windows of rank-3 rows: per window, [row0, rows, col0, cols, channel0, channels]. */
export interface OcclusionWindows {
  count: number;
  rects: Int32Array;
}

function isElementwise(a: Readonly<ActivationConfig> | null): boolean {
  return a === null || (a.fn !== 'softmax' && a.fn !== 'logSoftmax');
}

function axis(size: number, out: number, k: number, stride: number, dilation: number, padding: string): Axis {
  const eff = (k - 1) * dilation + 1;
  const pad = padding === 'same' ? Math.floor(Math.max(0, (out - 1) * stride + eff - size) / 2) : 0;
  return { size, out, stride, eff, pad };
}

function pair(v: unknown): [number, number] {
  return typeof v === 'number' ? [v, v] : [(v as number[])[0]!, (v as number[])[1]!];
}

/** The prefix layer for a layer, or null when the layer is not local (the prefix ends before it). */
function localLayer(info: LayerInfo, model: Sequential): LocalLayer | null {
  if (info.inputShape.length !== 3 || info.outputShape.length !== 3) return null;
  const inShape = info.inputShape.slice() as [number, number, number];
  const outShape = info.outputShape.slice() as [number, number, number];
  const spec = info.spec as unknown as Record<string, unknown>;
  const param = (key: string): Tensor | undefined => model.params.get(`${info.name}/${key}`);
  const base = { index: info.index, name: info.name, inShape, outShape };
  switch (info.type) {
    case 'conv2d': {
      const act = info.activation;
      const kernel = param('kernel');
      const bias = spec.useBias === false ? null : param('bias');
      if (!isElementwise(act) || kernel === undefined || bias === undefined) return null;
      const k = pair(spec.kernelSize);
      const s = pair(spec.strides ?? 1);
      const d = pair(spec.dilations ?? 1);
      const padding = String(spec.padding ?? 'valid');
      if (padding !== 'same' && padding !== 'valid') return null;
      const rows = axis(inShape[0], outShape[0], k[0], s[0], d[0], padding);
      const cols = axis(inShape[1], outShape[1], k[1], s[1], d[1], padding);
      const options = { strides: s, padding: 'valid' as const, dilations: d, activation: act === null ? ({ fn: 'linear' } as ActivationConfig) : { ...act } };
      return { ...base, window: { rows, cols }, run: (t) => conv2d(t, kernel, bias, options) };
    }
    case 'maxPool':
    case 'avgPool': {
      const k = pair(spec.poolSize ?? 2);
      const s = pair(spec.strides ?? k);
      const padding = String(spec.padding ?? 'valid');
      if (padding !== 'same' && padding !== 'valid') return null;
      // 'same' pooling ignores padded cells (they are not zeros): local only when it pads nothing.
      const padsNothing = (size: number, out: number, kk: number, ss: number): boolean => (out - 1) * ss + kk - size <= 0;
      if (padding === 'same' && !(padsNothing(inShape[0], outShape[0], k[0], s[0]) && padsNothing(inShape[1], outShape[1], k[1], s[1]))) return null;
      const rows = axis(inShape[0], outShape[0], k[0], s[0], 1, 'valid');
      const cols = axis(inShape[1], outShape[1], k[1], s[1], 1, 'valid');
      const options = { poolSize: k, strides: s, padding: 'valid' as const };
      const pool = info.type === 'maxPool' ? maxPool : avgPool;
      return { ...base, window: { rows, cols }, run: (t) => pool(t, options) };
    }
    case 'batchNorm': {
      const gamma = param('gamma');
      const beta = param('beta');
      const movingMean = param('movingMean');
      const movingVariance = param('movingVariance');
      if (gamma === undefined || beta === undefined || movingMean === undefined || movingVariance === undefined) return null;
      const options = { training: false, epsilon: spec.epsilon as number };
      return { ...base, window: null, run: (t) => batchNorm(t, { gamma, beta, movingMean, movingVariance }, options) };
    }
    case 'activation': {
      const act = info.activation;
      if (act === null || !isElementwise(act)) return null;
      const config = { ...act };
      return { ...base, window: null, run: (t) => activation(t, config) };
    }
    case 'dropout':
      // Inference mode: the identity.
      return { ...base, window: null, run: (t) => t };
    default:
      return null;
  }
}

/**
 * Whether occlusion of rows of shape `rowShape` on f can take the incremental path: f is (or wraps) a live
 * tensors-ops Sequential whose input rows are `rowShape` (rank 3, [H, W, C]) and whose first layers form a
 * non-empty local prefix followed by at least one other layer. Returns null otherwise (the full path runs,
 * with its usual errors).
 */
export function planIncremental(f: Predictable, rowShape: readonly number[]): IncrementalModel | null {
  const model = sequentialOf(f);
  if (model === null || model.isDisposed) return null;
  if (rowShape.length !== 3 || model.inputShape.length !== 3 || rowShape.some((d, i) => d !== model.inputShape[i])) return null;
  const prefix: LocalLayer[] = [];
  for (const info of model.layers) {
    const layer = localLayer(info, model);
    if (layer === null) break;
    prefix.push(layer);
  }
  if (prefix.length === 0 || prefix.length === model.layers.length) return null;
  return { model, prefix };
}

// ---------------------------------------------------------------- geometry

/**
 * Per window, how its change travels through the prefix: for each layer l, the top-left corner of the input
 * crop the layer runs on and of the output rectangle it computes; the sizes are the same for every window of
 * a group (windows with equal sizes at every layer share model calls).
 */
interface Trace {
  /** Per window and layer (index k * L + l): crop row / column start (may be negative: zero padding). */
  cropY: Int32Array;
  cropX: Int32Array;
  /** Per window and layer: output rectangle row / column start. */
  outY: Int32Array;
  outX: Int32Array;
  groups: Group[];
}

interface Group {
  /** Windows whose change reaches A_L (false: it dies out in the prefix, the row scores F(x)). */
  live: boolean;
  /** Per layer: crop size and output rectangle size. */
  cropH: number[];
  cropW: number[];
  outH: number[];
  outW: number[];
  windows: number[];
}

/** Output positions [o0, o1) whose window meets input positions [a, b) (empty when o0 >= o1). */
function changedRange(ax: Axis, a: number, b: number): [number, number] {
  const o0 = Math.max(0, Math.ceil((a + ax.pad - ax.eff + 1) / ax.stride));
  const o1 = Math.min(ax.out, Math.floor((b - 1 + ax.pad) / ax.stride) + 1);
  return [o0, o1];
}

function traceWindows(prefix: readonly LocalLayer[], windows: OcclusionWindows): Trace {
  const L = prefix.length;
  const w = windows.count;
  const cropY = new Int32Array(w * L);
  const cropX = new Int32Array(w * L);
  const outY = new Int32Array(w * L);
  const outX = new Int32Array(w * L);
  const byKey = new Map<string, Group>();
  const dead: Group = { live: false, cropH: [], cropW: [], outH: [], outW: [], windows: [] };
  for (let k = 0; k < w; k++) {
    let y = windows.rects[k * 6]!;
    let h = windows.rects[k * 6 + 1]!;
    let x = windows.rects[k * 6 + 2]!;
    let wd = windows.rects[k * 6 + 3]!;
    const cropH: number[] = [];
    const cropW: number[] = [];
    const outH: number[] = [];
    const outW: number[] = [];
    let live = true;
    for (let l = 0; l < L && live; l++) {
      const win = prefix[l]!.window;
      if (win === null) {
        cropY[k * L + l] = y;
        cropX[k * L + l] = x;
        cropH.push(h);
        cropW.push(wd);
      } else {
        const [r0, r1] = changedRange(win.rows, y, y + h);
        const [c0, c1] = changedRange(win.cols, x, x + wd);
        if (r0 >= r1 || c0 >= c1) {
          live = false;
          break;
        }
        cropY[k * L + l] = r0 * win.rows.stride - win.rows.pad;
        cropX[k * L + l] = c0 * win.cols.stride - win.cols.pad;
        cropH.push((r1 - r0 - 1) * win.rows.stride + win.rows.eff);
        cropW.push((c1 - c0 - 1) * win.cols.stride + win.cols.eff);
        y = r0;
        h = r1 - r0;
        x = c0;
        wd = c1 - c0;
      }
      outY[k * L + l] = y;
      outX[k * L + l] = x;
      outH.push(h);
      outW.push(wd);
    }
    if (!live) {
      dead.windows.push(k);
      continue;
    }
    const key = `${cropH.join(',')}|${cropW.join(',')}|${outH.join(',')}|${outW.join(',')}`;
    let g = byKey.get(key);
    if (g === undefined) {
      g = { live: true, cropH, cropW, outH, outW, windows: [] };
      byKey.set(key, g);
    }
    g.windows.push(k);
  }
  const groups = [...byKey.values()];
  if (dead.windows.length > 0) groups.push(dead);
  return { cropY, cropX, outY, outX, groups };
}

// ---------------------------------------------------------------- crops

/**
 * Copies the part of an [H, W, C] image (at `base[bOff]`) that lies in the crop rows [y0, y0 + ch), columns
 * [x0, x0 + cw) into dst (a zeroed [ch, cw, C] block at dOff); the part outside the image stays 0.
 */
function fillFromBase(
  dst: Float32Array,
  dOff: number,
  base: Float32Array,
  bOff: number,
  H: number,
  W: number,
  C: number,
  y0: number,
  x0: number,
  ch: number,
  cw: number,
): void {
  const xa = Math.max(0, x0);
  const xb = Math.min(W, x0 + cw);
  if (xa >= xb) return;
  const ya = Math.max(0, y0);
  const yb = Math.min(H, y0 + ch);
  const len = (xb - xa) * C;
  if (xa === 0 && xb === W && x0 === 0 && cw === W) {
    // Whole image rows: one copy.
    if (ya < yb) dst.set(base.subarray(bOff + ya * W * C, bOff + yb * W * C), dOff + (ya - y0) * W * C);
    return;
  }
  for (let y = ya; y < yb; y++) {
    const src = bOff + (y * W + xa) * C;
    dst.set(base.subarray(src, src + len), dOff + ((y - y0) * cw + (xa - x0)) * C);
  }
}

/**
 * Pastes channels [c0, c0 + cn) of the rectangle rows [ry, ry + rh), columns [rx, rx + rw) (image
 * coordinates) into a crop (rows [y0, y0 + ch), columns [x0, x0 + cw), C channels, at dOff) where they
 * overlap. `at(y, x)` is the flat offset in src of pixel (y, x)'s channel 0.
 */
function pasteRect(
  dst: Float32Array,
  dOff: number,
  y0: number,
  x0: number,
  ch: number,
  cw: number,
  C: number,
  src: Float32Array,
  at: (y: number, x: number) => number,
  ry: number,
  rx: number,
  rh: number,
  rw: number,
  c0: number,
  cn: number,
): void {
  const ya = Math.max(ry, y0);
  const yb = Math.min(ry + rh, y0 + ch);
  const xa = Math.max(rx, x0);
  const xb = Math.min(rx + rw, x0 + cw);
  if (ya >= yb || xa >= xb) return;
  if (cn === C) {
    const len = (xb - xa) * C;
    for (let y = ya; y < yb; y++) {
      const s = at(y, xa);
      dst.set(src.subarray(s, s + len), dOff + ((y - y0) * cw + (xa - x0)) * C);
    }
    return;
  }
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) {
      const s = at(y, x) + c0;
      dst.set(src.subarray(s, s + cn), dOff + ((y - y0) * cw + (x - x0)) * C + c0);
    }
  }
}

// ---------------------------------------------------------------- the run

/**
 * Float32Array scratch space by name, reused while the size stays the same. Safe with backends that keep a
 * reference to a tensor's values (cpu): a buffer is refilled only after the model call that read it has
 * disposed its tensors.
 */
class Scratch {
  private readonly map = new Map<string, Float32Array>();
  get(name: string, size: number, zeroed: boolean): Float32Array {
    const b = this.map.get(name);
    if (b !== undefined && b.length === size) {
      if (zeroed) b.fill(0);
      return b;
    }
    const fresh = new Float32Array(size);
    this.map.set(name, fresh);
    return fresh;
  }
}

/**
 * F for every model row of occlusion, laid out as the full path lays them out (row i * (w + 1) is x_i
 * itself, row i * (w + 1) + 1 + k is x_i with window k occluded), computed incrementally. Targets and output
 * checks are those of tensors-ops' `scoreRows`; progress (ctx.progress, over n * (w + 1) rows) counts the same model rows; the signal is checked between model
 * calls. Every tensor is disposed on success, error and abort.
 */
export async function incrementalOcclusionScores(
  plan: IncrementalModel,
  p: Prepared,
  windows: OcclusionWindows,
  ctx: ExplainerRun,
): Promise<Float64Array> {
  const { where } = ctx;
  const { model, prefix } = plan;
  const { n, rowSize } = p;
  const L = prefix.length;
  const w = windows.count;
  const per = w + 1;
  const total = n * per;
  const scores = new Float64Array(total);
  const trace = traceWindows(prefix, windows);
  const head = model.split(prefix[L - 1]!.name).head;
  const batch = ctx.batchFor(total, false);
  // Baseline activations kept per image: the inputs of the windowed layers after the first, and A_L.
  const keep: boolean[] = prefix.map((layer, l) => l > 0 && layer.window !== null);
  keep.push(true);
  let perImage = 0;
  for (let l = 1; l <= L; l++) if (keep[l]) perImage += prefix[l - 1]!.outShape.reduce((a, b) => a * b, 1) * 4;
  const blockImages = Math.max(1, Math.min(n, batch, Math.floor(DEFAULT_BATCH_MEMORY_BUDGET / Math.max(1, perImage))));

  let tail: number[] | null = null;
  /** Merges one model call's outputs: output row j is score row rowOf(j) of input imageOf(j). */
  const take = (m: number, shape: readonly number[], data: ArrayLike<number>, rowOf: (j: number) => number, imageOf: (j: number) => number): void => {
    tail = checkOutputWidth(ctx, tail, shape, m);
    const k = shape.length === 1 ? 1 : shape[1]!;
    const t = ctx.targets.resolve(shape);
    const info: FiniteOutputInfo = { rowOf: imageOf };
    if (k > 1) info.columns = Int32Array.from({ length: m }, (_, j) => t[imageOf(j)]!);
    assertFiniteOutput(data, shape, where, info);
    for (let j = 0; j < m; j++) scores[rowOf(j)] = k === 1 ? data[j]! : data[j * k + t[imageOf(j)]!]!;
  };
  const run = async (m: number, compute: () => Tensor, rowOf: (j: number) => number, imageOf: (j: number) => number): Promise<void> => {
    const y = tf.tidy(() => {
      const out = compute();
      checkModelOutput(out, m, where);
      return out;
    });
    try {
      take(m, y.shape, await y.data(), rowOf, imageOf);
    } finally {
      y.dispose();
    }
  };

  // Scratch buffers reused across model calls (fresh large allocations cost more than the copies).
  const buffers = new Scratch();
  let done = 0;
  const progress = async (rows: number): Promise<void> => {
    done += rows;
    ctx.progress.add(rows);
    if (done < total) await yieldToEventLoop();
  };

  for (let i0 = 0; i0 < n; i0 += blockImages) {
    const i1 = Math.min(n, i0 + blockImages);
    const bn = i1 - i0;
    // Baseline: the prefix activations of x_i0..x_i1 and F(x_i).
    throwIfAborted(ctx.signal, where);
    const acts: Array<Float32Array | null> = new Array<Float32Array | null>(L + 1).fill(null);
    await run(
      bn,
      () => {
        let h: Tensor = tf.tensor(p.x.subarray(i0 * rowSize, i1 * rowSize), [bn, ...p.rowShape], 'float32');
        for (let l = 0; l < L; l++) {
          h = model.applyLayer(prefix[l]!.index, h);
          if (keep[l + 1]) acts[l + 1] = Float32Array.from(h.dataSync() as Float32Array);
        }
        return head(h);
      },
      (j) => (i0 + j) * per,
      (j) => i0 + j,
    );
    await progress(bn);

    for (const g of trace.groups) {
      const rowsK: number[] = [];
      const rowsI: number[] = [];
      for (const k of g.windows) {
        for (let i = i0; i < i1; i++) {
          rowsK.push(k);
          rowsI.push(i);
        }
      }
      if (!g.live) {
        // The change dies out inside the prefix: A_L, and so F, is that of x.
        throwIfAborted(ctx.signal, where);
        for (let j = 0; j < rowsK.length; j++) scores[rowsI[j]! * per + 1 + rowsK[j]!] = scores[rowsI[j]! * per]!;
        await progress(rowsK.length);
        continue;
      }
      for (let s = 0; s < rowsK.length; s += batch) {
        throwIfAborted(ctx.signal, where);
        const e = Math.min(rowsK.length, s + batch);
        const m = e - s;
        await run(
          m,
          () => {
            const changed = changedValues(p, prefix, trace, g, windows, acts, i0, rowsK, rowsI, s, m, buffers);
            return patchAndRun(prefix, trace, g, acts, i0, rowsK, rowsI, s, m, changed, head, buffers);
          },
          (j) => rowsI[s + j]! * per + 1 + rowsK[s + j]!,
          (j) => rowsI[s + j]!,
        );
        await progress(m);
      }
    }
  }
  throwIfAborted(ctx.signal, where);
  return scores;
}

/** The values of A_L in the changed rectangle of rows s..s+m of a group, [m, outH, outW, C_L] (inside tf.tidy). */
function changedValues(
  p: Prepared,
  prefix: readonly LocalLayer[],
  trace: Trace,
  g: Group,
  windows: OcclusionWindows,
  acts: ReadonlyArray<Float32Array | null>,
  i0: number,
  rowsK: readonly number[],
  rowsI: readonly number[],
  s: number,
  m: number,
  buffers: Scratch,
): Tensor {
  const L = prefix.length;
  let t: Tensor | null = null;
  for (let l = 0; l < L; l++) {
    const layer = prefix[l]!;
    if (l > 0 && layer.window === null) {
      t = layer.run(t!);
      continue;
    }
    const [H, W, C] = layer.inShape;
    const ch = g.cropH[l]!;
    const cw = g.cropW[l]!;
    const cropSize = ch * cw * C;
    const crop = buffers.get(`crop${l}`, m * cropSize, true);
    if (l === 0) {
      for (let j = 0; j < m; j++) {
        const k = rowsK[s + j]!;
        const bOff = rowsI[s + j]! * p.rowSize;
        const y0 = trace.cropY[k * L]!;
        const x0 = trace.cropX[k * L]!;
        const r = windows.rects;
        fillFromBase(crop, j * cropSize, p.x, bOff, H, W, C, y0, x0, ch, cw);
        const at = (y: number, x: number): number => bOff + (y * W + x) * C;
        pasteRect(crop, j * cropSize, y0, x0, ch, cw, C, p.b, at, r[k * 6]!, r[k * 6 + 2]!, r[k * 6 + 1]!, r[k * 6 + 3]!, r[k * 6 + 4]!, r[k * 6 + 5]!);
      }
    } else {
      const base = acts[l]!;
      const vals = t!.dataSync() as Float32Array;
      const rh = g.outH[l - 1]!;
      const rw = g.outW[l - 1]!;
      for (let j = 0; j < m; j++) {
        const k = rowsK[s + j]!;
        const y0 = trace.cropY[k * L + l]!;
        const x0 = trace.cropX[k * L + l]!;
        const ry = trace.outY[k * L + l - 1]!;
        const rx = trace.outX[k * L + l - 1]!;
        fillFromBase(crop, j * cropSize, base, (rowsI[s + j]! - i0) * H * W * C, H, W, C, y0, x0, ch, cw);
        const vOff = j * rh * rw * C;
        const at = (y: number, x: number): number => vOff + ((y - ry) * rw + (x - rx)) * C;
        pasteRect(crop, j * cropSize, y0, x0, ch, cw, C, vals, at, ry, rx, rh, rw, 0, C);
      }
    }
    t = layer.run(tf.tensor4d(crop, [m, ch, cw, C]));
  }
  return t!;
}

/** Pastes the changed rectangle into the baseline A_L of each row and runs the rest of the model (inside tf.tidy). */
function patchAndRun(
  prefix: readonly LocalLayer[],
  trace: Trace,
  g: Group,
  acts: ReadonlyArray<Float32Array | null>,
  i0: number,
  rowsK: readonly number[],
  rowsI: readonly number[],
  s: number,
  m: number,
  changed: Tensor,
  head: (a: Tensor) => Tensor,
  buffers: Scratch,
): Tensor {
  const L = prefix.length;
  const [HL, WL, CL] = prefix[L - 1]!.outShape;
  const base = acts[L]!;
  const vals = changed.dataSync() as Float32Array;
  const rh = g.outH[L - 1]!;
  const rw = g.outW[L - 1]!;
  const sizeL = HL * WL * CL;
  // Every element is overwritten below, so a reused buffer needs no clearing.
  const full = buffers.get('full', m * sizeL, false);
  for (let j = 0; j < m; j++) {
    const k = rowsK[s + j]!;
    const bOff = (rowsI[s + j]! - i0) * sizeL;
    full.set(base.subarray(bOff, bOff + sizeL), j * sizeL);
    const ry = trace.outY[k * L + L - 1]!;
    const rx = trace.outX[k * L + L - 1]!;
    const vOff = j * rh * rw * CL;
    const at = (y: number, x: number): number => vOff + ((y - ry) * rw + (x - rx)) * CL;
    pasteRect(full, j * sizeL, 0, 0, HL, WL, CL, vals, at, ry, rx, rh, rw, 0, CL);
  }
  return head(tf.tensor4d(full, [m, HL, WL, CL]));
}
