/**
 * BatchMatMul for the WASM backend, built on the one fast path the backend has.
 *
 * tfjs-backend-wasm 4.22 sends a product to XNNPACK's fully-connected operator only when neither side is
 * transposed and both have batch 1 (a plain 2-D product, ~25-37 GFLOP/s); everything else (transposeA,
 * transposeB, a batch > 1: every dense-layer gradient and every batched product) runs a blocked scalar loop
 * at ~2 GFLOP/s. This kernel reduces every case to plain 2-D products:
 *
 *   - transposes become an explicit Transpose kernel (O(size) memory traffic against O(M·N·K) flops); when both
 *     sides are transposed, Aᵀ·Bᵀ = (B·A)ᵀ needs one transpose of the output instead, if that one is smaller;
 *   - batch B against batch 1 (a @ shared b): a is viewed as one [B·M, K] matrix, one product;
 *   - batch 1 against batch B, or batch B against batch B: a loop of B plain products over copies of the
 *     slices (heap memmoves), writing into one output. bench/ops.bench.mjs measures it against the original
 *     kernel's blocked loop: for 8 × (128×256 @ 256×128) the loop of fast products is 6-9x faster (5-8 ms
 *     against ~50 ms on a loaded 2-core machine), and folding a shared b into rows 10x.
 *
 * Zero-sized products return zeros (the original hands K = 0 to XNNPACK, which refuses it and leaves the
 * output uninitialised); non-float32 inputs and batches that are neither equal nor 1 run the original.
 */
import { broadcast_util, util, type TensorInfo } from '@tensorflow/tfjs-core';
import { Scratch, heapCopy, reshapeInfo, runOriginalKernel, transposeInfo, type BackendWasm, type WasmKernelArgs } from './shared.js';

export interface BatchMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** Shapes of a (possibly transposed, batched) product, checked like the original kernel checks them. */
export interface MatMulGeometry {
  batchA: number;
  batchB: number;
  /** rows of op(a) */
  m: number;
  /** the shared dimension */
  k: number;
  /** columns of op(b) */
  n: number;
  outShape: number[];
}

export function matMulGeometry(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulGeometry {
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const innerA = transposeA ? a.shape[aRank - 2]! : a.shape[aRank - 1]!;
  const innerB = transposeB ? b.shape[bRank - 1]! : b.shape[bRank - 2]!;
  const m = transposeA ? a.shape[aRank - 1]! : a.shape[aRank - 2]!;
  const n = transposeB ? b.shape[bRank - 2]! : b.shape[bRank - 1]!;
  util.assert(
    innerA === innerB,
    () =>
      `Error in matMul: inner shapes (${innerA}) and (${innerB}) of Tensors with shapes ${a.shape} and ` +
      `${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
  );
  const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return {
    batchA: util.sizeFromShape(a.shape.slice(0, -2)),
    batchB: util.sizeFromShape(b.shape.slice(0, -2)),
    m,
    k: innerA,
    n,
    outShape: [...outer, m, n],
  };
}

/** One plain product on XNNPACK: a [1, M, K] @ b [1, K, N] -> [1, M, N] (the original kernel's fast path). */
function plainProduct(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  return runOriginalKernel('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
}

/**
 * Non-transposed batched product of a3 [batchA, M, K] and b3 [batchB, K, N] (batchA === batchB, or one is 1)
 * as plain 2-D products. Returns [max(batchA, batchB), M, N].
 */
export function batchedPlainProduct(backend: BackendWasm, a3: TensorInfo, b3: TensorInfo, g: MatMulGeometry): TensorInfo {
  const { batchA, batchB, m, k, n } = g;
  const batch = Math.max(batchA, batchB);
  const scratch = new Scratch(backend);
  try {
    if (batchB === 1) {
      // One product: the batch of a is just more rows.
      const a2 = scratch.keep(reshapeInfo(backend, a3, [1, batchA * m, k]));
      const b2 = scratch.keep(reshapeInfo(backend, b3, [1, k, n]));
      const out = plainProduct(backend, a2, b2);
      const shaped = reshapeInfo(backend, out, [batch, m, n]);
      backend.disposeData(out.dataId);
      return shaped;
    }
    // A loop of plain products: copy each slice into its own tensor (XNNPACK packs b per tensor id), write
    // each product into its place in one output.
    const out = backend.makeOutput([batch, m, n], 'float32');
    try {
      const sharedA = batchA === 1 ? scratch.keep(reshapeInfo(backend, a3, [1, m, k])) : null;
      for (let i = 0; i < batch; i++) {
        const inner = new Scratch(backend);
        try {
          let ai = sharedA;
          if (ai === null) {
            ai = inner.keep(backend.makeOutput([1, m, k], 'float32'));
            heapCopy(backend, a3, i * m * k, ai, 0, m * k);
          }
          const bi = inner.keep(backend.makeOutput([1, k, n], 'float32'));
          heapCopy(backend, b3, i * k * n, bi, 0, k * n);
          const oi = inner.keep(plainProduct(backend, ai, bi));
          heapCopy(backend, oi, 0, out, i * m * n, m * n);
        } finally {
          inner.dispose();
        }
      }
    } catch (e) {
      backend.disposeData(out.dataId);
      throw e;
    }
    return out;
  } finally {
    scratch.dispose();
  }
}

/**
 * op(a) @ op(b) for float32 a and b of any rank >= 2 whose batches are equal or 1, as [batch, M, N]
 * (not yet reshaped to the output shape).
 */
export function fastMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, g: MatMulGeometry): TensorInfo {
  const { batchA, batchB, m, k, n } = g;
  const scratch = new Scratch(backend);
  try {
    const a3 = scratch.keep(reshapeInfo(backend, a, transposeA ? [batchA, k, m] : [batchA, m, k]));
    const b3 = scratch.keep(reshapeInfo(backend, b, transposeB ? [batchB, n, k] : [batchB, k, n]));
    if (transposeA && transposeB && m * n < m * k + k * n) {
      // Aᵀ·Bᵀ = (B·A)ᵀ: one transpose of the [N, M] product instead of two of the inputs.
      const ba = scratch.keep(batchedPlainProduct(backend, b3, a3, { batchA: batchB, batchB: batchA, m: n, k, n: m, outShape: [] }));
      return transposeInfo(backend, ba, [0, 2, 1]);
    }
    const aPlain = transposeA ? scratch.keep(transposeInfo(backend, a3, [0, 2, 1])) : a3;
    const bPlain = transposeB ? scratch.keep(transposeInfo(backend, b3, [0, 2, 1])) : b3;
    return batchedPlainProduct(backend, aPlain, bPlain, g);
  } finally {
    scratch.dispose();
  }
}

/**
 * The product when a dimension is 0: all zeros (an empty sum) of the output shape. The original kernel hands
 * K = 0 to XNNPACK, which refuses it and leaves the output uninitialised.
 */
export function emptyProduct(backend: BackendWasm, g: MatMulGeometry): TensorInfo {
  const out = backend.makeOutput(g.outShape, 'float32');
  backend.typedArrayFromHeap(out).fill(0);
  return out;
}

/** Whether {@link fastMatMul} handles these inputs (else the original kernel runs). */
export function fastMatMulApplies(a: TensorInfo, b: TensorInfo, g: MatMulGeometry): boolean {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return false;
  if (g.m === 0 || g.n === 0 || g.k === 0) return false;
  return g.batchA === g.batchB || g.batchA === 1 || g.batchB === 1;
}

export function batchMatMul(args: WasmKernelArgs<BatchMatMulAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a!;
  const b = inputs.b!;
  const transposeA = Boolean(attrs.transposeA);
  const transposeB = Boolean(attrs.transposeB);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    // The original throws the backend's own message for non-float32 inputs.
    return runOriginalKernel('BatchMatMul', backend, inputs, { ...attrs });
  }
  const g = matMulGeometry(a, b, transposeA, transposeB);
  if (g.m === 0 || g.n === 0 || g.k === 0) return emptyProduct(backend, g);
  const plain = !transposeA && !transposeB && g.batchA === 1 && g.batchB === 1;
  if (plain || !fastMatMulApplies(a, b, g)) {
    return runOriginalKernel('BatchMatMul', backend, inputs, { ...attrs });
  }
  const out3 = fastMatMul(backend, a, b, transposeA, transposeB, g);
  const shaped = reshapeInfo(backend, out3, g.outShape);
  backend.disposeData(out3.dataId);
  return shaped;
}
