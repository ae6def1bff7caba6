/**
 * Tiny models and independent reference computations for this package's tests (not built, not published).
 * The references are written from the definitions, in plain JavaScript, without the package's code.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf, type ForwardFn } from '@glassbox/tensors-ops';

/** F(x) = reshape(x, [N, P]) W + c with W [P, K] given row-major; K = 1 returns [N, 1]. */
export function linearModel(w: number[], k = 1, bias: number[] = new Array(k).fill(0)): ForwardFn {
  const p = w.length / k;
  return (x: Tensor) =>
    tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0]!, p]), tf.tensor2d(w, [p, k])), tf.tensor1d(bias)));
}

/** A polynomial: sum over terms of coef * prod_{j in idx} x_j (x flattened per row). */
export interface Term {
  coef: number;
  idx: number[];
}

/** The polynomial as a tfjs model [N, ...] -> [N]. */
export function polynomialModel(terms: Term[], p: number): ForwardFn {
  return (x: Tensor) =>
    tf.tidy(() => {
      const x2 = tf.reshape(x, [x.shape[0]!, p]);
      let out: Tensor = tf.zeros([x.shape[0]!]);
      for (const t of terms) {
        let prod: Tensor = tf.fill([x.shape[0]!], t.coef);
        for (const j of t.idx) prod = tf.mul(prod, tf.reshape(tf.slice(x2, [0, j], [-1, 1]), [-1]));
        out = tf.add(out, prod);
      }
      return out;
    });
}

/** The polynomial on one row in plain JS. */
export function polynomial(terms: Term[], row: ArrayLike<number>): number {
  let s = 0;
  for (const t of terms) {
    let prod = t.coef;
    for (const j of t.idx) prod *= row[j]!;
    s += prod;
  }
  return s;
}

/** All permutations of 0..m-1 (m <= 8). */
function permutations(m: number): number[][] {
  if (m === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutations(m - 1)) {
    for (let pos = 0; pos <= rest.length; pos++) out.push([...rest.slice(0, pos), m - 1, ...rest.slice(pos)]);
  }
  return out;
}

/**
 * Exact Shapley values by the permutation definition (average marginal contribution over all m! orders),
 * groups[e] naming each element's group; v(S) = value(row with groups in S from x, the rest from b).
 */
export function bruteShapley(
  value: (row: Float64Array) => number,
  x: ArrayLike<number>,
  b: ArrayLike<number>,
  groups: ArrayLike<number>,
  m: number,
): number[] {
  const phi = new Array<number>(m).fill(0);
  const perms = permutations(m);
  for (const perm of perms) {
    const inS = new Array<boolean>(m).fill(false);
    const row = Float64Array.from(b);
    let prev = value(row);
    for (const g of perm) {
      inS[g] = true;
      for (let e = 0; e < row.length; e++) if (groups[e] === g) row[e] = x[e]!;
      const cur = value(row);
      phi[g] += cur - prev;
      prev = cur;
    }
  }
  return phi.map((v) => v / perms.length);
}

/** Seeded values in [lo, hi) without the package's RNG (a small LCG), for inputs of tests. */
export function lcgValues(n: number, seed: number, lo = -1, hi = 1): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(lo + ((hi - lo) * s) / 4294967296);
  }
  return out;
}

/** A model that counts its calls and the rows it saw. */
export function counting(f: ForwardFn): { f: ForwardFn; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    f: (x: Tensor) => {
      calls.push(x.shape[0]!);
      return f(x);
    },
  };
}
