/**
 * `glassbox explain-dataset`: one shard of a data-set run (@glassbox/report's explainDataset) written as an
 * Arrow IPC file plus a JSON manifest, atomically (temporary names renamed at the end: the manifest last, so a
 * shard without its manifest, or whose file does not match it, is a partial write that `merge` ignores).
 *
 *   <out>/shard-0003-of-0016.arrow   one row per example (index, label, predicted, class, target, score,
 *                                    deletion_auc[, attribution]); exact per-feature sums in the schema metadata
 *   <out>/shard-0003-of-0016.json    the manifest: run (model, method, options, seed, data slice, chunk size,
 *                                    shard count, backend), shard index and rows, file size and sha256,
 *                                    package versions, timing
 *
 * The shard takes whole chunks of the slice (see explainDataset), so the merged summary is the same, bit for
 * bit, for any shard count. A shard whose manifest and file are already there, for the same run, is not
 * recomputed (a no-op, said on stdout).
 *
 * Classifiers are explained in their pixels (the logit of each image's label). The pretrained autoencoders and
 * VAEs (ae, conv-ae, vae) are explained in their latent code: each row is the code z of a test image (a VAE's
 * mean mu, by the encoder on the run's chunk grid) and the explained score is the sum of its reconstruction,
 * S(z) = sum_p decoder(z)_p, so the features are latent dimensions (per class by the digit label) and e.g.
 * integrated gradients satisfy sum_j a_j = S(z) - S(0). Occlusion (image windows) does not apply: exit 2.
 */
import { join, resolve } from 'node:path';
import { tf, type Predictable, type Tensor } from '@glassbox/tensors-ops';
import { usageError } from '../errors.js';
import { loadModel, PRETRAINED } from '../models.js';
import { resolveMethod } from '../methods.js';
import { setupBackend, type CliIo } from '../runtime.js';
import { finishedShard, shardName, writeShard } from './dataset-shards.js';
import type { DataSlice, ExplainDatasetCommandOptions, ExplainDatasetSummary } from './dataset-shards.js';

/** Parses --data: <digits|spam|names>:<train|test>[:<start>-<end> | :<index>] (inclusive). */
export function parseDataSpec(text: string): DataSlice {
  const t = (text ?? '').trim();
  const m = /^(digits|spam|names):([a-z]+)(?::(\d+)(?:-(\d+))?)?$/.exec(t);
  if (!m) throw usageError(`--data must be <digits|spam|names>:<train|test> or <digits|spam|names>:<train|test>:<start>-<end> (inclusive), got '${text}'`);
  if (m[2] !== 'train' && m[2] !== 'test') throw usageError(`--data ${text}: unknown split '${m[2]}' of ${m[1]}: expected train or test`);
  const start = m[3] === undefined ? 0 : Number(m[3]);
  const end = m[3] === undefined ? null : m[4] === undefined ? start : Number(m[4]);
  if (end !== null && end < start) throw usageError(`--data ${text}: the range end ${end} is before its start ${start}`);
  return { dataset: m[1] as DataSlice['dataset'], split: m[2], start, end };
}

/** Parses --shard i/n (0 <= i < n; the index is 0-based, as Kubernetes' JOB_COMPLETION_INDEX). */
export function parseShard(text: string | undefined): { index: number; count: number } {
  if (text === undefined) return { index: 0, count: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw usageError(`--shard must be <index>/<count> with 0 <= index < count (e.g. 3/16), got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw usageError(`--shard ${text}: the count must be at least 1`);
  if (index >= count) throw usageError(`--shard ${text}: the index must be below the count (indices are 0-based: 0/${count} .. ${count - 1}/${count})`);
  return { index, count };
}

/** The explainers explain-dataset runs, with the options each reads. */
const DATASET_METHODS = ['integrated-gradients', 'saliency', 'input-x-gradient', 'occlusion'] as const;
type DatasetMethod = (typeof DATASET_METHODS)[number];
/** The explainers that apply to a latent code (occlusion's image windows do not). */
const LATENT_METHODS = ['integrated-gradients', 'saliency', 'input-x-gradient'] as const;

export async function runExplainDataset(o: ExplainDatasetCommandOptions, io: CliIo): Promise<ExplainDatasetSummary> {
  const t0 = performance.now();
  const slice = parseDataSpec(o.data);
  const shard = parseShard(o.shard);
  const entry = resolveMethod(o.method);
  const pretrained = (PRETRAINED as Record<string, { kind: string } | undefined>)[o.model];
  if (pretrained?.kind === 'gpt' || pretrained?.kind === 'text-classifier') {
    // The text models: token ids, features = positions plus the per-id view (explain-dataset-tokens.ts).
    const { runTokenDataset } = await import('./explain-dataset-tokens.js');
    return runTokenDataset(o, io, { slice, shard, method: entry.name, kind: pretrained.kind, t0 });
  }
  if (slice.dataset !== 'digits') {
    throw usageError(`--data ${o.data}: --model ${o.model} reads digits images; ${slice.dataset} is a text data set (explain it with ${slice.dataset === 'spam' ? 'spam-encoder' : 'names-gpt'})`);
  }
  if (!(DATASET_METHODS as readonly string[]).includes(entry.name)) {
    throw usageError(`explain-dataset runs ${DATASET_METHODS.join(', ')}; got '${o.method}' (${entry.name})`);
  }
  const method = entry.name as DatasetMethod;
  // The kind decides what the features are; autoencoders and VAEs are explained in their latent code.
  // (The pretrained models by name; a model.json path is read as a classifier, and refused below if it is not one.)
  const kind = pretrained?.kind;
  const latent = kind === 'ae' || kind === 'vae';
  if (latent && !(LATENT_METHODS as readonly string[]).includes(method)) {
    throw usageError(`explain-dataset explains an ${kind === 'vae' ? 'VAE' : 'autoencoder'}'s reconstruction in its latent code with ${LATENT_METHODS.join(', ')}; '${o.method}' (${method}) does not apply to a code of ${kind} latent dimensions (its windows are image patches)`);
  }
  const explainerOptions: Record<string, unknown> = {};
  if (method === 'integrated-gradients') explainerOptions.steps = o.steps ?? 50;
  if (method === 'occlusion') {
    const w = o.window ?? 4;
    const s = o.stride ?? Math.max(1, Math.floor(w / 2));
    explainerOptions.window = [w, w, 1];
    explainerOptions.strides = [s, s, 1];
  }
  const chunkSize = o.chunkSize ?? 16;
  const seed = o.seed ?? 0;
  const out = resolve(o.out);
  const name = shardName(shard.index, shard.count);

  const { loadDigitsArrays } = await import('@glassbox/datasets');
  const digits = await loadDigitsArrays({ split: slice.split });
  const total = digits.shape[0];
  const end = slice.end ?? total - 1;
  if (slice.start >= total || end >= total) {
    throw usageError(`--data ${o.data}: digits:${slice.split} has ${total} images (indices 0-${total - 1}); the range ends at ${Math.max(slice.start, end)}`);
  }
  const backend = await setupBackend(o.backend, io);
  const run = {
    model: o.model,
    method,
    options: explainerOptions,
    seed,
    data: { dataset: 'digits', split: slice.split, start: slice.start, end },
    chunkSize,
    shardCount: shard.count,
    target: latent ? 0 : 'class',
    classBy: 'label',
    // Only for latent runs, so that the run record (and the no-op check) of classifier runs is unchanged.
    ...(latent ? { features: 'latent', objective: 'reconstruction-sum' } : {}),
    deletion: { intervals: o.deletionIntervals ?? 10 },
    surrogate: { rows: o.surrogateRows ?? 200, cell: 4 },
    keepAttributions: o.keepAttributions === true,
    backend: backend.backend,
  };

  // A finished shard of the same run is not recomputed.
  const finished = await finishedShard(out, name, run, o.out, shard, t0);
  if (finished) return finished;

  const model = await loadModel(o.model);
  try {
    if (model.kind !== 'classifier' && !((model.kind === 'ae' || model.kind === 'vae') && latent)) {
      throw usageError(`explain-dataset explains classifiers (the logit of each image's label) and the pretrained autoencoders/VAEs ae, conv-ae, vae (their reconstruction in the latent code); --model ${o.model} is a ${model.kind}`);
    }
    const report = await import('@glassbox/report');
    const gradient = await import('@glassbox/explainers-gradient');
    const perturbation = await import('@glassbox/explainers-perturbation');
    const explainer = {
      'integrated-gradients': gradient.integratedGradients,
      saliency: gradient.saliency,
      'input-x-gradient': gradient.inputXGradient,
      occlusion: perturbation.occlusion,
    }[method];
    const F = digits.shape[1] * digits.shape[2] * digits.shape[3];
    const images = {
      images: digits.images.subarray(slice.start * F, (end + 1) * F),
      shape: [end - slice.start + 1, digits.shape[1], digits.shape[2], digits.shape[3]],
      labels: digits.labels.subarray(slice.start, end + 1),
    };
    let data = images;
    let explained: Predictable;
    if (model.kind === 'ae' || model.kind === 'vae') {
      // Features = latent dimensions: each row is the image's code, explained through sum(decoder(code)).
      const m = model.model;
      data = await latentCodes((x) => m.encoder(x), images, chunkSize);
      explained = reconstructionSum((z) => m.decoder(z));
    } else {
      explained = (model as { model: Predictable }).model;
    }
    io.progress.start(`${name} ${method}`, 1);
    let partial;
    try {
      partial = await report.explainDataset(explained, data, explainer, {
        explainerOptions,
        ...(latent ? { target: 0 } : {}),
        chunkSize,
        shard,
        indexOffset: slice.start,
        seed,
        deletion: run.deletion,
        surrogate: run.surrogate,
        keepAttributions: run.keepAttributions,
        onProgress: (d, t) => io.progress.update(d, t),
      });
    } finally {
      io.progress.stop();
    }
    return await writeShard(report.partialToArrow(partial, { run, shard }), partial, run, out, name, shard, t0);
  } finally {
    model.dispose();
  }
}

/**
 * The codes of the images (a VAE's mean mu): [N, latentDim] row-major, with the images' labels. The encoder runs
 * on the chunks of the run's grid (rows [k*chunkSize, (k+1)*chunkSize) of the slice) over the whole slice, so a
 * row's code is the same whatever the shard that explains it.
 */
export async function latentCodes(
  encode: (x: Tensor) => Tensor,
  d: { images: Float32Array; shape: number[]; labels: Int32Array },
  chunkSize: number,
): Promise<{ images: Float32Array; shape: number[]; labels: Int32Array }> {
  const n = d.shape[0]!;
  const rowShape = d.shape.slice(1);
  const F = rowShape.reduce((a, b) => a * b, 1);
  const parts: Float32Array[] = [];
  let dim = 0;
  for (let c0 = 0; c0 < n; c0 += chunkSize) {
    const c1 = Math.min(n, c0 + chunkSize);
    const z = tf.tidy(() => encode(tf.tensor(d.images.subarray(c0 * F, c1 * F), [c1 - c0, ...rowShape], 'float32')));
    try {
      dim = z.shape[1]!;
      parts.push((await z.data()) as Float32Array);
    } finally {
      z.dispose();
    }
  }
  const codes = new Float32Array(n * dim);
  let at = 0;
  for (const p of parts) {
    codes.set(p, at);
    at += p.length;
  }
  return { images: codes, shape: [n, dim], labels: d.labels };
}

/** The explained score of a latent run: z -> [N, 1], the sum over the image of the decoded reconstruction, sum_p decoder(z)_p. */
export function reconstructionSum(decode: (z: Tensor) => Tensor): (z: Tensor) => Tensor {
  return (z) => {
    const y = decode(z);
    return tf.sum(tf.reshape(y, [y.shape[0]!, -1]), 1, true);
  };
}

export function formatExplainDataset(s: ExplainDatasetSummary): string {
  if (s.skipped) return `shard ${s.shard} already complete in ${s.out} (rows ${s.rows[0]}-${s.rows[1] - 1}, ${s.examples} examples): nothing to do\n`;
  const rows = s.examples === 0 ? 'its share of whole chunks is empty' : `rows ${s.rows[0]}-${s.rows[1] - 1}`;
  return `shard ${s.shard}: explained ${s.examples} examples (${rows}) in ${s.seconds.toFixed(1)} s -> ${s.files.map((f) => join(s.out, f)).join(', ')}\n`;
}
