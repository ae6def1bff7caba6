/**
 * `glassbox bench`: runs the packages' benchmarks (`pnpm -r --workspace-concurrency=1 run bench` at the
 * root of the glassbox repository) and prints a table of the JSON results found under bench/results. With
 * `--no-run` it only reads the existing results (also outside the repository, with `--results <dir>`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failure, usageError } from '../errors.js';
import type { CliIo } from '../runtime.js';

export interface BenchCommandOptions {
  /** Run the benchmarks first (default true; --no-run: false). */
  run?: boolean;
  /** The results folder (default <repo>/bench/results). */
  results?: string;
  /** Only metrics whose file or path contains this text (case-insensitive). */
  filter?: string;
  /** Where to look for the repository (default: the working directory, then the CLI's own location). */
  cwd?: string;
}

export interface BenchMetric {
  path: string;
  value: number;
}

export interface BenchFile {
  file: string;
  benchmark: string | null;
  date: string | null;
  metrics: BenchMetric[];
}

export interface BenchSummary {
  command: 'bench';
  ran: boolean;
  resultsDir: string;
  files: BenchFile[];
  warnings: string[];
}

/** Top-level fields that describe the machine, not the measurement. */
const SKIPPED_KEYS = new Set(['cpus', 'loadAverageAtStart', 'loadAverage']);

/** The folder holding pnpm-workspace.yaml above `from`, or null. */
export function findRepoRoot(from: string): string | null {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Every finite number of a JSON value that is not inside an array, by dotted path. */
export function numericLeaves(value: unknown, prefix = ''): BenchMetric[] {
  const out: BenchMetric[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (prefix === '' && SKIPPED_KEYS.has(key)) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ path, value: v });
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...numericLeaves(v, path));
  }
  return out;
}

/** Reads every *.json of a results folder. Unreadable files become warnings. */
export async function readResults(dir: string, filter?: string): Promise<{ files: BenchFile[]; warnings: string[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return { files: [], warnings: [`no results folder at ${dir}`] };
    throw failure(`cannot read ${dir}: ${(e as Error).message}`, e);
  }
  const files: BenchFile[] = [];
  const warnings: string[] = [];
  const needle = filter?.toLowerCase();
  for (const name of names) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(join(dir, name), 'utf8'));
    } catch (e) {
      warnings.push(`skipped ${name}: ${(e as Error).message}`);
      continue;
    }
    const o = (json ?? {}) as Record<string, unknown>;
    let metrics = numericLeaves(json);
    if (needle !== undefined) metrics = metrics.filter((m) => `${name} ${m.path}`.toLowerCase().includes(needle));
    files.push({
      file: name,
      benchmark: typeof o.benchmark === 'string' ? o.benchmark : null,
      date: typeof o.date === 'string' ? o.date : typeof o.generatedAt === 'string' ? o.generatedAt : null,
      metrics,
    });
  }
  return { files, warnings };
}

function runPnpmBench(root: string, io: CliIo): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    // The benchmarks' own output goes to stderr with --json (stdout keeps one JSON document), else to stdout.
    const child = spawn('pnpm', ['-r', '--workspace-concurrency=1', 'run', 'bench'], {
      cwd: root,
      stdio: ['ignore', io.json ? 2 : 1, 2],
      shell: process.platform === 'win32',
    });
    child.on('error', (e) => reject(failure(`cannot run pnpm: ${e.message}`, e)));
    child.on('close', (code, signal) => resolvePromise(code ?? (signal !== null ? 128 : 1)));
  });
}

export async function runBench(o: BenchCommandOptions, io: CliIo): Promise<BenchSummary> {
  const run = o.run ?? true;
  const here = fileURLToPath(new URL('.', import.meta.url));
  const root = findRepoRoot(o.cwd ?? process.cwd()) ?? findRepoRoot(here);
  if (o.results === undefined && root === null) {
    throw usageError(`not inside the glassbox repository (no pnpm-workspace.yaml above ${o.cwd ?? process.cwd()}); pass --results <dir> (and --no-run)`);
  }
  if (run && root === null) throw usageError(`cannot run the benchmarks outside the glassbox repository; use --no-run --results <dir>`);
  const resultsDir = resolve(o.results ?? join(root!, 'bench', 'results'));
  if (run) {
    io.err(`glassbox bench: running pnpm -r --workspace-concurrency=1 run bench in ${root}\n`);
    const code = await runPnpmBench(root!, io);
    if (code !== 0) {
      const { files, warnings } = await readResults(resultsDir, o.filter);
      io.out(io.json ? '' : formatBench({ command: 'bench', ran: true, resultsDir, files, warnings }));
      throw failure(`pnpm -r run bench exited with code ${code}`);
    }
  }
  const { files, warnings } = await readResults(resultsDir, o.filter);
  return { command: 'bench', ran: run, resultsDir, files, warnings };
}

function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** The results as a text table: file | metric | value. */
export function formatBench(s: BenchSummary): string {
  const rows: [string, string, string][] = [];
  for (const f of s.files) for (const m of f.metrics) rows.push([f.file, m.path, formatValue(m.value)]);
  const lines: string[] = [];
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  if (rows.length === 0) {
    lines.push(`no benchmark results in ${s.resultsDir}`);
    return lines.join('\n') + '\n';
  }
  const header: [string, string, string] = ['file', 'metric', 'value'];
  const widths = [0, 1, 2].map((i) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: [string, string, string]) => `${r[0].padEnd(widths[0]!)}  ${r[1].padEnd(widths[1]!)}  ${r[2].padStart(widths[2]!)}`;
  lines.push(`results in ${s.resultsDir}`);
  for (const f of s.files) if (f.date !== null || f.benchmark !== null) lines.push(`  ${f.file}: ${[f.benchmark, f.date].filter((x) => x !== null).join(', ')}`);
  lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) lines.push(line(r));
  return lines.join('\n') + '\n';
}
