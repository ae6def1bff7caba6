/**
 * The training loop shared by Glassbox's models packages (models-classifier, models-ae-vae): seeded shuffling, Adam (tf.train), progress
 * callbacks, abort between batches, and a finiteness check of the loss and the gradients BEFORE the update,
 * so that a diverging run stops with NON_FINITE and keeps the weights of its last finite step.
 */
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  assertNumber,
  createRng,
  describe,
  throwIfAborted,
  tf,
  yieldToEventLoop,
  type Rng,
  checkOptionKeys,
  optionKeys,
} from '../index.js';

/** What `onBatch` receives after every training step. */
export interface BatchLog {
  /** 0-based epoch index. */
  epoch: number;
  /** 0-based batch index within the epoch. */
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** Rows in this batch. */
  size: number;
  /** The batch's loss (before the update). */
  loss: number;
}

/** What `onEpoch` receives after every epoch: the mean of each batch value over the epoch's rows. */
export type EpochLog<M extends string = never> = {
  /** 0-based epoch index. */
  epoch: number;
  /** Epochs in the run. */
  epochs: number;
  /** Mean training loss over the epoch's rows. */
  loss: number;
  /** Wall-clock seconds the epoch took (including the callbacks of its batches). */
  seconds: number;
} & { [K in M]: number };

/** What `train` resolves to. */
export interface TrainHistory<M extends string = never> {
  /** One log per epoch. */
  epochs: EpochLog<M>[];
  /** Optimizer steps taken. */
  steps: number;
  /** Wall-clock seconds of the whole run. */
  seconds: number;
}

/** Options of every `train` function of the models packages. */
export interface TrainOptions<M extends string = never> {
  /** Passes over the data, integer >= 1; default 1. */
  epochs?: number;
  /** Rows per optimizer step, integer >= 1; default 64 (the last batch of an epoch may be smaller). */
  batchSize?: number;
  /** Adam's step size, > 0; default 0.001. */
  learningRate?: number;
  /** Seed of the shuffle order and of every random draw of the run (dropout masks, VAE noise); default 0. */
  seed?: number;
  /** Shuffle the rows every epoch (default true); false visits them in order. */
  shuffle?: boolean;
  /** Called (and awaited) after every epoch. */
  onEpoch?: (log: EpochLog<M>) => void | Promise<void>;
  /** Called (and awaited) after every step. */
  onBatch?: (log: BatchLog) => void | Promise<void>;
  /** Checked before every step: abort rejects with ABORTED and keeps the weights of the last completed step. */
  signal?: AbortSignal;
}

/** The keys of TrainOptions. */
export const TRAIN_OPTION_KEYS = optionKeys<TrainOptions<string>>({
  epochs: true,
  batchSize: true,
  learningRate: true,
  seed: true,
  shuffle: true,
  onEpoch: true,
  onBatch: true,
  signal: true,
});

export interface ResolvedTrainOptions<M extends string> {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  shuffle: boolean;
  onEpoch: ((log: EpochLog<M>) => void | Promise<void>) | undefined;
  onBatch: ((log: BatchLog) => void | Promise<void>) | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Checks the common training options; returns them with defaults filled in. `allowed` names every valid key
 * (default TRAIN_OPTION_KEYS; a model's train function that takes more options passes its own list).
 */
export function resolveTrainOptions<M extends string>(options: unknown, where: string, allowed: readonly string[] = TRAIN_OPTION_KEYS): ResolvedTrainOptions<M> {
  const o = checkOptionKeys<TrainOptions<M>>(options, allowed, where);
  const epochs = o.epochs === undefined ? 1 : assertNumber(o.epochs, 'options.epochs', where, { integer: true, min: 1 });
  const batchSize = o.batchSize === undefined ? 64 : assertNumber(o.batchSize, 'options.batchSize', where, { integer: true, min: 1 });
  const learningRate = o.learningRate === undefined ? 1e-3 : assertNumber(o.learningRate, 'options.learningRate', where, { gt: 0 });
  const seed = o.seed === undefined ? 0 : assertNumber(o.seed, 'options.seed', where, { integer: true, min: 0, max: 0xffffffff });
  const shuffle = o.shuffle ?? true;
  if (typeof shuffle !== 'boolean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.shuffle must be true or false, got ${describe(shuffle)}`);
  }
  for (const key of ['onEpoch', 'onBatch'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.${key} must be a function, got ${describe(o[key])}`);
    }
  }
  if (o.signal !== undefined) {
    const s = o.signal as { aborted?: unknown } | null;
    if (s === null || typeof s !== 'object' || typeof s.aborted !== 'boolean') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.signal must be an AbortSignal, got ${describe(o.signal)}`);
    }
  }
  return { epochs, batchSize, learningRate, seed, shuffle, onEpoch: o.onEpoch, onBatch: o.onBatch, signal: o.signal };
}

/** One step's tensors, made inside the gradient tape: the scalar loss and scalar batch metrics. */
export interface StepResult<M extends string> {
  loss: Tensor;
  metrics: Record<M, Tensor>;
}

/** What a model hands the loop. */
export interface TrainTask<M extends string> {
  where: string;
  /** Rows in the data. */
  rows: number;
  /** Variables the optimizer updates. */
  trainable: Variable[];
  /** Variables updated as a side effect of the forward pass (batch-norm statistics); restored on a bad step. */
  nonTrainable: Variable[];
  metricNames: readonly M[];
  /**
   * The loss of the rows `indices` (called inside tf.tidy and a gradient tape; every random draw must come
   * from `rng`). Returns a scalar loss and scalar metrics (batch means).
   */
  step: (indices: Int32Array, rng: Rng) => StepResult<M>;
}

function nonFinite(where: string, what: string, epoch: number, batch: number): GlassboxError {
  return new GlassboxError(
    'NON_FINITE',
    `${where}: ${what} became non-finite at epoch ${epoch}, batch ${batch}; training stopped before that update and ` +
      `the weights of the last finite step were kept (lower options.learningRate, or check the data)`,
  );
}

/**
 * Runs Adam over the task. Every step is synchronous from gradient to update (so an abort can only land
 * between steps), and the update is applied only when the loss and every gradient are finite.
 */
export async function runTraining<M extends string>(task: TrainTask<M>, o: ResolvedTrainOptions<M>): Promise<TrainHistory<M>> {
  const { where, rows } = task;
  throwIfAborted(o.signal, where);
  const shuffleRng = createRng(o.seed).fork(1);
  const stepRng = createRng(o.seed).fork(2);
  const batches = Math.ceil(rows / o.batchSize);
  const optimizer = tf.train.adam(o.learningRate);
  const history: TrainHistory<M> = { epochs: [], steps: 0, seconds: 0 };
  const t0 = performance.now();
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const te = performance.now();
      const order = o.shuffle ? shuffleRng.permutation(rows) : Int32Array.from({ length: rows }, (_, i) => i);
      let lossSum = 0;
      const metricSums = new Map<M, number>(task.metricNames.map((m) => [m, 0]));
      for (let batch = 0; batch < batches; batch++) {
        throwIfAborted(o.signal, where);
        const start = batch * o.batchSize;
        const end = Math.min(rows, start + o.batchSize);
        const indices = order.subarray(start, end);
        const values = trainStep(task, optimizer, indices, stepRng, epoch, batch);
        history.steps++;
        lossSum += values.loss * (end - start);
        for (const m of task.metricNames) metricSums.set(m, metricSums.get(m)! + values.metrics[m] * (end - start));
        if (o.onBatch) await o.onBatch({ epoch, batch, batches, size: end - start, loss: values.loss });
        await yieldToEventLoop();
      }
      const log = { epoch, epochs: o.epochs, loss: lossSum / rows, seconds: 0 } as EpochLog<M>;
      for (const m of task.metricNames) (log as Record<string, number>)[m] = metricSums.get(m)! / rows;
      log.seconds = (performance.now() - te) / 1000;
      history.epochs.push(log);
      if (o.onEpoch) await o.onEpoch(log);
    }
  } finally {
    optimizer.dispose();
  }
  history.seconds = (performance.now() - t0) / 1000;
  return history;
}

function trainStep<M extends string>(
  task: TrainTask<M>,
  optimizer: ReturnType<typeof tf.train.adam>,
  indices: Int32Array,
  rng: Rng,
  epoch: number,
  batch: number,
): { loss: number; metrics: Record<M, number> } {
  // Batch-norm statistics move during the forward pass; keep a copy to put back if the step is refused.
  const saved = task.nonTrainable.map((v) => tf.clone(v));
  let kept: Tensor[] = [];
  try {
    return tf.tidy(() => {
      let metrics: Record<M, Tensor> | null = null;
      const { value, grads } = optimizer.computeGradients(() => {
        const out = task.step(indices, rng);
        metrics = out.metrics;
        kept = Object.values<Tensor>(out.metrics).map((t) => tf.keep(t));
        return out.loss as Scalar;
      }, task.trainable);
      // x * 0 is 0 for finite x and NaN for NaN or +-Inf: one number says whether every gradient is finite.
      const gradCheck = tf.addN(Object.values(grads).map((g) => tf.sum(tf.mul(g, 0))));
      const m = metrics as unknown as Record<M, Tensor>;
      const packed = tf.stack([tf.reshape(value, []), tf.reshape(gradCheck, []), ...task.metricNames.map((k) => tf.reshape(m[k], []))]).dataSync();
      const loss = packed[0]!;
      if (!Number.isFinite(loss) || !Number.isFinite(packed[1]!)) {
        task.nonTrainable.forEach((v, i) => v.assign(saved[i]!));
        throw nonFinite(task.where, Number.isFinite(loss) ? 'a gradient' : 'the loss', epoch, batch);
      }
      optimizer.applyGradients(grads as never);
      const metricValues = {} as Record<M, number>;
      task.metricNames.forEach((k, i) => (metricValues[k] = packed[i + 2]!));
      return { loss, metrics: metricValues } as never;
    }) as { loss: number; metrics: Record<M, number> };
  } finally {
    tf.dispose(saved);
    tf.dispose(kept);
  }
}
