import { expect, it } from 'vitest';
import { createRng } from '@glassbox/tensors-ops';
import {
  allCoalitions,
  binomial,
  leverageCoalitions,
  plainCoalitions,
  shapleyKernel,
  shapleyRegression,
  spreadPairs,
} from './coalitions.js';

function rows(z: Uint8Array, m: number): string[] {
  const out: string[] = [];
  for (let r = 0; r < z.length / m; r++) out.push(Array.from(z.subarray(r * m, (r + 1) * m)).join(''));
  return out;
}

it('binomial and the Shapley kernel', () => {
  expect(binomial(10, 3)).toBe(120);
  expect(binomial(30, 15)).toBe(155117520);
  expect(binomial(5, 6)).toBe(0);
  expect(shapleyKernel(4, 1)).toBeCloseTo(3 / (4 * 1 * 3), 12);
  expect(shapleyKernel(4, 2)).toBeCloseTo(3 / (6 * 2 * 2), 12);
});

it('allCoalitions: every proper non-empty coalition once', () => {
  const d = allCoalitions(4);
  expect(d.count).toBe(14);
  expect(new Set(rows(d.z, 4)).size).toBe(14);
  expect(rows(d.z, 4)).not.toContain('0000');
  expect(rows(d.z, 4)).not.toContain('1111');
});

it('leverageCoalitions: complementary pairs, no repeats, exact budget, small sizes taken whole', () => {
  const m = 10;
  const d = leverageCoalitions(m, 101, createRng(3));
  expect(d.count).toBe(100);
  const r = rows(d.z, m);
  expect(new Set(r).size).toBe(100);
  for (let k = 0; k < r.length; k += 2) {
    const comp = r[k]!.split('').map((c) => (c === '1' ? '0' : '1')).join('');
    expect(r[k + 1]).toBe(comp);
    expect(d.weights[k]).toBe(d.weights[k + 1]);
  }
  // leverage allocation: equal counts per size, capped at C(10, s): sizes 1 and 9 (10 each) are taken whole
  const bySize = new Array<number>(m + 1).fill(0);
  for (const s of r) bySize[s.split('').filter((c) => c === '1').length]!++;
  expect(bySize[1]).toBe(10);
  expect(bySize[9]).toBe(10);
  expect(bySize[0]).toBe(0);
  expect(bySize[m]).toBe(0);
  for (let s = 2; s <= 8; s++) expect(Math.abs(bySize[s]! - 80 / 7)).toBeLessThanOrEqual(1.5);
  // Horvitz-Thompson weights: a fully taken size keeps its kernel weight (inclusion probability 1)
  const singleton = r.findIndex((s) => s.split('').filter((c) => c === '1').length === 1);
  expect(d.weights[singleton]! / shapleyKernel(m, 1)).toBeCloseTo(1, 10);
  // ... a sampled size is scaled by 1 / (inclusion probability) = C(m, s) / (coalitions of size s drawn)
  const pair = r.findIndex((s) => s.split('').filter((c) => c === '1').length === 2);
  expect(d.weights[pair]! / shapleyKernel(m, 2)).toBeCloseTo(binomial(m, 2) / bySize[2]!, 8);
});

it('plainCoalitions: the requested number, with weight 1, sizes from the kernel distribution', () => {
  const m = 8;
  const d = plainCoalitions(m, 4000, createRng(1));
  expect(d.count).toBe(4000);
  expect(Array.from(d.weights).every((w) => w === 1)).toBe(true);
  const bySize = new Array<number>(m + 1).fill(0);
  for (const s of rows(d.z, m)) bySize[s.split('').filter((c) => c === '1').length]!++;
  let total = 0;
  for (let s = 1; s < m; s++) total += 1 / (s * (m - s));
  for (let s = 1; s < m; s++) expect(bySize[s]! / 4000).toBeCloseTo(1 / (s * (m - s)) / total, 1);
});

it('shapleyRegression on every coalition returns the exact Shapley values of a small game', () => {
  // v(S) for 3 players: v({0}) = 1, v({1}) = 2, v({2}) = 0, pairs add an interaction of 3 between 0 and 1
  const value = (s: number[]): number => (s.includes(0) ? 1 : 0) + (s.includes(1) ? 2 : 0) + (s.includes(0) && s.includes(1) ? 3 : 0);
  const d = allCoalitions(3);
  const values: number[] = [];
  for (let r = 0; r < d.count; r++) values.push(value([0, 1, 2].filter((g) => d.z[r * 3 + g])));
  const phi = shapleyRegression(d)(values, 0, value([0, 1, 2]));
  expect(phi[0]).toBeCloseTo(2.5, 10);
  expect(phi[1]).toBeCloseTo(3.5, 10);
  expect(phi[2]).toBeCloseTo(0, 10);
});

/** sum over a != b of w_a w_b <P zeta_a, P zeta_b> sum_{|T| = 3} chi_T(a) chi_T(b), from the definition (zeta = +-1). */
function thirdOrderEnergy(reps: Uint8Array, q: number, m: number, w: ArrayLike<number>): number {
  let e = 0;
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      if (a === b) continue;
      const za = Array.from(reps.subarray(a * m, (a + 1) * m), (v) => 2 * v - 1);
      const zb = Array.from(reps.subarray(b * m, (b + 1) * m), (v) => 2 * v - 1);
      let dot = 0;
      let sa = 0;
      let sb = 0;
      for (let i = 0; i < m; i++) {
        dot += za[i]! * zb[i]!;
        sa += za[i]!;
        sb += zb[i]!;
      }
      let third = 0;
      for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) for (let k = j + 1; k < m; k++) third += za[i]! * za[j]! * za[k]! * zb[i]! * zb[j]! * zb[k]!;
      e += w[a]! * w[b]! * (dot - (sa * sb) / m) * third;
    }
  }
  return e;
}

/** Random distinct pairs: `per[s]` representatives of size s (s <= m / 2), HT-like weights. */
function randomPairs(m: number, per: Record<number, number>, seed: number): { reps: Uint8Array; q: number; size: Int32Array; weight: Float64Array } {
  const rng = createRng(seed);
  const list: { row: Uint8Array; s: number }[] = [];
  const seen = new Set<string>();
  for (const [key, count] of Object.entries(per)) {
    const s = Number(key);
    while (list.filter((r) => r.s === s).length < count) {
      const row = new Uint8Array(m);
      for (const g of rng.subset(m, s)) row[g] = 1;
      const canon = 2 * s === m && row[0] === 0 ? row.map((v) => 1 - v) : row;
      if (seen.has(canon.join(''))) continue;
      seen.add(canon.join(''));
      list.push({ row, s });
    }
  }
  const q = list.length;
  const reps = new Uint8Array(q * m);
  list.forEach((r, a) => reps.set(r.row, a * m));
  const size = Int32Array.from(list, (r) => r.s);
  const weight = Float64Array.from(list, (r) => (m - 1) / (r.s * (m - r.s)) / per[r.s]!);
  return { reps, q, size, weight };
}

it('spreadPairs: lowers the third-order energy below random draws, keeps sizes, keeps the pairs distinct', () => {
  const m = 10;
  const per = { 2: 12, 3: 12, 4: 12, 5: 6 };
  const random: number[] = [];
  for (let seed = 1; seed <= 20; seed++) {
    const d = randomPairs(m, per, seed);
    random.push(thirdOrderEnergy(d.reps, d.q, m, d.weight));
  }
  const d = randomPairs(m, per, 0);
  const before = thirdOrderEnergy(d.reps, d.q, m, d.weight);
  spreadPairs(m, d.reps, d.q, d.size, d.weight, createRng(5));
  const after = thirdOrderEnergy(d.reps, d.q, m, d.weight);
  expect(after).toBeLessThan(before);
  expect(after).toBeLessThan(Math.min(...random));
  const keys = new Set<string>();
  for (let a = 0; a < d.q; a++) {
    const row = d.reps.subarray(a * m, (a + 1) * m);
    expect(row.reduce((s, v) => s + v, 0)).toBe(d.size[a]);
    const canon = 2 * d.size[a]! === m && row[0] === 0 ? Array.from(row, (v) => 1 - v) : Array.from(row);
    keys.add(canon.join(''));
  }
  expect(keys.size).toBe(d.q);
});

it('leverageCoalitions: within a sampled size every coalition is equally likely (the kernel-over-inclusion weights rely on it)', () => {
  // m = 8, 40 coalitions = 20 pairs: about 6 pairs each of sizes 1, 2, 3 and 2-3 of the 35 middle pairs, all sampled.
  const m = 8;
  const runs = 400;
  const hits = new Map<string, number>();
  const drawn = new Array<number>(m + 1).fill(0);
  for (let seed = 0; seed < runs; seed++) {
    const d = leverageCoalitions(m, 40, createRng(seed));
    for (const r of rows(d.z, m)) {
      hits.set(r, (hits.get(r) ?? 0) + 1);
      drawn[r.split('').filter((c) => c === '1').length]!++;
    }
  }
  for (let s = 1; s < m; s++) {
    const total = binomial(m, s);
    const mean = drawn[s]! / total;
    expect(mean).toBeGreaterThan(10);
    // each of the C(m, s) coalitions of size s: its count is Binomial-like around the mean
    for (let mask = 0; mask < 2 ** m; mask++) {
      const r = Array.from({ length: m }, (_, g) => (mask >>> g) & 1).join('');
      if (r.split('').filter((c) => c === '1').length !== s) continue;
      expect(Math.abs((hits.get(r) ?? 0) - mean), `size ${s}, ${r}`).toBeLessThan(5 * Math.sqrt(mean) + 1);
    }
  }
});
