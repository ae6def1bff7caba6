import { tokenModelForward } from '@glassbox/tensors-ops';
import { textClassifierSuite } from '../suites/text.js';
import { argmax, prepareText, refuseObjective } from './common.js';
import type { KindAdapter, KindInput, KindObjective } from './types.js';

const INPUTS: readonly KindInput[] = Object.freeze(['text'] as const);
const OBJECTIVES: readonly KindObjective[] = Object.freeze(['logits'] as const);

/**
 * Text classifiers (a Transformer encoder over word pieces, e.g. the spam e-mail model): the logit of one
 * class is explained over the tokens of the text; the default target is the predicted class; outputs are
 * named by the model's `labels`. The report explains a few texts with IG, occlusion, KernelSHAP, LIME and
 * attention rollout and compares them by deletion and insertion with the mask token.
 */
export const textClassifierKind: KindAdapter<'text-classifier'> = {
  kind: 'text-classifier',
  label: 'text classifier',
  subjects: ['function', 'attention'],
  inputs: INPUTS,
  reportMethods: Object.freeze(['integratedGradients', 'occlusion', 'kernelShap', 'lime', 'attentionRollout']),
  suite: textClassifierSuite,
  rowShape: (m) => [m.context],
  score: (m) => tokenModelForward(m),
  decoder: () => undefined,
  code: () => undefined,
  objectives: OBJECTIVES,
  explained(m, objective) {
    if (objective !== 'logits') throw refuseObjective('text-classifier', OBJECTIVES, objective);
    return { f: tokenModelForward(m), tokenModel: m, camLayers: [], randomizable: m };
  },
  defaultTarget: (_m, _objective, scores) => ({ target: argmax(scores), reason: 'predicted' }),
  outputNames: (m) => m.labels,
  outputLabel: (m, _objective, k) => m.labels[k] ?? `class ${k}`,
  codeLabels: () => [],
  prepare: (m, input) => prepareText(m, 'text classifier', INPUTS, input),
  criticOf: () => undefined,
  backOf: () => undefined,
  outputOf: () => undefined,
  classInput: false,
  codeScale: () => undefined,
  reportModel: (m) => ({ kind: 'text-classifier', model: m, encode: (text) => m.encode(text), labels: m.labels }),
  reportData: 'inputs',
};
