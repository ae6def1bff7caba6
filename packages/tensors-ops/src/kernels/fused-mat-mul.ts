/**
 * _FusedMatMul (matMul + bias + activation) for the WASM backend.
 *
 * The original kernel is fast and right only for the plain case (no transpose, batch 1 on both sides). With
 * transposeA/transposeB or a batch it falls back to a scalar loop at ~2 GFLOP/s that, in tfjs 4.22, also gets
 * the bias wrong (it adds bias[min(i·N + j, size - 1)] instead of bias[j]). Here:
 *
 *   - the plain case runs the original kernel (bias add and activation fused by XNNPACK);
 *   - with a rank-1 bias of N values (the usual dense layer), transposes are made explicit and a batch against
 *     a shared b is folded into rows, so the original fused kernel still does the work in one plain call;
 *   - anything else (batch against batch, a bias of another shape, prelu weights of another shape) runs the
 *     fast product of ./batch-mat-mul.ts and then the Add and activation kernels, with tfjs-core's semantics
 *     ('linear' | 'relu' | 'relu6' | 'elu' | 'prelu' | 'leakyrelu' | 'sigmoid').
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { emptyProduct, fastMatMul, fastMatMulApplies, matMulGeometry, type MatMulGeometry } from './batch-mat-mul.js';
import {
  Scratch,
  reshapeInfo,
  runOriginalKernel,
  runWasmKernel,
  sizeOf,
  transposeInfo,
  type BackendWasm,
  type WasmKernelArgs,
} from './shared.js';

export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'prelu' | 'leakyrelu' | 'sigmoid';

export interface FusedMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: FusedActivation;
  leakyreluAlpha?: number;
}

const ACTIVATIONS: readonly string[] = ['linear', 'relu', 'relu6', 'elu', 'prelu', 'leakyrelu', 'sigmoid'];

/** Applies `activation` to y with the wasm kernels; returns a new TensorInfo (y is not freed). */
export function applyActivation(
  backend: BackendWasm,
  y: TensorInfo,
  activation: FusedActivation,
  preluWeights: TensorInfo | undefined,
  leakyreluAlpha: number,
): TensorInfo {
  switch (activation) {
    case 'linear':
      return reshapeInfo(backend, y, y.shape); // a new reference to the same data
    case 'relu':
      return runWasmKernel('Relu', backend, { x: y });
    case 'relu6':
      return runWasmKernel('Relu6', backend, { x: y });
    case 'elu':
      return runWasmKernel('Elu', backend, { x: y });
    case 'sigmoid':
      return runWasmKernel('Sigmoid', backend, { x: y });
    case 'leakyrelu':
      return runWasmKernel('LeakyRelu', backend, { x: y }, { alpha: leakyreluAlpha });
    case 'prelu':
      if (preluWeights === undefined) throw new Error(`_FusedMatMul: activation 'prelu' needs preluActivationWeights`);
      return runWasmKernel('Prelu', backend, { x: y, alpha: preluWeights });
    default:
      throw new Error(`_FusedMatMul: unknown activation '${String(activation)}'`);
  }
}

/** Whether the original fused kernel computes bias and activation right for an output of n columns. */
function originalEpilogueFits(n: number, activation: FusedActivation, bias: TensorInfo | undefined, prelu: TensorInfo | undefined): boolean {
  if (bias !== undefined && !(bias.shape.length === 1 && bias.shape[0] === n)) return false;
  if (activation === 'prelu') {
    if (prelu === undefined) return false;
    const size = sizeOf(prelu.shape);
    if (!(prelu.shape.length <= 1 && (size === n || size === 1))) return false;
  }
  return true;
}

function runOriginalFused(
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | undefined,
  prelu: TensorInfo | undefined,
  attrs: FusedMatMulAttrs,
): TensorInfo {
  const inputs: Record<string, TensorInfo> = { a, b };
  if (bias !== undefined) inputs.bias = bias;
  if (prelu !== undefined) inputs.preluActivationWeights = prelu;
  return runOriginalKernel('_FusedMatMul', backend, inputs, {
    transposeA: attrs.transposeA,
    transposeB: attrs.transposeB,
    activation: attrs.activation,
    leakyreluAlpha: attrs.leakyreluAlpha ?? 0.2,
  });
}

/** Fast path keeping the original fused epilogue: explicit transposes, batch folded into rows. */
function fusedViaOriginal(
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | undefined,
  prelu: TensorInfo | undefined,
  attrs: FusedMatMulAttrs,
  g: MatMulGeometry,
): TensorInfo {
  const { batchA, m, k, n } = g;
  const scratch = new Scratch(backend);
  try {
    let a3 = scratch.keep(reshapeInfo(backend, a, attrs.transposeA ? [batchA, k, m] : [batchA, m, k]));
    if (attrs.transposeA) a3 = scratch.keep(transposeInfo(backend, a3, [0, 2, 1]));
    let b2 = scratch.keep(reshapeInfo(backend, b, attrs.transposeB ? [1, n, k] : [1, k, n]));
    if (attrs.transposeB) b2 = scratch.keep(transposeInfo(backend, b2, [0, 2, 1]));
    const a2 = scratch.keep(reshapeInfo(backend, a3, [1, batchA * m, k]));
    const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
    const out = scratch.keep(runOriginalFused(backend, a2, b2, bias, prelu, plainAttrs));
    return reshapeInfo(backend, out, g.outShape);
  } finally {
    scratch.dispose();
  }
}

export function fusedMatMul(args: WasmKernelArgs<FusedMatMulAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a!;
  const b = inputs.b!;
  const bias = inputs.bias ?? undefined;
  const prelu = inputs.preluActivationWeights ?? undefined;
  const transposeA = Boolean(attrs.transposeA);
  const transposeB = Boolean(attrs.transposeB);
  const activation = (attrs.activation ?? 'linear') as FusedActivation;
  const leakyreluAlpha = attrs.leakyreluAlpha ?? 0.2;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !ACTIVATIONS.includes(activation)) {
    // The original throws the backend's own messages for these.
    return runOriginalKernel('_FusedMatMul', backend, inputs, { ...attrs });
  }
  const g = matMulGeometry(a, b, transposeA, transposeB);
  const plain = !transposeA && !transposeB && g.batchA === 1 && g.batchB === 1;
  const epilogueFits = originalEpilogueFits(g.n, activation, bias, prelu);
  const fusedAttrs: FusedMatMulAttrs = { transposeA, transposeB, activation, leakyreluAlpha };
  const empty = g.m === 0 || g.n === 0 || g.k === 0;

  if (!empty && (!fastMatMulApplies(a, b, g) || (plain && epilogueFits))) {
    return runOriginalFused(backend, a, b, bias, prelu, fusedAttrs);
  }
  if (!empty && epilogueFits && g.batchB === 1) {
    return fusedViaOriginal(backend, a, b, bias, prelu, fusedAttrs, g);
  }

  // General case: product, then bias and activation as separate kernels (tfjs-core semantics).
  const scratch = new Scratch(backend);
  try {
    let y: TensorInfo;
    if (empty) {
      y = scratch.keep(emptyProduct(backend, g));
    } else if (plain) {
      y = scratch.keep(runOriginalKernel('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false }));
    } else {
      y = scratch.keep(fastMatMul(backend, a, b, transposeA, transposeB, g));
    }
    y = scratch.keep(reshapeInfo(backend, y, g.outShape));
    if (bias !== undefined) y = scratch.keep(runWasmKernel('Add', backend, { a: y, b: bias }));
    return applyActivation(backend, y, activation, prelu, leakyreluAlpha);
  } finally {
    scratch.dispose();
  }
}
