/**
 * Ranks of the values, 1-based, with ties given the mean of the ranks they span ("fractional ranking", as
 * scipy.stats.rankdata's default). NaN is not allowed (callers check finiteness first).
 *
 * @example ranks([10, 30, 20, 20]) -> [1, 4, 2.5, 2.5]
 */
export function ranks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => values[a]! - values[b]! || a - b);
  const out = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]!] === values[order[i]!]) j++;
    const r = (i + 1 + j) / 2; // mean of the ranks i+1..j
    for (let k = i; k < j; k++) out[order[k]!] = r;
    i = j;
  }
  return out;
}
