import type { Tensor } from '@tensorflow/tfjs-core';
import type { ArrayData } from '../types.js';

/** A tensor's values as plain numbers with its shape (reads synchronously; the caller keeps the tensor). */
export function toArrayData(t: Tensor): ArrayData {
  return { shape: t.shape.slice(), data: Array.from(t.dataSync()) };
}

/** Plain values and a shape as ArrayData (copies). */
export function arrayData(values: ArrayLike<number>, shape: readonly number[]): ArrayData {
  return { shape: shape.slice(), data: Array.from(values) };
}

/** A [rows, cols] tensor as rows of plain numbers. */
export function toRows(t: Tensor): number[][] {
  const v = t.dataSync();
  const rows = t.shape[0] ?? 0;
  const cols = rows === 0 ? 0 : v.length / rows;
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from(v.subarray(i * cols, (i + 1) * cols)));
  return out;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** n evenly spaced numbers from lo to hi (inclusive). */
export function linspace(lo: number, hi: number, n: number): number[] {
  if (n === 1) return [(lo + hi) / 2];
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}
