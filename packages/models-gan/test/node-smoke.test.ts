// Plain Node (no vitest transforms, no TypeScript): import the BUILT package by its name, load the pretrained
// 'digits-gan' from the package's weights/ folder and sample 2 images on the WASM backend.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

const script = `
import { initBackend, tf } from '@glassbox/tensors-ops';
import { loadPretrained, GAN } from '@glassbox/models-gan';
const info = await initBackend();
const gan = await loadPretrained('digits-gan');
const before = tf.memory().numTensors;
const images = await gan.sample(2, 7);
const v = images.dataSync();
console.log(JSON.stringify({
  backend: info.backend,
  isGan: gan instanceof GAN,
  shape: images.shape,
  min: Math.min(...v),
  max: Math.max(...v),
  mean: v.reduce((a, b) => a + b, 0) / v.length,
  leaked: (images.dispose(), tf.memory().numTensors - before),
}));
gan.dispose();
`;

describe('node smoke test (built package)', () => {
  it('loads digits-gan and samples 2 images on wasm', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: packageRoot, encoding: 'utf8', timeout: 90_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out).toMatchObject({ backend: 'wasm', isGan: true, shape: [2, 28, 28, 1], leaked: 0 });
    expect(out.min).toBeGreaterThanOrEqual(0);
    expect(out.max).toBeLessThanOrEqual(1);
    // Digits are mostly dark background with some bright strokes.
    expect(out.max).toBeGreaterThan(0.5);
    expect(out.mean).toBeLessThan(0.5);
  });
});
