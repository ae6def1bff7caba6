/**
 * `glassbox train`: trains a model of the models packages on the digits train split and saves it in the
 * TensorFlow.js format (model.json + weights.bin) with training.json (settings and per-epoch losses).
 *
 *   classifier  createCnn({ seed })                      softmax cross-entropy, Adam 1e-3, batch 64
 *   ae          autoencoder({ seed }) (MLP 784-256-16)   binary cross-entropy, Adam 1e-3, batch 64
 *   conv-ae     autoencoder({ variant: 'conv', seed })   binary cross-entropy, Adam 1e-3, batch 64
 *   vae         vae({ seed }) (MLP 784-400-20)           -ELBO, Adam 1e-3, batch 64
 *   gan         new GAN({ seed }) (DCGAN, latent 100)    non-saturating GAN loss, Adam 2e-4, batch 64, label smoothing 0.1
 *   cyclegan    new CycleGAN({ seed })                   A = train digits with even index, B = dilate(odd ones); batch 32
 *
 * Same seed, data and backend -> the same weights.
 */
import { writeFile } from 'node:fs/promises';
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { loadDigits } from '@glassbox/datasets';
import { usageError } from '../errors.js';
import { MODEL_NAMES, PRETRAINED, type ModelName } from '../models.js';
import { checkOutDir, writeAtomically } from '../output.js';
import { setupBackend, since, type CliIo } from '../runtime.js';

export interface TrainCommandOptions {
  model: string;
  epochs: number;
  out: string;
  batchSize?: number;
  seed?: number;
  limit?: number;
  learningRate?: number;
  backend?: string;
}

export const TRAIN_FILES = ['model.json', 'weights.bin', 'training.json'] as const;
/** Rows of the digits train split. */
export const DIGITS_TRAIN_ROWS = 8000;

export interface TrainSummary {
  command: 'train';
  out: string;
  files: string[];
  model: string;
  kind: string;
  epochs: number;
  rows: number;
  steps: number;
  finalLosses: Record<string, number>;
  backend: string;
  timing: { trainMs: number; totalMs: number };
}

/** The models train knows (the text models are trained by @glassbox/models-transformer's scripts). */
const TRAINABLE = MODEL_NAMES.filter((n) => n !== 'names-gpt' && n !== 'spam-encoder') as Exclude<ModelName, 'names-gpt' | 'spam-encoder'>[];

function checkName(name: string): Exclude<ModelName, 'names-gpt' | 'spam-encoder'> {
  if (name === 'names-gpt' || name === 'spam-encoder') {
    throw usageError(`'${name}' is not trained by the CLI: it is trained by @glassbox/models-transformer's scripts (expected one of ${TRAINABLE.join(', ')})`);
  }
  if (!(TRAINABLE as string[]).includes(name)) throw usageError(`unknown model '${name}' to train: expected one of ${TRAINABLE.join(', ')}`);
  return name as Exclude<ModelName, 'names-gpt' | 'spam-encoder'>;
}

function round(v: number): number {
  return Number(v.toPrecision(6));
}

/** Epoch logs -> plain numbers (what training.json stores). */
function plainLogs(logs: readonly object[]): Record<string, number>[] {
  return logs.map((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => typeof v === 'number').map(([k, v]) => [k, round(v as number)])));
}

export async function runTrain(o: TrainCommandOptions, io: CliIo): Promise<TrainSummary> {
  const t0 = performance.now();
  const name = checkName(o.model);
  const epochs = o.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) throw usageError(`--epochs must be an integer >= 1, got ${epochs}`);
  if (o.limit !== undefined && (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > DIGITS_TRAIN_ROWS)) {
    throw usageError(`--limit must be an integer in 1..${DIGITS_TRAIN_ROWS} (rows of the digits train split), got ${o.limit}`);
  }
  if (name === 'cyclegan' && o.limit !== undefined && o.limit < 2) throw usageError(`--limit must be at least 2 for a cyclegan (its two domains split the rows)`);
  await checkOutDir(o.out, TRAIN_FILES);
  const seed = o.seed ?? 0;
  const backend = await setupBackend(o.backend, io);
  const { x, y } = await loadDigits({ split: 'train', ...(o.limit !== undefined ? { limit: o.limit } : {}) });
  const rows = x.shape[0]!;
  const kind = PRETRAINED[name].kind;
  const settings: Record<string, unknown> = { model: name, kind, epochs, seed, rows, ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}) };
  if (o.learningRate !== undefined) settings.learningRate = o.learningRate;
  const lr = o.learningRate !== undefined ? { learningRate: o.learningRate } : {};
  const bs = o.batchSize !== undefined ? { batchSize: o.batchSize } : {};

  let steps = 0;
  const total = (perEpoch: number) => epochs * Math.max(1, perEpoch);
  const onStep = (info: string, perEpoch: number) => {
    steps += 1;
    io.progress.update(steps, Math.max(steps, total(perEpoch)), info);
  };
  const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v));

  const t1 = performance.now();
  io.progress.start(`train ${name}`, 1);
  let trained: Trained | null = null;
  try {
    trained = await trainModel(name, x, y, { epochs, seed, rows, bs, lr, settings, onStep, fmt, batchSize: o.batchSize });
  } finally {
    io.progress.stop();
    x.dispose();
  }
  const model = trained;
  try {
    const trainMs = since(t1);
    const history = model.history;
    const document = {
      format: 'glassbox-training',
      version: 1,
      ...settings,
      steps,
      epochsLog: history,
      backend: backend.backend,
      trainSeconds: Math.round(trainMs / 100) / 10,
      createdAt: new Date().toISOString(),
    };
    const written = await writeAtomically(o.out, TRAIN_FILES, async (tmp) => {
      await model.save(tmp);
      await writeFile(`${tmp}/training.json`, JSON.stringify(document, null, 2) + '\n');
    });
    const last = history[history.length - 1] ?? {};
    const finalLosses = Object.fromEntries(Object.entries(last).filter(([k]) => !['epoch', 'epochs', 'steps', 'seconds', 'batch'].includes(k)));
    return {
      command: 'train',
      out: written.dir,
      files: written.files,
      model: name,
      kind,
      epochs,
      rows,
      steps,
      finalLosses,
      backend: backend.backend,
      timing: { trainMs, totalMs: since(t0) },
    };
  } finally {
    model.dispose();
  }
}

interface Trained {
  history: Record<string, number>[];
  save(dir: string): Promise<void>;
  dispose(): void;
}

interface TrainContext {
  epochs: number;
  seed: number;
  rows: number;
  bs: { batchSize?: number };
  lr: { learningRate?: number };
  settings: Record<string, unknown>;
  batchSize: number | undefined;
  onStep(info: string, perEpoch: number): void;
  fmt(v: unknown): string;
}

/** Builds and trains the model; the caller keeps x and disposes the result. */
async function trainModel(name: Exclude<ModelName, 'names-gpt' | 'spam-encoder'>, x: Tensor, y: Int32Array, c: TrainContext): Promise<Trained> {
  const { epochs, seed, rows, bs, lr, settings, onStep, fmt } = c;
  switch (name) {
    case 'classifier': {
      const mod = await import('@glassbox/models-classifier');
      const model = mod.createCnn({ seed });
      try {
        const perEpoch = Math.ceil(rows / (c.batchSize ?? 64));
        const h = await mod.train(model, { x, y }, { epochs, seed, ...bs, ...lr, onBatch: (l) => onStep(`loss ${fmt(l.loss)}`, perEpoch) });
        return { history: plainLogs(h.epochs), save: async (dir) => void (await mod.saveToDir(model, dir)), dispose: () => model.dispose() };
      } catch (e) {
        model.dispose();
        throw e;
      }
    }
    case 'ae':
    case 'conv-ae':
    case 'vae': {
      const mod = await import('@glassbox/models-ae-vae');
      const model = name === 'vae' ? mod.vae({ seed }) : mod.autoencoder({ seed, ...(name === 'conv-ae' ? { variant: 'conv' as const } : {}) });
      try {
        const perEpoch = Math.ceil(rows / (c.batchSize ?? 64));
        const h = await mod.train(model, x, { epochs, seed, ...bs, ...lr, onBatch: (l) => onStep(`loss ${fmt(l.loss)}`, perEpoch) });
        return { history: plainLogs(h.epochs), save: async (dir) => void (await mod.saveToDir(model, dir)), dispose: () => model.dispose() };
      } catch (e) {
        model.dispose();
        throw e;
      }
    }
    case 'gan': {
      const { GAN } = await import('@glassbox/models-gan');
      const model = new GAN({ seed });
      try {
        const batchSize = Math.min(c.batchSize ?? 64, rows);
        settings.labelSmoothing = 0.1;
        const h = await model.train(x, {
          epochs,
          seed,
          ...bs,
          ...lr,
          labelSmoothing: 0.1,
          onBatch: (l) => onStep(`dLoss ${fmt(l.dLoss)} gLoss ${fmt(l.gLoss)}`, Math.floor(rows / batchSize)),
        });
        return { history: plainLogs(h.epochs), save: (dir) => model.save(dir), dispose: () => model.dispose() };
      } catch (e) {
        model.dispose();
        throw e;
      }
    }
    case 'cyclegan': {
      const { CycleGAN, dilate } = await import('@glassbox/models-gan');
      const even = tf.tensor1d(Int32Array.from({ length: Math.ceil(rows / 2) }, (_, i) => 2 * i), 'int32');
      const odd = tf.tensor1d(Int32Array.from({ length: Math.floor(rows / 2) }, (_, i) => 2 * i + 1), 'int32');
      const a = tf.gather(x, even);
      const thin = tf.gather(x, odd);
      const b = dilate(thin);
      const model = new CycleGAN({ seed });
      try {
        const n = Math.min(a.shape[0]!, b.shape[0]!);
        const batchSize = Math.min(c.batchSize ?? 32, n);
        settings.domains = 'A = train digits with even index, B = dilate(train digits with odd index)';
        const h = await model.train(a, b, {
          epochs,
          seed,
          ...bs,
          ...lr,
          onBatch: (l) => onStep(`gLoss ${fmt(l.gLoss)} cycle ${fmt(l.cycleLoss)} dLoss ${fmt(l.dLoss)}`, Math.floor(n / batchSize)),
        });
        return { history: plainLogs(h.epochs), save: (dir) => model.save(dir), dispose: () => model.dispose() };
      } catch (e) {
        model.dispose();
        throw e;
      } finally {
        tf.dispose([even, odd, a, thin, b]);
      }
    }
  }
}

export function formatTrain(s: TrainSummary): string {
  const losses = Object.entries(s.finalLosses)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return (
    [
      `model:   ${s.model} (${s.kind}) on ${s.backend}`,
      `data:    ${s.rows} digits of the train split, ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}, ${s.steps} steps`,
      `last epoch: ${losses}`,
      `time:    ${(s.timing.trainMs / 1000).toFixed(1)} s`,
      `wrote:   ${s.files.map((f) => `${s.out}/${f}`).join(', ')}`,
    ].join('\n') + '\n'
  );
}
