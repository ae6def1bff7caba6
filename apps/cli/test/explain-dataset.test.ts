/**
 * explain-dataset and merge through the built CLI (`node dist/bin.js`): 4 shards as 4 local processes give the
 * same summary.json as 1 shard (apart from `shards` and `timing`), the Arrow files hold the examples, a re-run
 * is a no-op, and bad input ends with exit code 2 and nothing written. Small slices, few steps, wasm backend.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDigitsArrays } from '@glassbox/datasets';
import { parseDataSpec, parseShard } from '../src/commands/explain-dataset.js';

const app = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(app, '..', '..');
const bin = join(app, 'dist', 'bin.js');
mkdirSync(join(repo, 'tmp'), { recursive: true });
const work = mkdtempSync(join(repo, 'tmp', 'explain-dataset-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function glassbox(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd: work, env: { ...process.env, GLASSBOX_BACKEND: '', FORCE_COLOR: '0' }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1;
      done({ code, stdout, stderr });
    });
  });
}

const RUN = ['explain-dataset', '--model', 'classifier', '--data', 'digits:test:100-121', '--method', 'ig', '--steps', '3', '--chunk-size', '4', '--deletion-intervals', '4', '--surrogate-rows', '12', '--no-progress'];

describe('parseShard and parseDataSpec', () => {
  it('reads i/n (0-based) and inclusive slices; refuses 5/4, 0/0 and reversed ranges', () => {
    expect(parseShard('3/16')).toEqual({ index: 3, count: 16 });
    expect(parseShard(undefined)).toEqual({ index: 0, count: 1 });
    expect(() => parseShard('5/4')).toThrow(/index must be below the count/);
    expect(() => parseShard('0/0')).toThrow(/count must be at least 1/);
    expect(() => parseShard('1-4')).toThrow(/<index>\/<count>/);
    expect(parseDataSpec('digits:test:0-999')).toEqual({ dataset: 'digits', split: 'test', start: 0, end: 999 });
    expect(parseDataSpec('digits:train')).toEqual({ dataset: 'digits', split: 'train', start: 0, end: null });
    expect(parseDataSpec('digits:test:17')).toEqual({ dataset: 'digits', split: 'test', start: 17, end: 17 });
    expect(() => parseDataSpec('digits:test:9-3')).toThrow(/before its start/);
    expect(() => parseDataSpec('fashion:test')).toThrow(/--data must be/);
  });
});

describe('explain-dataset and merge (built CLI)', () => {
  it('4 shards as 4 processes merge to the summary of 1 shard; Arrow rows; re-run is a no-op; bad input exits 2', async () => {
    const one = join(work, 'one');
    const four = join(work, 'four');
    const r1 = await glassbox([...RUN, '--out', one]);
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    const rs = await Promise.all([0, 1, 2, 3].map((i) => glassbox([...RUN, '--shard', `${i}/4`, '--out', four])));
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
    const again = await glassbox([...RUN, '--shard', '2/4', '--out', four]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/shard 2\/4 already complete .*nothing to do/);

    const m1 = await glassbox(['merge', one, '--out', join(work, 'sum1')]);
    const m4 = await glassbox(['merge', four, '--out', join(work, 'sum4')]);
    expect(m1.code, m1.stderr).toBe(0);
    expect(m4.code, m4.stderr).toBe(0);
    const s1 = JSON.parse(readFileSync(join(work, 'sum1', 'summary.json'), 'utf8'));
    const s4 = JSON.parse(readFileSync(join(work, 'sum4', 'summary.json'), 'utf8'));
    const strip = (s: Record<string, unknown>) => JSON.stringify({ ...s, shards: undefined, timing: undefined });
    expect(strip(s4)).toBe(strip(s1));
    expect(s4.shards).toEqual({ count: 4, merged: 4, missing: [] });
    expect(s1.count).toBe(22);
    expect(s1.meanAttribution).toHaveLength(784);
    // Per-class counts are the label counts of the slice (classes by label).
    const digits = await loadDigitsArrays({ split: 'test', limit: 122 });
    const counts: Record<string, number> = {};
    for (let i = 100; i <= 121; i++) counts[String(digits.labels[i])] = (counts[String(digits.labels[i])] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(s1.perClass as Record<string, { count: number }>).map(([k, v]) => [k, v.count]))).toEqual(counts);
    // The overall mean is the count-weighted mean of the class means.
    for (const j of [300, 400, 500]) {
      const w = Object.values(s1.perClass as Record<string, { count: number; meanAttribution: number[] }>).reduce((a, c) => a + c.count * c.meanAttribution[j]!, 0) / 22;
      expect(s1.meanAttribution[j]).toBeCloseTo(w, 12);
    }
    expect(readdirSync(join(work, 'sum4')).sort()).toEqual([...Object.keys(counts).map((c) => `class-${c}.png`), 'mean-abs.png', 'summary.json', 'top-features.svg'].sort());

    // The library's own reader reads a shard file: its rows are the shard's part of the slice, with the labels.
    const t = tableFromIPC(readFileSync(join(four, 'shard-0003-of-0004.arrow')));
    const idx = Array.from(t.getChild('index')!.toArray() as Int32Array);
    expect(idx).toEqual([116, 117, 118, 119, 120, 121]); // 6 chunks of 4 (the last of 2): shard 3 takes chunks 4 and 5
    expect(Array.from(t.getChild('label')!.toArray() as Int32Array)).toEqual(idx.map((i) => digits.labels[i]));

    // Bad input: exit 2, one message, nothing written.
    const bad = async (args: string[], re: RegExp) => {
      const r = await glassbox(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(re);
    };
    await bad([...RUN, '--shard', '5/4', '--out', join(work, 'x1')], /index must be below the count/);
    await bad([...RUN, '--shard', '0/0', '--out', join(work, 'x2')], /count must be at least 1/);
    await bad([...RUN.map((a) => (a === 'digits:test:100-121' ? 'digits:test:1990-2005' : a)), '--out', join(work, 'x3')], /has 2000 images .*ends at 2005/);
    for (const x of ['x1', 'x2', 'x3']) expect(existsSync(join(work, x))).toBe(false);

    // Mixing runs: a shard of another run (other steps) in the folder is refused, naming the field.
    const mixed = join(work, 'mixed');
    mkdirSync(mixed);
    for (const f of ['shard-0000-of-0004', 'shard-0001-of-0004']) for (const e of ['.arrow', '.json']) writeFileSync(join(mixed, f + e), readFileSync(join(four, f + e)));
    const other = await glassbox([...RUN.map((a) => (a === '3' ? '4' : a)), '--shard', '2/4', '--out', mixed]);
    expect(other.code).toBe(0);
    await bad(['merge', mixed, '--out', join(work, 'sum-mixed')], /different runs: run\.options is \{"steps":4\} in one and \{"steps":3\}/);
    expect(existsSync(join(work, 'sum-mixed'))).toBe(false);

    // Missing shards are refused unless --allow-missing; a partially written shard is ignored and reported.
    const partial = join(work, 'partial');
    mkdirSync(partial);
    for (const f of ['shard-0000-of-0004', 'shard-0001-of-0004', 'shard-0002-of-0004']) for (const e of ['.arrow', '.json']) writeFileSync(join(partial, f + e), readFileSync(join(four, f + e)));
    const bytes = readFileSync(join(four, 'shard-0003-of-0004.arrow'));
    writeFileSync(join(partial, 'shard-0003-of-0004.arrow'), bytes.subarray(0, bytes.length >> 1)); // its manifest never came
    await bad(['merge', partial, '--out', join(work, 'sum-partial')], /lacks shard 3 of 4/);
    const allow = await glassbox(['merge', partial, '--allow-missing', '--out', join(work, 'sum-partial')]);
    expect(allow.code, allow.stderr).toBe(0);
    expect(allow.stderr).toMatch(/ignored shard-0003-of-0004\.arrow: no manifest names it/);
    const sp = JSON.parse(readFileSync(join(work, 'sum-partial', 'summary.json'), 'utf8'));
    expect(sp.count).toBe(16);
    expect(sp.shards.missing).toEqual([3]);
  }, 300_000);
});
