/**
 * The trapezoid rule: the area under the piecewise-linear curve through the points (xs[k], ys[k]).
 *
 *   area = sum_k (xs[k+1] - xs[k]) (ys[k] + ys[k+1]) / 2
 */
export function trapezoid(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  let area = 0;
  for (let k = 0; k + 1 < xs.length; k++) area += ((xs[k + 1]! - xs[k]!) * (ys[k]! + ys[k + 1]!)) / 2;
  return area;
}
