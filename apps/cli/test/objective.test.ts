/**
 * `--objective`: an autoencoder's or VAE's input is explained as a latent dimension of the encoder by default
 * (the kind adapter's first objective) and as the centre region of the reconstruction with --objective region.
 * Runs the command in-process on the pretrained VAE and checks the map against the library called directly.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { outputRegion, tf } from '@glassbox/tensors-ops';
import { saliency } from '@glassbox/explainers-gradient';
import { loadPretrained } from '@glassbox/models-ae-vae';
import { loadDigitsArrays } from '@glassbox/datasets';
import { main } from '../src/program.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const weights = join(repo, 'packages', 'models-ae-vae', 'weights', 'digits-vae', 'model.json');
const work = mkdtempSync(join(tmpdir(), 'glassbox-objective-'));

async function glassbox(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: { write: (t: string) => (out.push(t), true) }, stderr: { write: (t: string) => (err.push(t), true) } } as never);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe.skipIf(!existsSync(weights))('explain --objective (pretrained VAE)', () => {
  it('explains the centre region of the reconstruction with --objective region: the map of saliency(outputRegion(reconstruct))', async () => {
    const dir = join(work, 'region');
    const r = await glassbox(['explain', '--model', 'vae', '--method', 'saliency', '--input', 'digits:test:3', '--objective', 'region', '--backend', 'cpu', '--no-progress', '--out', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['attribution.json', 'heatmap.png', 'input.png', 'overlay.png', 'reconstruction.png']);
    const a = JSON.parse(readFileSync(join(dir, 'attribution.json'), 'utf8')) as { target: number | null; explains: string; values: number[] };
    expect(a.target).toBeNull();
    expect(a.explains).toMatch(/^mean intensity of the centre region \(rows 7\.\.20, columns 7\.\.20\) of the reconstruction/);

    // The same map from the library: |d mean(reconstruction over rows 7..20, columns 7..20) / dx|.
    const vae = await loadPretrained('digits-vae');
    const before = tf.memory().numTensors;
    const digits = await loadDigitsArrays({ split: 'test', limit: 4 });
    const mask = new Float32Array(784);
    for (let row = 7; row <= 20; row++) mask.fill(1, row * 28 + 7, row * 28 + 21);
    const x = tf.tensor(Array.from(digits.images as Float32Array).slice(3 * 784, 4 * 784), [1, ...vae.inputShape]);
    try {
      const direct = await saliency(outputRegion((t) => vae.reconstruct(t), mask, 'mean'), x, { abs: true });
      const expected = Array.from(await direct.attributions.data());
      direct.attributions.dispose();
      expect(a.values.length).toBe(784);
      for (let i = 0; i < 784; i++) expect(a.values[i]).toBeCloseTo(expected[i]!, 6);
    } finally {
      x.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();

    // The default is still the encoder's latent dimension.
    const code = await glassbox(['explain', '--model', 'vae', '--method', 'saliency', '--input', 'digits:test:3', '--backend', 'cpu', '--no-progress', '--json', '--out', join(work, 'code')]);
    expect(code.code).toBe(0);
    expect(JSON.parse(code.stdout).explains).toMatch(/^mean \(mu\) of latent dimension \d+ of the encoder/);
  });

  it.each([
    [['--model', 'vae', '--objective', 'region', '--target', '2'], /--target does not apply to a vae: explain scores the mean of the centre region of the reconstruction/],
    [['--model', 'vae', '--objective', 'logits'], /--objective logits does not apply to a vae model; use code or region \(default code\)/],
    [['--model', 'classifier', '--objective', 'region'], /--objective region does not apply to a classifier model; use logits/],
  ])('refuses %j with exit 2 and writes nothing', async (args, message) => {
    const out = join(work, `bad-${readdirSync(work).length}`);
    const r = await glassbox(['explain', ...args, '--method', 'saliency', '--input', 'digits:test:0', '--backend', 'cpu', '--no-progress', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});
