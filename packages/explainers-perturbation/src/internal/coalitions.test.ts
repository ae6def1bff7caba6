import { expect, it } from 'vitest';
import { createRng } from '@glassbox/tensors-ops';
import { allCoalitions, binomial, leverageCoalitions, plainCoalitions, shapleyKernel, shapleyRegression } from './coalitions.js';

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
