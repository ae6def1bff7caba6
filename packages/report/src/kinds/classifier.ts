import { classifierSuite } from '../suites/classifier.js';
import { argmax, refuseInput, refuseObjective } from './common.js';
import type { KindAdapter, KindInput, KindObjective } from './types.js';

const INPUTS: readonly KindInput[] = Object.freeze(['image'] as const);
const OBJECTIVES: readonly KindObjective[] = Object.freeze(['logits'] as const);

/**
 * Classifiers: their logits are explained; the default target is the predicted class. DeepLIFT runs the
 * network layer by layer, Grad-CAM splits the classifier at a convolution (the last one by default), and the
 * sanity check randomizes the network.
 */
export const classifierKind: KindAdapter<'classifier'> = {
  kind: 'classifier',
  label: 'classifier',
  subjects: ['function', 'layered', 'splittable'],
  inputs: INPUTS,
  reportMethods: Object.freeze(['saliency', 'integratedGradients', 'noiseTunnel', 'occlusion', 'kernelShap', 'gradCam']),
  suite: classifierSuite,
  rowShape: (m) => [...m.inputShape],
  score: (m) => (x) => m.predict(x),
  decoder: () => undefined,
  code: () => undefined,
  objectives: OBJECTIVES,
  explained(m, objective) {
    if (objective !== 'logits') throw refuseObjective('classifier', OBJECTIVES, objective);
    const camLayers = m.layers.filter((l) => l.type === 'conv2d').map((l) => l.name);
    const last = m.lastConvLayer;
    return {
      f: classifierKind.score(m),
      layered: m.network,
      ...(last !== null ? { cam: (layer?: string) => ({ model: m, layer: layer ?? last }) } : {}),
      camLayers,
      ...(last !== null ? { defaultCamLayer: last } : {}),
      randomizable: m.network,
    };
  },
  defaultTarget: (_m, _objective, scores) => ({ target: argmax(scores), reason: 'predicted' }),
  outputLabel: (_m, _objective, k) => `class ${k}`,
  codeLabels: () => [],
  prepare(_m, input) {
    if (input.type !== 'image') throw refuseInput('classifier', INPUTS, input);
    return { x: input.x, dispose: () => undefined };
  },
  criticOf: () => undefined,
  backOf: () => undefined,
  outputOf: () => undefined,
  classInput: false,
  codeScale: () => undefined,
  reportModel: (m) => ({
    kind: 'classifier',
    predict: (x) => m.predict(x),
    split: (layer) => m.split(layer),
    ...(m.lastConvLayer !== null ? { gradCamLayer: m.lastConvLayer, lastConvLayer: m.lastConvLayer } : {}),
    layers: m.layers,
  }),
  reportData: 'inputs',
};
