/**
 * What the explain-dataset commands share (the float/latent runs in explain-dataset.ts and the token runs in
 * explain-dataset-tokens.ts, and merge): the command's options, the data slice, shard names, the package versions
 * a shard records, atomic writes, the shard manifest, and finding / writing a finished shard.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { usageError } from '../errors.js';
import { since } from '../runtime.js';

export interface ExplainDatasetCommandOptions {
  model: string;
  data: string;
  method: string;
  out: string;
  shard?: string;
  steps?: number;
  window?: number;
  stride?: number;
  seed?: number;
  chunkSize?: number;
  deletionIntervals?: number;
  /** Token runs: points of the per-text insertion curve (default 10). */
  insertionIntervals?: number;
  surrogateRows?: number;
  keepAttributions?: boolean;
  backend?: string;
}

export interface DataSlice {
  /** digits (images), spam (e-mails, for spam-encoder) or names (first names, for names-gpt). */
  dataset: 'digits' | 'spam' | 'names';
  split: 'train' | 'test';
  /** First row, inclusive. */
  start: number;
  /** Last row, inclusive (null: to the end of the split). */
  end: number | null;
}

/** The explainers explain-dataset runs on the text models (token ids). */
export const TOKEN_DATASET_METHODS = ['integrated-gradients', 'saliency', 'input-x-gradient', 'occlusion', 'feature-ablation'] as const;

export function shardName(index: number, count: number): string {
  const w = Math.max(4, String(count).length);
  return `shard-${String(index).padStart(w, '0')}-of-${String(count).padStart(w, '0')}`;
}

const PACKAGES = ['@glassbox/report', '@glassbox/explainers-gradient', '@glassbox/explainers-perturbation', '@glassbox/metrics', '@glassbox/models-classifier', '@glassbox/datasets', '@glassbox/tensors-ops', 'apache-arrow'];

/** The versions of the packages a shard's numbers come from. */
export function packageVersions(): Record<string, string> {
  const req = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const p of PACKAGES) {
    // apache-arrow is a dependency of report, resolved from there.
    out[p] = versionOf(req, p) ?? versionOf(reportRequire(req), p) ?? 'unknown';
  }
  return out;
}

function reportRequire(req: NodeRequire): NodeRequire | null {
  try {
    return createRequire(req.resolve('@glassbox/report'));
  } catch {
    return null;
  }
}

/**
 * The version of an installed package. Its package.json is read directly when the package exports it; otherwise
 * (apache-arrow's `exports` leave it out) from the folders above its resolved entry point.
 */
function versionOf(req: NodeRequire | null, name: string): string | null {
  if (req === null) return null;
  try {
    return (req(`${name}/package.json`) as { version: string }).version;
  } catch {
    // not exported: walk up from the entry point
  }
  try {
    let dir = dirname(req.resolve(name));
    for (;;) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name && typeof pkg.version === 'string') return pkg.version;
      }
      const up = dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
  } catch {
    return null;
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes bytes under a temporary name in the same folder, then renames (atomic on one file system). */
export async function writeFileAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export interface ShardManifest {
  format: 'glassbox-dataset-shard/1';
  run: Record<string, unknown>;
  shard: { index: number; count: number; rows: [number, number]; examples: number };
  file: string;
  bytes: number;
  sha256: string;
  versions: Record<string, string>;
  timing: { seconds: number; finishedAt: string };
}

export interface ExplainDatasetSummary {
  command: 'explain-dataset';
  out: string;
  shard: string;
  rows: [number, number];
  examples: number;
  skipped: boolean;
  files: string[];
  seconds: number;
}

/**
 * The summary of a finished shard of the same run in `out` (its manifest and file there, the file matching the
 * manifest's sha256), or null when it has to be computed. A shard of another run in the folder is refused
 * (exit 2), naming the first field of `run` that differs.
 */
export async function finishedShard(out: string, name: string, run: Record<string, unknown>, outText: string, shard: { index: number; count: number }, t0: number): Promise<ExplainDatasetSummary | null> {
  const manifestPath = join(out, `${name}.json`);
  const arrowPath = join(out, `${name}.arrow`);
  try {
    const old = JSON.parse(await readFile(manifestPath, 'utf8')) as ShardManifest;
    const bytes = await readFile(arrowPath);
    if (JSON.stringify(old.run) === JSON.stringify(run) && old.sha256 === sha256(bytes)) {
      return { command: 'explain-dataset', out, shard: `${shard.index}/${shard.count}`, rows: old.shard.rows, examples: old.shard.examples, skipped: true, files: [`${name}.arrow`, `${name}.json`], seconds: since(t0) / 1000 };
    }
    if (JSON.stringify(old.run) !== JSON.stringify(run)) {
      const field = Object.keys(run).find((k) => JSON.stringify((old.run as Record<string, unknown>)[k]) !== JSON.stringify(run[k]));
      throw usageError(`--out ${outText} already holds ${name} of another run (run.${field} differs: ${JSON.stringify((old.run as Record<string, unknown>)[field ?? ''])} there, ${JSON.stringify(run[field ?? ''])} here); choose another folder`);
    }
    // Same run, but the file does not match its manifest: recompute.
  } catch (e) {
    if ((e as { exitCode?: number }).exitCode !== undefined) throw e;
  }
  return null;
}

/** Writes a shard's Arrow file, then its manifest (each atomically; the manifest last). */
export async function writeShard(
  bytes: Uint8Array,
  partial: { range: [number, number]; count: number },
  run: Record<string, unknown>,
  out: string,
  name: string,
  shard: { index: number; count: number },
  t0: number,
): Promise<ExplainDatasetSummary> {
  const seconds = since(t0) / 1000;
  const manifest: ShardManifest = {
    format: 'glassbox-dataset-shard/1',
    run,
    shard: { index: shard.index, count: shard.count, rows: partial.range, examples: partial.count },
    file: `${name}.arrow`,
    bytes: bytes.length,
    sha256: sha256(bytes),
    versions: packageVersions(),
    timing: { seconds, finishedAt: new Date().toISOString() },
  };
  await mkdir(out, { recursive: true });
  await writeFileAtomically(join(out, `${name}.arrow`), bytes);
  await writeFileAtomically(join(out, `${name}.json`), JSON.stringify(manifest, null, 2) + '\n');
  return { command: 'explain-dataset', out, shard: `${shard.index}/${shard.count}`, rows: partial.range, examples: partial.count, skipped: false, files: [`${name}.arrow`, `${name}.json`], seconds };
}

