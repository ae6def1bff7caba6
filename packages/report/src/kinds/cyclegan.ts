import { outputRegion } from '@glassbox/tensors-ops';
import { cycleganSuite } from '../suites/cyclegan.js';
import { regionMaskOf } from './mask.js';
import type { KindAdapter } from './types.js';

/** CycleGANs: a region of the translation A -> B is explained, as a function of the input pixels. */
export const cycleganKind: KindAdapter<'cyclegan'> = {
  kind: 'cyclegan',
  label: 'CycleGAN',
  subjects: ['function'],
  inputs: ['image'],
  reportMethods: Object.freeze(['regionSaliency', 'regionIntegratedGradients', 'discriminatorSaliency']),
  suite: cycleganSuite,
  rowShape: (m) => [...m.imageShape],
  score: (m, mask) => outputRegion((x) => m.translateAB(x), regionMaskOf(mask, 'cyclegan'), 'mean'),
  decoder: () => undefined,
};
