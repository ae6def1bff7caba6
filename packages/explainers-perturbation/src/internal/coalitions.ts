/**
 * Coalition designs for the Shapley regression (KernelSHAP): full enumeration with exact Shapley-kernel
 * weights, leverage-score sampling (paired, without replacement, the sampled pairs spread evenly) and plain
 * Shapley-kernel sampling (unpaired, with replacement). A design is a set of coalitions (0/1 rows over M groups, never empty or full: those two
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
 * Leverage-score sampling (Musco & Witter 2024, arXiv 2410.01917), paired and without replacement, with the
 * sampled pairs spread out over the coalition space.
 *
 * The leverage scores of the Shapley regression give every coalition size the same total mass, so each size
 * s = 1..m-1 gets the same number c of coalitions, capped at C(m, s): sizes whose complete count fits their
 * share are taken whole (as the SHAP library enumerates the sizes its budget covers), the rest share the
 * remaining budget. Coalitions are drawn in complementary pairs {S, complement} without replacement within each
 * size, with fixed per-size counts (stratified, so the budget is used exactly), and reweighted by the Shapley
 * kernel over the inclusion probability: w(S) = k(|S|) / pi(|S|). Then `spreadPairs` rearranges the drawn
 * pairs of the sampled sizes so that they overlap evenly (see there). Uses floor(budget / 2) pairs.
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
  const total = q.reduce((a, b) => a + b, 0);
  // One representative per pair (the coalition of size s <= m / 2), its size and its regression weight; the
  // pairs of the sizes taken whole come first and stay as they are, the sampled ones follow.
  const reps = new Uint8Array(total * m);
  const repSize = new Int32Array(total);
  const repWeight = new Float64Array(total);
  let whole = 0;
  let spreadFrom = 0;
  for (const pass of [true, false]) {
    for (let ci = 0; ci < classes.length; ci++) {
      const k = classes[ci]!;
      const qi = q[ci]!;
      if (qi === 0 || (qi >= k.cap) !== pass) continue;
      const middle = 2 * k.s === m;
      // Shapley kernel over the inclusion probability pi = qi / cap, with C(m, s) cancelled: cap = ratio * C(m, s).
      const w = ((m - 1) / (k.s * (m - k.s))) * (k.ratio / qi);
      const subsets = middle ? yield* distinctSubsets(m - 1, k.s - 1, qi, rng) : yield* distinctSubsets(m, k.s, qi, rng);
      for (const sub of subsets) {
        const a = whole * m;
        if (middle) {
          // Representatives of the middle pairs contain group 0; the others are drawn from 1..m-1.
          reps[a] = 1;
          for (const g of sub) reps[a + g + 1] = 1;
        } else {
          for (const g of sub) reps[a + g] = 1;
        }
        repSize[whole] = k.s;
        repWeight[whole] = w;
        whole++;
      }
    }
    // Everything drawn in the first pass is a complete size; the rest is sampled.
    if (pass) spreadFrom = whole;
  }
  const sampled = total - spreadFrom;
  spreadPairs(m, reps.subarray(spreadFrom * m), sampled, repSize.subarray(spreadFrom), repWeight.subarray(spreadFrom), rng);
  const count = 2 * total;
  const z = new Uint8Array(count * m);
  const weights = new Float64Array(count);
  for (let k = 0; k < total; k++) {
    const a = 2 * k * m;
    for (let g = 0; g < m; g++) {
      const on = reps[k * m + g]!;
      z[a + g] = on;
      z[a + m + g] = 1 - on;
    }
    weights[2 * k] = repWeight[k]!;
    weights[2 * k + 1] = repWeight[k]!;
    if ((k + 1) % (2 * CHUNK) === 0) yield;
  }
  return { m, count, z, weights };
}

/** Most sampled pairs `spreadPairs` rearranges (it keeps a pairs x pairs table of distances); more are left as drawn. */
export const SPREAD_MAX_PAIRS = 2048;
/**
 * Proposed moves per sampled pair, and a cap on the search's steps (a move costs one step per pair and per
 * group, the initial distance table one per 32 groups of each distance), so that large designs stay fast (tens
 * of ms).
 */
const SPREAD_MOVES_PER_PAIR = 200;
const SPREAD_WORK = 6_000_000;

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * Spreads sampled complementary pairs over the coalition space so that they overlap as evenly as the whole
 * population of coalitions does. Paired sampling already cancels every even-order interaction of the model
 * exactly; what remains is noise from odd-order ones, mostly third order. For a random model whose third-order
 * interactions are independent (Walsh coefficients chi_T(S) = prod over i in T of (+1 in S, -1 out), |T| = 3),
 * the mean squared error of the regression (with the design's A close to the population's) is, up to a
 * constant, the energy
 *
 *   E = sum over pairs a != b of  w_a w_b ((m - 2h) - (2 s_a - m)(2 s_b - m) / m) K_3(h),   h = |S_a xor S_b|
 *
 * where K_3(h) = sum_j (-1)^j C(h, j) C(m - h, 3 - j) is the Krawtchouk polynomial (the sum of chi_T(S_a)
 * chi_T(S_b) over all T of size 3), and the first factor is <P z_a, P z_b> in the +-1 coding with
 * P = I - 1 1^T / m. A local search lowers E: it proposes swapping one member of a pair's representative for a
 * non-member (the size stays), and keeps the swap when E falls and the pair stays distinct from every other.
 * Pairs of sizes taken whole are left out (their sum over a complete size is the same for any S of a size).
 *
 * The search treats every group alike, so each coalition of a size keeps the same chance q / C(m, s) to be in
 * the design and the kernel-over-inclusion weights stay valid; it depends only on m, the pairs and rng (not on
 * the model), and its cost is bounded (SPREAD_MOVES_PER_PAIR moves per pair, at most SPREAD_WORK steps).
 *
 * @param reps q x m 0/1 rows, one representative per pair (size s <= m / 2); rewritten in place.
 * @param size size of each representative; weight: each pair's regression weight.
 */
export function spreadPairs(m: number, reps: Uint8Array, q: number, size: Int32Array, weight: Float64Array, rng: Rng): void {
  const words = (m + 31) >>> 5;
  const setup = (q * q * words) / 2;
  if (q < 2 || q > SPREAD_MAX_PAIRS || m < 3 || m > 65535 || setup > SPREAD_WORK / 2) return;
  const bits = new Uint32Array(q * words);
  for (let a = 0; a < q; a++) {
    for (let g = 0; g < m; g++) if (reps[a * m + g]) bits[a * words + (g >>> 5)]! |= 1 << (g & 31);
  }
  const lastMask = m % 32 === 0 ? 0xffffffff : 2 ** (m % 32) - 1;
  // Canonical key of a pair: its representative, or for the middle size the one of the two that holds group 0.
  const scratch = new Uint32Array(words);
  const keyOf = (src: Uint32Array, offset: number, s: number): string => {
    const flip = 2 * s === m && (src[offset]! & 1) === 0;
    for (let k = 0; k < words; k++) {
      const v = src[offset + k]!;
      scratch[k] = flip ? (~v & (k === words - 1 ? lastMask : 0xffffffff)) >>> 0 : v;
    }
    return scratch.join(',');
  };
  const keys = new Set<string>();
  for (let a = 0; a < q; a++) keys.add(keyOf(bits, a * words, size[a]!));
  const dist = new Uint16Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < a; b++) {
      let h = 0;
      for (let k = 0; k < words; k++) h += popcount32(bits[a * words + k]! ^ bits[b * words + k]!);
      dist[a * q + b] = h;
      dist[b * q + a] = h;
    }
  }
  // G(h, s, t) = (m - 2h) K3(h) - c_s c_t K3(h) / m with c_s = 2s - m, K3 scaled by 1 / C(m, 3).
  const k3 = new Float64Array(m + 1);
  const scale = binomial(m, 3);
  for (let h = 0; h <= m; h++) {
    let t = 0;
    for (let j = 0; j <= 3; j++) t += (j % 2 === 0 ? 1 : -1) * binomial(h, j) * binomial(m - h, 3 - j);
    k3[h] = t / scale;
  }
  // A swap changes a distance h by 2 step (step in -1, 0, 1); the change of each part of G, by (h, step).
  const dLinOf = new Float64Array(3 * (m + 1));
  const dK3Of = new Float64Array(3 * (m + 1));
  for (let h = 0; h <= m; h++) {
    for (const step of [-1, 1]) {
      const h2 = h + 2 * step;
      if (h2 < 0 || h2 > m) continue;
      dLinOf[3 * h + step + 1] = (m - 2 * h2) * k3[h2]! - (m - 2 * h) * k3[h]!;
      dK3Of[3 * h + step + 1] = k3[h2]! - k3[h]!;
    }
  }
  const centred = new Float64Array(q);
  for (let a = 0; a < q; a++) centred[a] = (weight[a]! * (2 * size[a]! - m)) / m;
  // Membership by group (column-major), so that the inner loop over pairs reads contiguous memory.
  const member = new Uint8Array(m * q);
  for (let a = 0; a < q; a++) for (let g = 0; g < m; g++) member[g * q + a] = reps[a * m + g]!;
  // A move visits every pair and scans the m groups once.
  const moves = Math.min(SPREAD_MOVES_PER_PAIR * q, Math.floor((SPREAD_WORK - setup) / (q + m)));
  const next = new Uint32Array(words);
  for (let it = 0; it < moves; it++) {
    const a = rng.int(q);
    const s = size[a]!;
    // x: a random member of S_a, y: a random non-member.
    let xi = rng.int(s);
    let yi = rng.int(m - s);
    let x = -1;
    let y = -1;
    for (let g = 0; g < m && (x < 0 || y < 0); g++) {
      if (member[g * q + a]) {
        if (xi-- === 0) x = g;
      } else if (yi-- === 0) y = g;
    }
    // Swapping x out and y in changes |S_a xor S_b| by 2 (member(b, x) - member(b, y)); b = a itself reads
    // distance 0 and step 1, and is taken out after the loop.
    const row = a * q;
    const ox = x * q;
    const oy = y * q;
    let dLin = 0;
    let dCen = 0;
    for (let b = 0; b < q; b++) {
      const k = 3 * dist[row + b]! + member[ox + b]! - member[oy + b]! + 1;
      dLin += weight[b]! * dLinOf[k]!;
      dCen += centred[b]! * dK3Of[k]!;
    }
    dLin -= weight[a]! * dLinOf[2]!;
    dCen -= centred[a]! * dK3Of[2]!;
    const delta = dLin - (2 * s - m) * dCen;
    if (!(delta < -1e-12)) continue;
    next.set(bits.subarray(a * words, (a + 1) * words));
    next[x >>> 5]! &= ~(1 << (x & 31));
    next[y >>> 5]! |= 1 << (y & 31);
    const key = keyOf(next, 0, s);
    if (keys.has(key)) continue;
    keys.delete(keyOf(bits, a * words, s));
    keys.add(key);
    for (let b = 0; b < q; b++) {
      const h = dist[row + b]! + 2 * (member[ox + b]! - member[oy + b]!);
      dist[row + b] = h;
      dist[b * q + a] = h;
    }
    dist[row + a] = 0;
    bits.set(next, a * words);
    member[ox + a] = 0;
    member[oy + a] = 1;
  }
  for (let a = 0; a < q; a++) for (let g = 0; g < m; g++) reps[a * m + g] = member[g * q + a]!;
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
