/**
 * explain-dataset on an autoencoder/VAE (features = latent dimensions) through the built CLI: 1 shard == 2 shards
 * bit for bit, bar charts instead of heatmaps, the explained score is the reconstruction sum of the code (checked
 * against the model run here), integrated gradients add up to S(z) - S(0) on average (completeness), and a method
 * that does not apply to a code exits 2 writing nothing. Plus the two helpers on hand-made functions.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDigitsArrays } from '@glassbox/datasets';
import { loadPretrained } from '@glassbox/models-ae-vae';
import { initBackend, tf, type Tensor } from '@glassbox/tensors-ops';
import { latentCodes, reconstructionSum } from '../src/commands/explain-dataset.js';

const app = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(app, '..', '..');
const bin = join(app, 'dist', 'bin.js');
mkdirSync(join(repo, 'tmp'), { recursive: true });
const work = mkdtempSync(join(repo, 'tmp', 'explain-dataset-latent-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function glassbox(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd: work, env: { ...process.env, GLASSBOX_BACKEND: '', FORCE_COLOR: '0' }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1;
      done({ code, stdout, stderr });
    });
  });
}

const RUN = ['explain-dataset', '--model', 'vae', '--data', 'digits:test:0-9', '--method', 'ig', '--steps', '32', '--chunk-size', '4', '--deletion-intervals', '4', '--surrogate-rows', '8', '--no-progress'];

describe('explain-dataset of a VAE in its latent code (built CLI)', () => {
  it('1 shard == 2 shards; bar charts; score = sum of the reconstruction; IG completeness on average; occlusion exits 2', async () => {
    const one = join(work, 'one');
    const two = join(work, 'two');
    const r1 = await glassbox([...RUN, '--out', one]);
    expect(r1.code, r1.stderr).toBe(0);
    const rs = await Promise.all([0, 1].map((i) => glassbox([...RUN, '--shard', `${i}/2`, '--out', two])));
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
    const m1 = await glassbox(['merge', one, '--out', join(work, 'sum1')]);
    const m2 = await glassbox(['merge', two, '--out', join(work, 'sum2')]);
    expect(m1.code, m1.stderr).toBe(0);
    expect(m2.code, m2.stderr).toBe(0);
    const s1 = JSON.parse(readFileSync(join(work, 'sum1', 'summary.json'), 'utf8'));
    const s2 = JSON.parse(readFileSync(join(work, 'sum2', 'summary.json'), 'utf8'));
    const strip = (s: Record<string, unknown>) => JSON.stringify({ ...s, shards: undefined, timing: undefined });
    expect(strip(s2)).toBe(strip(s1));
    expect(s1.rowShape).toEqual([20]); // digits-vae: 20 latent dimensions
    expect(s1.meanAttribution).toHaveLength(20);
    expect(s1.meanAbsAttribution).toHaveLength(20);
    expect(s1.accuracy).toBeNull();
    expect(s1.run.features).toBe('latent');

    const digits = await loadDigitsArrays({ split: 'test', limit: 10 });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10; i++) counts[String(digits.labels[i])] = (counts[String(digits.labels[i])] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(s1.perClass as Record<string, { count: number }>).map(([k, v]) => [k, v.count]))).toEqual(counts);
    expect(readdirSync(join(work, 'sum2')).sort()).toEqual(['latent-importance.svg', 'latent-mean.svg', 'summary.json', ...Object.keys(counts).map((c) => `latent-class-${c}.svg`)].sort());
    const svg = readFileSync(join(work, 'sum1', 'latent-importance.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('>z0<');

    // The explained score, recomputed here from its definition: S(z) = sum_p decoder(encoder(x))_p.
    await initBackend({ backend: 'cpu', fallback: false });
    const vae = await loadPretrained('digits-vae');
    try {
      const [scores, s0] = tf.tidy(() => {
        const x = tf.tensor(digits.images.subarray(0, 10 * 784), [10, 28, 28, 1]);
        const s = tf.sum(tf.reshape(vae.decoder(vae.encoder(x)), [10, -1]), 1);
        return [s, tf.sum(vae.decoder(tf.zeros([1, 20])))];
      });
      const want = Array.from(await scores.data());
      const base = (await s0.data())[0]!;
      scores.dispose();
      s0.dispose();
      const got: number[] = [];
      for (const f of ['shard-0000-of-0002.arrow', 'shard-0001-of-0002.arrow']) got.push(...Array.from(tableFromIPC(readFileSync(join(two, f))).getChild('score')!.toArray() as Float64Array));
      expect(got).toHaveLength(10);
      for (let i = 0; i < 10; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-3 * Math.abs(want[i]!) + 1e-3);
      // Completeness of IG: sum_j mean a_j = mean_i (S(z_i) - S(0)), up to the 32-step quadrature.
      const lhs = (s1.meanAttribution as number[]).reduce((a, b) => a + b, 0);
      const rhs = want.reduce((a, b) => a + b, 0) / 10 - base;
      expect(Math.abs(lhs - rhs)).toBeLessThan(0.03 * Math.abs(rhs) + 0.05);
    } finally {
      vae.dispose();
    }

    // A method that does not apply to a code: exit 2, one message, nothing written.
    const bad = await glassbox([...RUN.map((a) => (a === 'ig' ? 'occlusion' : a)), '--out', join(work, 'x1')]);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/does not apply to a code of vae latent dimensions/);
    expect(existsSync(join(work, 'x1'))).toBe(false);
  }, 300_000);
});

describe.each(['cpu', 'wasm'] as const)('latentCodes and reconstructionSum (%s)', (backend) => {
  it('codes by chunks equal the encoder on all rows; the sum is sum_p y_p; no tensors left, also on failure', async () => {
    await initBackend({ backend, fallback: false });
    // encode(x) = [sum of row, 2 * first value]: a closed form per row.
    const encode = (x: Tensor) => tf.tidy(() => {
      const flat = tf.reshape(x, [x.shape[0]!, -1]);
      return tf.concat([tf.sum(flat, 1, true), tf.mul(tf.slice(flat, [0, 0], [-1, 1]), 2)], 1);
    });
    const n = 5;
    const images = new Float32Array(n * 4).map((_, i) => (i % 7) - 3);
    const before = tf.memory().numTensors;
    const d = await latentCodes(encode, { images, shape: [n, 2, 2, 1], labels: Int32Array.from([0, 1, 2, 3, 4]) }, 2);
    expect(d.shape).toEqual([n, 2]);
    for (let r = 0; r < n; r++) {
      const row = Array.from(images.subarray(r * 4, r * 4 + 4));
      expect(d.images[r * 2]).toBe(row.reduce((a, b) => a + b, 0));
      expect(d.images[r * 2 + 1]).toBe(2 * row[0]!);
    }
    expect(Array.from(d.labels)).toEqual([0, 1, 2, 3, 4]);
    const f = reconstructionSum((z) => tf.tidy(() => tf.reshape(tf.concat([z, tf.mul(z, 3)], 1), [z.shape[0]!, 2, 2, 1])));
    const s = tf.tidy(() => f(tf.tensor2d([[1, 2], [-1, 0.5]])));
    expect(s.shape).toEqual([2, 1]);
    expect(Array.from(await s.data())).toEqual([12, -2]); // 4 * (z0 + z1)
    s.dispose();
    await expect(latentCodes(() => { throw new Error('encoder failed'); }, { images, shape: [n, 2, 2, 1], labels: new Int32Array(n) }, 2)).rejects.toThrow('encoder failed');
    expect(tf.memory().numTensors).toBe(before);
  });
});
