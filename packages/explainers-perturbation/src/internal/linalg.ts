/**
 * Small dense linear algebra in float64 for the regression-based explainers (KernelSHAP, LIME, surrogates):
 * symmetric positive (semi-)definite solves by Cholesky, weighted ridge regression with an unpenalised
 * intercept, weighted R^2. Matrices are row-major Float64Arrays.
 */

/**
 * Cholesky factor L (lower, row-major) of a symmetric n x n matrix, or null when it is not numerically
 * positive definite (a pivot <= tol * the largest diagonal entry).
 */
export function cholesky(a: Float64Array, n: number, tol = 1e-12): Float64Array | null {
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i * n + i]!));
  const floor = tol * (maxDiag > 0 ? maxDiag : 1);
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > floor)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L L^T x = b for a Cholesky factor L. */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/**
 * A reusable solver for a symmetric positive semi-definite system A x = b. When A is singular (too few
 * samples to pin every coefficient down), a tiny ridge (1e-9 of the mean diagonal, growing until the
 * factorisation succeeds) picks the smallest-norm-like solution instead of failing.
 */
export function spdSolver(a: Float64Array, n: number): (b: ArrayLike<number>) => Float64Array {
  if (n === 0) return () => new Float64Array(0);
  let l = cholesky(a, n);
  if (l === null) {
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i]!;
    let eps = (trace > 0 ? trace / n : 1) * 1e-9;
    const reg = new Float64Array(a);
    while (l === null) {
      for (let i = 0; i < n; i++) reg[i * n + i] = a[i * n + i]! + eps;
      l = cholesky(reg, n, 1e-15);
      eps *= 10;
    }
  }
  const factor = l;
  return (b) => choleskySolve(factor, n, b);
}

export interface RidgeFit {
  /** One coefficient per column. */
  coef: Float64Array;
  intercept: number;
  /** Weighted R^2 of the fit on the rows it was fitted to (sklearn's r2_score with sample_weight). */
  r2: number;
}

/**
 * Weighted ridge regression with an unpenalised intercept (sklearn's Ridge with sample_weight):
 *
 *   minimise  sum_s w_s (y_s - c - z_s . beta)^2 + alpha ||beta||^2
 *
 * solved by centring with the weighted means and a Cholesky solve of the normal equations.
 * @param z rows x m design matrix (row-major)
 */
export function weightedRidge(
  z: ArrayLike<number>,
  rows: number,
  m: number,
  y: ArrayLike<number>,
  w: ArrayLike<number> | null,
  alpha: number,
): RidgeFit {
  let sw = 0;
  const zMean = new Float64Array(m);
  let yMean = 0;
  for (let s = 0; s < rows; s++) {
    const ws = w === null ? 1 : w[s]!;
    sw += ws;
    yMean += ws * y[s]!;
    for (let j = 0; j < m; j++) zMean[j] += ws * z[s * m + j]!;
  }
  if (sw > 0) {
    yMean /= sw;
    for (let j = 0; j < m; j++) zMean[j] /= sw;
  }
  const a = new Float64Array(m * m);
  const c = new Float64Array(m);
  const zc = new Float64Array(m);
  for (let s = 0; s < rows; s++) {
    const ws = w === null ? 1 : w[s]!;
    if (ws === 0) continue;
    const yc = y[s]! - yMean;
    for (let j = 0; j < m; j++) zc[j] = z[s * m + j]! - zMean[j]!;
    for (let i = 0; i < m; i++) {
      const wi = ws * zc[i]!;
      if (wi === 0) continue;
      c[i] += wi * yc;
      for (let j = 0; j <= i; j++) a[i * m + j] += wi * zc[j]!;
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < i; j++) a[j * m + i] = a[i * m + j]!;
    a[i * m + i] += alpha;
  }
  const coef = spdSolver(a, m)(c);
  let intercept = yMean;
  for (let j = 0; j < m; j++) intercept -= zMean[j]! * coef[j]!;
  const pred = new Float64Array(rows);
  for (let s = 0; s < rows; s++) {
    let p = intercept;
    for (let j = 0; j < m; j++) p += z[s * m + j]! * coef[j]!;
    pred[s] = p;
  }
  return { coef, intercept, r2: weightedR2(y, pred, w) };
}

/**
 * Weighted coefficient of determination, as sklearn's r2_score(y, pred, sample_weight=w):
 * 1 - sum w (y - pred)^2 / sum w (y - mean_w(y))^2; when y is constant, 1 for a perfect fit and 0 otherwise.
 */
export function weightedR2(y: ArrayLike<number>, pred: ArrayLike<number>, w: ArrayLike<number> | null): number {
  let sw = 0;
  let mean = 0;
  for (let s = 0; s < y.length; s++) {
    const ws = w === null ? 1 : w[s]!;
    sw += ws;
    mean += ws * y[s]!;
  }
  if (sw === 0) return 0;
  mean /= sw;
  let num = 0;
  let den = 0;
  for (let s = 0; s < y.length; s++) {
    const ws = w === null ? 1 : w[s]!;
    num += ws * (y[s]! - pred[s]!) ** 2;
    den += ws * (y[s]! - mean) ** 2;
  }
  const scale = Math.max(1e-300, den);
  if (den <= 1e-24 * Math.max(1, mean * mean) * sw) return num <= 1e-24 * Math.max(1, mean * mean) * sw ? 1 : 0;
  return 1 - num / scale;
}
