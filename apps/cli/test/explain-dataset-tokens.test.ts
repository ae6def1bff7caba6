/**
 * explain-dataset and merge on the text models through the built CLI: the pretrained spam-encoder on 8 test
 * e-mails gives the same summary.json from 1 shard and from 4 shards run as 4 processes (apart from `shards`
 * and `timing`); the Arrow files read back with apache-arrow's reader, with each row's real token count and
 * predicted class recomputed here from the model; names-gpt explains each name's most likely next token at its
 * last real character; bad data specs and flags exit 2 writing nothing. Few rows, few steps.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNames, loadSpam } from '@glassbox/datasets';
import { loadPretrained } from '@glassbox/models-transformer';
import { initBackend, tf } from '@glassbox/tensors-ops';

const app = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(app, '..', '..');
const bin = join(app, 'dist', 'bin.js');
mkdirSync(join(repo, 'tmp'), { recursive: true });
const work = mkdtempSync(join(repo, 'tmp', 'explain-dataset-tokens-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function glassbox(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd: work, env: { ...process.env, GLASSBOX_BACKEND: '', FORCE_COLOR: '0' }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1;
      done({ code, stdout, stderr });
    });
  });
}

const SPAM = ['explain-dataset', '--model', 'spam-encoder', '--data', 'spam:test:0-7', '--method', 'ig', '--steps', '4', '--chunk-size', '2', '--deletion-intervals', '3', '--insertion-intervals', '3', '--no-progress'];
const strip = (s: Record<string, unknown>) => JSON.stringify({ ...s, shards: undefined, timing: undefined });

describe('explain-dataset on the text models (built CLI)', () => {
  it('spam-encoder: 1 shard == 4 shards (4 processes); per-position counts exclude padding; top tokens; Arrow rows match the model', async () => {
    const one = join(work, 'one');
    const four = join(work, 'four');
    const r1 = await glassbox([...SPAM, '--out', one]);
    expect(r1.code, r1.stderr).toBe(0);
    const rs = await Promise.all([0, 1, 2, 3].map((i) => glassbox([...SPAM, '--shard', `${i}/4`, '--out', four])));
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
    const m1 = await glassbox(['merge', one, '--out', join(work, 'sum1'), '--min-token-count', '2']);
    const m4 = await glassbox(['merge', four, '--out', join(work, 'sum4'), '--min-token-count', '2']);
    expect(m1.code, m1.stderr).toBe(0);
    expect(m4.code, m4.stderr).toBe(0);
    const s1 = JSON.parse(readFileSync(join(work, 'sum1', 'summary.json'), 'utf8'));
    const s4 = JSON.parse(readFileSync(join(work, 'sum4', 'summary.json'), 'utf8'));
    expect(strip(s4)).toBe(strip(s1));
    expect(s1).toMatchObject({ model: 'spam-encoder', method: 'integrated-gradients', count: 8, input: 'tokens', classBy: 'label' });
    expect(s1.surrogate).toMatchObject({ fitted: false, applicable: false, fidelity: null });
    expect(s1.metrics.deletionAuc.count).toBe(8);
    expect(s1.metrics.insertionAuc.count).toBe(8);

    // The data and the model, here: real token counts, labels and predicted classes.
    const mails = (await loadSpam({ split: 'test', limit: 8 }));
    await initBackend({ backend: 'cpu', fallback: false });
    const clf = await loadPretrained('spam-encoder');
    let lengths: number[];
    let predicted: number[];
    try {
      lengths = mails.map((m) => clf.tokenizer.encode(m.text, { maxLength: clf.context }).length);
      predicted = [];
      for (const m of mails) {
        const ids = tf.tensor2d(clf.encode(m.text).ids, [1, lengths[predicted.length]!], 'int32');
        const logits = clf.predict(ids);
        const l = Array.from(await logits.data());
        predicted.push(l.indexOf(Math.max(...l)));
        tf.dispose([ids, logits]);
      }
    } finally {
      clf.dispose();
    }
    const T = Math.max(...lengths);
    expect(s1.rowShape).toEqual([T]);
    expect(s1.meanAttribution).toHaveLength(T);
    // Position j counts the e-mails longer than j: padding does not dilute the means.
    expect(s1.featureCounts).toEqual(Array.from({ length: T }, (_, j) => lengths.filter((l) => l > j).length));
    const labelCounts: Record<string, number> = {};
    for (const m of mails) labelCounts[String(m.label)] = (labelCounts[String(m.label)] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(s1.perClass as Record<string, { count: number }>).map(([k, v]) => [k, v.count]))).toEqual(labelCounts);
    for (const c of Object.keys(labelCounts)) expect(s1.classNames[c]).toBe(['ham', 'spam'][Number(c)]);
    // Per id: the counts add up to the real tokens; the top tokens are decoded, seen >= 2 times, sorted by mean |a|.
    expect((s1.tokens.byId.count as number[]).reduce((a, b) => a + b, 0)).toBe(lengths.reduce((a, b) => a + b, 0));
    expect(s1.tokens.byId.id).not.toContain(0); // [PAD]
    const top = s1.topTokens as { id: number; token: string; count: number; meanAbsAttribution: number }[];
    expect(top.length).toBeGreaterThan(0);
    expect(top.length).toBeLessThanOrEqual(20);
    for (let i = 0; i < top.length; i++) {
      expect(typeof top[i]!.token).toBe('string');
      expect(top[i]!.count).toBeGreaterThanOrEqual(2);
      if (i > 0) expect(top[i]!.meanAbsAttribution).toBeLessThanOrEqual(top[i - 1]!.meanAbsAttribution);
    }
    expect(readdirSync(join(work, 'sum4')).sort()).toEqual(['positions-mean.svg', 'positions.svg', 'summary.json', 'top-tokens.svg', ...Object.keys(labelCounts).map((c) => `class-${c}-positions.svg`)].sort());
    const svg = readFileSync(join(work, 'sum4', 'top-tokens.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    if (/^[a-z0-9]+$/.test(top[0]!.token)) expect(svg).toContain(top[0]!.token);

    // The library's own reader: the rows of the 4 shard files, their lengths, labels and predicted classes.
    const rows: { index: number; length: number; label: number; predicted: number; target: number }[] = [];
    for (const f of readdirSync(four).filter((f) => f.endsWith('.arrow')).sort()) {
      const t = tableFromIPC(readFileSync(join(four, f)));
      expect(t.schema.fields.map((x) => x.name)).toEqual(['index', 'label', 'predicted', 'class', 'target', 'score', 'deletion_auc', 'insertion_auc', 'length']);
      for (let i = 0; i < t.numRows; i++) rows.push({ index: t.getChild('index')!.get(i), length: t.getChild('length')!.get(i), label: t.getChild('label')!.get(i), predicted: t.getChild('predicted')!.get(i), target: t.getChild('target')!.get(i) });
    }
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(rows.map((r) => r.length)).toEqual(lengths);
    expect(rows.map((r) => r.label)).toEqual(mails.map((m) => m.label));
    expect(rows.map((r) => r.predicted)).toEqual(predicted);
    expect(rows.map((r) => r.target)).toEqual(predicted); // the predicted class is explained
  }, 600_000);

  it('names-gpt: each name explains its most likely next token at its last character; classes by prediction', async () => {
    const out = join(work, 'names');
    const r = await glassbox(['explain-dataset', '--model', 'names-gpt', '--data', 'names:test:0-11', '--method', 'occlusion', '--chunk-size', '4', '--deletion-intervals', '2', '--insertion-intervals', '2', '--no-progress', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const m = await glassbox(['merge', out, '--out', join(work, 'names-sum')]);
    expect(m.code, m.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(work, 'names-sum', 'summary.json'), 'utf8'));
    expect(s).toMatchObject({ model: 'names-gpt', method: 'occlusion', count: 12, classBy: 'predicted', accuracy: null });
    const names = await loadNames({ split: 'test', limit: 12 });
    await initBackend({ backend: 'cpu', fallback: false });
    const gpt = await loadPretrained('names-gpt');
    const want: number[] = [];
    let context = 0;
    try {
      context = gpt.context;
      for (const name of names) {
        const { ids } = gpt.encode([...name].slice(0, gpt.context - 1).join(''));
        const x = tf.tensor2d(ids, [1, ids.length], 'int32');
        const next = gpt.nextToken(x);
        const l = Array.from(await next.data());
        want.push(l.indexOf(Math.max(...l)));
        tf.dispose([x, next]);
      }
    } finally {
      gpt.dispose();
    }
    const t = tableFromIPC(readFileSync(join(out, 'shard-0000-of-0001.arrow')));
    expect(Array.from(t.getChild('predicted')!.toArray() as Int32Array)).toEqual(want);
    expect(Array.from(t.getChild('length')!.toArray() as Int32Array)).toEqual(names.map((n) => Math.min([...n].length, context - 1) + 1));
    const counts: Record<string, number> = {};
    for (const p of want) counts[String(p)] = (counts[String(p)] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(s.perClass as Record<string, { count: number }>).map(([k, v]) => [k, v.count]))).toEqual(counts);
    // Characters are named; each class is named by its predicted token.
    expect((s.topTokens as { token: string }[]).every((x) => typeof x.token === 'string')).toBe(true);
    for (const k of Object.keys(counts)) expect(typeof s.classNames[k]).toBe('string');
    expect(readdirSync(join(work, 'names-sum')).sort()).toEqual(['positions-mean.svg', 'positions.svg', 'summary.json', 'top-tokens.svg']);
  }, 300_000);

  it('bad data specs and flags exit 2 and write nothing', async () => {
    const bad = async (args: string[], re: RegExp) => {
      const r = await glassbox([...args, '--no-progress']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(re);
    };
    const x = (n: number) => join(work, `bad${n}`);
    await bad(['explain-dataset', '--model', 'spam-encoder', '--data', 'spam:validation:0-3', '--method', 'ig', '--out', x(1)], /unknown split 'validation'/);
    await bad(['explain-dataset', '--model', 'spam-encoder', '--data', 'spam:test:1195-1300', '--method', 'ig', '--out', x(2)], /spam:test has 1200 e-mails .*ends at 1300/);
    await bad(['explain-dataset', '--model', 'spam-encoder', '--data', 'digits:test:0-3', '--method', 'ig', '--out', x(3)], /reads e-mails: use --data spam/);
    await bad(['explain-dataset', '--model', 'names-gpt', '--data', 'names:test:0-3', '--method', 'lime', '--out', x(4)], /runs integrated-gradients, .*feature-ablation on the text models/);
    await bad(['explain-dataset', '--model', 'names-gpt', '--data', 'names:test:0-3', '--method', 'ig', '--surrogate-rows', '8', '--out', x(5)], /--surrogate-rows does not apply/);
    await bad(['explain-dataset', '--model', 'classifier', '--data', 'spam:test:0-3', '--method', 'ig', '--out', x(6)], /reads digits images; spam is a text data set/);
    for (let i = 1; i <= 6; i++) expect(existsSync(x(i))).toBe(false);
  }, 300_000);
});
