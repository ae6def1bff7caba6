import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, formatShape, mapBatches, outputRegion, type ForwardFn } from '@glassbox/tensors-ops';
import { integratedGradients, saliency } from '@glassbox/explainers-gradient';
import type { ArrayData, CycleGanRegion, CycleGanReport } from '../types.js';
import { toArrayData } from '../internal/arrays.js';
import { baseMeta, selectMethods, type SuiteContext } from '../internal/context.js';
import { imageRegions, type Region } from '../internal/regions.js';
import { runStages, type Stage } from '../internal/stages.js';
import { guardModelCall, modelPart } from '../internal/validate.js';
import { scoresOf } from './gan.js';

/**
 * The CycleGAN suite: the translations A -> B (and the cycle back to A when the model has translateBA);
 * for each quadrant and the centre of the translation, which input pixels made it (saliency and integrated
 * gradients of the region's mean intensity, `outputRegion(translateAB, mask, 'mean')`); and, with
 * discriminatorB, its logits and saliency on the translations (what makes a translation look fake).
 */
export async function cycleganSuite(ctx: SuiteContext): Promise<CycleGanReport> {
  const { where, x, settings, common, batchLoop, scope } = ctx;
  const model = ctx.model as Record<string, unknown>;
  const translateAB = modelPart(model, 'translateAB', where) as ForwardFn;
  const translateBA = modelPart(model, 'translateBA', where, false);
  const discriminatorB = modelPart(model, 'discriminatorB', where, false);
  const { methods, skipped } = selectMethods(
    ctx,
    { discriminatorSaliency: discriminatorB === null ? 'the model has no discriminatorB' : null },
    where,
    (m) => new GlassboxError('INVALID_ARGUMENT', m),
  );
  const has = (m: string) => methods.includes(m);

  let y: Tensor | null = null;
  let cycle: ArrayData | null = null;
  let regions: Region[] = [];
  const results: CycleGanRegion[] = [];
  let disc: CycleGanReport['discriminatorB'] = null;

  const stages: Stage[] = [
    {
      name: 'translate',
      run: async () => {
        y = scope.keep(await guardModelCall(() => mapBatches(translateAB, x, { ...batchLoop, where }), 'model.translateAB', x.shape, where));
        if (y.rank !== 3 && y.rank !== 4) {
          throw new GlassboxError('SHAPE_MISMATCH', `${where}: model.translateAB must return images [N, H, W, C] or [N, H, W], got shape ${formatShape(y.shape)}`);
        }
        regions = imageRegions(y.shape.slice(1));
        for (const r of regions) results.push({ region: r.name, mask: r.maskData, saliency: null, integratedGradients: null, completeness: null });
        if (translateBA !== null) {
          const back = await guardModelCall(() => mapBatches(translateBA, y!, { ...batchLoop, where }), 'model.translateBA', y.shape, where);
          try {
            cycle = toArrayData(back);
          } finally {
            back.dispose();
          }
        }
      },
    },
  ];
  const regionNames = ['top-left', 'top-right', 'bottom-left', 'bottom-right', 'centre'];
  regionNames.forEach((name, i) => {
    const scoreOf = () => outputRegion(translateAB, regions[i]!.mask, 'mean');
    if (has('regionSaliency')) {
      stages.push({
        name: `regionSaliency(${name})`,
        run: async () => {
          const r = await saliency(scoreOf(), x, common);
          try {
            results[i]!.saliency = toArrayData(r.attributions);
          } finally {
            r.attributions.dispose();
          }
        },
      });
    }
    if (has('regionIntegratedGradients')) {
      stages.push({
        name: `regionIntegratedGradients(${name})`,
        run: async () => {
          const r = await integratedGradients(scoreOf(), x, { ...common, steps: settings.igSteps });
          try {
            results[i]!.integratedGradients = toArrayData(r.attributions);
            results[i]!.completeness = r.delta ? Array.from(r.delta.dataSync(), Math.abs) : null;
          } finally {
            r.attributions.dispose();
            r.delta?.dispose();
          }
        },
      });
    }
  });
  if (has('discriminatorSaliency')) {
    stages.push({
      name: 'discriminatorSaliency',
      run: async () => {
        const out = await guardModelCall(() => mapBatches(discriminatorB!, y!, { ...batchLoop, where }), 'model.discriminatorB', y!.shape, where);
        let scores: number[];
        try {
          scores = scoresOf(out, 'model.discriminatorB', where);
        } finally {
          out.dispose();
        }
        const r = await saliency(discriminatorB!, y!, common);
        try {
          disc = { scores, saliency: toArrayData(r.attributions) };
        } finally {
          r.attributions.dispose();
        }
      },
    });
  }

  await runStages(stages, { onProgress: ctx.args.onProgress, signal: ctx.args.signal }, where);

  return {
    kind: 'cyclegan',
    meta: baseMeta(ctx, methods, skipped),
    inputs: toArrayData(x),
    translations: toArrayData(y!),
    cycle,
    regions: results,
    discriminatorB: disc,
  };
}
