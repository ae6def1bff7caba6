/**
 * Plain-Node smoke test: imports the BUILT package by name in a fresh `node --input-type=module` process (no
 * vitest transforms), starts the wasm backend with initBackend() and renders a report for a tiny classifier.
 * Catches ESM resolution problems (missing .js extensions, a wrong exports map) that vitest would hide.
 * Builds the package first when dist/ is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const script = `
import { tf, initBackend } from '@glassbox/tensors-ops';
import { explainModel, renderReport, REPORT_METHODS } from '@glassbox/report';
const info = await initBackend();
const w = tf.tensor2d(Array.from({ length: 48 }, (_, i) => Math.sin(i)), [16, 3]);
const model = { kind: 'classifier', predict: (x) => tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0], 16]), w)) };
const x = tf.tensor4d(Array.from({ length: 32 }, (_, i) => (i % 7) / 7), [2, 4, 4, 1]);
const before = tf.memory().numTensors;
const result = await explainModel(model, x, { samples: 2, seed: 1, settings: { igSteps: 8, kernelShapSamples: 16, infidelitySamples: 4, sensitivitySamples: 1 } });
const html = renderReport(result, { title: 'smoke' });
console.log(JSON.stringify({
  backend: info.backend,
  methods: result.meta.methods,
  known: REPORT_METHODS.classifier,
  leaked: tf.memory().numTensors - before,
  images: (html.match(/<img class="pic" src="data:image\\/png;base64,/g) || []).length,
  svgs: (html.match(/<svg /g) || []).length,
  external: /https?:\\/\\//.test(html),
}));
`;

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'index.js'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
  }
});

it('the built package loads in plain Node ESM and renders a report on the wasm backend', () => {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, GLASSBOX_BACKEND: '' },
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as {
    backend: string;
    methods: string[];
    known: string[];
    leaked: number;
    images: number;
    svgs: number;
    external: boolean;
  };
  expect(r.backend).toBe('wasm');
  expect(r.methods).toEqual(r.known.filter((m) => m !== 'gradCam'));
  expect(r.leaked).toBe(0);
  expect(r.images).toBe(2 * (1 + r.methods.length));
  expect(r.svgs).toBe(3);
  expect(r.external).toBe(false);
});
