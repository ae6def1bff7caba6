import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, createRng, describe, formatShape, mapBatches, tf, type ForwardFn } from '@glassbox/tensors-ops';
import { saliency } from '@glassbox/explainers-gradient';
import type { ArrayData, GanReport, RegionAttribution } from '../types.js';
import { toArrayData, toRows } from '../internal/arrays.js';
import { baseMeta, selectMethods, type SuiteContext } from '../internal/context.js';
import { imageRegions } from '../internal/regions.js';
import { runStages, type Stage } from '../internal/stages.js';
import { guardModelCall, modelPart } from '../internal/validate.js';
import { regionAttributionStages } from './shared.js';

/** Checks a discriminator output: [N] or [N, 1] logits; returns them as numbers. */
export function scoresOf(out: Tensor, name: string, where: string): number[] {
  if (out.rank > 2 || (out.rank === 2 && out.shape[1] !== 1)) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must return one logit per image, [N] or [N, 1], got shape ${formatShape(out.shape)}`);
  }
  return Array.from(out.dataSync());
}

/** A conditional discriminator's output [N, K]: the rows as numbers. */
function classScoresOf(out: Tensor, k: number, where: string): number[][] {
  if (out.rank !== 2 || out.shape[1] !== k) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: the discriminator of a conditional GAN (numClasses ${k}) must return [N, ${k}] logits, got shape ${formatShape(out.shape)}`);
  }
  return toRows(out);
}

/**
 * The GAN suite: S seeded codes z ~ N(0, I) and their images; the discriminator's logits and saliency on
 * the real inputs and on the generated images (which pixels make an image look real or fake); and which
 * latent dimensions make each quadrant and the centre of the generated images (integrated gradients of the
 * region's mean through the generator, from z = 0).
 */
export async function ganSuite(ctx: SuiteContext): Promise<GanReport> {
  const { where, x, rowShape, settings, common, batchLoop, scope } = ctx;
  const model = ctx.model as Record<string, unknown>;
  const generator = modelPart(model, 'generator', where) as ForwardFn;
  const discriminator = modelPart(model, 'discriminator', where) as ForwardFn;
  const d = model.latentDim;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.latentDim must be an integer >= 1 (the length of a code), got ${describe(d)}`);
  }
  const k = model.numClasses === undefined ? 0 : model.numClasses;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.numClasses must be an integer >= 0 (0: an unconditional GAN), got ${describe(k)}`);
  }
  const { methods, skipped } = selectMethods(ctx, {}, where, (m) => new GlassboxError('INVALID_ARGUMENT', m));
  const has = (m: string) => methods.includes(m);
  const s = x.shape[0]!;
  const codes = createRng(common.seed).fork(1).normalArray(s * d);
  // The generator's inputs: z, then (conditional GAN) the one-hot class i mod K.
  const fakeClasses = k > 0 ? Array.from({ length: s }, (_, i) => i % k) : null;
  const inputs = new Float32Array(s * (d + k));
  for (let i = 0; i < s; i++) {
    inputs.set(codes.subarray(i * d, (i + 1) * d), i * (d + k));
    if (fakeClasses) inputs[i * (d + k) + d + fakeClasses[i]!] = 1;
  }
  const z = scope.keep(tf.tensor2d(inputs, [s, d + k], 'float32'));
  let realClasses: number[] | null = null;

  let fakes: Tensor | null = null;
  let realScores: number[] = [];
  let fakeScores: number[] = [];
  let discriminatorSaliency: { real: ArrayData; fake: ArrayData } | null = null;
  const regionResults: RegionAttribution[] = [];

  const stages: Stage[] = [
    {
      name: 'generate',
      run: async () => {
        fakes = scope.keep(await guardModelCall(() => mapBatches(generator, z, { ...batchLoop, where }), 'model.generator', z.shape, where));
        const got = fakes.shape.slice(1);
        if (got.length !== rowShape.length || got.some((v, i) => v !== rowShape[i])) {
          throw new GlassboxError(
            'SHAPE_MISMATCH',
            `${where}: model.generator makes images of shape ${formatShape(got)}, but the data holds images of shape ${formatShape(rowShape)}`,
          );
        }
      },
    },
    {
      name: 'discriminate',
      run: async () => {
        // Scores of the images; for a conditional GAN the column of each image's class (given, else the most real one).
        const run = async (images: Tensor, given: number[] | null, real: boolean): Promise<number[]> => {
          const out = await guardModelCall(() => mapBatches(discriminator, images, { ...batchLoop, where }), 'model.discriminator', images.shape, where);
          try {
            if (k === 0) return scoresOf(out, 'model.discriminator', where);
            const rows = classScoresOf(out, k, where);
            const c = given ?? rows.map((r) => r.indexOf(Math.max(...r)));
            if (real) realClasses = c;
            return rows.map((r, i) => r[c[i]!]!);
          } finally {
            out.dispose();
          }
        };
        const labels = ctx.args.labels?.slice(0, s) ?? null;
        if (k > 0 && labels !== null) {
          labels.forEach((v, i) => {
            if (v >= k) throw new GlassboxError('INVALID_ARGUMENT', `${where}: data.y[${i}] must be a class in 0..${k - 1} of the conditional GAN, got ${v}`);
          });
        }
        realScores = await run(x, labels, true);
        fakeScores = await run(fakes!, fakeClasses, false);
      },
    },
  ];
  if (has('discriminatorSaliency')) {
    stages.push({
      name: 'discriminatorSaliency',
      run: async () => {
        const real = await saliency(discriminator, x, { ...common, ...(realClasses ? { target: realClasses } : {}) });
        try {
          const fake = await saliency(discriminator, fakes!, { ...common, ...(fakeClasses ? { target: fakeClasses } : {}) });
          try {
            discriminatorSaliency = { real: toArrayData(real.attributions), fake: toArrayData(fake.attributions) };
          } finally {
            fake.attributions.dispose();
          }
        } finally {
          real.attributions.dispose();
        }
      },
    });
  }
  if (has('latentAttribution')) {
    stages.push(...regionAttributionStages(imageRegions(rowShape), generator, () => z, settings.igSteps, common, regionResults));
  }

  await runStages(stages, { onProgress: ctx.args.onProgress, signal: ctx.args.signal }, where);

  return {
    kind: 'gan',
    meta: baseMeta(ctx, methods, skipped),
    inputs: toArrayData(x),
    latent: { dim: d, codes: Array.from({ length: s }, (_, i) => Array.from(codes.subarray(i * d, (i + 1) * d))), numClasses: k, fakeClasses, realClasses },
    fakes: toArrayData(fakes!),
    discriminator: { realScores, fakeScores },
    discriminatorSaliency,
    regionAttributions: has('latentAttribution') ? regionResults : null,
  };
}
