/**
 * Plain-Node smoke test: imports the BUILT package by name in a fresh `node --input-type=module` process (no
 * vitest transforms), starts the WASM backend and runs integratedGradients on a tiny model. Catches ESM
 * problems (missing .js extensions, bad exports maps, side-effect imports) that vitest would hide.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');

const script = `
import { initBackend, tf } from '@glassbox/tensors-ops';
import { integratedGradients, saliency, outputRegion, gaussLegendre } from '@glassbox/explainers-gradient';
const info = await initBackend();
const w = tf.tensor2d([[1, -2], [3, 0.5], [-1, 2]]);
const f = (x) => tf.matMul(x, w);
const x = tf.tensor2d([[0.5, 1, -1], [2, 0, 1]]);
const before = tf.memory().numTensors;
const { attributions, delta } = await integratedGradients(f, x, { target: 1, steps: 8 });
const s = await saliency(f, x, { target: 0 });
const out = {
  backend: info.backend,
  attributions: Array.from(await attributions.data()),
  delta: Array.from(await delta.data()),
  saliency: Array.from(await s.attributions.data()),
  region: typeof outputRegion,
  gl2: Array.from(gaussLegendre(2).nodes),
};
attributions.dispose(); delta.dispose(); s.attributions.dispose();
out.leaked = tf.memory().numTensors - before;
console.log(JSON.stringify(out));
`;

describe('plain Node ESM import of the built package', () => {
  it('runs integratedGradients on wasm', async () => {
    expect(existsSync(join(pkgDir, 'dist', 'index.js')), 'build the package first (npx tsc -p tsconfig.build.json)').toBe(true);
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: pkgDir, timeout: 60_000 }, (err, out, errOut) => {
        if (err) reject(new Error(`${err.message}\n${errOut}`));
        else resolve(out);
      });
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result.backend).toBe('wasm');
    // IG of a linear model is x * W[:, 1]; saliency is |W[:, 0]|.
    const expected = [0.5 * -2, 1 * 0.5, -1 * 2, 2 * -2, 0, 1 * 2];
    result.attributions.forEach((v: number, i: number) => expect(v).toBeCloseTo(expected[i]!, 5));
    result.delta.forEach((v: number) => expect(Math.abs(v)).toBeLessThan(1e-5));
    expect(result.saliency).toEqual([1, 3, 1, 1, 3, 1]);
    expect(result.region).toBe('function');
    expect(result.gl2[1]).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(result.leaked).toBe(0);
  });
});
