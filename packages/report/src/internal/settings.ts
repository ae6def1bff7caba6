import { GlassboxError } from '@glassbox/tensors-ops';
import type { SuiteSettings } from '../types.js';

/** The suite settings for images of rowShape [H, W, ...]: the defaults, overridden by the caller's. */
export function resolveSettings(given: Partial<SuiteSettings>, rowShape: readonly number[], where: string): SuiteSettings {
  const h = rowShape[0]!;
  const w = rowShape[1]!;
  const side = Math.min(h, w);
  const window = given.occlusionWindow ?? Math.max(1, Math.round(side / 7));
  const s: SuiteSettings = {
    igSteps: 32,
    noiseSamples: 8,
    noiseStdev: 0.15,
    occlusionWindow: window,
    occlusionStride: Math.max(1, Math.floor(window / 2)),
    kernelShapCells: Math.min(7, side),
    kernelShapSamples: 256,
    curveSteps: Math.min(16, h * w),
    infidelitySamples: 16,
    sensitivitySamples: 3,
    sensitivityRows: 2,
    sensitivityRadius: 0.02,
    latentDims: 6,
    traversalValues: 7,
    ...given,
  };
  if (s.occlusionWindow > side) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.settings.occlusionWindow must be in 1..${side} for images of ${h} x ${w}, got ${s.occlusionWindow}`);
  }
  if (s.occlusionStride > side) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.settings.occlusionStride must be in 1..${side} for images of ${h} x ${w}, got ${s.occlusionStride}`);
  }
  if (s.kernelShapCells > side) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.settings.kernelShapCells must be in 1..${side} for images of ${h} x ${w}, got ${s.kernelShapCells}`);
  }
  return s;
}
