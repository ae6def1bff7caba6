/**
 * The Gini index of the absolute values of a vector (Hurley and Rickard 2009; the sparseness measure of
 * Chalasani et al. 2020): with |v| sorted ascending as v_(1) <= ... <= v_(n),
 *
 *   G = 1 - 2 sum_k (v_(k) / ||v||_1) (n - k + 1/2) / n,
 *
 * 0 for a constant vector, 1 - 1/n for a one-hot vector (the largest value). An all-zero vector has no
 * mass to concentrate; its index is defined as 0.
 */
export function gini(values: ArrayLike<number>): number {
  const n = values.length;
  const v = new Float64Array(n);
  let l1 = 0;
  for (let i = 0; i < n; i++) {
    v[i] = Math.abs(values[i]!);
    l1 += v[i]!;
  }
  if (l1 === 0 || n === 0) return 0;
  v.sort();
  let s = 0;
  for (let k = 1; k <= n; k++) s += (v[k - 1]! / l1) * ((n - k + 0.5) / n);
  return 1 - 2 * s;
}
