/**
 * Independent float64 reference implementations of the sequence blocks, for tests only (not built, not
 * published): plain JavaScript loops over nested arrays, written from the formulas in the papers, sharing
 * no code with the tensor implementations they check. Also a relative-error comparison for wasm-vs-cpu
 * parity.
 */
import { expect } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';

export type Rows = number[][];

/** A tensor of rank 2 as rows. */
export function rowsOf(t: Tensor): Rows {
  return t.arraySync() as Rows;
}

/** [rows, k] x [k, cols]. */
export function matmul(a: Rows, b: Rows): Rows {
  const k = b.length;
  const cols = b[0]!.length;
  return a.map((row) => {
    if (row.length !== k) throw new Error(`matmul: ${row.length} vs ${k}`);
    const out = new Array<number>(cols).fill(0);
    for (let i = 0; i < k; i++) for (let j = 0; j < cols; j++) out[j]! += row[i]! * b[i]![j]!;
    return out;
  });
}

export function addBias(a: Rows, b: number[] | null | undefined): Rows {
  return b == null ? a : a.map((row) => row.map((v, j) => v + b[j]!));
}

export function transpose(a: Rows): Rows {
  return a[0]!.map((_, j) => a.map((row) => row[j]!));
}

export function softmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Layer norm of every row: gamma * (x - mean) / sqrt(var + eps) + beta (biased variance). */
export function layerNormRows(x: Rows, gamma: number[], beta: number[], eps: number): Rows {
  return x.map((row) => {
    const d = row.length;
    const mean = row.reduce((a, b) => a + b, 0) / d;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / d;
    return row.map((v, j) => (gamma[j]! * (v - mean)) / Math.sqrt(variance + eps) + beta[j]!);
  });
}

/** erf by its Maclaurin series (float64-accurate to ~1e-9 for |x| <= 4). */
export function erf(x: number): number {
  if (Math.abs(x) > 5) throw new Error('erf reference: |x| <= 5 only');
  let sum = x;
  let term = x;
  for (let k = 1; k < 200; k++) {
    term *= (-x * x) / k;
    sum += term / (2 * k + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

export function geluScalar(x: number, approximate: 'tanh' | 'none'): number {
  if (approximate === 'none') return 0.5 * x * (1 + erf(x / Math.SQRT2));
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

/** d gelu / dx. */
export function geluDerivative(x: number, approximate: 'tanh' | 'none'): number {
  if (approximate === 'none') return 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI);
  const c = Math.sqrt(2 / Math.PI);
  const u = c * (x + 0.044715 * x ** 3);
  const th = Math.tanh(u);
  return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * c * (1 + 3 * 0.044715 * x * x);
}

export interface MlpRef {
  w1: Rows;
  b1?: number[] | null;
  w2: Rows;
  b2?: number[] | null;
}

export function mlpRows(x: Rows, p: MlpRef, approximate: 'tanh' | 'none'): Rows {
  const h = addBias(matmul(x, p.w1), p.b1).map((row) => row.map((v) => geluScalar(v, approximate)));
  return addBias(matmul(h, p.w2), p.b2);
}

export interface AttentionRef {
  wq: Rows;
  wk: Rows;
  wv: Rows;
  wo: Rows;
  bq?: number[] | null;
  bk?: number[] | null;
  bv?: number[] | null;
  bo?: number[] | null;
}

/**
 * Multi-head self-attention of one sequence x [T][D] by the definition: per head, softmax over the allowed
 * keys only (masked keys get 0; a query with no allowed key gets NaN: the definition does not say).
 */
export function attentionSeq(
  x: Rows,
  p: AttentionRef,
  heads: number,
  causal: boolean,
  keep: number[] | null = null,
): { out: Rows; probs: number[][][] } {
  const t = x.length;
  const q = addBias(matmul(x, p.wq), p.bq);
  const k = addBias(matmul(x, p.wk), p.bk);
  const v = addBias(matmul(x, p.wv), p.bv);
  const inner = q[0]!.length;
  const dk = inner / heads;
  const context: Rows = Array.from({ length: t }, () => new Array<number>(inner).fill(0));
  const probs: number[][][] = [];
  for (let h = 0; h < heads; h++) {
    const ph: number[][] = [];
    for (let i = 0; i < t; i++) {
      const allowed = Array.from({ length: t }, (_, j) => (!causal || j <= i) && (keep === null || keep[j] === 1));
      const any = allowed.some((a) => a);
      const scores = Array.from({ length: t }, (_, j) => {
        let s = 0;
        for (let c = 0; c < dk; c++) s += q[i]![h * dk + c]! * k[j]![h * dk + c]!;
        return s / Math.sqrt(dk);
      });
      let row: number[];
      if (any) {
        const idx = allowed.map((a, j) => (a ? j : -1)).filter((j) => j >= 0);
        const sm = softmaxRow(idx.map((j) => scores[j]!));
        row = new Array<number>(t).fill(0);
        idx.forEach((j, m) => (row[j] = sm[m]!));
      } else {
        row = new Array<number>(t).fill(NaN); // undefined by the definition; tests avoid such queries
      }
      ph.push(row);
      for (let j = 0; j < t; j++) for (let c = 0; c < dk; c++) context[i]![h * dk + c]! += row[j]! * v[j]![h * dk + c]!;
    }
    probs.push(ph);
  }
  return { out: addBias(matmul(context, p.wo), p.bo), probs };
}

export interface TransformerRef {
  ln1: { gamma: number[]; beta: number[] };
  attention: AttentionRef;
  ln2: { gamma: number[]; beta: number[] };
  mlp: MlpRef;
}

/** Pre-norm block of one sequence: h = x + MHA(LN1(x)); y = h + MLP(LN2(h)). */
export function transformerSeq(
  x: Rows,
  p: TransformerRef,
  heads: number,
  causal: boolean,
  keep: number[] | null,
  eps: number,
  approximate: 'tanh' | 'none',
): { out: Rows; probs: number[][][] } {
  const a = attentionSeq(layerNormRows(x, p.ln1.gamma, p.ln1.beta, eps), p.attention, heads, causal, keep);
  const h = x.map((row, i) => row.map((v, j) => v + a.out[i]![j]!));
  const m = mlpRows(layerNormRows(h, p.ln2.gamma, p.ln2.beta, eps), p.mlp, approximate);
  return { out: h.map((row, i) => row.map((v, j) => v + m[i]![j]!)), probs: a.probs };
}

/**
 * Uniforms in [lo, hi) from a tiny LCG (tests only; independent of the package's RNG), rounded to float32 so
 * that a tensor made from them holds exactly these numbers.
 */
export function lcgValues(seed: number, n: number, lo = -1, hi = 1): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.fround(lo + ((hi - lo) * s) / 4294967296));
  }
  return out;
}

/** Rows of uniforms. */
export function lcgRows(seed: number, rows: number, cols: number, lo = -1, hi = 1): Rows {
  const v = lcgValues(seed, rows * cols, lo, hi);
  return Array.from({ length: rows }, (_, i) => v.slice(i * cols, (i + 1) * cols));
}

/**
 * Asserts max |a - b| <= rel * max(max |b|, floor): the relative error of a against b, measured against the
 * largest magnitude of b (so that tiny entries do not blow it up).
 */
export function expectRelClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, label = '', floor = 1e-6): void {
  expect(a.length, `${label}: lengths`).toBe(b.length);
  let scale = floor;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  expect(worst / scale, `${label}: largest difference ${worst} at ${at} (${a[at]} vs ${b[at]}), scale ${scale}`).toBeLessThanOrEqual(rel);
}

/** Flattens nested arrays of numbers. */
export function flat(a: unknown): number[] {
  return Array.isArray(a) ? a.flatMap((v) => flat(v)) : [a as number];
}
