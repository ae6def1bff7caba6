import { classifierSuite } from '../suites/classifier.js';
import type { KindAdapter } from './types.js';

/** Classifiers: their logits are explained; the default target is the predicted class. */
export const classifierKind: KindAdapter<'classifier'> = {
  kind: 'classifier',
  label: 'classifier',
  subjects: ['function', 'layered', 'splittable'],
  inputs: ['image'],
  reportMethods: Object.freeze(['saliency', 'integratedGradients', 'noiseTunnel', 'occlusion', 'kernelShap', 'gradCam']),
  suite: classifierSuite,
  rowShape: (m) => [...m.inputShape],
  score: (m) => (x) => m.predict(x),
  decoder: () => undefined,
};
