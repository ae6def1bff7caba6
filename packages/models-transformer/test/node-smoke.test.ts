/**
 * Plain-Node smoke test of the BUILT package: builds it, then imports `@glassbox/models-transformer` by name
 * in a separate `node` process (no vitest, no TypeScript), starts WASM, loads both pretrained models from the
 * package's weights/ folder, writes a name and classifies an e-mail.
 */
import { execFileSync, execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));

const script = `
import { initBackend, tf } from '@glassbox/tensors-ops';
import { loadPretrained } from '@glassbox/models-transformer';

const info = await initBackend();
const before = tf.memory().numTensors;
const gpt = await loadPretrained('names-gpt');
const a = gpt.generate('', { seed: 5 });
const b = gpt.generate('', { seed: 5 });
const clf = await loadPretrained('spam-encoder');
const { ids } = clf.encode('Congratulations! You have won a FREE vacation. Click here to claim your prize now!!!');
const x = tf.tensor2d(ids, [1, ids.length], 'int32');
const logits = clf.predict(x);
const spam = tf.tidy(() => tf.argMax(logits, 1).dataSync()[0]);
console.log(JSON.stringify({ backend: info.backend, same: a.text === b.text && a.text.length > 0, shape: logits.shape, label: clf.labels[spam], layers: gpt.layers.length }));
tf.dispose([x, logits]);
gpt.dispose();
clf.dispose();
if (tf.memory().numTensors !== before) throw new Error('leaked ' + (tf.memory().numTensors - before));
`;

describe('the built package in plain Node', () => {
  beforeAll(() => {
    execSync('npx tsc -p tsconfig.build.json', { cwd: pkgDir, stdio: 'pipe' });
  }, 180_000);

  it('imports @glassbox/models-transformer by name, loads both pretrained models on WASM, writes a name and flags a spam', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: pkgDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GLASSBOX_BACKEND: '' },
    });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).toEqual({ backend: 'wasm', same: true, shape: [1, 2], label: 'spam', layers: 2 });
  });
});
