/**
 * Plain-Node smoke test: imports the BUILT package by name in a fresh `node --input-type=module` process
 * (no vitest transforms), starts the wasm backend and runs occlusion on a tiny linear model. Catches ESM
 * resolution problems (missing .js extensions, wrong exports map) that vitest would hide. Needs `pnpm build`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const script = `
import { tf, initBackend } from '@glassbox/tensors-ops';
import { occlusion, kernelShap } from '@glassbox/explainers-perturbation';
const info = await initBackend({ backend: 'wasm', fallback: false });
const w = tf.tensor2d([1, -2, 3, 0.5], [4, 1]);
const f = (x) => tf.matMul(x, w);
const x = tf.tensor2d([[1, 1, 2, 4]]);
const { attributions } = await occlusion(f, x, { window: [1] });
const ks = await kernelShap(f, x, { seed: 1 });
console.log(JSON.stringify({ backend: info.backend, occlusion: Array.from(attributions.dataSync()), kernelShap: Array.from(ks.attributions.dataSync()) }));
`;

it('the built package loads and runs in plain Node ESM on the wasm backend', () => {
  expect(existsSync(join(root, 'dist', 'index.js')), 'dist/index.js is missing: run `pnpm build` (tsc -p tsconfig.build.json) first').toBe(true);
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const result = JSON.parse(out.trim().split('\n').pop()!) as { backend: string; occlusion: number[]; kernelShap: number[] };
  expect(result.backend).toBe('wasm');
  // w_i (x_i - 0) = [1, -2, 6, 2]
  [1, -2, 6, 2].forEach((v, i) => {
    expect(result.occlusion[i]).toBeCloseTo(v, 5);
    expect(result.kernelShap[i]).toBeCloseTo(v, 5);
  });
});
