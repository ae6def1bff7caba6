/**
 * Plain-Node smoke test of the BUILT package: builds it, then imports `@glassbox/models-ae-vae` by name in a
 * separate `node` process (no vitest, no TypeScript), starts WASM, loads the pretrained models from the
 * package's weights/ folder, reconstructs one digit and samples from the VAE.
 */
import { execFileSync, execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));

const script = `
import { initBackend, tf } from '@glassbox/tensors-ops';
import { loadDigits } from '@glassbox/datasets';
import { loadPretrained } from '@glassbox/models-ae-vae';

const info = await initBackend();
const before = tf.memory().numTensors;
const { x } = await loadDigits({ split: 'test', limit: 1 });
const out = { backend: info.backend, simd: info.simd };
for (const name of ['digits-ae', 'digits-conv-ae', 'digits-vae']) {
  const model = await loadPretrained(name);
  const xHat = model.reconstruct(x);
  const [mse, min, max] = tf.tidy(() => [tf.mean(tf.squaredDifference(xHat, x)), tf.min(xHat), tf.max(xHat)].map((t) => t.dataSync()[0]));
  out[name] = { kind: model.kind, shape: xHat.shape, good: mse < 0.03, inRange: min >= 0 && max <= 1 };
  xHat.dispose();
  if (model.kind === 'vae') {
    const s = model.sample(2, 1);
    out.sample = s.shape;
    s.dispose();
  }
  model.dispose();
}
x.dispose();
out.leaked = tf.memory().numTensors - before;
console.log(JSON.stringify(out));
`;

describe('the built package in plain Node', () => {
  beforeAll(() => {
    execSync('npx tsc -p tsconfig.build.json', { cwd: pkgDir, stdio: 'pipe' });
  }, 180_000);

  it('imports @glassbox/models-ae-vae by name, loads the pretrained models on WASM and reconstructs a digit', () => {
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: pkgDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GLASSBOX_BACKEND: '' },
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    const ok = { shape: [1, 28, 28, 1], good: true, inRange: true };
    expect(result).toEqual({
      backend: 'wasm',
      simd: true,
      'digits-ae': { kind: 'ae', ...ok },
      'digits-conv-ae': { kind: 'ae', ...ok },
      'digits-vae': { kind: 'vae', ...ok },
      sample: [2, 28, 28, 1],
      leaked: 0,
    });
  });
});
