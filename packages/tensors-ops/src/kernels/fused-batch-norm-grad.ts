/**
 * The gradient of FusedBatchNorm (tf.batchNorm), without Tile.
 *
 * tfjs-core 4.22's gradient of x with per-channel statistics (mean of rank 1, shape [C]) tiles 1/sqrt(var + eps)
 * from [1, 1, 1, C] to x's full [N, H, W, C] before multiplying it into dy; on WASM that Tile was ~40% of a
 * conv-autoencoder training step. Multiplying by the [C] vector with broadcasting gives every element the
 * same product (a float32 product is exactly rounded, whichever kernel computes it), so here the gradient of
 * x is the broadcasting product. Everything else is tfjs-core's gradient, operation for operation, in the same
 * order, with the same reductions:
 *
 *   r     = rsqrt(variance + eps)                  dyS = dy * scale          (scale = 1 when absent)
 *   dx    = (dy * r) * scale
 *   dmean = Σ (r * -1) * dyS                       dvar = Σ ((r * r * r) * -0.5 * (x - mean)) * dyS
 *   dscale = Σ dy * ((x - mean) * r)               doffset = Σ dy
 *
 * (Σ: over the axes a [C] vector broadcasts along, only when mean has rank 1; with a full-rank mean there is no
 * sum.) The results are bit-identical to tfjs-core's on every backend (tested on 'wasm' and 'cpu'), so models
 * trained with the old gradient train on the same numbers.
 *
 * {@link registerGradientFixes} registers it (../tf.ts calls it after loading tfjs-core's gradients) and keeps
 * tfjs-core's as {@link originalGradient}.
 */
import {
  add,
  backend_util,
  getGradient,
  mul,
  registerGradient,
  reshape,
  rsqrt,
  scalar,
  sub,
  sum,
  type GradConfig,
  type NamedAttrMap,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { relu6GradConfig, relu6GradGradConfig } from './relu6-grad.js';

export const fusedBatchNormGradConfig: GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dyIn: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const dy = Array.isArray(dyIn) ? dyIn[0]! : dyIn;
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
    const scaleValue = scale ?? scalar(1);
    const reductionAxes = backend_util.getReductionAxes(mean.shape, x.shape);
    const perChannel = mean.rank === 1;
    // Computed up front, as tfjs-core does (the gradient's tidy frees them).
    const xMinusMean = sub(x, mean);
    const dyTimesScaleValue = mul(dy, scaleValue);
    const oneOverSqrtVariance = rsqrt(add(variance, scalar(varianceEpsilon)));
    const minusHalfRCube = mul(mul(mul(oneOverSqrtVariance, oneOverSqrtVariance), oneOverSqrtVariance), scalar(-0.5));
    const reduce = (t: Tensor): Tensor => reshape(perChannel ? sum(t, reductionAxes) : t, mean.shape);
    return {
      // tfjs-core: mul(mul(dy, tile(reshape(r, [1, 1, 1, C]), [N, H, W, 1])), scale) for a [C] mean.
      x: () => reshape(mul(mul(dy, oneOverSqrtVariance), scaleValue), x.shape),
      mean: () => reduce(mul(mul(oneOverSqrtVariance, scalar(-1)), dyTimesScaleValue)),
      variance: () => reduce(mul(mul(minusHalfRCube, xMinusMean), dyTimesScaleValue)),
      scale: () => reduce(mul(dy, mul(xMinusMean, oneOverSqrtVariance))),
      offset: () => reduce(dy),
    };
  },
};

// The gradients we replaced, on globalThis so that two copies of this module (src/ under vitest and dist/
// imported by another package) agree on the true original.
const STORE_KEY = Symbol.for('@glassbox/tensors-ops/gradients');

interface GradientStore {
  originals: Map<string, GradConfig>;
  ours: WeakSet<GradConfig['gradFunc']>;
}

function store(): GradientStore {
  const g = globalThis as unknown as Record<symbol, GradientStore | undefined>;
  let s = g[STORE_KEY];
  if (s === undefined) {
    s = { originals: new Map(), ours: new WeakSet() };
    g[STORE_KEY] = s;
  }
  return s;
}

/**
 * The gradients registerGradientFixes registers: FusedBatchNorm's (above), Relu6's in one pass and the gradient
 * of that one-pass kernel (./relu6-grad.ts).
 */
export const GRADIENT_FIXES: readonly GradConfig[] = [fusedBatchNormGradConfig, relu6GradConfig, relu6GradGradConfig];

/**
 * Registers Glassbox's gradients over tfjs-core's (call it after tfjs-core's gradients are registered), or puts
 * them back when a later registration replaced them: tfjs-layers (and anything else that imports tfjs-core's
 * `register_all_gradients`) registers tfjs-core's gradients again when it is imported, see ../overrides.ts.
 * Keeps the first gradient it replaced (see {@link originalGradient}). Idempotent and cheap when nothing changed:
 * one registry look-up per gradient. Returns the kernel names whose gradient it (re-)registered.
 */
export function registerGradientFixes(): string[] {
  const s = store();
  const installed: string[] = [];
  for (const config of GRADIENT_FIXES) {
    const current = getGradient(config.kernelName) as GradConfig | undefined;
    if (current !== undefined && s.ours.has(current.gradFunc)) continue;
    if (current !== undefined && !s.originals.has(config.kernelName)) s.originals.set(config.kernelName, current);
    registerGradient(config);
    s.ours.add(config.gradFunc);
    installed.push(config.kernelName);
  }
  return installed;
}

/**
 * Counts `config` (registered by another part of Glassbox, e.g. the scoped gradients of ../nn/gradient-rule.ts,
 * which fall back to ours) as one of Glassbox's own, so that {@link registerGradientFixes} leaves it in place.
 */
export function adoptGradient(config: GradConfig): void {
  store().ours.add(config.gradFunc);
}

/** True when the gradient registered for `kernelName` is one of Glassbox's. */
export function isOurGradient(kernelName: string): boolean {
  const current = getGradient(kernelName) as GradConfig | undefined;
  return current !== undefined && store().ours.has(current.gradFunc);
}

/** The gradient Glassbox replaced for `kernelName` (tfjs-core's), undefined when none was replaced. */
export function originalGradient(kernelName: string): GradConfig | undefined {
  return store().originals.get(kernelName);
}
