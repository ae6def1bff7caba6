// Types of scripts/baselines.mjs, for the tests that use the baselines as an independent check.
export interface Bigram {
  k: number;
  logProb(prev: number, next: number): number;
}
export function fitBigram(rows: readonly Int32Array[], vocabSize: number, outputs: readonly number[], k: number): Bigram;
export function bigramNll(model: Bigram, rows: readonly Int32Array[]): number;
export function fitBigramSelected(
  rows: readonly Int32Array[],
  vocabSize: number,
  outputs: readonly number[],
  grid?: readonly number[],
): { model: Bigram; k: number; tried: { k: number; heldOutNll: number }[] };
export interface TokenizerLike {
  padId: number;
  unknownId: number;
  clsId: number | null;
  encode(text: string, options?: { cls?: boolean }): Int32Array;
}
export function bagsOfWords(tokenizer: TokenizerLike, texts: readonly string[]): Int32Array[];
export interface Logistic {
  lambda: number;
  score(bag: Int32Array): number;
}
export function fitLogistic(
  bags: readonly Int32Array[],
  labels: ArrayLike<number>,
  features: number,
  options?: { lambda?: number; iterations?: number; learningRate?: number },
): Logistic;
export function logisticAccuracy(model: Logistic, bags: readonly Int32Array[], labels: ArrayLike<number>): number;
export function fitLogisticSelected(
  bags: readonly Int32Array[],
  labels: ArrayLike<number>,
  features: number,
  grid?: readonly number[],
): { model: Logistic; lambda: number; tried: { lambda: number; heldOutAccuracy: number }[] };
