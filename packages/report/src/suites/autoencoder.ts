import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, describe, formatShape, mapBatches, tf, type ForwardFn } from '@glassbox/tensors-ops';
import { saliency } from '@glassbox/explainers-gradient';
import { latentSensitivity, latentTraversal } from '@glassbox/explainers-perturbation';
import type { ArrayData, AutoencoderReport, RegionAttribution } from '../types.js';
import { linspace, mean, toArrayData, toRows } from '../internal/arrays.js';
import { baseMeta, selectMethods, type SuiteContext } from '../internal/context.js';
import { imageRegions } from '../internal/regions.js';
import { runStages, type Stage } from '../internal/stages.js';
import { guardModelCall, modelPart } from '../internal/validate.js';
import { regionAttributionStages } from './shared.js';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Per latent dimension: mean and standard deviation of the codes over the inputs. */
function codeStats(codes: number[][], d: number): { mu: number[]; sd: number[]; pooled: number } {
  const mu = Array.from({ length: d }, (_, k) => mean(codes.map((c) => c[k]!)));
  const sd = Array.from({ length: d }, (_, k) => Math.sqrt(mean(codes.map((c) => (c[k]! - mu[k]!) ** 2))));
  const all = codes.flat();
  const m = mean(all);
  const pooled = Math.sqrt(mean(all.map((v) => (v - m) ** 2)));
  return { mu, sd, pooled };
}

/**
 * The autoencoder / VAE suite: reconstructions; latent sensitivity (which dimensions matter); traversals of
 * the first input's code along the most influential dimensions; the input pixels that drive each of those
 * dimensions (the signed gradient d encoder(x)_d / dx); and which latent dimensions make each quadrant and
 * the centre of the reconstruction (integrated gradients of the region's mean through the decoder).
 */
export async function autoencoderSuite(ctx: SuiteContext): Promise<AutoencoderReport> {
  const { where, x, rowShape, settings, common, batchLoop, scope } = ctx;
  const model = ctx.model as Record<string, unknown>;
  const kind = ctx.args.kind as 'ae' | 'vae';
  const encoder = modelPart(model, 'encoder', where) as ForwardFn;
  const decoder = modelPart(model, 'decoder', where) as ForwardFn;
  if (model.latentDim !== undefined && (typeof model.latentDim !== 'number' || !Number.isInteger(model.latentDim) || model.latentDim < 1)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.latentDim must be an integer >= 1, got ${describe(model.latentDim)}`);
  }
  const { methods, skipped } = selectMethods(ctx, {}, where, (m) => new GlassboxError('INVALID_ARGUMENT', m));
  const has = (m: string) => methods.includes(m);

  let z: Tensor | null = null;
  let d = 0;
  let codes: number[][] = [];
  let reconstructions: ArrayData | null = null;
  let reconstructionError: number[] = [];
  let activeDims: number[] = [];
  let sensitivity: AutoencoderReport['sensitivity'] = null;
  let traversals: AutoencoderReport['traversals'] = null;
  let encoderAttributions: AutoencoderReport['encoderAttributions'] = null;
  const regionResults: RegionAttribution[] = [];

  const chooseDims = (scores: number[]) => {
    const t = ctx.args.target;
    if (t !== undefined) return;
    const order = scores.map((v, k) => [v, k] as const).sort((p, q) => q[0] - p[0] || p[1] - q[1]);
    const top = order[0]?.[0] ?? 0;
    activeDims = order
      .filter(([v], i) => i === 0 || (v > 0.01 * top && v > 0))
      .slice(0, settings.latentDims)
      .map(([, k]) => k);
  };

  const stages: Stage[] = [
    {
      name: 'encode',
      run: async () => {
        z = scope.keep(await guardModelCall(() => mapBatches(encoder, x, { ...batchLoop, where }), 'model.encoder', x.shape, where));
        if (z.rank !== 2) {
          throw new GlassboxError('SHAPE_MISMATCH', `${where}: model.encoder must return codes [N, D], got shape ${formatShape(z.shape)} for inputs ${formatShape(x.shape)}`);
        }
        d = z.shape[1]!;
        if (model.latentDim !== undefined && model.latentDim !== d) {
          throw new GlassboxError('SHAPE_MISMATCH', `${where}: model.encoder returns codes of ${d} dimensions, but model.latentDim is ${model.latentDim}`);
        }
        codes = toRows(z);
        const t = ctx.args.target;
        if (t !== undefined) {
          const dims = typeof t === 'number' ? [t] : t;
          dims.forEach((v, i) => {
            if (v < 0 || v >= d) {
              throw new GlassboxError('TARGET_OUT_OF_RANGE', `${where}: options.target${typeof t === 'number' ? '' : `[${i}]`} must be a latent dimension in 0..${d - 1}, got ${v}`);
            }
          });
          activeDims = [...new Set(dims)];
        } else {
          // Until latent sensitivity says otherwise: the dimensions that vary most over the inputs.
          const { sd } = codeStats(codes, d);
          chooseDims(codes.length > 1 ? sd : codes[0]!.map(Math.abs));
        }
      },
    },
    {
      name: 'reconstruct',
      run: async () => {
        const r = await guardModelCall(() => mapBatches(decoder, z!, { ...batchLoop, where }), 'model.decoder', z!.shape, where);
        try {
          if (!sameShape(r.shape.slice(1), rowShape)) {
            throw new GlassboxError(
              'SHAPE_MISMATCH',
              `${where}: model.decoder must return images of the input's shape ${formatShape(rowShape)}, got rows of shape ${formatShape(r.shape.slice(1))}`,
            );
          }
          reconstructions = toArrayData(r);
          const err = tf.tidy(() => tf.mean(tf.square(tf.sub(r, x)), rowShape.map((_, i) => i + 1)));
          try {
            reconstructionError = Array.from(err.dataSync());
          } finally {
            err.dispose();
          }
        } finally {
          r.dispose();
        }
      },
    },
  ];
  // The spread of the codes: an autoencoder's fitted latent distribution when it has one (a models-ae-vae
  // Autoencoder's latentDistribution()), else the codes of the inputs.
  const stats = () => {
    const own = codeStats(codes, d);
    const fitted = typeof model.latentDistribution === 'function' ? (model.latentDistribution as () => unknown).call(model) : null;
    const f = fitted as { mean?: ArrayLike<number>; std?: ArrayLike<number> } | null;
    if (kind === 'ae' && f && f.mean?.length === d && f.std?.length === d) {
      const mu = Array.from(f.mean, Number);
      const sd = Array.from(f.std, Number);
      if ([...mu, ...sd].every(Number.isFinite) && sd.some((v) => v > 0)) return { mu, sd, pooled: mean(sd) };
    }
    return own;
  };
  const step = () => {
    const { pooled } = stats();
    return kind === 'vae' ? 1 : pooled > 0 ? pooled : 1;
  };
  if (has('latentSensitivity')) {
    stages.push({
      name: 'latentSensitivity',
      run: async () => {
        const delta = step();
        const r = await latentSensitivity(decoder, z!, { ...batchLoop, epsilon: delta });
        sensitivity = { delta, scores: r.scores.slice(), order: r.order.slice() };
        chooseDims(r.scores);
      },
    });
  }
  if (has('latentTraversal')) {
    stages.push({
      name: 'latentTraversal',
      run: async () => {
        const z0 = scope.keep(tf.slice(z!, 0, 1));
        const { mu, sd } = stats();
        traversals = [];
        for (const dim of activeDims) {
          const half = kind === 'vae' ? 3 : 2 * (sd[dim]! > 0 ? sd[dim]! : step());
          const centre = kind === 'vae' ? 0 : mu[dim]!;
          const values = linspace(centre - half, centre + half, settings.traversalValues);
          const t = await latentTraversal(decoder, z0, { ...batchLoop, dims: [dim], values });
          try {
            const data = toArrayData(t);
            traversals.push({ dim, values, images: { shape: data.shape.slice(1), data: data.data } });
          } finally {
            t.dispose();
          }
        }
      },
    });
  }
  if (has('encoderSaliency')) {
    stages.push({
      name: 'encoderSaliency',
      run: async () => {
        encoderAttributions = [];
        for (const dim of activeDims) {
          const r = await saliency(encoder, x, { ...common, target: dim, abs: false });
          try {
            encoderAttributions.push({ dim, attributions: toArrayData(r.attributions) });
          } finally {
            r.attributions.dispose();
          }
        }
      },
    });
  }
  if (has('latentAttribution')) {
    stages.push(...regionAttributionStages(imageRegions(rowShape), decoder, () => z!, settings.igSteps, common, regionResults));
  }

  await runStages(stages, { onProgress: ctx.args.onProgress, signal: ctx.args.signal }, where);

  return {
    kind,
    meta: baseMeta(ctx, methods, skipped),
    inputs: toArrayData(x),
    reconstructions: reconstructions!,
    reconstructionError,
    latent: { dim: d, codes, activeDims: activeDims.slice() },
    sensitivity,
    traversals,
    encoderAttributions,
    regionAttributions: has('latentAttribution') ? regionResults : null,
  };
}
