import { tokenModelForward } from '@glassbox/tensors-ops';
import { gptSuite } from '../suites/text.js';
import { argmax, prepareText, refuseObjective } from './common.js';
import type { KindAdapter, KindInput, KindObjective } from './types.js';

const INPUTS: readonly KindInput[] = Object.freeze(['text'] as const);
const OBJECTIVES: readonly KindObjective[] = Object.freeze(['next-token'] as const);

/** A token string as messages show it: printable characters quoted, special tokens ([START], [END]) as they are. */
function shown(token: string | undefined, k: number): string {
  if (token === undefined) return `token ${k}`;
  return /^\[[A-Z]+\]$/.test(token) ? token : JSON.stringify(token);
}

/**
 * Causal language models (a GPT over characters): what is explained is the logit of one next token after the
 * text, over the tokens of the text (through the embeddings for the gradient methods, on the ids for the
 * perturbation methods, on the attention maps for rollout). The default target is the most likely next token
 * or, when the caller says which token was generated at that step (`known.label`), that token. The report
 * generates a continuation of each prompt and explains it token by token (explainGeneration).
 */
export const gptKind: KindAdapter<'gpt'> = {
  kind: 'gpt',
  label: 'GPT',
  subjects: ['function', 'attention'],
  inputs: INPUTS,
  reportMethods: Object.freeze(['integratedGradients', 'attentionRollout']),
  suite: gptSuite,
  rowShape: (m) => [m.context],
  score: (m) => tokenModelForward(m),
  decoder: () => undefined,
  code: () => undefined,
  objectives: OBJECTIVES,
  explained(m, objective) {
    if (objective !== 'next-token') throw refuseObjective('gpt', OBJECTIVES, objective);
    return { f: tokenModelForward(m), tokenModel: m, camLayers: [], randomizable: m };
  },
  defaultTarget: (_m, _objective, scores, known = {}) =>
    known.label !== undefined && known.label !== null ? { target: known.label, reason: 'generated' } : { target: argmax(scores), reason: 'predicted' },
  outputNames: (m) => m.tokenizer.tokens,
  outputLabel: (m, _objective, k) => `next token ${shown(m.tokenizer.tokens[k], k)}`,
  codeLabels: () => [],
  prepare: (m, input) => prepareText(m, 'GPT', INPUTS, input),
  criticOf: () => undefined,
  backOf: () => undefined,
  outputOf: () => undefined,
  classInput: false,
  codeScale: () => undefined,
  reportModel: (m) => ({
    kind: 'gpt',
    model: m,
    encode: (text) => m.encode(text),
    generate: (prompt, options) => m.generate(prompt, options),
    vocabulary: m.tokenizer.tokens,
  }),
  reportData: 'inputs',
};
