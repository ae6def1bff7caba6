import { GlassboxError, describe } from '@glassbox/tensors-ops';
import type { ModelKind } from '../types.js';
import { aeKind, vaeKind } from './autoencoder.js';
import { classifierKind } from './classifier.js';
import { cycleganKind } from './cyclegan.js';
import { ganKind } from './gan.js';
import { gptKind } from './gpt.js';
import { textClassifierKind } from './text-classifier.js';
import type { AnyKindAdapter, KindAdapter } from './types.js';

export type {
  AnyKindAdapter,
  ExplainedFunction,
  KindAdapter,
  KindInput,
  KindInputValue,
  KindModels,
  KindObjective,
  KindParts,
  PreparedInput,
  PrepareOptions,
  SplitNet,
  TargetReason,
  TextModelParts,
} from './types.js';
export { withArticle } from './common.js';

/** The adapter of every model kind (see KindAdapter). Adding a kind is one file here and one entry. */
export const KIND_ADAPTERS: { readonly [K in ModelKind]: KindAdapter<K> } = Object.freeze({
  classifier: classifierKind,
  ae: aeKind,
  vae: vaeKind,
  gan: ganKind,
  cyclegan: cycleganKind,
  gpt: gptKind,
  'text-classifier': textClassifierKind,
});

/**
 * The adapter of a model kind.
 * @throws GlassboxError INVALID_ARGUMENT for an unknown kind, naming the known ones.
 */
export function kindAdapter<K extends ModelKind>(kind: K): KindAdapter<K> {
  const a = (KIND_ADAPTERS as Record<string, KindAdapter<ModelKind> | undefined>)[kind as string];
  if (a === undefined || !Object.hasOwn(KIND_ADAPTERS, kind)) {
    throw new GlassboxError('INVALID_ARGUMENT', `kindAdapter: kind must be one of ${Object.keys(KIND_ADAPTERS).join(', ')}, got ${describe(kind)}`);
  }
  return a as unknown as KindAdapter<K>;
}

/**
 * The adapter of a kind known only at run time, for a caller that holds a model of that kind among others
 * (typed `AnyKindAdapter`: its functions take the model as an object), so that it reads every kind without a
 * switch.
 * @throws GlassboxError INVALID_ARGUMENT for an unknown kind.
 */
export function anyKindAdapter(kind: ModelKind): AnyKindAdapter {
  return kindAdapter(kind) as unknown as AnyKindAdapter;
}
