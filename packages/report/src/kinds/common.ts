// Helpers the kind adapters share (no kind is named here).
import { GlassboxError, describe, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import type { ModelKind } from '../types.js';
import type { KindInput, KindInputValue, KindObjective, PreparedInput, SplitNet, TargetReason, TextModelParts } from './types.js';

/** 'a classifier', 'an autoencoder', 'a VAE' (by the first letter of the word). */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

const INPUT_WORDS: Readonly<Record<KindInput, string>> = { image: 'an image', latent: 'a latent code', text: 'a text' };
const GIVEN_WORDS: Readonly<Record<KindInputValue['type'], string>> = { image: 'an image', latent: 'a latent code', sample: 'a latent code', text: 'a text', tokens: 'token ids' };

/** INVALID_ARGUMENT for an input the kind does not take ('the classifier takes an image'). */
export function refuseInput(label: string, inputs: readonly KindInput[], input: KindInputValue): GlassboxError {
  return new GlassboxError('INVALID_ARGUMENT', `the ${label} takes ${inputs.map((i) => INPUT_WORDS[i]).join(' or ')}, got ${GIVEN_WORDS[input.type] ?? describe(input)}`);
}

/** INVALID_ARGUMENT for an objective the kind does not have. */
export function refuseObjective(kind: ModelKind, objectives: readonly KindObjective[], objective: unknown): GlassboxError {
  return new GlassboxError('INVALID_ARGUMENT', `${kind} adapter: objective must be one of ${objectives.join(', ')}, got ${describe(objective)}`);
}

/** The index of the largest value (of |value| with `abs`); the first on ties. */
export function argmax(values: ArrayLike<number>, abs = false): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    const a = abs ? Math.abs(values[i]!) : values[i]!;
    const b = abs ? Math.abs(values[best]!) : values[best]!;
    if (a > b) best = i;
  }
  return best;
}

/** The default target of a function with several outputs: `pick` unless there is only one output. */
export function targetOf(scores: ArrayLike<number>, pick: () => { target: number; reason: TargetReason }): { target: number; reason: TargetReason } {
  return scores.length === 1 ? { target: 0, reason: 'only' } : pick();
}

/** Layers with spatial feature maps [h, w, c] that Grad-CAM can use (not the network's last layer). */
export function spatialLayers(net: SplitNet): string[] {
  return net.layers
    .slice(0, -1)
    .filter((l) => l.outputShape.length === 3 && l.type !== 'reshape' && l.type !== 'dropout')
    .map((l) => l.name);
}

/** A network whose images are in [-1, 1] (tanh) reads and writes 0..1 images through these. */
export function toRange(x: Tensor, activation: string): Tensor {
  return activation === 'tanh' ? tf.sub(tf.mul(x, 2), 1) : x;
}
export function fromRange(y: Tensor, activation: string): Tensor {
  return activation === 'tanh' ? tf.div(tf.add(y, 1), 2) : y;
}

/**
 * Collects the tensors a `prepare` makes and builds its result; disposes them if building fails.
 * `build(own)` registers each new tensor with `own`.
 */
export function prepared(build: (own: <T extends Tensor>(t: T) => T) => Omit<PreparedInput, 'dispose'>): PreparedInput {
  const made: Tensor[] = [];
  const own = <T extends Tensor>(t: T): T => {
    made.push(t);
    return t;
  };
  try {
    return { ...build(own), dispose: () => tf.dispose(made) };
  } catch (e) {
    tf.dispose(made);
    throw e;
  }
}

/** 'z0' .. 'z{dim-1}', then 'class 0', 'class 1', ... */
export function codeLabels(dim: number, length: number): string[] {
  return Array.from({ length }, (_, i) => (i < dim ? `z${i}` : `class ${i - dim}`));
}

/**
 * A text kind's `prepare`: a text is encoded by the model's tokenizer into ids [1, T] (made here), token ids
 * [1, T] are taken as they are (the caller keeps them); the token strings come with them.
 */
export function prepareText(m: TextModelParts, label: string, inputs: readonly KindInput[], input: KindInputValue): PreparedInput {
  if (input.type === 'text') {
    const { ids, tokens } = m.encode(input.text);
    return prepared((own) => ({ x: own(tf.tensor2d(ids, [1, ids.length], 'int32')), tokens }));
  }
  if (input.type === 'tokens') {
    const ids = input.ids;
    if (ids.rank !== 2 || ids.shape[0] !== 1 || ids.dtype !== 'int32') {
      throw new GlassboxError('INVALID_ARGUMENT', `the ${label} takes token ids as int32 [1, T], got ${ids.dtype} [${ids.shape.join(', ')}]`);
    }
    const vocab = m.tokenizer.tokens;
    const tokens = Array.from(ids.dataSync(), (id) => vocab[id] ?? `#${id}`);
    return { x: ids, tokens, dispose: () => undefined };
  }
  throw refuseInput(label, inputs, input);
}
