/**
 * `glassbox merge <dir> --out <summary>`: reads the shards of one explain-dataset run, checks they belong
 * together, and writes <summary>/summary.json plus pictures, through a temporary folder renamed at the end.
 *
 * A shard counts when its manifest names an Arrow file of the recorded size and sha256; anything else in the
 * folder (a file without its manifest, a leftover temporary file, a file that does not match) is a partial
 * write: ignored and reported. Shards of different runs (any field of the manifests' `run` differs) are
 * refused, naming the field. A run with missing shards is refused unless --allow-missing.
 *
 * summary.json: { model, method, count, meanAttribution, meanAbsAttribution, perClass: { [label]: { count,
 * meanAttribution, meanAbsAttribution } }, metrics: { deletionAuc: { mean, sd, ci95 } }, accuracy, surrogate,
 * rowShape, classBy, run, shards, ignored, versions } (per-feature arrays flattened row-major), and
 * class-<c>.png (mean attribution per class, signed colours, one scale for all classes), mean-abs.png,
 * top-features.svg (the 20 pixels of largest mean |attribution|, with their mean signed attribution).
 * A latent run (an autoencoder/VAE explained in its code: rows of one dimension) gets bar charts instead:
 * latent-importance.svg (mean |attribution| per latent dimension, largest first), latent-mean.svg (mean signed
 * attribution per dimension) and latent-class-<c>.svg (per class).
 *
 * A token run (spam-encoder, names-gpt: features = token positions) adds to summary.json `input: 'tokens'`,
 * `featureCounts` (the texts that reach each position: the divisor of its means), `classNames`, `topTokens`
 * (the --top-tokens ids of largest mean |attribution| among those seen at least --min-token-count times, with
 * their decoded tokens), `tokens.byId` (every id seen: count, mean and mean |attribution|) and
 * `metrics.insertionAuc`; pictures: top-tokens.svg (the top tokens by mean |attribution|), positions.svg (mean
 * |attribution| per position), positions-mean.svg (signed) and, for the classifier, class-<c>-positions.svg.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { writeAtomically, writeJson, writePng } from '../output.js';
import { since, type CliIo } from '../runtime.js';
import { sha256, type ShardManifest } from './dataset-shards.js';

export interface MergeCommandOptions {
  out: string;
  allowMissing?: boolean;
  scale?: number;
  /** Token runs: how many ids topTokens lists (default 20). */
  topTokens?: number;
  /** Token runs: ids seen fewer times are left out of topTokens (default 3). */
  minTokenCount?: number;
}

export interface MergeSummary {
  command: 'merge';
  out: string;
  model: string;
  method: string;
  count: number;
  shards: number;
  ignored: string[];
  files: string[];
  seconds: number;
}

export async function runMerge(dir: string, o: MergeCommandOptions, io: CliIo): Promise<MergeSummary> {
  const t0 = performance.now();
  const src = resolve(dir);
  let entries: string[];
  try {
    entries = (await readdir(src)).sort();
  } catch (e) {
    throw usageError(`cannot read ${dir}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such folder' : (e as Error).message}`);
  }
  const ignored: string[] = [];
  const used = new Set<string>();
  const shards: { manifest: ShardManifest; bytes: Uint8Array; name: string }[] = [];
  for (const e of entries) {
    if (!/^shard-\d+-of-\d+\.json$/.test(e)) continue;
    let manifest: ShardManifest;
    try {
      manifest = JSON.parse(await readFile(join(src, e), 'utf8')) as ShardManifest;
    } catch (err) {
      ignored.push(`${e}: not a readable manifest (${(err as Error).message})`);
      continue;
    }
    used.add(e);
    if (manifest.format !== 'glassbox-dataset-shard/1' || typeof manifest.file !== 'string') {
      ignored.push(`${e}: not an explain-dataset manifest`);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await readFile(join(src, manifest.file));
    } catch {
      ignored.push(`${e}: its file ${manifest.file} is missing (partially written shard)`);
      continue;
    }
    used.add(manifest.file);
    if (bytes.length !== manifest.bytes || sha256(bytes) !== manifest.sha256) {
      ignored.push(`${manifest.file}: ${bytes.length} bytes, sha256 does not match its manifest (partially written or changed shard)`);
      continue;
    }
    shards.push({ manifest, bytes, name: e });
  }
  for (const e of entries) if (!used.has(e)) ignored.push(`${e}: no manifest names it (partially written shard or a foreign file)`);
  for (const i of ignored) io.err(`glassbox merge: ignored ${i}\n`);
  if (shards.length === 0) throw usageError(`${dir} holds no complete shard of an explain-dataset run${ignored.length ? ` (${ignored.length} ignored)` : ''}`);

  // One run: every field of `run` agrees.
  const first = shards[0]!;
  for (const s of shards.slice(1)) {
    for (const k of new Set([...Object.keys(first.manifest.run), ...Object.keys(s.manifest.run)])) {
      const a = JSON.stringify(first.manifest.run[k]);
      const b = JSON.stringify(s.manifest.run[k]);
      if (a !== b) throw usageError(`${s.name} and ${first.name} are shards of different runs: run.${k} is ${b} in one and ${a} in the other`);
    }
  }
  const count = first.manifest.shard.count;
  const seen = new Map<number, string>();
  for (const s of shards) {
    const prev = seen.get(s.manifest.shard.index);
    if (prev !== undefined) throw usageError(`${s.name} and ${prev} are both shard ${s.manifest.shard.index}/${count}`);
    seen.set(s.manifest.shard.index, s.name);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0 && !o.allowMissing) {
    throw usageError(`${dir} lacks shard${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''} of ${count}; run them, or pass --allow-missing for a partial summary`);
  }

  const report = await import('@glassbox/report');
  const read = shards.map((s) => report.partialFromArrow(s.bytes, s.manifest.file));
  const partials = read.map((r) => r.partial);
  if (partials[0]!.input === 'tokens') return mergeTokens(read, first.manifest, shards.map((s) => s.manifest.timing.seconds), count, missing, ignored, o, t0);
  const summary = report.summarizeDataset(partials);
  const run = first.manifest.run as { model: string; method: string };
  const json = {
    model: run.model,
    method: run.method,
    count: summary.count,
    classBy: summary.classBy,
    rowShape: summary.rowShape,
    meanAttribution: summary.meanAttribution,
    meanAbsAttribution: summary.meanAbsAttribution,
    perClass: summary.perClass,
    metrics: summary.metrics,
    // A latent run explains one score (no classes predicted): no accuracy.
    accuracy: summary.rowShape.length === 1 ? null : summary.accuracy,
    surrogate: summary.surrogate,
    ranges: summary.ranges,
    // The run without its shard count, so that any split of one run gives the same summary apart from `shards` and `timing`.
    run: Object.fromEntries(Object.entries(first.manifest.run).filter(([k]) => k !== 'shardCount')),
    shards: { count, merged: shards.length, missing },
    ignored,
    versions: first.manifest.versions,
    timing: { shardSeconds: shards.map((s) => s.manifest.timing.seconds) },
  };

  const viz = await import('@glassbox/viz');
  if (summary.rowShape.length === 1) {
    // A latent run (features = latent dimensions of an autoencoder/VAE code): bar charts instead of heatmaps.
    const dims = summary.rowShape[0]!;
    const labels = Array.from({ length: dims }, (_, j) => `z${j}`);
    const what = `${run.method} of the reconstruction sum in the code, over ${summary.count} digits`;
    const classes = Object.keys(summary.perClass);
    const own = ['summary.json', 'latent-importance.svg', 'latent-mean.svg', ...classes.map((c) => `latent-class-${c}.svg`)];
    const { dir: outDir, files } = await writeAtomically(o.out, own, async (tmp) => {
      const { writeFile } = await import('node:fs/promises');
      await writeJson(join(tmp, 'summary.json'), json);
      await writeFile(join(tmp, 'latent-importance.svg'), viz.barChart(summary.meanAbsAttribution, { labels, sort: 'magnitude', title: `${what}: latent-dimension importance (mean |attribution|)`, xLabel: 'mean |attribution|' }));
      await writeFile(join(tmp, 'latent-mean.svg'), viz.barChart(summary.meanAttribution, { labels, sort: 'none', title: `${what}: mean signed attribution per latent dimension`, xLabel: 'mean attribution' }));
      for (const c of classes) {
        await writeFile(join(tmp, `latent-class-${c}.svg`), viz.barChart(summary.perClass[c]!.meanAttribution, { labels, sort: 'none', title: `${what}: class ${c} (${summary.perClass[c]!.count} digits), mean attribution per latent dimension`, xLabel: 'mean attribution' }));
      }
    });
    return { command: 'merge', out: outDir, model: run.model, method: run.method, count: summary.count, shards: shards.length, ignored, files, seconds: since(t0) / 1000 };
  }
  const [h, w] = summary.rowShape as [number, number];
  const scale = o.scale ?? 8;
  const classes = Object.keys(summary.perClass);
  let peak = 0;
  for (const c of classes) for (const v of summary.perClass[c]!.meanAttribution) peak = Math.max(peak, Math.abs(v));
  const own = ['summary.json', 'mean-abs.png', 'top-features.svg', ...Array.from({ length: 10 }, (_, c) => `class-${c}.png`), ...classes.map((c) => `class-${c}.png`)];
  const { dir: outDir, files } = await writeAtomically(o.out, own, async (tmp) => {
    await writeJson(join(tmp, 'summary.json'), json);
    for (const c of classes) {
      const img = viz.heatmap(summary.perClass[c]!.meanAttribution, [h, w, summary.rowShape[2] ?? 1], { mode: 'signed', ...(peak > 0 ? { clip: { value: peak } } : {}) }).image;
      await writePng(join(tmp, `class-${c}.png`), viz.scaleImage(img, scale));
    }
    await writePng(join(tmp, 'mean-abs.png'), viz.scaleImage(viz.heatmap(summary.meanAbsAttribution, [h, w, summary.rowShape[2] ?? 1], { mode: 'abs' }).image, scale));
    const order = summary.meanAbsAttribution.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 20);
    const svg = viz.barChart(order.map(([, i]) => summary.meanAttribution[i]!), {
      labels: order.map(([, i]) => `pixel (${Math.floor(i / w)}, ${i % w})`),
      sort: 'none',
      title: `${run.method} over ${summary.count} digits: top 20 pixels by mean |attribution| (bars: mean signed attribution)`,
      xLabel: 'mean attribution',
    });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(tmp, 'top-features.svg'), svg);
  });
  return { command: 'merge', out: outDir, model: run.model, method: run.method, count: summary.count, shards: shards.length, ignored, files, seconds: since(t0) / 1000 };
}

type ReadShard = ReturnType<typeof import('@glassbox/report').partialFromArrow>;

/** A quoted token for chart labels (special tokens such as [CLS] as they are). */
function shownToken(token: string | undefined, id: number): string {
  if (token === undefined) return `#${id}`;
  return /^\[[A-Z]+\]$/.test(token) ? token : JSON.stringify(token);
}

/** The summary and pictures of a token run (see the module comment). */
async function mergeTokens(
  read: ReadShard[],
  manifest: ShardManifest,
  shardSeconds: number[],
  count: number,
  missing: number[],
  ignored: string[],
  o: MergeCommandOptions,
  t0: number,
): Promise<MergeSummary> {
  const report = await import('@glassbox/report');
  const viz = await import('@glassbox/viz');
  const run = manifest.run as { model: string; method: string; classes?: string[]; sequence?: { vocabSize?: number } };
  // The tokens the shards met (id -> token), for naming ids without the model.
  const vocabulary: string[] = [];
  for (const r of read) {
    const seen = (r.meta?.tokens ?? {}) as Record<string, string>;
    for (const [id, token] of Object.entries(seen)) vocabulary[Number(id)] = token;
  }
  const summary = report.summarizeDataset(
    read.map((r) => r.partial),
    { vocabulary, topTokens: o.topTokens ?? 20, minTokenCount: o.minTokenCount ?? 3 },
  );
  const tokens = summary.tokens!;
  const classNames = Object.fromEntries(Object.keys(summary.perClass).map((c) => [c, run.classes?.[Number(c)] ?? vocabulary[Number(c)] ?? `class ${c}`]));
  const json = {
    model: run.model,
    method: run.method,
    count: summary.count,
    input: 'tokens',
    classBy: summary.classBy,
    classNames,
    rowShape: summary.rowShape,
    meanAttribution: summary.meanAttribution,
    meanAbsAttribution: summary.meanAbsAttribution,
    featureCounts: summary.featureCounts,
    perClass: summary.perClass,
    metrics: summary.metrics,
    accuracy: summary.accuracy,
    surrogate: summary.surrogate,
    topTokens: tokens.top,
    tokens: { vocabSize: tokens.vocabSize, padId: tokens.padId, distinct: tokens.distinct, minTokenCount: tokens.minTokenCount, byId: { ...tokens.byId, token: tokens.byId.id.map((v) => vocabulary[v] ?? null) } },
    ranges: summary.ranges,
    run: Object.fromEntries(Object.entries(manifest.run).filter(([k]) => k !== 'shardCount')),
    shards: { count, merged: read.length, missing },
    ignored,
    versions: manifest.versions,
    timing: { shardSeconds },
  };
  const T = summary.rowShape[0]!;
  const positions = Array.from({ length: T }, (_, j) => `position ${j}`);
  const finite = (a: readonly number[]) => a.map((v) => (Number.isFinite(v) ? v : 0));
  const what = `${run.method} over ${summary.count} texts (${run.model})`;
  const classes = run.classes ? Object.keys(summary.perClass) : [];
  const own = ['summary.json', 'top-tokens.svg', 'positions.svg', 'positions-mean.svg', ...classes.map((c) => `class-${c}-positions.svg`)];
  const { dir: outDir, files } = await writeAtomically(o.out, own, async (tmp) => {
    const { writeFile } = await import('node:fs/promises');
    await writeJson(join(tmp, 'summary.json'), json);
    if (tokens.top.length > 0) {
      await writeFile(
        join(tmp, 'top-tokens.svg'),
        viz.barChart(tokens.top.map((t) => t.meanAbsAttribution), {
          labels: tokens.top.map((t) => `${shownToken(t.token, t.id)} (${t.count}x)`),
          sort: 'none',
          title: `${what}: top ${tokens.top.length} tokens by mean |attribution| (seen at least ${tokens.minTokenCount} times)`,
          xLabel: 'mean |attribution|',
        }),
      );
    }
    await writeFile(join(tmp, 'positions.svg'), viz.barChart(finite(summary.meanAbsAttribution), { labels: positions, sort: 'none', title: `${what}: mean |attribution| per token position (over the texts that reach it)`, xLabel: 'mean |attribution|' }));
    await writeFile(join(tmp, 'positions-mean.svg'), viz.barChart(finite(summary.meanAttribution), { labels: positions, sort: 'none', title: `${what}: mean signed attribution per token position`, xLabel: 'mean attribution' }));
    for (const c of classes) {
      const pc = summary.perClass[c]!;
      await writeFile(
        join(tmp, `class-${c}-positions.svg`),
        viz.barChart(finite(pc.meanAttribution), { labels: positions, sort: 'none', title: `${what}: class ${classNames[c]} (${pc.count} texts), mean attribution per position`, xLabel: 'mean attribution' }),
      );
    }
  });
  return { command: 'merge', out: outDir, model: run.model, method: run.method, count: summary.count, shards: read.length, ignored, files, seconds: since(t0) / 1000 };
}

export function formatMerge(s: MergeSummary): string {
  return `merged ${s.shards} shard${s.shards === 1 ? '' : 's'} (${s.count} examples, ${s.model}, ${s.method})${s.ignored.length ? `, ignored ${s.ignored.length} partial file(s)` : ''} -> ${join(s.out, 'summary.json')} and ${s.files.length - 1} pictures\n`;
}
