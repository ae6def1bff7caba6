import { describe, expect, it } from 'vitest';
import { INTEGRATION_METHODS } from '@glassbox/tensors-ops';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { runSteps } from '@glassbox/tensors-ops';
import { gaussLegendre, gaussLegendreSteps, integrationRule } from './integration.js';

describe('gaussLegendre', () => {
  it('has the textbook nodes and weights for n = 1, 2, 3, 4', () => {
    const g1 = gaussLegendre(1);
    expect(Array.from(g1.nodes)).toEqual([0]);
    expect(g1.weights[0]).toBeCloseTo(2, 15);

    const g2 = gaussLegendre(2);
    expect(g2.nodes[0]).toBeCloseTo(-1 / Math.sqrt(3), 15);
    expect(g2.nodes[1]).toBeCloseTo(1 / Math.sqrt(3), 15);
    expect(g2.weights[0]).toBeCloseTo(1, 15);
    expect(g2.weights[1]).toBeCloseTo(1, 15);

    const g3 = gaussLegendre(3);
    expect(g3.nodes[0]).toBeCloseTo(-Math.sqrt(3 / 5), 15);
    expect(g3.nodes[1]).toBe(0);
    expect(g3.nodes[2]).toBeCloseTo(Math.sqrt(3 / 5), 15);
    expect(g3.weights[0]).toBeCloseTo(5 / 9, 15);
    expect(g3.weights[1]).toBeCloseTo(8 / 9, 15);
    expect(g3.weights[2]).toBeCloseTo(5 / 9, 15);

    // n = 4: +-sqrt(3/7 -+ 2/7 sqrt(6/5)), weights (18 +- sqrt(30)) / 36.
    const g4 = gaussLegendre(4);
    const inner = Math.sqrt(3 / 7 - (2 / 7) * Math.sqrt(6 / 5));
    const outer = Math.sqrt(3 / 7 + (2 / 7) * Math.sqrt(6 / 5));
    expect(Array.from(g4.nodes).map((v) => +v.toFixed(14))).toEqual([-outer, -inner, inner, outer].map((v) => +v.toFixed(14)));
    expect(g4.weights[0]).toBeCloseTo((18 - Math.sqrt(30)) / 36, 14);
    expect(g4.weights[1]).toBeCloseTo((18 + Math.sqrt(30)) / 36, 14);
  });

  it('integrates every monomial up to degree 2n - 1 exactly on [-1, 1], and not degree 2n', () => {
    const factorial = (m: number): number => (m <= 1 ? 1 : m * factorial(m - 1));
    for (const n of [1, 2, 3, 5, 8, 16, 33, 64]) {
      const { nodes, weights } = gaussLegendre(n);
      for (let deg = 0; deg <= 2 * n - 1; deg++) {
        let q = 0;
        for (let k = 0; k < n; k++) q += weights[k]! * nodes[k]! ** deg;
        const exact = deg % 2 === 1 ? 0 : 2 / (deg + 1);
        expect(Math.abs(q - exact), `n=${n} degree ${deg}`).toBeLessThan(1e-13);
      }
      if (n <= 8) {
        // The error on t^(2n) is 2^(2n+1) (n!)^4 / ((2n+1) ((2n)!)^2) (Abramowitz & Stegun 25.4.30).
        let q = 0;
        for (let k = 0; k < n; k++) q += weights[k]! * nodes[k]! ** (2 * n);
        const error = (2 ** (2 * n + 1) * factorial(n) ** 4) / ((2 * n + 1) * factorial(2 * n) ** 2);
        expect((2 / (2 * n + 1) - q) / error, `n=${n} degree ${2 * n}`).toBeCloseTo(1, 8);
      }
    }
  });

  it('nodes are ascending, symmetric and inside (-1, 1)', () => {
    const { nodes, weights } = gaussLegendre(50);
    for (let k = 0; k < 50; k++) {
      expect(nodes[k]).toBeGreaterThan(-1);
      expect(nodes[k]).toBeLessThan(1);
      if (k > 0) expect(nodes[k]).toBeGreaterThan(nodes[k - 1]!);
      expect(nodes[k]).toBeCloseTo(-nodes[49 - k]!, 14);
      expect(weights[k]).toBeCloseTo(weights[49 - k]!, 14);
    }
  });
});

describe('gaussLegendre for large n (asymptotic series, O(n))', () => {
  it('agrees with Newton on the three-term recurrence (an independent method) where both apply', () => {
    for (const n of [129, 200, 513, 1000]) {
      const fast = gaussLegendre(n);
      const slow = runSteps(gaussLegendreSteps(n, true));
      let dn = 0;
      let worst = 0;
      for (let k = 0; k < n; k++) {
        dn = Math.max(dn, Math.abs(fast.nodes[k]! - slow.nodes[k]!));
        // The recurrence's rounding grows with n (n steps), and its weight 2 / ((1 - t^2) P_n'(t)^2) inherits the
        // rounding of t in 1 - t^2: about 1e-16 / sin(theta)^2 relative, 1e-16 n^2 / (pi (j + 3/4))^2 at the j-th
        // node from the nearer end.
        const j = Math.min(k, n - 1 - k);
        const tolerance = 2e-16 * n + (2e-16 * n * n) / (Math.PI * (j + 0.75)) ** 2;
        worst = Math.max(worst, Math.abs(fast.weights[k]! / slow.weights[k]! - 1) / tolerance);
      }
      expect(dn, `n=${n} nodes`).toBeLessThan(1e-15);
      expect(worst, `n=${n} weights (relative difference / tolerance)`).toBeLessThan(1);
    }
  });

  it('integrates every monomial up to degree 2n - 1 exactly (n = 129, 200: series nodes)', () => {
    for (const n of [129, 200]) {
      const { nodes, weights } = gaussLegendre(n);
      for (let deg = 0; deg <= 2 * n - 1; deg++) {
        let q = 0;
        for (let k = 0; k < n; k++) q += weights[k]! * nodes[k]! ** deg;
        const exact = deg % 2 === 1 ? 0 : 2 / (deg + 1);
        expect(Math.abs(q - exact), `n=${n} degree ${deg}`).toBeLessThan(1e-14);
      }
    }
  });

  it('100,000 and 1,000,000 points (O(n^2) before: did not finish): closed-form integrals hold', () => {
    for (const n of [100_000, 1_000_000]) {
      const { nodes, weights } = gaussLegendre(n);
      let sum = 0;
      let square = 0;
      let top = 0;
      let wave = 0;
      let ordered = true;
      for (let k = 0; k < n; k++) {
        const t = nodes[k]!;
        const w = weights[k]!;
        sum += w;
        square += w * t * t;
        top += w * t ** (2 * n - 2); // carried by the nodes nearest the ends
        wave += w * Math.cos(50 * t);
        if (!(w > 0) || !(t > -1 && t < 1) || (k > 0 && !(t > nodes[k - 1]!)) || t !== -nodes[n - 1 - k]!) ordered = false;
      }
      expect(ordered, `n=${n}: nodes ascending, symmetric, inside (-1, 1); weights positive`).toBe(true);
      expect(Math.abs(sum - 2), `n=${n}`).toBeLessThan(1e-12);
      expect(Math.abs(square - 2 / 3), `n=${n}`).toBeLessThan(1e-12);
      expect(Math.abs(top / (2 / (2 * n - 1)) - 1), `n=${n}`).toBeLessThan(1e-8);
      expect(Math.abs(wave - (2 * Math.sin(50)) / 50), `n=${n}`).toBeLessThan(1e-12);
    }
  });
});

describe('integrationRule', () => {
  it('gives the Riemann points and weights of the definitions', () => {
    expect(Array.from(integrationRule('riemann_left', 4).alphas)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(Array.from(integrationRule('riemann_right', 4).alphas)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(Array.from(integrationRule('riemann_middle', 4).alphas)).toEqual([0.125, 0.375, 0.625, 0.875]);
    expect(Array.from(integrationRule('riemann_left', 4).weights)).toEqual([0.25, 0.25, 0.25, 0.25]);
    const trap = integrationRule('riemann_trapezoid', 5);
    expect(Array.from(trap.alphas)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(trap.weights)).toEqual([0.125, 0.25, 0.25, 0.25, 0.125]);
  });

  it('maps Gauss-Legendre to [0, 1] (n = 2: 1/2 -+ 1/(2 sqrt 3), weights 1/2)', () => {
    const r = integrationRule('gausslegendre', 2);
    expect(r.alphas[0]).toBeCloseTo(0.5 - 0.5 / Math.sqrt(3), 15);
    expect(r.alphas[1]).toBeCloseTo(0.5 + 0.5 / Math.sqrt(3), 15);
    expect(r.weights[0]).toBeCloseTo(0.5, 15);
    expect(r.weights[1]).toBeCloseTo(0.5, 15);
  });

  it('weights sum to 1 for every rule (the trapezoid is the textbook rule, not 63/64)', () => {
    for (const m of INTEGRATION_METHODS) {
      for (const n of [2, 7, 64]) {
        const { weights } = integrationRule(m, n);
        expect(weights.reduce((a, b) => a + b, 0), `${m} n=${n}`).toBeCloseTo(1, 14);
      }
    }
  });

  it('integrates a^5 on [0, 1] exactly with 3 Gauss-Legendre points', () => {
    const { alphas, weights } = integrationRule('gausslegendre', 3);
    let q = 0;
    for (let k = 0; k < 3; k++) q += weights[k]! * alphas[k]! ** 5;
    expect(q).toBeCloseTo(1 / 6, 15);
  });

  it('rejects bad steps and methods', async () => {
    await expectGlassboxError(() => integrationRule('riemann_left', 0), 'INVALID_ARGUMENT', /options\.steps/);
    await expectGlassboxError(() => integrationRule('riemann_left', 2.5), 'INVALID_ARGUMENT', /options\.steps/);
    await expectGlassboxError(() => integrationRule('riemann_trapezoid', 1), 'INVALID_ARGUMENT', /options\.steps.*>= 2/);
    await expectGlassboxError(() => integrationRule('simpson' as never, 4), 'INVALID_ARGUMENT', /options\.method/);
  });

  it('refuses more points than its bookkeeping limit allows, before allocating anything', async () => {
    for (const m of ['riemann_left', 'gausslegendre'] as const) {
      await expectGlassboxError(
        () => integrationRule(m, 1e9, 'integratedGradients'),
        'INVALID_ARGUMENT',
        /^integratedGradients: options\.steps must be at most 8388608 points on the path, got 1000000000 .*MAX_PLAN_BYTES/,
      );
    }
    await expectGlassboxError(() => gaussLegendre(2 ** 25), 'INVALID_ARGUMENT', /^gaussLegendre: n must be at most 16777216 nodes/);
  });
});
