/**
 * `glassbox explain` for the text models (names-gpt, spam-encoder): one text, one method -> attribution.json
 * (tokens, scores, target, method, options) and the token picture (tokens.png, tokens.svg, tokens.html). With
 * `--generate N` (GPT) the text is continued by N sampled tokens (`--seed`) and each generated token is
 * explained over the tokens before it (explainGeneration): generation.png / generation.svg, and the token
 * picture of the last generated token.
 *
 * What is explained comes from the kind's adapter (@glassbox/report's KIND_ADAPTERS): a GPT's next-token logit
 * (default: the most likely next token), a text classifier's class logit (default: the predicted class).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { softmaxRow, tf, type NoiseVariant, type Tensor } from '@glassbox/tensors-ops';
import { KIND_ADAPTERS } from '@glassbox/report';
import type { AnyKindAdapter, PreparedInput } from '@glassbox/report';
import { generationMatrix, toPNG, tokenHeatmap } from '@glassbox/viz';
import { failure, usageError } from '../errors.js';
import { checkMethodApplies, explainerOf, methodsFor, runTokenMethod, takesTarget, tokenMethodOptions, type MethodEntry } from '../methods.js';
import type { LoadedModel } from '../models.js';
import { writeAtomically, writeJson } from '../output.js';
import { since, type CliIo } from '../runtime.js';

/** What the text path reads of explain's options (explain.ts's ExplainCommandOptions has all of it). */
export interface TextExplainOptions {
  input: string;
  out: string;
  target?: number;
  steps?: number;
  samples?: number;
  window?: number;
  seed?: number;
  batchSize?: number;
  generate?: number;
  /** Image options, refused for a text model. */
  class?: unknown;
  objective?: unknown;
  baseline?: unknown;
  rule?: unknown;
  noise?: unknown;
  stdev?: unknown;
  segments?: unknown;
  dims?: unknown;
  cells?: unknown;
  stride?: unknown;
}

/** What explain returns (printed by the program), for every kind. */
export interface ExplainSummary {
  command: 'explain';
  out: string;
  files: string[];
  model: { spec: string; kind: string; source: string };
  method: string;
  input: string;
  target: number | null;
  explains: string;
  shape: number[];
  backend: string;
  timing: { explainMs: number; totalMs: number };
}

/** The files a text explanation writes (part of explain's own files). */
export const TEXT_FILES = ['tokens.png', 'tokens.svg', 'tokens.html', 'generation.png', 'generation.svg'] as const;

/** A text input: text:"..." (the text itself) or file:path (a UTF-8 file's contents). */
export type TextSpec = { type: 'text'; text: string; source: string } | { type: 'file'; path: string; source: string };

/** Whether --input names a text (text:... or file:...). */
export function isTextSpec(input: string): boolean {
  return /^(text|file):/i.test(input ?? '');
}

/**
 * Parses a text input.
 * @throws CliError (exit 2) for anything else, naming the two forms.
 */
export function parseTextSpec(input: string): TextSpec {
  const m = /^(text|file):([\s\S]*)$/i.exec(input ?? '');
  if (m === null) throw usageError(`a text model takes --input text:"..." (the text) or file:<path> (a text file), got '${input}'`);
  const kind = m[1]!.toLowerCase();
  if (kind === 'file') {
    if (m[2]!.trim() === '') throw usageError(`--input file: needs a path, e.g. file:email.txt`);
    return { type: 'file', path: m[2]!, source: `file ${m[2]}` };
  }
  return { type: 'text', text: m[2]!, source: 'text given on the command line' };
}

/** Reads the text of a spec; refuses a missing file and an empty text. */
export async function readText(spec: TextSpec): Promise<string> {
  let text: string;
  if (spec.type === 'file') {
    try {
      text = await readFile(spec.path, 'utf8');
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw usageError(`cannot read --input ${spec.path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}`);
    }
  } else {
    text = spec.text;
  }
  if (text.trim() === '') throw usageError(`--input ${spec.type === 'file' ? `file ${spec.path} holds` : 'is'} an empty text: give at least one ${'word or character'}`);
  return text;
}

/** For a GPT: the characters of the text outside its vocabulary (with their index), so the message says which. */
function outsideVocabulary(text: string, vocabulary: readonly string[]): string[] {
  const known = new Set(vocabulary.filter((t) => !/^\[[A-Z]+\]$/.test(t)));
  const bad: string[] = [];
  [...text].forEach((ch, i) => {
    if (!known.has(ch)) bad.push(`${JSON.stringify(ch)} at ${i}`);
  });
  return bad;
}

function round(v: number, digits = 6): number {
  return Number(v.toPrecision(digits));
}

/** A token as pictures show it. */
function shown(token: string): string {
  return token;
}

/** Runs explain on a text model (called by runExplain once the model is loaded). */
export async function runExplainText(o: TextExplainOptions, io: CliIo, loaded: LoadedModel, method: MethodEntry, backend: string, t0: number, files: readonly string[]): Promise<ExplainSummary> {
  if (loaded.kind !== 'gpt' && loaded.kind !== 'text-classifier') throw new Error('runExplainText: not a text model');
  const adapter = KIND_ADAPTERS[loaded.kind] as unknown as AnyKindAdapter;
  const m = loaded.model;
  checkMethodApplies(method, loaded.kind);
  if (!isTextSpec(o.input)) {
    throw usageError(`${loaded.spec} is ${loaded.kind === 'gpt' ? 'a GPT' : 'a text classifier'}: --input must be text:"..." (the text) or file:<path> (a text file), got '${o.input}'`);
  }
  for (const flag of ['class', 'objective', 'baseline', 'rule', 'noise', 'stdev', 'segments', 'dims', 'cells', 'stride'] as const) {
    // --stdev (embedding units) and --noise apply to the methods whose knobs they are (noise-tunnel, gradient-shap).
    if ((flag === 'stdev' || flag === 'noise') && method.knobs.includes(flag)) continue;
    if (o[flag] !== undefined) throw usageError(`--${flag} does not apply to ${(flag === 'stdev' || flag === 'noise') ? method.name : 'a text model'} (${loaded.spec})`);
  }
  if (o.stdev !== undefined && !(typeof o.stdev === 'number' && Number.isFinite(o.stdev) && o.stdev >= 0)) throw usageError(`--stdev must be a number >= 0 (in the units of the embeddings), got ${String(o.stdev)}`);
  const generate = o.generate;
  if (generate !== undefined) {
    if (loaded.kind !== 'gpt') throw usageError(`--generate applies to a GPT (names-gpt); ${loaded.spec} is a text classifier`);
    if (!takesTarget(method)) {
      throw usageError(`--generate explains each generated token's logit; ${method.name} explains attention, not a logit: use one of ${methodsFor('gpt').filter(takesTarget).map((e) => e.name).join(', ')}`);
    }
    if (o.target !== undefined) throw usageError(`--target does not apply with --generate: each generated token is explained`);
    if (method.fn === 'noiseTunnel' || method.fn === 'exactShapley') throw usageError(`--generate does not take ${method.name} yet: use integrated-gradients, saliency or occlusion`);
  }
  if (o.target !== undefined && !takesTarget(method)) throw usageError(`--target does not apply to ${method.name}: it explains the attention flowing into the explained position, not an output`);
  const spec = parseTextSpec(o.input);
  const text = await readText(spec);
  if (loaded.kind === 'gpt') {
    const bad = outsideVocabulary(text, loaded.model.tokenizer.tokens);
    if (bad.length > 0) {
      const vocab = loaded.model.tokenizer.tokens.filter((t) => !/^\[[A-Z]+\]$/.test(t)).join('');
      throw usageError(`--input has ${bad.length === 1 ? 'a character' : 'characters'} outside the GPT's vocabulary (${JSON.stringify(vocab)}): ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ', ...' : ''}`);
    }
  }
  const explained = adapter.explained(m, adapter.objectives[0]!);
  const model = explained.tokenModel!;
  const seed = o.seed ?? 0;
  let prepared: PreparedInput | null = null;
  const made: Tensor[] = [];
  try {
    prepared = adapter.prepare(m, { type: 'text', text });
    let ids = prepared.x;
    let tokens = prepared.tokens!;
    let generation: Record<string, unknown> | null = null;
    let pictureOfMatrix: { svg: string; png: Uint8Array } | null = null;
    const t1 = performance.now();
    let scores: number[];
    let target: number | null = null;
    let explains: string;
    let prediction: Record<string, unknown>;
    let options: Record<string, unknown>;
    let resultMethod: string;
    if (generate !== undefined && loaded.kind === 'gpt') {
      // Continue the text, then explain each generated token over the tokens before it.
      const gpt = loaded.model;
      const promptLength = ids.shape[1]!;
      if (promptLength + generate > gpt.context) {
        throw usageError(`--generate ${generate} is too long: the GPT reads ${gpt.context} tokens and the text takes ${promptLength} ([START] and ${promptLength - 1} characters); use --generate ${Math.max(1, gpt.context - promptLength)} or less`);
      }
      const g = gpt.generate(text, { maxTokens: generate, seed });
      const all = tf.tensor2d(g.ids, [1, g.ids.length], 'int32');
      made.push(all);
      ids = all;
      const vocab = gpt.tokenizer.tokens;
      tokens = Array.from(g.ids, (id) => vocab[id] ?? `#${id}`);
      const { explainGeneration } = await import('@glassbox/explainers-gradient');
      const { call, record } = tokenMethodOptions(method, { seed, ...(o.steps !== undefined ? { steps: o.steps } : {}), ...(o.samples !== undefined ? { samples: o.samples } : {}), ...(o.window !== undefined ? { window: o.window } : {}), ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}) });
      io.progress.start(method.name, g.ids.length - promptLength);
      let e;
      try {
        e = await explainGeneration(model, all, { promptLength, explainer: await explainerOf(method), explainerOptions: call, onProgress: (d, t) => io.progress.update(d, t) });
      } finally {
        io.progress.stop();
      }
      const [rows, cols] = e.shape;
      const last = rows - 1;
      scores = Array.from(e.matrix.subarray(last * cols, last * cols + e.positions[last]!));
      target = e.targets[last]!;
      const rowLabels = e.positions.map((p) => tokens[p]!);
      const pic = generationMatrix(e.matrix, e.shape, { rowLabels, colLabels: tokens.slice(0, cols), positions: e.positions, probabilities: e.probabilities, entropies: e.entropies, title: `${method.name}: each generated token over the tokens before it` });
      pictureOfMatrix = { svg: pic.svg, png: toPNG(pic.image) };
      generation = {
        promptLength,
        generated: g.text,
        tokens,
        ids: Array.from(g.ids),
        shape: e.shape,
        matrix: Array.from(e.matrix, (v) => (Number.isFinite(v) ? v : null)),
        positions: e.positions,
        targets: e.targets,
        probabilities: e.probabilities.map((v) => round(v)),
        entropies: e.entropies.map((v) => round(v)),
      };
      tokens = tokens.slice(0, e.positions[last]!);
      explains = `each generated token of ${JSON.stringify(g.text)} (seed ${seed}) over the tokens before it; the token picture shows the last one, ${adapter.outputLabel(m, adapter.objectives[0]!, target, vocab.length)}`;
      prediction = { generated: g.text };
      options = { ...record, generate, ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}) };
      resultMethod = e.method;
    } else {
      const out = tf.tidy(() => (explained.f as (x: Tensor) => Tensor)(ids));
      const logits = Array.from(await out.data());
      out.dispose();
      const names = adapter.outputNames?.(m) ?? [];
      const byDefault = adapter.defaultTarget(m, adapter.objectives[0]!, logits)!;
      if (o.target !== undefined && (o.target < 0 || o.target >= logits.length)) {
        throw usageError(
          `--target ${o.target} is out of range: ${loaded.kind === 'gpt' ? `the GPT's vocabulary has ${logits.length} tokens (0..${logits.length - 1})` : `the classifier has ${logits.length} classes (0..${logits.length - 1}: ${names.join(', ')})`}`,
        );
      }
      if (takesTarget(method)) target = o.target ?? byDefault.target;
      const probabilities = softmaxRow(logits);
      const outputLabel = (k: number) => adapter.outputLabel(m, adapter.objectives[0]!, k, logits.length);
      explains =
        target === null
          ? `the attention flowing into ${loaded.kind === 'gpt' ? 'the last position (which predicts the next token)' : 'the [CLS] position (which the classifier reads)'}`
          : `logit of ${outputLabel(target)}${target === byDefault.target ? (loaded.kind === 'gpt' ? ' (the most likely next token)' : ' (the predicted class)') : ` (${loaded.kind === 'gpt' ? 'most likely next token' : 'predicted'}: ${outputLabel(byDefault.target)})`}`;
      const top = probabilities.map((p, k) => ({ k, p })).sort((a, b) => b.p - a.p).slice(0, 5);
      prediction =
        loaded.kind === 'gpt'
          ? { mostLikely: top.map((t) => ({ token: names[t.k] ?? String(t.k), id: t.k, probability: round(t.p) })), predicted: byDefault.target }
          : { labels: names, logits: logits.map((v) => round(v)), probabilities: probabilities.map((v) => round(v)), predicted: byDefault.target };
      io.progress.start(method.name, 1);
      let r;
      try {
        r = await runTokenMethod(method, model, ids, {
          seed,
          ...(target !== null ? { target } : {}),
          ...(o.steps !== undefined ? { steps: o.steps } : {}),
          ...(o.samples !== undefined ? { samples: o.samples } : {}),
          ...(o.window !== undefined ? { window: o.window } : {}),
          ...(o.stdev !== undefined ? { stdev: o.stdev as number } : {}),
          ...(o.noise !== undefined ? { noise: o.noise as NoiseVariant } : {}),
          ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
          onProgress: (d, t) => io.progress.update(d, t),
        });
      } finally {
        io.progress.stop();
      }
      try {
        scores = Array.from(await r.attribution.attributions.data());
      } finally {
        r.attribution.attributions.dispose();
        r.attribution.delta?.dispose();
        (r.attribution as { rollout?: Tensor }).rollout?.dispose();
      }
      options = { ...r.options, ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}) };
      resultMethod = r.attribution.method;
    }
    const explainMs = since(t1);
    scores.forEach((v, i) => {
      if (!Number.isFinite(v)) throw failure(`${method.name} returned a non-finite score (${v}) for token ${i}; the model's outputs or gradients are not finite`);
    });
    const mode = method.signed ? 'signed' : 'abs';
    const picture = tokenHeatmap(tokens.map(shown), scores, { mode, title: `${method.name}: ${explains}`.slice(0, 120) });
    let sum = 0;
    for (const v of scores) sum += v;
    const document = {
      format: 'glassbox-attribution',
      version: 1,
      method: method.name,
      function: method.fn,
      package: method.pkg,
      resultMethod,
      space: 'tokens',
      model: { spec: loaded.spec, kind: loaded.kind, source: loaded.source },
      input: { spec: o.input.length > 200 ? `${o.input.slice(0, 200)}...` : o.input, source: spec.source, text },
      tokens,
      target,
      targetToken: target !== null && loaded.kind === 'gpt' ? (loaded.model.tokenizer.tokens[target] ?? null) : null,
      explains,
      prediction,
      options,
      shape: [1, scores.length],
      scores,
      sum: round(sum),
      generation,
      heatmap: { mode, min: picture.scale.min, max: picture.scale.max, colormap: picture.scale.colormap },
      backend,
      timing: { explainMs, totalMs: since(t0) },
      createdAt: new Date().toISOString(),
    };
    const written = await writeAtomically(o.out, files, async (tmp) => {
      await writeJson(`${tmp}/attribution.json`, document);
      await writeFile(`${tmp}/tokens.png`, toPNG(picture.image));
      await writeFile(`${tmp}/tokens.svg`, picture.svg);
      await writeFile(`${tmp}/tokens.html`, `<!doctype html>\n<meta charset="utf-8"><title>${method.name}</title>\n${picture.html}\n`);
      if (pictureOfMatrix !== null) {
        await writeFile(`${tmp}/generation.png`, pictureOfMatrix.png);
        await writeFile(`${tmp}/generation.svg`, pictureOfMatrix.svg);
      }
    });
    return {
      command: 'explain',
      out: written.dir,
      files: written.files,
      model: { spec: loaded.spec, kind: loaded.kind, source: loaded.source },
      method: method.name,
      input: o.input,
      target,
      explains,
      shape: [1, scores.length],
      backend,
      timing: { explainMs, totalMs: since(t0) },
    };
  } finally {
    tf.dispose(made);
    prepared?.dispose();
  }
}
