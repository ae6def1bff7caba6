/** The input kinds of the methods that also take token ids (int32 x [N, T]): see prepare's token path. */
export const TOKEN_INPUTS = Object.freeze(['image', 'tabular', 'tokens'] as const);
