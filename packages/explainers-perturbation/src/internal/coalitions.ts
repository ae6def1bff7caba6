/**
 * Coalition designs for the Shapley regression (KernelSHAP): full enumeration with exact Shapley-kernel
 * weights, leverage-score sampling (paired, without replacement) and plain Shapley-kernel sampling (unpaired,
 * with replacement). A design is a set of coalitions (0/1 rows over M groups, never empty or full: those two
 * are the efficiency constraint) with one regression weight each.
 */
import { runSteps, type Rng, type Steps } from '@glassbox/tensors-ops';
import { spdSolver } from './linalg.js';

/** Coalitions made between two yields of the stepwise forms (`...Steps`), which explainers run paced. */
const CHUNK = 1024;

export interface CoalitionDesign {
  /** M, players (feature groups). */
  m: number;
  /** Coalitions in the design. */
  count: number;
  /** count x m, 1 where the group is in the coalition (taken from x), 0 where it takes the baseline. */
  z: Uint8Array;
  /** Regression weight of each coalition. */
  weights: Float64Array;
}

/** C(n, k) as a double (exact while it is below 2^53; Infinity when it overflows). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const kk = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= kk; i++) r = (r * (n - kk + i)) / i;
  return r < 9007199254740992 ? Math.round(r) : r;
}

/** The Shapley kernel weight of one coalition of size s among m players: (m - 1) / (C(m, s) s (m - s)). */
export function shapleyKernel(m: number, s: number): number {
  return (m - 1) / (binomial(m, s) * s * (m - s));
}

/** Every coalition except the empty and the full one, with its Shapley kernel weight. */
export function allCoalitions(m: number): CoalitionDesign {
  return runSteps(allCoalitionSteps(m));
}

/** allCoalitions, stepwise (see runStepsPaced in tensors-ops). */
export function* allCoalitionSteps(m: number): Steps<CoalitionDesign> {
  const count = 2 ** m - 2;
  const z = new Uint8Array(Math.max(0, count) * m);
  const weights = new Float64Array(Math.max(0, count));
  const kernel = new Float64Array(m + 1);
  for (let s = 1; s < m; s++) kernel[s] = shapleyKernel(m, s);
  for (let mask = 1, row = 0; mask < 2 ** m - 1; mask++, row++) {
    let size = 0;
    for (let g = 0; g < m; g++) {
      if ((mask >>> g) & 1) {
        z[row * m + g] = 1;
        size++;
      }
    }
    weights[row] = kernel[size]!;
    if ((row + 1) % (4 * CHUNK) === 0) yield;
  }
  return { m, count: Math.max(0, count), z, weights };
}

/** Writes the index-th (0-based, lexicographic) r-subset of 0..n-1 into out. */
function unrankCombination(n: number, r: number, index: number, out: Int32Array): void {
  let k = r;
  let start = 0;
  for (let i = 0; i < r; i++) {
    for (let j = start; j < n; j++) {
      const count = binomial(n - j - 1, k - 1);
      if (index < count) {
        out[i] = j;
        k--;
        start = j + 1;
        break;
      }
      index -= count;
    }
  }
}

/**
 * q distinct random subsets of size r of 0..n-1, uniformly without replacement; each is written as a sorted
 * Int32Array. Dense requests enumerate by rank, sparse ones draw and reject duplicates.
 */
function* distinctSubsets(n: number, r: number, q: number, rng: Rng): Steps<Int32Array[]> {
  const total = binomial(n, r);
  const out: Int32Array[] = [];
  if (q <= 0) return out;
  if (total <= 4294967296 && q * 4 >= total) {
    const ranks = rng.subset(total, q);
    for (let i = 0; i < q; i++) {
      const c = new Int32Array(r);
      unrankCombination(n, r, ranks[i]!, c);
      out.push(c);
      if ((i + 1) % CHUNK === 0) yield;
    }
    return out;
  }
  const seen = new Set<string>();
  while (out.length < q) {
    const c = rng.subset(n, r).sort();
    const key = c.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
    if (out.length % CHUNK === 0) yield;
  }
  return out;
}

/**
 * Leverage-score sampling (Musco & Witter 2024, arXiv 2410.01917), paired and without replacement.
 *
 * The leverage scores of the Shapley regression give every coalition size the same total mass, so each size
 * s = 1..m-1 gets the same number c of coalitions, capped at C(m, s) (sizes with few coalitions are taken
 * whole, the rest share the remaining budget). Coalitions are drawn in complementary pairs {S, complement}
 * without replacement within each size, with fixed per-size counts (stratified, so the budget is used
 * exactly), and reweighted by the Shapley kernel over the inclusion probability: w(S) = k(|S|) / pi(|S|).
 * Uses floor(budget / 2) pairs.
 */
export function leverageCoalitions(m: number, budget: number, rng: Rng): CoalitionDesign {
  return runSteps(leverageCoalitionSteps(m, budget, rng));
}

/** leverageCoalitions, stepwise (see runStepsPaced in tensors-ops). */
export function* leverageCoalitionSteps(m: number, budget: number, rng: Rng): Steps<CoalitionDesign> {
  const half = Math.floor(m / 2);
  const classes: { s: number; cap: number; per: number; ratio: number }[] = [];
  for (let s = 1; s <= half; s++) {
    const middle = 2 * s === m;
    // Pairs in the class; 'per' converts the per-size quota c into pairs; ratio = pairs / C(m, s).
    classes.push({ s, cap: middle ? binomial(m, s) / 2 : binomial(m, s), per: middle ? 0.5 : 1, ratio: middle ? 0.5 : 1 });
  }
  const pairs = Math.floor(budget / 2);
  const quota = (c: number): number => classes.reduce((a, k) => a + Math.min(k.cap, c * k.per), 0);
  let lo = 0;
  let hi = 1;
  while (quota(hi) < pairs && hi < 1e300) hi *= 2;
  for (let it = 0; it < 200 && hi - lo > 1e-9 * hi; it++) {
    const mid = (lo + hi) / 2;
    if (quota(mid) < pairs) lo = mid;
    else hi = mid;
  }
  const real = classes.map((k) => Math.min(k.cap, hi * k.per));
  const q = real.map((v) => Math.floor(v + 1e-9));
  let left = pairs - q.reduce((a, b) => a + b, 0);
  const order = real.map((v, i) => ({ i, frac: v - Math.floor(v + 1e-9) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (q[i]! < classes[i]!.cap) {
      q[i]!++;
      left--;
    }
  }
  const count = 2 * q.reduce((a, b) => a + b, 0);
  const z = new Uint8Array(count * m);
  const weights = new Float64Array(count);
  let row = 0;
  for (let ci = 0; ci < classes.length; ci++) {
    const k = classes[ci]!;
    const qi = q[ci]!;
    if (qi === 0) continue;
    const middle = 2 * k.s === m;
    // Shapley kernel over the inclusion probability pi = qi / cap, with C(m, s) cancelled: cap = ratio * C(m, s).
    const w = ((m - 1) / (k.s * (m - k.s))) * (k.ratio / qi);
    const subsets = middle ? yield* distinctSubsets(m - 1, k.s - 1, qi, rng) : yield* distinctSubsets(m, k.s, qi, rng);
    for (const sub of subsets) {
      const a = row * m;
      const b = (row + 1) * m;
      for (let g = 0; g < m; g++) z[b + g] = 1;
      if (middle) {
        // Representatives of the middle pairs contain group 0; the others are drawn from 1..m-1.
        z[a] = 1;
        z[b] = 0;
        for (const g of sub) {
          z[a + g + 1] = 1;
          z[b + g + 1] = 0;
        }
      } else {
        for (const g of sub) {
          z[a + g] = 1;
          z[b + g] = 0;
        }
      }
      weights[row] = w;
      weights[row + 1] = w;
      row += 2;
      if (row % (4 * CHUNK) === 0) yield;
    }
  }
  return { m, count, z, weights };
}

/**
 * Plain KernelSHAP sampling (Lundberg & Lee 2017): `budget` coalitions drawn independently, with replacement,
 * from the Shapley kernel distribution (size s with probability proportional to 1 / (s (m - s)), then a
 * uniform subset of that size), each with weight 1.
 */
export function plainCoalitions(m: number, budget: number, rng: Rng): CoalitionDesign {
  return runSteps(plainCoalitionSteps(m, budget, rng));
}

/** plainCoalitions, stepwise (see runStepsPaced in tensors-ops). */
export function* plainCoalitionSteps(m: number, budget: number, rng: Rng): Steps<CoalitionDesign> {
  const cdf = new Float64Array(m);
  let total = 0;
  for (let s = 1; s < m; s++) {
    total += 1 / (s * (m - s));
    cdf[s] = total;
  }
  const z = new Uint8Array(budget * m);
  const weights = new Float64Array(budget).fill(1);
  for (let row = 0; row < budget; row++) {
    const u = rng.uniform() * total;
    let s = 1;
    while (s < m - 1 && cdf[s]! <= u) s++;
    const sub = rng.subset(m, s);
    for (const g of sub) z[row * m + g] = 1;
    if ((row + 1) % CHUNK === 0) yield;
  }
  return { m, count: budget, z, weights };
}

/**
 * Solves the Shapley regression with the efficiency constraint exactly:
 *
 *   minimise sum_S w(S) (v(S) - v(0) - sum_{i in S} phi_i)^2   subject to   sum_i phi_i = v(N) - v(0)
 *
 * by writing phi = delta / m + u with u orthogonal to the ones vector (the projection form of Musco & Witter):
 * (P A P) u = P Z^T W (y - |S| delta / m), A = Z^T W Z, P = I - 1 1^T / m. Factorised once per design, then
 * applied to any number of rows.
 */
export function shapleyRegression(design: CoalitionDesign): (values: ArrayLike<number>, v0: number, v1: number) => Float64Array {
  return runSteps(shapleyRegressionSteps(design));
}

/** shapleyRegression, stepwise: the O(count m^2) accumulation of Z^T W Z yields every few coalitions. */
export function* shapleyRegressionSteps(design: CoalitionDesign): Steps<(values: ArrayLike<number>, v0: number, v1: number) => Float64Array> {
  const { m, count, z, weights } = design;
  const a = new Float64Array(m * m);
  // Yield about every 2^20 inner steps (each coalition costs up to m^2).
  const every = Math.max(1, Math.floor(1048576 / (m * m)));
  for (let r = 0; r < count; r++) {
    const w = weights[r]!;
    const row = r * m;
    for (let i = 0; i < m; i++) {
      if (!z[row + i]) continue;
      for (let j = 0; j < m; j++) if (z[row + j]) a[i * m + j] += w;
    }
    if ((r + 1) % every === 0) yield;
  }
  // P A P + alpha 1 1^T / m: the second term pins the component along 1 to 0 without touching the rest.
  const rowMean = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += a[i * m + j]!;
    rowMean[i] = s / m;
    total += s;
  }
  const grand = total / (m * m);
  let trace = 0;
  for (let i = 0; i < m; i++) trace += a[i * m + i]!;
  const alpha = trace > 0 ? trace / m : 1;
  const b = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) b[i * m + j] = a[i * m + j]! - rowMean[i]! - rowMean[j]! + grand + alpha / m;
  }
  const solve = spdSolverLazy(b, m);
  return (values, v0, v1) => {
    const delta = v1 - v0;
    const c = new Float64Array(m);
    for (let r = 0; r < count; r++) {
      const row = r * m;
      let size = 0;
      for (let g = 0; g < m; g++) size += z[row + g]!;
      const t = weights[r]! * (values[r]! - v0 - (size * delta) / m);
      for (let g = 0; g < m; g++) if (z[row + g]) c[g] += t;
    }
    let mean = 0;
    for (let g = 0; g < m; g++) mean += c[g]!;
    mean /= m;
    for (let g = 0; g < m; g++) c[g] -= mean;
    const u = solve()(c);
    let um = 0;
    for (let g = 0; g < m; g++) um += u[g]!;
    um /= m;
    const phi = new Float64Array(m);
    for (let g = 0; g < m; g++) phi[g] = u[g]! - um + delta / m;
    return phi;
  };
}

function spdSolverLazy(a: Float64Array, n: number): () => (b: ArrayLike<number>) => Float64Array {
  let solver: ((b: ArrayLike<number>) => Float64Array) | null = null;
  return () => (solver ??= spdSolver(a, n));
}
