import { ANY_MODEL_KIND_NAMES } from '@glassbox/tensors-ops';

/** The input kinds of the methods that also take token ids (int32 x [N, T]): see prepare's token path. */
export const TOKEN_INPUTS = Object.freeze(['image', 'tabular', 'tokens'] as const);
/** The model kinds of those methods: every image kind and the text kinds (token models). */
export const TOKEN_MODEL_KINDS = ANY_MODEL_KIND_NAMES;
