/**
 * The adversarial training machinery shared by the GAN and the CycleGAN: their option checks (GAN defaults:
 * 10 epochs, Adam 2e-4 with beta1 0.5, a divergence test), Adam optimizers per network, one checked optimizer
 * step (NaN/Inf refused before the update is applied), the divergence monitor and the epoch loop with progress
 * callbacks and abort between steps. It is not tensors-ops/models' `runTraining`, which runs one optimizer on
 * one loss: here two networks take turns on each batch. The generic checks come from tensors-ops/models.
 */
import {
  GlassboxError,
  assertNumber,
  checkOptionKeys,
  describe,
  tf,
  throwIfAborted,
  yieldToEventLoop,
  type Tensor,
  type Variable,
} from '@glassbox/tensors-ops';
import { checkCallback, checkSignal } from '@glassbox/tensors-ops/models';

export type Optimizer = ReturnType<typeof tf.train.adam>;

/**
 * When to call training diverged although every number is finite: the discriminator's loss (minus the least
 * value it can take, which is above 0 with label smoothing) stayed below `threshold` for `patience`
 * consecutive steps. The discriminator then tells real from fake perfectly and the generator gets (almost)
 * no gradient, so more steps do not help.
 */
export interface DivergenceOptions {
  /** Consecutive steps, integer >= 1; default 200. */
  patience?: number;
  /** Loss level counted as "about 0", > 0; default 0.01. */
  threshold?: number;
}

export const DEFAULT_DIVERGENCE: Required<DivergenceOptions> = { patience: 200, threshold: 0.01 };

/** The options every `train` takes. */
export interface CommonTrainOptions {
  /** Passes over the data, integer >= 1; default 10. */
  epochs?: number;
  /** Rows per step, integer >= 1; default 64 (GAN) / 32 (CycleGAN). The last incomplete batch of an epoch is dropped. */
  batchSize?: number;
  /** Adam's step size for every network, > 0; default 2e-4 (Radford et al. 2016). */
  learningRate?: number;
  /** Adam's beta1 in [0, 1); default 0.5 (Radford et al. 2016). */
  beta1?: number;
  /** Adam's beta2 in [0, 1); default 0.999. */
  beta2?: number;
  /** Seed of the shuffling, the latent codes and the dropout masks; integer, default 0. Same seed, same backend -> same weights. */
  seed?: number;
  /** Divergence test on the discriminator's loss (see DivergenceOptions); false turns it off. */
  divergence?: DivergenceOptions | false;
  /** Checked before every step: abort rejects with GlassboxError 'ABORTED' and leaves the weights of the last whole step. */
  signal?: AbortSignal;
}

export interface ResolvedCommon {
  epochs: number;
  batchSize: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  seed: number;
  divergence: Required<DivergenceOptions> | false;
  signal: AbortSignal | undefined;
}

export const COMMON_TRAIN_KEYS = ['epochs', 'batchSize', 'learningRate', 'beta1', 'beta2', 'seed', 'divergence', 'signal', 'onBatch', 'onEpoch'];

export function resolveCommon(o: CommonTrainOptions & { onBatch?: unknown; onEpoch?: unknown }, defaultBatch: number, where: string): ResolvedCommon {
  const epochs = o.epochs === undefined ? 10 : assertNumber(o.epochs, 'options.epochs', where, { integer: true, min: 1 });
  const batchSize = o.batchSize === undefined ? defaultBatch : assertNumber(o.batchSize, 'options.batchSize', where, { integer: true, min: 1 });
  const learningRate = checkLearningRate(o.learningRate, 2e-4, 'options.learningRate', where);
  const beta1 = o.beta1 === undefined ? 0.5 : checkBeta(o.beta1, 'options.beta1', where);
  const beta2 = o.beta2 === undefined ? 0.999 : checkBeta(o.beta2, 'options.beta2', where);
  const seed = o.seed === undefined ? 0 : assertNumber(o.seed, 'options.seed', where, { integer: true, min: 0, max: 0xffffffff });
  let divergence: Required<DivergenceOptions> | false = { ...DEFAULT_DIVERGENCE };
  if (o.divergence === false) {
    divergence = false;
  } else if (o.divergence !== undefined) {
    if (o.divergence === null || typeof o.divergence !== 'object') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.divergence must be { patience?, threshold? } or false, got ${describe(o.divergence)}`);
    }
    const d = o.divergence;
    checkOptionKeys(d, ['patience', 'threshold'], where, 'options.divergence');
    divergence = {
      patience: d.patience === undefined ? DEFAULT_DIVERGENCE.patience : assertNumber(d.patience, 'options.divergence.patience', where, { integer: true, min: 1 }),
      threshold: d.threshold === undefined ? DEFAULT_DIVERGENCE.threshold : assertNumber(d.threshold, 'options.divergence.threshold', where, { gt: 0 }),
    };
  }
  checkCallback(o.onBatch, 'options.onBatch', where);
  checkCallback(o.onEpoch, 'options.onEpoch', where);
  const signal = checkSignal(o.signal, where);
  return { epochs, batchSize, learningRate, beta1, beta2, seed, divergence, signal };
}

/** Checks a learning rate: a finite number > 0 (`fallback` when undefined). */
export function checkLearningRate(value: unknown, fallback: number, name: string, where: string): number {
  if (value === undefined) return fallback;
  const v = assertNumber(value, name, where, { gt: 0 });
  if (!Number.isFinite(v)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a finite number > 0, got ${describe(value)}`);
  return v;
}

function checkBeta(value: unknown, name: string, where: string): number {
  const v = assertNumber(value, name, where, { min: 0 });
  if (!(v < 1)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a number in [0, 1), got ${describe(value)}`);
  return v;
}

export function adam(learningRate: number, beta1: number, beta2: number): Optimizer {
  return tf.train.adam(learningRate, beta1, beta2, 1e-7);
}

/** Where a step is, for error messages. */
export interface StepPosition {
  epoch: number;
  batch: number;
  step: number;
}

function position(p: StepPosition): string {
  return `step ${p.step} (epoch ${p.epoch}, batch ${p.batch})`;
}

/**
 * One optimizer step on `vars`: computes the loss and its gradients, refuses a non-finite loss or gradient
 * (GlassboxError NON_FINITE, nothing applied) and applies the update. Returns the loss.
 */
export function checkedStep(opt: Optimizer, loss: () => Tensor, vars: Variable[], what: string, at: StepPosition, where: string): number {
  const { value, grads } = tf.variableGrads(loss as () => tf.Scalar, vars);
  try {
    const v = value.dataSync()[0]!;
    let gradsFinite = true;
    if (Number.isFinite(v)) {
      const total = tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(g))));
      gradsFinite = Number.isFinite(total.dataSync()[0]!);
      total.dispose();
    }
    if (!Number.isFinite(v) || !gradsFinite) {
      throw new GlassboxError(
        'NON_FINITE',
        `${where}: training diverged: ${!Number.isFinite(v) ? `the ${what} loss became ${describe(v)}` : `the gradients of the ${what} loss became non-finite`} at ${position(at)}; ` +
          `this update was not applied. Lower options.learningRate, or check the data`,
      );
    }
    opt.applyGradients(grads as Parameters<Optimizer["applyGradients"]>[0]);
    return v;
  } finally {
    value.dispose();
    tf.dispose(grads);
  }
}

/** Watches the discriminator's loss for the "stuck at about 0" divergence. */
export class DivergenceMonitor {
  private run = 0;

  constructor(
    private readonly options: Required<DivergenceOptions> | false,
    private readonly floor: number,
    private readonly what: string,
    private readonly where: string,
  ) {}

  observe(loss: number, at: StepPosition): void {
    if (this.options === false) return;
    if (loss - this.floor < this.options.threshold) this.run++;
    else this.run = 0;
    if (this.run >= this.options.patience) {
      throw new GlassboxError(
        'NON_FINITE',
        `${this.where}: training diverged: the ${this.what} loss stayed within ${this.options.threshold} of its minimum ${this.floor.toFixed(4)} ` +
          `for ${this.options.patience} consecutive steps (up to ${position(at)}), so the discriminator wins outright and the generator gets no useful gradient. ` +
          `Try a lower discriminator learning rate, label smoothing or dropout; options.divergence sets or turns off this test`,
      );
    }
  }
}

/** Logs of one step: where it is and its losses. */
export type BatchLogs<L extends string> = StepPosition & Record<L, number>;
/** Logs of one epoch: the mean of its steps' losses, the number of steps and the seconds it took. */
export type EpochLogs<L extends string> = { epoch: number; steps: number; seconds: number } & Record<L, number>;

export interface EpochLoop<L extends string> {
  where: string;
  epochs: number;
  stepsPerEpoch: number;
  signal: AbortSignal | undefined;
  lossNames: readonly L[];
  beginEpoch: (epoch: number) => void;
  step: (at: StepPosition) => Record<L, number>;
  onBatch?: ((logs: BatchLogs<L>) => void | Promise<void>) | undefined;
  onEpoch?: ((logs: EpochLogs<L>) => void | Promise<void>) | undefined;
}

/** Runs `epochs` x `stepsPerEpoch` steps, checking the signal before each and reporting after each. */
export async function runEpochs<L extends string>(loop: EpochLoop<L>): Promise<EpochLogs<L>[]> {
  const history: EpochLogs<L>[] = [];
  let step = 0;
  for (let epoch = 0; epoch < loop.epochs; epoch++) {
    const started = Date.now();
    loop.beginEpoch(epoch);
    const sums = Object.fromEntries(loop.lossNames.map((n) => [n, 0])) as Record<L, number>;
    for (let batch = 0; batch < loop.stepsPerEpoch; batch++, step++) {
      throwIfAborted(loop.signal, loop.where);
      const at = { epoch, batch, step };
      const losses = loop.step(at);
      for (const n of loop.lossNames) sums[n] += losses[n];
      if (loop.onBatch !== undefined) await loop.onBatch({ ...at, ...losses });
      await yieldToEventLoop();
    }
    const logs = { epoch, steps: loop.stepsPerEpoch, seconds: (Date.now() - started) / 1000 } as EpochLogs<L>;
    for (const n of loop.lossNames) (logs as Record<string, number>)[n] = sums[n] / loop.stepsPerEpoch;
    history.push(logs);
    if (loop.onEpoch !== undefined) await loop.onEpoch(logs);
  }
  return history;
}
