import { GlassboxError, describe } from '@glassbox/tensors-ops';
import type { ModelKind } from '../types.js';
import { aeKind, vaeKind } from './autoencoder.js';
import { classifierKind } from './classifier.js';
import { cycleganKind } from './cyclegan.js';
import { ganKind } from './gan.js';
import type { KindAdapter } from './types.js';

export type { KindAdapter, KindInput, KindModels } from './types.js';

/** The adapter of every model kind (see KindAdapter). Adding a kind is one file here and one entry. */
export const KIND_ADAPTERS: { readonly [K in ModelKind]: KindAdapter<K> } = Object.freeze({
  classifier: classifierKind,
  ae: aeKind,
  vae: vaeKind,
  gan: ganKind,
  cyclegan: cycleganKind,
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
