import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { createRng } from '../rng.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { prepareRecipe } from '../pool/recipes.js';
import { fillAblated, fillCoalition, pathPoints } from './model-rows.js';

function uniform(seed: number, count: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count }, () => rng.uniform() * 4 - 2);
}

describeBackends('pathPoints', () => {
  // Three rows of shape [2, 2]; four points per row on the path from b to x.
  const rowShape = [2, 2];
  const n = 3;
  const rowSize = 4;
  const xv = uniform(1, n * rowSize);
  const bv = uniform(2, n * rowSize);
  const alphas = Float64Array.from([0, 0.25, 0.6, 1]);

  it('is b_i + a_j (x_i - b_i) for every virtual row, over any range of virtual rows', async () => {
    const x = tf.tensor(xv, [n, ...rowShape]);
    const b = tf.tensor(bv, [n, ...rowShape]);
    for (const [start, end] of [
      [0, 12],
      [3, 7],
      [5, 6],
      [11, 12],
    ] as const) {
      const got = await expectNoLeaks(() => tf.tidy(() => Array.from(pathPoints(x, b, alphas, start, end).dataSync())));
      expect(got.length).toBe((end - start) * rowSize);
      for (let j = start; j < end; j++) {
        const i = Math.floor(j / alphas.length);
        const a = alphas[j % alphas.length]!;
        for (let e = 0; e < rowSize; e++) {
          const want = bv[i * rowSize + e]! + a * (xv[i * rowSize + e]! - bv[i * rowSize + e]!);
          expect(got[(j - start) * rowSize + e]).toBeCloseTo(want, 5);
        }
      }
    }
    // The ends of the path are the baseline and x (to float32 rounding).
    const ends = tf.tidy(() => Array.from(pathPoints(x, b, alphas, 4, 8).dataSync()));
    expect(ends.slice(0, rowSize)).toEqual(Array.from(bv.subarray(rowSize, 2 * rowSize)));
    ends.slice(3 * rowSize).forEach((v, e) => expect(v).toBeCloseTo(xv[rowSize + e]!, 6));
    tf.dispose([x, b]);
  });

  it("is what the pool's 'path' recipe builds", () => {
    const x = tf.tensor(xv, [n, ...rowShape]);
    const b = tf.tensor(bv, [n, ...rowShape]);
    const recipe = prepareRecipe({ kind: 'path', rowShape, x: xv, baseline: bv, alphas }, n);
    const here = tf.tidy(() => Array.from(pathPoints(x, b, alphas, 2, 9).dataSync()));
    const there = tf.tidy(() => Array.from(recipe.build(2, 9).dataSync()));
    expect(there).toEqual(here);
    expect(recipe.inputOf(9)).toBe(2);
    recipe.dispose();
    tf.dispose([x, b]);
  });

  it('refuses a range outside the virtual rows or no alphas, leaking nothing', async () => {
    const x = tf.tensor(xv, [n, ...rowShape]);
    const b = tf.tensor(bv, [n, ...rowShape]);
    await expectGlassboxError(() => tf.tidy(() => pathPoints(x, b, alphas, 0, 13)), 'INVALID_ARGUMENT', /start <= end <= 12/);
    await expectGlassboxError(() => tf.tidy(() => pathPoints(x, b, alphas, 5, 4)), 'INVALID_ARGUMENT', /got \[5, 4\)/);
    await expectGlassboxError(() => tf.tidy(() => pathPoints(x, b, [], 0, 0)), 'INVALID_ARGUMENT', /0 alphas/);
    tf.dispose([x, b]);
  });
});

it('fillAblated copies the row of x and sets one group to the baseline (group -1: none)', () => {
  const rowSize = 5;
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const b = Float32Array.from([-1, -2, -3, -4, -5, -6, -7, -8, -9, -10]);
  // Group 0 = elements {0, 3}, group 1 = {4}, group 2 = {1, 2}.
  const offsets = Int32Array.from([0, 2, 3, 5]);
  const members = Int32Array.from([0, 3, 4, 1, 2]);
  const groupOf = [0, 2, 2, 0, 1];
  for (const row of [0, 1]) {
    for (const group of [-1, 0, 1, 2]) {
      const out = new Float32Array(rowSize + 3).fill(99);
      fillAblated(out, 2, x, b, row * rowSize, rowSize, offsets, members, group);
      const want = Array.from({ length: rowSize }, (_, e) => (groupOf[e] === group ? b : x)[row * rowSize + e]!);
      expect(Array.from(out)).toEqual([99, 99, ...want, 99]);
    }
  }
});

it('fillCoalition takes a group from x when it is in the coalition, else from the baseline', () => {
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  const b = Float32Array.from([-1, -2, -3, -4, -5, -6, -7, -8]);
  const groups = Int32Array.from([1, 0, -1, 1]); // element 2 is padding: never a feature
  for (const on of [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ]) {
    const out = new Float32Array(5).fill(99);
    fillCoalition(out, 1, x, b, 4, groups, on);
    const want = Array.from(groups, (g, e) => (g >= 0 && on[g] ? x : b)[4 + e]!);
    expect(Array.from(out)).toEqual([99, ...want]);
  }
});
