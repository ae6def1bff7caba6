import type { Tensor } from '@tensorflow/tfjs-core';
import type { ForwardFn } from '@glassbox/tensors-ops';
import { latentAttribution } from '@glassbox/explainers-gradient';
import type { RegionAttribution } from '../types.js';
import { toRows } from '../internal/arrays.js';
import type { Region } from '../internal/regions.js';
import type { Stage } from '../internal/stages.js';

/**
 * One stage per region: integrated gradients of the region's mean intensity of decoder(z) w.r.t. the code z,
 * from the code 0 (the prior's mean), pushed into `into` in region order.
 */
export function regionAttributionStages(
  regions: Region[],
  decoder: ForwardFn,
  codes: () => Tensor,
  steps: number,
  common: { batchSize: number; seed: number; signal?: AbortSignal },
  into: RegionAttribution[],
): Stage[] {
  return regions.map((region) => ({
    name: `latentAttribution(${region.name})`,
    run: async () => {
      const r = await latentAttribution(decoder, codes(), { ...common, mask: region.mask, steps, reduce: 'mean' });
      try {
        const attributions = toRows(r.attributions);
        const d = attributions[0]?.length ?? 0;
        const meanAttribution = Array.from({ length: d }, (_, k) => attributions.reduce((s, row) => s + row[k]!, 0) / attributions.length);
        const completeness = r.delta ? Array.from(r.delta.dataSync(), Math.abs) : attributions.map(() => NaN);
        into.push({ region: region.name, mask: region.maskData, attributions, meanAttribution, completeness });
      } finally {
        r.attributions.dispose();
        r.delta?.dispose();
      }
    },
  }));
}
