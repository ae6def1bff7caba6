/**
 * Integration rules for path methods (integrated gradients, latent attribution): the points `alphas` in
 * [0, 1] at which the gradient is evaluated and the `weights` that turn the gradients into the integral
 *
 *   integral_0^1 g(a) da  ~=  sum_k weights[k] * g(alphas[k])
 *
 * All values are float64; the weights sum to 1 (up to float64 rounding) for every rule, so a constant
 * gradient is integrated exactly.
 */
import { GlassboxError, INTEGRATION_METHODS, assertNumber, assertOneOf, describe } from '@glassbox/tensors-ops';
import type { IntegrationMethod } from '@glassbox/tensors-ops';

export interface IntegrationRule {
  /** Points on the path, in [0, 1], ascending. */
  alphas: Float64Array;
  /** One weight per point; they sum to 1. */
  weights: Float64Array;
}

/**
 * Nodes and weights of the n-point Gauss-Legendre rule on [-1, 1], ascending, computed by Newton iteration on
 * the Legendre polynomial P_n in float64 (three-term recurrence (j+1) P_{j+1} = (2j+1) t P_j - j P_{j-1},
 * derivative P_n' = n (t P_n - P_{n-1}) / (t^2 - 1), weight 2 / ((1 - t^2) P_n'(t)^2)). Integrates
 * polynomials up to degree 2n - 1 exactly.
 *
 * @example
 * ```ts
 * gaussLegendre(2); // { nodes: [-0.5773502691896257, 0.5773502691896257], weights: [1, 1] }
 * ```
 */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  assertNumber(n, 'n', 'gaussLegendre', { integer: true, min: 1 });
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const half = Math.ceil(n / 2);
  for (let i = 0; i < half; i++) {
    // Tricomi's first guess for the i-th largest root; Newton converges quadratically from it.
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 1;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = t;
      for (let j = 2; j <= n; j++) {
        const p2 = ((2 * j - 1) * t * p1 - (j - 1) * p0) / j;
        p0 = p1;
        p1 = p2;
      }
      // p1 = P_n(t), p0 = P_{n-1}(t) (for n = 1 the loop does not run: P_1 = t, P_0 = 1).
      dp = (n * (t * p1 - p0)) / (t * t - 1);
      const step = p1 / dp;
      t -= step;
      if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(t))) break;
    }
    // Re-evaluate the derivative at the converged root for the weight.
    let p0 = 1;
    let p1 = t;
    for (let j = 2; j <= n; j++) {
      const p2 = ((2 * j - 1) * t * p1 - (j - 1) * p0) / j;
      p0 = p1;
      p1 = p2;
    }
    dp = (n * (t * p1 - p0)) / (t * t - 1);
    const w = 2 / ((1 - t * t) * dp * dp);
    nodes[i] = -t;
    nodes[n - 1 - i] = t;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  return { nodes, weights };
}

/**
 * The points and weights of an integration rule on [0, 1] with `steps` points.
 *
 * - 'riemann_left':      a_k = k / n,         w_k = 1 / n
 * - 'riemann_right':     a_k = (k + 1) / n,   w_k = 1 / n
 * - 'riemann_middle':    a_k = (k + 0.5) / n, w_k = 1 / n
 * - 'riemann_trapezoid': a_k = k / (n - 1),   w_k = 1 / (n - 1), halved at both ends (the textbook rule, weights
 *   sum to 1; needs n >= 2)
 * - 'gausslegendre':     n-point Gauss-Legendre mapped from [-1, 1] to [0, 1]: a_k = (t_k + 1) / 2, w_k = v_k / 2
 *
 * @throws GlassboxError INVALID_ARGUMENT for an unknown method, steps < 1 (or < 2 for the trapezoid rule).
 */
export function integrationRule(method: IntegrationMethod, steps: number, where = 'integrationRule'): IntegrationRule {
  const m = assertOneOf(method, INTEGRATION_METHODS, 'options.method', where);
  const n = assertNumber(steps, 'options.steps', where, { integer: true, min: 1 });
  const alphas = new Float64Array(n);
  const weights = new Float64Array(n);
  switch (m) {
    case 'riemann_left':
    case 'riemann_right':
    case 'riemann_middle': {
      const shift = m === 'riemann_left' ? 0 : m === 'riemann_right' ? 1 : 0.5;
      for (let k = 0; k < n; k++) {
        alphas[k] = (k + shift) / n;
        weights[k] = 1 / n;
      }
      break;
    }
    case 'riemann_trapezoid': {
      if (n < 2) {
        throw new GlassboxError(
          'INVALID_ARGUMENT',
          `${where}: options.steps must be an integer >= 2 for method 'riemann_trapezoid' (it evaluates both ends of the path), got ${describe(steps)}`,
        );
      }
      for (let k = 0; k < n; k++) {
        alphas[k] = k / (n - 1);
        weights[k] = k === 0 || k === n - 1 ? 0.5 / (n - 1) : 1 / (n - 1);
      }
      break;
    }
    case 'gausslegendre': {
      const { nodes, weights: w } = gaussLegendre(n);
      for (let k = 0; k < n; k++) {
        alphas[k] = (nodes[k]! + 1) / 2;
        weights[k] = w[k]! / 2;
      }
      break;
    }
  }
  return { alphas, weights };
}
