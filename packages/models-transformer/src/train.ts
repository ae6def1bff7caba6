import { GlassboxError, describe, tf } from '@glassbox/tensors-ops';
import { TRAIN_OPTION_KEYS, resolveTrainOptions, runTraining, type TrainHistory, type TrainOptions } from '@glassbox/tensors-ops/models';
import { GPT, nextTokenBatch, targetLogProb } from './gpt.js';
import { TextClassifier, type LabelledText } from './text-classifier.js';
import { padBatch } from './common.js';

export type { BatchLog, EpochLog, TrainHistory, TrainOptions } from '@glassbox/tensors-ops/models';

/** The keys of the options of `train` (the common training options). */
export const TRANSFORMER_TRAIN_OPTION_KEYS = TRAIN_OPTION_KEYS;

/**
 * Trains a GPT on names or a TextClassifier on labelled texts, with Adam in mini-batches of shuffled rows
 * (tensors-ops' training loop: seeded shuffling and dropout masks, a finiteness check before every update,
 * abort between steps).
 *
 * - GPT: data is a list of names; each is [START] name [END] and the loss is the mean negative
 *   log-likelihood of every next token (characters and [END]) of the batch:
 *   loss = -(1 / C) Σ_n Σ_i log p(x_{n,i} | x_{n,<i}), C the number of predicted tokens. Names must be
 *   non-empty, of vocabulary characters, at most context - 1 long.
 * - TextClassifier: data is a list of `{ text, label }` (e.g. `loadSpam({ split: 'train' })`); each text is
 *   encoded as `encode` does (truncated to the context), rows are padded to the longest in the batch (padding
 *   masked), and the loss is the mean cross-entropy -(1/B) Σ log softmax(logits_n)[label_n]. The epoch log
 *   also has the mean training `accuracy`.
 *
 * Reproducible: the same seed, data, model and backend give the same weights.
 *
 * @param model a GPT or a TextClassifier (changed in place).
 * @param data names (GPT) or labelled texts (TextClassifier).
 * @param options `epochs` (1), `batchSize` (64), `learningRate` (0.001), `seed` (0), `shuffle` (true),
 *   `onEpoch`, `onBatch`, `signal`.
 * @returns the history, one log per epoch.
 * @throws GlassboxError INVALID_ARGUMENT naming the bad argument (`data[i]`, an option), NON_FINITE, ABORTED.
 *
 * @example
 * ```ts
 * const gpt = createGPT({ tokenizer: await namesTokenizer(), seed: 1 });
 * const history = await train(gpt, await loadNames({ split: 'train' }), { epochs: 20, learningRate: 2e-3, seed: 1 });
 * ```
 */
export async function train(model: GPT, data: readonly string[], options?: TrainOptions): Promise<TrainHistory>;
export async function train(model: TextClassifier, data: readonly LabelledText[], options?: TrainOptions<'accuracy'>): Promise<TrainHistory<'accuracy'>>;
export async function train(
  model: GPT | TextClassifier,
  data: readonly string[] | readonly LabelledText[],
  options: TrainOptions<'accuracy'> = {},
): Promise<TrainHistory | TrainHistory<'accuracy'>> {
  const where = 'train';
  if (!(model instanceof GPT) && !(model instanceof TextClassifier)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must be a GPT or a TextClassifier, got ${describe(model)}`);
  }
  if (model.isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: model has been disposed`);
  if (!Array.isArray(data) || data.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: data must be a non-empty array of ${model instanceof GPT ? 'names' : '{ text, label }'}, got ${describe(data)}`);
  }
  if (model instanceof GPT) return trainGPT(model, data as readonly string[], options as TrainOptions, where);
  return trainClassifier(model, data as readonly LabelledText[], options, where);
}

async function trainGPT(model: GPT, names: readonly string[], options: TrainOptions, where: string): Promise<TrainHistory> {
  const o = resolveTrainOptions<never>(options, where);
  const rows = names.map((s, i) => {
    if (typeof s !== 'string' || s.length === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: data[${i}] must be a non-empty string, got ${describe(s)}`);
    return model.encodeText(s, true, where, `data[${i}]`).ids;
  });
  const v = model.vocabSize;
  return runTraining(
    {
      where,
      rows: rows.length,
      trainable: model.network.trainableVariables(),
      nonTrainable: model.network.nonTrainableVariables(),
      metricNames: [],
      step: (indices, rng) => {
        const b = nextTokenBatch(Array.from(indices, (i) => rows[i]!), model.tokenizer.padId);
        const x = tf.tensor2d(b.x, b.shape, 'int32');
        const logits = model.network.apply(x, { training: true, seed: rng.nextUint32() });
        const w = tf.tensor2d(b.w, b.shape);
        const loss = tf.neg(tf.div(targetLogProb(logits, tf.tensor2d(b.y, b.shape, 'int32'), w, v), tf.sum(w)));
        return { loss, metrics: {} };
      },
    },
    o,
  );
}

async function trainClassifier(model: TextClassifier, records: readonly LabelledText[], options: TrainOptions<'accuracy'>, where: string): Promise<TrainHistory<'accuracy'>> {
  const o = resolveTrainOptions<'accuracy'>(options, where);
  const { rows, labels } = model.encodeLabelled(records, where);
  const k = model.labels.length;
  return runTraining(
    {
      where,
      rows: rows.length,
      trainable: model.network.trainableVariables(),
      nonTrainable: model.network.nonTrainableVariables(),
      metricNames: ['accuracy'],
      step: (indices, rng) => {
        const x = padBatch(Array.from(indices, (i) => rows[i]!), model.tokenizer.padId);
        const y = tf.tensor1d(Array.from(indices, (i) => labels[i]!), 'int32');
        const logits = model.network.apply(x, { training: true, seed: rng.nextUint32() });
        const loss = tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(y, k)), 1)));
        const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32'));
        return { loss, metrics: { accuracy } };
      },
    },
    o,
  );
}
