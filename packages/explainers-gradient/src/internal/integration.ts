/**
 * Integration rules for path methods (integrated gradients, latent attribution): the points `alphas` in
 * [0, 1] at which the gradient is evaluated and the `weights` that turn the gradients into the integral
 *
 *   integral_0^1 g(a) da  ~=  sum_k weights[k] * g(alphas[k])
 *
 * All values are float64; the weights sum to 1 (up to float64 rounding) for every rule, so a constant
 * gradient is integrated exactly.
 */
import { GlassboxError, INTEGRATION_METHODS, assertNumber, assertOneOf, assertPlanSize, describe, runSteps, runStepsPaced } from '@glassbox/tensors-ops';
import type { IntegrationMethod, Pace, Steps } from '@glassbox/tensors-ops';

export interface IntegrationRule {
  /** Points on the path, in [0, 1], ascending. */
  alphas: Float64Array;
  /** One weight per point; they sum to 1. */
  weights: Float64Array;
}

/** Up to this many points every node comes from Newton's method on the three-term recurrence. */
const RECURRENCE_MAX = 128;
/** Above RECURRENCE_MAX, this many nodes nearest each end still come from the recurrence; the rest from the series. */
const BOUNDARY_NODES = 6;
/** Nodes (or Riemann points) computed between two yields of the stepwise forms. */
const CHUNK = 4096;

/**
 * The i-th largest root t of P_n and its weight, by Newton's method on P_n evaluated with the three-term
 * recurrence (j+1) P_{j+1} = (2j+1) t P_j - j P_{j-1}, derivative P_n' = n (t P_n - P_{n-1}) / (t^2 - 1),
 * weight 2 / ((1 - t^2) P_n'(t)^2). O(n) per Newton step.
 */
function recurrenceNode(n: number, i: number): [number, number] {
  // Tricomi's first guess for the i-th largest root; Newton converges quadratically from it.
  let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
  for (let iter = 0; iter < 100; iter++) {
    const [p, dp] = legendre(n, t);
    const step = p / dp;
    t -= step;
    if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(t))) break;
  }
  // The derivative at the converged root, for the weight.
  const dp = legendre(n, t)[1];
  return [t, 2 / ((1 - t * t) * dp * dp)];
}

/** P_n(t) and P_n'(t) by the three-term recurrence, O(n). */
function legendre(n: number, t: number): [number, number] {
  let p0 = 1;
  let p1 = t;
  for (let j = 2; j <= n; j++) {
    const p2 = ((2 * j - 1) * t * p1 - (j - 1) * p0) / j;
    p0 = p1;
    p1 = p2;
  }
  // p1 = P_n(t), p0 = P_{n-1}(t) (for n = 1 the loop does not run: P_1 = t, P_0 = 1).
  return [p1, (n * (t * p1 - p0)) / (t * t - 1)];
}

/**
 * sqrt(4 / pi) Gamma(n + 1) / Gamma(n + 3/2), the constant of the asymptotic series below, for n >= 100: from
 * Stirling's series of ln Gamma, written so that nothing large cancels (z = n + 1):
 * ln(Gamma(z) / Gamma(z + 1/2)) = -ln(z) / 2 - z ln(1 + 1/(2z)) + 1/2 + S(z) - S(z + 1/2),
 * S(z) = 1/(12 z) - 1/(360 z^3) + 1/(1260 z^5) - 1/(1680 z^7).
 */
function seriesConstant(n: number): number {
  const z = n + 1;
  const stirling = (v: number): number => {
    const r = 1 / v;
    const r2 = r * r;
    return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 / 1680)));
  };
  const lnRatio = -0.5 * Math.log(z) - z * Math.log1p(0.5 / z) + 0.5 + stirling(z) - stirling(z + 0.5);
  return (2 / Math.sqrt(Math.PI)) * Math.exp(lnRatio);
}

/**
 * The bracket of the Stieltjes asymptotic series of P_n(cos theta) and its derivative in theta:
 *
 *   P_n(cos theta) = C_n sum_m h_m cos((n + m + 1/2) theta - (m + 1/2) pi / 2) / (2 sin theta)^(m + 1/2),
 *   h_0 = 1, h_m = h_{m-1} (m - 1/2)^2 / (m (n + m + 1/2)),  C_n = seriesConstant(n),
 *
 * summed until the terms fall below float64 precision (Stieltjes' series, in the form N. Hale and A. Townsend use
 * for Gauss-Legendre nodes: "Fast and accurate computation of Gauss-Legendre and Gauss-Jacobi quadrature nodes
 * and weights", SIAM J. Sci. Comput. 35(2), 2013). Accurate where 2 n sin theta is large, i.e. away from the
 * few nodes nearest the ends.
 *
 * theta = phi + delta with phi = pi (k - 1/4) / (n + 1/2), so that the first angle is pi (k - 1/2) + (n + 1/2)
 * delta: its cosine and sine are (-1)^k sin(e) and -(-1)^k cos(e), e = (n + 1/2) delta, computed without the
 * rounding of a large angle; the common sign (-1)^k is left out (it cancels in Newton's step and in the
 * weight). The angles of consecutive terms differ by theta - pi/2: each term's cosine and sine come from the
 * previous ones by one rotation.
 */
function seriesAt(n: number, phi: number, delta: number): [number, number] {
  const theta = phi + delta;
  const s = Math.sin(theta);
  const cot = Math.cos(theta) / s;
  const u = 1 / (2 * s);
  // Rotation by theta - pi/2: cos = sin(theta), sin = -cos(theta).
  const rc = s;
  const rs = -Math.cos(theta);
  const e = (n + 0.5) * delta;
  let c = Math.sin(e);
  let sn = -Math.cos(e);
  let env = Math.sqrt(u); // h_m / (2 sin theta)^(m + 1/2)
  const floor = 1e-18 * env;
  let f = 0;
  let df = 0;
  for (let m = 0; m < 64; m++) {
    f += env * c;
    df -= env * ((n + m + 0.5) * sn + (m + 0.5) * cot * c);
    const next = (env * u * (m + 0.5) * (m + 0.5)) / ((m + 1) * (n + m + 1.5));
    if (next < floor || next >= env) break;
    env = next;
    const rotated = c * rc - sn * rs;
    sn = sn * rc + c * rs;
    c = rotated;
  }
  return [f, df];
}

/** The k-th largest root (k >= 1) of P_n and its weight from the asymptotic series, by Newton's method in theta. */
function seriesNode(n: number, k: number, constant: number): [number, number] {
  // Tricomi's estimate in theta: phi + cot(phi) / (8 (n + 1/2)^2), phi = pi (k - 1/4) / (n + 1/2).
  const phi = (Math.PI * (k - 0.25)) / (n + 0.5);
  let delta = 1 / (Math.tan(phi) * 8 * (n + 0.5) * (n + 0.5));
  for (let iter = 0; iter < 8; iter++) {
    const [f, df] = seriesAt(n, phi, delta);
    const step = f / df;
    delta -= step;
    // Newton converges quadratically: once a step is this small, the next one would be below rounding.
    if (Math.abs(step) <= 1e-11 * phi) break;
  }
  const [, df] = seriesAt(n, phi, delta);
  // P_n(cos theta) = +-C_n f(theta): |d P_n / d theta| = C_n |df|, and the weight 2 / ((1 - t^2) P_n'(t)^2) = 2 / (C_n df)^2.
  const dp = constant * df;
  return [Math.cos(phi + delta), 2 / (dp * dp)];
}

/**
 * The stepwise form of gaussLegendre (yields every CHUNK nodes, or after each boundary node of a large rule,
 * so that a caller can pause and check an AbortSignal in between); `recurrenceOnly` forces the O(n^2) method
 * (for tests).
 */
export function* gaussLegendreSteps(n: number, recurrenceOnly = false): Steps<{ nodes: Float64Array; weights: Float64Array }> {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const half = Math.ceil(n / 2);
  const bySeries = !recurrenceOnly && n > RECURRENCE_MAX;
  const constant = bySeries ? seriesConstant(n) : 0;
  for (let i = 0; i < half; i++) {
    const boundary = !bySeries || i < BOUNDARY_NODES;
    const [t, w] = boundary ? recurrenceNode(n, i) : seriesNode(n, i + 1, constant);
    nodes[i] = -t;
    nodes[n - 1 - i] = t;
    weights[i] = w;
    weights[n - 1 - i] = w;
    // A recurrence node costs O(n): pause after each one of a large rule; series nodes cost O(1): every CHUNK.
    if ((boundary && n > CHUNK) || (i + 1) % CHUNK === 0) yield;
  }
  if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  return { nodes, weights };
}

/**
 * Nodes and weights of the n-point Gauss-Legendre rule on [-1, 1], ascending, in float64. Integrates
 * polynomials up to degree 2n - 1 exactly.
 *
 * How: for n <= 128, Newton's method on the Legendre polynomial P_n evaluated by its three-term recurrence
 * ((j+1) P_{j+1} = (2j+1) t P_j - j P_{j-1}; O(n) per evaluation, O(n^2) in all). For larger n, the 6 nodes
 * nearest each end are still found that way, and every other node by Newton's method on the Stieltjes
 * asymptotic series of P_n(cos theta) (O(1) per node: a few terms in the interior), so the whole rule costs O(n)
 * time instead of O(n^2). Weights are 2 / ((1 - t^2) P_n'(t)^2). Where both methods apply (tested up to
 * n = 1000) they agree to a few 1e-16 on the nodes, and on the weights within the recurrence's own rounding:
 * about 1e-16 n relative, more at the nodes nearest the ends, where the recurrence's weights lose accuracy in
 * proportion to n^2 (the series' do not).
 * `n` is at most maxPlanUnits(16) (16,777,216: 16 bytes per node within tensors-ops' MAX_PLAN_BYTES).
 *
 * @example
 * ```ts
 * gaussLegendre(2); // { nodes: [-0.5773502691896257, 0.5773502691896257], weights: [1, 1] }
 * ```
 */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  assertNumber(n, 'n', 'gaussLegendre', { integer: true, min: 1 });
  assertPlanSize(n, 16, 'n', 'gaussLegendre', ' nodes');
  return runSteps(gaussLegendreSteps(n));
}

/** Bytes of bookkeeping per integration point: the rule (alphas, weights) and Gauss-Legendre's nodes and weights. */
export const RULE_BYTES_PER_STEP = 32;

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
 * Every rule costs O(n) time. `steps` is at most maxPlanUnits(RULE_BYTES_PER_STEP) (8,388,608: 32 bytes per
 * point within tensors-ops' MAX_PLAN_BYTES).
 *
 * @throws GlassboxError INVALID_ARGUMENT for an unknown method, steps < 1 (or < 2 for the trapezoid rule), or steps
 *   above the limit.
 */
export function integrationRule(method: IntegrationMethod, steps: number, where = 'integrationRule'): IntegrationRule {
  return runSteps(integrationRuleSteps(method, steps, where));
}

/**
 * integrationRule for an explainer call: the same numbers, computed in chunks between which `pace` may give the
 * event loop a turn and check the call's AbortSignal.
 */
export function integrationRulePaced(method: IntegrationMethod, steps: number, where: string, pace: Pace): Promise<IntegrationRule> {
  return runStepsPaced(integrationRuleSteps(method, steps, where), pace);
}

function* integrationRuleSteps(method: IntegrationMethod, steps: number, where: string): Steps<IntegrationRule> {
  const m = assertOneOf(method, INTEGRATION_METHODS, 'options.method', where);
  const n = assertNumber(steps, 'options.steps', where, { integer: true, min: 1 });
  assertPlanSize(n, RULE_BYTES_PER_STEP, 'options.steps', where, ' points on the path');
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
        if ((k + 1) % (16 * CHUNK) === 0) yield;
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
        if ((k + 1) % (16 * CHUNK) === 0) yield;
      }
      break;
    }
    case 'gausslegendre': {
      const { nodes, weights: w } = yield* gaussLegendreSteps(n);
      for (let k = 0; k < n; k++) {
        alphas[k] = (nodes[k]! + 1) / 2;
        weights[k] = w[k]! / 2;
      }
      break;
    }
  }
  return { alphas, weights };
}
