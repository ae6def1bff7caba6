/**
 * Tiny models and independent reference computations for this package's tests (not built, not published).
 * The references are written from the definitions, in plain JavaScript, without the package's code.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { createRng, tf, type ForwardFn } from '@glassbox/tensors-ops';

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

/**
 * A tanh MLP p -> hidden -> hidden -> 1 with seeded normal weights N(0, gain^2 / fan-in), biases N(0, 0.1^2) and
 * output weights N(0, 1 / hidden), drawn in that order from tensors-ops' RNG (the package benchmark's KernelSHAP
 * model is tanhMlp(12, 32, 4, 2024)); a large gain saturates the units, so the model has interactions of every
 * order. Returns [N]; the caller disposes the weights.
 */
export function tanhMlp(p: number, hidden: number, gain: number, seed: number): { f: ForwardFn; dispose: () => void } {
  const rng = createRng(seed);
  const w1 = tf.tensor2d(rng.normalArray(p * hidden, 0, gain / Math.sqrt(p)), [p, hidden]);
  const b1 = tf.tensor1d(rng.normalArray(hidden, 0, 0.1));
  const w2 = tf.tensor2d(rng.normalArray(hidden * hidden, 0, gain / Math.sqrt(hidden)), [hidden, hidden]);
  const b2 = tf.tensor1d(rng.normalArray(hidden, 0, 0.1));
  const w3 = tf.tensor2d(rng.normalArray(hidden, 0, 1 / Math.sqrt(hidden)), [hidden, 1]);
  const f: ForwardFn = (x) =>
    tf.tidy(() => {
      const h1 = tf.tanh(tf.add(tf.matMul(x, w1), b1));
      const h2 = tf.tanh(tf.add(tf.matMul(h1, w2), b2));
      return tf.reshape(tf.matMul(h2, w3), [-1]);
    });
  return { f, dispose: () => tf.dispose([w1, b1, w2, b2, w3]) };
}

/** The game of one row: v[mask] = value with the features in mask from x, the rest from b (m <= 16). */
export function gameTable(value: (rows: Float32Array, count: number) => ArrayLike<number>, x: ArrayLike<number>, b: ArrayLike<number>, m: number): Float64Array {
  const count = 2 ** m;
  const rows = new Float32Array(count * m);
  for (let mask = 0; mask < count; mask++) for (let j = 0; j < m; j++) rows[mask * m + j] = (mask >>> j) & 1 ? x[j]! : b[j]!;
  return Float64Array.from(value(rows, count));
}

/** Shapley values of a game table by the subset formula: phi_i = sum_{S not i} |S|! (m-|S|-1)! / m! (v(S+i) - v(S)). */
export function shapleyOfTable(v: Float64Array, m: number): number[] {
  const fact = [1];
  for (let i = 1; i <= m; i++) fact.push(fact[i - 1]! * i);
  const phi = new Array<number>(m).fill(0);
  for (let mask = 0; mask < 2 ** m; mask++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += (mask >>> j) & 1;
    for (let i = 0; i < m; i++) {
      if ((mask >>> i) & 1) continue;
      phi[i] += ((fact[s]! * fact[m - s - 1]!) / fact[m]!) * (v[mask | (1 << i)]! - v[mask]!);
    }
  }
  return phi;
}

/**
 * Plain KernelSHAP (Lundberg & Lee 2017) on game tables, written from the definition without the package's
 * code: `count` coalitions drawn with replacement (size s with probability proportional to 1 / (s (m - s)),
 * then a uniform subset; uniforms from a small LCG), unpaired, weight 1, the same coalitions for every game;
 * then min sum_k (v(S_k) - v(0) - sum_{i in S_k} phi_i)^2 subject to sum_i phi_i = v(all) - v(0), solved as
 * its KKT system by Gaussian elimination.
 */
export function plainKernelShapOfTables(games: Float64Array[], m: number, count: number, seed: number): number[][] {
  const u = lcgValues(count * (m + 1), seed, 0, 1);
  let k = 0;
  let total = 0;
  for (let s = 1; s < m; s++) total += 1 / (s * (m - s));
  const masks: number[] = [];
  for (let c = 0; c < count; c++) {
    let r = u[k++]! * total;
    let s = 1;
    while (s < m - 1 && r >= 1 / (s * (m - s))) {
      r -= 1 / (s * (m - s));
      s++;
    }
    // A uniform s-subset: the first s of a Fisher-Yates shuffle.
    const idx = Array.from({ length: m }, (_, i) => i);
    for (let i = 0; i < s; i++) {
      const j = i + Math.min(m - i - 1, Math.floor(u[k++]! * (m - i)));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    k += m - s;
    masks.push(idx.slice(0, s).reduce((a, g) => a | (1 << g), 0));
  }
  return games.map((v) => {
    const n = m + 1;
    // [Z^T Z, 1; 1^T, 0] [phi; mu] = [Z^T y; delta]
    const a = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
    for (const mask of masks) {
      const y = v[mask]! - v[0]!;
      for (let i = 0; i < m; i++) {
        if (!((mask >>> i) & 1)) continue;
        for (let j = 0; j < m; j++) if ((mask >>> j) & 1) a[i]![j]! += 1;
        a[i]![n]! += y;
      }
    }
    for (let i = 0; i < m; i++) {
      a[i]![i]! += 1e-12;
      a[i]![m] = 1;
      a[m]![i] = 1;
    }
    a[m]![n] = v[2 ** m - 1]! - v[0]!;
    for (let c = 0; c < n; c++) {
      let piv = c;
      for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[piv]![c]!)) piv = r;
      [a[c], a[piv]] = [a[piv]!, a[c]!];
      for (let r = 0; r < n; r++) {
        if (r === c) continue;
        const t = a[r]![c]! / a[c]![c]!;
        if (t !== 0) for (let j = c; j <= n; j++) a[r]![j]! -= t * a[c]![j]!;
      }
    }
    return Array.from({ length: m }, (_, i) => a[i]![n]! / a[i]![i]!);
  });
}
