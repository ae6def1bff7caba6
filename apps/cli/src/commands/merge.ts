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
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { writeAtomically, writeJson, writePng } from '../output.js';
import { since, type CliIo } from '../runtime.js';
import { sha256, type ShardManifest } from './explain-dataset.js';

export interface MergeCommandOptions {
  out: string;
  allowMissing?: boolean;
  scale?: number;
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
  const partials = shards.map((s) => report.partialFromArrow(s.bytes, s.manifest.file).partial);
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

export function formatMerge(s: MergeSummary): string {
  return `merged ${s.shards} shard${s.shards === 1 ? '' : 's'} (${s.count} examples, ${s.model}, ${s.method})${s.ignored.length ? `, ignored ${s.ignored.length} partial file(s)` : ''} -> ${join(s.out, 'summary.json')} and ${s.files.length - 1} pictures\n`;
}
