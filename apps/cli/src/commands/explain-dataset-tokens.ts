/**
 * `glassbox explain-dataset` on the text models: spam-encoder over e-mails (--data spam:<split>[:a-b]) and
 * names-gpt over first names (--data names:<split>[:a-b]).
 *
 * Each text is encoded by the model's own tokenizer (an e-mail as [CLS] and its first context - 1 word pieces,
 * as the classifier reads it; a name as [START] and its first context - 1 characters, a prompt without [END]),
 * and the slice is padded at the end with [PAD] to its longest row, so every shard of a run reads the same ids.
 * What is explained is what the single-text `glassbox explain` explains: the classifier's predicted class, the
 * GPT's most likely next token. The features are the token positions (means over the texts that reach a
 * position), plus the view by vocabulary id (which words or characters matter on average); deletion and
 * insertion curves use the model's mask id. The global surrogate does not apply to token rows and is recorded
 * as such. Per class: the e-mail's label (ham, spam); for the GPT, the predicted next token.
 *
 * The shard's Arrow metadata ('glassbox.meta') also holds the token of every id the shard met (inputs and
 * predictions), so `merge` names the top tokens without loading the model.
 */
import { resolve } from 'node:path';
import { usageError } from '../errors.js';
import { loadModel } from '../models.js';
import { setupBackend, type CliIo } from '../runtime.js';
import { finishedShard, shardName, TOKEN_DATASET_METHODS, writeShard, type DataSlice, type ExplainDatasetCommandOptions, type ExplainDatasetSummary } from './dataset-shards.js';

export interface TokenDatasetContext {
  slice: DataSlice;
  shard: { index: number; count: number };
  /** The method's CLI name (resolved). */
  method: string;
  kind: 'gpt' | 'text-classifier';
  t0: number;
}

/** The data set each text model reads. */
const DATASET_OF = { 'text-classifier': 'spam', gpt: 'names' } as const;

export async function runTokenDataset(o: ExplainDatasetCommandOptions, io: CliIo, c: TokenDatasetContext): Promise<ExplainDatasetSummary> {
  const { slice, shard, method, kind, t0 } = c;
  const want = DATASET_OF[kind];
  if (slice.dataset !== want) {
    throw usageError(`--data ${o.data}: --model ${o.model} reads ${want === 'spam' ? 'e-mails' : 'first names'}: use --data ${want}:<train|test>[:<start>-<end>]`);
  }
  if (!(TOKEN_DATASET_METHODS as readonly string[]).includes(method)) {
    throw usageError(`explain-dataset runs ${TOKEN_DATASET_METHODS.join(', ')} on the text models; got '${o.method}' (${method})`);
  }
  if (o.stride !== undefined) throw usageError(`--stride does not apply to a text model (occlusion slides a window of --window tokens one position at a time)`);
  if (o.surrogateRows !== undefined) throw usageError(`--surrogate-rows does not apply to a text model: the global surrogate (ridge on the cells of a fixed-size input) has no meaning for token rows of different lengths`);
  if (o.window !== undefined && method !== 'occlusion') throw usageError(`--window applies to occlusion, not ${method}`);
  const explainerOptions: Record<string, unknown> = {};
  if (method === 'integrated-gradients') explainerOptions.steps = o.steps ?? 50;
  if (method === 'occlusion') explainerOptions.window = [o.window ?? 1];
  const chunkSize = o.chunkSize ?? 16;
  const seed = o.seed ?? 0;
  const out = resolve(o.out);
  const name = shardName(shard.index, shard.count);

  // The slice's texts (and labels for the e-mails), checked against the split before any model is loaded.
  const ds = await import('@glassbox/datasets');
  let texts: string[];
  let labels: Int32Array | undefined;
  if (want === 'spam') {
    const records = await ds.loadSpam({ split: slice.split });
    texts = records.map((r) => r.text);
    labels = Int32Array.from(records, (r) => r.label);
  } else {
    texts = await ds.loadNames({ split: slice.split });
  }
  const total = texts.length;
  const end = slice.end ?? total - 1;
  if (slice.start >= total || end >= total) {
    throw usageError(`--data ${o.data}: ${want}:${slice.split} has ${total} ${want === 'spam' ? 'e-mails' : 'names'} (indices 0-${total - 1}); the range ends at ${Math.max(slice.start, end)}`);
  }
  texts = texts.slice(slice.start, end + 1);
  labels = labels?.subarray(slice.start, end + 1);
  const backend = await setupBackend(o.backend, io);
  const loaded = await loadModel(o.model);
  try {
    let batch: { ids: Int32Array; shape: [number, number] };
    let vocabulary: readonly string[];
    let padId: number;
    let maskId: number;
    let classes: string[] | null = null;
    if (loaded.kind === 'text-classifier') {
      const m = loaded.model;
      const b = m.tokenizer.encodeBatch(texts, { maxLength: m.context });
      batch = { ids: b.ids, shape: [b.shape[0], b.shape[1]] };
      vocabulary = m.tokenizer.tokens;
      padId = m.padId;
      maskId = m.maskId;
      classes = [...m.labels];
    } else if (loaded.kind === 'gpt') {
      const m = loaded.model;
      // A prompt: [START] and at most context - 1 characters, no [END] (the model predicts what follows).
      const b = m.tokenizer.encodeBatch(texts.map((t) => [...t].slice(0, m.context - 1).join('')), { end: false });
      batch = { ids: b.ids, shape: [b.shape[0], b.shape[1]] };
      vocabulary = m.tokenizer.tokens;
      padId = m.tokenizer.padId;
      maskId = m.maskId;
    } else {
      throw new Error(`runTokenDataset: ${o.model} is not a text model`);
    }
    const run: Record<string, unknown> = {
      model: o.model,
      method,
      options: explainerOptions,
      seed,
      data: { dataset: want, split: slice.split, start: slice.start, end },
      chunkSize,
      shardCount: shard.count,
      target: 'predicted',
      classBy: labels ? 'label' : 'predicted',
      features: 'tokens',
      sequence: { length: batch.shape[1], padId, maskId, vocabSize: vocabulary.length },
      ...(classes ? { classes } : {}),
      deletion: { intervals: o.deletionIntervals ?? 10 },
      insertion: { intervals: o.insertionIntervals ?? 10 },
      surrogate: 'not applicable (token rows)',
      keepAttributions: o.keepAttributions === true,
      backend: backend.backend,
    };
    const finished = await finishedShard(out, name, run, o.out, shard, t0);
    if (finished) return finished;

    const report = await import('@glassbox/report');
    const gradient = await import('@glassbox/explainers-gradient');
    const perturbation = await import('@glassbox/explainers-perturbation');
    const explainer = {
      'integrated-gradients': gradient.integratedGradients,
      saliency: gradient.saliency,
      'input-x-gradient': gradient.inputXGradient,
      occlusion: perturbation.occlusion,
      'feature-ablation': perturbation.featureAblation,
    }[method as (typeof TOKEN_DATASET_METHODS)[number]];
    io.progress.start(`${name} ${method}`, 1);
    let partial;
    try {
      partial = await report.explainDataset(loaded.model, { ids: batch.ids, shape: batch.shape, padId, ...(labels ? { labels } : {}) }, explainer, {
        explainerOptions,
        target: 'predicted',
        chunkSize,
        shard,
        indexOffset: slice.start,
        seed,
        deletion: run.deletion as { intervals: number },
        insertion: run.insertion as { intervals: number },
        keepAttributions: o.keepAttributions === true,
        onProgress: (d, t) => io.progress.update(d, t),
      });
    } finally {
      io.progress.stop();
    }
    // The tokens of the ids this shard met (its rows' real ids and the predicted classes of the GPT).
    const seen: Record<string, string> = {};
    const [r0, r1] = [partial.range[0] - slice.start, partial.range[1] - slice.start];
    const T = batch.shape[1];
    for (let i = r0 * T; i < r1 * T; i++) if (batch.ids[i] !== padId) seen[String(batch.ids[i])] = vocabulary[batch.ids[i]!] ?? `#${batch.ids[i]}`;
    if (loaded.kind === 'gpt') for (const r of partial.rows) seen[String(r.predicted)] = vocabulary[r.predicted] ?? `#${r.predicted}`;
    const bytes = report.partialToArrow(partial, { run, shard, tokens: seen });
    return await writeShard(bytes, partial, run, out, name, shard, t0);
  } finally {
    loaded.dispose();
  }
}
