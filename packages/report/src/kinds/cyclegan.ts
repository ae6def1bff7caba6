import { outputRegion, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { cycleganSuite } from '../suites/cyclegan.js';
import { fromRange, refuseInput, refuseObjective, spatialLayers, toRange } from './common.js';
import { regionMaskOf } from './mask.js';
import type { KindAdapter, KindInput, KindObjective } from './types.js';

const INPUTS: readonly KindInput[] = Object.freeze(['image'] as const);
const OBJECTIVES: readonly KindObjective[] = Object.freeze(['region'] as const);

/**
 * CycleGANs: a region of the translation A -> B is explained, as a function of the input pixels. Grad-CAM
 * splits the generator A -> B.
 */
export const cycleganKind: KindAdapter<'cyclegan'> = {
  kind: 'cyclegan',
  label: 'CycleGAN',
  subjects: ['function'],
  inputs: INPUTS,
  reportMethods: Object.freeze(['regionSaliency', 'regionIntegratedGradients', 'discriminatorSaliency']),
  suite: cycleganSuite,
  rowShape: (m) => [...m.imageShape],
  score: (m, mask) => outputRegion((x) => m.translateAB(x), regionMaskOf(mask, 'cyclegan'), 'mean'),
  decoder: () => undefined,
  code: () => undefined,
  objectives: OBJECTIVES,
  explained(m, objective, options = {}) {
    if (objective !== 'region') throw refuseObjective('cyclegan', OBJECTIVES, objective);
    const mask = regionMaskOf(options.mask, 'cyclegan');
    const act = m.config.outputActivation;
    const regionOfImage = outputRegion((y: Tensor) => y, mask, 'mean');
    const camLayers = spatialLayers(m.networks.generatorAB);
    const last = camLayers[camLayers.length - 1];
    return {
      f: cycleganKind.score(m, mask),
      ...(last !== undefined
        ? {
            // The generator network works in its own range; the region is scored on 0..1 images.
            cam: (layer?: string) => {
              const s = m.networks.generatorAB.split(layer ?? last);
              return {
                model: {
                  features: (x: Tensor) => tf.tidy(() => s.features(toRange(x, act))),
                  head: (a: Tensor) => tf.tidy(() => regionOfImage(fromRange(s.head(a), act))),
                },
              };
            },
            defaultCamLayer: last,
          }
        : {}),
      camLayers,
    };
  },
  defaultTarget: () => undefined,
  outputLabel: () => 'mean of the region',
  codeLabels: () => [],
  prepare(_m, input) {
    if (input.type !== 'image') throw refuseInput('CycleGAN', INPUTS, input);
    return { x: input.x, dispose: () => undefined };
  },
  imageOutput: { name: 'translation', words: 'the translation A -> B' },
  criticOf: (m, y) => m.discriminatorB?.(y),
  criticLabel: 'D_B',
  backOf: (m, y) => m.translateBA?.(y),
  outputOf: (m, x) => m.translateAB(x),
  classInput: false,
  codeScale: () => undefined,
  reportModel: (m) => ({
    kind: 'cyclegan',
    translateAB: m.translateAB,
    ...(m.translateBA !== undefined ? { translateBA: m.translateBA } : {}),
    ...(m.discriminatorB !== undefined ? { discriminatorB: m.discriminatorB } : {}),
  }),
  reportData: 'inputs',
};
