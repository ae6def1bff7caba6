/**
 * Plain-Node smoke test of the BUILT package: builds it, then imports `@glassbox/models-classifier` by name
 * in a separate `node` process (no vitest, no TypeScript), starts WASM, loads the pretrained CNN from the
 * package's weights/ folder and classifies one digit.
 */
import { execFileSync, execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));

const script = `
import { initBackend, tf } from '@glassbox/tensors-ops';
import { loadDigits } from '@glassbox/datasets';
import { loadPretrained, CNN_LAST_CONV_LAYER } from '@glassbox/models-classifier';

const info = await initBackend();
const before = tf.memory().numTensors;
const cnn = await loadPretrained('digits-cnn');
const { x, y } = await loadDigits({ split: 'test', limit: 1 });
const logits = cnn.predict(x);
const predicted = tf.tidy(() => tf.argMax(logits, 1).dataSync()[0]);
const { features } = cnn.split(CNN_LAST_CONV_LAYER);
const maps = features(x);
console.log(JSON.stringify({ backend: info.backend, simd: info.simd, shape: logits.shape, label: y[0], predicted, maps: maps.shape }));
tf.dispose([logits, maps, x]);
cnn.dispose();
if (tf.memory().numTensors !== before) throw new Error('leaked ' + (tf.memory().numTensors - before));
`;

describe('the built package in plain Node', () => {
  beforeAll(() => {
    execSync('npx tsc -p tsconfig.build.json', { cwd: pkgDir, stdio: 'pipe' });
  }, 180_000);

  it('imports @glassbox/models-classifier by name, loads digits-cnn on WASM and classifies a digit', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: pkgDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GLASSBOX_BACKEND: '' },
    });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).toEqual({ backend: 'wasm', simd: true, shape: [1, 10], label: 7, predicted: 7, maps: [1, 14, 14, 64] });
  });
});
