/**
 * Sum for the WASM backend, replaced for one case: the reduced axes lead (bias and batch-norm gradients sum
 * [N, H, W, C] over [0, 1, 2] down to [C]; a dense bias gradient sums [N, K] over [0]).
 *
 * tfjs-backend-wasm 4.22 moves the reduced axes to the end with a Transpose whenever they are not the
 * innermost, then sums each output's run of values in float32, in order (Sum.cc: `T sum = 0; for (...) sum +=
 * *x;`). When the reduced axes lead, that Transpose is a full strided copy of x and costs more than the sum
 * (64x28x28x32 over [0, 1, 2]: transpose + sum take about 3x the time of the one pass below, see
 * bench/ops.bench.mjs). Here x is read once, in memory order, as R rows of C values, and every row is added
 * into a Float32Array of C accumulators:
 *
 *   out[c] = (((0 + x[0, c]) + x[1, c]) + ...) + x[R-1, c]        (rounded to float32 at every step)
 *
 * which is the same sequence of float32 additions, in the same order, as the original kernel's (each store
 * into the Float32Array rounds, and the float64 sum of two float32 values rounded to float32 is their float32
 * sum): the result is bit-identical.
 *
 * Taken when x is float32 and not empty, the axes are distinct, not already the innermost (then the original
 * does not transpose), the reduced axes of size > 1 come in ascending order before every kept axis of size > 1
 * (axes of size 1 may sit anywhere: they change no order), and the kept block has at least 8 values (below
 * that the original's transpose is cheap: it is the faster one). Everything else runs the original kernel.
 */
import { backend_util, util, type TensorInfo } from '@tensorflow/tfjs-core';
import { runOriginalKernel, type WasmKernelArgs } from './shared.js';

export interface SumAttrs {
  axis: number | number[] | null;
  keepDims: boolean;
}

/** Fewest kept values (C) for which the single pass beats transpose + sum (measured on shapes with C = 1..64). */
export const MIN_KEPT_FOR_ROW_SUM = 8;

/** How a sum over leading axes splits x: `rows` reduced rows of `cols` kept values, and the output shape. */
export interface LeadingSplit {
  rows: number;
  cols: number;
  outShape: number[];
}

/**
 * The split of `shape` for a sum over `axis` when the reduced axes lead (see the module comment), else null
 * (also when the original kernel is the faster one or x is empty).
 */
export function leadingAxesSplit(shape: readonly number[], axis: number | number[] | null, keepDims: boolean): LeadingSplit | null {
  const rank = shape.length;
  const axes = util.parseAxisParam(axis ?? shape.map((_, i) => i), shape as number[]);
  if (axes.length === 0 || new Set(axes).size !== axes.length) return null;
  if (backend_util.axesAreInnerMostDims(axes, rank)) return null;
  const reduced = new Set(axes);
  let last = -1;
  for (const a of axes) {
    if (shape[a] === 1) continue;
    if (a < last) return null;
    last = a;
  }
  let rows = 1;
  let cols = 1;
  const outShape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const d = shape[i]!;
    if (reduced.has(i)) {
      rows *= d;
      if (keepDims) outShape.push(1);
    } else {
      if (d !== 1 && i < last) return null;
      cols *= d;
      outShape.push(d);
    }
  }
  if (rows === 0 || cols < MIN_KEPT_FOR_ROW_SUM) return null;
  return { rows, cols, outShape };
}

export function sum(args: WasmKernelArgs<SumAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const split = x.dtype === 'float32' ? leadingAxesSplit(x.shape, attrs.axis, attrs.keepDims === true) : null;
  if (split === null) return runOriginalKernel('Sum', backend, inputs, attrs as never);
  const { rows, cols, outShape } = split;
  const acc = new Float32Array(cols);
  const xv = backend.typedArrayFromHeap(x) as Float32Array;
  const end = rows * cols;
  const cols4 = cols - (cols % 4);
  for (let o = 0; o < end; o += cols) {
    let c = 0;
    for (; c < cols4; c += 4) {
      const p = o + c;
      acc[c] += xv[p];
      acc[c + 1] += xv[p + 1];
      acc[c + 2] += xv[p + 2];
      acc[c + 3] += xv[p + 3];
    }
    for (; c < cols; c++) acc[c] += xv[o + c];
  }
  const out = backend.makeOutput(outShape, 'float32');
  // A view taken after the allocation (it may grow the heap and detach older views).
  (backend.typedArrayFromHeap(out) as Float32Array).set(acc);
  return out;
}
